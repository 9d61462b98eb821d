"""The chain, written once in sympy: coordinates, parameters, frames and points.

Everything is written for the *left* leg in the world frame (x anterior, y left, z up).
The right leg is the mirror image (y -> -y) of a left leg: the compiled core evaluates
these same expressions with mirrored pelvis coordinates and maps the results back, so
left and right are one code path.

Build time only: the runtime never imports this module (see ``codegen``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

# --- generalized coordinates --------------------------------------------------------------

#: Pelvis pose: translation of the mid-hip point and Cardan angles R = Rz(rot) Rx(obl) Ry(tilt).
BASE = ("pelvis_x", "pelvis_y", "pelvis_z", "pelvis_rotation", "pelvis_obliquity", "pelvis_tilt")
#: One leg, proximal to distal (clinical signs; see docs/model.md).
LEG = (
    "hip_flexion", "hip_adduction", "hip_rotation",
    "knee_flexion", "knee_valgus", "knee_rotation",
    "ankle_dorsiflexion", "subtalar_eversion", "arch_flattening", "forefoot_eversion",
    "toe_extension",
)
#: Lumbosacral joint: trunk (HAT) relative to the pelvis.
LUMBAR = ("lumbar_extension", "lumbar_bending", "lumbar_rotation")

#: Parameters of one leg (all in the left-leg world, SI).  Vectors are named x/y/z.
LEG_PARAMS = (
    "hip_x", "hip_y", "hip_z",                # hip joint centre in the pelvis frame
    "thigh_len", "shank_len",
    "thigh_cx", "thigh_cy", "thigh_cz",       # thigh CoM from the hip centre, thigh frame
    "shank_cx", "shank_cy", "shank_cz",       # shank CoM from the knee centre
    "ankle_ax_x", "ankle_ax_y", "ankle_ax_z", # talocrural axis (unit), + = dorsiflexion
    "stj_x", "stj_y", "stj_z",                # subtalar centre from the ankle centre, talus frame
    "sub_ax_x", "sub_ax_y", "sub_ax_z",       # subtalar axis (unit), + = eversion/pronation
    "heel_x", "heel_y", "heel_z",             # centre of the heel contact from the subtalar centre
    "heel_half_width",                        # medial/lateral heel contacts either side of it
    "mtj_x", "mtj_y", "mtj_z",                # midtarsal centre from the subtalar centre
    "rf_cx", "rf_cy", "rf_cz",                # rearfoot CoM from the subtalar centre
    "arch_ax_x", "arch_ax_y", "arch_ax_z",    # arch axis (unit), + = forefoot dorsiflexes
    "ff_ax_x", "ff_ax_y", "ff_ax_z",          # forefoot long axis (unit), + = forefoot eversion
    "mt1_x", "mt1_y", "mt1_z",                # first metatarsal head from the midtarsal centre
    "mt5_x", "mt5_y", "mt5_z",                # fifth metatarsal head
    "nav_x", "nav_y", "nav_z",                # navicular tuberosity from the ankle centre, talus frame
    "mid_x", "mid_y", "mid_z",                # plantar midfoot point (under the arch)
    "ff_cx", "ff_cy", "ff_cz",                # forefoot CoM from the midtarsal centre
    "dor_x", "dor_y", "dor_z",                # dorsum of the foot at half its length
    "fo_x", "fo_y", "fo_z",                   # plantar fascia origin (calcaneus) from the subtalar centre
    "fp_x", "fp_y", "fp_z",                   # where the fascia wraps the first metatarsal head
    "mtp_x", "mtp_y", "mtp_z",                # metatarsophalangeal centre from the midtarsal centre
    "mtp_ax_x", "mtp_ax_y", "mtp_ax_z",       # MTP axis (unit), + = toes dorsiflexed
    "toe_x", "toe_y", "toe_z",                # toe pad (contact) from the MTP centre, toes frame
)

#: Parameters of the pelvis and trunk.
TRUNK_PARAMS = (
    "pelvis_cx", "pelvis_cy", "pelvis_cz",    # pelvis CoM from the mid-hip point, pelvis frame
    "l5s1_x", "l5s1_y", "l5s1_z",             # lumbosacral centre from the mid-hip point
    "hat_cx", "hat_cy", "hat_cz",             # HAT CoM from L5/S1, trunk frame
)

#: Points of one leg, with the segment that carries each one.
LEG_POINTS = (
    ("hip", "pelvis"), ("knee", "thigh"), ("ankle", "shank"), ("subtalar", "talus"),
    ("midtarsal", "rearfoot"), ("heel", "rearfoot"), ("rearfoot_com", "rearfoot"),
    ("heel_medial", "rearfoot"), ("heel_lateral", "rearfoot"),
    ("mt1", "forefoot"), ("mt5", "forefoot"), ("forefoot_anchor", "forefoot"),
    ("navicular", "talus"), ("midfoot", "forefoot"), ("forefoot_com", "forefoot"),
    ("thigh_com", "thigh"), ("shank_com", "shank"), ("dorsum", "forefoot"),
    ("fascia_origin", "rearfoot"), ("fascia_pulley", "forefoot"), ("mtp", "forefoot"),
    ("toe", "toes"),
)
#: Segments of one leg, each with the index (in BASE + LEG) of the last coordinate moving it.
LEG_SEGMENTS = (
    ("pelvis", 5), ("thigh", 8), ("shank", 11), ("talus", 12), ("rearfoot", 13), ("forefoot", 15),
    ("toes", 16),
)
TRUNK_POINTS = (("pelvis_com", "pelvis"), ("l5s1", "pelvis"), ("hat_com", "trunk"))
TRUNK_SEGMENTS = (("pelvis", 5), ("trunk", 8))


def rot_x(a):
    c, s = sp.cos(a), sp.sin(a)
    return sp.Matrix([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(a):
    c, s = sp.cos(a), sp.sin(a)
    return sp.Matrix([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(a):
    c, s = sp.cos(a), sp.sin(a)
    return sp.Matrix([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def rot_axis(u, a):
    """Rotation by angle ``a`` about the unit axis ``u`` (Rodrigues)."""
    u = sp.Matrix(u)
    c, s = sp.cos(a), sp.sin(a)
    k = sp.Matrix([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    return sp.eye(3) * c + k * s + u * u.T * (1 - c)


_AXIS = {"x": (1, 0, 0), "y": (0, 1, 0), "z": (0, 0, 1)}


def _elementary(axis, a):
    return {"x": rot_x, "y": rot_y, "z": rot_z}[axis](a)


@dataclass
class Chain:
    """Symbolic kinematics of a serial chain rooted at the floating pelvis.

    Attributes
    ----------
    q : list of sympy.Symbol
        Coordinates, proximal to distal; the first six are the pelvis pose.
    params : dict of str -> sympy.Symbol
    axes, origins : list of sympy.Matrix
        World axis and a world point on the axis of each coordinate (translations: the
        unit direction and the zero vector).
    frames : dict of str -> sympy.Matrix
        World orientation of each segment.
    points : dict of str -> sympy.Matrix
        World position of each named point.
    """

    q: list
    params: dict
    axes: list = field(default_factory=list)
    origins: list = field(default_factory=list)
    frames: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)


def _vec(p, name):
    return sp.Matrix([p[name + "_x"], p[name + "_y"], p[name + "_z"]])


def _com(p, name):
    return sp.Matrix([p[name + "_cx"], p[name + "_cy"], p[name + "_cz"]])


def _base(chain: Chain):
    """Pelvis pose: three translations, then rotation, obliquity and tilt about the mid-hip."""
    qx, qy, qz, rot, obl, tilt = chain.q[:6]
    origin = sp.Matrix([qx, qy, qz])
    for axis in "xyz":
        chain.axes.append(sp.Matrix(_AXIS[axis]))
        chain.origins.append(sp.zeros(3, 1))
    frame = sp.eye(3)
    for axis, angle in (("z", rot), ("x", obl), ("y", tilt)):
        chain.axes.append(frame * sp.Matrix(_AXIS[axis]))
        chain.origins.append(origin)
        frame = frame * _elementary(axis, angle)
    chain.frames["pelvis"] = frame
    return origin, frame


def _revolute(chain, frame, origin, axis_local, angle):
    """Append one revolute coordinate; return the frame after it."""
    chain.axes.append(frame * sp.Matrix(axis_local))
    chain.origins.append(origin)
    return frame * rot_axis(axis_local, angle)


def leg_chain() -> Chain:
    """Build the symbolic left leg with its pelvis (17 coordinates)."""
    q = list(sp.symbols(BASE + LEG))
    p = {n: sp.Symbol(n) for n in LEG_PARAMS}
    c = Chain(q=q, params=p)
    P, R = _base(c)
    (hf, ha, hr, kf, kv, kr, ank, sub, arch, ffe, toe) = q[6:]
    hip = P + R * _vec(p, "hip")
    c.points["hip"] = hip
    # Hip (ISB order): flexion about -y, adduction about -x, internal rotation about -z (left).
    for axis, angle in (((0, -1, 0), hf), ((-1, 0, 0), ha), ((0, 0, -1), hr)):
        R = _revolute(c, R, hip, axis, angle)
    c.frames["thigh"] = R
    knee = hip + R * sp.Matrix([0, 0, -p["thigh_len"]])
    c.points["knee"] = knee
    c.points["thigh_com"] = hip + R * _com(p, "thigh")
    # Knee: flexion about +y, valgus about +x, tibial internal rotation about -z (left).
    for axis, angle in (((0, 1, 0), kf), ((1, 0, 0), kv), ((0, 0, -1), kr)):
        R = _revolute(c, R, knee, axis, angle)
    c.frames["shank"] = R
    ankle = knee + R * sp.Matrix([0, 0, -p["shank_len"]])
    c.points["ankle"] = ankle
    c.points["shank_com"] = knee + R * _com(p, "shank")
    R = _revolute(c, R, ankle, _vec(p, "ankle_ax"), ank)
    c.frames["talus"] = R
    stj = ankle + R * _vec(p, "stj")
    c.points["subtalar"] = stj
    # the navicular rides on the talar head: it drops with the talus in pronation and with
    # the rearfoot as the arch flattens
    c.points["navicular"] = ankle + R * _vec(p, "nav")
    R = _revolute(c, R, stj, _vec(p, "sub_ax"), sub)
    c.frames["rearfoot"] = R
    mtj = stj + R * _vec(p, "mtj")
    c.points["midtarsal"] = mtj
    c.points["heel"] = stj + R * _vec(p, "heel")
    half = sp.Matrix([0, p["heel_half_width"], 0])
    c.points["heel_medial"] = stj + R * (_vec(p, "heel") - half)
    c.points["heel_lateral"] = stj + R * (_vec(p, "heel") + half)
    c.points["rearfoot_com"] = stj + R * _com(p, "rf")
    c.points["fascia_origin"] = stj + R * _vec(p, "fo")
    R = _revolute(c, R, mtj, _vec(p, "arch_ax"), arch)
    R = _revolute(c, R, mtj, _vec(p, "ff_ax"), ffe)
    c.frames["forefoot"] = R
    names = {"mid": "midfoot", "dor": "dorsum", "fp": "fascia_pulley"}
    for name in ("mt1", "mt5", "mid", "dor", "fp", "mtp"):
        c.points[names.get(name, name)] = mtj + R * _vec(p, name)
    c.points["forefoot_anchor"] = (c.points["mt1"] + c.points["mt5"]) / 2
    c.points["forefoot_com"] = mtj + R * _com(p, "ff")
    # toes: dorsiflexion about the oblique line of the metatarsal heads
    mtp = c.points["mtp"]
    R = _revolute(c, R, mtp, _vec(p, "mtp_ax"), toe)
    c.frames["toes"] = R
    c.points["toe"] = mtp + R * _vec(p, "toe")
    return c


def trunk_chain() -> Chain:
    """Build the symbolic pelvis and trunk (9 coordinates)."""
    q = list(sp.symbols(BASE + LUMBAR))
    p = {n: sp.Symbol(n) for n in TRUNK_PARAMS}
    c = Chain(q=q, params=p)
    P, R = _base(c)
    ext, bend, lrot = q[6:]
    c.points["pelvis_com"] = P + R * _com(p, "pelvis")
    l5s1 = P + R * _vec(p, "l5s1")
    c.points["l5s1"] = l5s1
    # Extension about -y, bending to the left about -x, rotation to the left about +z.
    for axis, angle in (((0, -1, 0), ext), ((-1, 0, 0), bend), ((0, 0, 1), lrot)):
        R = _revolute(c, R, l5s1, axis, angle)
    c.frames["trunk"] = R
    c.points["hat_com"] = l5s1 + R * _com(p, "hat")
    return c
