"""User units to the compiled core's flat parameter arrays (vectorised over a batch)."""

from __future__ import annotations

import numpy as np

from . import anthropometry, geometry, tissues
from ._generated.model import LEG, LEG_PARAMS, TRUNK_PARAMS
from .core import layout as L
from .params import KEYS, REGISTRY, SIDES, expand_columns


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


def batch_size(columns: dict) -> int:
    sizes = {np.shape(v)[0] for v in columns.values() if np.ndim(v) > 0}
    if len(sizes) > 1:
        raise ValueError(f"parameter arrays differ in length: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def pack(columns: dict) -> np.ndarray:
    """Pack parameter arrays (full keys, user units) into ``theta`` of shape (N, NP).

    Parameters
    ----------
    columns : dict of str -> array_like
        Values per key (``both.X`` sets both sides); scalars broadcast; missing keys take
        their defaults.  The optional
        ``*.subtalar_drive_deg`` uses NaN for "free".

    Returns
    -------
    numpy.ndarray
        Float64 array of shape (N, ``layout.NP``).
    """
    columns = expand_columns(columns)       # checked as given, so messages show what was given
    n = batch_size(columns)
    c = _full(columns, n)
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
    for side, off in zip(SIDES, L.SIDE_OFFSET):
        theta[:, off:off + L.NS] = _side(c, side, seg, height, mass, mgh)
    return theta


def _side(c, side, seg, height, mass, mgh):
    """One side block (see ``layout``), in the left-leg world."""
    n = mass.shape[0]
    v = lambda name: c[f"{side}.{name}"]  # noqa: E731
    s = np.zeros((n, L.NS))
    axis = geometry.subtalar_axis(v("subtalar_inclination_deg"), v("subtalar_deviation_deg"))
    kin = geometry.leg(seg, height, v("leg_length_diff_mm") * 1e-3, axis)
    for i, name in enumerate(LEG_PARAMS):
        s[:, L.S_KIN + i] = kin[name]
    for i, part in enumerate(("thigh", "shank", "rearfoot", "forefoot")):
        s[:, L.S_MASS + i] = seg.mass[part]
    # rest angles and tone
    s[:, L.S_REST + L.SUBTALAR] = np.deg2rad(v("pronation_deg"))
    for k, name in enumerate(LEG):
        tone = tissues.LEG_TONE.get(name, 0.0) * mgh
        s[:, L.S_KPOS + k] = tone
        s[:, L.S_KNEG + k] = tone
    s[:, L.S_KPOS + L.FOREFOOT] = tissues.FOREFOOT_STIFFNESS
    s[:, L.S_KNEG + L.FOREFOOT] = tissues.FOREFOOT_STIFFNESS
    weak = v("hip_strength")             # abductors resist adduction, external rotators internal
    s[:, L.S_KPOS + L.HIP_ADD] *= weak
    s[:, L.S_KPOS + L.HIP_ROT] *= weak
    # arch law: Ker's curve scaled to the requested stiffness
    lf = seg.length["foot"]
    scale = tissues.arch_scale(v("arch_stiffness_n_per_mm"), mass)
    rho = tissues.ARCH_RHO * lf
    s[:, L.S_ARCH] = scale * tissues.ARCH_LEVER * lf / rho
    s[:, L.S_ARCH + 1] = rho
    s[:, L.S_ARCH + 2:L.S_ARCH + 5] = tissues.KER_C
    # supports: a wedge tilts the floor about the foot's long axis (lateral = +y here),
    # a heel lift raises it under the heel; the midfoot contact is off (no insole)
    w = np.deg2rad(v("wedge_deg"))
    normal = np.stack([np.zeros(n), -np.sin(w), np.cos(w)], -1)
    y_mid = kin["hip_y"]                 # the foot's long axis lies under the hip centre
    base = -y_mid * np.sin(w)            # plane through (., y_mid, 0)
    lift = v("heel_lift_mm") * 1e-3
    for cidx in range(L.NCONTACT):
        b = L.S_CONTACT + L.NCF * cidx
        s[:, b:b + 3] = normal
        s[:, b + 3] = base + (lift if cidx in (L.C_HEEL_M, L.C_HEEL_L) else 0.0)
        s[:, b + 4] = 0.0 if cidx == L.C_MID else tissues.CONTACT_K
    # friction anchors at the neutral footprint
    foot = _neutral_points(kin, height)
    s[:, L.S_ANCHOR:L.S_ANCHOR + 3] = foot["heel"]
    s[:, L.S_ANCHOR + 3:L.S_ANCHOR + 6] = foot["forefoot_anchor"]
    s[:, L.S_ANCHOR + 6:L.S_ANCHOR + 9] = np.stack([np.zeros(n), np.cos(w), np.sin(w)], -1)
    s[:, L.S_ANCHOR + 9] = tissues.FRICTION_STIFFNESS
    drive = v("subtalar_drive_deg")
    s[:, L.S_DRIVE] = np.isfinite(drive)
    s[:, L.S_DRIVE + 1] = np.where(np.isfinite(drive), np.deg2rad(drive), 0.0)
    return s


def _neutral_points(kin, height):
    """Heel and forefoot-anchor positions in the neutral posture, feet on the floor."""
    ha = geometry.ANKLE_HEIGHT_PER_STATURE * np.asarray(height)
    ankle = np.stack([kin["hip_x"], kin["hip_y"], ha], -1)
    stj = ankle + np.stack([kin["stj_x"], kin["stj_y"], kin["stj_z"]], -1)
    mtj = stj + np.stack([kin["mtj_x"], kin["mtj_y"], kin["mtj_z"]], -1)
    heel = stj + np.stack([kin["heel_x"], kin["heel_y"], kin["heel_z"]], -1)
    mt1 = mtj + np.stack([kin["mt1_x"], kin["mt1_y"], kin["mt1_z"]], -1)
    mt5 = mtj + np.stack([kin["mt5_x"], kin["mt5_y"], kin["mt5_z"]], -1)
    return {"heel": heel, "forefoot_anchor": (mt1 + mt5) / 2}
