"""Random arguments to the impact and sweep entry points (``impact``, ``impact_batch``,
``impact_scalars``, ``sweep.grid`` with ``sweep.run``), with the contract as the oracle: a call
returns or raises :class:`chainsim.ParameterError`; an impact or a sweep point that is not
solved has NaN outputs, and a solved impact has finite force peaks.

The valid values drawn are kept cheap (short impacts, coarse steps, a few points); the junk is
of every kind.  The default run is deterministic (the suite's examples are the same every
time); ``slow`` runs more.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainsim as cs
from chainsim.dynamics import IMPACT_SOLVED, PRESETS, SCALARS, impact_scalars
from chainsim.statics import SOLVED

HASHABLE = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(),
                     st.text(max_size=4), st.binary(max_size=2))
JUNK = st.one_of(HASHABLE, st.lists(st.floats(0, 1), max_size=2),
                 st.sampled_from([np.array([1.0, 0.0]), np.zeros((2, 2)), object(), cs.Model()]))
#: impact options: cheap valid values mostly (a short impact at a coarse step), junk sometimes
IMPACT_OPTIONS = {
    "velocity_m_per_s": st.floats(-1.0, 7.0),
    "duration_s": st.floats(0.004, 0.03),
    "step_s": st.sampled_from([1e-4, 2e-4, 5e-4, 1e-3, 2e-3]),
    "record_s": st.sampled_from([2e-4, 1e-3, 0.02]),
    "shod": st.sampled_from([True, False, 0, 1, 2, "yes"]),
    "hip_flexion_deg": st.floats(-40.0, 100.0),
    "knee_flexion_deg": st.floats(-5.0, 95.0),
    "ankle_dorsiflexion_deg": st.floats(-50.0, 35.0),
    "threads": st.integers(0, 3),
    "spin": st.floats(),
}
FORCES = ("grf_peak_bw", "ankle_peak_bw", "knee_peak_bw", "hip_peak_bw", "l5s1_peak_bw")
SETTINGS = settings(deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


@st.composite
def impact_call(draw):
    preset = draw(st.one_of(st.sampled_from(list(PRESETS)), st.sampled_from(["", "run"]), JUNK))
    options = {}
    for k, v in IMPACT_OPTIONS.items():
        if draw(st.integers(0, 3)) == 0:
            options[k] = draw(st.one_of(v, JUNK) if draw(st.integers(0, 4)) == 0 else v)
    options.setdefault("duration_s", 0.01)          # keep each impact short
    options.setdefault("step_s", 2e-4)
    return preset, options


def _refused_or(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except cs.ParameterError as e:
        assert str(e)
        return None


def _assert_blank_unless_solved(status, scalars):
    status = np.atleast_1d(status)
    for i, s in enumerate(status):
        values = {k: np.atleast_1d(scalars[k])[i] for k in SCALARS}
        if s in IMPACT_SOLVED:
            assert all(np.isfinite(values[k]) for k in FORCES), (s, values)
        else:
            assert all(np.isnan(v) for v in values.values()), (s, values)


def _check_impact(data):
    preset, options = data.draw(impact_call())
    which = data.draw(st.sampled_from(["one", "batch", "scalars"]))
    if which == "one":                  # (``threads`` is not an option of one impact)
        r = _refused_or(cs.impact, None, preset, **options)
        if r is not None:
            _assert_blank_unless_solved(r.status, r.scalars)
        return
    threads = options.pop("threads", None)
    cols = {"both.arch_stiffness_n_per_mm": data.draw(st.one_of(
        st.lists(st.floats(10.0, 1100.0), min_size=1, max_size=3), JUNK))}
    fn = cs.impact_batch if which == "batch" else impact_scalars
    r = _refused_or(fn, cols, preset, threads=threads, **options)
    if r is not None:
        sc = r.scalars if which == "batch" else r
        _assert_blank_unless_solved(sc["status"], sc)


@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_impacts_refuse_or_report_honestly(data):
    _check_impact(data)


@pytest.mark.slow
@settings(SETTINGS, max_examples=150)
@given(data=st.data())
def test_impacts_refuse_or_report_honestly_long(data):
    _check_impact(data)


# ---------------------------------------------------------------------------- sweeps

KEYS = ("both.wedge_deg", "left.pronation_deg", "left.toe_extension_deg", "subject.mass_kg",
        "both.insole.heel_lift_mm")


@st.composite
def grid_call(draw):
    axes = {}
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.one_of(st.sampled_from(KEYS), st.sampled_from(["bogus", "left."]),
                             HASHABLE))
        values = draw(st.one_of(st.lists(st.floats(-30.0, 120.0), min_size=1, max_size=2),
                                st.fixed_dictionaries({"start": st.floats(-5, 5),
                                                       "stop": st.floats(-5, 5),
                                                       "num": st.integers(-1, 3)}),
                                JUNK))
        axes[key] = values
    kwargs = {}
    if draw(st.booleans()):
        kwargs["outputs"] = draw(st.one_of(
            st.lists(st.sampled_from(["pelvis.tilt_deg", "left.toe_extension_deg", "nope"]),
                     max_size=2), JUNK))
    if draw(st.integers(0, 3)) == 0:
        kwargs["tol"] = draw(st.one_of(st.sampled_from([1e-9, 1e-3, -1.0]), JUNK))
    return axes, kwargs


def _check_sweep(data):
    axes, kwargs = data.draw(grid_call())
    spec = _refused_or(cs.sweep.grid, axes, **kwargs)
    if spec is None:
        return
    ds = _refused_or(cs.sweep.run, spec)
    if ds is None:
        return
    codes = ds["status"].values
    meanings = ds["status"].attrs["flag_meanings"].split()
    values = ds["status"].attrs["flag_values"]
    ok = np.isin(codes, [v for v, m in zip(values, meanings) if m in SOLVED])
    for name in spec.outputs:
        x = ds[name].values
        assert np.all(np.isnan(x[~ok])), name
        assert np.all(np.isfinite(x[ok])), name


@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_sweeps_refuse_or_report_honestly(data):
    _check_sweep(data)


# ---------------------------------------------------------------------------- figures, exports

def _public_drawing_functions():
    import inspect

    from chainsim import export, plot

    out = {f"plot.{n}": getattr(plot, n) for n in plot.__all__
           if inspect.isfunction(getattr(plot, n)) and n != "new_figure"}
    out.update({"export.to_mjcf": export.to_mjcf, "export.to_osim": export.to_osim,
                "sweep.sobol": cs.sweep.sobol, "sweep.tornado": cs.sweep.tornado})
    return out


WRONG = [None, 3, "x", [1.0, 2.0], {"a": 1}, np.zeros(3), cs.Model(), cs.INSOLES["low_arch"]]


@pytest.mark.parametrize("name", sorted(_public_drawing_functions()))
def test_figures_and_exports_refuse_a_wrong_argument_by_name(name):
    """Each public plotting, export and sensitivity function given a wrong first argument (the
    others it requires filled with an output's name) refuses it with a ParameterError."""
    import inspect

    import matplotlib

    matplotlib.use("Agg")
    f = _public_drawing_functions()[name]
    required = [p for p in inspect.signature(f).parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    for wrong in WRONG:
        args = [wrong] + ["pelvis.tilt_deg"] * (len(required) - 1)
        try:
            f(*args)
        except cs.ParameterError as e:
            assert str(e)
        else:                               # (an export's model may be None: the default one)
            assert name in ("export.to_mjcf", "export.to_osim") and (
                wrong is None or isinstance(wrong, cs.Model)), (name, wrong)
