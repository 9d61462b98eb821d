"""Equations of motion of the chain: ``M(q) qdd = tau(q, qd) - b(q, qd)``.

* ``M``, ``b`` (Coriolis, centrifugal and gravity): recursive rigid-body algorithms
  (``rigid``) on the generated kinematics, one serial chain at a time.
* ``tau``: the internal forces of ``forces`` (joint springs and dampers, the plantar fascia)
  and the ground contacts (``contact``), applied as point forces in the Newton-Euler pass.

The bodies: pelvis and HAT (trunk chain); thigh, shank, rearfoot, forefoot and toes per leg
(the talus is massless: its mass is in de Leva's foot, split between rearfoot and forefoot).
The toes carry ``S_TOES_MASS`` at the MTP centre, taken out of the forefoot with the forefoot's
centre of mass moved so that the weight of the foot acts exactly where the statics put it.

Gravity enters the Newton-Euler pass as an upward acceleration of the base, so ``b`` holds the
generalized weights; they equal the statics' gravity gradient (tested).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._generated.model import LEG_POINT_LAST
from ..energy import LEFT, RIGHT, TRUNK, kinematics, new_work, side
from ..jit import jit, jit_alloc
from ..._generated.layout import (
    G_GRAVITY, G_HAT_INERTIA, G_HAT_MASS, G_PELVIS_INERTIA, G_PELVIS_MASS, INERTIA_FOREFOOT,
    INERTIA_REARFOOT, INERTIA_SHANK, INERTIA_THIGH, INERTIA_TOES, MASS_FOREFOOT, MASS_REARFOOT,
    MASS_SHANK, MASS_THIGH, NB, NCHAIN, NCONTACT, NINERTIA, NQ, NTRUNK, P_FOREFOOT_COM, P_MTP,
    P_REARFOOT_COM, P_SHANK_COM, P_THIGH_COM, S_INERTIA, S_MASS, S_TOES_MASS,
)
from . import rigid
from .contact import contact_forces_arrays
from .forces import fascia_forces_arrays, joint_forces

#: Chain coordinate after which each leg body hangs, and its frame (LEG_SEGMENTS index).
THIGH, SHANK, REARFOOT, FOREFOOT, TOES = 8, 11, 13, 15, 16
#: Trunk chain: pelvis and HAT.
PELVIS_AT, HAT_AT = 5, 8
NSEG = 6

#: Workspace of the equations of motion.
DynWork = namedtuple("DynWork", (
    "w",                                   # energy workspace: kinematics of the three chains
    "S", "Ib", "comp", "V", "A", "F", "fext", "qd", "qdd", "tmp", "tmp2", "vec", "c",
    "M", "Jm", "L", "tau", "rhs", "res", "dv", "u", "u3",
    "anchors", "cforce", "cnormal", "cslip",   # contacts: per side and contact
))


@jit_alloc
def new_dyn_work():
    """Allocate the workspace of the equations of motion."""
    return DynWork(
        new_work(),
        np.zeros((3, NCHAIN, 6)), np.zeros((3, NCHAIN, 10)), np.zeros((3, NCHAIN, 10)),
        np.zeros((3, NCHAIN, 6)), np.zeros((3, NCHAIN, 6)), np.zeros((3, NCHAIN, 6)),
        np.zeros((3, NCHAIN, 6)), np.zeros((3, NCHAIN)), np.zeros((3, NCHAIN)),
        np.zeros(6), np.zeros(6), np.zeros(3), np.zeros(3),
        np.zeros((NQ, NQ)), np.zeros((NQ, NQ)), np.zeros((NQ, NQ)),
        np.zeros(NQ), np.zeros(NQ), np.zeros(NQ), np.zeros(NQ), np.zeros(NCHAIN),
        np.zeros((3, NCHAIN)),
        np.zeros((2, NCONTACT, 3)), np.zeros((2, NCONTACT, 3)), np.zeros((2, NCONTACT)),
        np.zeros((2, NCONTACT)),
    )


@jit
def chain_size(c):
    return NTRUNK if c == TRUNK else NCHAIN


@jit
def body_inertias(theta, ws):
    """World inertia (m, h, J) of every body, at the coordinate it hangs after (``ws.Ib``)."""
    _body_inertias(theta, ws.w.frames, ws.w.points, ws.Ib, ws.c)


@jit
def _body_inertias(theta, fr, pts, Ib, c):
    Ib[:, :, :] = 0.0
    rigid.body_inertia(theta[G_PELVIS_MASS], pts[TRUNK, 0], fr[TRUNK, 0],
                       theta[G_PELVIS_INERTIA:G_PELVIS_INERTIA + 3], Ib[TRUNK, PELVIS_AT])
    rigid.body_inertia(theta[G_HAT_MASS], pts[TRUNK, 2], fr[TRUNK, 1],
                       theta[G_HAT_INERTIA:G_HAT_INERTIA + 3], Ib[TRUNK, HAT_AT])
    for ch in (LEFT, RIGHT):
        s = side(theta, ch - 1)
        p = pts[ch]
        inertia = s[S_INERTIA:S_INERTIA + NINERTIA]
        rigid.body_inertia(s[S_MASS + MASS_THIGH], p[P_THIGH_COM], fr[ch, 1],
                           inertia[INERTIA_THIGH:INERTIA_THIGH + 3], Ib[ch, THIGH])
        rigid.body_inertia(s[S_MASS + MASS_SHANK], p[P_SHANK_COM], fr[ch, 2],
                           inertia[INERTIA_SHANK:INERTIA_SHANK + 3], Ib[ch, SHANK])
        rigid.body_inertia(s[S_MASS + MASS_REARFOOT], p[P_REARFOOT_COM], fr[ch, 4],
                           inertia[INERTIA_REARFOOT:INERTIA_REARFOOT + 3], Ib[ch, REARFOOT])
        mt = s[S_TOES_MASS]
        mf = s[S_MASS + MASS_FOREFOOT] - mt
        for i in range(3):        # forefoot CoM moved so that forefoot + toes weigh as before
            c[i] = (s[S_MASS + MASS_FOREFOOT] * p[P_FOREFOOT_COM, i] - mt * p[P_MTP, i]) / mf
        rigid.body_inertia(mf, c, fr[ch, 5], inertia[INERTIA_FOREFOOT:INERTIA_FOREFOOT + 3],
                           Ib[ch, FOREFOOT])
        rigid.body_inertia(mt, p[P_MTP], fr[ch, 6], inertia[INERTIA_TOES:INERTIA_TOES + 3],
                           Ib[ch, TOES])


@jit
def _chain_velocities(v, gmap, gsign, qd):
    for ch in range(3):
        n = chain_size(ch)
        for j in range(n):
            qd[ch, j] = gsign[ch, j] * v[gmap[ch, j]]


# The hot path passes plain arrays, not the workspace: numba counts references to every array
# of a tuple it receives (some 60 atomic increments and decrements per call), which cost about
# a third of an impact's time.  The functions taking ``ws`` unpack it and call these kernels.


@jit
def prepare(q, v, theta, ws, gravity_on):
    """Kinematics, spatial axes, body inertias and the Newton-Euler forward pass (qdd = 0)."""
    w = ws.w
    kinematics(q, theta, w)
    _prepare(v, theta, gravity_on, w.axes, w.origins, w.points, w.frames, w.gmap, w.gsign,
             ws.qd, ws.Ib, ws.c, ws.S, ws.V, ws.A, ws.qdd)


@jit
def _prepare(v, theta, gravity_on, axes, origins, points, frames, gmap, gsign, qd, Ib, c, S, V,
             A, qdd):
    """``prepare`` after ``kinematics``."""
    _chain_velocities(v, gmap, gsign, qd)
    _body_inertias(theta, frames, points, Ib, c)
    g = theta[G_GRAVITY] if gravity_on else 0.0
    qdd[:, :] = 0.0
    for ch in range(3):
        n = chain_size(ch)
        rigid.spatial_axes(n, ch, axes, origins, S)
        rigid.forward_pass(n, ch, S, qd, qdd, g, V, A)


@jit
def mass_matrix(ws):
    """Fill ``ws.M`` (full, symmetric) from the prepared state."""
    _mass_matrix(ws.S, ws.Ib, ws.comp, ws.w.gmap, ws.w.gsign, ws.M)


@jit
def _mass_matrix(S, Ib, comp, gmap, gsign, M):
    M[:, :] = 0.0
    rigid.mass_matrix((NTRUNK, NCHAIN, NCHAIN), S, Ib, comp, gmap, gsign, M)
    for j in range(NQ):
        for i in range(j + 1, NQ):
            M[i, j] = M[j, i]


@jit
def newton_euler(ws):
    """Backward pass of all chains: ``ws.tau = b(q, qd) - J^T f_ext`` (global), and the
    wrenches ``ws.F``."""
    _newton_euler(ws.S, ws.Ib, ws.V, ws.A, ws.fext, ws.w.gmap, ws.w.gsign, ws.F, ws.tau)


@jit
def _newton_euler(S, Ib, V, A, fext, gmap, gsign, F, tau):
    tau[:] = 0.0
    for ch in range(3):
        rigid.backward_pass(chain_size(ch), ch, S, Ib, V, A, fext, gmap, gsign, F, tau, 0)


#: flags of ``evaluate``
GRAVITY, SPRINGS, DAMPING, CONTACTS = 1, 2, 4, 8
ALL = GRAVITY | SPRINGS | DAMPING | CONTACTS


@jit
def evaluate(q, v, theta, posture, ws, flags, cq, cv, jac):
    """Generalized forces at (q, v): ``ws.rhs = tau - b`` and the mass matrix ``ws.M``.

    With ``jac``, also ``ws.Jm = M + cq K + cv D``, where ``K`` and ``D`` are the (approximate)
    stiffness and damping of the forces (minus their derivatives in q and qd): the Newton matrix
    of an implicit step.  ``flags``: which forces act (``GRAVITY | SPRINGS | DAMPING |
    CONTACTS``).  Contact anchors (``ws.anchors``) are read, not moved.
    """
    w = ws.w
    kinematics(q, theta, w)
    evaluate_arrays(q, v, theta, posture, flags, cq, cv, jac, w.axes, w.origins, w.points,
                    w.frames, w.qc, w.gmap, w.gsign, ws.S, ws.Ib, ws.comp, ws.V, ws.A, ws.F,
                    ws.fext, ws.qd, ws.qdd, ws.tmp, ws.vec, ws.c, ws.M, ws.Jm, ws.tau, ws.rhs,
                    ws.u, ws.u3, ws.anchors, ws.cforce, ws.cnormal, ws.cslip)


@jit
def evaluate_arrays(q, v, theta, posture, flags, cq, cv, jac, axes, origins, points, frames, qc,
                    gmap, gsign, S, Ib, comp, V, A, F, fext, qd, qdd, tmp, vec, c, M, Jm, tau,
                    rhs, u, u3, anchors, cforce, cnormal, cslip):
    """``evaluate`` after ``kinematics(q, theta, ws.w)``, on the workspace's arrays."""
    # _prepare, written out (a call counts references to its arrays)
    _chain_velocities(v, gmap, gsign, qd)
    _body_inertias(theta, frames, points, Ib, c)
    g = theta[G_GRAVITY] if flags & GRAVITY else 0.0
    qdd[:, :] = 0.0
    for ch in range(3):
        n = chain_size(ch)
        rigid.spatial_axes(n, ch, axes, origins, S)
        rigid.forward_pass(n, ch, S, qd, qdd, g, V, A)
    _mass_matrix(S, Ib, comp, gmap, gsign, M)
    fext[:, :, :] = 0.0
    rhs[:] = 0.0
    if jac:
        for j in range(NQ):
            for i in range(NQ):
                Jm[i, j] = M[i, j]
    joint_forces(q, v, theta, posture, flags, rhs, Jm, cq, cv, jac)
    if flags & SPRINGS:
        fascia_forces_arrays(theta, points, qc, axes, origins, gmap, gsign, fext, vec, u, Jm, rhs,
                             cq, jac)
    if flags & CONTACTS:
        contact_forces_arrays(theta, points, V, axes, origins, gmap, gsign, anchors, cforce,
                              cnormal, cslip, fext, tmp, u3, Jm, cq, cv, jac,
                              (flags & DAMPING) != 0)
    else:
        cforce[:, :, :] = 0.0
        cnormal[:, :] = 0.0
        cslip[:, :] = 0.0
    _newton_euler(S, Ib, V, A, fext, gmap, gsign, F, tau)
    for i in range(NQ):
        rhs[i] -= tau[i]
    if jac:
        for j in range(NQ):          # the stiffness terms were added to the upper triangle
            for i in range(j + 1, NQ):
                Jm[i, j] = Jm[j, i]


@jit
def inverse_dynamics(qdd, theta, ws, gravity_on):
    """Joint wrenches ``ws.F`` for accelerations ``qdd`` (after ``evaluate`` at the state).

    Re-runs the Newton-Euler passes with the accelerations; the external forces are those of
    the last ``evaluate``.  Returns nothing; ``ws.A`` then holds the bodies' accelerations
    (with gravity as an upward acceleration of the base: accelerometer readings).
    """
    w = ws.w
    _inverse_dynamics(qdd, theta, gravity_on, w.gmap, w.gsign, ws.S, ws.Ib, ws.V, ws.A, ws.F,
                      ws.fext, ws.qd, ws.qdd, ws.tau)


@jit
def _inverse_dynamics(qddg, theta, gravity_on, gmap, gsign, S, Ib, V, A, F, fext, qd, qdd, tau):
    g = theta[G_GRAVITY] if gravity_on else 0.0
    for ch in range(3):
        n = chain_size(ch)
        for j in range(n):
            qdd[ch, j] = gsign[ch, j] * qddg[gmap[ch, j]]
        rigid.forward_pass(n, ch, S, qd, qdd, g, V, A)
    _newton_euler(S, Ib, V, A, fext, gmap, gsign, F, tau)


__all__ = ["DynWork", "new_dyn_work", "evaluate", "inverse_dynamics", "prepare", "mass_matrix",
           "newton_euler", "GRAVITY", "SPRINGS", "DAMPING", "CONTACTS", "ALL", "LEG_POINT_LAST",
           "NB"]
