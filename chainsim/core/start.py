"""The solver's start: a neutral posture with both feet on their supports, then loaded.

``initial_guess`` pitches each foot to its supports, lowers and rolls the pelvis and sets the
postural setpoints of that posture; loaded (the solver's start), it first flattens each arch
and turns each subtalar joint toward where a loaded foot settles, and lets each foot settle on
its supports under half the body weight (``_settle``).  A function of the model's own
parameters only, so a result does not depend on the other points of a batch.  Its scratch is
a ``StartWork`` (``new_start_work``), part of the solver's workspace.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .chain import pair_entry, point_entry
from .energy import contact_state, fascia_state, joint_spring, kinematics, set_reference, side
from .jit import jit, jit_alloc
from .linalg import cho_solve, cholesky
from .._generated.layout import (
    ANKLE, ARCH, ARCH_A, ARCH_C1, ARCH_C2, ARCH_C3, ARCH_RHO, CF_COMPLIANCE, CF_K,
    CONTACT_POINTS, C_HEEL_M, C_MT1, DRIVEN, DRV_ANGLE, DRV_FLAG, FASCIA_K, FASCIA_RADIUS,
    FOREFOOT, G_GRAVITY, G_HAT_MASS, G_LUMBAR_K, G_MASS, G_TRUNK, HIP_ADD, KP_HIP_Y, NB, NCF,
    NCONTACT, NDRV, P_FASCIA_ORIGIN, P_FASCIA_PULLEY, Q_LEFT, Q_LUMBAR, Q_RIGHT, R_ANKLE, R_HIP,
    R_LUMBAR_BEND, R_LUMBAR_EXT, SUBTALAR, S_ARCH, S_CONTACT, S_DRIVE, S_FASCIA, S_FOOT, S_KIN,
    S_REST, TOE, TP_HAT_CX,
)
from .newton import MAX_ANGLE_STEP, MAX_SHIFT_STEP
from .._generated.model import LEG_POINT_LAST, arch, contact

# the loaded start (initial_guess(loaded=True)); fitted to the default subject's equilibria on
# the benchmark grid (arch stiffness 30..400 N/mm, pronation -10..15 deg): they only shorten the
# way to the equilibrium, which does not depend on them
ARCH_GUESS_LEVER = 0.12    # arch moment per (half body weight x truncated foot length): 0.11..0.13
ARCH_GUESS_NEWTON = 12     # Newton steps for that arch angle
SUBTALAR_GUESS_SHARE = 0.72    # loaded subtalar angle ~ share x rest angle + loaded eversion
SUBTALAR_GUESS_LOADED = 0.045  # rad
# assumption / chosen: the feet pressed 3 mm into their supports, so that each starts loaded
PRELOAD = 0.003            # m
# chosen: Newton steps settling each foot on its supports (the settling cut the solve's mean
# iterations on the benchmark grid from 5.81 to 4.52, benchmarks/static.py; its steps are
# capped like the iteration's, newton.MAX_SHIFT_STEP and MAX_ANGLE_STEP)
SETTLE_STEPS = 3
# assumption / chosen: a guard keeping asin's argument in range: the start's pelvic roll, which
# levels the feet's different lifts, is at most asin(0.5) = 30 deg
MAX_ROLL_SINE = 0.5

#: chain coordinates each foot settles on in the initial guess: its height, forefoot, toes
SETTLE = (2, NB + FOREFOOT, NB + TOE)

#: Workspace of the start: per foot its pitch and lift (rows of ``foot``); the Newton steps
#: settling a foot in its three ``SETTLE`` coordinates: Hessian, its factor, gradient, a
#: Jacobian row or step, the step per foot; a contact's or the fascia's direction.
StartWork = namedtuple("StartWork", ("foot", "h3", "l3", "g3", "x3", "dx", "vec"))


@jit_alloc
def new_start_work():
    """Allocate the workspace of ``initial_guess``."""
    return StartWork(np.zeros((2, 2)), np.zeros((3, 3)), np.zeros((3, 3)), np.zeros(3),
                     np.zeros(3), np.zeros((2, 3)), np.zeros(3))


@jit
def _arch_guess(s, moment):
    """Arch angle (from its rest) at which the arch law of side block ``s`` carries ``moment``."""
    a = S_ARCH
    A, rho, c1, c2, c3 = s[a + ARCH_A], s[a + ARCH_RHO], s[a + ARCH_C1], s[a + ARCH_C2], s[a + ARCH_C3]
    if not (A > 0.0 and c1 > 0.0):
        return 0.0
    x = 0.0
    for _ in range(ARCH_GUESS_NEWTON):     # convex and increasing for x >= 0: Newton converges
        _, m, k = arch(x, A, rho, c1, c2, c3)
        x -= (m - moment) / k
    return x


@jit
def initial_guess(theta, w, sw, q, r, loaded=False, mirrored=False):
    """Neutral posture with both feet touching their supports.

    Each foot is pitched to the slope between its heel and forefoot supports (a heel lift),
    the pelvis lowered, and rolled where the legs differ in length, with the legs and trunk
    kept vertical (the ankle, hip and lumbar tone setpoints follow).  Also stores the neutral
    centre of mass as the balance reference (in the energy workspace ``w``; ``sw``: the
    start's own, ``new_start_work``).

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
    pitch, lift = sw.foot[0], sw.foot[1]
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
        _settle(theta, w, sw, q, r, lift, nk)


@jit
def _place(theta, q, r, lift):
    """Pelvis height and roll that lower each foot ``k`` by ``lift[k]`` (less the preload),
    with the legs and trunk kept vertical (the hip and lumbar setpoints follow)."""
    hw = side(theta, 0)[S_KIN + KP_HIP_Y] + side(theta, 1)[S_KIN + KP_HIP_Y]
    q[2] = 0.5 * (lift[0] + lift[1]) - PRELOAD
    roll = math.asin(max(-MAX_ROLL_SINE, min(MAX_ROLL_SINE, (lift[0] - lift[1]) / hw)))
    q[4] = roll
    q[Q_LEFT + HIP_ADD] = roll
    q[Q_RIGHT + HIP_ADD] = -roll
    q[Q_LUMBAR + 1] = roll
    r[R_HIP] = roll
    r[R_LUMBAR_BEND] = roll


@jit
def _settle(theta, w, sw, q, r, lift, nk):
    """Let each foot settle on its supports, the leg above held: Newton steps on the foot's
    height (``lift``; the pelvis follows, ``_place``), forefoot and toe angles for the energy
    of half the body weight, the foot's contacts, its plantar fascia and the forefoot and toe
    springs (Gauss-Newton Hessian of the contacts and fascia).

    The load then spreads over the supports instead of standing on the one edge or point the
    guess's pitch and subtalar turn left pressed in (the largest starting moments).  Both feet
    go through the same code (``nk`` = 1: the right foot is the left one's mirror image).
    """
    mg = theta[G_MASS] * theta[G_GRAVITY]
    d = sw.vec
    h, L, gr, u, dx = sw.h3, sw.l3, sw.g3, sw.x3, sw.dx
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
                                          d, SETTLE[a], NB + TOE, s[S_FASCIA + FASCIA_RADIUS], axes, origins,
                                          gsign)
                    _settle_term(u, d1, d2, gr, h)
            for a in (1, 2):
                i = SETTLE[a] - NB
                _, d1, d2, _ = joint_spring(s, i, q[q0 + i], 0.0)
                gr[a] += d1
                h[a, a] += d2
                if prescribed(theta, q0 + i):      # a prescribed toe angle stays
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
def prescribed(theta, i):
    """True if coordinate ``i`` is prescribed (a driven subtalar or toe angle)."""
    for k in range(2):
        for j in range(len(DRIVEN)):
            if i == (Q_LEFT if k == 0 else Q_RIGHT) + DRIVEN[j]:
                return side(theta, k)[S_DRIVE + NDRV * j + DRV_FLAG] != 0.0
    return False
