"""Who computes the chunks: this process (through the parallel batch kernel) or Dask workers.

Either way a chunk is described by (spec, layout, index) alone; the worker builds the chunk's
parameter columns itself (presets and insoles applied by :func:`.categories.resolve`) and
calls :func:`chainsim.solve_columns` (an impact sweep:
:func:`chainsim.dynamics.impact_scalars`), so nothing big travels and the results do not depend on
who computed them.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

import numpy as np

from ..params import ParameterError
from ..statics import solve_columns
from . import categories, designs
from .spec import param_name

_LAUNCH = threading.Lock()


def check_threads(threads, local: bool = True) -> None:
    """Refuse a thread count that is not a whole number from 1 to numba's (``local``: here)."""
    if threads is None:
        return
    import numba

    top = numba.config.NUMBA_NUM_THREADS if local else 1024
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or \
            not 1 <= threads <= top:
        where = "this machine's numba threads" if local else "threads per task"
        raise ParameterError(f"threads must be a whole number from 1 to {top} ({where}), "
                             f"got {threads!r}")


def compute_chunk(spec, layout, k: int, threads: int | None = None) -> dict:
    """Solve chunk ``k`` of a sweep.

    Parameters
    ----------
    spec : SweepSpec
    layout : Layout
    k : int
        Chunk index.
    threads : int, optional
        numba threads for this chunk (default: numba's setting).

    Returns
    -------
    dict of str -> numpy.ndarray
        Each stored variable (outputs, ``status``, ``iterations``, ``residual``, and for
        sampled designs the swept parameters) as a 1-D array over the chunk's points; an
        impact sweep has no ``iterations`` or ``residual``; sampled parameters are named
        ``param.`` and their key.
    """
    cols = designs.columns(spec, layout, k)
    params = categories.resolve({**dict(spec.fixed), **cols}, layout.points(k))
    out = evaluate(spec, params, threads)
    if spec.design != "grid":
        out.update({param_name(key): v for key, v in cols.items()})
    return out


def evaluate(spec, params: dict, threads: int | None = None) -> dict:
    """The outputs and int8 ``status`` (static sweeps: also ``iterations``, ``residual``) of
    a sweep's or a sensitivity analysis's ``spec`` at the points of ``params`` (full keys)."""
    return (_impacts if spec.kind == "impact" else _statics)(spec, params, threads)


def _impacts(spec, params, threads) -> dict:
    from ..dynamics import IMPACT_STATUS_HELP, impact_scalars

    opts = dict(spec.impact)
    r = impact_scalars(params, opts.pop("preset"), threads=threads, **opts)
    code = {name: i for i, name in enumerate(IMPACT_STATUS_HELP)}
    status = np.array([code[s] for s in r["status"]], dtype=np.int8)
    return {**{name: r[name] for name in spec.outputs}, "status": status}


def _statics(spec, params, threads) -> dict:
    b = solve_columns(params, tol=spec.tol, max_iter=spec.max_iter, threads=threads)
    out = {name: b[name] for name in spec.outputs}
    out.update(status=b.status_code.astype(np.int8), iterations=b.iterations.astype(np.int32),
               residual=b.residual)
    return out


def in_process(spec, layout, todo, threads=None):
    """Yield ``(k, result)`` for each chunk in ``todo``, computing one chunk ahead.

    The batch kernel releases the GIL, so the caller stores chunk k while chunk k + 1 is
    solved; at most three chunks' results exist at a time.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="chainsim-sweep") as pool:
        ahead = deque()
        try:
            for k in todo:
                ahead.append((k, pool.submit(compute_chunk, spec, layout, k, threads)))
                if len(ahead) > 1:
                    k0, fut = ahead.popleft()
                    yield k0, fut.result()
            while ahead:
                k0, fut = ahead.popleft()
                yield k0, fut.result()
        finally:
            for _, fut in ahead:
                fut.cancel()


def _remote_chunk(spec, layout, k, threads):
    """A Dask task: one chunk, solved in the worker."""
    import numba

    # numba's workqueue threading layer must not be entered by two threads at once
    try:
        unsafe = numba.threading_layer() == "workqueue"
    except ValueError:                           # no parallel kernel has run here yet
        unsafe = True
    if unsafe:
        with _LAUNCH:
            return k, compute_chunk(spec, layout, k, threads)
    return k, compute_chunk(spec, layout, k, threads)


def on_dask(spec, layout, todo, scheduler, threads=1):
    """Yield ``(k, result)`` for each chunk in ``todo``, computed by Dask workers.

    Parameters
    ----------
    scheduler : distributed.Client or str
        A client, or the address of a scheduler (a client is opened and closed here).
    threads : int
        numba threads per task (default 1: a worker runs one task per thread of its own).

    Notes
    -----
    At most two tasks per worker thread are in flight; results come back to this process,
    which stores them, so workers need no access to the store.
    """
    from distributed import Client, as_completed

    client = Client(scheduler) if isinstance(scheduler, str) else scheduler
    try:
        limit = 2 * max(1, sum(client.nthreads().values()))
        pending = iter(todo)

        def submit(k):
            return client.submit(_remote_chunk, spec, layout, k, threads, pure=False)

        running = as_completed([submit(k) for k in islice(pending, limit)])
        for fut in running:
            k, result = fut.result()
            fut.release()
            nxt = next(pending, None)
            if nxt is not None:
                running.add(submit(nxt))
            yield k, result
    finally:
        if client is not scheduler:
            client.close()
