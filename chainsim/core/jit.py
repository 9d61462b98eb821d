"""One place for the numba settings of every compiled function.

Environment variables (read once, at import):

``CHAINSIM_CACHE``      ``0`` disables numba's on-disk cache (default on: a new process then
                        starts in about a second instead of recompiling).
``CHAINSIM_FASTMATH``   ``1`` lets LLVM reorder floating-point arithmetic (default off, see
                        ``FASTMATH``).

numba invalidates a cached function when its own file changes, not when a function it calls
changes in another file; so the cache of the compiled core is dropped as a whole whenever any
of its source files differs from the last run (see ``_LAYERS``).
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import numba as nb

CACHE = os.environ.get("CHAINSIM_CACHE", "1") != "0"
#: ``CHAINSIM_FASTMATH=1``: LLVM may reassociate sums (and so vectorise the dot products of
#: the Cholesky factorisation), fuse multiply-adds, ignore the sign of zero and multiply by a
#: reciprocal (never 'nnan' / 'ninf': the solver's status relies on finiteness tests).
#: Measured ~10% faster solves, coordinates within ~1e-14 of the default's; but the last bits
#: then depend on how the kernels were compiled: the tests that compare a sweep across
#: processes (resumed, Dask workers) failed from a cold numba cache and passed from a warm one
#: (likely: LLVM vectorises a sum differently after inlining it, and a cached kernel is
#: not inlined), so it is off by default.
FASTMATH = ({"reassoc", "contract", "nsz", "arcp"}
            if os.environ.get("CHAINSIM_FASTMATH", "0") == "1" else False)

_CORE = Path(__file__).parent
#: Compiled source folders in layers, each depending on the ones before it: a change in a layer
#: drops its cache and that of every later layer (the dynamics do not recompile the statics).
_LAYERS = ((_CORE.parent / "_generated", _CORE), (_CORE / "dynamics",))


def _drop_stale_cache() -> None:
    digest = hashlib.sha256(repr(sorted(FASTMATH or ())).encode())   # numba's key omits it
    for dirs in _LAYERS:
        for d in dirs:
            for f in sorted(d.glob("*.py")):
                digest.update(f.name.encode() + f.read_bytes())
        stamp = dirs[-1] / "__pycache__" / "chainsim-compiled.sha256"
        try:
            if stamp.exists() and stamp.read_text() == digest.hexdigest():
                continue
            for d in dirs:
                for f in (d / "__pycache__").glob("*.nb[ic]"):
                    f.unlink()
            stamp.parent.mkdir(exist_ok=True)
            stamp.write_text(digest.hexdigest())
        except OSError:      # a read-only install: numba uses its own user cache directory
            pass


if CACHE:
    _drop_stale_cache()

_OPTIONS = dict(cache=CACHE, nogil=True, fastmath=FASTMATH, error_model="numpy")
#: Decorator for serial kernels: they work in arrays they are given and neither allocate nor
#: return arrays, so they are compiled without numba's runtime (NRT) and pass arrays without
#: reference counting (whose atomic increments took ~40% of an energy evaluation).  numba
#: refuses an allocation or a returned view here, and a call into a function that allocates;
#: it would let through returning an array the kernel was given (its caller would then release
#: a reference it never got).  ``_nrt`` is an underscored numba option; tests/test_runtime_free.py
#: checks both that compiled kernels carry no runtime calls and that none returns an argument.
jit = nb.njit(_nrt=False, **_OPTIONS)
#: Decorator for the functions that allocate (workspaces): with the runtime.  They may call
#: ``jit`` kernels, not the reverse.
jit_alloc = nb.njit(**_OPTIONS)
#: Decorator for small helpers that return a view: inlined (numba IR) into each caller and
#: compiled with the caller's settings.
jit_inline = nb.njit(inline="always", **_OPTIONS)
#: Decorator for the parallel batch drivers.
jit_parallel = nb.njit(parallel=True, **_OPTIONS)


@contextmanager
def num_threads(threads: int | None = None):
    """numba's thread count set to ``threads`` inside the block (unchanged when None), and
    restored after it, also when the block raises."""
    old = nb.get_num_threads()
    if threads is not None:
        nb.set_num_threads(int(threads))
    try:
        yield
    finally:
        nb.set_num_threads(old)
