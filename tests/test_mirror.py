"""Left and right are one mirrored code path: mirrored inputs give mirrored outputs."""

from __future__ import annotations

import pytest

import chainsim as cs
from conftest import solved

#: outputs whose sign flips in the mirror image (left <-> right)
FLIPS = {"pelvis.obliquity_deg", "pelvis.rotation_deg", "pelvis.functional_lld_mm",
         "lumbar.lateral_bend_deg", "lumbar.rotation_deg", "balance.com_ml_mm",
         "balance.hip_setpoint_deg", "balance.lumbar_bending_setpoint_deg"}

ASYMMETRIC = dict(left__pronation_deg=8.0, right__wedge_deg=5.0, left__leg_length_diff_mm=10.0,
                  right__hip_strength=0.6, left__arch_stiffness_n_per_mm=80.0,
                  left__heel_lift_mm=6.0, right__subtalar_inclination_deg=35.0)


def test_mirrored_inputs_give_mirrored_outputs():
    m = cs.Model(**ASYMMETRIC)
    a, b = cs.solve(m), cs.solve(m.mirrored())
    assert a.status == b.status == "ok"
    assert a["pelvis.obliquity_deg"] != pytest.approx(0.0, abs=1e-3)   # really asymmetric
    for key in a:
        if key.startswith(("left.", "right.")):
            side, name = key.split(".", 1)
            other = f"{'right' if side == 'left' else 'left'}.{name}"
            assert b[other] == pytest.approx(a[key], abs=1e-9), key
        elif key in FLIPS:
            assert b[key] == pytest.approx(-a[key], abs=1e-9), key
        else:
            assert b[key] == pytest.approx(a[key], abs=1e-9), key


def test_symmetric_inputs_give_a_level_pelvis_and_equal_loads():
    r = solved(both__pronation_deg=7.0, both__wedge_deg=-4.0, both__arch_stiffness_n_per_mm=90.0)
    for key in FLIPS:
        assert r[key] == pytest.approx(0.0, abs=1e-9), key
    for name in ("grf_bw", "hip_force_bw", "knee_force_bw", "ankle_force_bw",
                 "knee_adduction_moment_nm_per_kg", "tibial_rotation_deg"):
        assert r[f"left.{name}"] == pytest.approx(r[f"right.{name}"], abs=1e-9)
