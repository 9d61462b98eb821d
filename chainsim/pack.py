"""User units to the compiled core's flat parameter arrays (vectorised over a batch)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from . import anthropometry, arch, geometry, tissues
from ._generated.model import LEG, LEG_PARAMS, TRUNK_PARAMS
from ._generated import layout as L
from .core.dynamics import constants as dyn
from .params import KEYS, REGISTRY, ParameterError, check_combinations, expand_columns


def _full(columns: dict, n: int) -> dict:
    """Fill missing keys with defaults and broadcast scalars to length ``n``."""
    out = {}
    for key in KEYS:
        p = REGISTRY[key]
        v = columns.get(key, p.default)
        if p.choices:
            a = np.asarray(v, dtype=object)
        else:
            a = np.asarray(np.nan if v is None else v, dtype=float)
        out[key] = np.broadcast_to(a, (n,)) if a.ndim == 0 else a
    return out


def batch_size(columns: Mapping) -> int:
    """The number of points N of a batch given as parameter columns.

    Parameters
    ----------
    columns : mapping of str -> array_like
        Scalars (which broadcast) or 1-D arrays, all of one length N.

    Returns
    -------
    int
        N (1 when every value is a scalar).

    Raises
    ------
    ParameterError
        If the arrays differ in length (naming each key and its length).
    """
    sizes = {}
    for key, v in columns.items():
        try:
            shape = np.shape(v)
        except ValueError:             # ragged: refused, by name, by the parameters' check
            continue
        if shape:
            sizes[key] = shape[0]
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k} ({n})" for k, n in sizes.items())
        raise ParameterError(f"parameter arrays differ in length: {listed}; give every "
                             "array the same length N (or one value, for every point)")
    return next(iter(sizes.values()), 1)


def pack(columns: dict, midsole=None) -> np.ndarray:
    """Pack parameter arrays (full keys, user units) into ``theta`` of shape (N, NP).

    Parameters
    ----------
    columns : dict of str -> array_like
        Values per key (``both.X`` sets both sides); scalars broadcast; missing keys take
        their defaults.  The optional
        ``*.subtalar_drive_deg`` uses NaN for "free".
    midsole : (float, float) or None
        A shoe's midsole under every contact region: stiffness (N/mm) and damping (N s/m),
        in series with the plantar tissue and any insole; None: barefoot.

    Returns
    -------
    numpy.ndarray
        Float64 array of shape (N, ``layout.NP``).
    """
    columns = expand_columns(columns)       # checked as given, so messages show what was given
    n = batch_size(columns)
    c = _full(columns, n)
    check_combinations(c)
    sex = (c["subject.sex"] == "female").astype(int)
    mass, height = c["subject.mass_kg"], c["subject.height_m"]
    seg = anthropometry.segments(mass, height, sex, geometry.REAR_LENGTH_SHARE)
    mgh = mass * tissues.GRAVITY * height
    theta = np.zeros((n, L.NP))
    theta[:, L.G_GRAVITY] = tissues.GRAVITY
    theta[:, L.G_MASS] = mass
    for i, name in enumerate(TRUNK_PARAMS):
        theta[:, L.G_TRUNK + i] = geometry.trunk(seg, height)[name]
    theta[:, L.G_PELVIS_MASS] = seg.mass["pelvis"]
    theta[:, L.G_HAT_MASS] = seg.mass["hat"]
    theta[:, L.G_LUMBAR_K:L.G_LUMBAR_K + L.NLUM] = (tissues.LUMBAR_TONE * mgh)[:, None]
    theta[:, L.G_UPRIGHT_K] = tissues.UPRIGHT_TONE * mgh
    theta[:, L.G_BALANCE_K] = tissues.BALANCE_TONE * mass * tissues.GRAVITY / (
        tissues.COM_HEIGHT_PER_STATURE * height)
    theta[:, L.G_FRICTION] = tissues.FRICTION_COEFFICIENT
    _dynamics_global(theta, seg, height, sex, mgh)
    left, right = (slice(off, off + L.NS) for off in L.SIDE_OFFSET)
    _side(c, "left", seg, height, mass, mgh, midsole, theta[:, left])
    same = all(np.array_equal(c[k], c["right" + k[4:]], equal_nan=True)
               for k in c if k.startswith("left."))
    # (both blocks describe a left leg: a right side given as the left is packed once)
    if same:
        theta[:, right] = theta[:, left]
    else:
        _side(c, "right", seg, height, mass, mgh, midsole, theta[:, right])
    return theta


def _side(c, side, seg, height, mass, mgh, midsole, s):
    """Fill ``s``, one side block of zeros (see ``layout``), in the left-leg world."""
    n = mass.shape[0]
    v = lambda name: c[f"{side}.{name}"]  # noqa: E731
    lf = seg.length["foot"]
    axis = geometry.subtalar_axis(v("subtalar_inclination_deg"), v("subtalar_deviation_deg"))
    kin = geometry.leg(seg, height, v("leg_length_diff_mm") * 1e-3, axis, v("arch_height_scale"))
    for i, name in enumerate(LEG_PARAMS):
        s[:, L.S_KIN + i] = kin[name]
    for i, part in enumerate(("thigh", "shank", "rearfoot", "forefoot")):
        s[:, L.S_MASS + i] = seg.mass[part]
    # rest angles and tone
    s[:, L.S_REST + L.SUBTALAR] = np.deg2rad(v("pronation_deg"))
    s[:, L.S_REST + L.TOE] = np.deg2rad(v("toe_extension_deg"))
    for k, name in enumerate(LEG):
        tone = tissues.LEG_TONE.get(name, 0.0) * mgh
        s[:, L.S_KPOS + k] = tone
        s[:, L.S_KNEG + k] = tone
    s[:, L.S_KPOS + L.FOREFOOT] = tissues.FOREFOOT_STIFFNESS
    s[:, L.S_KNEG + L.FOREFOOT] = tissues.FOREFOOT_STIFFNESS
    weak = v("hip_strength")             # abductors resist adduction, external rotators internal
    s[:, L.S_KPOS + L.HIP_ADD] *= weak
    s[:, L.S_KPOS + L.HIP_ROT] *= weak
    # the arch: ligaments on Ker's fascia-cut curve and the fascia, scaled together
    a = arch.side_constants(v("arch_stiffness_n_per_mm"), mass, lf, v("fascia_stiffness_scale"))
    for at, name in ((L.ARCH_A, "A"), (L.ARCH_RHO, "rho"), (L.ARCH_C1, "c1"), (L.ARCH_C2, "c2"),
                     (L.ARCH_C3, "c3")):
        s[:, L.S_ARCH + at] = a[name]
    s[:, L.S_FASCIA + L.FASCIA_K] = a["stiffness"]
    s[:, L.S_FASCIA + L.FASCIA_LENGTH] = _fascia_length(kin) + a["slack"]
    s[:, L.S_FASCIA + L.FASCIA_RADIUS] = a["windlass_radius"]
    _supports(s, c, side, kin, lf, midsole)
    # friction anchors at the neutral footprint
    w = np.deg2rad(v("wedge_deg"))
    foot = _neutral_points(kin, height)
    anchor = s[:, L.S_ANCHOR:L.S_ANCHOR + L.NANCHOR]
    anchor[:, L.ANCHOR_HEEL:L.ANCHOR_HEEL + 3] = foot["heel"]
    anchor[:, L.ANCHOR_FOREFOOT:L.ANCHOR_FOREFOOT + 3] = foot["forefoot_anchor"]
    anchor[:, L.ANCHOR_LATERAL:L.ANCHOR_LATERAL + 3] = np.stack(
        [np.zeros(n), np.cos(w), np.sin(w)], -1)
    anchor[:, L.ANCHOR_K] = tissues.FRICTION_STIFFNESS
    for j, name in enumerate(("subtalar_drive_deg", "toe_drive_deg")):     # DRIVEN's order
        drive = v(name)
        d = s[:, L.S_DRIVE + L.NDRV * j:L.S_DRIVE + L.NDRV * (j + 1)]
        d[:, L.DRV_FLAG] = np.isfinite(drive)
        d[:, L.DRV_ANGLE] = np.where(np.isfinite(drive), np.deg2rad(drive), 0.0)
    s[:, L.S_FOOT] = (geometry.MT1[0] - geometry.HEEL_END) * lf
    _dynamics_side(s, c, side, seg, midsole)


#: the contacts under the rearfoot (the rest are under the forefoot and toes)
_HEEL = (L.C_HEEL_M, L.C_HEEL_L)


def _supports(s, c, side, kin, lf, midsole):
    """Contact planes, tissue stiffness and cushioning: the floor, the insole and the shoe.

    A wedge tilts the floor about the foot's long axis (+ = lateral side raised); the insole's
    posts tilt it further under the heel or the forefoot (+ = medial side raised), its heel
    lift raises it under the heel, and its arch support is a plane under the medial arch, at
    the support's height, that carries load once the arch comes down to it.  A shoe's midsole
    (``midsole``: stiffness N/mm, damping N s/m) lies in series under every contact.
    """
    v = lambda name: c[f"{side}.{name}"]  # noqa: E731
    ins = lambda name: c[f"{side}.insole.{name}"]  # noqa: E731
    n = lf.shape[0]
    support = ins("arch_support_mm") * 1e-3        # (checked: below the unloaded arch)
    wedge = np.deg2rad(v("wedge_deg"))
    y_mid = kin["hip_y"]                 # the foot's long axis lies under the hip centre
    lift = ins("heel_lift_mm") * 1e-3 + v("heel_lift_mm") * 1e-3
    cushion = ins("cushioning_stiffness_n_per_mm")
    compliance = np.where(np.isfinite(cushion), 1.0 / (np.nan_to_num(cushion, nan=1.0) * 1e3), 0.0)
    for ci in range(L.NCONTACT):
        if ci in _HEEL:
            tilt = wedge - np.deg2rad(ins("rearfoot_post_deg"))
            rise, k = lift, tissues.CONTACT_K * tissues.HEEL_CUP_FACTOR ** ins("heel_cup")
        elif ci == L.C_MID:
            tilt, rise = wedge, support
            k = np.where(support > 0, tissues.CONTACT_K, 0.0)
        else:
            tilt, rise, k = wedge - np.deg2rad(ins("forefoot_post_deg")), 0.0, tissues.CONTACT_K
        if ci == L.C_MT1:
            k = k * v("first_ray_stiffness_scale")
        cf = s[:, L.S_CONTACT + L.NCF * ci:L.S_CONTACT + L.NCF * (ci + 1)]
        cf[:, L.CF_NORMAL:L.CF_NORMAL + 3] = np.stack([np.zeros(n), -np.sin(tilt), np.cos(tilt)], -1)
        cf[:, L.CF_OFFSET] = -y_mid * np.sin(tilt) + rise * np.cos(tilt)   # through (., y_mid, rise)
        cf[:, L.CF_K] = k
        cf[:, L.CF_COMPLIANCE] = compliance + (np.where(support > 0, 1.0 / (
            ins("arch_support_stiffness_n_per_mm") * 1e3), 0.0) if ci == L.C_MID else 0.0)
        if midsole is not None:
            cf[:, L.CF_COMPLIANCE] += 1.0 / (midsole[0] * 1e3)


def _fascia_length(kin):
    """Length of the plantar fascia in the neutral (unloaded) foot."""
    o = _vec(kin, "fo") + _vec(kin, "stj")
    p = _vec(kin, "fp") + _vec(kin, "mtj") + _vec(kin, "stj")
    return np.linalg.norm(p - o, axis=-1)


def _vec(kin, key):
    return np.stack([kin[key + "_x"], kin[key + "_y"], kin[key + "_z"]], -1)


def _neutral_points(kin, height):
    """Heel and forefoot-anchor positions in the neutral posture, feet on the floor."""
    ha = geometry.ANKLE_HEIGHT_PER_STATURE * np.asarray(height)
    stj = np.stack([kin["hip_x"], kin["hip_y"], ha], -1) + _vec(kin, "stj")
    mtj = stj + _vec(kin, "mtj")
    return {"heel": stj + _vec(kin, "heel"),
            "forefoot_anchor": mtj + (_vec(kin, "mt1") + _vec(kin, "mt5")) / 2}


# --- the dynamics' fields (inertias, damping, plantar tissue); see chainsim.core.dynamics --------

def _dynamics_global(theta, seg, height, sex, mgh):
    """Inertias of the pelvis and the HAT, lumbar damping."""
    theta[:, L.G_PELVIS_INERTIA:L.G_PELVIS_INERTIA + 3] = seg.inertia["lower_trunk"]
    theta[:, L.G_HAT_INERTIA:L.G_HAT_INERTIA + 3] = _hat_inertia(seg, height, sex)
    theta[:, L.G_LUMBAR_DAMPING:L.G_LUMBAR_DAMPING + L.NLUM] = (
        dyn.FALISSE_DAMPING + dyn.TONE_DAMPING_TIME * tissues.LUMBAR_TONE * mgh)[:, None]


def _hat_inertia(seg, height, sex):
    """Principal moments (x ant, y lat, z up) of the HAT about its centre of mass.

    Head, upper and middle trunk with de Leva's radii (sagittal about x, transverse about y,
    longitudinal about z), stacked as in ``anthropometry.segments``; the arms as point masses
    half a shoulder width either side of the midline.
    """
    col = lambda x: np.where(sex == 1, x[1], x[0])  # noqa: E731
    scale = height / col(anthropometry.REF_HEIGHT)
    le, cm, m = seg.length, seg.com, seg.mass
    supr = le["lower_trunk"] + le["mid_trunk"] + le["upper_trunk"]
    c7 = scale * col(anthropometry.TRUNK_C7)
    z = {"head": c7 + scale * col(anthropometry.HEAD_C7[0]) * (1 - col(anthropometry.HEAD_C7[1])),
         "upper_trunk": supr - cm["upper_trunk"],
         "mid_trunk": le["lower_trunk"] + le["mid_trunk"] - cm["mid_trunk"],
         "upper_arm": supr - cm["upper_arm"],
         "forearm": supr - le["upper_arm"] - cm["forearm"],
         "hand": supr - le["upper_arm"] - le["forearm"] - cm["hand"]}
    zc = seg.hat_com_height
    inertia = np.zeros((height.shape[0], 3))
    for part in ("head", "upper_trunk", "mid_trunk"):
        dz2 = (z[part] - zc) ** 2
        inertia += seg.inertia[part] + (m[part] * dz2)[:, None] * np.array([1.0, 1.0, 0.0])
    dy2 = (dyn.SHOULDER_WIDTH_PER_STATURE * height / 2) ** 2
    for part in ("upper_arm", "forearm", "hand"):
        dz2 = (z[part] - zc) ** 2
        inertia += (2 * m[part])[:, None] * np.stack([dy2 + dz2, dz2, dy2], -1)
    return inertia


def _dynamics_side(s, c, side, seg, midsole):
    """Inertias, the toes' mass, joint damping, plantar tissue damping and shear of a side block."""
    foot = seg.length["foot"]
    # de Leva's (sagittal, transverse, longitudinal) moments onto the segment axes: legs upright
    # (long = z), feet horizontal (long = x)
    inertia = s[:, L.S_INERTIA:L.S_INERTIA + L.NINERTIA]
    inertia[:, L.INERTIA_THIGH:L.INERTIA_THIGH + 3] = seg.inertia["thigh"]
    inertia[:, L.INERTIA_SHANK:L.INERTIA_SHANK + 3] = seg.inertia["shank"]
    mt = dyn.TOES_MASS_SHARE * seg.mass["foot"]
    mf = seg.mass["forefoot"]
    for at, part, share in ((L.INERTIA_REARFOOT, "rearfoot", 1.0),
                            (L.INERTIA_FOREFOOT, "forefoot", (mf - mt) / mf)):
        sag, trans, long = (seg.inertia[part] * np.asarray(share)[..., None]).T
        inertia[:, at:at + 3] = np.stack([long, sag, trans], -1)
    # toes: about the MTP axis as a rod of the toes' length turning about its end (assumption)
    lt = dyn.TOES_LENGTH_SHARE * foot
    r_long = anthropometry.DE_LEVA["foot"][4][0]
    inertia[:, L.INERTIA_TOES:L.INERTIA_TOES + 3] = (mt * lt**2)[:, None] * np.array(
        [r_long**2, 1.0 / 3.0, 1.0 / 3.0])
    s[:, L.S_TOES_MASS] = mt
    # joint damping: passive (Falisse) plus the tone's (and the arch ligaments') viscosity
    tone = np.maximum(s[:, L.S_KPOS:L.S_KPOS + L.NL], s[:, L.S_KNEG:L.S_KNEG + L.NL])
    law = s[:, L.S_ARCH:L.S_ARCH + L.NARCH]
    tone[:, L.ARCH] += law[:, L.ARCH_A] * law[:, L.ARCH_RHO] ** 2 * law[:, L.ARCH_C1]
    s[:, L.S_DAMPING:L.S_DAMPING + L.NL] = dyn.FALISSE_DAMPING + dyn.TONE_DAMPING_TIME * tone
    s[:, L.S_TISSUE_DAMPING] = dyn.TISSUE_DAMPING
    cushion = np.isfinite(c[f"{side}.insole.cushioning_stiffness_n_per_mm"])
    damping = np.where(cushion, c[f"{side}.insole.cushioning_damping_ns_per_m"], 0.0)
    if midsole is not None:
        damping = damping + midsole[1]
    for ci in range(L.NCONTACT):
        s[:, L.S_CUSHION_DAMPING + ci] = damping
    s[:, L.S_SHEAR + L.SHEAR_K] = tissues.FRICTION_STIFFNESS / 2
    s[:, L.S_SHEAR + L.SHEAR_DAMPING] = dyn.TONE_DAMPING_TIME * tissues.FRICTION_STIFFNESS / 2
