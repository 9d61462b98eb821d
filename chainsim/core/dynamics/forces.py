"""Internal forces of the moving chain: joint springs and dampers, the plantar fascia.

The springs are the statics' (``chainsim.core.energy``): postural tone, the passive moments of
Falisse et al. 2019, the knee limits, the arch law and the forefoot ligaments, and the plantar
fascia with its windlass.  What the dynamics leave out are the statics' postural *rules* (the
balance and trunk-upright feedback): they pull on the centre of mass and the trunk from outside
the body, so in motion they would be sky-hooks.  The tone of the held joints (hips, knees,
ankles, subtalar joints, toes, lumbar spine) is centred on the touchdown posture ``posture``
(offsets from the structural rest angles): the muscles hold the landing posture; the arch and
the forefoot keep their anatomical rest.

Every joint has a damper: Falisse's passive 0.1 N m s/rad plus the tone's viscosity
(``S_DAMPING``, ``G_LUMBAR_DAMPING``).
"""

from __future__ import annotations

from ..._generated.model import LEG_POINT_LAST, contact, falisse
from ..chain import add_pair_stiffness
from ..energy import LEFT, RIGHT, fascia_state, joint_spring, side
from ..jit import jit
from ..._generated.layout import (
    ARCH, FASCIA_K, FASCIA_RADIUS, FOREFOOT, G_LUMBAR_DAMPING, G_LUMBAR_K, NB, NL, NLUM,
    P_FASCIA_ORIGIN, P_FASCIA_PULLEY, Q_LEFT, Q_LUMBAR, Q_RIGHT, S_DAMPING, S_FASCIA, TOE,
)
from ..passive import LUMBAR_FALISSE
from .rigid import add_point_force

SPRINGS, DAMPING = 2, 4


@jit
def held(k):
    """Whether leg coordinate ``k`` is held by muscle tone about the touchdown posture."""
    return k != ARCH and k != FOREFOOT


@jit
def joint_energy(q, theta, posture):
    """Energy of every joint spring (legs and lumbar spine) at ``q``."""
    e = 0.0
    for k in range(2):
        s = side(theta, k)
        q0 = Q_LEFT if k == 0 else Q_RIGHT
        for j in range(NL):
            sp = posture[q0 + j] if held(j) else 0.0
            e += joint_spring(s, j, q[q0 + j], sp)[0]
    for j in range(NLUM):
        x = q[Q_LUMBAR + j]
        c = LUMBAR_FALISSE[j]
        d = x - posture[Q_LUMBAR + j]
        e += 0.5 * theta[G_LUMBAR_K + j] * d * d + falisse(x, c[0], c[1], c[2], c[3], c[4], c[5])[0]
    return e


@jit
def joint_forces(q, v, theta, posture, flags, rhs, Jm, cq, cv, jac):
    """Add the joint springs' and dampers' generalized forces to ``rhs``; with ``jac``, their
    stiffness (``cq`` times) and damping (``cv`` times) to the diagonal of ``Jm``."""
    springs = (flags & SPRINGS) != 0
    damping = (flags & DAMPING) != 0
    for k in range(2):
        s = side(theta, k)
        q0 = Q_LEFT if k == 0 else Q_RIGHT
        for j in range(NL):
            i = q0 + j
            if springs:
                sp = posture[i] if held(j) else 0.0
                _, d1, d2, _ = joint_spring(s, j, q[i], sp)
                rhs[i] -= d1
                if jac:
                    Jm[i, i] += cq * d2
            if damping:
                d = s[S_DAMPING + j]
                rhs[i] -= d * v[i]
                if jac:
                    Jm[i, i] += cv * d
    for j in range(NLUM):
        i = Q_LUMBAR + j
        if springs:
            x = q[i]
            c = LUMBAR_FALISSE[j]
            kk = theta[G_LUMBAR_K + j]
            _, p1, p2 = falisse(x, c[0], c[1], c[2], c[3], c[4], c[5])
            rhs[i] -= kk * (x - posture[i]) + p1
            if jac:
                Jm[i, i] += cq * (kk + p2)
        if damping:
            d = theta[G_LUMBAR_DAMPING + j]
            rhs[i] -= d * v[i]
            if jac:
                Jm[i, i] += cv * d


@jit
def fascia_energy(theta, ws):
    """Elastic energy of both plantar fasciae (after ``prepare``)."""
    e = 0.0
    w = ws.w
    for ch in (LEFT, RIGHT):
        s = side(theta, ch - 1)
        if s[S_FASCIA + FASCIA_K] == 0.0:
            continue
        stretch = fascia_state(s, w.points[ch], w.qc[ch, NB + TOE])[0]
        if stretch > 0.0:
            e += contact(stretch, s[S_FASCIA + FASCIA_K], 0.0)[0]
    return e


@jit
def fascia_forces(theta, ws, rhs, cq, jac):
    """The plantar fasciae: tension as point forces on the calcaneus and the first metatarsal
    head (``ws.fext``), the windlass as a moment on the toes (``rhs``), and their axial
    stiffness in ``ws.Jm``."""
    w = ws.w
    fascia_forces_arrays(theta, w.points, w.qc, w.axes, w.origins, w.gmap, w.gsign, ws.fext,
                         ws.vec, ws.u, ws.Jm, rhs, cq, jac)


@jit
def fascia_forces_arrays(theta, points, qc, axes, origins, gmap, gsign, fext, f, u, Jm, rhs, cq,
                         jac):
    """``fascia_forces`` on the workspace's arrays (``eom.evaluate_arrays``)."""
    for ch in (LEFT, RIGHT):
        s = side(theta, ch - 1)
        kf = s[S_FASCIA + FASCIA_K]
        if kf == 0.0:
            continue
        pts = points[ch]
        stretch, tension, length, u0, u1, u2 = fascia_state(s, pts, qc[ch, NB + TOE])
        if stretch <= 0.0:
            continue
        la, lb = LEG_POINT_LAST[P_FASCIA_ORIGIN], LEG_POINT_LAST[P_FASCIA_PULLEY]
        f[0], f[1], f[2] = -tension * u0, -tension * u1, -tension * u2
        add_point_force(pts[P_FASCIA_PULLEY], f, fext[ch, lb])
        f[0], f[1], f[2] = tension * u0, tension * u1, tension * u2
        add_point_force(pts[P_FASCIA_ORIGIN], f, fext[ch, la])
        q0 = Q_LEFT if ch == LEFT else Q_RIGHT
        rhs[q0 + TOE] -= tension * s[S_FASCIA + FASCIA_RADIUS]
        if jac:
            k2 = contact(stretch, kf, 0.0)[2]
            f[0], f[1], f[2] = u0, u1, u2
            add_pair_stiffness(pts[P_FASCIA_ORIGIN], la, pts[P_FASCIA_PULLEY], lb, f, cq * k2,
                               NB + TOE, s[S_FASCIA + FASCIA_RADIUS], axes[ch], origins[ch], u,
                               gmap[ch], gsign[ch], Jm)
