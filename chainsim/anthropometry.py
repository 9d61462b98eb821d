"""Segment masses, centres of mass, inertias and lengths from body mass, height and sex.

Source: de Leva 1996, J Biomech 29:1223-1230, Table 4 (docs/references.md §1), lengths scaled
with stature from de Leva's reference subjects.  The foot is split into a rearfoot and a
forefoot at the midtarsal joint (see ``foot_split``); the head, arms and trunk above the
pelvis form one HAT segment.  All functions are vectorised over subjects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: de Leva's male reference subject, chainsim's default subject: stature (m) and mass (kg).
REF_MALE_HEIGHT = 1.741
REF_MALE_MASS = 73.0
#: de Leva's reference statures (m) and masses (kg): male, female.
REF_HEIGHT = np.array([REF_MALE_HEIGHT, 1.735])
REF_MASS = np.array([REF_MALE_MASS, 61.9])

# de Leva 1996 Table 4: (mass share, CoM from the proximal end, r_sag, r_trans, r_long, length m)
# columns: male, female.  Rows from docs/references.md §1; arm rows for the female and the arm
# lengths from de Leva's Table 4 as well (the same table).
DE_LEVA = {
    "head": ((0.0694, 0.0668), (0.5976, 0.5894), (0.362, 0.330), (0.376, 0.359), (0.312, 0.318), (0.2033, 0.2002)),
    "upper_trunk": ((0.1596, 0.1545), (0.2999, 0.2077), (0.716, 0.746), (0.454, 0.502), (0.659, 0.718), (0.1707, 0.1425)),
    "mid_trunk": ((0.1633, 0.1465), (0.4502, 0.4512), (0.482, 0.433), (0.383, 0.354), (0.468, 0.415), (0.2155, 0.2053)),
    "lower_trunk": ((0.1117, 0.1247), (0.6115, 0.4920), (0.615, 0.433), (0.551, 0.402), (0.587, 0.444), (0.1457, 0.1815)),
    "thigh": ((0.1416, 0.1478), (0.4095, 0.3612), (0.329, 0.369), (0.329, 0.364), (0.149, 0.162), (0.4222, 0.3685)),
    "shank": ((0.0433, 0.0481), (0.4395, 0.4352), (0.251, 0.267), (0.246, 0.263), (0.102, 0.092), (0.4403, 0.4386)),
    "foot": ((0.0137, 0.0129), (0.4415, 0.4014), (0.257, 0.299), (0.245, 0.279), (0.124, 0.139), (0.2581, 0.2283)),
    "upper_arm": ((0.0271, 0.0255), (0.5772, 0.5754), None, None, None, (0.2817, 0.2751)),
    "forearm": ((0.0162, 0.0138), (0.4574, 0.4559), None, None, None, (0.2689, 0.2643)),
    "hand": ((0.0061, 0.0056), (0.7900, 0.7474), None, None, None, (0.0862, 0.0780)),
}
#: The segments that make up the body (the trunk as its three parts), and those in pairs.
BODY = ("head", "upper_trunk", "mid_trunk", "lower_trunk", "upper_arm", "forearm", "hand",
        "thigh", "shank", "foot")
PAIRED = ("upper_arm", "forearm", "hand", "thigh", "shank", "foot")
#: Head length vertex -> C7 and its CoM from the vertex (de Leva Table 4, second head definition),
#: and trunk length C7 -> mid-hip (docs/references.md §1): used to stack the head above the trunk.
HEAD_C7 = ((0.2429, 0.2437), (0.5002, 0.4841))
TRUNK_C7 = (0.6033, 0.6148)

# Pelvis landmarks, OpenSim gait2392 (docs/references.md §1, C-code) for a 1.75 m subject:
HIP_HALF_WIDTH = 0.0835          # hip joint centres (-0.0707, -0.0661, +/-0.0835) m
GAIT2392_HEIGHT = 1.75
# lumbosacral joint: gait2392 back joint at (-0.1007, 0.0815, 0) in the same pelvis frame
# (C-code, secondary transcription), i.e. 0.030 m behind and 0.1476 m above the mid-hip point.
L5S1_FROM_MIDHIP = (-0.0300, 0.1476)


def _col(x, sex):
    """Pick the male (sex 0) or female (sex 1) value for each subject."""
    return np.where(sex == 1, x[1], x[0])


@dataclass(frozen=True)
class Segments:
    """Segment inertial parameters for N subjects (arrays of shape (N,), SI units)."""

    mass: dict          # segment -> kg
    length: dict        # segment -> m
    com: dict           # segment -> CoM distance from its proximal end, m
    inertia: dict       # segment -> (N, 3) principal moments (sag, trans, long), kg m^2
    hat_com_height: np.ndarray     # HAT CoM above the mid-hip point, upright (m)
    pelvis_com_height: np.ndarray  # pelvis CoM above the mid-hip point (m)


def foot_split(length_share_rear):
    """Mass shares of rearfoot and forefoot that keep de Leva's whole-foot CoM.

    Each part's CoM is put at the middle of its length; the rearfoot spans the first
    ``length_share_rear`` of the foot.  Solving m_r c_r + m_f c_f = c_foot with
    m_r + m_f = 1 gives the shares (an assumption: de Leva does not split the foot).
    """
    c_r = length_share_rear / 2
    c_f = (1 + length_share_rear) / 2
    return c_r, c_f


def segments(mass_kg, height_m, sex, rear_length_share):
    """Compute the inertial parameters of every segment of the chain.

    Parameters
    ----------
    mass_kg, height_m : array_like
        Body mass and stature.
    sex : array_like of int
        0 male, 1 female (de Leva's tables differ).
    rear_length_share : float
        Share of the foot length (heel to toe tip) behind the midtarsal joint.

    Returns
    -------
    Segments
    """
    m = np.asarray(mass_kg, float)
    h = np.asarray(height_m, float)
    sx = np.asarray(sex, int)
    scale = h / _col(REF_HEIGHT, sx)
    # de Leva's shares sum to 0.9999-1.0000 after rounding: renormalise so mass is conserved
    total = sum(_col(DE_LEVA[k][0], sx) * (2 if k in PAIRED else 1) for k in BODY)
    mass, length, com, inertia = {}, {}, {}, {}
    for name, (ms, cm, rs, rt, rl, ln) in DE_LEVA.items():
        mass[name] = m * _col(ms, sx) / total
        length[name] = scale * _col(ln, sx)
        com[name] = length[name] * _col(cm, sx)
        if rs is not None:
            r = np.stack([_col(rs, sx), _col(rt, sx), _col(rl, sx)], axis=-1)
            inertia[name] = mass[name][:, None] * (r * length[name][:, None]) ** 2
    # foot -> rearfoot + forefoot
    c_r, c_f = foot_split(rear_length_share)
    cfoot = _col(DE_LEVA["foot"][1], sx)
    share_f = (cfoot - c_r) / (c_f - c_r)
    for part, share, lshare in (("rearfoot", 1 - share_f, rear_length_share),
                                ("forefoot", share_f, 1 - rear_length_share)):
        mass[part] = mass["foot"] * share
        length[part] = length["foot"] * lshare
        com[part] = length[part] / 2
        r = np.stack([_col(DE_LEVA["foot"][k], sx) for k in (2, 3, 4)], axis=-1)
        inertia[part] = mass[part][:, None] * (r * length[part][:, None]) ** 2
    # HAT: head, arms, upper and mid trunk stacked upright above the mid-hip point;
    # shoulders at the suprasternale level (assumption).
    l_low, l_mid, l_up = length["lower_trunk"], length["mid_trunk"], length["upper_trunk"]
    supr = l_low + l_mid + l_up
    c7 = scale * _col(TRUNK_C7, sx)
    head_len = scale * _col(HEAD_C7[0], sx)
    z = {
        "head": c7 + head_len * (1 - _col(HEAD_C7[1], sx)),
        "upper_trunk": supr - com["upper_trunk"],
        "mid_trunk": l_low + l_mid - com["mid_trunk"],
        "upper_arm": supr - com["upper_arm"],
        "forearm": supr - length["upper_arm"] - com["forearm"],
        "hand": supr - length["upper_arm"] - length["forearm"] - com["hand"],
    }
    arm_parts = ("upper_arm", "forearm", "hand")
    mass["hat"] = (mass["head"] + mass["upper_trunk"] + mass["mid_trunk"]
                   + 2 * sum(mass[p] for p in arm_parts))
    moment = (mass["head"] * z["head"] + mass["upper_trunk"] * z["upper_trunk"]
              + mass["mid_trunk"] * z["mid_trunk"] + 2 * sum(mass[p] * z[p] for p in arm_parts))
    hat_z = moment / mass["hat"]
    mass["pelvis"] = mass["lower_trunk"]
    pelvis_z = l_low - com["lower_trunk"]          # CoM measured from the omphalion down
    return Segments(mass, length, com, inertia, hat_z, pelvis_z)
