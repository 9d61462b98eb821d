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
"""

from __future__ import annotations

import math

from .energy import total_energy
from .jit import jit
from .linalg import cho_solve, cholesky
from .layout import NQ, NR
from .symmetry import expand, reduce_vector

# an indefinite Hessian is shifted by at least this share of its largest diagonal entry (the
# usual scale of a first Levenberg-Marquardt shift, tau max(a_ii): Madsen, Nielsen & Tingleff
# 2004, "Methods for non-linear least squares problems", IMM, DTU).  Growing the shift from
# ~1e-6 body weights instead took ~11 failing factorisations on the first step.
LAM_START = 3e-3
MAX_ANGLE_STEP = 0.25      # rad per Newton step
MAX_SHIFT_STEP = 0.02      # m per Newton step


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
    for _ in range(60):
        # (H itself was factored above: not again)
        if not (ok0 if lam == 0.0 and factored else factor(H, S, lam, L, n)):
            lam = max(4.0 * lam, lam_floor, LAM_START * _largest_diagonal(H))
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
        tiny = 1e-13 * (abs(v) + mg)
        if math.isfinite(vt) and (gain >= 0.1 * pred or (pred < tiny and gain > -tiny)):
            if gain > 0.75 * pred:
                lam = lam / 4.0 if lam > 4.0 * lam_floor else 0.0
            return True, lam, vt
        lam = max(4.0 * lam, lam_floor)
    return False, lam, v
