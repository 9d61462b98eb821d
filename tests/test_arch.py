"""The medial arch: Ker's stiffening law and the navicular drop under body weight."""

from __future__ import annotations

import numpy as np
import pytest

from chainsim import tissues
from conftest import solved


def test_ker_law_fits_the_measured_curve():
    """The odd polynomial reproduces Ker et al. 1987 within 15% from 2 to 8.8 mm."""
    d = tissues.KER_ELONGATION_MM
    keep = d >= 2.0
    fit = tissues.ker_load(d[keep] * 1e-3)
    measured = tissues.KER_LOAD_KN[keep] * 1e3
    assert np.all(np.abs(fit / measured - 1) < 0.15)


def test_ker_law_stiffens():
    d = np.linspace(0.0, 0.0088, 50)
    k = np.gradient(tissues.ker_load(d), d)
    assert np.all(np.diff(k) > 0)


def test_arch_scale_gives_the_requested_secant_stiffness():
    """Through the linearised truss, the scaled law gives exactly the requested secant
    vertical stiffness at half body weight."""
    for stiffness, mass in ((50.0, 60.0), (189.0, 73.0), (400.0, 110.0)):
        s = tissues.arch_scale(stiffness, mass)
        f_half = mass * tissues.GRAVITY / 2
        # the deflection at which the scaled law carries half body weight
        alpha = tissues.ker_elongation(f_half / s) / tissues.ARCH_RHO
        assert f_half / (tissues.ARCH_ZETA * alpha) / 1e3 == pytest.approx(stiffness, rel=1e-6)


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
