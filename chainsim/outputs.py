"""Names, units and sign conventions of every output (one table, used by the CLI and docs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import outputs as raw

DEG = 180.0 / np.pi
MM = 1000.0


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    index: int          # column in the raw output array
    scale: float        # raw (SI / BW / N m/kg) -> user unit
    sign: str           # what positive means


_SIDE = (
    ("subtalar_eversion_deg", "deg", raw.O_SUBTALAR, DEG, "+ eversion (pronation) of the calcaneus on the talus"),
    ("rearfoot_eversion_deg", "deg", raw.O_REARFOOT, DEG, "+ calcaneus everted against the vertical (frontal plane)"),
    ("navicular_drop_mm", "mm", raw.O_NAV_DROP, MM, "+ navicular lower than in the unloaded neutral foot"),
    ("arch_height_mm", "mm", raw.O_ARCH_HEIGHT, MM, "navicular tuberosity above the support under it (a lift or post tapers from heel to forefoot)"),
    ("arch_height_index", "1", raw.O_AHI, 1.0, "dorsum height at half foot length over the truncated foot length (heel to first metatarsal head)"),
    ("fascia_tension_bw", "BW", raw.O_FASCIA, 1.0, "tension in the plantar fascia"),
    ("toe_extension_deg", "deg", raw.O_TOE, DEG, "+ toes dorsiflexed at the metatarsophalangeal joints"),
    ("tibial_rotation_deg", "deg", raw.O_TIBIAL_ROT, DEG, "+ internal rotation of the shank in space (from neutral)"),
    ("knee_flexion_deg", "deg", raw.O_KNEE_FLEX, DEG, "+ flexion"),
    ("knee_valgus_deg", "deg", raw.O_KNEE_VAL, DEG, "+ valgus (abduction of the shank)"),
    ("knee_rotation_deg", "deg", raw.O_KNEE_ROT, DEG, "+ internal rotation of the tibia on the femur"),
    ("hip_flexion_deg", "deg", raw.O_HIP_FLEX, DEG, "+ flexion"),
    ("hip_adduction_deg", "deg", raw.O_HIP_ADD, DEG, "+ adduction"),
    ("hip_rotation_deg", "deg", raw.O_HIP_ROT, DEG, "+ internal rotation of the femur"),
    ("ankle_dorsiflexion_deg", "deg", raw.O_ANKLE_DF, DEG, "+ dorsiflexion (talocrural)"),
    ("arch_flattening_deg", "deg", raw.O_ARCH, DEG, "+ forefoot dorsiflexed on the rearfoot (arch lower)"),
    ("forefoot_eversion_deg", "deg", raw.O_FOREFOOT, DEG, "+ forefoot everted on the rearfoot"),
    ("grf_bw", "BW", raw.O_GRF, 1.0, "vertical ground reaction of this foot"),
    ("cop_ml_mm", "mm", raw.O_COP_ML, MM, "+ centre of pressure medial of the foot's long axis"),
    ("cop_ap_mm", "mm", raw.O_COP_AP, MM, "+ centre of pressure anterior of the neutral ankle centre"),
    ("heel_load_share", "1", raw.O_HEEL_SHARE, 1.0, "share of this foot's normal load under the heel"),
    ("forefoot_load_share", "1", raw.O_FOREFOOT_SHARE, 1.0, "share under the metatarsal heads"),
    ("midfoot_load_share", "1", raw.O_MIDFOOT_SHARE, 1.0, "share under the arch (an arch support)"),
    ("toe_load_share", "1", raw.O_TOE_SHARE, 1.0, "share under the toes"),
    ("ankle_force_bw", "BW", raw.O_ANKLE_F, 1.0, "net reaction force at the ankle (magnitude)"),
    ("knee_force_bw", "BW", raw.O_KNEE_F, 1.0, "net reaction force at the knee (magnitude)"),
    ("hip_force_bw", "BW", raw.O_HIP_F, 1.0, "net reaction force at the hip (magnitude)"),
    ("knee_adduction_moment_nm_per_kg", "N m/kg", raw.O_KNEE_ADD_M, 1.0, "+ external moment adducting the knee (varus), tibia frame"),
    ("knee_flexion_moment_nm_per_kg", "N m/kg", raw.O_KNEE_FLEX_M, 1.0, "+ external moment flexing the knee"),
    ("knee_rotation_moment_nm_per_kg", "N m/kg", raw.O_KNEE_ROT_M, 1.0, "+ external moment rotating the tibia internally"),
    ("hip_adduction_moment_nm_per_kg", "N m/kg", raw.O_HIP_ADD_M, 1.0, "+ external moment adducting the hip, femur frame"),
    ("hip_flexion_moment_nm_per_kg", "N m/kg", raw.O_HIP_FLEX_M, 1.0, "+ external moment flexing the hip"),
    ("hip_rotation_moment_nm_per_kg", "N m/kg", raw.O_HIP_ROT_M, 1.0, "+ external moment rotating the femur internally"),
    ("ankle_dorsiflexion_moment_nm_per_kg", "N m/kg", raw.O_ANKLE_DF_M, 1.0, "+ external moment dorsiflexing the ankle"),
    ("friction_demand", "1", raw.O_FRICTION, 1.0, "largest tangential/normal force ratio under the foot"),
    ("subtalar_drive_moment_nm", "N m", raw.O_DRIVE_M, 1.0, "+ everting moment needed to hold a prescribed subtalar angle"),
    ("toe_drive_moment_nm", "N m", raw.O_TOE_DRIVE_M, 1.0, "+ dorsiflexing moment needed to hold a prescribed toe angle"),
)
_GLOBAL = (
    ("pelvis.tilt_deg", "deg", raw.O_TILT, DEG, "+ anterior tilt"),
    ("pelvis.obliquity_deg", "deg", raw.O_OBLIQUITY, DEG, "+ left side higher"),
    ("pelvis.rotation_deg", "deg", raw.O_PELVIS_ROT, DEG, "+ pelvis turned to the left (seen from above, counter-clockwise)"),
    ("pelvis.functional_lld_mm", "mm", raw.O_LLD, MM, "left hip centre height minus right (+ left functionally longer)"),
    ("lumbar.lordosis_deg", "deg", raw.O_LORDOSIS, DEG, "+ more lordosis (trunk extended on the pelvis) than neutral"),
    ("lumbar.lateral_bend_deg", "deg", raw.O_LUMBAR_BEND, DEG, "+ trunk bent to the left on the pelvis"),
    ("lumbar.rotation_deg", "deg", raw.O_LUMBAR_ROT, DEG, "+ trunk turned to the left on the pelvis"),
    ("lumbar.l5s1_force_bw", "BW", raw.O_L5S1_F, 1.0, "net reaction force at L5/S1 (magnitude)"),
    ("trunk.lean_deg", "deg", raw.O_TRUNK_LEAN, DEG, "+ trunk leaning forward in space"),
    ("balance.com_ap_mm", "mm", raw.O_COM_AP, MM, "+ centre of mass anterior of the mid-ankle point (neutral)"),
    ("balance.com_ml_mm", "mm", raw.O_COM_ML, MM, "+ centre of mass to the left of the midline"),
    ("balance.ankle_setpoint_deg", "deg", raw.O_R_ANKLE, DEG, "+ postural tone of both ankles set toward dorsiflexion"),
    ("balance.hip_setpoint_deg", "deg", raw.O_R_HIP, DEG, "+ hip tone set to shift the pelvis to the left"),
    ("balance.lumbar_extension_setpoint_deg", "deg", raw.O_R_LUMBAR_EXT, DEG, "+ lumbar tone set toward extension"),
    ("balance.lumbar_bending_setpoint_deg", "deg", raw.O_R_LUMBAR_BEND, DEG, "+ lumbar tone set toward left bending"),
)
#: Equilibrium checks: external force and moment on the whole body (should be ~0).
_CHECKS = (
    ("check.total_force_x_bw", "BW", raw.O_TOTAL_FX, 1.0, "sum of external forces, x"),
    ("check.total_force_y_bw", "BW", raw.O_TOTAL_FY, 1.0, "sum of external forces, y"),
    ("check.total_force_z_bw", "BW", raw.O_TOTAL_FZ, 1.0, "sum of external forces, z"),
    ("check.total_moment_bw_m", "BW m", raw.O_TOTAL_M, 1.0, "magnitude of the external moment sum"),
    ("check.left_ankle_residual_nm", "N m", raw.NGLOBAL_OUT + raw.O_RESID_ANKLE, 1.0, "ankle moment balance"),
    ("check.left_knee_residual_nm", "N m", raw.NGLOBAL_OUT + raw.O_RESID_KNEE, 1.0, "knee moment balance"),
    ("check.left_hip_residual_nm", "N m", raw.NGLOBAL_OUT + raw.O_RESID_HIP, 1.0, "hip moment balance"),
)


def _build():
    table = {}
    for side_i, side in enumerate(("left", "right")):
        base = raw.NGLOBAL_OUT + side_i * raw.NSIDE_OUT
        for name, unit, idx, scale, sign in _SIDE:
            table[f"{side}.{name}"] = Output(f"{side}.{name}", unit, base + idx, scale, sign)
    for name, unit, idx, scale, sign in _GLOBAL + _CHECKS:
        table[name] = Output(name, unit, idx, scale, sign)
    return table


#: Every output by name, in display order (left, right, pelvis, lumbar, trunk, checks).
OUTPUTS: dict[str, Output] = _build()
#: The outputs a user sees (without the equilibrium checks).
PUBLIC = tuple(k for k in OUTPUTS if not k.startswith("check."))


def unpack(raw_out: np.ndarray) -> dict:
    """Named outputs in user units from raw output rows of shape (N, NOUT)."""
    return {k: raw_out[:, o.index] * o.scale for k, o in OUTPUTS.items()}
