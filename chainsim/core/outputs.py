"""Clinical outputs of a solved chain: angles, heights, contact forces and joint loads.

Each leg is evaluated in its own world (the right one mirrored), so one function gives both
sides their clinical signs.  Forces come out in body weights, moments in N m/kg, angles in
rad and lengths in m (``chainsim.outputs`` converts units and names the columns).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .energy import (
    LEFT, RIGHT, TRUNK, centre_of_mass, contact_forces, contact_state, fascia_state, joint_spring,
    kinematics, side,
)
from .jit import jit, jit_alloc
from .._generated.layout import (
    ANCHOR_FOREFOOT, ANCHOR_HEEL, ANKLE, CF_NORMAL, COM_POINTS, CONTACT_POINTS, C_HEEL_L,
    C_HEEL_M, C_MID, C_MT1, C_MT5, C_TOE, G_GRAVITY, G_HAT_MASS, G_MASS, G_PELVIS_MASS, HIP_FLEX,
    KNEE_FLEX, NB, NCF, NCONTACT, NGLOBAL_OUT, NSIDE_OUT, O_AHI, O_ANKLE_DF, O_ANKLE_DF_M,
    O_ANKLE_F, O_ARCH, O_ARCH_HEIGHT, O_COM_AP, O_COM_ML, O_COP_AP, O_COP_ML, O_FASCIA,
    O_FOREFOOT, O_FOREFOOT_SHARE, O_FRICTION, O_GRF, O_HEEL_SHARE, O_HIP_ADD, O_HIP_ADD_M,
    O_HIP_F, O_HIP_FLEX, O_HIP_FLEX_M, O_HIP_HEIGHT, O_HIP_ROT, O_HIP_ROT_M, O_KNEE_ADD_M,
    O_KNEE_F, O_KNEE_FLEX, O_KNEE_FLEX_M, O_KNEE_ROT, O_KNEE_ROT_M, O_KNEE_VAL, O_L5S1_F, O_LLD,
    O_LORDOSIS, O_LUMBAR_BEND, O_LUMBAR_ROT, O_MIDFOOT_SHARE, O_NAV_DROP, O_OBLIQUITY,
    O_PELVIS_ROT, O_REARFOOT, O_RESID_ANKLE, O_RESID_HIP, O_RESID_KNEE, O_R_ANKLE, O_R_HIP,
    O_R_LUMBAR_BEND, O_R_LUMBAR_EXT, O_SUBTALAR, O_TIBIAL_ROT, O_TILT, O_TOE, O_TOE_SHARE,
    O_TOTAL_FX, O_TOTAL_FY, O_TOTAL_FZ, O_TOTAL_M, O_TRUNK_LEAN, P_ANKLE, P_DORSUM,
    P_FOREFOOT_ANCHOR, P_HEEL, P_HIP, P_KNEE, P_MT1, P_NAVICULAR, Q_LUMBAR, R_ANKLE, R_HIP,
    R_LUMBAR_BEND, R_LUMBAR_EXT, S_ANCHOR, S_CONTACT, S_FOOT, S_MASS, TOE,
)


#: contact rows of ``contact_forces`` and the leg points where they act
FORCE_POINTS = CONTACT_POINTS + (P_HEEL, P_FOREFOOT_ANCHOR)
NFORCE = NCONTACT + 2

#: Workspace of the outputs: a foot's ground forces (``contact_forces`` rows), a leg's four
#: weights, loads (force and moment rows: ankle, knee, hip, the leg's, the body's), the world
#: origin, and the friction anchors' scratch (a force, directions and their stiffnesses).
OutputWork = namedtuple("OutputWork", ("cf", "grav", "fm", "zero", "f", "dirs", "coefs"))


@jit_alloc
def new_output_work():
    """Allocate the workspace of ``fill_outputs`` and ``external_loads`` (once per thread or
    batch chunk)."""
    return OutputWork(np.zeros((NFORCE, 3)), np.zeros((4, 3)), np.zeros((10, 3)), np.zeros(3),
                      np.zeros(3), np.zeros((2, 3)), np.zeros(2))


@jit
def _dot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


@jit
def _add_moment(p, f, about, m):
    """m += (p - about) x f."""
    r0, r1, r2 = p[0] - about[0], p[1] - about[1], p[2] - about[2]
    m[0] += r1 * f[2] - r2 * f[1]
    m[1] += r2 * f[0] - r0 * f[2]
    m[2] += r0 * f[1] - r1 * f[0]


@jit
def _frame_component(m, frame, axis, sign):
    """Component of ``m`` along column ``axis`` of ``frame``, times ``sign``."""
    return sign * (m[0] * frame[0, axis] + m[1] * frame[1, axis] + m[2] * frame[2, axis])


@jit
def _distal_load(points, cf, grav, nseg, about, fm, row):
    """External force and moment about ``about`` on the foot and the ``nseg - 2`` segments
    above, into rows ``row`` (force) and ``row + 1`` (moment) of ``fm``.

    ``grav`` rows: thigh, shank, rearfoot, forefoot weights; the foot is the last two.
    """
    f, m = fm[row], fm[row + 1]
    f[:] = 0.0
    m[:] = 0.0
    for r in range(NFORCE):
        _add(f, cf[r])
        _add_moment(points[FORCE_POINTS[r]], cf[r], about, m)
    for i in range(4 - nseg, 4):
        _add(f, grav[i])
        _add_moment(points[COM_POINTS[i]], grav[i], about, m)


@jit
def _set(a, b, sy):
    """a = b with its y component times ``sy`` (3-vectors)."""
    a[0] = b[0]
    a[1] = sy * b[1]
    a[2] = b[2]


@jit
def _add(a, b):
    """a += b (3-vectors)."""
    a[0] += b[0]
    a[1] += b[1]
    a[2] += b[2]


@jit
def _above_support(s, points, p):
    """Height of point ``p`` above the support under it: the heel's support plane at the heel,
    the forefoot's at the first metatarsal head, straight in between (a lift or post tapers)."""
    x = points[p]
    xh, xm = points[P_HEEL, 0], points[P_MT1, 0]
    t = min(max((x[0] - xh) / (xm - xh), 0.0), 1.0)
    ph, _, _, nzh = contact_state(s, C_HEEL_M, x)
    pm, _, _, nzm = contact_state(s, C_MT1, x)
    return -(1.0 - t) * ph / nzh - t * pm / nzm


@jit
def side_outputs(theta, k, w, ow, r, nav_ref, ankle_ref, out):
    """Fill the outputs of leg ``k`` (its kinematics in ``w`` must be the solved posture;
    ``ow``: the outputs' workspace).

    Leaves in rows 6 and 7 of ``ow.fm`` the external force and moment (about the world origin,
    in the leg's own world) that the ground and the leg's weights exert on the leg.
    """
    c = 1 + k
    s = side(theta, k)
    axes, points, frames, qc = w.axes[c], w.points[c], w.frames[c], w.qc[c]
    mass = theta[G_MASS]
    mg = mass * theta[G_GRAVITY]
    # joint angles: the coordinates are the clinical angles
    for o, j in ((O_HIP_FLEX, 0), (O_HIP_ADD, 1), (O_HIP_ROT, 2), (O_KNEE_FLEX, 3),
                 (O_KNEE_VAL, 4), (O_KNEE_ROT, 5), (O_ANKLE_DF, 6), (O_SUBTALAR, 7), (O_ARCH, 8),
                 (O_FOREFOOT, 9), (O_TOE, 10)):
        out[o] = qc[NB + j]
    rf, sh = frames[4], frames[2]
    out[O_REARFOOT] = math.atan2(-rf[1, 2], rf[2, 2])      # calcaneus against the vertical
    out[O_TIBIAL_ROT] = math.atan2(-sh[1, 0], sh[0, 0])    # + internal (toward -y here)
    out[O_ARCH_HEIGHT] = _above_support(s, points, P_NAVICULAR)
    out[O_NAV_DROP] = nav_ref - out[O_ARCH_HEIGHT]
    # arch height index: dorsum height at half the foot's length over its truncated length
    out[O_AHI] = _above_support(s, points, P_DORSUM) / s[S_FOOT]
    out[O_FASCIA] = fascia_state(s, points, qc[NB + TOE])[1] / mg
    # ground forces
    cf = ow.cf
    contact_forces(s, points, cf, ow.f, ow.dirs, ow.coefs)
    fn = 0.0
    cop_x = 0.0
    cop_y = 0.0
    for row in range(NCONTACT):
        fn += cf[row, 2]
        cop_x += cf[row, 2] * points[CONTACT_POINTS[row], 0]
        cop_y += cf[row, 2] * points[CONTACT_POINTS[row], 1]
    inv = 1.0 / fn if fn > 0.0 else 0.0
    out[O_GRF] = (fn + cf[NCONTACT, 2] + cf[NCONTACT + 1, 2]) / mg
    axis_y = 0.5 * (s[S_ANCHOR + ANCHOR_HEEL + 1] + s[S_ANCHOR + ANCHOR_FOREFOOT + 1])      # the foot's long axis
    out[O_COP_ML] = -(cop_y * inv - axis_y)                 # + medial (toward -y here)
    out[O_COP_AP] = cop_x * inv - ankle_ref[0]
    out[O_HEEL_SHARE] = (cf[C_HEEL_M, 2] + cf[C_HEEL_L, 2]) * inv
    out[O_FOREFOOT_SHARE] = (cf[C_MT1, 2] + cf[C_MT5, 2]) * inv
    out[O_MIDFOOT_SHARE] = cf[C_MID, 2] * inv
    out[O_TOE_SHARE] = cf[C_TOE, 2] * inv
    # friction the foot needs: its tangential over its normal ground force (the foot's contact
    # is an area, so a loaded heel also holds an unloaded forefoot in place)
    b = S_CONTACT + NCF * C_HEEL_M
    tx = ty = tz = 0.0
    for row in range(NFORCE):
        tx += cf[row, 0]
        ty += cf[row, 1]
        tz += cf[row, 2]
    fn = tx * s[b + CF_NORMAL] + ty * s[b + CF_NORMAL + 1] + tz * s[b + CF_NORMAL + 2]
    ft2 = max(0.0, tx * tx + ty * ty + tz * tz - fn * fn)
    out[O_FRICTION] = math.sqrt(ft2) / fn if fn > 0.0 else 0.0
    # external loads on the part below each joint (ground and weights)
    grav, fm = ow.grav, ow.fm
    grav[:, :] = 0.0
    for i in range(4):
        grav[i, 2] = -s[S_MASS + i] * theta[G_GRAVITY]
    _distal_load(points, cf, grav, 2, points[P_ANKLE], fm, 0)
    _distal_load(points, cf, grav, 3, points[P_KNEE], fm, 2)
    _distal_load(points, cf, grav, 4, points[P_HIP], fm, 4)
    fa, ma, fk, mk, fh, mh = fm[0], fm[1], fm[2], fm[3], fm[4], fm[5]
    out[O_ANKLE_F] = math.sqrt(_dot(fa, fa)) / mg
    out[O_KNEE_F] = math.sqrt(_dot(fk, fk)) / mg
    out[O_HIP_F] = math.sqrt(_dot(fh, fh)) / mg
    # external moments in clinical terms (signs of the left leg, see chainsim.outputs)
    out[O_ANKLE_DF_M] = _dot(ma, axes[NB + ANKLE]) / mass
    out[O_KNEE_ADD_M] = _frame_component(mk, sh, 0, -1.0) / mass
    out[O_KNEE_FLEX_M] = _frame_component(mk, sh, 1, 1.0) / mass
    out[O_KNEE_ROT_M] = _frame_component(mk, sh, 2, -1.0) / mass
    th = frames[1]
    out[O_HIP_ADD_M] = _frame_component(mh, th, 0, -1.0) / mass
    out[O_HIP_FLEX_M] = _frame_component(mh, th, 1, -1.0) / mass
    out[O_HIP_ROT_M] = _frame_component(mh, th, 2, -1.0) / mass
    # equilibrium of each joint about its axis: external moment = spring moment
    spring_ankle = joint_spring(s, ANKLE, qc[NB + ANKLE], r[R_ANKLE])[1]
    out[O_RESID_ANKLE] = _dot(ma, axes[NB + ANKLE]) - spring_ankle
    out[O_RESID_KNEE] = _dot(mk, axes[NB + KNEE_FLEX]) - joint_spring(s, KNEE_FLEX, qc[NB + KNEE_FLEX], 0.0)[1]
    out[O_RESID_HIP] = _dot(mh, axes[NB + HIP_FLEX]) - joint_spring(s, HIP_FLEX, qc[NB + HIP_FLEX], 0.0)[1]
    out[O_HIP_HEIGHT] = points[P_HIP, 2]
    # the leg's external load about the world origin
    _distal_load(points, cf, grav, 4, ow.zero, fm, 6)


@jit
def fill_outputs(q, r, theta, w, ow, out):
    """Fill the ``NOUT`` outputs of one solved model (``chainsim.outputs`` names them).

    ``w``: the energy workspace, whose neutral references ``w.ref`` must be set
    (``energy.set_reference``, as the solver's start does); ``ow``: the outputs' workspace
    (``new_output_work``).
    """
    mg = theta[G_MASS] * theta[G_GRAVITY]
    ref = w.ref                                     # per side: navicular height, ankle
    kinematics(q, theta, w)
    total_f, total_m, weight = ow.fm[8], ow.fm[9], ow.f
    total_f[:] = 0.0
    total_m[:] = 0.0
    for k in range(2):
        o = out[NGLOBAL_OUT + k * NSIDE_OUT:NGLOBAL_OUT + (k + 1) * NSIDE_OUT]
        side_outputs(theta, k, w, ow, r, ref[k, 0], ref[k, 1:], o)
        f, m = ow.fm[6], ow.fm[7]
        sg = 1.0 if k == 0 else -1.0                # back from the mirror image
        total_f[0] += f[0]
        total_f[1] += sg * f[1]
        total_f[2] += f[2]
        total_m[0] += sg * m[0]                     # a moment is a pseudo-vector
        total_m[1] += m[1]
        total_m[2] += sg * m[2]
    pts = w.points[TRUNK]
    for i, pt in enumerate((0, 2)):                 # pelvis and HAT weights
        weight[0], weight[1], weight[2] = 0.0, 0.0, -theta[G_PELVIS_MASS + i] * theta[G_GRAVITY]
        _add(total_f, weight)
        _add_moment(pts[pt], weight, ow.zero, total_m)
    out[O_TILT] = q[5]
    out[O_OBLIQUITY] = q[4]
    out[O_PELVIS_ROT] = q[3]
    out[O_LLD] = out[NGLOBAL_OUT + O_HIP_HEIGHT] - out[NGLOBAL_OUT + NSIDE_OUT + O_HIP_HEIGHT]
    out[O_LORDOSIS] = q[Q_LUMBAR]
    out[O_LUMBAR_BEND] = q[Q_LUMBAR + 1]
    out[O_LUMBAR_ROT] = q[Q_LUMBAR + 2]
    out[O_L5S1_F] = theta[G_HAT_MASS] * theta[G_GRAVITY] / mg
    tr = w.frames[TRUNK][1]
    out[O_TRUNK_LEAN] = math.atan2(tr[0, 2], tr[2, 2])
    out[O_TOTAL_FX] = total_f[0] / mg
    out[O_TOTAL_FY] = total_f[1] / mg
    out[O_TOTAL_FZ] = total_f[2] / mg
    out[O_TOTAL_M] = math.sqrt(_dot(total_m, total_m)) / mg
    out[O_R_ANKLE] = r[R_ANKLE]
    out[O_R_HIP] = r[R_HIP]
    out[O_R_LUMBAR_EXT] = r[R_LUMBAR_EXT]
    out[O_R_LUMBAR_BEND] = r[R_LUMBAR_BEND]
    cx, cy = centre_of_mass(theta, w)
    out[O_COM_AP] = cx - 0.5 * (ref[0, 1] + ref[1, 1])
    out[O_COM_ML] = cy


@jit
def world_points(q, theta, w, trunk, left, right):
    """World positions of the trunk's and both legs' points (the right leg mirrored back)."""
    kinematics(q, theta, w)
    pts = w.points
    for a in range(3):
        for i in range(trunk.shape[0]):
            trunk[i, a] = pts[TRUNK, i, a]
        for i in range(left.shape[0]):
            left[i, a] = pts[LEFT, i, a]
            right[i, a] = pts[RIGHT, i, a] if a != 1 else -pts[RIGHT, i, a]


#: Segments that carry external loads, in the order of ``external_loads``' labels.
SEGMENTS = ("pelvis", "trunk", "left.thigh", "left.shank", "left.rearfoot", "left.forefoot",
            "right.thigh", "right.shank", "right.rearfoot", "right.forefoot")
#: segment (index into a leg's four masses) that carries each ground-force row; the massless
#: toes count with the forefoot
_FORCE_SEGMENT = (2, 2, 3, 3, 3, 3, 2, 3)


@jit
def external_loads(q, r, theta, w, ow, points, forces, segment):
    """Every external force on the body at equilibrium, in the true world (``w``: an energy
    workspace, ``ow``: the outputs', ``new_output_work``).

    Fills ``points`` and ``forces`` (n, 3) and ``segment`` (n,) indices into ``SEGMENTS``:
    the two trunk weights, then per leg its four weights and its ground forces.  Returns n.
    """
    kinematics(q, theta, w)
    g = theta[G_GRAVITY]
    n = 0
    pts = w.points[TRUNK]
    for i, pt in enumerate((0, 2)):
        _set(points[n], pts[pt], 1.0)
        forces[n, :] = 0.0
        forces[n, 2] = -theta[G_PELVIS_MASS + i] * g
        segment[n] = i
        n += 1
    cf = ow.cf
    for k in range(2):
        c = 1 + k
        s = side(theta, k)
        sg = 1.0 if k == 0 else -1.0
        for i in range(4):
            _set(points[n], w.points[c, COM_POINTS[i]], sg)
            forces[n, :] = 0.0
            forces[n, 2] = -s[S_MASS + i] * g
            segment[n] = 2 + 4 * k + i
            n += 1
        contact_forces(s, w.points[c], cf, ow.f, ow.dirs, ow.coefs)
        for row in range(NFORCE):
            _set(points[n], w.points[c, FORCE_POINTS[row]], sg)
            _set(forces[n], cf[row], sg)
            segment[n] = 2 + 4 * k + _FORCE_SEGMENT[row]
            n += 1
    return n
