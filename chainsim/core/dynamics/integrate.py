"""Time integration of the chain: a linearly implicit Euler step for stiff contact, and RK4.

**Implicit step** (the default, ``IMPLICIT``).  Backward Euler on the velocities, linearised
once per step (a Rosenbrock-Euler step, as in MuJoCo's implicit integrator but with the
stiffness of the springs and contacts as well as their damping):

    (M + h D + h^2 K) (v+ - v) = h f(q + h v, v),     q+ = q + h v+

with ``f = tau - b`` the generalized forces, ``K = -df/dq`` and ``D = -df/dv`` (their
positive-definite parts: the contact, spring and damper terms; ``eom.evaluate``).  Evaluating
``f`` at the predicted position ``q + h v`` supplies the ``-h K v`` term of the linearised
backward Euler step.  It is unconditionally stable for the springs and dampers it linearises,
first-order accurate, and damps the unresolved stiff modes instead of amplifying them; its
error at the default step is measured by a convergence study of every impact preset
(tests/test_dynamics_convergence.py), and each impact's by step doubling (``chainsim.dynamics``
runs it again at twice the step).

**RK4** (``RK4``): the classical explicit Runge-Kutta method on (q, v); fourth order, for
smooth, contact-free motion (the energy and MuJoCo cross-checks).

The right leg's coordinates move in the mirror world; nothing here needs to know (``eom``).

**Speed.**  The step's linear system is factorised along the chain's tree (``tree``: no fill-in,
a third of a dense Cholesky's work).  ``simulate``'s loop calls the array kernels
(``eom.evaluate_arrays`` and friends) rather than the functions taking the workspace: numba
counts references to every array it passes or slices, with an atomic instruction each, and over
the workspace's sixty arrays that cost a third of an impact's time.  Recording runs the inverse
dynamics only as far as the recorded joints need.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from ..._generated.model import LEG_POINT_LAST, TRUNK_POINT_LAST
from ..energy import LEFT, RIGHT, TRUNK, contact_state, kinematics, side
from ..jit import jit, jit_alloc, jit_parallel
from ..._generated.layout import (
    ANKLE, COM_POINTS, CONTACT_POINTS, G_GRAVITY, G_HAT_MASS, G_PELVIS_MASS, HIP_FLEX,
    IMPACT_NONFINITE, IMPACT_OK, IMPACT_SINGULAR, KNEE_FLEX, NB, NCONTACT, NQ, P_ANKLE, P_HEEL,
    P_MT1, P_NAVICULAR, R_ACC_SACRUM, R_ACC_SHANK_L, R_ACC_SHANK_R, R_ANKLE_L, R_ANKLE_R,
    R_ARCH_L, R_ARCH_R, R_ENERGY, R_GRF_L, R_GRF_R, R_HIP_L, R_HIP_R, R_KNEE_L, R_KNEE_R, R_L5S1,
    S_MASS,
)
from ..linalg import cho_solve, cholesky
from . import eom, rigid
from .contact import update_anchors, update_anchors_arrays
from .forces import fascia_energy, joint_energy
from .tree import FIRST, ltl_factor, ltl_solve

IMPLICIT, RK4 = 0, 1

#: Recorded channels (``R_*``, the generated layout) of each leg, left and right
GRF_CHANNELS, ARCH_CHANNELS = (R_GRF_L, R_GRF_R), (R_ARCH_L, R_ARCH_R)
ANKLE_CHANNELS, KNEE_CHANNELS, HIP_CHANNELS = (R_ANKLE_L, R_ANKLE_R), (R_KNEE_L, R_KNEE_R), (
    R_HIP_L, R_HIP_R)
SHANK_CHANNELS = (R_ACC_SHANK_L, R_ACC_SHANK_R)

#: Chain coordinate at which each joint's reaction is read (the first coordinate of the joint:
#: its force part is the force across the joint onto everything below it).
HIP_AT, KNEE_AT, ANKLE_AT = NB + HIP_FLEX, NB + KNEE_FLEX, NB + ANKLE
L5S1_AT = NB


@jit
def potential_energy(q, theta, posture, ws, flags):
    """Gravity (``GRAVITY`` in flags) and spring (``SPRINGS``) energy at ``q``.

    Needs the kinematics of ``q`` in ``ws.w`` (``eom.prepare``).
    """
    w = ws.w
    e = 0.0
    if flags & eom.GRAVITY:
        g = theta[G_GRAVITY]
        pts = w.points
        e += g * (theta[G_PELVIS_MASS] * pts[TRUNK, 0, 2] + theta[G_HAT_MASS] * pts[TRUNK, 2, 2])
        for ch in (LEFT, RIGHT):
            s = side(theta, ch - 1)
            for i in range(4):
                e += g * s[S_MASS + i] * pts[ch, COM_POINTS[i], 2]
            # (the toes' mass sits on the forefoot's MTP axis and the forefoot's centre of mass
            # is moved to keep their sum where the statics put it: eom.body_inertias)
    if flags & eom.SPRINGS:
        e += joint_energy(q, theta, posture) + fascia_energy(theta, ws)
    return e


@jit
def kinetic_energy(v, ws):
    """Kinetic energy 1/2 v^T M v (``ws.M`` filled)."""
    e = 0.0
    for i in range(NQ):
        for j in range(NQ):
            e += 0.5 * v[i] * ws.M[i, j] * v[j]
    return e


@jit
def total_energy(q, v, theta, posture, ws, flags):
    """Mechanical energy (kinetic + the potentials switched on in ``flags``)."""
    eom.prepare(q, v, theta, ws, False)
    eom.mass_matrix(ws)
    return kinetic_energy(v, ws) + potential_energy(q, theta, posture, ws, flags)


@jit
def accelerations(q, v, theta, posture, ws, flags, qdd):
    """Forward dynamics: ``qdd = M^-1 f(q, v)``.  Returns False if M is not positive definite."""
    eom.evaluate(q, v, theta, posture, ws, flags, 0.0, 0.0, False)
    if not cholesky(ws.M, 0.0, ws.L):
        return False
    cho_solve(ws.L, ws.rhs, qdd)
    return True


@jit
def step_rk4(q, v, theta, posture, ws, flags, h, qn, vn, k, tmpq, tmpv):
    """One classical RK4 step from (q, v) into (qn, vn); ``k`` (4, 2, NQ) is scratch."""
    for stage in range(4):
        c = 0.0 if stage == 0 else (0.5 if stage < 3 else 1.0)
        for i in range(NQ):
            if stage == 0:
                tmpq[i] = q[i]
                tmpv[i] = v[i]
            else:
                tmpq[i] = q[i] + c * h * k[stage - 1, 0, i]
                tmpv[i] = v[i] + c * h * k[stage - 1, 1, i]
        if not accelerations(tmpq, tmpv, theta, posture, ws, flags, k[stage, 1]):
            return False
        for i in range(NQ):
            k[stage, 0, i] = tmpv[i]
    for i in range(NQ):
        qn[i] = q[i] + h / 6.0 * (k[0, 0, i] + 2 * k[1, 0, i] + 2 * k[2, 0, i] + k[3, 0, i])
        vn[i] = v[i] + h / 6.0 * (k[0, 1, i] + 2 * k[1, 1, i] + 2 * k[2, 1, i] + k[3, 1, i])
    return True


@jit
def arch_sag(pts):
    """Height of the navicular above the line from the heel to the first metatarsal head."""
    a, b, p = pts[P_HEEL], pts[P_MT1], pts[P_NAVICULAR]
    d0, d1, d2 = b[0] - a[0], b[1] - a[1], b[2] - a[2]
    r0, r1, r2 = p[0] - a[0], p[1] - a[1], p[2] - a[2]
    c0 = r1 * d2 - r2 * d1
    c1 = r2 * d0 - r0 * d2
    c2 = r0 * d1 - r1 * d0
    return math.sqrt((c0 * c0 + c1 * c1 + c2 * c2) / (d0 * d0 + d1 * d1 + d2 * d2))


@jit
def _arch_sag(points, ch):
    """``arch_sag(points[ch])`` without the slice."""
    a0, a1, a2 = points[ch, P_HEEL, 0], points[ch, P_HEEL, 1], points[ch, P_HEEL, 2]
    d0 = points[ch, P_MT1, 0] - a0
    d1 = points[ch, P_MT1, 1] - a1
    d2 = points[ch, P_MT1, 2] - a2
    r0 = points[ch, P_NAVICULAR, 0] - a0
    r1 = points[ch, P_NAVICULAR, 1] - a1
    r2 = points[ch, P_NAVICULAR, 2] - a2
    c0 = r1 * d2 - r2 * d1
    c1 = r2 * d0 - r0 * d2
    c2 = r0 * d1 - r1 * d0
    return math.sqrt((c0 * c0 + c1 * c1 + c2 * c2) / (d0 * d0 + d1 * d1 + d2 * d2))


@jit
def _norm3(F, ch, j):
    return math.sqrt(F[ch, j, 3] * F[ch, j, 3] + F[ch, j, 4] * F[ch, j, 4]
                     + F[ch, j, 5] * F[ch, j, 5])


@jit
def _vertical_acceleration(V, A, points, ch, last, pt):
    """Vertical component of ``rigid.point_acceleration`` of point ``pt`` of chain ``ch``."""
    p0, p1 = points[ch, pt, 0], points[ch, pt, 1]
    p2 = points[ch, pt, 2]
    w0, w1, w2 = V[ch, last, 0], V[ch, last, 1], V[ch, last, 2]
    vp0 = V[ch, last, 3] + w1 * p2 - w2 * p1
    vp1 = V[ch, last, 4] + w2 * p0 - w0 * p2
    return A[ch, last, 5] + A[ch, last, 0] * p1 - A[ch, last, 1] * p0 + w0 * vp1 - w1 * vp0


@jit
def record(theta, ws, qdd, arch0, row):
    """Fill one row of recorded channels from the last step (``inverse_dynamics`` is run)."""
    w = ws.w
    _record(theta, qdd, arch0, row, w.points, w.gmap, w.gsign, ws.S, ws.Ib, ws.V, ws.A, ws.F,
            ws.fext, ws.qd, ws.qdd, ws.tau, ws.cforce)


@jit
def _record(theta, qdd, arch0, row, points, gmap, gsign, S, Ib, V, A, F, fext, qd, qddc, tau,
            cforce):
    """``record`` on the workspace's arrays.  Runs the inverse dynamics only as far as the
    recorded joints need (the wrenches from the lumbar spine and the hips down), so ``F`` of
    the pelvis coordinates and ``tau`` are left incomplete."""
    g = theta[G_GRAVITY]
    for ch in range(3):
        n = eom.chain_size(ch)
        for j in range(n):
            qddc[ch, j] = gsign[ch, j] * qdd[gmap[ch, j]]
        rigid.forward_pass(n, ch, S, qd, qddc, g, V, A)
        rigid.backward_pass(n, ch, S, Ib, V, A, fext, gmap, gsign, F, tau, NB)
    for k in range(2):
        ch = LEFT + k
        grf = 0.0
        for ci in range(cforce.shape[1]):
            grf += cforce[k, ci, 2]
        row[GRF_CHANNELS[k]] = grf
        row[ANKLE_CHANNELS[k]] = _norm3(F, ch, ANKLE_AT)
        row[KNEE_CHANNELS[k]] = _norm3(F, ch, KNEE_AT)
        row[HIP_CHANNELS[k]] = _norm3(F, ch, HIP_AT)
        row[ARCH_CHANNELS[k]] = arch0[k] - _arch_sag(points, ch)
        row[SHANK_CHANNELS[k]] = _vertical_acceleration(V, A, points, ch,
                                                        LEG_POINT_LAST[P_ANKLE], P_ANKLE)
    row[R_L5S1] = _norm3(F, TRUNK, L5S1_AT)
    row[R_ACC_SACRUM] = _vertical_acceleration(V, A, points, TRUNK, TRUNK_POINT_LAST[1], 1)


@jit_alloc
def simulate(theta, posture, q0, v0, h, nsteps, every, method, flags, ws, q, v, rec, qrec):
    """Integrate from (q0, v0) for ``nsteps`` steps of ``h`` seconds.

    Parameters
    ----------
    theta : (NP,) float64
        Packed model.
    posture : (NQ,) float64
        Set points of the muscle tone (see ``forces``).
    q0, v0 : (NQ,) float64
        Initial coordinates and velocities.
    h : float
        Time step (s).
    nsteps, every : int
        Number of steps; a row of ``rec`` (and of ``qrec``) every ``every`` steps, the first
        after ``every`` steps.
    method : int
        ``IMPLICIT`` or ``RK4``.
    flags : int
        Forces switched on (``eom.GRAVITY | SPRINGS | DAMPING | CONTACTS``).
    ws : DynWork
        Workspace (``eom.new_dyn_work``); its contact anchors are reset here.
    q, v : (NQ,) float64
        Output: the final state.
    rec : (nsteps // every, NREC) float64
        Output: recorded channels (``R_*``), SI units; ``R_ENERGY`` only with RK4.
    qrec : (nsteps // every, 2 * NQ) or (0, 2 * NQ) float64
        Output: recorded coordinates and velocities (none if it has no rows).

    Returns
    -------
    status : int
        ``IMPACT_OK``, ``IMPACT_SINGULAR`` (a matrix not positive definite) or
        ``IMPACT_NONFINITE``; rows after a
        failure are NaN.
    """
    qn = np.empty(NQ)
    vn = np.empty(NQ)
    qdd = np.zeros(NQ)
    kk = np.empty((4, 2, NQ))
    tq = np.empty(NQ)
    tv = np.empty(NQ)
    arch0 = np.empty(2)
    ws.anchors[:, :, :] = math.nan
    for i in range(NQ):
        q[i] = q0[i]
        v[i] = v0[i]
    eom.prepare(q, v, theta, ws, False)
    arch0[0] = arch_sag(ws.w.points[LEFT])
    arch0[1] = arch_sag(ws.w.points[RIGHT])
    if flags & eom.CONTACTS:                 # anchor what already touches
        eom.evaluate(q, v, theta, posture, ws, flags, 0.0, 0.0, False)
        update_anchors(theta, ws)
    rec[:, :] = math.nan
    qrec[:, :] = math.nan
    status = IMPACT_OK
    # the workspace's arrays, unpacked once (see eom.evaluate_arrays)
    w = ws.w
    axes, origins, points, frames, qc, gmap, gsign = (w.axes, w.origins, w.points, w.frames, w.qc,
                                                      w.gmap, w.gsign)
    S, Ib, comp, V, A, F, fext, qd, qddc = ws.S, ws.Ib, ws.comp, ws.V, ws.A, ws.F, ws.fext, ws.qd, \
        ws.qdd
    tmp, vec, c, M, Jm, tau, rhs = ws.tmp, ws.vec, ws.c, ws.M, ws.Jm, ws.tau, ws.rhs
    u, u3, anchors, cforce, cnormal, cslip = ws.u, ws.u3, ws.anchors, ws.cforce, ws.cnormal, \
        ws.cslip
    L, res, dv = ws.L, ws.res, ws.dv
    for n in range(nsteps):
        if method == IMPLICIT:
            # the linearly implicit Euler step, written out on the arrays: a call passing the
            # workspace would count references to its sixty arrays, atomically, at every step
            for i in range(NQ):
                qn[i] = q[i] + h * v[i]
            kinematics(qn, theta, w)
            eom.evaluate_arrays(qn, v, theta, posture, flags, h * h, h, True, axes, origins,
                                points, frames, qc, gmap, gsign, S, Ib, comp, V, A, F, fext, qd,
                                qddc, tmp, vec, c, M, Jm, tau, rhs, u, u3, anchors, cforce,
                                cnormal, cslip)
            ok = ltl_factor(Jm, L, FIRST)
            if ok:
                for i in range(NQ):
                    res[i] = h * rhs[i]
                ltl_solve(L, res, dv, FIRST)
                for i in range(NQ):
                    vn[i] = v[i] + dv[i]
                    qn[i] = q[i] + h * vn[i]
                    qdd[i] = dv[i] / h
        else:
            ok = step_rk4(q, v, theta, posture, ws, flags, h, qn, vn, kk, tq, tv)
        if not ok:
            status = IMPACT_SINGULAR
            break
        finite = True
        for i in range(NQ):
            if not (math.isfinite(qn[i]) and math.isfinite(vn[i])):
                finite = False
        if not finite:
            status = IMPACT_NONFINITE
            break
        for i in range(NQ):
            q[i] = qn[i]
            v[i] = vn[i]
        if flags & eom.CONTACTS:
            # contacts of the accepted state decide touchdown, lift-off and sliding
            if method == IMPLICIT:             # forces and kinematics of the step (q + h v)
                update_anchors_arrays(theta, points, anchors, cnormal, tmp)
            else:
                eom.evaluate(q, v, theta, posture, ws, flags, 0.0, 0.0, False)
                update_anchors(theta, ws)
        if (n + 1) % every == 0:
            r = (n + 1) // every - 1
            if method == RK4:
                accelerations(q, v, theta, posture, ws, flags, qdd)
                rec[r, R_ENERGY] = 0.0
            _record(theta, qdd, arch0, rec[r], points, gmap, gsign, S, Ib, V, A, F, fext, qd,
                    qddc, tau, cforce)
            if method == RK4:
                rec[r, R_ENERGY] = total_energy(q, v, theta, posture, ws, flags)
            if r < qrec.shape[0]:
                for i in range(NQ):
                    qrec[r, i] = q[i]
                    qrec[r, NQ + i] = v[i]
    return status


@jit_parallel
def simulate_batch(theta, posture, q0, v0, h, nsteps, every, method, flags, q, v, rec, qrec,
                   status):
    """``simulate`` for every row of ``theta``, ``posture``, ``q0``, ``v0`` in parallel."""
    n = theta.shape[0]
    for i in nb.prange(n):
        ws = eom.new_dyn_work()
        # private copies of the parameters: their reference counts, touched at every step, are
        # then not shared between threads
        status[i] = simulate(theta[i].copy(), posture[i].copy(), q0[i], v0[i], h, nsteps, every,
                             method, flags, ws, q[i], v[i], rec[i], qrec[i])


@jit
def penetrations(q, theta, ws, out):
    """Penetration of every contact (``out`` (2, NCONTACT); > 0 inside the support) at ``q``."""
    kinematics(q, theta, ws.w)
    for ch in (LEFT, RIGHT):
        s = side(theta, ch - 1)
        for ci in range(NCONTACT):
            out[ch - 1, ci] = contact_state(s, ci, ws.w.points[ch, CONTACT_POINTS[ci]])[0]
