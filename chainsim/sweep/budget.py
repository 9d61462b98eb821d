"""What a sweep or a sensitivity analysis needs in memory and on disk, refused when too much.

The estimates are upper bounds computed from the spec alone (before anything is computed or
created): the stored variables' bytes per point, the solver's working memory per point for
the chunks in flight, one file per chunk and variable on disk, and the progress marks.

Limits: ``CHAINSIM_MEMORY_LIMIT_GB`` (:func:`chainsim.arguments.memory_limit`: by default half
of the memory available now) and ``CHAINSIM_DISK_LIMIT_GB`` (default: the free space where the
store goes).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..arguments import MEMORY_VARIABLE, env_bytes, memory_limit  # noqa: F401 (the limits)

DISK_VARIABLE = "CHAINSIM_DISK_LIMIT_GB"
#: the solver's working memory per point (inputs, every output, the kernel's scratch; the peak
#: measured at about 6 kB for a static chunk of 32768 points, rounded up)
WORK_BYTES_PER_POINT = 8192
#: chunks whose results exist at once while a sweep runs (one stored, one or two solving)
CHUNKS_IN_FLIGHT = 3
#: what one value of a grid axis costs while the spec is built (a Python float in a tuple,
#: its JSON text, numpy's copy)
AXIS_BYTES_PER_VALUE = 128
#: a file's smallest size on disk (one filesystem block)
FILE_BYTES = 4096
#: bytes per point held by a sensitivity analysis besides the outputs (the sample, copies)
SENSITIVITY_COPIES = 3


def disk_limit(path) -> tuple[float, str]:
    """The disk space a store at ``path`` may take (bytes) and where that limit comes from."""
    v = env_bytes(DISK_VARIABLE)
    if v is not None:
        return v, f"{DISK_VARIABLE}={os.environ[DISK_VARIABLE].strip()}"
    p = Path(os.path.abspath(path))
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        free = float(shutil.disk_usage(p).free)
    except OSError:
        return float("inf"), "unknown free space"
    return free, f"the free space on {p}'s disk; set {DISK_VARIABLE} to change it"


def size_text(n: float) -> str:
    for unit, scale in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def sweep_needs(size: int, per_point: int, nvars: int, block_points: int, nchunks: int,
                store: bool) -> dict:
    """A sweep's estimated ``memory`` and ``disk`` (bytes; disk 0 in memory).

    ``size`` points of ``per_point`` stored bytes in ``nvars`` variables, cut in ``nchunks``
    chunks of at most ``block_points``.  In memory it holds every point's variables and the
    chunks in flight; with a store, the chunks in flight and the progress marks (9 bytes a
    chunk), and the store takes the variables (uncompressed), at least a block per file, and 8
    bytes a chunk.
    """
    working = CHUNKS_IN_FLIGHT * block_points * (WORK_BYTES_PER_POINT + per_point)
    if not store:
        return {"memory": size * per_point + working, "disk": 0}
    return {"memory": working + 9 * nchunks,
            "disk": size * per_point + nchunks * (nvars * FILE_BYTES + 8)}


def too_big(what: str, need: float, kind: str, limit: float, why: str, advice: str) -> str:
    """The reason of a refusal: what needs how much of what, the limit, and what to do."""
    return (f"{what} needs about {size_text(need)} of {kind}, above the limit of "
            f"{size_text(limit)} ({why}); {advice}")


def axis_refusal(num: int) -> str | None:
    """Why a grid axis of ``num`` values would not fit in memory (None if it does)."""
    limit, why = memory_limit()
    need = num * AXIS_BYTES_PER_VALUE
    if need > limit:
        return too_big(f"an axis of {num:,} values", need, "memory", limit, why,
                       "use fewer values")
    return None


def sensitivity_refusal(rows: int, d: int, outputs: int, chunk: int) -> str | None:
    """Why a sensitivity analysis of ``rows`` solves of ``d`` parameters and ``outputs``
    outputs, computed in memory ``chunk`` rows at a time, would not fit (None if it does)."""
    need = rows * (SENSITIVITY_COPIES * 8 * (d + outputs) + 1) + \
        min(rows, chunk) * WORK_BYTES_PER_POINT
    limit, why = memory_limit()
    if need > limit:
        return too_big(f"a sensitivity analysis of {rows:,} solves", need, "memory", limit,
                       why, "use a smaller n")
    return None
