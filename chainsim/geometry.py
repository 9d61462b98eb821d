"""Generic skeleton geometry of the chain in its neutral standing posture.

The neutral posture (every joint angle zero) is upright: pelvis level, thighs and shanks
vertical under the hip joint centres, feet flat and pointing straight ahead.  Points are
given for the *left* leg in the world frame (x anterior, y left = lateral, z up); the right
leg is its mirror image.  Foot points are fractions of the foot length (de Leva's heel to
toe tip), measured from the ankle joint centre.  These generic proportions are modelling
assumptions, approximate to a few millimetres; their sources are named where they exist.
"""

from __future__ import annotations

import numpy as np

from .anthropometry import GAIT2392_HEIGHT, HIP_HALF_WIDTH, L5S1_FROM_MIDHIP, segments

#: Ankle joint centre above the floor: 0.039 x stature (Winter 2009, Biomechanics and Motor
#: Control of Human Movement, Fig. 4.1, after Drillis & Contini 1966).
ANKLE_HEIGHT_PER_STATURE = 0.039

# --- foot, as fractions of foot length, from the ankle joint centre (x ant, y lat, z up) --
# Heights are above the floor, as fractions of foot length; ``arch_height_scale`` multiplies
# those marked *arch* (the midtarsal joint and what rides on the arch).
#: Subtalar joint centre: OpenSim gait2392 talus->calcaneus offset (-0.0488, -0.0420, +0.0079) m
#: for a foot of about de Leva's male length 0.258 m (C-code, secondary).
STJ = (-0.189, 0.031, -0.163)
#: Plantar heel contact under the calcaneal tuberosity (x); on the floor; the medial and lateral
#: heel contacts lie HEEL_HALF_WIDTH either side (assumption: the loaded heel pad is about 3 cm
#: wide).
HEEL_X, HEEL_Y, HEEL_HALF_WIDTH = -0.23, 0.0, 0.05
#: Midtarsal (talonavicular) joint centre: 0.082 m in front of the calcaneus origin (KU Leuven
#: foot model, docs/references.md §3, C-code) and 0.16 foot lengths above the floor (arch;
#: assumption).
MTJ_X, MTJ_HEIGHT = 0.13, 0.16
#: Metatarsal heads on the floor: the first 0.090 m in front of the midtarsal joint (KU Leuven,
#: C-code); the fifth 0.10 foot lengths further back; 0.28 foot lengths apart (assumption).
MT1 = (0.50, -0.13)
MT5 = (0.40, 0.15)
#: Metatarsophalangeal joint: on the line of the metatarsal heads, 0.045 foot lengths above the
#: floor (about a metatarsal head's radius; assumption); toes dorsiflex about that line.
MTP_HEIGHT = 0.045
#: Toe pad (contact) 0.15 foot lengths in front of the joint line, under the hallux side.
TOE = (0.15, -0.06)
#: Navicular tuberosity: medial to the midtarsal centre, 0.15 foot lengths high (arch;
#: assumption).
NAV = (0.13, -0.10, 0.15)
#: Plantar skin under the medial arch, where an arch support touches: 0.09 foot lengths high
#: unloaded (arch; assumption).
MID = (0.18, -0.06, 0.09)
#: Dorsum of the foot at half its length (arch), 0.25 foot lengths high (assumption): over the
#: truncated foot length (0.80 foot lengths) an unloaded arch height index of 0.31, a little
#: below the normal 0.34 reported by Williams & McClay 2000 (Phys Ther 80:864; U: recalled, not
#: checked here).
DORSUM = (0.20, -0.02, 0.25)
#: Plantar fascia: from the calcaneal medial tubercle (0.05 foot lengths high) to the plantar
#: side of the first metatarsal head (0.03 high), where it wraps toward the toes (assumption).
FASCIA_ORIGIN = (-0.20, -0.03, 0.05)
FASCIA_PULLEY = (0.50, -0.13, 0.03)
#: Share of the foot length behind the midtarsal joint: heel end at -0.30 foot lengths.
HEEL_END = -0.30
REAR_LENGTH_SHARE = MTJ_X - HEEL_END
#: Heights of the rearfoot and forefoot centres of mass (assumption).
RF_COM_HEIGHT, FF_COM_HEIGHT = 0.10, 0.05

#: Talocrural axis of OpenSim gait2392 mirrored to the left leg, + = dorsiflexion
#: (docs/references.md §2, C-code): the lateral end about 10 deg lower and 6 deg posterior.
ANKLE_AXIS = np.array([0.10501355, -0.97912632, 0.17402245])


def subtalar_axis(inclination_deg, deviation_deg):
    """Unit subtalar axis of the left foot, + rotation = eversion/pronation.

    The axis rises ``inclination`` above the transverse plane and points ``deviation``
    medially from the foot's long axis (Isman & Inman 1969; docs/references.md §2).
    """
    lam = np.deg2rad(np.asarray(inclination_deg, float))
    dev = np.deg2rad(np.asarray(deviation_deg, float))
    return np.stack([np.cos(lam) * np.cos(dev), -np.cos(lam) * np.sin(dev), np.sin(lam)], -1)


def foot_length(height_m, sex):
    """Foot length (heel to toe tip) scaled from de Leva's reference subjects."""
    return segments(np.ones_like(height_m), height_m, sex, REAR_LENGTH_SHARE).length["foot"]


def unloaded_arch_m(height_m, sex, arch_height_scale):
    """Height of the plantar skin under the medial arch (``MID``), unloaded, in m."""
    h, female, scale = np.broadcast_arrays(np.asarray(height_m, float), np.asarray(sex) == "female",
                                           np.asarray(arch_height_scale, float))
    lf = foot_length(h.reshape(-1), female.reshape(-1).astype(int)).reshape(h.shape)
    return MID[2] * scale * lf


def leg(seg, height_m, shank_shortening_m, sub_axis, arch_height_scale):
    """Leg parameters (``LEG_PARAMS`` names) for N subjects, in SI units.

    Parameters
    ----------
    seg : Segments
        From :func:`chainsim.anthropometry.segments`.
    height_m : (N,) array
    shank_shortening_m : (N,) array
        Structural shortening of this leg (taken in the shank).
    sub_axis : (N, 3) array
        Subtalar axis.
    arch_height_scale : (N,) array
        Multiplies the heights of the arch (1 = the generic foot).
    """
    h = np.asarray(height_m, float)
    n = h.shape[0]
    lf = seg.length["foot"]
    ha = ANKLE_HEIGHT_PER_STATURE * h
    arch = np.asarray(arch_height_scale, float) * lf
    z = np.zeros(n)
    mt_line = np.array([MT1[0] - MT5[0], MT1[1] - MT5[1], 0.0])
    mt_axis = mt_line / np.linalg.norm(mt_line)        # medial and forward: + = dorsiflexion
    out = {
        "hip_x": z, "hip_y": HIP_HALF_WIDTH * h / GAIT2392_HEIGHT, "hip_z": z,
        "thigh_len": seg.length["thigh"], "shank_len": seg.length["shank"] - shank_shortening_m,
        "thigh_cx": z, "thigh_cy": z, "thigh_cz": -seg.com["thigh"],
        "shank_cx": z, "shank_cy": z, "shank_cz": -seg.com["shank"],
        "heel_half_width": HEEL_HALF_WIDTH * lf,
    }
    for key, v in (("ankle_ax", ANKLE_AXIS), ("arch_ax", (0.0, -1.0, 0.0)),
                   ("ff_ax", (1.0, 0.0, 0.0)), ("mtp_ax", mt_axis)):
        out[key + "_x"], out[key + "_y"], out[key + "_z"] = (np.full(n, c) for c in v)
    out["sub_ax_x"], out["sub_ax_y"], out["sub_ax_z"] = sub_axis[:, 0], sub_axis[:, 1], sub_axis[:, 2]

    def at(x, y, height):
        """A foot point from the ankle centre: fractions of foot length, height in m."""
        return np.stack([x * lf, y * lf, height - ha], -1)

    ankle = at(0.0, 0.0, ha)                             # the origin
    stj = at(STJ[0], STJ[1], ha + STJ[2] * lf)
    mtj = at(MTJ_X, 0.0, MTJ_HEIGHT * arch)
    mtp = at((MT1[0] + MT5[0]) / 2, (MT1[1] + MT5[1]) / 2, MTP_HEIGHT * lf)
    points = {   # name: (point, the joint centre it is measured from)
        "stj": (stj, ankle), "nav": (at(*NAV[:2], NAV[2] * arch), ankle),
        "heel": (at(HEEL_X, HEEL_Y, 0.0), stj), "mtj": (mtj, stj),
        "rf_c": (at((HEEL_END + MTJ_X) / 2, 0.0, RF_COM_HEIGHT * lf), stj),
        "fo": (at(*FASCIA_ORIGIN[:2], FASCIA_ORIGIN[2] * lf), stj),
        "mt1": (at(*MT1, 0.0), mtj), "mt5": (at(*MT5, 0.0), mtj),
        "mid": (at(*MID[:2], MID[2] * arch), mtj), "dor": (at(*DORSUM[:2], DORSUM[2] * arch), mtj),
        "fp": (at(*FASCIA_PULLEY[:2], FASCIA_PULLEY[2] * lf), mtj), "mtp": (mtp, mtj),
        "ff_c": (at((MTJ_X + 1 + HEEL_END) / 2, 0.0, FF_COM_HEIGHT * lf), mtj),
        "toe": (np.stack([mtp[:, 0] + TOE[0] * lf, TOE[1] * lf, -ha], -1), mtp),
    }
    for key, (pt, origin) in points.items():
        v = pt - origin
        for i, ax in enumerate("xyz"):
            out[key + ax if key.endswith("_c") else f"{key}_{ax}"] = v[:, i]
    return out


def trunk(seg, height_m):
    """Pelvis and trunk parameters (``TRUNK_PARAMS`` names) for N subjects."""
    h = np.asarray(height_m, float)
    z = np.zeros(h.shape[0])
    k = h / GAIT2392_HEIGHT
    l5x, l5z = L5S1_FROM_MIDHIP[0] * k, L5S1_FROM_MIDHIP[1] * k
    return {
        "pelvis_cx": z, "pelvis_cy": z, "pelvis_cz": seg.pelvis_com_height,
        "l5s1_x": l5x, "l5s1_y": z, "l5s1_z": l5z,
        # neutral posture: the HAT centre of mass straight above the mid-hip point
        "hat_cx": -l5x, "hat_cy": z, "hat_cz": seg.hat_com_height - l5z,
    }
