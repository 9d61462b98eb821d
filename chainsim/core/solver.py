"""Static equilibrium: minimise the potential energy by damped Newton steps.

An equilibrium is a stationary point of ``V(q)``; a *stable* one is a minimum, so the
solver descends ``V`` (Newton direction, Levenberg shift where the Hessian is not positive
definite, Armijo backtracking) and finally checks that the Hessian at the solution is
positive definite.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .chain import pair_entry, point_entry
from .energy import (
    contact_state, fascia_state, joint_spring, kinematics, new_work, set_reference, side,
    total_energy,
)
from .jit import jit, jit_alloc
from .linalg import cho_solve, cho_solve5, cholesky, lu_solve_small
from .._generated.layout import (
    ANKLE, ARCH, ARCH_A, ARCH_C1, ARCH_C2, ARCH_C3, ARCH_RHO, CF_COMPLIANCE, CF_K,
    CONTACT_POINTS, C_HEEL_M, C_MT1, DRIVEN, DRV_ANGLE, DRV_FLAG, FASCIA_K, FASCIA_RADIUS,
    FOREFOOT, G_BALANCE_K, G_GRAVITY, G_HAT_MASS, G_LUMBAR_K, G_MASS, G_TRUNK, G_UPRIGHT_K,
    HIP_ADD, KP_HIP_Y, NB, NCF, NCONTACT, NDRV, NONFINITE, NOT_CONVERGED, NQ, NR, OK,
    P_FASCIA_ORIGIN, P_FASCIA_PULLEY, Q_LEFT, Q_LUMBAR, Q_RIGHT, R_ANKLE, R_HIP, R_LUMBAR_BEND,
    R_LUMBAR_EXT, STALLED, SUBTALAR, S_ARCH, S_CONTACT, S_DRIVE, S_FASCIA, S_FOOT, S_KIN, S_REST,
    TOE, TP_HAT_CX, UNBALANCED, UNSTABLE,
)
from .symmetry import (
    ANTISYMMETRIC_SETPOINTS, expand, reduce_matrix, reduce_rows, reduce_vector, subspace,
)
from .._generated.model import LEG_POINT_LAST, arch, contact

assert NR + 1 == 5, "_postural_step solves g and the NR columns of dg/dr with cho_solve5"


# an indefinite Hessian is shifted by at least this share of its largest diagonal entry (the
# usual scale of a first Levenberg-Marquardt shift, tau max(a_ii): Madsen, Nielsen & Tingleff
# 2004, "Methods for non-linear least squares problems", IMM, DTU).  Growing the shift from
# ~1e-6 body weights instead took ~11 failing factorisations on the first step.
LAM_START = 3e-3
MAX_ANGLE_STEP = 0.25      # rad per Newton step
MAX_SHIFT_STEP = 0.02      # m per Newton step
# the solver's start (initial_guess(loaded=True)); fitted to the default subject's equilibria on
# the benchmark grid (arch stiffness 30..400 N/mm, pronation -10..15 deg): they only shorten the
# way to the equilibrium, which does not depend on them
ARCH_GUESS_LEVER = 0.12    # arch moment per (half body weight x truncated foot length): 0.11..0.13
ARCH_GUESS_NEWTON = 12     # Newton steps for that arch angle
SUBTALAR_GUESS_SHARE = 0.72    # loaded subtalar angle ~ share x rest angle + loaded eversion
SUBTALAR_GUESS_LOADED = 0.045  # rad
PRELOAD = 0.003            # initial guess: feet pressed 3 mm into their supports
SETTLE_STEPS = 3           # initial guess: Newton steps settling each foot on its supports
POSTURAL_SWITCH = math.inf     # below this force residual (body weights) the setpoints move ...
POSTURAL_SWITCH_MIN = 1e-4 # ... or below this one, in the cautious second attempt
POSTURAL_PATIENCE = 40     # postural steps without progress before giving up (second attempt)
POSTURAL_SLACK = 1.0       # force residual (body weights) a postural step may leave behind


@jit
def _arch_guess(s, moment):
    """Arch angle (from its rest) at which the arch law of side block ``s`` carries ``moment``."""
    a = S_ARCH
    A, rho, c1, c2, c3 = (s[a + ARCH_A], s[a + ARCH_RHO], s[a + ARCH_C1], s[a + ARCH_C2],
                          s[a + ARCH_C3])
    if not (A > 0.0 and c1 > 0.0):
        return 0.0
    x = 0.0
    for _ in range(ARCH_GUESS_NEWTON):     # convex and increasing for x >= 0: Newton converges
        _, m, k = arch(x, A, rho, c1, c2, c3)
        x -= (m - moment) / k
    return x


@jit
def initial_guess(theta, w, q, r, loaded=False, mirrored=False):
    """Neutral posture with both feet touching their supports.

    Each foot is pitched to the slope between its heel and forefoot supports (a heel lift),
    the pelvis lowered, and rolled where the legs differ in length, with the legs and trunk
    kept vertical (the ankle, hip and lumbar tone setpoints follow).  Also stores the neutral
    centre of mass as the balance reference.

    ``loaded`` (the solver's start): each arch is first flattened as under half the body
    weight and each subtalar joint turned toward where a loaded foot settles, the two
    coordinates that carry most of the way from the neutral posture to the equilibrium (the
    ankle's pitch then keeps heel and forefoot on their supports); then each foot settles on
    its supports under half the body weight (``_settle``).  A function of the model's own
    parameters only.  ``mirrored``: the model is mirror-symmetric (``symmetry``), so the right
    foot's kinematics, the left one's, are not computed.
    """
    nk = 1 if mirrored else 2              # the feet whose kinematics are computed
    set_reference(theta, w, q)            # (leaves the kinematics of q = 0 in w)
    points = w.points
    if loaded:
        mg = theta[G_MASS] * theta[G_GRAVITY]
        for k in range(2):
            s = side(theta, k)
            q0 = Q_LEFT if k == 0 else Q_RIGHT
            q[q0 + SUBTALAR] = (SUBTALAR_GUESS_SHARE * s[S_REST + SUBTALAR]
                                + SUBTALAR_GUESS_LOADED)
            q[q0 + ARCH] = s[S_REST + ARCH] + _arch_guess(
                s, ARCH_GUESS_LEVER * 0.5 * mg * s[S_FOOT])
        kinematics(q, theta, w, mirrored)
    pitch, lift = w.foot[0], w.foot[1]
    for k in range(nk):
        s = side(theta, k)
        ph, _, _, nzh = contact_state(s, C_HEEL_M, points[1 + k, CONTACT_POINTS[C_HEEL_M]])
        pm, _, _, nzm = contact_state(s, C_MT1, points[1 + k, CONTACT_POINTS[C_MT1]])
        rise = ph / nzh - pm / nzm          # support heights under the heel and forefoot
        run = points[1 + k, CONTACT_POINTS[C_MT1], 0] - points[1 + k, CONTACT_POINTS[C_HEEL_M], 0]
        pitch[k] = math.atan2(rise, run)
    pitch[1] = pitch[nk - 1]           # (the same when mirrored)
    q[Q_LEFT + ANKLE] = -pitch[0]
    q[Q_RIGHT + ANKLE] = -pitch[1]
    kinematics(q, theta, w, mirrored)
    for k in range(nk):
        s = side(theta, k)
        best = np.inf
        for c in range(NCONTACT):
            if s[S_CONTACT + NCF * c + CF_K] > 0.0:
                pen, nx, ny, nz = contact_state(s, c, points[1 + k, CONTACT_POINTS[c]])
                best = min(best, -pen / nz)
        lift[k] = -best if best < np.inf else 0.0
    lift[1] = lift[nk - 1]
    r[:] = 0.0
    _place(theta, q, r, lift)
    r[R_ANKLE] = -0.5 * (pitch[0] + pitch[1])
    # the lumbar tone set to hold the trunk upright against its weight
    hat = theta[G_HAT_MASS] * theta[G_GRAVITY] * theta[G_TRUNK + TP_HAT_CX]     # moment about L5/S1
    r[R_LUMBAR_EXT] = hat / theta[G_LUMBAR_K]
    for k in range(2):
        s = side(theta, k)
        # toes at their rest angle when that lifts them (clawed toes hang off the floor)
        q[(Q_LEFT if k == 0 else Q_RIGHT) + TOE] = max(s[S_REST + TOE], 0.0)
        for j in range(len(DRIVEN)):
            if s[S_DRIVE + NDRV * j + DRV_FLAG] != 0.0:
                q[(Q_LEFT if k == 0 else Q_RIGHT) + DRIVEN[j]] = s[S_DRIVE + NDRV * j + DRV_ANGLE]
    if loaded:
        _settle(theta, w, q, r, lift, nk)


@jit
def _place(theta, q, r, lift):
    """Pelvis height and roll that lower each foot ``k`` by ``lift[k]`` (less the preload),
    with the legs and trunk kept vertical (the hip and lumbar setpoints follow)."""
    hw = side(theta, 0)[S_KIN + KP_HIP_Y] + side(theta, 1)[S_KIN + KP_HIP_Y]
    q[2] = 0.5 * (lift[0] + lift[1]) - PRELOAD
    roll = math.asin(max(-0.5, min(0.5, (lift[0] - lift[1]) / hw)))
    q[4] = roll
    q[Q_LEFT + HIP_ADD] = roll
    q[Q_RIGHT + HIP_ADD] = -roll
    q[Q_LUMBAR + 1] = roll
    r[R_HIP] = roll
    r[R_LUMBAR_BEND] = roll


#: chain coordinates each foot settles on in the initial guess: its height, forefoot, toes
SETTLE = (2, NB + FOREFOOT, NB + TOE)


@jit
def _settle(theta, w, q, r, lift, nk):
    """Let each foot settle on its supports, the leg above held: Newton steps on the foot's
    height (``lift``; the pelvis follows, ``_place``), forefoot and toe angles for the energy
    of half the body weight, the foot's contacts, its plantar fascia and the forefoot and toe
    springs (Gauss-Newton Hessian of the contacts and fascia).

    The load then spreads over the supports instead of standing on the one edge or point the
    guess's pitch and subtalar turn left pressed in (the largest starting moments).  Both feet
    go through the same code (``nk`` = 1: the right foot is the left one's mirror image).
    """
    mg = theta[G_MASS] * theta[G_GRAVITY]
    d = w.vec
    h, L, gr, u, dx = w.h3, w.l3, w.g3, w.x3, w.dx
    for _ in range(SETTLE_STEPS):
        kinematics(q, theta, w, nk == 1)
        for k in range(nk):
            c, s, q0 = 1 + k, side(theta, k), (Q_LEFT if k == 0 else Q_RIGHT)
            axes, origins, points, gsign = w.axes[c], w.origins[c], w.points[c], w.gsign[c]
            gr[:] = 0.0
            h[:, :] = 0.0
            gr[0] = 0.5 * mg
            for ci in range(NCONTACT):         # E(pen), pen = offset - n.p
                b = S_CONTACT + NCF * ci
                pt = CONTACT_POINTS[ci]
                pen, d[0], d[1], d[2] = contact_state(s, ci, points[pt])
                if s[b + CF_K] == 0.0 or pen <= 0.0:
                    continue
                _, d1, d2 = contact(pen, s[b + CF_K], s[b + CF_COMPLIANCE])
                for a in range(3):
                    u[a] = point_entry(points[pt], LEG_POINT_LAST[pt], d, SETTLE[a], axes,
                                       origins, gsign)
                _settle_term(u, -d1, d2, gr, h)
            if s[S_FASCIA + FASCIA_K] > 0.0:
                stretch, _, _, d[0], d[1], d[2] = fascia_state(s, points, q[q0 + TOE])
                if stretch > 0.0:
                    _, d1, d2 = contact(stretch, s[S_FASCIA + FASCIA_K], 0.0)
                    for a in range(3):
                        u[a] = pair_entry(points[P_FASCIA_ORIGIN], LEG_POINT_LAST[P_FASCIA_ORIGIN],
                                          points[P_FASCIA_PULLEY], LEG_POINT_LAST[P_FASCIA_PULLEY],
                                          d, SETTLE[a], NB + TOE, s[S_FASCIA + FASCIA_RADIUS],
                                          axes, origins, gsign)
                    _settle_term(u, d1, d2, gr, h)
            for a in (1, 2):
                i = SETTLE[a] - NB
                _, d1, d2, _ = joint_spring(s, i, q[q0 + i], 0.0)
                gr[a] += d1
                h[a, a] += d2
                if _fixed(theta, q0 + i):      # a prescribed toe angle stays
                    gr[a] = 0.0
                    h[a, :] = 0.0
                    h[:, a] = 0.0
                    h[a, a] = 1.0
            if not cholesky(h, 0.0, L):
                return
            gr *= -1.0
            cho_solve(L, gr, u)
            big = max(1.0, abs(u[0]) / MAX_SHIFT_STEP, abs(u[1]) / MAX_ANGLE_STEP,
                      abs(u[2]) / MAX_ANGLE_STEP)
            for a in range(3):
                dx[k, a] = u[a] / big
        for a in range(3):
            dx[1, a] = dx[nk - 1, a]
        for k in range(2):
            q0 = Q_LEFT if k == 0 else Q_RIGHT
            lift[k] += dx[k, 0]
            q[q0 + FOREFOOT] += dx[k, 1]
            q[q0 + TOE] += dx[k, 2]
        _place(theta, q, r, lift)


@jit
def _settle_term(u, d1, d2, g, h):
    """Gradient ``d1 u`` and curvature ``d2 u u^T`` of a potential whose Jacobian in the
    ``SETTLE`` coordinates is ``u``."""
    for a in range(3):
        g[a] += d1 * u[a]
        for b in range(3):
            h[a, b] += d2 * u[a] * u[b]


@jit
def _fixed(theta, i):
    """True if coordinate ``i`` is prescribed (a driven subtalar or toe angle)."""
    for k in range(2):
        for j in range(len(DRIVEN)):
            if i == (Q_LEFT if k == 0 else Q_RIGHT) + DRIVEN[j]:
                return side(theta, k)[S_DRIVE + NDRV * j + DRV_FLAG] != 0.0
    return False


@jit
def _residual(g, C, fixed, mg):
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
def _merit(res, C, theta, mg):
    """Residual of the full system in body weights: forces, and the feedback forces that the
    postural errors would cause (balance: k_b * error, trunk: k_up * tilt per metre)."""
    m = res
    for k in range(NR):
        gain = theta[G_BALANCE_K] if k < 2 else theta[G_UPRIGHT_K]
        m = max(m, abs(C[k]) * gain / mg)
    return m


@jit
def _cap(dq, dr, factor):
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
def _factor(H, S, shift, L, n):
    """Factor the matrix of the steps (shifted): ``H`` itself, or ``S`` = P^T H P."""
    return cholesky(H, shift, L) if n == NQ else cholesky(S, shift, L, n)


@jit
def _postural_step(ws, g, fixed, n):
    """Newton step of the full system: equilibrium g(q, r) = 0 and postural constraints C = 0.

    With ``H`` factored (in the ``n`` coordinates of ``subspace``), dq = -H^-1 (g + B dr)
    and A^T dq = -C give a 4 x 4 system for dr.  Returns False when the system is singular.
    """
    w, L, dq, dr, dz = ws.work, ws.L, ws.dq, ws.dr, ws.dz
    B, A, C = w.B, w.A, w.C
    R, Y, M, rhs, Ar = ws.R, ws.Y, ws.M, ws.rhs, ws.Ar
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
def solve(theta, q, r, tol, max_iter, ws):
    """Solve one model in place: the equilibrium ``q`` and the postural setpoints ``r``.

    Far from equilibrium, Levenberg-Marquardt steps on the energy with the setpoints fixed:
    (H + lam I) dq = -g, accepted when the energy falls by a fair share of the quadratic
    model's prediction (``lam`` grows after a poor step and shrinks after a good one, so steps
    stay short where the Hessian is indefinite).  Near equilibrium, Newton steps of the full
    system that also move the setpoints until the centre of mass is over its reference and the
    trunk upright.  If the setpoints stop making progress (status ``unbalanced``), a second,
    more cautious attempt moves them only once the forces are almost balanced.  A
    mirror-symmetric model's steps are solved among its symmetric postures (``symmetry``).

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
    ws : Workspace
        From ``new_workspace``.

    Returns
    -------
    status, iterations, residual
    """
    status, it, res = _attempt(theta, q, r, tol, max_iter, ws, POSTURAL_SWITCH, 8)
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
    w, g, H, L, dq, dr, fixed = ws.work, ws.g, ws.H, ws.L, ws.dq, ws.dr, ws.fixed
    qt, gt, Ht, rt, dz, S = ws.qt, ws.gt, ws.Ht, ws.rt, ws.dz, ws.S
    n = subspace(theta)
    mirrored = n < NQ              # (the posture stays symmetric: see ``symmetry``)
    initial_guess(theta, w, q, r, True, mirrored)
    mg = theta[G_MASS] * theta[G_GRAVITY]
    for i in range(NQ):
        fixed[i] = _fixed(theta, i)
    v = total_energy(q, r, theta, w, g, H, mirrored)
    _freeze(fixed, g, H)
    lam = 0.0
    lam_floor = 1e-6 * mg          # N m: about one millionth of body weight times a metre
    res = np.inf
    best_rc = np.inf
    best_res = np.inf
    stall = 0
    for it in range(max_iter + 1):
        res, rc = _residual(g, w.C, fixed, mg)
        if not (math.isfinite(res) and math.isfinite(v)):
            return NONFINITE, it, res
        if res < tol and rc < tol:
            return (OK if cholesky(H, 0.0, L) else UNSTABLE), it, res
        if it == max_iter:
            break
        # the postural rules cannot be met (e.g. the centre of mass cannot be brought over
        # the feet): postural steps stop improving them while the forces are nearly balanced
        if res < switch:
            if rc < 0.5 * best_rc or res < 0.5 * best_res:    # progress on either
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
        if res < switch:
            ok0 = _factor(H, S, 0.0, L, n)
            factored = True
        if res < switch and ok0 and _postural_step(ws, g, fixed, n):
            _cap(dq, dr, 4.0)         # Newton steps of the full system may go further
            before = _merit(res, w.C, theta, mg)
            alpha = 1.0
            for _ in range(8):
                for i in range(NQ):
                    qt[i] = q[i] + alpha * dq[i]
                for k in range(NR):
                    rt[k] = r[k] + alpha * dr[k]
                vt = total_energy(qt, rt, theta, w, gt, Ht, mirrored)
                _freeze(fixed, gt, Ht)
                res2, rc2 = _residual(gt, w.C, fixed, mg)
                # a postural step moves the setpoints to their linear prediction; the force
                # residual it leaves (contacts are nonlinear) is then removed by LM steps
                if math.isfinite(vt) and (_merit(res2, w.C, theta, mg) < before
                                          or (rc2 < 0.5 * rc and res2 < POSTURAL_SLACK)):
                    accepted = True
                    break
                alpha *= 0.5
        if not accepted:
            if res < switch:
                switch = max(0.1 * switch, POSTURAL_SWITCH_MIN)
            # (trial evaluations write only gt, Ht and the workspace; g and H stay those of q)
            for k in range(NR):
                rt[k] = r[k]
            for attempt in range(60):
                # (H itself was factored above: not again)
                if not (ok0 if lam == 0.0 and factored else _factor(H, S, lam, L, n)):
                    lam = max(4.0 * lam, lam_floor, LAM_START * _largest_diagonal(H))
                    continue
                reduce_vector(n, g, gt)
                for a in range(n):
                    gt[a] = -gt[a]
                cho_solve(L, gt, dz, n)
                expand(n, dz, dq)
                for k in range(NR):
                    dr[k] = 0.0
                _cap(dq, dr, 1.0)
                pred = 0.0
                for i in range(NQ):
                    qt[i] = q[i] + dq[i]
                    hd = 0.0
                    for j in range(NQ):
                        hd += H[i, j] * dq[j]
                    pred -= g[i] * dq[i] + 0.5 * dq[i] * hd
                vt = total_energy(qt, rt, theta, w, gt, Ht, mirrored)
                _freeze(fixed, gt, Ht)
                gain = v - vt
                tiny = 1e-13 * (abs(v) + mg)
                if math.isfinite(vt) and (gain >= 0.1 * pred or (pred < tiny and gain > -tiny)):
                    if gain > 0.75 * pred:
                        lam = lam / 4.0 if lam > 4.0 * lam_floor else 0.0
                    break
                lam = max(4.0 * lam, lam_floor)
            else:
                return STALLED, it, res
        for i in range(NQ):
            q[i] = qt[i]
        for k in range(NR):
            r[k] = rt[k]
        g, gt = gt, g              # the trial's gradient and Hessian become the iterate's
        H, Ht = Ht, H
        v = vt
    return NOT_CONVERGED, max_iter, res


@jit
def _largest_diagonal(H):
    d = H[0, 0]
    for i in range(1, NQ):
        d = max(d, H[i, i])
    return d


@jit
def _freeze(fixed, g, H):
    """Remove prescribed coordinates from a gradient and Hessian."""
    for i in range(NQ):
        if fixed[i]:
            g[i] = 0.0
            for j in range(NQ):
                H[i, j] = 0.0
                H[j, i] = 0.0
            H[i, i] = 1.0


#: Workspace of ``solve``: the energy's (``work``); gradient, Hessian and its factor at the
#: iterate; step; trial point, its gradient, Hessian and setpoints (the two gradient-Hessian
#: pairs trade places when a step is taken, so neither is left holding the solution's); the
#: postural step's right-hand sides, solutions and small system; which coordinates are
#: prescribed; in the coordinates the steps solve for (``subspace``), the Hessian, a step and
#: dC/dq.
Workspace = namedtuple("Workspace", (
    "work", "g", "H", "L", "dq", "dr", "qt", "gt", "Ht", "rt", "R", "Y", "M", "rhs", "fixed",
    "S", "dz", "Ar"))


@jit_alloc
def new_workspace():
    """Allocate the workspace of ``solve``."""
    return Workspace(new_work(), np.empty(NQ), np.empty((NQ, NQ)), np.empty((NQ, NQ)),
                     np.empty(NQ), np.empty(NR), np.empty(NQ), np.empty(NQ), np.empty((NQ, NQ)),
                     np.empty(NR), np.empty((NQ, NR + 1)), np.empty((NQ, NR + 1)),
                     np.empty((NR, NR)), np.empty(NR), np.zeros(NQ, np.bool_),
                     np.zeros((NQ, NQ)), np.zeros(NQ), np.zeros((NQ, NR)))

