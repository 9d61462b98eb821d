"""The array boundary of the compiled core, declared once.

Everything that crosses between the Python side and the kernels is a flat float64 array or an
integer code, and this table says what each slot holds:

- the packed parameters ``theta``: a global block and two side blocks (both describe a *left*
  leg; the right side is solved in the mirror image of the world), each a list of fields with a
  width, a unit and a meaning; a field may be a record (named parts) repeated ``count`` times;
- the raw outputs of a static solve: global slots, then one group of side slots per leg; each
  slot's user name, unit (the raw value is SI: ``deg`` is stored in rad, ``mm`` in m) and
  meaning;
- the channels an impact records at each step;
- the status codes of a static solve and of an impact, with their help and whether they count
  as solved.

``python -m chainsim.symbolic.codegen`` (``make generate``) writes ``chainsim/_generated/
layout.py`` from it: every offset and named part as a plain integer (a compile-time constant for
numba), the output and status vocabularies, and a docstring listing every slot.  Adding a field
is one line here and ``make generate``.  This module is plain data (no sympy); the runtime reads
the generated module, never this one.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import chain as ch


@dataclass(frozen=True)
class Record:
    """Named parts of a repeated field: ``parts`` is ((name, width, meaning), ...).

    The generated offset of part ``x`` is ``<PREFIX>_<X>`` (from the start of one record) and
    the record's width ``N<PREFIX>``.
    """

    prefix: str
    parts: tuple

    @property
    def width(self) -> int:
        return sum(w for _, w, _ in self.parts)


@dataclass(frozen=True)
class Field:
    """A field of a packed block: ``width`` floats, or ``count`` records of ``record``."""

    name: str
    width: int
    unit: str
    meaning: str
    record: Record | None = None
    count: int = 1

    @property
    def size(self) -> int:
        return self.record.width * self.count if self.record else self.width


def field(name, unit, meaning, width=1):
    return Field(name, width, unit, meaning)


def records(name, unit, meaning, record, count=1):
    return Field(name, record.width, unit, meaning, record, count)


@dataclass(frozen=True)
class Slot:
    """One raw output: ``name`` is the kernel's (``O_<NAME>``); ``key`` the user's name
    (``{side}`` is replaced by left/right in side slots), or None for an internal slot."""

    name: str
    key: str | None
    unit: str
    meaning: str


@dataclass(frozen=True)
class Status:
    name: str
    help: str
    solved: bool


# --- the chain's sizes, from the derivation ----------------------------------------------------
NL, NLUM, NKP, NTP = len(ch.LEG), len(ch.LUMBAR), len(ch.LEG_PARAMS), len(ch.TRUNK_PARAMS)

#: leg coordinates' constant names, in the order of chain.LEG
LEG_COORDINATES = ("HIP_FLEX", "HIP_ADD", "HIP_ROT", "KNEE_FLEX", "KNEE_VAL", "KNEE_ROT", "ANKLE",
                   "SUBTALAR", "ARCH", "FOREFOOT", "TOE")
#: lumbar coordinates' constant names (offsets from Q_LUMBAR), in the order of chain.LUMBAR
LUMBAR_COORDINATES = ("LUMBAR_EXT", "LUMBAR_BEND", "LUMBAR_ROT")
#: the leg coordinates that can be prescribed (the drive records, in this order)
DRIVEN = ("SUBTALAR", "TOE")
#: the contacts under each foot (leg points, chain.LEG_POINTS) and their constant names
CONTACTS = (("C_HEEL_M", "heel_medial"), ("C_HEEL_L", "heel_lateral"), ("C_MT1", "mt1"),
            ("C_MT5", "mt5"), ("C_TOE", "toe"), ("C_MID", "midfoot"))
#: postural setpoints: shifts of tone rest angles that the nervous system chooses so that the
#: centre of mass stays over its neutral place (ankles: x; hips: y) and the trunk upright
SETPOINTS = ("R_ANKLE", "R_HIP", "R_LUMBAR_EXT", "R_LUMBAR_BEND")

# --- packed parameters ---------------------------------------------------------------------------
GLOBAL = ("G", (
    field("gravity", "m/s^2", "gravitational acceleration"),
    field("mass", "kg", "body mass"),
    Field("trunk", NTP, "m", "trunk geometry, in the order of TRUNK_PARAMS",
          Record("TP", tuple((n, 1, "") for n in ch.TRUNK_PARAMS))),
    field("pelvis_mass", "kg", "pelvis (de Leva's lower trunk)"),
    field("hat_mass", "kg", "head, arms and trunk above L5/S1 (must follow pelvis_mass)"),
    field("lumbar_k", "N m/rad", "tone stiffness of the 3 lumbar coordinates", NLUM),
    field("upright_k", "N m/rad", "trunk-upright rule stiffness"),
    field("balance_k", "N/m", "balance rule: centre of mass over the feet"),
    field("friction", "1", "friction coefficient of the floor (for the slip check only)"),
    # the dynamics' fields (chainsim.core.dynamics)
    field("pelvis_inertia", "kg m^2", "principal moments about the pelvis' CoM, pelvis frame", 3),
    field("hat_inertia", "kg m^2", "principal moments about the HAT's CoM, trunk frame", 3),
    field("lumbar_damping", "N m s/rad", "lumbar joint damping, 3 coordinates", NLUM),
))

SIDE = ("S", (
    Field("kin", NKP, "m", "leg geometry, in the order of LEG_PARAMS",
          Record("KP", tuple((n, 1, "") for n in ch.LEG_PARAMS))),
    Field("mass", 4, "kg", "segment masses",
          Record("MASS", (("thigh", 1, ""), ("shank", 1, ""), ("rearfoot", 1, ""),
                          ("forefoot", 1, "")))),
    field("rest", "rad", "rest angle of each leg coordinate", NL),
    field("kpos", "N m/rad", "tone stiffness of each leg coordinate for q > rest", NL),
    field("kneg", "N m/rad", "tone stiffness of each leg coordinate for q < rest", NL),
    Field("arch", 5, "", "the arch law's constants (see symbolic.energies.arch)",
          Record("ARCH", (("a", 1, "N m"), ("rho", 1, "1/rad"), ("c1", 1, ""), ("c2", 1, ""),
                          ("c3", 1, "")))),
    records("contact", "", "per contact (CONTACTS order): its support plane and tissue",
            Record("CF", (("normal", 3, "unit normal of the support plane"),
                          ("offset", 1, "m: the plane is n . p = offset"),
                          ("k", 1, "N/m^1.5: tissue stiffness (0: no contact)"),
                          ("compliance", 1, "m/N: cushioning insole, arch support and shoe "
                                            "midsole in series with the tissue"))),
            len(CONTACTS)),
    Field("anchor", 10, "", "friction anchors at the neutral footprint",
          Record("ANCHOR", (("heel", 3, "m: the heel's anchor point"),
                            ("forefoot", 3, "m: the forefoot's anchor point"),
                            ("lateral", 3, "unit lateral direction in the support plane"),
                            ("k", 1, "N/m: stiffness of the anchors' springs")))),
    Field("fascia", 3, "", "plantar fascia",
          Record("FASCIA", (("k", 1, "N/m^2: stiffness (tension = k stretch^2)"),
                            ("length", 1, "m: slack length"),
                            ("radius", 1, "m: windlass radius at the first MTP joint")))),
    records("drive", "", "per driven coordinate (DRIVEN order): a prescribed angle",
            Record("DRV", (("flag", 1, "1: prescribed, 0: free"), ("angle", 1, "rad"))),
            len(DRIVEN)),
    field("foot", "m", "truncated foot length (heel to first metatarsal head)"),
    # the dynamics' fields (chainsim.core.dynamics)
    Field("inertia", 15, "kg m^2", "principal moments about each CoM, segment frame",
          Record("INERTIA", (("thigh", 3, ""), ("shank", 3, ""), ("rearfoot", 3, ""),
                             ("forefoot", 3, ""), ("toes", 3, "")))),
    field("toes_mass", "kg", "the toes' mass at the MTP centre, taken out of the forefoot's"),
    field("damping", "N m s/rad", "joint damping of each leg coordinate", NL),
    field("tissue_damping", "s/m", "Hunt-Crossley damping of the plantar tissue"),
    field("cushion_damping", "N s/m", "cushioning layers' damping under each contact",
          len(CONTACTS)),
    Field("shear", 2, "", "tangential spring of the plantar tissue (under every contact)",
          Record("SHEAR", (("k", 1, "N/m"), ("damping", 1, "N s/m")))),
))

# --- raw outputs of a static solve ----------------------------------------------------------------
GLOBAL_OUTPUTS = (
    Slot("tilt", "pelvis.tilt_deg", "deg", "+ anterior tilt"),
    Slot("obliquity", "pelvis.obliquity_deg", "deg", "+ left side higher"),
    Slot("pelvis_rot", "pelvis.rotation_deg", "deg",
         "+ pelvis turned to the left (seen from above, counter-clockwise)"),
    Slot("lld", "pelvis.functional_lld_mm", "mm",
         "left hip centre height minus right (+ left functionally longer)"),
    Slot("lordosis", "lumbar.lordosis_deg", "deg",
         "+ more lordosis (trunk extended on the pelvis) than neutral"),
    Slot("lumbar_bend", "lumbar.lateral_bend_deg", "deg", "+ trunk bent to the left on the pelvis"),
    Slot("lumbar_rot", "lumbar.rotation_deg", "deg", "+ trunk turned to the left on the pelvis"),
    Slot("l5s1_f", "lumbar.l5s1_force_bw", "BW", "net reaction force at L5/S1 (magnitude)"),
    Slot("trunk_lean", "trunk.lean_deg", "deg", "+ trunk leaning forward in space"),
    Slot("com_ap", "balance.com_ap_mm", "mm",
         "+ centre of mass anterior of the mid-ankle point (neutral)"),
    Slot("com_ml", "balance.com_ml_mm", "mm", "+ centre of mass to the left of the midline"),
    Slot("r_ankle", "balance.ankle_setpoint_deg", "deg",
         "+ postural tone of both ankles set toward dorsiflexion"),
    Slot("r_hip", "balance.hip_setpoint_deg", "deg", "+ hip tone set to shift the pelvis to the left"),
    Slot("r_lumbar_ext", "balance.lumbar_extension_setpoint_deg", "deg",
         "+ lumbar tone set toward extension"),
    Slot("r_lumbar_bend", "balance.lumbar_bending_setpoint_deg", "deg",
         "+ lumbar tone set toward left bending"),
    # equilibrium checks: external force and moment on the whole body (should be ~0)
    Slot("total_fx", "check.total_force_x_bw", "BW", "sum of external forces, x"),
    Slot("total_fy", "check.total_force_y_bw", "BW", "sum of external forces, y"),
    Slot("total_fz", "check.total_force_z_bw", "BW", "sum of external forces, z"),
    Slot("total_m", "check.total_moment_bw_m", "BW m", "magnitude of the external moment sum"),
)

SIDE_OUTPUTS = (
    Slot("subtalar", "{side}.subtalar_eversion_deg", "deg",
         "+ eversion (pronation) of the calcaneus on the talus"),
    Slot("rearfoot", "{side}.rearfoot_eversion_deg", "deg",
         "+ calcaneus everted against the vertical (frontal plane)"),
    Slot("nav_drop", "{side}.navicular_drop_mm", "mm",
         "+ navicular lower than in the unloaded neutral foot"),
    Slot("arch_height", "{side}.arch_height_mm", "mm",
         "navicular tuberosity above the support under it (a lift or post tapers from heel to "
         "forefoot)"),
    Slot("ahi", "{side}.arch_height_index", "1",
         "dorsum height at half foot length over the truncated foot length (heel to first "
         "metatarsal head)"),
    Slot("fascia", "{side}.fascia_tension_bw", "BW", "tension in the plantar fascia"),
    Slot("toe", "{side}.toe_extension_deg", "deg",
         "+ toes dorsiflexed at the metatarsophalangeal joints"),
    Slot("tibial_rot", "{side}.tibial_rotation_deg", "deg",
         "+ internal rotation of the shank in space (from neutral)"),
    Slot("knee_flex", "{side}.knee_flexion_deg", "deg", "+ flexion"),
    Slot("knee_val", "{side}.knee_valgus_deg", "deg", "+ valgus (abduction of the shank)"),
    Slot("knee_rot", "{side}.knee_rotation_deg", "deg", "+ internal rotation of the tibia on the femur"),
    Slot("hip_flex", "{side}.hip_flexion_deg", "deg", "+ flexion"),
    Slot("hip_add", "{side}.hip_adduction_deg", "deg", "+ adduction"),
    Slot("hip_rot", "{side}.hip_rotation_deg", "deg", "+ internal rotation of the femur"),
    Slot("ankle_df", "{side}.ankle_dorsiflexion_deg", "deg", "+ dorsiflexion (talocrural)"),
    Slot("arch", "{side}.arch_flattening_deg", "deg",
         "+ forefoot dorsiflexed on the rearfoot (arch lower)"),
    Slot("forefoot", "{side}.forefoot_eversion_deg", "deg", "+ forefoot everted on the rearfoot"),
    Slot("grf", "{side}.grf_bw", "BW", "vertical ground reaction of this foot"),
    Slot("cop_ml", "{side}.cop_ml_mm", "mm", "+ centre of pressure medial of the foot's long axis"),
    Slot("cop_ap", "{side}.cop_ap_mm", "mm",
         "+ centre of pressure anterior of the neutral ankle centre"),
    Slot("heel_share", "{side}.heel_load_share", "1", "share of this foot's normal load under the heel"),
    Slot("forefoot_share", "{side}.forefoot_load_share", "1", "share under the metatarsal heads"),
    Slot("midfoot_share", "{side}.midfoot_load_share", "1", "share under the arch (an arch support)"),
    Slot("toe_share", "{side}.toe_load_share", "1", "share under the toes"),
    Slot("ankle_f", "{side}.ankle_force_bw", "BW", "net reaction force at the ankle (magnitude)"),
    Slot("knee_f", "{side}.knee_force_bw", "BW", "net reaction force at the knee (magnitude)"),
    Slot("hip_f", "{side}.hip_force_bw", "BW", "net reaction force at the hip (magnitude)"),
    Slot("knee_add_m", "{side}.knee_adduction_moment_nm_per_kg", "N m/kg",
         "+ external moment adducting the knee (varus), tibia frame"),
    Slot("knee_flex_m", "{side}.knee_flexion_moment_nm_per_kg", "N m/kg",
         "+ external moment flexing the knee"),
    Slot("knee_rot_m", "{side}.knee_rotation_moment_nm_per_kg", "N m/kg",
         "+ external moment rotating the tibia internally"),
    Slot("hip_add_m", "{side}.hip_adduction_moment_nm_per_kg", "N m/kg",
         "+ external moment adducting the hip, femur frame"),
    Slot("hip_flex_m", "{side}.hip_flexion_moment_nm_per_kg", "N m/kg",
         "+ external moment flexing the hip"),
    Slot("hip_rot_m", "{side}.hip_rotation_moment_nm_per_kg", "N m/kg",
         "+ external moment rotating the femur internally"),
    Slot("ankle_df_m", "{side}.ankle_dorsiflexion_moment_nm_per_kg", "N m/kg",
         "+ external moment dorsiflexing the ankle"),
    Slot("friction", "{side}.friction_demand", "1",
         "largest tangential/normal force ratio under the foot"),
    Slot("drive_m", "{side}.subtalar_drive_moment_nm", "N m",
         "+ everting moment needed to hold a prescribed subtalar angle"),
    Slot("toe_drive_m", "{side}.toe_drive_moment_nm", "N m",
         "+ dorsiflexing moment needed to hold a prescribed toe angle"),
    Slot("hip_height", None, "m", "hip centre height (for the functional leg-length difference)"),
    # equilibrium of each joint about its axis: external moment = spring moment
    Slot("resid_ankle", "check.{side}_ankle_residual_nm", "N m", "ankle moment balance"),
    Slot("resid_knee", "check.{side}_knee_residual_nm", "N m", "knee moment balance"),
    Slot("resid_hip", "check.{side}_hip_residual_nm", "N m", "hip moment balance"),
)

# --- channels an impact records at each step (SI: N, m, m/s^2, J) -----------------------------
#: (name, series key or None, unit of the series, meaning); N -> BW, m -> mm, m/s^2 -> g
IMPACT_CHANNELS = (
    Slot("grf_l", "left.grf_bw", "BW", "vertical ground reaction force on the left foot"),
    Slot("grf_r", "right.grf_bw", "BW", "vertical ground reaction force on the right foot"),
    Slot("ankle_l", "left.ankle_force_bw", "BW", "net joint reaction force (magnitude)"),
    Slot("knee_l", "left.knee_force_bw", "BW", "net joint reaction force (magnitude)"),
    Slot("hip_l", "left.hip_force_bw", "BW", "net joint reaction force (magnitude)"),
    Slot("ankle_r", "right.ankle_force_bw", "BW", "net joint reaction force (magnitude)"),
    Slot("knee_r", "right.knee_force_bw", "BW", "net joint reaction force (magnitude)"),
    Slot("hip_r", "right.hip_force_bw", "BW", "net joint reaction force (magnitude)"),
    Slot("l5s1", "lumbar.l5s1_force_bw", "BW",
         "net joint reaction force at L5/S1 (magnitude; what the trunk above exerts)"),
    Slot("arch_l", "left.arch_deflection_mm", "mm",
         "fall of the navicular towards the heel-first metatarsal head line since touchdown"),
    Slot("arch_r", "right.arch_deflection_mm", "mm",
         "fall of the navicular towards the heel-first metatarsal head line since touchdown"),
    Slot("acc_shank_l", "left.tibia_acceleration_g", "g",
         "vertical acceleration at the ankle joint centre, as an accelerometer reads it (1 g "
         "standing still)"),
    Slot("acc_shank_r", "right.tibia_acceleration_g", "g", "as left"),
    Slot("acc_sacrum", "sacrum.acceleration_g", "g",
         "vertical acceleration at L5/S1, as an accelerometer reads it"),
    Slot("energy", None, "J", "total mechanical energy (for the integrator's checks)"),
)

# --- status codes, in code order from 0 -------------------------------------------------------------
STATIC_STATUSES = (
    Status("ok", "converged to a stable equilibrium", True),
    Status("not_converged", "the iteration limit was reached before equilibrium", False),
    Status("nonfinite", "the solve met a non-finite number", False),
    Status("unstable", "an equilibrium was found but it is not stable (the Hessian is not "
                       "positive definite)", False),
    Status("no_contact", "a foot carries (almost) no load: the subject cannot stand on both feet",
           False),
    Status("stalled", "the energy could not be lowered further before equilibrium", False),
    Status("slipping", "equilibrium found, but a foot needs more friction than the floor gives",
           True),
    Status("unbalanced", "the posture rules cannot be met: the centre of mass cannot be held over "
                         "its place between the feet, or the trunk upright", False),
)

IMPACT_STATUSES = (
    Status("ok", "the impact was integrated to its end, every scalar within its tolerance",
           True),
    Status("singular", "the integrator's Newton matrix was singular", False),
    Status("nonfinite", "the integration met a non-finite number", False),
    Status("inaccurate", "the step is too coarse: a scalar's error, estimated by step doubling, "
                         "exceeds its tolerance (chainsim.dynamics.TOLERANCES)", False),
)
