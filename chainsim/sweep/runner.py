"""Run a sweep: chunks computed in this process or on Dask, stored as they finish, resumable."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..params import ParameterError
from ..statics import SOLVED, STATUS_HELP
from . import execute
from .designs import Layout
from .spec import DEFAULT_CHUNK, SpecError, SweepSpec, load_spec
from .store import (FLAG_MEANINGS, IMPACT_FLAG_MEANINGS, IMPACT_STATUS_HELP, MemoryTarget,
                    check_size, flag_meanings, open_store, spec_of)

#: seconds to wait for a Dask scheduler named by its address
CONNECT_TIMEOUT_S = 5


def connect(scheduler):
    """A Dask client for a scheduler's address (refused quickly when it cannot be reached)."""
    if not isinstance(scheduler, str):
        return scheduler
    try:
        from distributed import Client
    except ImportError:
        raise ParameterError("scheduler: computing on Dask needs the distributed package "
                             "(pip install distributed)") from None
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except Exception as e:                       # OSError, TimeoutError, ValueError, ...
        why = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ParameterError(f"scheduler {scheduler!r}: cannot connect ({why[:200]}); give a "
                             f"reachable Dask scheduler's address, e.g. tcp://host:8786") from None


def _points_done(layout, done) -> int:
    """Points in the chunks flagged in ``done`` (a bool array over the chunks)."""
    idx = np.unravel_index(np.flatnonzero(done), layout.counts)
    n = np.ones(len(idx[0]), np.int64)
    for i, b, size in zip(idx, layout.block, layout.shape):
        n *= np.minimum((i + 1) * b, size) - i * b
    return int(n.sum())



def run(spec, store=None, *, scheduler=None, threads: int | None = None,
        chunk_size: int | None = None, overwrite: bool = False, progress: bool = False,
        log=None, verify: bool = True):
    """Run a sweep and return its result as an ``xarray.Dataset``.

    Parameters
    ----------
    spec : SweepSpec or path-like
        From :func:`grid`, :func:`sample`, or a TOML file (:func:`load_spec`).
    store : path-like, optional
        A Zarr store (directory) that receives each chunk as it finishes.  Running the same
        spec into the same store again computes only the chunks not finished yet (after a
        crash or a kill).  A store holding another sweep is refused unless ``overwrite``.
        Without a store, the result is built in memory.
    scheduler : distributed.Client or str, optional
        Compute the chunks on Dask workers (a client, or a scheduler's address); by default
        they are computed here by the parallel batch kernel.
    threads : int, optional
        numba threads per chunk (default: all of numba's here, 1 per task on Dask).
    chunk_size : int, optional
        Points per chunk (default: the spec's ``chunk_size``, else ``spec.DEFAULT_CHUNK``; a
        resumed store keeps its own).  Results do not depend on it.
    overwrite : bool
        Replace a store that holds another sweep.
    progress : bool
        Show a progress bar with ETA (tqdm) and print the summary of failures to stderr.
    log : callable, optional
        Receives one-line messages (chunks to compute, the summary); default: stderr if
        ``progress`` else nothing.
    verify : bool
        Reopening a store, read every finished chunk back and compute again those whose data
        are missing, unreadable or do not match their checksum (default).

    Returns
    -------
    xarray.Dataset
        Lazily opened from ``store`` if given, else in memory.  Points that did not converge
        have their cause in ``status`` and NaN outputs; the sweep itself always completes.

    Raises
    ------
    SpecError
        A sweep that would not fit in memory (or its store on disk): the estimate, the limit
        (``CHAINSIM_MEMORY_LIMIT_GB``, ``CHAINSIM_DISK_LIMIT_GB``) and the spec's line.
    ParameterError
        Bad ``threads``, ``chunk_size`` or an unreachable ``scheduler``.
    StoreError
        A store path that cannot be used (see :func:`open_store`).

    Examples
    --------
    >>> from chainsim.sweep import grid, run
    >>> spec = grid({"both.arch_stiffness_n_per_mm": [60, 120, 240], "both.pronation_deg": [0, 5]})
    >>> ds = run(spec)
    >>> ds["left.navicular_drop_mm"].dims
    ('param.both.arch_stiffness_n_per_mm', 'param.both.pronation_deg')
    """
    if not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    if chunk_size is not None and (isinstance(chunk_size, bool) or int(chunk_size) != chunk_size
                                   or chunk_size < 1):
        raise SpecError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    execute.check_threads(threads, scheduler is None)
    if log is None and progress:
        def log(msg):
            print(msg, file=sys.stderr)
    if store is None:
        layout = Layout.of(spec, chunk_size or spec.chunk_size or DEFAULT_CHUNK)
        check_size(spec, layout)
        target = MemoryTarget(spec, layout)
    client = connect(scheduler)                  # before the store: nothing made if refused
    try:
        if store is not None:
            target = open_store(store, spec, chunk_size, overwrite, verify,
                                check=lambda lay: check_size(spec, lay, store))
        _compute(spec, target, store, client, threads, progress, log)
    finally:
        if client is not scheduler:
            client.close()
    if log:
        log(_summary(counts(target.arrays["status"][...], flag_meanings(spec))))
    return target.dataset()


def _compute(spec, target, store, client, threads, progress, log) -> None:
    layout = target.layout
    todo = np.flatnonzero(~target.done)
    if log:
        where = f" into {store}" if store is not None else ""
        done = layout.nchunks - len(todo)
        damaged = len(getattr(target, "damaged", ()))
        fixed = [f"{n} {what}" for n, what in ((getattr(target, "repaired", 0), "metadata rebuilt"),
                                               (getattr(target, "cleaned", 0),
                                                "temporary files removed")) if n]
        if fixed:
            log(f"{store}: repaired ({', '.join(fixed)})")
        log(f"sweep of {spec.size:,} points in {layout.nchunks} chunk"
            f"{'s' if layout.nchunks > 1 else ''} of {'x'.join(map(str, layout.block))}{where}: "
            + (f"{done} already done, " if done else "")
            + (f"{damaged} damaged (computed again), " if damaged else "")
            + f"computing {len(todo)}")
    todo = (int(k) for k in todo)
    if client is None:
        chunks = execute.in_process(spec, layout, todo, threads)
    else:
        chunks = execute.on_dask(spec, layout, todo, client, 1 if threads is None else threads)
    from tqdm import tqdm

    with tqdm(total=spec.size, initial=_points_done(layout, target.done), unit="pt",
              smoothing=0.1, disable=not progress, desc="sweep", file=sys.stderr) as bar:
        for k, result in chunks:
            target.write(k, result)
            bar.update(layout.points(k))


def verify(store, **kwargs):
    """Check a sweep store and repair it: every finished chunk is read back and compared with
    its checksum, damaged metadata are rebuilt, temporary files removed, and each chunk whose
    data are missing, unreadable or do not match is computed again (so is any not finished).

    Parameters
    ----------
    store : path-like
        The store; its spec is read from it.
    **kwargs
        As for :func:`run` (``threads``, ``scheduler``, ``progress``, ``log``).

    Returns
    -------
    xarray.Dataset
        The repaired store, opened lazily.
    """
    return run(spec_of(store), store, **kwargs)


def open(store):  # noqa: A001 (chainsim.sweep.open, as xarray.open_dataset)
    """The results in the sweep store ``store`` as an ``xarray.Dataset``, read lazily and as
    they are: nothing is computed or repaired (points not computed yet have status -1 and NaN
    outputs; :func:`verify` checks, repairs and finishes a store).

    Raises
    ------
    StoreError
        When ``store`` is not a chainsim sweep store.
    """
    import xarray as xr

    from .folder import StoreError, is_chainsim

    path = Path(store)
    if not path.is_dir() or not is_chainsim(path):
        raise StoreError(f"{path} is not a chainsim sweep store")
    return xr.open_zarr(str(path), consolidated=False)


def counts(status, meanings=FLAG_MEANINGS) -> dict:
    """Number of points per status name (``not_computed`` for points not yet computed).

    ``status`` is a sweep result (Dataset: its own status names are used) or its ``status``
    codes, named by ``meanings`` (codes -1, 0, 1, ...; default: the static solver's).
    """
    if hasattr(status, "data_vars"):
        meanings = tuple(status["status"].attrs["flag_meanings"].split())
        status = status["status"].values
    codes = np.asarray(status, dtype=np.int64).ravel()
    n = np.bincount(codes + 1, minlength=len(meanings))
    return {name: int(c) for name, c in zip(meanings, n)}


def summary(ds) -> str:
    """A few lines: how many points were solved, and the failures by cause.

    Examples
    --------
    >>> print(summary(ds))                                   # doctest: +SKIP
    1,000,000 points: 999,962 solved, 38 failed (by cause below)
      not_converged           30  the iteration limit was reached before equilibrium
      no_contact               8  a foot carries (almost) no load: ...
    """
    return _summary(counts(ds))


def _summary(c: dict) -> str:
    total = sum(c.values())
    solved = sum(c.get(s, 0) for s in SOLVED)
    lines = [f"{total:,} points: {solved:,} solved, {total - solved:,} failed"
             + (" (by cause below)" if solved < total else "")]
    causes = IMPACT_STATUS_HELP if tuple(c) == IMPACT_FLAG_MEANINGS else STATUS_HELP
    for name in c:
        if c[name] and name != "ok":
            why = causes.get(name, "not computed yet (run the sweep again to finish it)")
            lines.append(f"  {name:16s}{c[name]:>10,}  {why}"
                         + (" (counted as solved)" if name in SOLVED else ""))
    return "\n".join(lines)


def rerun(ds, store=None, **kwargs):
    """Run again the sweep a result came from (its spec is in ``ds.attrs``); see :func:`run`."""
    return run(SweepSpec.from_dataset(ds), store, **kwargs)


__all__ = ["run", "rerun", "verify", "summary", "counts", "connect"]
