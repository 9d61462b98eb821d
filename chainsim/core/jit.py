"""One place for the numba settings of every compiled function.

Environment variables (read once, at import):

``CHAINSIM_CACHE``      ``0`` disables numba's on-disk cache (default on: a new process then
                        starts in about a second instead of recompiling).
``CHAINSIM_FASTMATH``   ``1`` lets LLVM reorder floating-point arithmetic (default off, see
                        ``FASTMATH``).

While numba compiles chainsim's kernels (a fresh install's first solve or impact: about a
minute), a line on stderr says so, and another how long it took; only when stderr is a terminal
or in Jupyter, and never when the kernels load from the cache (see ``_CompileNotice``).

numba invalidates a cached function when its own file changes, not when a function it calls
changes in another file; so the cache of the compiled core is dropped as a whole whenever any
of its source files differs from the last run (see ``_LAYERS``), wherever numba keeps it: next
to the sources (``__pycache__``), under ``NUMBA_CACHE_DIR`` when that is set, or in the user's
cache directory for a read-only install (numba's own cache locators say where).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numba as nb
from numba.core import event as _event

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


#: Name of the file, in each cache directory, holding the digest of the sources it was compiled
#: from.
STAMP = "chainsim-compiled.sha256"


def _locator_classes():
    """numba's cache locator classes for source files, in the order numba tries them (numba
    renamed ``_CacheImpl``, ``_UserProvidedCacheLocator`` and so on to public names lately)."""
    from numba.core import caching

    impl = getattr(caching, "CacheImpl", None) or getattr(caching, "_CacheImpl")
    # only the locators of functions in source files (not IPython cells'): never another
    # program's cache
    backed = getattr(caching, "_SourceFileBackedLocatorMixin", object)
    return [c for c in impl._locator_classes if issubclass(c, backed)]


def cache_dirs(source: Path) -> tuple[Path | None, list[Path]]:
    """Where numba caches the functions of the source file ``source``: the directory it will
    use (its first locator that can), and every directory any of its locators would use.

    Asks numba's locator classes (``numba.core.caching``): ``NUMBA_CACHE_DIR``'s per-source-folder
    tree when that variable is set, the ``__pycache__`` next to the source, the user-wide cache
    directory (read-only installs).
    """
    def probe():          # any function: the locators read only its first line number
        pass

    used, every = None, []
    for cls in _locator_classes():
        try:
            path = Path(cls(probe, str(source)).get_cache_path())
            if path.is_absolute():      # (NUMBA_CACHE_DIR's locator without it: a relative path)
                every.append(path)
        except Exception:          # a locator for another kind of source (IPython, zip)
            pass
        if used is None:
            try:
                chosen = cls.from_function(probe, str(source))
            except Exception:
                chosen = None
            if chosen is not None:
                used = Path(chosen.get_cache_path())
    return used, every


def _drop_stale_cache() -> None:
    """Drop numba's cache files of every layer whose sources (or the earlier layers') differ
    from those the cache was compiled from, in every directory numba may have put them, and
    stamp the directories with the sources' digest."""
    digest = hashlib.sha256(repr(sorted(FASTMATH or ())).encode())   # numba's key omits it
    for dirs in _LAYERS:
        for d in dirs:
            for f in sorted(d.glob("*.py")):
                digest.update(f.name.encode() + f.read_bytes())
        stamp = digest.hexdigest()
        for d in dirs:
            used, every = cache_dirs(d / "__init__.py")
            for c in dict.fromkeys(every + ([used] if used else [])):
                try:
                    if not c.is_dir() or ((c / STAMP).exists()
                                          and (c / STAMP).read_text() == stamp):
                        continue
                    for f in c.glob("*.nb[ic]"):
                        f.unlink()
                    (c / STAMP).write_text(stamp)
                except OSError:      # not ours to change (another user's, read-only)
                    pass


if CACHE:
    _drop_stale_cache()


class _CompileNotice(_event.Listener):
    """Says on stderr that chainsim's kernels compile, and then how long it took.

    numba broadcasts a ``numba:compile`` event around each real compilation only (not when a
    kernel loads from the cache), so a warm process prints nothing.  A solve compiles one
    entry kernel, an impact a few in a row: the compilations of one call are told as one
    (a new notice only after a pause), and "done" is said once they have taken a while.
    """

    PAUSE_S = 0.5        # a compilation starting later than this after the last: a new notice
    DONE_S = 2.0         # "done" once compiling has taken this long (short helpers are silent)

    def __init__(self):
        self.depth = 0
        self.since = None        # when the notice was printed (None: not printed, or done)
        self.last_end = -1e300

    @staticmethod
    def _ours(event) -> bool:
        d = (event.data or {}).get("dispatcher")
        return getattr(getattr(d, "py_func", None), "__module__", "").startswith("chainsim.")

    @staticmethod
    def _wanted() -> bool:
        try:
            return sys.stderr.isatty() or "ipykernel" in sys.modules
        except Exception:        # no stderr, a closed one
            return False

    @staticmethod
    def _say(text: str) -> None:
        try:
            print(text, file=sys.stderr, flush=True)
        except Exception:
            pass

    def on_start(self, event):
        if self.depth == 0 and not self._ours(event):
            return                           # someone else's numba function
        self.depth += 1
        if self.depth > 1:
            return
        now = time.perf_counter()
        if (self.since is None or now - self.last_end > self.PAUSE_S) and self._wanted():
            when = "first run only" if CACHE else "CHAINSIM_CACHE=0: every run"
            self._say(f"compiling chainsim's kernels ({when}, about a minute) ...")
            self.since = now

    def on_end(self, event):
        if self.depth == 0:
            return
        self.depth -= 1
        if self.depth > 0:
            return
        self.last_end = now = time.perf_counter()
        if self.since is not None and now - self.since >= self.DONE_S:
            self._say(f"done in {now - self.since:.0f} s")
            self.since = None


_event.register("numba:compile", _CompileNotice())

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
