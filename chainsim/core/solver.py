"""Static equilibrium of one model: the solver's entry and its loop.

An equilibrium is a stationary point of ``V(q)``; a *stable* one is a minimum, so the
solver descends ``V`` and finally checks that the Hessian at the solution is positive
definite.  The parts live in modules named for what they hold:

``start``     the initial guess (neutral posture, feet loaded and settled on their supports);
``newton``    the Levenberg-Marquardt steps on the energy, their limits and the convergence
              test;
``posture``   the Newton steps of the full system that also move the postural setpoints;
``symmetry``  the symmetric postures a mirror-symmetric model's steps are solved among.

This module sequences them (``_attempt``, twice at most: ``solve``), returns one of the
status codes of the generated layout (``OK``, ``UNSTABLE``, ...; declared in
``chainsim/symbolic/boundary.py``) and builds the solver's workspace (``SolverWork``, ``new_solver_work``: the energy's, the start's
and the postural step's workspaces and the iteration's own arrays).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .energy import new_work, total_energy
from .jit import jit, jit_alloc
from .linalg import cholesky
from .._generated.layout import (
    G_GRAVITY, G_MASS, NONFINITE, NOT_CONVERGED, NQ, NR, OK, STALLED, UNBALANCED, UNSTABLE,
)
from .newton import LAM_FLOOR, factor, freeze, levenberg_step, residuals
from .posture import new_posture_work, postural_trial
from .start import initial_guess, new_start_work, prescribed
from .symmetry import reduce_matrix, subspace


# When the postural steps are tried (``_attempt``): below a force residual of ``switch`` (body
# weights).  chosen: the first attempt tries them from the first step on (inf); an iteration
# below the switch that takes no postural step lowers it by SWITCH_SHRINK, down to
# POSTURAL_SWITCH_MIN ...
POSTURAL_SWITCH = math.inf
SWITCH_SHRINK = 0.1
POSTURAL_SWITCH_MIN = 1e-4 # ... which is where the cautious second attempt starts
# chosen: the postural rules are taken for unmet (status 'unbalanced') after more than this many
# postural iterations in a row that bring neither the constraint error nor the force residual
# below POSTURAL_PROGRESS times its best so far ...
POSTURAL_PROGRESS = 0.5
POSTURAL_PATIENCE_FIRST = 8    # ... in the first attempt
POSTURAL_PATIENCE = 40         # ... in the second (cautious) attempt


@jit
def solve(theta, q, r, tol, max_iter, ws):
    """Solve one model in place: the equilibrium ``q`` and the postural setpoints ``r``.

    Far from equilibrium, Levenberg-Marquardt steps on the energy with the setpoints fixed:
    (H + lam I) dq = -g, accepted when the energy falls by a fair share of the quadratic
    model's prediction (``lam`` grows after a poor step and shrinks after a good one, so steps
    stay short where the Hessian is indefinite; ``newton``).  Near equilibrium, Newton steps of
    the full system that also move the setpoints until the centre of mass is over its
    reference and the trunk upright (``posture``).  If the setpoints stop making progress
    (status ``unbalanced``), a second, more cautious attempt moves them only once the forces
    are almost balanced.  A mirror-symmetric model's steps are solved among its symmetric
    postures (``symmetry``).

    Parameters
    ----------
    theta : (NP,) float64
        Packed model.
    q : (NQ,) float64
        Output: the equilibrium coordinates.
    r : (NR,) float64
        Output: the postural setpoints (rad).
    tol : float
        Largest generalized force at convergence, in body weights (N or N m per m g); the
        postural constraints are met to ``tol`` m (or rad) as well.
    max_iter : int
        Largest number of accepted steps.
    ws : SolverWork
        From ``new_solver_work``.

    Returns
    -------
    status, iterations, residual
    """
    status, it, res = _attempt(theta, q, r, tol, max_iter, ws, POSTURAL_SWITCH,
                               POSTURAL_PATIENCE_FIRST)
    if status == UNBALANCED and it < max_iter:
        # once more, with the iterations left, moving the setpoints only near equilibrium
        # (slower, more robust)
        status, it2, res = _attempt(theta, q, r, tol, max_iter - it, ws, POSTURAL_SWITCH_MIN,
                                    POSTURAL_PATIENCE)
        it += it2
    return status, it, res


@jit
def _attempt(theta, q, r, tol, max_iter, ws, switch, patience):
    """One run of the solver from the initial guess (see ``solve``)."""
    w, g, H, L, fixed = ws.work, ws.g, ws.H, ws.L, ws.fixed
    qt, gt, Ht, rt, S = ws.qt, ws.gt, ws.Ht, ws.rt, ws.S
    n = subspace(theta)
    mirrored = n < NQ              # (the posture stays symmetric: see ``symmetry``)
    initial_guess(theta, w, ws.start, q, r, True, mirrored)
    mg = theta[G_MASS] * theta[G_GRAVITY]
    for i in range(NQ):
        fixed[i] = prescribed(theta, i)
    v = total_energy(q, r, theta, w, g, H, mirrored)
    freeze(fixed, g, H)
    lam = 0.0
    lam_floor = LAM_FLOOR * mg     # N m
    res = np.inf
    best_rc = np.inf
    best_res = np.inf
    stall = 0
    for it in range(max_iter + 1):
        res, rc = residuals(g, w.C, fixed, mg)
        if not (math.isfinite(res) and math.isfinite(v)):
            return NONFINITE, it, res
        if res < tol and rc < tol:
            return (OK if cholesky(H, 0.0, L) else UNSTABLE), it, res
        if it == max_iter:
            break
        # the postural rules cannot be met (e.g. the centre of mass cannot be brought over
        # the feet): postural steps stop improving them while the forces are nearly balanced
        if res < switch:
            if rc < POSTURAL_PROGRESS * best_rc or res < POSTURAL_PROGRESS * best_res:
                best_rc = min(rc, best_rc)
                best_res = min(res, best_res)
                stall = 0
            else:
                stall += 1
                if stall > patience:
                    return UNBALANCED, it, res
        if n < NQ:
            reduce_matrix(n, H, S)
        accepted = False
        factored = False           # whether H (shift 0) was factored this iteration: ok0, L
        ok0 = False
        vt = v
        if res < switch:
            ok0 = factor(H, S, 0.0, L, n)
            factored = True
            if ok0:
                accepted, vt = postural_trial(theta, q, r, g, gt, Ht, res, rc, fixed, n, mg,
                                              mirrored, ws)
        if not accepted:
            if res < switch:
                switch = max(SWITCH_SHRINK * switch, POSTURAL_SWITCH_MIN)
            found, lam, vt = levenberg_step(theta, q, r, v, g, H, gt, Ht, lam, lam_floor, ok0,
                                            factored, fixed, n, mg, mirrored, ws)
            if not found:
                return STALLED, it, res
        for i in range(NQ):
            q[i] = qt[i]
        for k in range(NR):
            r[k] = rt[k]
        g, gt = gt, g              # the trial's gradient and Hessian become the iterate's
        H, Ht = Ht, H
        v = vt
    return NOT_CONVERGED, max_iter, res


#: Workspace of ``solve``: the energy's (``work``), the start's (``start``) and the postural
#: step's (``posture``); gradient, Hessian and its factor at the iterate; step; trial point,
#: its gradient, Hessian and setpoints (the two gradient-Hessian pairs trade places when a step
#: is taken, so neither is left holding the solution's); which coordinates are prescribed; in
#: the coordinates the steps solve for (``subspace``), the Hessian and a step.
SolverWork = namedtuple("SolverWork", (
    "work", "start", "posture", "g", "H", "L", "dq", "dr", "qt", "gt", "Ht", "rt", "fixed",
    "S", "dz"))


@jit_alloc
def new_solver_work():
    """Allocate the workspace of ``solve`` (once per thread or batch chunk)."""
    return SolverWork(new_work(), new_start_work(), new_posture_work(), np.empty(NQ),
                      np.empty((NQ, NQ)), np.empty((NQ, NQ)), np.empty(NQ), np.empty(NR),
                      np.empty(NQ), np.empty(NQ), np.empty((NQ, NQ)), np.empty(NR),
                      np.zeros(NQ, np.bool_), np.zeros((NQ, NQ)), np.zeros(NQ))
