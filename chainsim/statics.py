"""Static equilibrium of the standing chain: ``solve`` one model, ``solve_batch`` many."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._generated import layout
from .core.batch import allocate, solve_batch as _solve_batch_fast
from .core.jit import num_threads
from .model import Model, columns
from .outputs import OUTPUTS, PUBLIC, unpack
from .pack import batch_size, pack

#: Name of each status code (declared in ``chainsim/symbolic/boundary.py``).
STATUS = dict(enumerate(layout.STATUS_NAMES))
#: Meaning of each status.
STATUS_HELP = dict(zip(layout.STATUS_NAMES, layout.STATUS_HELP))
#: The statuses of an equilibrium found, whose outputs are reported.
SOLVED = tuple(layout.STATUS_NAMES[i] for i in layout.SOLVED)
TOL = 1e-9
MAX_ITER = 100


class StaticResult(Mapping):
    """The equilibrium of one model: outputs by name, plus its status and state.

    Attributes
    ----------
    model : Model
    status : str
        One of :data:`STATUS_HELP`'s keys; outputs are NaN unless ``ok`` or ``slipping``.
    iterations : int
    residual : float
        Largest generalized force left at the solution, in body weights.
    q : numpy.ndarray
        Equilibrium coordinates (SI), in the order of ``chainsim._generated.layout``.
    """

    def __init__(self, model, values, status, iterations, residual, q, r, theta):
        self.model = model
        self.r = r
        self._values = values
        self.status = status
        self.iterations = iterations
        self.residual = residual
        self.q = q
        self.theta = theta

    def __getitem__(self, key):
        try:
            return self._values[key]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(key, list(self._values), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise KeyError(f"no output {key!r}{hint}") from None

    def __iter__(self):
        return iter(PUBLIC)

    def __len__(self):
        return len(PUBLIC)

    @property
    def ok(self) -> bool:
        return self.status in SOLVED

    def to_dict(self, checks: bool = False) -> dict:
        """Flat ``{name: value}`` of every output (and ``status``)."""
        keys = OUTPUTS if checks else PUBLIC
        d = {k: float(self._values[k]) for k in keys}
        d["status"] = self.status
        return d

    def table(self, other: StaticResult | None = None) -> str:
        """A readable table; with ``other``, its values and the change from it."""
        from .report import table

        return table(self, other)

    def points(self) -> dict:
        """World positions (m) of the skeleton's points: ``"left.knee"``, ``"trunk.l5s1"``, ...

        x is anterior, y to the left, z up; the origin is on the floor between the feet.
        """
        from ._generated.model import LEG_POINTS, TRUNK_POINTS
        from .core.energy import new_work
        from .core.outputs import world_points

        trunk = np.zeros((len(TRUNK_POINTS), 3))
        left = np.zeros((len(LEG_POINTS), 3))
        right = np.zeros((len(LEG_POINTS), 3))
        world_points(self.q, self.theta, new_work(), trunk, left, right)
        out = {f"trunk.{n}": trunk[i] for i, n in enumerate(TRUNK_POINTS)}
        for side, arr in (("left", left), ("right", right)):
            out.update({f"{side}.{n}": arr[i] for i, n in enumerate(LEG_POINTS)})
        return out

    def external_loads(self) -> list:
        """Every external force at equilibrium: ``(segment, point, force)`` in the true world.

        Segments are named as in ``chainsim.core.outputs.SEGMENTS`` (``"left.shank"``, ...);
        weights act at segment centres of mass, ground forces at the contact points.
        """
        from .core.energy import new_work
        from .core.outputs import SEGMENTS, external_loads, new_output_work

        pts, fs, seg = np.zeros((64, 3)), np.zeros((64, 3)), np.zeros(64, np.int64)
        w = new_work()
        n = external_loads(self.q, self.r, self.theta, w, new_output_work(), pts, fs, seg)
        return [(SEGMENTS[seg[i]], pts[i].copy(), fs[i].copy()) for i in range(n)]

    def __repr__(self):
        return f"<StaticResult {self.status}, {self.iterations} iterations>"


class BatchResult(Mapping):
    """Equilibria of N models: arrays of outputs by name, and a status per point."""

    def __init__(self, values, status, iterations, residual, q, r, theta, models=None):
        self._values = values
        self.models = models
        self.r = r
        self.status_code = status
        self.iterations = iterations
        self.residual = residual
        self.q = q
        self.theta = theta

    @property
    def status(self) -> np.ndarray:
        return np.array(layout.STATUS_NAMES, dtype=object)[self.status_code]

    @property
    def ok(self) -> np.ndarray:
        return np.isin(self.status_code, layout.SOLVED)

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self):
        return iter(PUBLIC)

    def __len__(self):
        return len(PUBLIC)

    def result(self, i: int) -> StaticResult:
        """Point ``i`` as a :class:`StaticResult` (its ``model`` is None for column input)."""
        values = {k: float(v[i]) for k, v in self._values.items()}
        return StaticResult(self.models[i] if self.models else None, values, str(self.status[i]),
                            int(self.iterations[i]), float(self.residual[i]), self.q[i],
                            self.r[i], self.theta[i])

    def __repr__(self):
        return f"<BatchResult of {len(self.status_code)} points, {int(self.ok.sum())} ok>"


def solve_columns(cols: Mapping, *, tol=TOL, max_iter=MAX_ITER, threads=None, chunk=64):
    """Solve a batch given as parameter arrays (the fast path: no Python objects per point).

    Parameters
    ----------
    cols : mapping of str -> array_like
        Full parameter keys (``left.wedge_deg``; ``both.X`` is expanded) to arrays of
        length N or scalars.  Missing keys take their defaults.
    tol : float
        Largest generalized force at convergence, in body weights.
    max_iter : int
    threads : int, optional
        Number of threads (default: numba's default, all cores).
    chunk : int
        Points per parallel task.

    Returns
    -------
    BatchResult
    """
    theta = pack(cols)
    n = theta.shape[0]
    q, r, out, status, iters, resid = allocate(n)
    with num_threads(threads):
        _solve_batch_fast(theta, tol, max_iter, chunk, q, r, out, status, iters, resid)
    return BatchResult(unpack(out), status, iters, resid, q, r, theta)


def solve_batch(models: Sequence[Model] | Mapping, **kwargs) -> BatchResult:
    """Solve many models in parallel (see :func:`solve_columns` for the options)."""
    if isinstance(models, Mapping):
        return solve_columns(models, **kwargs)
    b = solve_columns(columns(models), **kwargs)
    b.models = list(models)
    return b


def solve(model: Model | None = None, *, tol=TOL, max_iter=MAX_ITER) -> StaticResult:
    """Find the static equilibrium of one model.

    Parameters
    ----------
    model : Model, optional
        Defaults to the neutral default subject.
    tol, max_iter
        Convergence settings (see :func:`solve_columns`).

    Returns
    -------
    StaticResult

    Examples
    --------
    >>> r = solve(Model(both__wedge_deg=10))
    >>> r.status
    'ok'
    """
    model = model or Model()
    return solve_batch([model], tol=tol, max_iter=max_iter, threads=1, chunk=1).result(0)


__all__ = ["solve", "solve_batch", "solve_columns", "StaticResult", "BatchResult", "STATUS",
           "STATUS_HELP", "SOLVED",
           "batch_size", "layout"]
