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
#: Subtalar joint centre: OpenSim gait2392 talus->calcaneus offset (-0.0488, -0.0420, +0.0079) m
#: for a foot of about de Leva's male length 0.258 m (C-code, secondary).
STJ = (-0.189, 0.031, -0.163)
#: Plantar heel contact under the calcaneal tuberosity (x); on the floor (z set below); the
#: medial and lateral heel contacts lie HEEL_HALF_WIDTH either side (assumption: the loaded
#: heel pad is about 3 cm wide).
HEEL_X, HEEL_Y, HEEL_HALF_WIDTH = -0.23, 0.0, 0.05
#: Midtarsal (talonavicular) joint centre: 0.082 m in front of the calcaneus origin (KU Leuven
#: foot model, REFERENCES.md §3, C-code) and 0.16 foot lengths above the floor (assumption).
MTJ_X, MTJ_HEIGHT = 0.13, 0.16
#: Metatarsal heads on the floor: the first 0.090 m in front of the midtarsal joint (KU Leuven,
#: C-code); the fifth 0.10 foot lengths further back; 0.28 foot lengths apart (assumption).
MT1 = (0.50, -0.13)
MT5 = (0.40, 0.15)
#: Navicular tuberosity: medial to the midtarsal centre, 0.15 foot lengths high (assumption).
NAV = (0.13, -0.10, 0.15)
#: Plantar skin under the medial arch, where an arch support touches (assumption).
MID = (0.18, -0.06, 0.05)
#: Share of the foot length behind the midtarsal joint: heel end at -0.30 foot lengths.
HEEL_END = -0.30
REAR_LENGTH_SHARE = MTJ_X - HEEL_END
#: Heights of the rearfoot and forefoot centres of mass (assumption).
RF_COM_HEIGHT, FF_COM_HEIGHT = 0.10, 0.05

#: Talocrural axis of OpenSim gait2392 mirrored to the left leg, + = dorsiflexion
#: (REFERENCES.md §2, C-code): the lateral end about 10 deg lower and 6 deg posterior.
ANKLE_AXIS = np.array([0.10501355, -0.97912632, 0.17402245])


def subtalar_axis(inclination_deg, deviation_deg):
    """Unit subtalar axis of the left foot, + rotation = eversion/pronation.

    The axis rises ``inclination`` above the transverse plane and points ``deviation``
    medially from the foot's long axis (Isman & Inman 1969; REFERENCES.md §2).
    """
    lam = np.deg2rad(np.asarray(inclination_deg, float))
    dev = np.deg2rad(np.asarray(deviation_deg, float))
    return np.stack([np.cos(lam) * np.cos(dev), -np.cos(lam) * np.sin(dev), np.sin(lam)], -1)


def foot_length(height_m, sex):
    """Foot length (heel to toe tip) scaled from de Leva's reference subjects."""
    return segments(np.ones_like(height_m), height_m, sex, REAR_LENGTH_SHARE).length["foot"]


def leg(seg, height_m, shank_shortening_m, sub_axis):
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
    """
    h = np.asarray(height_m, float)
    n = h.shape[0]
    lf = seg.length["foot"]
    ha = ANKLE_HEIGHT_PER_STATURE * h
    z = np.zeros(n)

    def fv(x, y, zf):                     # a foot vector: fractions of lf
        return x * lf, y * lf, zf

    stj = fv(STJ[0], STJ[1], STJ[2] * lf)
    out = {
        "hip_x": z, "hip_y": HIP_HALF_WIDTH * h / GAIT2392_HEIGHT, "hip_z": z,
        "thigh_len": seg.length["thigh"], "shank_len": seg.length["shank"] - shank_shortening_m,
        "thigh_cx": z, "thigh_cy": z, "thigh_cz": -seg.com["thigh"],
        "shank_cx": z, "shank_cy": z, "shank_cz": -seg.com["shank"],
        "ankle_ax_x": np.full(n, ANKLE_AXIS[0]), "ankle_ax_y": np.full(n, ANKLE_AXIS[1]),
        "ankle_ax_z": np.full(n, ANKLE_AXIS[2]),
        "stj_x": stj[0], "stj_y": stj[1], "stj_z": stj[2],
        "sub_ax_x": sub_axis[:, 0], "sub_ax_y": sub_axis[:, 1], "sub_ax_z": sub_axis[:, 2],
        "arch_ax_x": z, "arch_ax_y": -np.ones(n), "arch_ax_z": z,
        "heel_half_width": HEEL_HALF_WIDTH * lf,
        "ff_ax_x": np.ones(n), "ff_ax_y": z, "ff_ax_z": z,
    }
    # rearfoot points relative to the subtalar centre
    def rel_stj(x, y, height):
        return x * lf - stj[0], y * lf - stj[1], height - ha - stj[2]

    for key, (x, y, height) in {
        "heel_": (HEEL_X, HEEL_Y, 0.0),
        "mtj_": (MTJ_X, 0.0, MTJ_HEIGHT * lf),
        "rf_c": ((HEEL_END + MTJ_X) / 2, 0.0, RF_COM_HEIGHT * lf),
    }.items():
        out[key + "x"], out[key + "y"], out[key + "z"] = rel_stj(x, y, height)
    # forefoot points relative to the midtarsal centre
    mtj_height = MTJ_HEIGHT * lf

    def rel_mtj(x, y, height):
        return (x - MTJ_X) * lf, y * lf, height - mtj_height

    pts = {
        "mt1_": (MT1[0], MT1[1], 0.0), "mt5_": (MT5[0], MT5[1], 0.0),
        "mid_": (MID[0], MID[1], MID[2] * lf),
        "ff_c": ((MTJ_X + 1 + HEEL_END) / 2, 0.0, FF_COM_HEIGHT * lf),
    }
    for key, (x, y, height) in pts.items():
        out[key + "x"], out[key + "y"], out[key + "z"] = rel_mtj(x, y, height)
    out["nav_x"], out["nav_y"], out["nav_z"] = NAV[0] * lf, NAV[1] * lf, NAV[2] * lf - ha
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
