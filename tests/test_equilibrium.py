"""Equilibrium of the solved chain: forces and moments balance, overall and at every joint."""

from __future__ import annotations

import numpy as np
import pytest

from chainsim.core.outputs import SEGMENTS
from conftest import solved

CASES = [
    {},
    {"both__pronation_deg": 10.0},
    {"left__wedge_deg": 8.0, "right__arch_stiffness_n_per_mm": 60.0},
    {"left__leg_length_diff_mm": 15.0, "right__hip_strength": 0.5},
    {"both__heel_lift_mm": 20.0, "subject__sex": "female", "subject__mass_kg": 95.0},
]


@pytest.fixture(params=range(len(CASES)), ids=lambda i: f"case{i}")
def result(request):
    r = solved(**CASES[request.param])
    assert r.status == "ok"
    return r


def test_generalized_forces_vanish(result):
    # the solver's own residual is the largest generalized force left, in body weights
    assert result.residual < 1e-8


def test_vertical_ground_forces_sum_to_body_weight(result):
    assert result["left.grf_bw"] + result["right.grf_bw"] == pytest.approx(1.0, abs=1e-9)


def test_whole_body_force_and_moment_balance(result):
    loads = result.external_loads()
    f = sum(fv for _, _, fv in loads)
    m = sum(np.cross(p, fv) for _, p, fv in loads)
    weight = result.model["subject.mass_kg"] * 9.81
    assert np.abs(f).max() < 1e-8 * weight
    assert np.abs(m).max() < 1e-8 * weight


def _joint_load(loads, distal, about):
    f = np.zeros(3)
    m = np.zeros(3)
    for seg, p, fv in loads:
        if seg in distal:
            f += fv
            m += np.cross(p - about, fv)
    return f, m


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("joint,distal", [
    ("hip", ("thigh", "shank", "rearfoot", "forefoot")),
    ("knee", ("shank", "rearfoot", "forefoot")),
    ("ankle", ("rearfoot", "forefoot")),
])
def test_action_equals_reaction_at_every_joint(result, side, joint, distal):
    """The joint force found from the distal part equals minus that from the proximal part."""
    loads = result.external_loads()
    centre = result.points()[f"{side}.{joint}"]
    below = {f"{side}.{s}" for s in distal}
    above = set(SEGMENTS) - below
    f_below, m_below = _joint_load(loads, below, centre)
    f_above, m_above = _joint_load(loads, above, centre)
    weight = result.model["subject.mass_kg"] * 9.81
    np.testing.assert_allclose(f_below, -f_above, atol=1e-8 * weight)
    np.testing.assert_allclose(m_below, -m_above, atol=1e-8 * weight)
    # and it is the reported net reaction force
    assert np.linalg.norm(f_below) / weight == pytest.approx(result[f"{side}.{joint}_force_bw"], abs=1e-9)


def test_each_joint_carries_its_spring_moment(result):
    """About each joint axis the external moment equals the joint's spring moment."""
    d = result.to_dict(checks=True)
    for joint in ("ankle", "knee", "hip"):
        assert abs(d[f"check.left_{joint}_residual_nm"]) < 1e-6


def test_equilibrium_is_stable(result):
    """A minimum of the energy: the Hessian is positive definite (status ok) and the energy
    rises for random small displacements of the coordinates."""
    from chainsim._generated import layout
    from chainsim.core import energy

    w = energy.new_work()
    q0 = np.zeros(layout.NQ)
    energy.set_reference(result.theta, w, q0)
    g = np.zeros(layout.NQ)
    H = np.zeros((layout.NQ, layout.NQ))
    v0 = energy.total_energy(result.q, result.r, result.theta, w, g, H)
    assert np.linalg.eigvalsh(H)[0] > 0
    rng = np.random.default_rng(1)
    for _ in range(20):
        dq = rng.normal(size=layout.NQ) * np.r_[[1e-4] * 3, [1e-3] * (layout.NQ - 3)]
        v = energy.total_energy(result.q + dq, result.r, result.theta, w, g, H)
        assert v > v0
