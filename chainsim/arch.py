"""The medial arch: Ker's load-deformation curves, the plantar fascia and the windlass.

The arch is a truss: the calcaneus and the forefoot hinge at the midtarsal joint, and the
plantar fascia ties the heel to the toes under the metatarsal heads.  Ker et al. 1987 (Nature
325:147; docs/references.md §3) loaded an amputated foot (heel pad removed) on the tibia and measured
the arch's horizontal elongation, intact and with the plantar fascia cut.  Here:

* the arch joint's ligaments follow Ker's *cut* curve,
* the fascia is a tension-only tie that stiffens as it stretches, T = k (stretch - slack)^2
  (the toe region of collagenous tissue, the contacts' law; assumption), with k and the slack
  fitted to the difference between the intact and cut curves,
* both are carried onto the model's joints through the sagittal truss of the isolated foot
  (heel pinned, metatarsal heads rolling), solved without linearising, and scaled together to
  the subject's arch stiffness; a larger foot is Ker's foot scaled geometrically,
* toe dorsiflexion wraps the fascia round the first metatarsal head (the windlass), with a
  radius chosen to shorten the arch by 3% per 20 deg (docs/references.md §3, KU Leuven foot model
  after Welte et al. 2018, doi 10.1098/rsif.2018.0270; C-code).

The fits to Ker's curves and the windlass radius are computed once by
:mod:`chainsim.arch_calibration` and committed in ``chainsim/_generated/arch_calibration.py``
(regenerate with ``make generate``); this module only reads them.  :func:`chainsim.ker.ker_test`
loads the model's own three-dimensional foot as Ker loaded his and returns its curve: the check
of all of the above.
"""

from __future__ import annotations

import numpy as np

from . import geometry as geo
from ._generated import arch_calibration as _cal
from .anthropometry import REF_MALE_HEIGHT
from .tissues import GRAVITY

#: Ker et al. 1987: horizontal elongation of the arch (mm) and vertical load on the tibia (kN),
#: heel pad removed, 85 kg donor; intact foot, and with the plantar fascia cut.
KER_ELONGATION_MM = np.array([0, 1, 2, 3, 4, 5, 6, 7, 7.5, 8, 8.5, 8.8])
KER_INTACT_KN = np.array([0, 0.05, 0.17, 0.37, 0.63, 1.00, 1.50, 2.10, 2.50, 3.00, 3.50, 3.80])
KER_CUT_KN = np.array([0, 0.05, 0.13, 0.27, 0.50, 0.77, 1.15, 1.65, 1.95, 2.35, 2.72, 3.00])
KER_DONOR_MASS = 85.0
#: Ker's donor's foot length is not reported: taken as de Leva's male reference foot
#: (docs/references.md §1; assumption).
KER_FOOT_LENGTH = 0.2581
#: Arch shortening per toe dorsiflexion: about 3% of the arch length per 20 deg (docs/references.md §3).
WINDLASS_SHORTENING, WINDLASS_ANGLE = 0.03, np.deg2rad(20.0)


# --- the sagittal truss of the generic foot, in units of foot length -------------------------

def _rot(v, a):
    """Rotation of the (x, z) vector ``v`` by ``a`` (array) in the sagittal plane; + lowers the front."""
    c, s = np.cos(a), np.sin(a)
    return np.stack([c * v[0] + s * v[1], -s * v[0] + c * v[1]], -1)


def truss_state(alpha):
    """The isolated foot at arch angle ``alpha`` (rad), heel pinned, metatarsal heads on the floor.

    The rearfoot pitches about the heel, the forefoot hinges at the midtarsal joint.  Returns
    the heel-to-metatarsal span, the height of the ankle centre and the length of the plantar
    fascia, all in foot lengths (the ankle height of de Leva's male reference), along a last
    axis of 3.  Vectorised over ``alpha``; each element is computed as if alone.
    """
    alpha = np.asarray(alpha, float)
    ha = geo.ANKLE_HEIGHT_PER_STATURE * REF_MALE_HEIGHT / KER_FOOT_LENGTH
    heel, ankle = np.array([geo.HEEL_X, 0.0]), np.array([0.0, ha])
    mtj = np.array([geo.MTJ_X, geo.MTJ_HEIGHT])
    mt = np.array([(geo.MT1[0] + geo.MT5[0]) / 2, 0.0])
    origin = np.array([geo.FASCIA_ORIGIN[0], geo.FASCIA_ORIGIN[2]])
    pulley = np.array([geo.FASCIA_PULLEY[0], geo.FASCIA_PULLEY[2]])
    u, v = mtj - heel, mt - mtj
    beta = np.zeros_like(alpha)              # the rearfoot pitch that keeps the heads down
    active = np.ones(alpha.shape, bool)
    for _ in range(30):                      # Newton on the height of the heads, per element
        c, s, c2, s2 = np.cos(beta), np.sin(beta), np.cos(beta - alpha), np.sin(beta - alpha)
        z = -s * u[0] + c * u[1] - s2 * v[0] + c2 * v[1]
        step = z / (-c * u[0] - s * u[1] - c2 * v[0] - s2 * v[1])
        beta = np.where(active, beta - step, beta)
        active &= ~(np.abs(step) < 1e-15)
        if not active.any():
            break
    m = heel + _rot(u, beta)
    t = m + _rot(v, beta - alpha)
    a = heel + _rot(ankle - heel, beta)
    o = heel + _rot(origin - heel, beta)
    p = m + _rot(pulley - mtj, beta - alpha)
    d = p - o
    return np.stack([t[..., 0] - heel[0], a[..., 1], np.hypot(d[..., 0], d[..., 1])], -1)


def truss_rates(alpha, h=1e-6):
    """Rates of :func:`truss_state` per radian of arch angle (central differences)."""
    return (truss_state(alpha + h) - truss_state(alpha - h)) / (2 * h)


#: Linear rates at the unloaded arch: elongation (ARCH_RHO) and ankle drop (ARCH_LEVER, equal
#: to the arch moment per unit tibial load by virtual work) per radian, in foot lengths.
ARCH_RHO, _drop, _ = truss_rates(0.0)
ARCH_LEVER = -_drop


def odd_poly(c, d):
    """Evaluate the odd polynomial of the arch law (``chainsim.symbolic.energies.arch``)."""
    return c[0] * d + c[1] * d * np.abs(d) + c[2] * d**3


#: Ligament law (Ker's fascia-cut curve; d in m, F in N), and the plantar fascia of Ker's foot:
#: stiffness k (N/m^2: T = k s^2) and slack (m of stretch beyond its unloaded length).
LIGAMENT_C = np.array(_cal.LIGAMENT_C)
FASCIA_STIFFNESS_KER, FASCIA_SLACK = _cal.FASCIA_STIFFNESS_KER, _cal.FASCIA_SLACK
#: Windlass radius per unit foot length: with an inextensible fascia, dorsiflexing the toes by
#: WINDLASS_ANGLE shortens the heel-metatarsal span by WINDLASS_SHORTENING of its length.
WINDLASS_RADIUS = _cal.WINDLASS_RADIUS
#: Default arch stiffness (N/mm): Ker's donor foot (from Ker et al. 1987 through the truss),
#: rounded to 0.1 N/mm.
STIFFNESS_DEFAULT = _cal.STIFFNESS_DEFAULT


def truss_load(alpha, fascia=1.0):
    """Tibial load (N) on Ker's foot (scale 1) at arch angle ``alpha``, through the truss."""
    return truss_load_of(alpha, fascia, LIGAMENT_C, FASCIA_STIFFNESS_KER, FASCIA_SLACK)


def truss_load_of(alpha, fascia, ligament_c, fascia_stiffness, fascia_slack):
    """:func:`truss_load` with the ligament law and the fascia given (the calibration's)."""
    state, rates = truss_state(alpha), truss_rates(alpha)
    moment = odd_poly(ligament_c, ARCH_RHO * KER_FOOT_LENGTH * np.asarray(alpha)) * ARCH_LEVER
    stretch = KER_FOOT_LENGTH * (state[..., 2] - truss_state(0.0)[2]) - fascia_slack
    moment = moment + fascia * fascia_stiffness * np.maximum(stretch, 0.0) ** 2 * rates[..., 2]
    return moment / -rates[..., 1]


def _secant(alpha, foot_length, load=truss_load):
    """Tibial load per vertical deflection (N/m) of Ker's foot at ``alpha``, ``foot_length``."""
    return load(alpha) / (foot_length * (truss_state(0.0)[1] - truss_state(alpha)[1]))


def scale(stiffness_n_per_mm, body_mass, foot_length):
    """Factor on Ker's foot (ligaments and fascia) that gives the requested arch stiffness.

    The stiffness is the secant vertical stiffness of the isolated arch at half body weight:
    (m g / 2) / (vertical deflection of the loaded tibia), through the truss.  Vectorised
    (Newton steps per element, each element's value its own).
    """
    k, m, lf = np.broadcast_arrays(np.asarray(stiffness_n_per_mm, float) * 1e3,
                                   np.asarray(body_mass, float), np.asarray(foot_length, float))
    if k.size > 1:
        # a sweep repeats feet: solve each distinct (k, m, lf) once (elementwise, so the same
        # bits as solving every element)
        rows, inverse = np.unique(np.stack([k.ravel(), m.ravel(), lf.ravel()], 1), axis=0,
                                  return_inverse=True)
        if len(rows) < k.size:
            return _scale(*rows.T)[inverse.ravel()].reshape(k.shape)
    return _scale(k, m, lf)


def _scale(k, m, lf):
    """``scale`` of arrays of stiffness ``k`` (N/m), body mass and foot length."""
    # the deflection m g / (2 k) fixes the arch angle; the scale makes the load m g / 2
    target = m * GRAVITY / (2 * k * lf)
    top = truss_state(0.0)[1]
    # Newton on the truss's ankle drop (increasing in the angle), per element, from the linear
    # truss's angle and kept within 0..1 rad
    alpha = np.clip(target / ARCH_LEVER, 0.0, 1.0)
    active = np.ones(alpha.shape, bool)
    for _ in range(30):
        step = (top - truss_state(alpha)[..., 1] - target) / -truss_rates(alpha)[..., 1]
        new = np.where(active, np.clip(alpha - step, 0.0, 1.0), alpha)
        active &= ~(np.abs(new - alpha) < 1e-14)
        alpha = new
        if not active.any():
            break
    return m * GRAVITY / 2 / truss_load(alpha)


def side_constants(stiffness_n_per_mm, body_mass, foot_length, fascia_scale):
    """Arch law and fascia of N feet for the packed side block.

    Returns
    -------
    dict of (N,) arrays
        ``A, rho, c1, c2, c3`` of the arch law, and the fascia's ``stiffness`` (N/m^2),
        ``slack`` (its stretch beyond the unloaded length at which it tightens, m) and
        ``windlass_radius`` (m).
    """
    lf = np.asarray(foot_length, float)
    s = scale(stiffness_n_per_mm, body_mass, lf)
    rho = ARCH_RHO * KER_FOOT_LENGTH            # the same law in the arch angle for any size
    out = {"A": s * ARCH_LEVER * lf / rho, "rho": np.full(lf.shape, rho)}
    out.update(zip(("c1", "c2", "c3"), (np.full(lf.shape, c) for c in LIGAMENT_C)))
    # geometric similarity: the fascia's tension at a given arch angle scales as the ligaments'
    out["stiffness"] = (FASCIA_STIFFNESS_KER * (KER_FOOT_LENGTH / lf) ** 2 * s
                        * np.asarray(fascia_scale))
    out["slack"] = FASCIA_SLACK * lf / KER_FOOT_LENGTH
    out["windlass_radius"] = WINDLASS_RADIUS * lf
    return out


def ker_donor_stiffness():
    """Secant vertical stiffness (N/mm) of Ker's own foot at half the donor's weight."""
    return donor_stiffness(truss_load)


def donor_stiffness(load):
    """:func:`ker_donor_stiffness` of the foot whose tibial load is ``load(alpha)`` (N)."""
    f_half = KER_DONOR_MASS * GRAVITY / 2
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if load(mid) < f_half else (lo, mid)
    return float(_secant((lo + hi) / 2, KER_FOOT_LENGTH, load) / 1e3)
