"""The kinetic chain: a change at the foot shows up at every level above it and on the other side."""

from __future__ import annotations

import pytest

import chainsim as cs
from conftest import solved


def delta(changed, base, key):
    return changed[key] - base[key]


@pytest.mark.parametrize("param", ["both__pronation_deg", "both__wedge_deg"])
def test_pronation_turns_the_leg_inward(neutral, param):
    """More structural pronation, or a pronating wedge, raises rearfoot eversion, tibial and hip
    internal rotation (Khamis & Yizhar 2007, Gait Posture 25:127: wedges of 10-20 deg raise
    shank and hip internal rotation)."""
    prev = neutral
    for value in (5.0, 10.0):
        r = solved(**{param: value})
        for name in ("rearfoot_eversion_deg", "tibial_rotation_deg", "hip_rotation_deg"):
            for side in ("left", "right"):
                assert r[f"{side}.{name}"] > prev[f"{side}.{name}"] + 0.1, (name, value)
        prev = r


def test_tibial_rotation_per_calcaneal_eversion_matches_fischer(neutral):
    """Closed-chain coupling of structural pronation: d(tibial rotation)/d(calcaneal eversion)
    between 0.5 and 1.0 (Fischer et al. 2018, J Anat 233:64, cadavers: 0.68 +/- 0.15)."""
    r = solved(both__pronation_deg=10.0)
    ratio = (delta(r, neutral, "left.tibial_rotation_deg")
             / delta(r, neutral, "left.rearfoot_eversion_deg"))
    assert 0.5 < ratio < 1.0


def test_one_foot_changes_both_sides(neutral):
    """Both feet are on the ground and meet at the pelvis: a change at one foot moves the
    pelvis and the other leg."""
    r = solved(left__pronation_deg=10.0)
    assert abs(r["pelvis.obliquity_deg"]) > 0.05
    assert abs(r["pelvis.rotation_deg"]) > 0.05
    for name in ("hip_rotation_deg", "hip_adduction_deg", "tibial_rotation_deg"):
        assert abs(delta(r, neutral, f"right.{name}")) > 0.05, name


def test_shorter_leg_lowers_its_side_and_a_heel_lift_corrects_it(neutral):
    r = solved(left__leg_length_diff_mm=20.0)
    assert r["pelvis.obliquity_deg"] < -3.0           # left side lower
    assert r["pelvis.functional_lld_mm"] < -10.0
    lifted = solved(left__leg_length_diff_mm=20.0, left__heel_lift_mm=20.0)
    assert abs(lifted["pelvis.obliquity_deg"]) < 0.5 * abs(r["pelvis.obliquity_deg"])


def test_weak_hips_let_the_femur_turn_in_further():
    strong = solved(both__pronation_deg=10.0)
    weak = solved(both__pronation_deg=10.0, both__hip_strength=0.4)
    assert weak["left.hip_rotation_deg"] > strong["left.hip_rotation_deg"] + 0.2


def test_trunk_stays_upright_so_lordosis_takes_up_pelvic_tilt(neutral):
    """The upright-trunk rule: lordosis changes one for one with pelvic tilt (voluntary pelvic
    tilt in standing: about 1 deg of lordosis per deg, JOSPT 1996 24(3):130)."""
    for params in ({"both__pronation_deg": 10.0}, {"both__arch_stiffness_n_per_mm": 60.0}):
        r = solved(**params)
        assert r["trunk.lean_deg"] == pytest.approx(0.0, abs=1e-6)
        dt = delta(r, neutral, "pelvis.tilt_deg")
        assert delta(r, neutral, "lumbar.lordosis_deg") == pytest.approx(dt, abs=1e-6)


def test_balance_keeps_the_centre_of_mass_over_the_feet():
    for params in ({}, {"both__pronation_deg": 10.0}, {"left__leg_length_diff_mm": 20.0}):
        r = solved(**params)
        assert abs(r["balance.com_ml_mm"]) < 1e-6
        # the centre of pressure of both feet lies under the centre of mass
        cop = (r["left.grf_bw"] * r["left.cop_ap_mm"] + r["right.grf_bw"] * r["right.cop_ap_mm"])
        assert cop == pytest.approx(r["balance.com_ap_mm"], abs=0.5)


class TestSubtalarDriver:
    def test_prescribed_angle_is_held(self):
        r = solved(both__subtalar_drive_deg=8.0)
        assert r["left.subtalar_eversion_deg"] == pytest.approx(8.0, abs=1e-9)
        assert r["left.subtalar_drive_moment_nm"] > 0       # it takes an everting moment

    def test_driving_to_the_free_angle_needs_no_moment(self, neutral):
        free = neutral["left.subtalar_eversion_deg"]
        r = cs.solve(cs.Model(both__subtalar_drive_deg=free))
        assert r["left.subtalar_drive_moment_nm"] == pytest.approx(0.0, abs=1e-6)
        assert r["left.tibial_rotation_deg"] == pytest.approx(neutral["left.tibial_rotation_deg"], abs=1e-6)

    def test_driven_eversion_turns_the_tibia_in(self, neutral):
        r = solved(both__subtalar_drive_deg=10.0)
        assert r["left.tibial_rotation_deg"] > neutral["left.tibial_rotation_deg"] + 1.0
