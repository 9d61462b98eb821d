"""The postural step: a Newton step of the full system that also moves the setpoints.

The postural setpoints ``r`` (ankle and hip tone, lumbar extension and bending; ``layout.R_*``)
are unknowns held by the postural constraints C = 0: the centre of mass over its reference
and the trunk upright.  Near equilibrium the solver takes Newton steps of equilibrium and
constraints together (``postural_step``), backtracked on the residual of the full system
(``postural_trial``).  Its scratch is a ``PostureWork`` (``new_posture_work``), part of the
solver's workspace.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .energy import total_energy
from .jit import jit, jit_alloc
from .linalg import cho_solve5, lu_solve_small
from .._generated.layout import (
    G_BALANCE_K, G_UPRIGHT_K, NQ, NR,
)
from .newton import cap_step, freeze, residuals
from .symmetry import ANTISYMMETRIC_SETPOINTS, expand, reduce_rows

assert NR + 1 == 5, "postural_step solves g and the NR columns of dg/dr with cho_solve5"

# chosen (the first version of the solver): a postural step may change a coordinate by up to
# this many times the Levenberg steps' limits (newton.MAX_SHIFT_STEP, MAX_ANGLE_STEP)
POSTURAL_REACH = 4.0
# chosen: the backtracking of a postural step halves it (Armijo-style) up to this many times
BACKTRACK = 0.5
BACKTRACK_STEPS = 8
# chosen: a backtracked step is also accepted when it at least halves the postural constraint
# error and leaves a force residual below POSTURAL_SLACK (body weights): it moves the setpoints
# to their linear prediction, and the forces it leaves (contacts are nonlinear) are then removed
# by Levenberg-Marquardt steps
CONSTRAINT_PROGRESS = 0.5
POSTURAL_SLACK = 1.0

#: Workspace of the postural step: its right-hand sides (g, then the columns of dg/dr) and
#: their solutions, the small system for dr and its right-hand side, and dC/dq in the
#: coordinates the steps solve for (``symmetry.subspace``).
PostureWork = namedtuple("PostureWork", ("R", "Y", "M", "rhs", "Ar"))


@jit_alloc
def new_posture_work():
    """Allocate the workspace of ``postural_step``."""
    return PostureWork(np.empty((NQ, NR + 1)), np.empty((NQ, NR + 1)), np.empty((NR, NR)),
                       np.empty(NR), np.zeros((NQ, NR)))


@jit
def _merit(res, C, theta, mg):
    """Residual of the full system in body weights: forces, and the feedback forces that the
    postural errors would cause (balance: k_b * error, trunk: k_up * tilt per metre)."""
    m = res
    for k in range(NR):
        gain = theta[G_BALANCE_K] if k < 2 else theta[G_UPRIGHT_K]
        m = max(m, abs(C[k]) * gain / mg)
    return m


@jit
def postural_step(ws, g, fixed, n):
    """Newton step of the full system: equilibrium g(q, r) = 0 and postural constraints C = 0.

    With ``H`` factored into ``ws.L`` (in the ``n`` coordinates of ``subspace``),
    dq = -H^-1 (g + B dr) and A^T dq = -C give a 4 x 4 system for dr; the step is left in
    ``ws.dq``, ``ws.dr`` (``ws``: the solver's workspace).  Returns False when the system is
    singular.
    """
    w, pw, L, dq, dr, dz = ws.work, ws.posture, ws.L, ws.dq, ws.dr, ws.dz
    B, A, C = w.B, w.A, w.C
    R, Y, M, rhs, Ar = pw.R, pw.Y, pw.M, pw.rhs, pw.Ar
    # columns g, then dg/dr (free coordinates only), solved side by side; A = dC/dq
    for i in range(NQ):
        R[i, 0] = g[i]
        for k in range(NR):
            R[i, k + 1] = 0.0 if fixed[i] else B[i, k]
    if n < NQ:
        reduce_rows(n, R, R)
        reduce_rows(n, A, Ar)
        A = Ar
    cho_solve5(L, R, Y, n)
    y, X = Y[:, 0], Y[:, 1:]
    for a in range(NR):
        rhs[a] = C[a]
        for i in range(n):
            rhs[a] -= A[i, a] * y[i]
        for b in range(NR):
            M[a, b] = 0.0
            for i in range(n):
                M[a, b] += A[i, a] * X[i, b]
    if n < NQ:                 # a symmetric model keeps its antisymmetric setpoints at zero
        for a in ANTISYMMETRIC_SETPOINTS:
            rhs[a] = 0.0
            for b in range(NR):
                M[a, b] = 0.0
                M[b, a] = 0.0
            M[a, a] = 1.0
    if not lu_solve_small(M, rhs, dr):
        return False
    for a in range(n):
        dz[a] = -y[a]
        for k in range(NR):
            dz[a] -= X[a, k] * dr[k]
    expand(n, dz, dq)
    return True


@jit
def postural_trial(theta, q, r, g, gt, Ht, res, rc, fixed, n, mg, mirrored, ws):
    """A postural step from ``q``, ``r`` (gradient ``g``, residuals ``res`` and ``rc``, H
    factored into ``ws.L``), backtracked until the residual of the full system falls: the
    trial point and setpoints are left in ``ws.qt``, ``ws.rt``, their gradient and Hessian in
    ``gt``, ``Ht``.

    Returns
    -------
    accepted, the trial's energy (meaningless when not accepted)
    """
    if not postural_step(ws, g, fixed, n):
        return False, 0.0
    w, dq, dr, qt, rt = ws.work, ws.dq, ws.dr, ws.qt, ws.rt
    cap_step(dq, dr, POSTURAL_REACH)     # Newton steps of the full system may go further
    before = _merit(res, w.C, theta, mg)
    alpha = 1.0
    for _ in range(BACKTRACK_STEPS):
        for i in range(NQ):
            qt[i] = q[i] + alpha * dq[i]
        for k in range(NR):
            rt[k] = r[k] + alpha * dr[k]
        vt = total_energy(qt, rt, theta, w, gt, Ht, mirrored)
        freeze(fixed, gt, Ht)
        res2, rc2 = residuals(gt, w.C, fixed, mg)
        # a postural step moves the setpoints to their linear prediction; the force
        # residual it leaves (contacts are nonlinear) is then removed by LM steps
        if math.isfinite(vt) and (_merit(res2, w.C, theta, mg) < before
                                  or (rc2 < CONSTRAINT_PROGRESS * rc and res2 < POSTURAL_SLACK)):
            return True, vt
        alpha *= BACKTRACK
    return False, 0.0
