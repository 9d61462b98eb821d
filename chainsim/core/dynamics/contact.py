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
from ..energy import LEFT, RIGHT, side
from ..jit import jit
from ..._generated.layout import (
    CF_COMPLIANCE, CF_K, CF_NORMAL, CF_OFFSET, CONTACT_POINTS, G_FRICTION, NCF, NCONTACT,
    SHEAR_DAMPING, SHEAR_K, S_CONTACT, S_CUSHION_DAMPING, S_SHEAR, S_TISSUE_DAMPING,
)

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
def add_point_stiffness(p0, p1, p2, last, n0, n1, n2, kn, t1, t2, kt, ch, axes, origins, u, gmap,
                        gsign, H):
    """H += kn un un^T + kt (u1 u1^T + u2 u2^T), u_j = d . dp/dq_j for d = n, t1, t2 (upper
    triangle; ``chain.point_jacobian`` and ``chain.add_low_rank`` for three directions, on
    scalars; ``u`` (3, NCHAIN)), for the point ``p`` of chain ``ch``."""
    m = last + 1
    for j in range(m):
        if j < 3:
            sg = gsign[ch, j]
            u[0, j] = sg * (n0 if j == 0 else (n1 if j == 1 else n2))
            u[1, j] = sg * t1[j]
            u[2, j] = sg * t2[j]
        else:
            r0 = p0 - origins[ch, j, 0]
            r1 = p1 - origins[ch, j, 1]
            r2 = p2 - origins[ch, j, 2]
            # d . (w x r) = (r x w) . d
            c0 = r1 * axes[ch, j, 2] - r2 * axes[ch, j, 1]
            c1 = r2 * axes[ch, j, 0] - r0 * axes[ch, j, 2]
            c2 = r0 * axes[ch, j, 1] - r1 * axes[ch, j, 0]
            sg = gsign[ch, j]
            u[0, j] = sg * (c0 * n0 + c1 * n1 + c2 * n2)
            u[1, j] = sg * (c0 * t1[0] + c1 * t1[1] + c2 * t1[2])
            u[2, j] = sg * (c0 * t2[0] + c1 * t2[1] + c2 * t2[2])
    for j in range(m):
        a0, a1, a2 = kn * u[0, j], kt * u[1, j], kt * u[2, j]
        gj = gmap[ch, j]
        for i in range(j + 1):
            H[gmap[ch, i], gj] += u[0, i] * a0 + u[1, i] * a1 + u[2, i] * a2


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
    contact_forces_arrays(theta, w.points, ws.V, w.axes, w.origins, w.gmap, w.gsign, ws.anchors,
                          ws.cforce, ws.cnormal, ws.cslip, ws.fext, ws.tmp, ws.u3, ws.Jm, cq, cv,
                          jac, damping)


@jit
def contact_forces_arrays(theta, points, V, axes, origins, gmap, gsign, anchors, cforce, cnormal,
                          cslip, fext, tmp, u3, Jm, cq, cv, jac, damping):
    """``contact_forces`` on the workspace's arrays (``eom.evaluate_arrays``; points and vectors
    as scalars: no array slices, which numba counts references to)."""
    mu = theta[G_FRICTION]
    t1 = tmp[0:3]
    t2 = tmp[3:6]
    for ch in (LEFT, RIGHT):
        k = ch - 1
        s = side(theta, k)
        alpha = s[S_TISSUE_DAMPING] if damping else 0.0
        kt = s[S_SHEAR + SHEAR_K]
        ct = s[S_SHEAR + SHEAR_DAMPING] if damping else 0.0
        for ci in range(NCONTACT):
            cforce[k, ci, 0] = 0.0
            cforce[k, ci, 1] = 0.0
            cforce[k, ci, 2] = 0.0
            cnormal[k, ci] = 0.0
            cslip[k, ci] = 0.0
            b = S_CONTACT + NCF * ci
            kn = s[b + CF_K]
            if kn == 0.0:
                continue
            pt = CONTACT_POINTS[ci]
            last = LEG_POINT_LAST[pt]
            p0, p1, p2 = points[ch, pt, 0], points[ch, pt, 1], points[ch, pt, 2]
            # energy.contact_state
            nx, ny, nz = s[b + CF_NORMAL], s[b + CF_NORMAL + 1], s[b + CF_NORMAL + 2]
            pen = s[b + CF_OFFSET] - (nx * p0 + ny * p1 + nz * p2)
            if pen <= 0.0:
                continue
            # rigid.point_velocity
            vp0 = V[ch, last, 3] + V[ch, last, 1] * p2 - V[ch, last, 2] * p1
            vp1 = V[ch, last, 4] + V[ch, last, 2] * p0 - V[ch, last, 0] * p2
            vp2 = V[ch, last, 5] + V[ch, last, 0] * p1 - V[ch, last, 1] * p0
            pend = -(nx * vp0 + ny * vp1 + nz * vp2)               # penetration rate
            _, fel, kel = contact(pen, kn, s[b + CF_COMPLIANCE])
            # the layer's damper engages over its first millimetre of compression (x_c = its
            # share of the penetration): no jump in force at touchdown (assumption)
            cc = s[S_CUSHION_DAMPING + ci] if damping else 0.0
            if cc != 0.0:
                cc *= min(1.0, fel * s[b + CF_COMPLIANCE] / CUSHION_RAMP)
            fn = fel * (1.0 + alpha * pend) + cc * pend
            if fn <= 0.0:
                continue
            kdn = kel * (1.0 + alpha * pend)                      # dN/d(pen)
            cdn = fel * alpha + cc                                # dN/d(pen')
            # shear: spring from the anchor, damper on the sliding velocity, friction cone
            tangents(nx, ny, nz, t1, t2)
            a0, a1, a2 = anchors[k, ci, 0], anchors[k, ci, 1], anchors[k, ci, 2]
            anchored = not math.isnan(a0)
            ft1 = 0.0
            ft2 = 0.0
            if anchored:
                d0, d1, d2 = p0 - a0, p1 - a1, p2 - a2
                u1 = t1[0] * d0 + t1[1] * d1 + t1[2] * d2
                u2 = t2[0] * d0 + t2[1] * d1 + t2[2] * d2
                w1 = t1[0] * vp0 + t1[1] * vp1 + t1[2] * vp2
                w2 = t2[0] * vp0 + t2[1] * vp1 + t2[2] * vp2
                ft1 = -kt * u1 - ct * w1
                ft2 = -kt * u2 - ct * w2
                ftn = math.sqrt(ft1 * ft1 + ft2 * ft2)
                if ftn > mu * fn:
                    sc = mu * fn / ftn
                    ft1 *= sc
                    ft2 *= sc
                    cslip[k, ci] = 1.0
            f0 = fn * nx + ft1 * t1[0] + ft2 * t2[0]
            f1 = fn * ny + ft1 * t1[1] + ft2 * t2[1]
            f2 = fn * nz + ft1 * t1[2] + ft2 * t2[2]
            cforce[k, ci, 0] = f0
            cforce[k, ci, 1] = f1
            cforce[k, ci, 2] = f2
            cnormal[k, ci] = fn
            # rigid.add_point_force
            fext[ch, last, 0] += p1 * f2 - p2 * f1
            fext[ch, last, 1] += p2 * f0 - p0 * f2
            fext[ch, last, 2] += p0 * f1 - p1 * f0
            fext[ch, last, 3] += f0
            fext[ch, last, 4] += f1
            fext[ch, last, 5] += f2
            if jac:
                ktt = cq * kt + cv * ct if cslip[k, ci] == 0.0 and anchored else 0.0
                add_point_stiffness(p0, p1, p2, last, nx, ny, nz, cq * kdn + cv * cdn, t1, t2,
                                    ktt, ch, axes, origins, u3, gmap, gsign, Jm)


@jit
def update_anchors(theta, ws):
    """After an accepted step: anchor contacts that touched down, free those that lifted off,
    slide those on the friction cone to where their spring holds ``mu N``.

    Uses the kinematics and contact forces of the last ``eom.evaluate`` (at the new state).
    """
    update_anchors_arrays(theta, ws.w.points, ws.anchors, ws.cnormal, ws.tmp)


@jit
def update_anchors_arrays(theta, points, anchors, cnormal, tmp):
    """``update_anchors`` on the workspace's arrays."""
    mu = theta[G_FRICTION]
    t1 = tmp[0:3]
    t2 = tmp[3:6]
    for ch in (LEFT, RIGHT):
        k = ch - 1
        s = side(theta, k)
        kt = s[S_SHEAR + SHEAR_K]
        for ci in range(NCONTACT):
            b = S_CONTACT + NCF * ci
            pt = CONTACT_POINTS[ci]
            p0, p1, p2 = points[ch, pt, 0], points[ch, pt, 1], points[ch, pt, 2]
            # energy.contact_state
            nx, ny, nz = s[b + CF_NORMAL], s[b + CF_NORMAL + 1], s[b + CF_NORMAL + 2]
            pen = s[b + CF_OFFSET] - (nx * p0 + ny * p1 + nz * p2)
            if s[b + CF_K] == 0.0 or pen <= 0.0:
                anchors[k, ci, 0] = math.nan
                anchors[k, ci, 1] = math.nan
                anchors[k, ci, 2] = math.nan
                continue
            if math.isnan(anchors[k, ci, 0]):
                anchors[k, ci, 0], anchors[k, ci, 1], anchors[k, ci, 2] = p0, p1, p2
                continue
            fn = cnormal[k, ci]
            tangents(nx, ny, nz, t1, t2)
            d0 = p0 - anchors[k, ci, 0]
            d1 = p1 - anchors[k, ci, 1]
            d2 = p2 - anchors[k, ci, 2]
            u1 = t1[0] * d0 + t1[1] * d1 + t1[2] * d2
            u2 = t2[0] * d0 + t2[1] * d1 + t2[2] * d2
            un = math.sqrt(u1 * u1 + u2 * u2)
            umax = mu * fn / kt
            if un > umax:          # slide the anchor along the displacement
                sc = 1.0 - umax / un
                for i in range(3):
                    anchors[k, ci, i] += sc * (u1 * t1[i] + u2 * t2[i])
