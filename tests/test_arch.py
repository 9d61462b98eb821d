"""The medial arch: Ker's curves, the plantar fascia and windlass, and the navicular drop."""

from __future__ import annotations

import numpy as np
import pytest

from chainsim import arch, arch_calibration
from chainsim._generated import arch_calibration as committed
from chainsim.ker import ker_test
from conftest import solved

KER = arch.KER_ELONGATION_MM >= 2.0


@pytest.fixture(scope="module")
def ker_intact():
    return ker_test(arch.KER_ELONGATION_MM[KER])


def test_the_committed_calibration_is_the_fit_bit_for_bit():
    """chainsim/_generated/arch_calibration.py holds what the fit to Ker's curves gives, every
    float bit for bit (the fit is deterministic), and arch uses those constants."""
    fresh = arch_calibration.calibrate()
    stale = [f"{name}: committed {getattr(committed, name, None)!r}, fit {value!r}"
             for name, value in fresh.items() if getattr(committed, name, None) != value]
    assert not stale, ("chainsim/_generated/arch_calibration.py is stale: run "
                       "`python -m chainsim.arch_calibration`\n" + "\n".join(stale))
    assert arch_calibration.source(fresh) == arch_calibration.TARGET.read_text()
    assert np.array_equal(arch.LIGAMENT_C, fresh["LIGAMENT_C"])
    assert arch.FASCIA_STIFFNESS_KER == fresh["FASCIA_STIFFNESS_KER"]
    assert arch.FASCIA_SLACK == fresh["FASCIA_SLACK"]
    assert arch.WINDLASS_RADIUS == fresh["WINDLASS_RADIUS"]
    assert arch.ker_donor_stiffness() == fresh["KER_DONOR_STIFFNESS"]
    assert arch.STIFFNESS_DEFAULT == fresh["STIFFNESS_DEFAULT"] == 179.5


def test_the_isolated_foot_reproduces_kers_curve(ker_intact):
    """The model's own 3-D foot, heel pinned and metatarsal heads rolling, loaded on the tibia,
    follows Ker et al. 1987 (intact foot) within 15% from 2 to 8.8 mm (issue 3)."""
    measured = arch.KER_INTACT_KN[KER] * 1e3
    assert np.all(np.abs(ker_intact / measured - 1) < 0.15)


def test_cutting_the_fascia_gives_kers_second_curve_and_its_share(ker_intact):
    """With the fascia cut the foot follows Ker's fascia-cut curve within 15%; intact, the
    fascia carries part of the load at 8.8 mm (Ker: about 21%)."""
    cut = ker_test(arch.KER_ELONGATION_MM[KER], fascia_stiffness_scale=0.0)
    assert np.all(np.abs(cut / (arch.KER_CUT_KN[KER] * 1e3) - 1) < 0.15)
    share = 1 - cut[-1] / ker_intact[-1]
    assert 0.12 < share < 0.30


def test_the_arch_stiffens(ker_intact):
    d = arch.KER_ELONGATION_MM[KER]
    slope = np.diff(ker_intact) / np.diff(d)
    assert np.all(np.diff(slope) > -1.0) and slope[-1] > 3 * slope[0]


def test_scale_gives_the_requested_secant_stiffness():
    """Through the truss, the scaled foot has exactly the requested secant vertical stiffness
    at half body weight, for any foot length."""
    for stiffness, mass, lf in ((50.0, 60.0, 0.24), (189.0, 73.0, 0.258), (400.0, 110.0, 0.29)):
        s = arch.scale(stiffness, mass, lf)[()]
        f_half = mass * arch.GRAVITY / 2
        lo, hi = 0.0, 1.0                       # arch angle at which the scaled foot holds f_half
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if s * arch.truss_load(mid) < f_half else (lo, mid)
        drop = lf * (arch.truss_state(0.0)[1] - arch.truss_state(lo)[1])
        assert f_half / drop / 1e3 == pytest.approx(stiffness, rel=1e-6)


def test_normal_navicular_drop_is_in_the_normal_range(neutral):
    """Static navicular drop of healthy adults: means 3.6-8.1 mm, upper limit of normal
    10 mm (Nielsen et al. 2009, J Foot Ankle Res 2:12; Mueller 1993); the issue asks 4-9 mm."""
    for side in ("left", "right"):
        assert 4.0 < neutral[f"{side}.navicular_drop_mm"] < 9.0


def test_soft_arch_drops_more_than_ten_millimetres(neutral):
    soft = 0.4 * neutral.model["left.arch_stiffness_n_per_mm"]
    r = solved(both__arch_stiffness_n_per_mm=soft)
    assert r["left.navicular_drop_mm"] > 10.0


def test_stiffer_arches_drop_less():
    drops = [solved(both__arch_stiffness_n_per_mm=k)["left.navicular_drop_mm"]
             for k in (40.0, 100.0, 250.0, 600.0)]
    assert np.all(np.diff(drops) < 0)


def test_the_windlass_raises_the_arch(neutral):
    """Dorsiflexing the toes tightens the fascia and raises the arch (Hicks 1954's windlass;
    Jack's test): arch height up, fascia tension up, and holding the toes up takes a moment."""
    up = solved(left__toe_drive_deg=30.0)
    assert up["left.arch_height_mm"] > neutral["left.arch_height_mm"] + 1.0
    assert up["left.fascia_tension_bw"] > 2 * neutral["left.fascia_tension_bw"]
    assert up["left.toe_drive_moment_nm"] > 0.0
    # the raised arch lengthens the left leg: the pelvis rises on the left
    assert up["pelvis.obliquity_deg"] > 0.2


def test_a_released_fascia_lowers_the_arch(neutral):
    r = solved(both__fascia_stiffness_scale=0.0)
    assert r["left.navicular_drop_mm"] > neutral["left.navicular_drop_mm"]
    assert r["left.fascia_tension_bw"] == 0.0


def test_arch_height_index_follows_the_arch(neutral):
    """The arch height index falls as the arch drops and rises with a higher arch."""
    low = solved(both__arch_height_scale=0.8)
    high = solved(both__arch_height_scale=1.2)
    assert low["left.arch_height_index"] < neutral["left.arch_height_index"] < high["left.arch_height_index"]
    assert 0.2 < neutral["left.arch_height_index"] < 0.4


def test_scale_is_vectorised_elementwise():
    """Each foot's scale is its own: the same bits alone as in a batch (chunk independence)."""
    k = np.array([30.0, 95.5, 179.5, 400.0])
    together = arch.scale(k, 70.0, 0.25)
    alone = np.array([arch.scale(x, 70.0, 0.25) for x in k])
    assert np.array_equal(together, alone)
    # repeated feet (solved once each) too
    k2, m2 = np.array([30.0, 95.5, 30.0, 400.0, 95.5]), np.array([70.0, 70.0, 70.0, 80.0, 70.0])
    alone = np.array([arch.scale(x, y, 0.25) for x, y in zip(k2, m2)])
    assert np.array_equal(arch.scale(k2, m2, 0.25), alone)
    # and the scale does what it says: the truss at that scale carries m g / 2
    assert np.allclose(arch.scale(arch.STIFFNESS_DEFAULT, arch.KER_DONOR_MASS, arch.KER_FOOT_LENGTH),
                       1.0, rtol=1e-3)
