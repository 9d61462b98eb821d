"""Ker et al. 1987's loading test on the model's own foot: the check of :mod:`chainsim.arch`.

Ker loaded an amputated foot (heel pad removed) on the tibia and measured the arch's horizontal
elongation, intact and with the plantar fascia cut (REFERENCES.md §3).  :func:`ker_test` packs
a model and loads its three-dimensional foot the same way; it sits above :mod:`chainsim.pack`,
which :mod:`chainsim.arch` must not import.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq

from .arch import KER_DONOR_MASS, KER_ELONGATION_MM, STIFFNESS_DEFAULT
from ._generated import layout as L
from .core import energy
from .pack import pack


def ker_test(elongation_mm=KER_ELONGATION_MM[1:], mass_kg=KER_DONOR_MASS,
             stiffness_n_per_mm=STIFFNESS_DEFAULT, fascia_stiffness_scale=1.0):
    """Load the model's isolated foot as Ker et al. 1987 loaded theirs.

    The chain's left foot, with no muscles and no heel pad, stands with its heel on a fixed
    support and its metatarsal heads on a roller; a vertical load on the upright tibia flattens
    the arch.  For each arch angle the ankle angle and height that keep heel and metatarsal
    heads on their supports are solved from the model's own kinematics, and the tibial load
    follows from virtual work on the arch's ligaments and the plantar fascia:
    F = dE/d(arch angle) / (drop of the ankle per arch angle).  Unlike the truss of
    :mod:`chainsim.arch`, nothing here is linearised.

    Parameters
    ----------
    elongation_mm : array_like
        Horizontal elongations of the arch (heel to metatarsal heads) at which to report.
    mass_kg, stiffness_n_per_mm : float
        The subject whose foot is loaded (default: Ker's donor, with the default arch).
    fascia_stiffness_scale : float
        0 cuts the plantar fascia, as in Ker's second test.

    Returns
    -------
    numpy.ndarray
        Tibial load (N) at each elongation.
    """
    theta = pack({"subject.mass_kg": mass_kg, "both.arch_stiffness_n_per_mm": stiffness_n_per_mm,
                  "both.fascia_stiffness_scale": fascia_stiffness_scale})[0]
    s = energy.side(theta, 0)
    w = energy.new_work()
    q = np.zeros(L.NQ)
    heel_pt, mt_pt = L.P_HEEL, L.P_FOREFOOT_ANCHOR

    def pose(alpha):
        """Ankle angle and height with heel and metatarsal heads on their supports."""
        q[L.Q_LEFT + L.ARCH] = alpha

        def tilt(a):
            q[L.Q_LEFT + L.ANKLE], q[2] = a, 0.0
            energy.kinematics(q, theta, w)
            p = w.points[1]
            return p[mt_pt, 2] - p[heel_pt, 2]
        a = brentq(tilt, -0.5, 0.5, xtol=1e-14)
        tilt(a)
        p = w.points[1]
        q[2] = -p[heel_pt, 2]
        energy.kinematics(q, theta, w)
        p = w.points[1]
        e = energy.joint_spring(s, L.ARCH, alpha, 0.0)[0]
        stretch = energy.fascia_state(s, p, 0.0)[0]
        e += s[L.S_FASCIA + L.FASCIA_K] * max(stretch, 0.0) ** 3 / 3
        return p[mt_pt, 0] - p[heel_pt, 0], p[L.P_ANKLE, 2], e

    span0 = pose(0.0)[0]

    def load(alpha, h=1e-6):
        (_, z1, e1), (_, z0, e0) = pose(alpha + h), pose(alpha - h)
        return (e1 - e0) / (z0 - z1)

    out = []
    for d in np.atleast_1d(np.asarray(elongation_mm, float)) * 1e-3:
        alpha = brentq(lambda a: pose(a)[0] - span0 - d, -0.05, 0.6, xtol=1e-14)
        out.append(load(alpha))
    return np.array(out)
