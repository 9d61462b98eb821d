"""Static equilibrium of the standing chain: ``solve`` one model, ``solve_batch`` many."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ._generated import layout
from .arguments import (check_bool, check_float, check_instance, check_int, check_mapping,
                        check_memory, check_threads, refuse)
from .core.batch import allocate, solve_batch as _solve_batch_fast
from .core.jit import num_threads
from .model import Model, columns
from .outputs import OUTPUTS, PUBLIC, unpack
from .pack import batch_size, pack
from .params import KEYS, REGISTRY, targets

#: Name of each status code (declared in ``chainsim/symbolic/boundary.py``).
STATUS = dict(enumerate(layout.STATUS_NAMES))
#: Meaning of each status.
STATUS_HELP = dict(zip(layout.STATUS_NAMES, layout.STATUS_HELP))
#: The statuses of an equilibrium found, whose outputs are reported.
SOLVED = tuple(layout.STATUS_NAMES[i] for i in layout.SOLVED)
TOL = 1e-9
#: The valid range of ``tol`` (body weights).  ``tol`` bounds the generalized forces left at
#: the solution, and so the equilibrium checks: the net ground-and-gravity force and moment
#: (``check.total_force_*_bw``, ``check.total_moment_bw_m``) come out at the residual or below
#: (measured: equal to it within 1e-16).  Below about 1e-13 BW the residual is at the round-off
#: of the forces (tol = 1e-14 ends some standing models not_converged), so a smaller tol could
#: never be met.  Above 1e-4 BW (0.07 N for 70 kg; the postural setpoints to 0.1 mm or
#: 1e-4 rad) a point would be reported standing although visibly out of balance: at tol = 0.5
#: the starting guess itself passed, its ground forces summing to 1.28 body weights.
TOL_RANGE = (1e-13, 1e-4)
MAX_ITER = 100
#: The valid range of ``max_iter`` (accepted solver steps; standing models need about 5-30).
MAX_ITER_RANGE = (1, 10_000)
#: The largest ``chunk`` (points per parallel task; the kernel takes a 64-bit integer).
CHUNK_MAX = 2**31 - 1
#: Memory a ``solve_columns`` point needs while it is solved (bytes; see
#: :func:`solve_memory_bytes`): the packed parameters (``theta``, 3440 B), the solver's arrays
#: (q, r, raw outputs: 1.1 KiB), the named outputs (792 B) and the packing's temporaries.
#: Measured peak (tracemalloc, 20,000 points, every parameter given as an array): 5345 B;
#: with a margin for the allocator's overhead.
SOLVE_BYTES_PER_POINT = 8192
#: The prefix of an input parameter's name in a table of results (a batch's
#: :meth:`BatchResult.to_dataframe`, a sweep's dataset): parameters and outputs are separate
#: namespaces (``left.toe_extension_deg`` is both an input and an output).
PARAM_PREFIX = "param."


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
        except (KeyError, TypeError):           # (an unhashable key)
            if not isinstance(key, str):
                raise KeyError(f"no output {key!r}: outputs are named by str") from None
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

    def to_series(self, checks: bool = False):
        """Every output as a ``pandas.Series`` indexed by name (pandas: ``pip install
        'chainsim[sweep]'``).

        Parameters
        ----------
        checks : bool
            Also the equilibrium checks (``check.*``).

        Returns
        -------
        pandas.Series
            float64, the values of :meth:`to_dict`; ``attrs`` holds ``units`` (by name),
            ``status`` and ``iterations``.
        """
        from .report import pandas_for

        pd = pandas_for("StaticResult.to_series")
        keys = list(OUTPUTS if checks else PUBLIC)
        s = pd.Series([float(self._values[k]) for k in keys], index=keys, dtype=float,
                      name="value")
        s.attrs = {"units": {k: OUTPUTS[k].unit for k in keys}, "status": self.status,
                   "iterations": int(self.iterations)}
        return s

    def __repr__(self):
        drop = "/".join(f"{self._values[f'{s}.navicular_drop_mm']:.2f}" for s in ("left", "right"))
        return (f"<StaticResult {self.status}, {self.iterations} iterations, "
                f"navicular drop {drop} mm (left/right)>")

    def _repr_html_(self):
        from .report import headline_rows, html_table

        return html_table(f"StaticResult: {self.status}, {self.iterations} iterations",
                          ("output", "left", "right", "unit"),
                          headline_rows(lambda k: float(self._values[k])),
                          f"{len(PUBLIC)} outputs: .table(), .to_dict(), .to_series()")


class BatchResult(Mapping):
    """Equilibria of N models: arrays of outputs by name, and a status per point.

    Attributes
    ----------
    models : list of Model or None
        The models solved (None for column input).
    status_code : numpy.ndarray of int8
        The status of each point (names: :data:`STATUS`); see also :attr:`status`, :attr:`ok`.
    iterations : numpy.ndarray of int32
    residual : numpy.ndarray of float64
        Largest generalized force left at each point, in body weights.
    q : numpy.ndarray, shape (N, NQ)
        Equilibrium coordinates (SI); kept with ``keep_state=True``, otherwise solved again
        on first use (the same solve, with the same options, threads and chunks: bit for bit
        the same coordinates) and then kept.
    r : numpy.ndarray, shape (N, NR)
        Postural setpoints (rad); as ``q``.
    theta : numpy.ndarray, shape (N, NP)
        The packed parameters; kept with ``keep_theta=True``, otherwise packed again on
        first use and then kept.
    """

    def __init__(self, values, status, iterations, residual, q=None, r=None, theta=None,
                 models=None, columns=None, options=None):
        self._values = values
        self.models = models
        self.status_code = status
        self.iterations = iterations
        self.residual = residual
        self._q, self._r = q, r
        self._theta = theta
        self._columns = columns          # the parameters as given (to pack them again)
        self._options = options          # (tol, max_iter, threads, chunk): to solve it again

    @property
    def theta(self) -> np.ndarray:
        if self._theta is None:
            self._theta = self._pack()
        return self._theta

    @property
    def q(self) -> np.ndarray:
        return self._state()[0]

    @property
    def r(self) -> np.ndarray:
        return self._state()[1]

    def _state(self):
        if self._q is None:
            theta = self._theta if self._theta is not None else self._pack()
            self._q, self._r = self._solve_again(theta, np.arange(len(self.status_code)))
        return self._q, self._r

    def theta_of(self, i: int) -> np.ndarray:
        """The packed parameters of point ``i``, shape (NP,) (packed again unless kept)."""
        i = self._index(i)
        return self._theta[i] if self._theta is not None else self._pack(i)[0]

    def _pack(self, i=None):
        """The packed parameters of every point (``i`` None) or of point ``i`` (shape (1, NP)),
        from the models, or from the columns as given."""
        if self._columns is None:
            return pack(columns(self.models if i is None else [self.models[i]]))
        if i is None:
            return pack(self._columns)
        return pack({k: v[i] if np.ndim(v) else v for k, v in self._columns.items()})

    def _solve_again(self, theta, rows):
        """q and r of ``rows`` (``theta``: their packed parameters), solved as they were."""
        tol, max_iter, threads, chunk = self._options
        q, r, out, status, iters, resid = allocate(len(rows))
        with num_threads(threads):
            _solve_batch_fast(theta, tol, max_iter, chunk, q, r, out, status, iters, resid)
        if not (np.array_equal(status, self.status_code[rows])
                and np.array_equal(iters, self.iterations[rows])
                and np.array_equal(resid, self.residual[rows], equal_nan=True)):
            raise RuntimeError("solving the batch again did not repeat its solve")
        return q, r

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

    def _index(self, i) -> int:
        n = len(self.status_code)
        if n == 0:
            refuse("i", i, "the batch has no points")
        return check_int("i", i, -n, n - 1) % n

    def result(self, i: int) -> StaticResult:
        """Point ``i`` as a :class:`StaticResult` (its ``model`` is None for column input)."""
        i = self._index(i)
        values = {k: float(v[i]) for k, v in self._values.items()}
        theta = self.theta_of(i)
        if self._q is None:
            q, r = self._solve_again(theta[None], [i])
            q, r = q[0], r[0]
        else:
            q, r = self._q[i], self._r[i]
        return StaticResult(self.models[i] if self.models else None, values, str(self.status[i]),
                            int(self.iterations[i]), float(self.residual[i]), q, r, theta)

    def nbytes(self) -> int:
        """Bytes of the arrays this result holds (outputs, status, and what else is kept)."""
        arrays = [*self._values.values(), self.status_code, self.iterations, self.residual,
                  *(a for a in (self._q, self._r, self._theta) if a is not None),
                  *(np.asarray(v) for v in (self._columns or {}).values())]
        return sum(a.nbytes for a in arrays)

    def _inputs(self) -> dict:
        """The input parameters of each point: the columns as given (scalars repeated), or
        for models the parameters that any of them changes from its default.

        Returns
        -------
        dict of str -> numpy.ndarray
            Parameter key -> array of one value per point.
        """
        n = len(self.status_code)
        if self._columns is not None:
            return {k: np.broadcast_to(np.asarray(v), (n,)) for k, v in self._columns.items()}
        models = self.models or []
        return {k: np.array([m[k] for m in models]) for k in KEYS
                if any(m[k] != REGISTRY[k].default for m in models)}

    def to_dataframe(self, checks: bool = False):
        """One row per point: its input parameters (``param.`` and the key: the columns as
        given, or the parameters that any of the models changes), every output, ``status`` and ``iterations`` (pandas: ``pip install
        'chainsim[sweep]'``).

        Parameters
        ----------
        checks : bool
            Also the equilibrium checks (``check.*``).

        Returns
        -------
        pandas.DataFrame
            ``attrs["units"]`` holds each column's unit.
        """
        from .report import pandas_for

        pd = pandas_for("BatchResult.to_dataframe")
        keys = list(OUTPUTS if checks else PUBLIC)
        inputs = self._inputs()
        data = {PARAM_PREFIX + k: v for k, v in inputs.items()}
        data.update({k: self._values[k] for k in keys})
        data["status"] = self.status.astype(str)
        data["iterations"] = self.iterations
        df = pd.DataFrame(data)
        units = {PARAM_PREFIX + k: REGISTRY[targets(k)[0]].unit for k in inputs}
        units.update({k: OUTPUTS[k].unit for k in keys})
        df.attrs = {"units": units}
        return df

    def __repr__(self):
        return f"<BatchResult of {len(self.status_code)} points, {int(self.ok.sum())} ok>"

    def _repr_html_(self):
        from .report import counts, headline_rows, html_table, summary

        ok = self.ok
        return html_table(f"BatchResult: {len(ok)} points, {counts(self.status)}",
                          ("output", "left", "right", "unit"),
                          headline_rows(lambda k: summary(self._values[k][ok])),
                          f"median (min .. max) of the {int(ok.sum())} solved points; "
                          f"every point, input and output: .to_dataframe()")


def solve_memory_bytes(n: int) -> int:
    """Estimated peak memory (bytes) of solving ``n`` points with :func:`solve_columns`.

    Parameters
    ----------
    n : int
        Points in the batch.

    Returns
    -------
    int
        :data:`SOLVE_BYTES_PER_POINT` times ``n``: the packing, the solve and the outputs
        (the same whatever is kept: the parameters are packed for the solve anyway).  Check it
        against the limit with :func:`chainsim.arguments.check_memory`.
    """
    return int(n) * SOLVE_BYTES_PER_POINT


def solver_options(tol, max_iter, threads=None, chunk=1):
    """``tol``, ``max_iter``, ``threads`` and ``chunk`` checked (see :func:`solve_columns`)."""
    return (check_float("tol", tol, *TOL_RANGE, "body weights"),
            check_int("max_iter", max_iter, *MAX_ITER_RANGE),
            check_threads(threads), check_int("chunk", chunk, 1, CHUNK_MAX))


def solve_columns(cols: Mapping, *, tol=TOL, max_iter=MAX_ITER, threads=None, chunk=64,
                  keep_theta=False, keep_state=False):
    """Solve a batch given as parameter arrays (the fast path: no Python objects per point).

    Parameters
    ----------
    cols : mapping of str -> array_like
        Full parameter keys (``left.wedge_deg``; ``both.X`` is expanded) to arrays of
        length N or scalars.  Missing keys take their defaults.
    tol : float
        Largest generalized force at convergence, in body weights, from 1e-13 to 1e-4
        (:data:`TOL_RANGE`); the net force and moment on the body (``check.*``) are then at
        most about ``tol``.
    max_iter : int
        Largest number of solver steps, 1 to 10000 (:data:`MAX_ITER_RANGE`).
    threads : int, optional
        Number of threads, 1 to ``numba.config.NUMBA_NUM_THREADS`` (default: numba's
        default, all cores).
    chunk : int
        Points per parallel task (at least 1).
    keep_theta : bool
        Keep the packed parameters (3.4 KiB a point) in the result; by default they are
        packed again when needed (:attr:`BatchResult.theta`, :meth:`BatchResult.result`).
    keep_state : bool
        Keep the equilibrium coordinates and setpoints (``q``, ``r``: 280 B a point); by
        default they are solved again when needed (the same solve, bit for bit).  A result
        holds the outputs (99 float64: 792 B a point), the status, iterations and residual
        (13 B) and a copy of the arrays given in ``cols``.

    Returns
    -------
    BatchResult

    Raises
    ------
    ParameterError
        For an unknown parameter, a value out of its range, arrays of different lengths, an
        option out of its range, or a batch that would need more memory than
        :func:`chainsim.arguments.memory_limit` (estimate: :func:`solve_memory_bytes`).
    """
    cols = check_mapping("cols", cols)
    tol, max_iter, threads, chunk = solver_options(tol, max_iter, threads, chunk)
    keep_theta = check_bool("keep_theta", keep_theta)
    keep_state = check_bool("keep_state", keep_state)
    n = batch_size(cols)
    check_memory(solve_memory_bytes(n), f"solve_columns of {n} points")
    theta = pack(cols)
    q, r, out, status, iters, resid = allocate(n)
    with num_threads(threads):
        _solve_batch_fast(theta, tol, max_iter, chunk, q, r, out, status, iters, resid)
    values = unpack(out)
    del out
    given = {k: np.array(v) for k, v in cols.items()}       # (a copy: the input may change)
    state = (q, r) if keep_state else (None, None)
    return BatchResult(values, status.astype(np.int8), iters.astype(np.int32), resid, *state,
                       theta if keep_theta else None, columns=given,
                       options=(tol, max_iter, threads, chunk))


def solve_batch(models: Sequence[Model] | Mapping, **kwargs) -> BatchResult:
    """Solve many models in parallel.

    Parameters
    ----------
    models : sequence of Model, or mapping
        The models; a mapping of parameter columns is passed to :func:`solve_columns`.
    **kwargs
        The options of :func:`solve_columns` (``tol``, ``max_iter``, ``threads``, ``chunk``,
        ``keep_theta``, ``keep_state``).

    Returns
    -------
    BatchResult
    """
    if isinstance(models, Mapping):
        return solve_columns(models, **kwargs)
    if isinstance(models, (str, bytes)) or not isinstance(models, Iterable):
        refuse("models", models, "a sequence of chainsim.Model, or a mapping of parameter "
                                 "columns")
    models = list(models)
    b = solve_columns(columns(models), **kwargs)
    b.models, b._columns = models, None        # (packed again from the models)
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
    model = Model() if model is None else check_instance(
        "model", model, Model, "a chainsim.Model (build one with Model({...})) or None")
    return solve_batch([model], tol=tol, max_iter=max_iter, threads=1, chunk=1,
                       keep_theta=True, keep_state=True).result(0)


__all__ = ["solve", "solve_batch", "solve_columns", "StaticResult", "BatchResult", "STATUS",
           "STATUS_HELP", "SOLVED", "TOL_RANGE", "MAX_ITER_RANGE", "solve_memory_bytes",
           "solver_options",
           "batch_size", "layout"]
