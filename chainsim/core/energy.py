"""Potential energy of the standing chain with its gradient and Hessian.

V = gravity + joint springs (Falisse passive moments, postural tone, arch law)
  + ground contacts (unilateral normal springs, tangential friction anchors)
  + the trunk-upright rule + the balance rule (centre of mass over the feet).

The model is three serial chains sharing the pelvis: the trunk (9 coordinates) and two legs
(16 each: pelvis, then leg).  The right leg is evaluated in the mirror image of the world
(y -> -y), where it is a left leg; ``MIRROR`` flips the pelvis coordinates that change sign.
Everything here works on flat arrays; see ``layout`` for their meaning.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .._generated.model import (
    LEG_POINT_LAST, LEG_SEGMENT_LAST, TRUNK_POINT_LAST, arch, contact, falisse, leg_kinematics, limit5,
    one_sided_spring, trunk_kinematics,
)
from .chain import (
    add_force, add_low_rank, add_mass, add_vector, clear, pair_jacobian, point_jacobian,
    wrench_terms,
)
from .jit import jit, jit_alloc, jit_inline
from .._generated.layout import (
    ANCHOR_FOREFOOT, ANCHOR_HEEL, ANCHOR_K, ANCHOR_LATERAL, ANKLE, ARCH, ARCH_A, ARCH_C1,
    ARCH_C2, ARCH_C3, ARCH_RHO, CF_COMPLIANCE, CF_K, CF_NORMAL, CF_OFFSET, COM_POINTS,
    CONTACT_POINTS, C_HEEL_M, C_MT1, FASCIA_K, FASCIA_LENGTH, FASCIA_RADIUS, G_BALANCE_K,
    G_GRAVITY, G_LUMBAR_K, G_MASS, G_PELVIS_MASS, G_TRUNK, G_UPRIGHT_K, HIP_ADD, LUMBAR_BEND,
    LUMBAR_EXT, NB, NCF, NCHAIN, NCONTACT, NKP, NL, NLUM, NPOINTS, NQ, NR, NS, NTP, NTRUNK,
    P_ANKLE, P_FASCIA_ORIGIN, P_FASCIA_PULLEY, P_FOREFOOT_ANCHOR, P_HEEL, P_MT1, P_NAVICULAR,
    Q_LEFT, Q_LUMBAR, Q_RIGHT, R_ANKLE, R_HIP, R_LUMBAR_BEND, R_LUMBAR_EXT, SIDE_OFFSET,
    S_ANCHOR, S_ARCH, S_CONTACT, S_FASCIA, S_KIN, S_KNEG, S_KPOS, S_MASS, S_REST, TOE,
)
from .passive import KNEE_LIMIT_C, KNEE_LIMIT_QREF, LEG_FALISSE, LEG_LIMIT5, LUMBAR_FALISSE

#: Sign of each pelvis coordinate in the mirror image (y -> -y): y, rotation, obliquity flip.
MIRROR = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0])
TRUNK, LEFT, RIGHT = 0, 1, 2
TRUNK_MASS_POINTS = (0, 2)                 # pelvis CoM, HAT CoM
#: Curvature terms of one leg: a normal per contact, three friction directions, three fascia.
MAX_TERMS = NCONTACT + 3 + 3


#: Workspace of the energy: kinematics and accumulators of the three chains (trunk, left,
#: right), the centre-of-mass Jacobian and the postural constraints.  (The solver's and the
#: outputs' scratch is theirs: ``solver.SolverWork``, ``outputs.OutputWork``.)
Work = namedtuple("Work", (
    "axes", "origins", "points", "frames",    # per chain: kinematics (chain's own world)
    "qc", "gmap", "gsign",                    # per chain: coordinates, their global index/sign
    "F", "T", "M", "S", "msum", "Jc",         # per chain: wrench and mass sums (chain.py)
    "J", "U", "kt", "f", "vec", "dirs", "coefs",   # scratch; U, kt: a leg's curvature terms
    "shift",                                  # per leg: tone setpoint shift of each coordinate
    "cref", "jg",                             # reference CoM (x, y); global CoM Jacobian (x, y)
    "B", "A", "C",                            # dg/dr, dC/dq, postural constraints C
    "ref",                                    # per side: neutral navicular height and ankle
))                                            # (``set_reference``, for the outputs)


@jit_alloc
def _global_map():
    """Global coordinate of each chain coordinate (pelvis, then the chain's own)."""
    gmap = np.zeros((3, NCHAIN), np.int64)
    for c, q0 in ((TRUNK, Q_LUMBAR), (LEFT, Q_LEFT), (RIGHT, Q_RIGHT)):
        for i in range(NCHAIN):
            gmap[c, i] = i if i < NB else q0 + i - NB
    gmap[TRUNK, NTRUNK:] = NQ - 1             # unused
    return gmap


@jit_alloc
def _global_sign():
    """Sign of each chain coordinate relative to the global one (mirrored pelvis, right leg)."""
    gsign = np.ones((3, NCHAIN))
    for i in range(NB):
        gsign[RIGHT, i] = MIRROR[i]
    return gsign


@jit_alloc
def new_work():
    """Allocate the energy workspace."""
    return Work(
        np.zeros((3, NCHAIN, 3)), np.zeros((3, NCHAIN, 3)), np.zeros((3, NPOINTS, 3)),
        np.zeros((3, len(LEG_SEGMENT_LAST), 3, 3)),
        np.zeros((3, NCHAIN)), _global_map(), _global_sign(),
        np.zeros((3, NCHAIN, 3)), np.zeros((3, NCHAIN, 3)), np.zeros((3, NCHAIN, 3, 3)),
        np.zeros((3, NCHAIN, 3)), np.zeros((3, NCHAIN)), np.zeros((3, NCHAIN, 3)),
        np.zeros((NCHAIN, 3)), np.zeros((NCHAIN, MAX_TERMS)), np.zeros(MAX_TERMS), np.zeros(3),
        np.zeros(3), np.zeros((5, 3)),
        np.zeros(5),
        np.zeros((3, NL)),
        np.zeros(2), np.zeros((NQ, 2)),
        np.zeros((NQ, NR)), np.zeros((NQ, NR)), np.zeros(NR),
        np.zeros((2, 4)),
    )


@jit_inline
def side(theta, k):
    """Side block ``k`` (0 left, 1 right) of a packed model."""
    return theta[SIDE_OFFSET[k]:SIDE_OFFSET[k] + NS]


@jit
def kinematics(q, theta, w, mirrored=False):
    """Chain coordinates and kinematics of the trunk and both legs (legs in their own world).

    ``mirrored``: the right leg is the left one's mirror image (a mirror-symmetric model in a
    symmetric posture, ``symmetry``), so its kinematics, the left leg's, are not computed.
    """
    axes, origins, points, frames, qc = w.axes, w.origins, w.points, w.frames, w.qc
    for i in range(NB):
        qc[TRUNK, i] = q[i]
        qc[LEFT, i] = q[i]
        qc[RIGHT, i] = MIRROR[i] * q[i]
    for i in range(NLUM):
        qc[TRUNK, NB + i] = q[Q_LUMBAR + i]
    for i in range(NL):
        qc[LEFT, NB + i] = q[Q_LEFT + i]
        qc[RIGHT, NB + i] = q[Q_RIGHT + i]
    trunk_kinematics(qc[TRUNK, :NTRUNK], theta[G_TRUNK:G_TRUNK + NTP], axes[TRUNK],
                     origins[TRUNK], points[TRUNK], frames[TRUNK])
    for c in range(LEFT, RIGHT if mirrored else RIGHT + 1):
        s = side(theta, c - 1)
        leg_kinematics(qc[c], s[S_KIN:S_KIN + NKP], axes[c], origins[c], points[c], frames[c])


@jit
def centre_of_mass(theta, w, mirrored=False):
    """Horizontal position (x, y) of the whole-body centre of mass, true world (``mirrored``:
    see ``kinematics``; y is then the trunk's share only)."""
    points = w.points
    cx = 0.0
    cy = 0.0
    for i in range(2):
        m = theta[G_PELVIS_MASS + i]
        p = points[TRUNK, TRUNK_MASS_POINTS[i]]
        cx += m * p[0]
        cy += m * p[1]
    sl, sr = side(theta, 0), side(theta, 1)
    for i in range(4):            # the legs' masses in pairs: mirror images cancel exactly in y
        ml, pl = sl[S_MASS + i], points[LEFT, COM_POINTS[i]]
        if mirrored:
            cx += 2.0 * ml * pl[0]
        else:
            mr, pr = sr[S_MASS + i], points[RIGHT, COM_POINTS[i]]
            cx += ml * pl[0] + mr * pr[0]
            cy += ml * pl[1] - mr * pr[1]
    return cx / theta[G_MASS], cy / theta[G_MASS]


@jit
def contact_state(s, c, p):
    """Penetration of contact ``c`` of a side block ``s`` at world point ``p``, and its normal."""
    b = S_CONTACT + NCF * c
    nx, ny, nz = s[b + CF_NORMAL], s[b + CF_NORMAL + 1], s[b + CF_NORMAL + 2]
    pen = s[b + CF_OFFSET] - (nx * p[0] + ny * p[1] + nz * p[2])
    return pen, nx, ny, nz


@jit
def joint_spring(s, k, qk, setpoint):
    """Energy, its first and second derivative for leg coordinate ``k``, and the tone stiffness.

    Postural tone about the rest angle plus the postural ``setpoint`` shift, the Falisse
    passive moment and the knee limits (of the joint angle itself: a rest angle is posture, not
    a new range of motion) and, for the arch, the Ker-shaped arch law.
    """
    x = qk - s[S_REST + k]
    e, d1, d2 = one_sided_spring(x - setpoint, s[S_KPOS + k], s[S_KNEG + k])
    tone = d2
    c = LEG_FALISSE[k]
    if c[0] != 0.0 or c[2] != 0.0:       # passive range of motion: of the anatomical angle
        sg = c[6]
        pe, p1, p2 = falisse(sg * qk, c[0], c[1], c[2], c[3], c[4], c[5])
        e += pe
        d1 += sg * p1
        d2 += p2
    if LEG_LIMIT5[k]:
        pe, p1, p2 = limit5(qk, KNEE_LIMIT_C, KNEE_LIMIT_QREF)
        e += pe
        d1 += p1
        d2 += p2
    if k == ARCH:
        a = S_ARCH
        pe, p1, p2 = arch(x, s[a + ARCH_A], s[a + ARCH_RHO], s[a + ARCH_C1], s[a + ARCH_C2],
                          s[a + ARCH_C3])
        e += pe
        d1 += p1
        d2 += p2
    return e, d1, d2, tone


#: The friction anchors: the heel (held in its support plane) and the forefoot (held sideways),
#: the point each holds, and the contact whose support plane and load it follows.
ANCHOR_POINTS = (P_HEEL, P_FOREFOOT_ANCHOR)
ANCHOR_CONTACTS = (C_HEEL_M, C_MT1)
ANCHOR_AT = (ANCHOR_HEEL, ANCHOR_FOREFOOT)     # where each anchor's point is packed


@jit
def anchor(s, a, p, f, dirs, coefs):
    """Energy of friction anchor ``a`` at world point ``p``.

    E = k/2 sum_i (d_i . (p - p0))^2: tangential springs holding the heel in its support plane
    (both in-plane directions) and the forefoot sideways.  Writes f = dE/dp, and the curvature
    as rank-one terms ``coefs[i] dirs[i] dirs[i]^T``.

    Returns
    -------
    energy, number of curvature terms
    """
    kt = s[S_ANCHOR + ANCHOR_K]
    b = S_CONTACT + NCF * ANCHOR_CONTACTS[a]
    n = s[b + CF_NORMAL:b + CF_NORMAL + 3]
    t = s[S_ANCHOR + ANCHOR_LATERAL:S_ANCHOR + ANCHOR_LATERAL + 3]
    p0 = s[S_ANCHOR + ANCHOR_AT[a]:S_ANCHOR + ANCHOR_AT[a] + 3]
    nd = 2 if a == 0 else 1
    for i in range(3):
        dirs[0, i] = t[i]
    dirs[1, 0] = t[1] * n[2] - t[2] * n[1]
    dirs[1, 1] = t[2] * n[0] - t[0] * n[2]
    dirs[1, 2] = t[0] * n[1] - t[1] * n[0]
    f[:] = 0.0
    e = 0.0
    for k in range(nd):
        ak = (dirs[k, 0] * (p[0] - p0[0]) + dirs[k, 1] * (p[1] - p0[1])
              + dirs[k, 2] * (p[2] - p0[2]))
        for i in range(3):
            f[i] += kt * ak * dirs[k, i]
        e += 0.5 * kt * ak * ak
        coefs[k] = kt
    return e, nd


@jit
def contact_forces(s, points, out, f, dirs, coefs):
    """World forces on the foot: one row per contact (``CONTACT_NAMES``), then the heel and
    forefoot friction anchors (``f``, ``dirs``, ``coefs``: scratch)."""
    for c in range(NCONTACT):
        pen, nx, ny, nz = contact_state(s, c, points[CONTACT_POINTS[c]])
        b = S_CONTACT + NCF * c
        d1 = contact(pen, s[b + CF_K], s[b + CF_COMPLIANCE])[1] if s[b + CF_K] > 0.0 else 0.0
        out[c, 0] = d1 * nx
        out[c, 1] = d1 * ny
        out[c, 2] = d1 * nz
    for a in range(2):
        anchor(s, a, points[ANCHOR_POINTS[a]], f, dirs, coefs)
        for i in range(3):
            out[NCONTACT + a, i] = -f[i]


@jit
def _point_force(F, T, M, f, p, last, f0, f1, f2):
    """Record dV/dp = (f0, f1, f2) of a potential of point ``p`` (scratch ``f``)."""
    f[0], f[1], f[2] = f0, f1, f2
    add_force(p, last, f, F, T, M)


@jit
def _mass_point(F, T, M, S, msum, f, p, last, m, gravity, bx, by):
    """Weight and balance feedback on a mass ``m`` at point ``p``."""
    _point_force(F, T, M, f, p, last, m * bx, m * by, m * gravity)
    add_mass(p, last, m, S, msum)


@jit
def _leg_energy(theta, w, c, gravity, bx, by, g, H):
    """Energy of leg chain ``c``; records its forces, adds its stiffness terms to ``g``, ``H``.

    The potentials' own curvatures are rank-one terms k u u^T (columns of ``w.U``), added to
    ``H`` together in one pass.
    """
    s = side(theta, c - 1)
    axes, origins, points, qc = w.axes[c], w.origins[c], w.points[c], w.qc[c]
    d, shift, gmap, gsign = w.vec, w.shift[c], w.gmap[c], w.gsign[c]
    F, T, M, S, msum, fs = w.F[c], w.T[c], w.M[c], w.S[c], w.msum[c], w.f
    U, kt = w.U, w.kt
    U[:, :] = 0.0
    m = 0
    byc = by if c != RIGHT else -by
    v = 0.0
    for i in range(4):
        pt = COM_POINTS[i]
        ms = s[S_MASS + i]
        v += ms * gravity * points[pt, 2]
        _mass_point(F, T, M, S, msum, fs, points[pt], LEG_POINT_LAST[pt], ms, gravity, bx, byc)
    # unilateral normal contacts: E(pen), pen = offset - n.p
    for ci in range(NCONTACT):
        b = S_CONTACT + NCF * ci
        if s[b + CF_K] == 0.0:
            continue
        pt = CONTACT_POINTS[ci]
        pen, nx, ny, nz = contact_state(s, ci, points[pt])
        if pen <= 0.0:
            continue
        e, d1, d2 = contact(pen, s[b + CF_K], s[b + CF_COMPLIANCE])
        v += e
        _point_force(F, T, M, fs, points[pt], LEG_POINT_LAST[pt], -d1 * nx, -d1 * ny, -d1 * nz)
        d[0], d[1], d[2] = nx, ny, nz
        point_jacobian(points[pt], LEG_POINT_LAST[pt], d, axes, origins, gsign, U, m)
        kt[m] = d2
        m += 1
    # friction anchors (loaded regions only)
    if s[S_ANCHOR + ANCHOR_K] > 0.0:
        f, dirs, coefs = w.f, w.dirs, w.coefs
        for a in range(2):
            pt = ANCHOR_POINTS[a]
            e, nd = anchor(s, a, points[pt], f, dirs, coefs)
            v += e
            add_force(points[pt], LEG_POINT_LAST[pt], f, F, T, M)
            for i in range(nd):
                point_jacobian(points[pt], LEG_POINT_LAST[pt], dirs[i], axes, origins, gsign,
                               U, m)
                kt[m] = coefs[i]
                m += 1
    e, m = _fascia(s, w, c, g, m)
    v += e
    add_low_rank(U, kt, m, NCHAIN, gmap, H)
    for k in range(NL):
        e, d1, d2, _ = joint_spring(s, k, qc[NB + k], shift[k])
        v += e
        i = gmap[NB + k]
        g[i] += d1
        H[i, i] += d2
    return v


@jit
def fascia_state(s, points, toe):
    """Plantar fascia of a side block: stretch beyond its slack length, tension, length, and
    the unit vector from its calcaneal origin to where it wraps the first metatarsal head."""
    o, p = points[P_FASCIA_ORIGIN], points[P_FASCIA_PULLEY]
    d0, d1, d2 = p[0] - o[0], p[1] - o[1], p[2] - o[2]
    length = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
    # the windlass: toe dorsiflexion wraps the fascia round the metatarsal head
    stretch = length + s[S_FASCIA + FASCIA_RADIUS] * toe - s[S_FASCIA + FASCIA_LENGTH]
    tension = s[S_FASCIA + FASCIA_K] * stretch * stretch if stretch > 0.0 else 0.0
    return stretch, tension, length, d0 / length, d1 / length, d2 / length


@jit
def _fascia(s, w, c, g, m):
    """Energy of the plantar fascia of leg chain ``c``: a tension-only tie with a windlass.

    Its law, T = k stretch^2, is the contacts' (with no cushioning).  Records its forces,
    adds the windlass to ``g`` and its curvature terms to ``w.U`` from column ``m`` on;
    returns the energy and the new number of columns.
    """
    kf = s[S_FASCIA + FASCIA_K]
    if kf == 0.0:
        return 0.0, m
    axes, origins, points, qc = w.axes[c], w.origins[c], w.points[c], w.qc[c]
    d, gmap, gsign, U, kt = w.vec, w.gmap[c], w.gsign[c], w.U, w.kt
    stretch, tension, length, u0, u1, u2 = fascia_state(s, points, qc[NB + TOE])
    if stretch <= 0.0:
        return 0.0, m
    e, _, k2 = contact(stretch, kf, 0.0)
    F, T, M = w.F[c], w.T[c], w.M[c]
    la, lb = LEG_POINT_LAST[P_FASCIA_ORIGIN], LEG_POINT_LAST[P_FASCIA_PULLEY]
    f = w.f
    f[0], f[1], f[2] = tension * u0, tension * u1, tension * u2
    add_force(points[P_FASCIA_PULLEY], lb, f, F, T, M)
    f[0], f[1], f[2] = -f[0], -f[1], -f[2]
    add_force(points[P_FASCIA_ORIGIN], la, f, F, T, M)
    toe = NB + TOE
    g[gmap[toe]] += tension * s[S_FASCIA + FASCIA_RADIUS]
    # stiffness along the fascia (with the windlass) and the tension's transverse stiffness
    d[0], d[1], d[2] = u0, u1, u2
    pair_jacobian(points[P_FASCIA_ORIGIN], la, points[P_FASCIA_PULLEY], lb, d, toe,
                  s[S_FASCIA + FASCIA_RADIUS], axes, origins, gsign, U, m)
    kt[m] = k2
    m += 1
    dirs = w.dirs
    # two directions perpendicular to the fascia
    a0, a1, a2 = (1.0, 0.0, 0.0) if abs(u0) < 0.9 else (0.0, 1.0, 0.0)
    p0, p1, p2 = u1 * a2 - u2 * a1, u2 * a0 - u0 * a2, u0 * a1 - u1 * a0
    nrm = math.sqrt(p0 * p0 + p1 * p1 + p2 * p2)
    dirs[0, 0], dirs[0, 1], dirs[0, 2] = p0 / nrm, p1 / nrm, p2 / nrm
    dirs[1, 0] = u1 * dirs[0, 2] - u2 * dirs[0, 1]
    dirs[1, 1] = u2 * dirs[0, 0] - u0 * dirs[0, 2]
    dirs[1, 2] = u0 * dirs[0, 1] - u1 * dirs[0, 0]
    for i in range(2):
        pair_jacobian(points[P_FASCIA_ORIGIN], la, points[P_FASCIA_PULLEY], lb, dirs[i], -1,
                      0.0, axes, origins, gsign, U, m)
        kt[m] = tension / length
        m += 1
    return e, m


@jit
def _trunk_energy(theta, w, gravity, bx, by, r, g, H):
    """Energy of pelvis and trunk: weights, upright feedback, lumbar tone and passive moments.

    The trunk's chain coordinates are the first global ones, so it writes ``g``, ``H`` directly.
    """
    axes, frames, J, qc = w.axes[TRUNK], w.frames[TRUNK], w.J, w.qc[TRUNK]
    points, f, vec = w.points[TRUNK], w.f, w.vec
    v = 0.0
    for i in range(2):
        pt = TRUNK_MASS_POINTS[i]
        m = theta[G_PELVIS_MASS + i]
        v += m * gravity * points[pt, 2]
        _mass_point(w.F[TRUNK], w.T[TRUNK], w.M[TRUNK], w.S[TRUNK], w.msum[TRUNK], f,
                    points[pt], TRUNK_POINT_LAST[pt], m, gravity, bx, by)
    # trunk-upright feedback on the trunk's long axis e: V = k (e_x^2 + e_y^2) / 2
    ku = theta[G_UPRIGHT_K]
    for i in range(3):
        vec[i] = frames[1, i, 2]
    v += 0.5 * ku * (vec[0] * vec[0] + vec[1] * vec[1])
    f[0], f[1], f[2] = ku * vec[0], ku * vec[1], 0.0
    add_vector(vec, NTRUNK - 1, f, ku, axes, J, g, H)
    # the Jacobian of the trunk-axis constraint is that vector's Jacobian, now in J
    A = w.A
    for i in range(NTRUNK):
        A[i, R_LUMBAR_EXT] = J[i, 0]
        A[i, R_LUMBAR_BEND] = J[i, 1]
    for k in range(NLUM):
        x = qc[NB + k]
        sp = r[R_LUMBAR_EXT] if k == 0 else (r[R_LUMBAR_BEND] if k == 1 else 0.0)
        kk = theta[G_LUMBAR_K + k]
        c = LUMBAR_FALISSE[k]
        pe, p1, p2 = falisse(x, c[0], c[1], c[2], c[3], c[4], c[5])
        v += 0.5 * kk * (x - sp) * (x - sp) + pe
        g[NB + k] += kk * (x - sp) + p1
        H[NB + k, NB + k] += kk + p2
    return v


@jit
def total_energy(q, r, theta, w, g, H, mirrored=False):
    """Total energy ``V(q; r)``; writes the gradient ``g`` (NQ) and Hessian ``H`` (NQ, NQ).

    ``r`` holds the postural setpoints (``layout.R_*``).  Also fills the postural constraints
    ``w.C`` (centre of mass minus its reference, trunk axis tilt), their Jacobian ``w.A`` and
    ``w.B`` = dg/dr.  The reference centre of mass ``w.cref`` must be set (``set_reference``).
    ``mirrored``: the right leg is the left one's mirror image (see ``kinematics``): only the
    left leg is evaluated, and its terms are mirrored (``_mirror_leg``).
    """
    kinematics(q, theta, w, mirrored)
    jg, shift, B, A, C = w.jg, w.shift, w.B, w.A, w.C
    for c in range(3):
        clear(w.F[c], w.T[c], w.M[c], w.S[c], w.msum[c], NCHAIN)
    shift[:, :] = 0.0
    for c in (LEFT, RIGHT):               # the right leg's frontal setpoint is mirrored
        shift[c, ANKLE] = r[R_ANKLE]
        shift[c, HIP_ADD] = r[R_HIP] if c == LEFT else -r[R_HIP]
    gravity = theta[G_GRAVITY]
    mass = theta[G_MASS]
    kb = theta[G_BALANCE_K]
    cx, cy = centre_of_mass(theta, w, mirrored)
    dx, dy = cx - w.cref[0], (0.0 if mirrored else cy - w.cref[1])
    bx, by = kb * dx / mass, kb * dy / mass          # balance feedback per unit mass
    g[:] = 0.0
    H[:, :] = 0.0
    A[:, :] = 0.0
    jg[:, :] = 0.0
    v = 0.5 * kb * (dx * dx + dy * dy)
    # the legs first: a mirrored left leg's terms are then the only ones in g, H and jg
    vl = _leg_energy(theta, w, LEFT, gravity, bx, by, g, H)
    _chain_terms(w, LEFT, mass, g, H)
    if mirrored:
        vr = vl
        _mirror_leg(g, H, jg)
    else:
        vr = _leg_energy(theta, w, RIGHT, gravity, bx, by, g, H)
        _chain_terms(w, RIGHT, mass, g, H)
    v += vl + vr + _trunk_energy(theta, w, gravity, bx, by, r, g, H)
    _chain_terms(w, TRUNK, mass, g, H)
    # balance feedback, Gauss-Newton part: kb (Jx Jx^T + Jy Jy^T); the upper triangle, now
    # complete, is copied into the lower one in the same pass
    for j in range(NQ):
        for i in range(j + 1):
            hij = H[i, j] + kb * (jg[i, 0] * jg[j, 0] + jg[i, 1] * jg[j, 1])
            H[i, j] = hij
            H[j, i] = hij
    # postural constraints and their derivatives
    frames = w.frames[TRUNK]
    C[R_ANKLE] = dx
    C[R_HIP] = dy
    C[R_LUMBAR_EXT] = frames[1, 0, 2]
    C[R_LUMBAR_BEND] = frames[1, 1, 2]
    for i in range(NQ):
        A[i, R_ANKLE] = jg[i, 0]
        A[i, R_HIP] = jg[i, 1]
    B[:, :] = 0.0
    for c in (LEFT, RIGHT):
        s = side(theta, c - 1)
        q0 = Q_LEFT if c == LEFT else Q_RIGHT
        qc = w.qc[c]
        for k, ri, sg in ((ANKLE, R_ANKLE, 1.0), (HIP_ADD, R_HIP, 1.0 if c == LEFT else -1.0)):
            x = qc[NB + k] - s[S_REST + k] - shift[c, k]
            tone = s[S_KPOS + k] if x >= 0.0 else s[S_KNEG + k]   # one_sided_spring's curvature
            B[q0 + k, ri] = -sg * tone
    B[Q_LUMBAR + LUMBAR_EXT, R_LUMBAR_EXT] = -theta[G_LUMBAR_K + LUMBAR_EXT]
    B[Q_LUMBAR + LUMBAR_BEND, R_LUMBAR_BEND] = -theta[G_LUMBAR_K + LUMBAR_BEND]
    return v


@jit
def _chain_terms(w, c, mass, g, H):
    """Add chain ``c``'s recorded forces to ``g``, ``H`` (``wrench_terms``) and its centre of
    mass Jacobian to ``w.jg``."""
    n = NTRUNK if c == TRUNK else NCHAIN
    gmap, gsign, Jc, jg = w.gmap[c], w.gsign[c], w.Jc[c], w.jg
    wrench_terms(n, w.axes[c], w.origins[c], w.F[c], w.T[c], w.M[c], w.S[c], w.msum[c],
                 gmap, gsign, g, H, Jc)
    ysg = -1.0 if c == RIGHT else 1.0
    for i in range(n):
        jg[gmap[i], 0] += gsign[i] * Jc[i, 0] / mass
        jg[gmap[i], 1] += gsign[i] * ysg * Jc[i, 1] / mass


@jit
def _mirror_leg(g, H, jg):
    """Add the right leg's terms to ``g``, ``H`` (upper triangle) and ``jg``: the mirror image
    of the left leg's, which must be the only terms there so far."""
    for i in range(NL):
        g[Q_RIGHT + i] = g[Q_LEFT + i]
        jg[Q_RIGHT + i, 0] = jg[Q_LEFT + i, 0]
        jg[Q_RIGHT + i, 1] = -jg[Q_LEFT + i, 1]
        for j in range(i, NL):
            H[Q_RIGHT + i, Q_RIGHT + j] = H[Q_LEFT + i, Q_LEFT + j]
    for a in range(NB):
        ma = MIRROR[a]
        g[a] += ma * g[a]
        jg[a, 0] += ma * jg[a, 0]
        jg[a, 1] -= ma * jg[a, 1]
        for j in range(NL):
            H[a, Q_RIGHT + j] = ma * H[a, Q_LEFT + j]
        for b in range(a, NB):
            H[a, b] += ma * MIRROR[b] * H[a, b]


@jit
def set_reference(theta, w, q):
    """Store the centre of mass of the neutral posture ``q = 0`` as the balance reference, and
    per side the neutral navicular height (over the first metatarsal head) and ankle position
    (``w.ref``, the outputs' references)."""
    q[:] = 0.0
    kinematics(q, theta, w)
    cx, cy = centre_of_mass(theta, w)
    w.cref[0] = cx
    w.cref[1] = cy
    for k in range(2):
        p = w.points[1 + k]
        w.ref[k, 0] = p[P_NAVICULAR, 2] - p[P_MT1, 2]
        for a in range(3):
            w.ref[k, 1 + a] = p[P_ANKLE, a]
