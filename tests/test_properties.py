"""Property-based tests over the whole valid parameter space (ranges from the registry).

Each example is a small batch of models drawn at random (hypothesis favours the ends of the
ranges), solved in one call of the batch path, so the file stays fast.  For every point:
no exception, a known status, and either an equilibrium with finite outputs and a small
residual, or NaN outputs and a status that says why.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import chainsim as cs
from chainsim._generated.layout import G_FRICTION
from chainsim.geometry import unloaded_arch_m
from chainsim.model import Model, columns
from chainsim.outputs import OUTPUTS, PUBLIC
from chainsim.params import REGISTRY, ParameterError
from chainsim.statics import MAX_ITER, SOLVED, STATUS_HELP, TOL


#: An equilibrium's whole-body force and moment balance, in body weights (and metres); the
#: solver stops below TOL body weights of generalized force, so this leaves a wide margin.
BALANCE_TOL = 1e-6

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _value(p):
    if p.choices:
        return st.sampled_from(p.choices)
    x = st.floats(min_value=p.low, max_value=p.high, allow_nan=False, allow_infinity=False)
    return st.one_of(st.none(), x) if p.optional else x


#: one point: any subset of the parameters (the rest keep their defaults)
POINT = st.fixed_dictionaries({}, optional={k: _value(p) for k, p in REGISTRY.items()})
BATCH = st.lists(POINT, min_size=1, max_size=24)


def _models(points):
    """Models of the drawn points; each value is valid, but a drawn arch support can stand
    higher than the drawn foot's unloaded arch, a combination refused by design (tested in
    test_insoles): such points are left out."""
    models = []
    for p in points:
        try:
            models.append(Model(p))
        except ParameterError as err:
            assert "higher than this foot's unloaded arch" in str(err), err
    assume(models)
    return models


def _solve(points):
    models = _models(points)
    return models, cs.solve_columns(columns(models))


def _check_batch(models, b):
    n = len(models)
    assert b.status_code.shape == (n,)
    assert set(b.status) <= set(STATUS_HELP), set(b.status)
    assert ((b.iterations >= 0) & (b.iterations <= MAX_ITER)).all()
    for i in range(n):
        where = f"point {i}: {models[i]!r}, status {b.status[i]}"
        if b.status[i] in SOLVED:
            bad = [k for k in PUBLIC if not np.isfinite(b[k][i])]
            assert not bad, f"{where}: non-finite outputs {bad}"
            assert b.residual[i] < TOL, where
            assert np.isfinite(b.q[i]).all(), where
            for k in ("check.total_force_x_bw", "check.total_force_y_bw",
                      "check.total_force_z_bw", "check.total_moment_bw_m"):
                assert abs(b[k][i]) < BALANCE_TOL, f"{where}: {k} = {b[k][i]}"
            grf = b["left.grf_bw"][i] + b["right.grf_bw"][i]
            assert grf == pytest.approx(1.0, abs=BALANCE_TOL), where
        else:
            still = [k for k in OUTPUTS if not np.isnan(b[k][i])]
            assert not still, f"{where}: a failed point has outputs {still}"


@SETTINGS
@given(BATCH)
def test_every_point_converges_or_says_why(points):
    models, b = _solve(points)
    _check_batch(models, b)


@settings(SETTINGS, max_examples=100)
@given(BATCH)
def test_the_same_batch_gives_the_same_result_in_any_order(points):
    models = _models(points)
    a = cs.solve_batch(models)
    b = cs.solve_batch(models[::-1], chunk=3)
    assert np.array_equal(a.status_code, b.status_code[::-1])
    for k in OUTPUTS:
        assert np.array_equal(a[k], b[k][::-1], equal_nan=True), k


def _mirror_key(k):
    side, _, name = k.partition(".")
    other = {"left": "right", "right": "left"}.get(side)
    return f"{other}.{name}" if other else k


#: global outputs whose sign says "left": they change sign in the mirror image
FLIPS = {k for k in PUBLIC if not k.startswith(("left.", "right.")) and "left" in OUTPUTS[k].sign}


@settings(SETTINGS, max_examples=150)
@given(BATCH)
def test_mirrored_models_give_mirrored_results(points):
    models = _models(points)
    a = cs.solve_batch(models)
    b = cs.solve_batch([m.mirrored() for m in models])
    for i in range(len(models)):
        sa, sb = a.status[i], b.status[i]
        if {sa, sb} == set(SOLVED):      # on the friction limit: rounding decides
            mu = a.theta[i, G_FRICTION]
            demand = max(a["left.friction_demand"][i], a["right.friction_demand"][i])
            assert demand == pytest.approx(mu, rel=1e-6), (models[i], sa, sb)
            continue
        assert sa == sb, models[i]
        for k in PUBLIC:
            x, y = a[k][i], b[_mirror_key(k)][i]
            if k in FLIPS:
                y = -y
            assert np.isclose(x, y, rtol=1e-6, atol=1e-6, equal_nan=True), (models[i], k, x, y)


# ---------------------------------------------------------------------------- corners

def _corners():
    """Every parameter at one end of its range; and the sides at opposite ends."""
    def end(p, high):
        if p.choices:
            return p.choices[-1 if high else 0]
        return p.high if high else p.low

    def supported(d):       # the highest arch support this foot allows
        for side in ("left", "right"):
            limit = unloaded_arch_m(d["subject.height_m"], d["subject.sex"],
                                    d[f"{side}.arch_height_scale"]) * 1e3
            d[f"{side}.insole.arch_support_mm"] = min(d[f"{side}.insole.arch_support_mm"],
                                                      math.floor(limit * 100) / 100)
        return d

    out = []
    for high in (False, True):
        out.append(supported({k: end(p, high) for k, p in REGISTRY.items()}))
        out.append(supported({k: end(p, high != k.startswith("right."))
                              for k, p in REGISTRY.items()}))
    return out


def test_corners_of_the_parameter_space():
    models = [Model(d) for d in _corners()]
    models += [m.replace({"both.subtalar_drive_deg": None}) for m in models]
    _check_batch(models, cs.solve_batch(models))


# ---------------------------------------------------------------------------- lift-off

def test_friction_demand_is_finite_when_a_foot_region_lifts_off():
    r = cs.solve(Model({k: REGISTRY[k].high for k in ("left.heel_lift_mm",
                                                       "left.insole.heel_lift_mm")}))
    assert r.ok and r["left.heel_load_share"] == pytest.approx(1.0, abs=1e-9), \
        "this model no longer lifts the forefoot: find another case"
    assert math.isfinite(r["left.friction_demand"])
