"""Gradient and Hessian of potentials through a serial chain (screw calculus).

A chain's coordinates are three translations of the root along the world axes followed by
revolute joints; coordinate ``k`` turns about the world axis ``w_k`` through the world point
``o_k`` (both from the generated kinematics).  For a point ``p`` moved by coordinates
``0..last``:

    dp/dq_k            = e_k                    (k < 3, translation)
                       = w_k x (p - o_k)        (revolute)
    d2p/dq_i dq_j      = w_i x dp/dq_j          (revolute i <= j; zero if either translates)

A potential ``V(p)`` with gradient ``f`` in ``p`` then adds ``g_k += f . dp/dq_k`` and the
*geometric* Hessian term ``f . d2p/dq_i dq_j``.  Summed over all points moved by ``j``, both
depend only on three sums (suffix sums along the chain):

    F_j = sum f,   T_j = sum p x f,   M_j = sum f p^T

    g_j  += w_j . (T_j - o_j x F_j)
    H_ij += w_i . (a_j - tr(A_j) w_j),  A_j = M_j - F_j o_j^T,  a_j = A_j^T w_j    (i <= j)

so the cost grows with the square of the chain length, not with the number of points.  A
potential's own curvature in ``p`` enters as rank-one terms ``k (J^T d)(J^T d)^T``
(``point_jacobian``, ``pair_jacobian``, summed by ``add_low_rank``).  A *free vector* (a
direction fixed in a segment) moves like a point with no translation terms (``add_vector``).

Chain coordinate ``j`` is global coordinate ``gmap[j]`` times ``gsign[j]`` (a chain evaluated
in the mirror image sees some pelvis coordinates with the opposite sign); ``gmap`` increases
with ``j``, so the upper triangle of a chain lands in the upper triangle of ``H``.
"""

from __future__ import annotations

import math

from .jit import jit


@jit
def clear(F, T, M, S, m, n):
    """Zero the first ``n`` entries of the accumulators."""
    for j in range(n):
        for a in range(3):
            F[j, a] = 0.0
            T[j, a] = 0.0
            S[j, a] = 0.0
            for b in range(3):
                M[j, a, b] = 0.0
        m[j] = 0.0


@jit
def add_force(p, last, f, F, T, M):
    """Record the gradient ``f`` (= dV/dp) of a potential of point ``p`` moved by ``0..last``."""
    F[last, 0] += f[0]
    F[last, 1] += f[1]
    F[last, 2] += f[2]
    T[last, 0] += p[1] * f[2] - p[2] * f[1]
    T[last, 1] += p[2] * f[0] - p[0] * f[2]
    T[last, 2] += p[0] * f[1] - p[1] * f[0]
    for a in range(3):
        for b in range(3):
            M[last, a, b] += f[a] * p[b]


@jit
def add_mass(p, last, mass, S, m):
    """Record a mass at point ``p`` (for the Jacobian of the centre of mass)."""
    S[last, 0] += mass * p[0]
    S[last, 1] += mass * p[1]
    S[last, 2] += mass * p[2]
    m[last] += mass


@jit
def wrench_terms(n, axes, origins, F, T, M, S, m, gmap, gsign, g, H, Jc):
    """Turn the recorded forces into ``g`` and the geometric upper triangle of ``H``.

    Also writes the Jacobian of the mass-weighted point sum into ``Jc`` (n, 3): the centre of
    mass Jacobian times the total mass.  ``F``, ``T``, ``M``, ``S``, ``m`` are summed along
    the chain in place (suffix sums).
    """
    for j in range(n - 2, -1, -1):
        for a in range(3):
            F[j, a] += F[j + 1, a]
            T[j, a] += T[j + 1, a]
            S[j, a] += S[j + 1, a]
            for b in range(3):
                M[j, a, b] += M[j + 1, a, b]
        m[j] += m[j + 1]
    for j in range(n):
        gj, sj = gmap[j], gsign[j]
        if j < 3:
            g[gj] += sj * F[j, j]
            for a in range(3):
                Jc[j, a] = m[j] if a == j else 0.0
            continue
        w0, w1, w2 = axes[j, 0], axes[j, 1], axes[j, 2]
        o0, o1, o2 = origins[j, 0], origins[j, 1], origins[j, 2]
        f0, f1, f2 = F[j, 0], F[j, 1], F[j, 2]
        # gradient: w . (T - o x F)
        g[gj] += sj * (w0 * (T[j, 0] - (o1 * f2 - o2 * f1))
                       + w1 * (T[j, 1] - (o2 * f0 - o0 * f2))
                       + w2 * (T[j, 2] - (o0 * f1 - o1 * f0)))
        # a = M^T w - o (F . w), tr(A) = tr(M) - F . o
        fw = f0 * w0 + f1 * w1 + f2 * w2
        a0 = M[j, 0, 0] * w0 + M[j, 1, 0] * w1 + M[j, 2, 0] * w2 - o0 * fw
        a1 = M[j, 0, 1] * w0 + M[j, 1, 1] * w1 + M[j, 2, 1] * w2 - o1 * fw
        a2 = M[j, 0, 2] * w0 + M[j, 1, 2] * w1 + M[j, 2, 2] * w2 - o2 * fw
        tr = M[j, 0, 0] + M[j, 1, 1] + M[j, 2, 2] - (f0 * o0 + f1 * o1 + f2 * o2)
        c0, c1, c2 = sj * (a0 - tr * w0), sj * (a1 - tr * w1), sj * (a2 - tr * w2)
        for i in range(3, j + 1):
            H[gmap[i], gj] += gsign[i] * (axes[i, 0] * c0 + axes[i, 1] * c1 + axes[i, 2] * c2)
        # mass-weighted Jacobian: w x (S - m o)
        s0, s1, s2 = S[j, 0] - m[j] * o0, S[j, 1] - m[j] * o1, S[j, 2] - m[j] * o2
        Jc[j, 0] = w1 * s2 - w2 * s1
        Jc[j, 1] = w2 * s0 - w0 * s2
        Jc[j, 2] = w0 * s1 - w1 * s0


@jit
def point_jacobian(p, last, d, axes, origins, gsign, U, t):
    """Column ``t`` of ``U`` (NCHAIN, terms): u_j = d . dp/dq_j for the point ``p`` moved by
    ``0..last`` (signed to the global coordinates); entries beyond ``last`` are left as they
    are."""
    for j in range(last + 1):
        U[j, t] = gsign[j] * (d[j] if j < 3 else _turn(p, d, j, axes, origins))


@jit
def point_entry(p, last, d, j, axes, origins, gsign):
    """Entry ``j`` of ``point_jacobian``'s column (zero beyond ``last``)."""
    if j > last:
        return 0.0
    return gsign[j] * (d[j] if j < 3 else _turn(p, d, j, axes, origins))


@jit
def _turn(p, d, j, axes, origins):
    """d . dp/dq_j for a point ``p`` turned by the revolute coordinate ``j``."""
    r0 = p[0] - origins[j, 0]
    r1 = p[1] - origins[j, 1]
    r2 = p[2] - origins[j, 2]
    # d . (w x r) = w . (r x d)
    return (axes[j, 0] * (r1 * d[2] - r2 * d[1])
            + axes[j, 1] * (r2 * d[0] - r0 * d[2])
            + axes[j, 2] * (r0 * d[1] - r1 * d[0]))


@jit
def add_low_rank(U, k, m, n, gmap, H):
    """H += sum_t k_t u_t u_t^T over the columns t < ``m`` of ``U`` and the chain's first
    ``n`` coordinates (upper triangle): the curvatures of many potentials in one pass over
    ``H``.  Column ``t`` is scaled by sqrt(k_t) in place (``k`` must be >= 0)."""
    for t in range(m):
        sk = math.sqrt(k[t])
        for j in range(n):
            U[j, t] *= sk
    for j in range(n):
        gj = gmap[j]
        i = 0
        while i + 3 <= j:       # four rows at a time (as in ``linalg.cholesky``)
            a0 = a1 = a2 = a3 = 0.0
            for t in range(m):
                ujt = U[j, t]
                a0 += U[i, t] * ujt
                a1 += U[i + 1, t] * ujt
                a2 += U[i + 2, t] * ujt
                a3 += U[i + 3, t] * ujt
            H[gmap[i], gj] += a0
            H[gmap[i + 1], gj] += a1
            H[gmap[i + 2], gj] += a2
            H[gmap[i + 3], gj] += a3
            i += 4
        for i in range(i, j + 1):
            acc = 0.0
            for t in range(m):
                acc += U[i, t] * U[j, t]
            H[gmap[i], gj] += acc


@jit
def add_vector(v, last, f, k, axes, J, g, H):
    """Potential of a free vector ``v`` with gradient ``f`` and curvature ``k`` (x and y).

    Fills ``J`` with dv/dq (zero for translations).
    """
    n = last + 1
    for j in range(n):
        if j < 3:
            J[j, 0] = 0.0
            J[j, 1] = 0.0
            J[j, 2] = 0.0
        else:
            J[j, 0] = axes[j, 1] * v[2] - axes[j, 2] * v[1]
            J[j, 1] = axes[j, 2] * v[0] - axes[j, 0] * v[2]
            J[j, 2] = axes[j, 0] * v[1] - axes[j, 1] * v[0]
        g[j] += f[0] * J[j, 0] + f[1] * J[j, 1] + f[2] * J[j, 2]
    for j in range(n):
        for i in range(j + 1):
            H[i, j] += k * (J[i, 0] * J[j, 0] + J[i, 1] * J[j, 1])
    for j in range(3, n):
        c0 = J[j, 1] * f[2] - J[j, 2] * f[1]
        c1 = J[j, 2] * f[0] - J[j, 0] * f[2]
        c2 = J[j, 0] * f[1] - J[j, 1] * f[0]
        for i in range(3, j + 1):
            H[i, j] += axes[i, 0] * c0 + axes[i, 1] * c1 + axes[i, 2] * c2


@jit
def pair_jacobian(pa, la, pb, lb, d, extra, xval, axes, origins, gsign, U, t):
    """Column ``t`` of ``U``: u_j = d . d(pb - pa)/dq_j for two points of one chain, plus ``xval``
    at coordinate ``extra`` (a coordinate the potential also depends on directly, e.g. the
    windlass; -1 for none).  Coordinates moving both points move their difference only by
    rotation.  Returns the number of coordinates written."""
    n = max(la, lb, extra) + 1
    for j in range(n):
        U[j, t] = pair_entry(pa, la, pb, lb, d, j, extra, xval, axes, origins, gsign)
    return n


@jit
def pair_entry(pa, la, pb, lb, d, j, extra, xval, axes, origins, gsign):
    """Entry ``j`` of ``pair_jacobian``'s column."""
    if j < 3:
        return 0.0
    uj = 0.0
    if j <= lb:
        uj += _turn(pb, d, j, axes, origins)
    if j <= la:
        uj -= _turn(pa, d, j, axes, origins)
    if j == extra:
        uj += xval
    return gsign[j] * uj


@jit
def add_pair_stiffness(pa, la, pb, lb, d, k, extra, xval, axes, origins, u, gmap, gsign, H):
    """H += k u u^T for a potential of the vector ``pb - pa`` between two points of one chain
    (``pair_jacobian``; ``u``: scratch of NCHAIN)."""
    u2 = u.reshape((u.shape[0], 1))
    n = pair_jacobian(pa, la, pb, lb, d, extra, xval, axes, origins, gsign, u2, 0)
    for j in range(n):
        kj = k * u[j]
        gj = gmap[j]
        for i in range(j + 1):
            H[gmap[i], gj] += u[i] * kj
