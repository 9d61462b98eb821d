"""Soft tissues and muscle tone: the laws and constants behind the joint springs and contacts.

Literature values name their source; values marked *assumption* are modelling choices,
listed in docs/model.md, not fitted to any output.
"""

from __future__ import annotations

import numpy as np

from . import geometry as geo

GRAVITY = 9.81

# --- the medial arch: Ker et al. 1987, Nature 325:147 (REFERENCES.md §3, digitised) ----------
#: Horizontal elongation of the arch (mm) and vertical load on the tibia (kN), intact foot with
#: the heel pad removed, 85 kg donor.
KER_ELONGATION_MM = np.array([0, 1, 2, 3, 4, 5, 6, 7, 7.5, 8, 8.5, 8.8])
KER_LOAD_KN = np.array([0, 0.05, 0.17, 0.37, 0.63, 1.00, 1.50, 2.10, 2.50, 3.00, 3.50, 3.80])
KER_DONOR_MASS = 85.0


def ker_fit():
    """Least-squares fit of Ker's curve by F(d) = c1 d + c2 d|d| + c3 d^3 (d in m, F in N).

    The odd polynomial keeps the law monotone, smooth and defined for a raised arch (d < 0).
    """
    d = KER_ELONGATION_MM * 1e-3
    a = np.stack([d, d * np.abs(d), d**3], axis=1)
    c, *_ = np.linalg.lstsq(a, KER_LOAD_KN * 1e3, rcond=None)
    return c


KER_C = ker_fit()


def ker_load(d):
    """Load (N) on the tibia of Ker's foot at arch elongation ``d`` (m), from the fit."""
    c1, c2, c3 = KER_C
    return c1 * d + c2 * d * np.abs(d) + c3 * d**3


def ker_elongation(load):
    """Inverse of :func:`ker_load` (monotone), by bisection, vectorised."""
    load = np.asarray(load, float)
    lo, hi = np.full(load.shape, -0.05), np.full(load.shape, 0.05)
    for _ in range(80):
        mid = (lo + hi) / 2
        up = ker_load(mid) < load
        lo = np.where(up, mid, lo)
        hi = np.where(up, hi, mid)
    return (lo + hi) / 2


def _sagittal_foot():
    """Heel, ankle, midtarsal and metatarsal (forefoot anchor) points of the generic foot.

    Fractions of foot length in the sagittal plane, (x forward, z up) from the floor below
    the ankle centre; the ankle height is a fraction of stature, so it is given per foot
    length for de Leva's male reference (0.039 * 1.741 / 0.2581).
    """
    ha = geo.ANKLE_HEIGHT_PER_STATURE * 1.741 / 0.2581
    heel = np.array([geo.HEEL_X, 0.0])
    ankle = np.array([0.0, ha])
    mtj = np.array([geo.MTJ_X, geo.MTJ_HEIGHT])
    mt = np.array([(geo.MT1[0] + geo.MT5[0]) / 2, 0.0])
    return heel, ankle, mtj, mt


def arch_lever_and_rates():
    """Linearised truss of the isolated foot loaded on the tibia, as Ker loaded it.

    The heel is pinned, the metatarsal heads roll freely on the floor and the arch hinges
    at the midtarsal joint.  Returns, per unit foot length:

    lever : arch moment per unit tibial load, (x_ankle - x_heel)(x_mt - x_mtj)/(x_mt - x_heel)
    rho   : horizontal elongation of the arch per radian of arch flattening
    zeta  : drop of the ankle (the loading point) per radian of arch flattening
    """
    heel, ankle, mtj, mt = _sagittal_foot()
    lever = (ankle[0] - heel[0]) * (mt[0] - mtj[0]) / (mt[0] - heel[0])

    def state(alpha):
        # rearfoot pitches by beta about the heel, forefoot by beta + alpha about the
        # midtarsal joint; choose beta so that the metatarsal heads stay on the floor.
        def rot(v, a):          # rotation in the sagittal plane; + lowers the front
            c, s = np.cos(a), np.sin(a)
            return np.array([c * v[0] + s * v[1], -s * v[0] + c * v[1]])

        lo, hi = -0.5, 0.5
        for _ in range(200):
            beta = (lo + hi) / 2
            m = heel + rot(mtj - heel, beta)
            t = m + rot(mt - mtj, beta - alpha)
            lo, hi = (beta, hi) if t[1] > 0 else (lo, beta)
        a = heel + rot(ankle - heel, beta)
        return t[0] - heel[0], a[1]

    h = 1e-6
    (s1, z1), (s0, z0) = state(h), state(-h)
    return lever, (s1 - s0) / (2 * h), -(z1 - z0) / (2 * h)


ARCH_LEVER, ARCH_RHO, ARCH_ZETA = arch_lever_and_rates()


def arch_scale(stiffness_n_per_mm, body_mass):
    """Scale of Ker's curve that gives the arch a vertical secant stiffness at half body weight.

    Secant stiffness K = (m g / 2) / (vertical deflection of the loaded tibia); the
    deflection follows from the truss rates above (scale-free: they cancel foot length).
    """
    f_half = np.asarray(body_mass, float) * GRAVITY / 2
    k = np.asarray(stiffness_n_per_mm, float) * 1e3
    alpha = f_half / (k * ARCH_ZETA)                      # per unit foot length
    return f_half / ker_load(ARCH_RHO * alpha)


def ker_donor_stiffness():
    """Secant vertical stiffness (N/mm) of Ker's own foot at half the donor's weight."""
    f_half = KER_DONOR_MASS * GRAVITY / 2
    alpha = ker_elongation(f_half) / ARCH_RHO
    return float(f_half / (ARCH_ZETA * alpha) / 1e3)


#: Default arch stiffness: Ker's donor foot (derived from Ker et al. 1987 and the truss above).
ARCH_STIFFNESS_DEFAULT = round(ker_donor_stiffness(), 1)

# --- plantar soft tissue under the heel and the metatarsal heads ------------------------------
#: Contact law F = k d^2 (the exponent is in chainsim.symbolic.energies; stiffening, assumption);
#: k from a heel pad of about 16 mm (BMC MSD 2022, doi 10.1186/s12891-022-05197-w) compressed
#: about 8 mm (strain ~0.5) under about 800 N in walking (assumption of the order reported by
#: Wearing et al. 2009, Clin Biomech 24:397): k = 800 / 0.008^2.  The same law is used under the
#: metatarsal heads.
CONTACT_K = 800.0 / 0.008**2
#: Tangential (friction) stiffness of the plantar tissue holding each foot in place (assumption).
FRICTION_STIFFNESS = 5.0e4
#: Friction coefficient, only to flag slipping (assumption, bare foot or shoe on a dry floor).
FRICTION_COEFFICIENT = 0.6
#: Forefoot (midtarsal) inversion/eversion stiffness: 90 N m/rad, the KU Leuven foot model's
#: linear midtarsal stiffness (REFERENCES.md §3, C-code), used about the long axis.
FOREFOOT_STIFFNESS = 90.0

# --- postural muscle tone (assumption) ---------------------------------------------------------
#: Tone stiffness about the neutral standing posture, in units of m g H (body weight times
#: stature), per leg coordinate.  Sagittal values give the two ankles together about 1.25 times
#: the inverted-pendulum stiffness m g h_com (quiet standing needs more than m g h_com;
#: REFERENCES.md §4); frontal hip values make lateral sway stable with margin; axial rotations,
#: knee valgus and the subtalar joint get the stiffness of passive joint structures (assumption).
LEG_TONE = {
    "hip_flexion": 0.35, "hip_adduction": 0.35, "hip_rotation": 0.05,
    "knee_flexion": 0.35, "knee_valgus": 1.0, "knee_rotation": 0.05,
    "ankle_dorsiflexion": 0.35, "subtalar_eversion": 0.05,
}
#: Lumbar tone about the neutral lordosis, m g H units (assumption).
LUMBAR_TONE = 0.05
#: Trunk-upright rule: stiffness of the trunk's orientation in space, m g H units (assumption).
#: Much stiffer than the lumbar tone, so that lordosis takes up pelvic tilt about 1:1
#: (JOSPT 1996 24(3):130, REFERENCES.md §2).
UPRIGHT_TONE = 1.0
#: Balance rule: the nervous system keeps the whole-body centre of mass over the feet.  Its
#: stiffness is BALANCE_TONE x m g / h_com, i.e. an inverted pendulum held with BALANCE_TONE
#: times its gravitational stiffness (assumption); h_com ~ 0.55 stature (Winter 2009).
BALANCE_TONE = 2.0
COM_HEIGHT_PER_STATURE = 0.55
