"""Ground contact of the moving feet: compliant, push-only normal forces with tissue and
cushioning damping, and tangential (shear) springs held by Coulomb friction.

Per contact point (``layout.CONTACT_NAMES``) of each foot:

* **Normal.** The statics' elastic law (``_generated.model.contact``: F = k d^2 of the tissue's
  penetration ``d``, in series with the insole's cushioning compliance) times the Hunt-Crossley
  factor of the plantar tissue, ``1 + alpha d'``; plus the cushioning layer's viscous damping
  ``c d'``, engaging over the layer's first millimetre of compression.  The sum is clipped
  at zero: the ground pushes, never pulls.
* **Tangential.** A spring and damper in the support plane from where the point touched down
  (its *anchor*, ``ws.anchors``), capped by ``mu N`` (Coulomb); beyond the cap the anchor slides
  so that the spring holds exactly ``mu N`` (``update_anchors``, once per accepted step).

``contact_forces`` adds the forces to the Newton-Euler external forces and, for the implicit
step, their stiffness and damping along the normal and the two tangents to ``ws.Jm``.
"""

from __future__ import annotations

import math

from ..._generated.model import LEG_POINT_LAST, contact
from ..energy import LEFT, RIGHT, contact_state, side
from ..jit import jit
from ..layout import (
    CONTACT_POINTS, G_FRICTION, NCF, NCONTACT, S_CONTACT, S_CUSHION_DAMPING, S_SHEAR,
    S_TISSUE_DAMPING,
)
from .rigid import add_point_force, point_velocity

#: Compression of a cushioning layer over which its damper engages (m; assumption).
CUSHION_RAMP = 1e-3


@jit
def tangents(nx, ny, nz, t1, t2):
    """Two unit tangents of the support plane with normal ``n`` (t1 along x projected)."""
    d = nx
    a0, a1, a2 = 1.0 - d * nx, -d * ny, -d * nz
    r = math.sqrt(a0 * a0 + a1 * a1 + a2 * a2)
    t1[0], t1[1], t1[2] = a0 / r, a1 / r, a2 / r
    t2[0] = ny * t1[2] - nz * t1[1]
    t2[1] = nz * t1[0] - nx * t1[2]
    t2[2] = nx * t1[1] - ny * t1[0]


@jit
def add_point_stiffness(p, last, n, kn, t1, t2, kt, axes, origins, u, gmap, gsign, H):
    """H += kn un un^T + kt (u1 u1^T + u2 u2^T), u_j = d . dp/dq_j for d = n, t1, t2 (upper
    triangle; ``chain.add_stiffness`` for three directions in one pass, ``u`` (3, NCHAIN))."""
    m = last + 1
    for j in range(m):
        if j < 3:
            u[0, j] = gsign[j] * n[j]
            u[1, j] = gsign[j] * t1[j]
            u[2, j] = gsign[j] * t2[j]
        else:
            r0 = p[0] - origins[j, 0]
            r1 = p[1] - origins[j, 1]
            r2 = p[2] - origins[j, 2]
            # d . (w x r) = (r x w) . d
            c0 = r1 * axes[j, 2] - r2 * axes[j, 1]
            c1 = r2 * axes[j, 0] - r0 * axes[j, 2]
            c2 = r0 * axes[j, 1] - r1 * axes[j, 0]
            sg = gsign[j]
            u[0, j] = sg * (c0 * n[0] + c1 * n[1] + c2 * n[2])
            u[1, j] = sg * (c0 * t1[0] + c1 * t1[1] + c2 * t1[2])
            u[2, j] = sg * (c0 * t2[0] + c1 * t2[1] + c2 * t2[2])
    for j in range(m):
        a0, a1, a2 = kn * u[0, j], kt * u[1, j], kt * u[2, j]
        gj = gmap[j]
        for i in range(j + 1):
            H[gmap[i], gj] += u[0, i] * a0 + u[1, i] * a1 + u[2, i] * a2


@jit
def contact_forces(theta, ws, cq, cv, jac, damping):
    """Ground forces on both feet at the prepared state (``eom.prepare``).

    Writes ``ws.cforce`` (world force on each contact, the chain's own world), ``ws.cnormal``
    (normal force, N) and ``ws.cslip`` (1 where the shear force sits on the friction cone);
    adds the forces to ``ws.fext`` and, with ``jac``, ``cq`` times their stiffness and ``cv``
    times their damping to ``ws.Jm`` (upper triangle).  ``damping`` switches the tissue and
    cushion dampers (and the shear damper) on.
    """
    w = ws.w
    mu = theta[G_FRICTION]
    t1 = ws.tmp[0:3]
    t2 = ws.tmp[3:6]
    vp = ws.vec
    f = ws.tmp2[0:3]
    for ch in (LEFT, RIGHT):
        k = ch - 1
        s = side(theta, k)
        pts = w.points[ch]
        alpha = s[S_TISSUE_DAMPING] if damping else 0.0
        kt = s[S_SHEAR]
        ct = s[S_SHEAR + 1] if damping else 0.0
        for ci in range(NCONTACT):
            ws.cforce[k, ci, 0] = 0.0
            ws.cforce[k, ci, 1] = 0.0
            ws.cforce[k, ci, 2] = 0.0
            ws.cnormal[k, ci] = 0.0
            ws.cslip[k, ci] = 0.0
            b = S_CONTACT + NCF * ci
            kn = s[b + 4]
            if kn == 0.0:
                continue
            pt = CONTACT_POINTS[ci]
            last = LEG_POINT_LAST[pt]
            p = pts[pt]
            pen, nx, ny, nz = contact_state(s, ci, p)
            if pen <= 0.0:
                continue
            point_velocity(ws.V[ch, last], p, vp)
            pend = -(nx * vp[0] + ny * vp[1] + nz * vp[2])       # penetration rate
            _, fel, kel = contact(pen, kn, s[b + 5])
            # the layer's damper engages over its first millimetre of compression (x_c = its
            # share of the penetration): no jump in force at touchdown (assumption)
            cc = s[S_CUSHION_DAMPING + ci] if damping else 0.0
            if cc != 0.0:
                cc *= min(1.0, fel * s[b + 5] / CUSHION_RAMP)
            fn = fel * (1.0 + alpha * pend) + cc * pend
            if fn <= 0.0:
                continue
            kdn = kel * (1.0 + alpha * pend)                      # dN/d(pen)
            cdn = fel * alpha + cc                                # dN/d(pen')
            # shear: spring from the anchor, damper on the sliding velocity, friction cone
            tangents(nx, ny, nz, t1, t2)
            a = ws.anchors[k, ci]
            ft1 = 0.0
            ft2 = 0.0
            if not math.isnan(a[0]):
                d0, d1, d2 = p[0] - a[0], p[1] - a[1], p[2] - a[2]
                u1 = t1[0] * d0 + t1[1] * d1 + t1[2] * d2
                u2 = t2[0] * d0 + t2[1] * d1 + t2[2] * d2
                w1 = t1[0] * vp[0] + t1[1] * vp[1] + t1[2] * vp[2]
                w2 = t2[0] * vp[0] + t2[1] * vp[1] + t2[2] * vp[2]
                ft1 = -kt * u1 - ct * w1
                ft2 = -kt * u2 - ct * w2
                ftn = math.sqrt(ft1 * ft1 + ft2 * ft2)
                if ftn > mu * fn:
                    sc = mu * fn / ftn
                    ft1 *= sc
                    ft2 *= sc
                    ws.cslip[k, ci] = 1.0
            for i in range(3):
                f[i] = fn * (nx if i == 0 else (ny if i == 1 else nz)) + ft1 * t1[i] + ft2 * t2[i]
                ws.cforce[k, ci, i] = f[i]
            ws.cnormal[k, ci] = fn
            add_point_force(p, f, ws.fext[ch, last])
            if jac:
                f[0], f[1], f[2] = nx, ny, nz
                ktt = cq * kt + cv * ct if ws.cslip[k, ci] == 0.0 and not math.isnan(a[0]) \
                    else 0.0
                add_point_stiffness(p, last, f, cq * kdn + cv * cdn, t1, t2, ktt,
                                    w.axes[ch], w.origins[ch], ws.u3, w.gmap[ch],
                                    w.gsign[ch], ws.Jm)


@jit
def update_anchors(theta, ws):
    """After an accepted step: anchor contacts that touched down, free those that lifted off,
    slide those on the friction cone to where their spring holds ``mu N``.

    Uses the kinematics and contact forces of the last ``eom.evaluate`` (at the new state).
    """
    w = ws.w
    mu = theta[G_FRICTION]
    t1 = ws.tmp[0:3]
    t2 = ws.tmp[3:6]
    for ch in (LEFT, RIGHT):
        k = ch - 1
        s = side(theta, k)
        kt = s[S_SHEAR]
        for ci in range(NCONTACT):
            a = ws.anchors[k, ci]
            b = S_CONTACT + NCF * ci
            p = w.points[ch, CONTACT_POINTS[ci]]
            pen, nx, ny, nz = contact_state(s, ci, p)
            if s[b + 4] == 0.0 or pen <= 0.0:
                a[0] = math.nan
                a[1] = math.nan
                a[2] = math.nan
                continue
            if math.isnan(a[0]):
                a[0], a[1], a[2] = p[0], p[1], p[2]
                continue
            fn = ws.cnormal[k, ci]
            tangents(nx, ny, nz, t1, t2)
            d0, d1, d2 = p[0] - a[0], p[1] - a[1], p[2] - a[2]
            u1 = t1[0] * d0 + t1[1] * d1 + t1[2] * d2
            u2 = t2[0] * d0 + t2[1] * d1 + t2[2] * d2
            un = math.sqrt(u1 * u1 + u2 * u2)
            umax = mu * fn / kt
            if un > umax:          # slide the anchor along the displacement
                sc = 1.0 - umax / un
                for i in range(3):
                    a[i] += sc * (u1 * t1[i] + u2 * t2[i])
