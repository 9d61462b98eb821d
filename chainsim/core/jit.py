"""One place for the numba settings of every compiled function.

Environment variables (read once, at import):

``CHAINSIM_CACHE``      ``0`` disables numba's on-disk cache (default on: a new process then
                        starts in about a second instead of recompiling).
``CHAINSIM_FASTMATH``   ``1`` lets LLVM reorder floating-point arithmetic (default off, so
                        results are bitwise reproducible whatever the thread count).

numba invalidates a cached function when its own file changes, not when a function it calls
changes in another file; so the cache of the compiled core is dropped as a whole whenever any
of its source files differs from the last run.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba as nb

CACHE = os.environ.get("CHAINSIM_CACHE", "1") != "0"
FASTMATH = os.environ.get("CHAINSIM_FASTMATH", "0") == "1"

_COMPILED_DIRS = [Path(__file__).parent, Path(__file__).parent.parent / "_generated"]


def _drop_stale_cache() -> None:
    digest = hashlib.sha256()
    for d in _COMPILED_DIRS:
        for f in sorted(d.glob("*.py")):
            digest.update(f.name.encode() + f.read_bytes())
    stamp = _COMPILED_DIRS[0] / "__pycache__" / "chainsim-core.sha256"
    try:
        if stamp.exists() and stamp.read_text() == digest.hexdigest():
            return
        for d in _COMPILED_DIRS:
            for f in (d / "__pycache__").glob("*.nb[ic]"):
                f.unlink()
        stamp.parent.mkdir(exist_ok=True)
        stamp.write_text(digest.hexdigest())
    except OSError:          # a read-only install: numba uses its own user cache directory
        pass


if CACHE:
    _drop_stale_cache()

#: Decorator for serial kernels.
jit = nb.njit(cache=CACHE, nogil=True, fastmath=FASTMATH, error_model="numpy")
#: Decorator for the parallel batch drivers.
jit_parallel = nb.njit(cache=CACHE, nogil=True, fastmath=FASTMATH, parallel=True,
                       error_model="numpy")
