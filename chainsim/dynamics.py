"""Impacts: the chain meets the ground, and the shock travels up from the heel to the spine.

>>> import chainsim as cs
>>> r = cs.impact(None, preset="running_heel_strike")
>>> r.scalars["impact_peak_bw"] > 1.0
True

The body lands with a touchdown posture and a vertical velocity (a preset, changeable); the
muscles hold the touchdown posture with their tone (stiffness and damping, see
``chainsim.core.dynamics.forces``); the ground is met through the heel pad and the plantar
tissue under the metatarsal heads and the toes, an insole's cushioning layer and, when shod, a
shoe's midsole (``chainsim.core.dynamics.contact``).  The equations of motion are the
recursive rigid-body algorithms of ``chainsim.core.dynamics.rigid`` on the same generated
kinematics as the statics, integrated by a linearly implicit Euler step of fixed size
(``chainsim.core.dynamics.integrate``; its convergence is tested).

**Accuracy.**  Every impact is integrated twice, at ``step_s`` and (as a check) at twice that
step, and the difference of each scalar is its estimated error (step doubling: the step is
first-order accurate, so the error of the run at ``h`` is about the difference from the run at
``2h``).  When any scalar's estimated error exceeds its tolerance (``TOLERANCES``), or an
impact peak is found in one run and not in the other, the impact's status is ``inaccurate``;
an impact whose status is not solved (``inaccurate``, ``singular``, ``nonfinite``) reports NaN
scalars (its time series are kept, and its scalars as computed are in ``computed``).  The
estimate is asymptotic: a feature that appears only at steps finer than both runs (the
forefoot strike's 0.24 BW shoulder, resolved below 0.1 ms) cannot be seen by it.

**Assumptions** (not fitted to any output): the body translates rigidly at touchdown (every
segment has the same vertical velocity, no horizontal velocity: the forward speed of running
is left out, so friction only resists the splay of the foot); no muscle activation changes
during the 0.2 s (tone only: no push-off, so what follows the impact is a passive collapse
held by joint tone, and only the impact phase is compared with measurements).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._generated import layout as L
from .core.dynamics import eom
from .core.dynamics import integrate as _fast
from .core.jit import num_threads
from .impact_presets import (  # noqa: F401 (the presets and options: this module's face too)
    OPTIONS, PRESETS, RECORD_S, STEP_S, Preset, check_options,
)
from .impact_measures import (  # noqa: F401 (the measures are part of this module's face)
    IMPACT_WINDOW_S, RELATIVE_TOLERANCE, SCALARS, SHOCK_ATTENUATION_TOLERANCE_DB, TOLERANCES,
    check_step, estimated_errors, read_scalars,
)
from .arguments import check_memory, check_threads
from .model import Model, columns
from .pack import batch_size, pack
from .params import expand_columns

#: A shoe's midsole under each contact region, in series with the plantar tissue (and any
#: insole): 100 N/mm and 300 N s/m per region (assumption, of the order of running-shoe heels
#: compressing about 10 mm under 2 BW; the damping is the catalogue foam's,
#: ``chainsim.insoles``).
SHOE_STIFFNESS_N_PER_MM = 100.0
SHOE_DAMPING_NS_PER_M = 300.0

#: Time series of the result: name, recorded channel, unit, description (the generated
#: layout's impact channels that have a name).
_SERIES = tuple((key, ch, unit, desc) for ch, (key, unit, desc) in enumerate(L.IMPACT_CHANNELS)
                if key is not None)
#: Meaning of each impact status (declared in ``chainsim/symbolic/boundary.py``).
IMPACT_STATUS_HELP = dict(zip(L.IMPACT_STATUS_NAMES, L.IMPACT_STATUS_HELP))
#: The statuses of an impact integrated to its end, whose outputs are reported.
IMPACT_SOLVED = tuple(L.IMPACT_STATUS_NAMES[i] for i in L.IMPACT_SOLVED)

def _theta(cols: dict, shod: bool) -> np.ndarray:
    return pack(cols, midsole=(SHOE_STIFFNESS_N_PER_MM, SHOE_DAMPING_NS_PER_M) if shod else None)


def _leg_angles(q, q0, angles):
    for name, value in angles.items():
        q[q0 + {"hip_flexion": L.HIP_FLEX, "knee_flexion": L.KNEE_FLEX,
                "ankle_dorsiflexion": L.ANKLE}[name]] = math.radians(value)


def _initial(theta: np.ndarray, o: dict):
    """Touchdown state: posture, the lowest contact just touching, falling at the velocity."""
    n = theta.shape[0]
    q0 = np.zeros((n, L.NQ))
    v0 = np.zeros((n, L.NQ))
    posture = np.zeros((n, L.NQ))
    ws = eom.new_dyn_work()
    pen = np.zeros((2, L.NCONTACT))
    for i in range(n):
        q = q0[i]
        _leg_angles(q, L.Q_LEFT, o["landing"])
        _leg_angles(q, L.Q_RIGHT, o["swing"] or o["landing"])
        for k, qs in enumerate((L.Q_LEFT, L.Q_RIGHT)):      # structural rest angles
            s = theta[i, L.SIDE_OFFSET[k]:L.SIDE_OFFSET[k] + L.NS]
            for j in (L.SUBTALAR, L.TOE):
                q[qs + j] += s[L.S_REST + j]
        _fast.penetrations(q, theta[i], ws, pen)
        q[2] = pen[0].max() if o["swing"] is not None else pen.max()   # lift it by the deepest
        v0[i, 2] = -o["velocity_m_per_s"]
        # the tone's set points: the touchdown posture, as offsets from the rest angles
        posture[i] = q
        for k, qs in enumerate((L.Q_LEFT, L.Q_RIGHT)):
            s = theta[i, L.SIDE_OFFSET[k]:L.SIDE_OFFSET[k] + L.NS]
            for j in range(L.NL):
                posture[i, qs + j] -= s[L.S_REST + j]
    return q0, v0, posture


def _simulate(theta, posture, q0, v0, h, nsteps, every, threads, keep_states):
    """Integrate every impact: the recorded channels (N, T, NREC), states and status codes."""
    n = theta.shape[0]
    nrec = nsteps // every
    q = np.zeros((n, L.NQ))
    v = np.zeros((n, L.NQ))
    rec = np.zeros((n, nrec, L.NREC))
    qrec = np.zeros((n, nrec if keep_states else 0, 2 * L.NQ))
    status = np.zeros(n, np.int64)
    with num_threads(threads):
        _fast.simulate_batch(theta, posture, q0, v0, h, nsteps, every, _fast.IMPLICIT, eom.ALL,
                             q, v, rec, qrec, status)
    return rec, qrec, status


def _series(rec, theta):
    """The named series in output units (dict name -> (N, T))."""
    bw = theta[:, L.G_MASS] * theta[:, L.G_GRAVITY]
    series = {}
    for name, ch, unit, _ in _SERIES:
        x = rec[:, :, ch]
        if unit == "BW":
            x = x / bw[:, None]
        elif unit == "mm":
            x = x * 1e3
        elif unit == "g":
            x = x / theta[:, L.G_GRAVITY][:, None]
        series[name] = x
    return series


def impact_memory_bytes(n: int, nrec: int, keep_states: bool = False) -> int:
    """Memory (bytes) a batch of ``n`` impacts recording ``nrec`` samples needs: both runs'
    recorded channels, the named series of both and the result's copy, the states if kept,
    and the packed parameters."""
    per_sample = 2 * L.NREC + 3 * len(_SERIES) + (2 * L.NQ if keep_states else 0)
    return int(n) * (8 * (nrec * per_sample + L.NP) + 4096)


def _run(cols: dict, o: dict, threads=None, keep_states=False):
    """Run the impacts and their step-doubling check.

    Returns the times, series, the scalars (NaN where the status is not solved), the status
    names, the states, the scalars as computed, and their estimated errors.
    """
    threads = check_threads(threads)
    h = o["step_s"]
    nsteps = int(round(o["duration_s"] / h))
    every = max(1, int(round(o["record_s"] / h)))
    n = batch_size(expand_columns(cols))
    check_memory(impact_memory_bytes(n, nsteps // every, keep_states), f"{n:,} impacts")
    theta = _theta(cols, o["shod"])
    q0, v0, posture = _initial(theta, o)
    rec, qrec, code = _simulate(theta, posture, q0, v0, h, nsteps, every, threads, keep_states)
    h2, nsteps2, every2, factor = check_step(h, nsteps, every)
    rec2, _, code2 = _simulate(theta, posture, q0, v0, h2, nsteps2, every2, threads, False)
    assert rec2.shape[1] == rec.shape[1]
    t = (np.arange(rec.shape[1]) + 1) * every * h
    series = _series(rec, theta)
    computed = read_scalars(t, series)
    check = read_scalars(t, _series(rec2, theta))
    errors, accurate = estimated_errors(computed, check, factor, every * h)
    code = np.where((code == L.IMPACT_OK) & ~((code2 == L.IMPACT_OK) & accurate),
                    L.IMPACT_INACCURATE, code)
    solved = np.isin(code, L.IMPACT_SOLVED)
    scalars = {k: np.where(solved, x, np.nan) for k, x in computed.items()}
    names = np.array(L.IMPACT_STATUS_NAMES, dtype=object)[code]
    return t, series, scalars, names, qrec, computed, errors


def _dataset(t, series, scalars, status, o, batch: bool, errors):
    from ._extras import require

    require("sweep", "xarray", what="an impact's dataset (its time series as an xarray.Dataset)")
    import xarray as xr

    dims = ("impact", "time") if batch else ("time",)
    data = {}
    for name, _, unit, desc in _SERIES:
        x = series[name] if batch else series[name][0]
        data[name] = xr.Variable(dims, x, {"units": unit, "description": desc})
    attrs = {"preset": o["preset"], "step_s": o["step_s"],
             "velocity_m_per_s": o["velocity_m_per_s"],
             "shod": int(o["shod"]),
             "integrator": "linearly implicit Euler, fixed step; errors estimated by step "
                           "doubling"}
    if batch:
        for k, (unit, desc) in SCALARS.items():
            data[k] = xr.Variable(("impact",), scalars[k], {"units": unit, "description": desc})
            data[f"{k}_error"] = xr.Variable(
                ("impact",), errors[k], {"units": unit, "description": f"estimated error of "
                                         f"{k} (step doubling), tolerance {TOLERANCES[k]}"})
        data["status"] = xr.Variable(("impact",), np.asarray(status, dtype=str))
    else:
        for k in SCALARS:
            attrs[k] = float(scalars[k][0])
            attrs[f"{k}_error"] = float(errors[k][0])
        attrs["status"] = str(status[0])
    return xr.Dataset(data, coords={"time": ("time", t, {"units": "s",
                                                         "description": "since touchdown"})},
                      attrs=attrs)


@dataclass(frozen=True)
class _Lazy:
    """An impact's (or a batch's) arrays, made an xarray Dataset on first access only: xarray
    (and pandas) are not needed to simulate, read the scalars or the series."""

    args: tuple

    def series(self, key):
        """The time series ``key`` (or ``"time"``) of one impact; None if there is none."""
        t, series, *_ = self.args
        return t if key == "time" else series[key][0] if key in series else None

    def build(self):
        return _dataset(*self.args)


def _dataset_of(result):
    if isinstance(result._data, _Lazy):
        result._data = result._data.build()
    return result._data


@dataclass
class ImpactResult:
    """One impact: time series (``dataset``) and scalars (``scalars``, also dataset attrs).

    Attributes
    ----------
    dataset : xarray.Dataset
        Dimension ``time`` (s since touchdown); every series has ``units`` in its attrs.
    scalars : dict
        ``SCALARS`` (impact peak, loading rate, joint peaks, shock attenuation) and ``status``;
        NaN unless the status is ``ok``.
    options : dict
        The preset and options used.
    states : numpy.ndarray
        Coordinates and velocities at each recorded time (T, 2 x 31).
    model : Model
        The subject simulated.
    errors : dict
        Estimated error of each scalar (step doubling, same units; 0 where both runs found
        no value, NaN where only one did).
    computed : dict
        The scalars as computed at ``step_s``, whatever the status (for convergence studies:
        not to be trusted unless the status is ``ok``).
    """

    _data: object = field(repr=False)            # the dataset, or how to build it
    scalars: dict
    options: dict
    states: np.ndarray = field(repr=False)
    model: Model = field(default_factory=Model, repr=False)
    errors: dict = field(default_factory=dict, repr=False)
    computed: dict = field(default_factory=dict, repr=False)

    @property
    def status(self) -> str:
        return self.scalars["status"]

    @property
    def dataset(self):
        """The time series as an ``xarray.Dataset``, built on first access (xarray: ``pip
        install 'chainsim[sweep]'``)."""
        return _dataset_of(self)

    def to_xarray(self):
        """The time series and scalars as an ``xarray.Dataset``."""
        return self.dataset

    def __getitem__(self, key):
        if key in self.scalars:
            return self.scalars[key]
        if isinstance(self._data, _Lazy):
            x = self._data.series(key)
            if x is None:
                raise KeyError(f"{key!r}: neither a scalar nor a time series of the impact")
            return x
        return self.dataset[key].values

    def points(self, i: int) -> dict:
        """World positions (m) of the skeleton's points at recorded time ``i``.

        The same points as :meth:`chainsim.StaticResult.points`, in the posture ``states[i]``.
        """
        from .statics import StaticResult

        theta = _theta(columns([self.model]), self.options["shod"])[0]
        return StaticResult(self.model, {}, "ok", 0, 0.0, self.states[i, :L.NQ], None,
                            theta).points()

    def to_series(self):
        """The scalars as a ``pandas.Series`` indexed by name (pandas: ``pip install
        'chainsim[sweep]'``).

        Returns
        -------
        pandas.Series
            float64, the values of :attr:`scalars`; ``attrs`` holds ``units`` (by name),
            ``status`` and ``preset``.
        """
        from .report import pandas_for

        pd = pandas_for("ImpactResult.to_series")
        s = pd.Series([self.scalars[k] for k in SCALARS], index=list(SCALARS), dtype=float,
                      name="value")
        s.attrs = {"units": {k: u for k, (u, _) in SCALARS.items()}, "status": self.status,
                   "preset": self.options["preset"]}
        return s

    def __repr__(self):
        return (f"<ImpactResult {self.status}, {self.options['preset']}: impact peak "
                f"{self.scalars['impact_peak_bw']:.3g} BW, loading rate "
                f"{self.scalars['loading_rate_bw_per_s']:.3g} BW/s>")

    def _repr_html_(self):
        from .report import html_table

        return html_table(f"ImpactResult: {self.status}, {self.options['preset']}",
                          ("scalar", "value", "estimated error", "unit"),
                          ((k, float(self.scalars[k]), float(self.errors.get(k, math.nan)), u)
                           for k, (u, _) in SCALARS.items()),
                          "time series: .dataset (xarray); scalars: .scalars, .to_series()")


@dataclass
class ImpactBatch:
    """A batch of impacts: ``dataset`` with dimensions (``impact``, ``time``), ``scalars``
    (NaN where an impact's status is not ``ok``), ``errors`` and ``computed`` (arrays, as in
    :class:`ImpactResult`)."""

    _data: object = field(repr=False)            # the dataset, or how to build it
    scalars: dict
    options: dict
    errors: dict = field(default_factory=dict, repr=False)
    computed: dict = field(default_factory=dict, repr=False)

    @property
    def dataset(self):
        """The time series as an ``xarray.Dataset`` (``impact``, ``time``), built on first
        access (xarray: ``pip install 'chainsim[sweep]'``)."""
        return _dataset_of(self)

    def to_xarray(self):
        return self.dataset

    def to_dataframe(self):
        """One row per impact: its scalars and ``status`` (pandas: ``pip install
        'chainsim[sweep]'``).

        Returns
        -------
        pandas.DataFrame
            ``attrs["units"]`` holds each scalar's unit.
        """
        from .report import pandas_for

        pd = pandas_for("ImpactBatch.to_dataframe")
        df = pd.DataFrame({**{k: self.scalars[k] for k in SCALARS},
                           "status": np.asarray(self.scalars["status"], dtype=str)})
        df.attrs = {"units": {k: u for k, (u, _) in SCALARS.items()}}
        return df

    def _status_counts(self) -> str:
        from .report import counts

        return counts(self.scalars["status"])

    def __repr__(self):
        return (f"<ImpactBatch of {len(self.scalars['status'])} impacts "
                f"({self._status_counts()}), {self.options['preset']}>")

    def _repr_html_(self):
        from .report import html_table, summary

        return html_table(f"ImpactBatch: {len(self.scalars['status'])} impacts "
                          f"({self._status_counts()}), {self.options['preset']}",
                          ("scalar", "median (min .. max)", "unit"),
                          ((k, summary(self.scalars[k]), u) for k, (u, _) in SCALARS.items()),
                          "every impact's scalars: .to_dataframe(); time series: .dataset "
                          "(xarray)")


def impact(model: Model | None = None, preset: str = "running_heel_strike", **options
           ) -> ImpactResult:
    """Simulate one impact of the chain with the ground.

    Parameters
    ----------
    model : Model, optional
        The subject (default: the default subject, barefoot, no insole).
    preset : str
        ``walking_heel_strike``, ``running_heel_strike`` (shod), ``running_forefoot_strike``
        (barefoot) or ``drop_landing`` (both feet, 0.30 m, barefoot).
    **options
        ``velocity_m_per_s`` (vertical touchdown velocity, 0-6), ``duration_s`` (0.2),
        ``step_s`` (integrator step, 2.5e-5), ``record_s`` (4e-4, at most ``duration_s``),
        ``shod`` (add a running shoe's midsole), ``hip_flexion_deg``, ``knee_flexion_deg``,
        ``ankle_dorsiflexion_deg`` (landing leg at touchdown).

    Returns
    -------
    ImpactResult
        Its status is ``inaccurate`` when the step is too coarse for the scalars' tolerances
        (step doubling, see the module's docstring); then, and on any other failure, its
        scalars are NaN.

    Raises
    ------
    ParameterError
        An unknown preset or option, or a value outside its range.
    """
    o = check_options(preset, options)
    model = model or Model()
    t, series, scalars, status, qrec, computed, errors = _run(columns([model]), o, threads=1,
                                                             keep_states=True)
    sc = {k: float(v[0]) for k, v in scalars.items()}
    sc["status"] = str(status[0])
    return ImpactResult(_Lazy((t, series, scalars, status, o, False, errors)), sc, o, qrec[0],
                        model, {k: float(v[0]) for k, v in errors.items()},
                        {k: float(v[0]) for k, v in computed.items()})


def impact_batch(models: Sequence[Model] | Mapping, preset: str = "running_heel_strike",
                 threads: int | None = None, **options) -> ImpactBatch:
    """Simulate many impacts in parallel (one compiled kernel, ``prange`` over impacts).

    Parameters
    ----------
    models : sequence of Model, or mapping of parameter key -> array
        The subjects, or parameter arrays as in ``chainsim.solve_columns``.
    preset, **options
        As :func:`impact`, the same for every impact.
    threads : int, optional
        numba threads (default: all).

    Returns
    -------
    ImpactBatch
    """
    o = check_options(preset, options)
    cols = dict(models) if isinstance(models, Mapping) else columns(list(models))
    t, series, scalars, status, _, computed, errors = _run(cols, o, threads=threads)
    sc = dict(scalars)
    sc["status"] = status
    return ImpactBatch(_Lazy((t, series, scalars, status, o, True, errors)), sc, o, errors,
                       computed)


def impact_scalars(columns: Mapping, preset: str = "running_heel_strike",
                   threads: int | None = None, **options) -> dict:
    """The scalars and status of a batch of impacts, as arrays (no time series kept).

    The same computation as :func:`impact_batch` (bit for bit), for callers that only need
    the scalars, such as parameter sweeps.

    Parameters
    ----------
    columns : mapping of parameter key -> scalar or array
        Parameter columns as in ``chainsim.solve_columns`` (scalars broadcast).
    preset, **options
        As :func:`impact`.
    threads : int, optional
        numba threads (default: all).

    Returns
    -------
    dict of str -> numpy.ndarray
        Each of :data:`SCALARS` (float64; NaN where the status is not ``ok``), and ``status``
        (names: ``ok``, ``singular``, ``nonfinite``, ``inaccurate``), one element per impact.

    Raises
    ------
    ParameterError
        An unknown preset or option, or a value outside its range.
    """
    o = check_options(preset, options)
    _, _, scalars, status, _, _, _ = _run(dict(columns), o, threads=threads)
    return {**scalars, "status": status}


__all__ = ["impact", "impact_batch", "impact_scalars", "ImpactResult", "ImpactBatch", "PRESETS",
           "SCALARS"]
