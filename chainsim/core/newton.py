"""Damped Newton steps on the energy (Levenberg-Marquardt), their limits, and the tests the
iteration stops on.

With the postural setpoints fixed, a step solves (H + lam I) dq = -g among the coordinates of
``symmetry.subspace`` and is accepted when the energy falls by a fair share of the quadratic
model's prediction; the shift ``lam`` grows after a failed factorisation or a poor step and
shrinks after a good one, so steps stay short where the Hessian is indefinite
(``levenberg_step``).  Every step is capped to ``MAX_SHIFT_STEP`` and ``MAX_ANGLE_STEP`` per
coordinate (``cap_step``).  ``residuals`` is the convergence test (the stability test is the
Cholesky factorisation of H itself, in ``solver``).  The loop that sequences these steps and
the postural ones (``posture``) is ``solver._attempt``.

The constants below are compile-time constants of the kernels (numba freezes module globals);
the run-time options of a solve are only its tolerance and iteration cap.
"""

from __future__ import annotations

import math

from .energy import total_energy
from .jit import jit
from .linalg import cho_solve, cholesky
from .._generated.layout import (
    NQ, NR,
)
from .symmetry import expand, reduce_vector

# Levenberg shift: the first one after a failed factorisation is at least this share of the
# Hessian's largest diagonal entry (the usual scale of a first Levenberg-Marquardt shift,
# tau max(a_ii): Madsen, Nielsen & Tingleff 2004, "Methods for non-linear least squares
# problems", IMM, DTU).  Growing the shift from ~1e-6 body weights instead took ~11 failing
# factorisations on the first step (measured on the grid of benchmarks/static.py: 15.8 -> 6.4
# factorisations per solve).
LAM_START = 3e-3
# assumption / chosen: the smallest nonzero shift, in body weights times a metre (N m per m g):
# about one millionth of the body weight over a metre, far below the Hessian's scale
LAM_FLOOR = 1e-6
# chosen: the shift is multiplied by this after a failed factorisation or a rejected step (a
# fixed factor as in Marquardt 1963, whose was 10; Nielsen 1999's update instead doubles its
# factor after each failure)
LAM_GROW = 4.0
# chosen: and divided by this after a very good step; below LAM_SHRINK x LAM_FLOOR it drops to
# zero (pure Newton steps near the solution)
LAM_SHRINK = 4.0
# a step is accepted when its energy gain is at least this share of the quadratic model's
# prediction (the gain ratio test of trust-region methods, Nocedal & Wright 2006,
# "Numerical Optimization", Alg. 4.1, eta in [0, 1/4); the value chosen)
STEP_ACCEPT = 0.1
# ... and the shift shrinks when the gain ratio is above this (that algorithm's 3/4)
STEP_GOOD = 0.75
# chosen: a predicted gain or an energy change below this share of |V| + m g x 1 m is round-off
# (~450 units in the last place of a double): such a step is accepted unless the energy rises
# by more (lets the iteration finish where the energy can no longer resolve the step)
ROUNDOFF = 1e-13
# chosen: shift increases tried before the solve is 'stalled' (LAM_GROW**60 ~ 1e36 spans any
# shift from LAM_FLOOR up to far beyond the Hessian's scale)
LM_TRIES = 60
# assumption / chosen (the first version of the solver): the largest change of a coordinate per
# step, so that a step stays where the kinematics and contacts are nearly linear (~14 deg, 2 cm)
MAX_ANGLE_STEP = 0.25      # rad per Newton step
MAX_SHIFT_STEP = 0.02      # m per Newton step (the pelvis translations)


@jit
def residuals(g, C, fixed, mg):
    """Largest generalized force (in body weights) and largest postural constraint error."""
    res = 0.0
    for i in range(NQ):
        if not fixed[i]:
            res = max(res, abs(g[i]) / mg)
    rc = 0.0
    for k in range(NR):
        rc = max(rc, abs(C[k]))
    return res, rc


@jit
def cap_step(dq, dr, factor):
    """Scale a step down to ``factor`` times the largest allowed change of any coordinate."""
    big = 1.0
    for i in range(NQ):
        big = max(big, abs(dq[i]) / (factor * (MAX_SHIFT_STEP if i < 3 else MAX_ANGLE_STEP)))
    for k in range(NR):
        big = max(big, abs(dr[k]) / (factor * MAX_ANGLE_STEP))
    for i in range(NQ):
        dq[i] /= big
    for k in range(NR):
        dr[k] /= big


@jit
def factor(H, S, shift, L, n):
    """Factor the matrix of the steps (shifted): ``H`` itself, or ``S`` = P^T H P."""
    return cholesky(H, shift, L) if n == NQ else cholesky(S, shift, L, n)


@jit
def _largest_diagonal(H):
    d = H[0, 0]
    for i in range(1, NQ):
        d = max(d, H[i, i])
    return d


@jit
def freeze(fixed, g, H):
    """Remove prescribed coordinates from a gradient and Hessian."""
    for i in range(NQ):
        if fixed[i]:
            g[i] = 0.0
            for j in range(NQ):
                H[i, j] = 0.0
                H[j, i] = 0.0
            H[i, i] = 1.0


@jit
def levenberg_step(theta, q, r, v, g, H, gt, Ht, lam, lam_floor, ok0, factored, fixed, n, mg,
                   mirrored, ws):
    """One Levenberg-Marquardt step from ``q`` (energy ``v``, gradient ``g``, Hessian ``H``)
    with the setpoints ``r`` held: the trial point, its setpoints, gradient and Hessian are
    left in ``ws.qt``, ``ws.rt``, ``gt``, ``Ht`` (``ws``: the solver's workspace).

    ``S`` = P^T H P must be formed when ``n`` < NQ; ``ok0`` says whether H itself (shift 0)
    was factored into ``ws.L`` already this iteration (``factored``).

    Returns
    -------
    found, the new shift, the trial's energy
        ``found`` is False when no shift gave an acceptable step (status ``stalled``).
    """
    w, L, dq, dr, qt, rt, dz, S = ws.work, ws.L, ws.dq, ws.dr, ws.qt, ws.rt, ws.dz, ws.S
    # (trial evaluations write only gt, Ht and the workspace; g and H stay those of q)
    for k in range(NR):
        rt[k] = r[k]
    for _ in range(LM_TRIES):
        # (H itself was factored above: not again)
        if not (ok0 if lam == 0.0 and factored else factor(H, S, lam, L, n)):
            lam = max(LAM_GROW * lam, lam_floor, LAM_START * _largest_diagonal(H))
            continue
        reduce_vector(n, g, gt)
        for a in range(n):
            gt[a] = -gt[a]
        cho_solve(L, gt, dz, n)
        expand(n, dz, dq)
        for k in range(NR):
            dr[k] = 0.0
        cap_step(dq, dr, 1.0)
        pred = 0.0
        for i in range(NQ):
            qt[i] = q[i] + dq[i]
            hd = 0.0
            for j in range(NQ):
                hd += H[i, j] * dq[j]
            pred -= g[i] * dq[i] + 0.5 * dq[i] * hd
        vt = total_energy(qt, rt, theta, w, gt, Ht, mirrored)
        freeze(fixed, gt, Ht)
        gain = v - vt
        tiny = ROUNDOFF * (abs(v) + mg)
        if math.isfinite(vt) and (gain >= STEP_ACCEPT * pred or (pred < tiny and gain > -tiny)):
            if gain > STEP_GOOD * pred:
                lam = lam / LAM_SHRINK if lam > LAM_SHRINK * lam_floor else 0.0
            return True, lam, vt
        lam = max(LAM_GROW * lam, lam_floor)
    return False, lam, v
