"""Rigid-body dynamics of the three serial chains (trunk, left leg, right leg), world frame.

The chain shares its pelvis coordinates among three serial chains, each evaluated in its own
world (the right leg mirrored, see ``chainsim.core.energy``).  Each body belongs to exactly one
chain, so the kinetic energy is a sum over chains and the mass matrix and bias forces are sums
of per-chain terms mapped onto the global coordinates (``gmap``, ``gsign``).

Spatial vectors (Featherstone) are written in world coordinates at the world origin: a motion
``(w, v)`` is an angular velocity and the velocity of the body point at the origin; a force
``(n, f)`` a moment about the origin and a force.  Coordinate ``j`` of a chain moves along the
spatial axis ``s_j = (w_j, o_j x w_j)`` (revolute, world axis ``w_j`` through ``o_j``) or
``(0, e_j)`` (translation).  A body's inertia is kept as its mass ``m``, first moment
``h = m c`` and rotational inertia about the origin ``J`` (10 numbers); its momentum is
``I (w, v) = (J w + h x v, m v - h x w)``.

* ``mass_matrix``: the composite-rigid-body algorithm; ``M_ij = s_i . (I^c_j s_j)`` for
  ``i <= j``, with ``I^c_j`` the inertia of every body moved by ``j``.
* ``forward_pass`` / ``backward_pass``: the recursive Newton-Euler algorithm; with gravity as
  an upward acceleration of the base, ``tau = M qdd + C(q, qd) qd + g(q) - J^T f_ext``.
"""

from __future__ import annotations

from ..jit import jit


@jit
def spatial_axes(n, ch, axes, origins, S):
    """Spatial axis of each of the first ``n`` coordinates of chain ``ch`` into ``S[ch]`` (n, 6).

    (The chain functions take the arrays of all three chains and the chain's index: a slice of
    an array is a new reference, counted atomically by numba, and the hot path avoids them.)
    """
    for j in range(n):
        if j < 3:
            for a in range(6):
                S[ch, j, a] = 0.0
            S[ch, j, 3 + j] = 1.0
        else:
            w0, w1, w2 = axes[ch, j, 0], axes[ch, j, 1], axes[ch, j, 2]
            o0, o1, o2 = origins[ch, j, 0], origins[ch, j, 1], origins[ch, j, 2]
            S[ch, j, 0], S[ch, j, 1], S[ch, j, 2] = w0, w1, w2
            S[ch, j, 3] = o1 * w2 - o2 * w1
            S[ch, j, 4] = o2 * w0 - o0 * w2
            S[ch, j, 5] = o0 * w1 - o1 * w0


@jit
def body_inertia(m, c, R, Ip, out):
    """Inertia (m, h, J) of a body of mass ``m``, CoM ``c`` (world), frame ``R`` and principal
    moments ``Ip`` about its CoM in that frame; ``out`` (10): m, h (3), J (xx yy zz xy xz yz)."""
    # J = R diag(Ip) R^T + m (|c|^2 1 - c c^T)
    i0, i1, i2 = Ip[0], Ip[1], Ip[2]
    jxx = R[0, 0] * i0 * R[0, 0] + R[0, 1] * i1 * R[0, 1] + R[0, 2] * i2 * R[0, 2]
    jyy = R[1, 0] * i0 * R[1, 0] + R[1, 1] * i1 * R[1, 1] + R[1, 2] * i2 * R[1, 2]
    jzz = R[2, 0] * i0 * R[2, 0] + R[2, 1] * i1 * R[2, 1] + R[2, 2] * i2 * R[2, 2]
    jxy = R[0, 0] * i0 * R[1, 0] + R[0, 1] * i1 * R[1, 1] + R[0, 2] * i2 * R[1, 2]
    jxz = R[0, 0] * i0 * R[2, 0] + R[0, 1] * i1 * R[2, 1] + R[0, 2] * i2 * R[2, 2]
    jyz = R[1, 0] * i0 * R[2, 0] + R[1, 1] * i1 * R[2, 1] + R[1, 2] * i2 * R[2, 2]
    cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2]
    out[0] = m
    out[1], out[2], out[3] = m * c[0], m * c[1], m * c[2]
    out[4] = jxx + m * (cc - c[0] * c[0])
    out[5] = jyy + m * (cc - c[1] * c[1])
    out[6] = jzz + m * (cc - c[2] * c[2])
    out[7] = jxy - m * c[0] * c[1]
    out[8] = jxz - m * c[0] * c[2]
    out[9] = jyz - m * c[1] * c[2]


@jit
def momentum(I, V, out):
    """Spatial momentum ``I V`` of inertia ``I`` (10 numbers) moving with ``V`` (6)."""
    m = I[0]
    h0, h1, h2 = I[1], I[2], I[3]
    w0, w1, w2, v0, v1, v2 = V[0], V[1], V[2], V[3], V[4], V[5]
    out[0] = I[4] * w0 + I[7] * w1 + I[8] * w2 + (h1 * v2 - h2 * v1)
    out[1] = I[7] * w0 + I[5] * w1 + I[9] * w2 + (h2 * v0 - h0 * v2)
    out[2] = I[8] * w0 + I[9] * w1 + I[6] * w2 + (h0 * v1 - h1 * v0)
    out[3] = m * v0 - (h1 * w2 - h2 * w1)
    out[4] = m * v1 - (h2 * w0 - h0 * w2)
    out[5] = m * v2 - (h0 * w1 - h1 * w0)


@jit
def _momentum(I, ch, j, w0, w1, w2, v0, v1, v2):
    """``momentum`` of the inertia ``I[ch, j]`` (scalars in and out)."""
    m = I[ch, j, 0]
    h0, h1, h2 = I[ch, j, 1], I[ch, j, 2], I[ch, j, 3]
    return (I[ch, j, 4] * w0 + I[ch, j, 7] * w1 + I[ch, j, 8] * w2 + (h1 * v2 - h2 * v1),
            I[ch, j, 7] * w0 + I[ch, j, 5] * w1 + I[ch, j, 9] * w2 + (h2 * v0 - h0 * v2),
            I[ch, j, 8] * w0 + I[ch, j, 9] * w1 + I[ch, j, 6] * w2 + (h0 * v1 - h1 * v0),
            m * v0 - (h1 * w2 - h2 * w1),
            m * v1 - (h2 * w0 - h0 * w2),
            m * v2 - (h0 * w1 - h1 * w0))


@jit
def mass_matrix(sizes, S, Ib, comp, gmap, gsign, M):
    """Add the mass matrix of every chain to the global ``M`` (upper triangle and diagonal).

    ``sizes``: the number of coordinates of each chain.  ``Ib[ch]`` (n, 10) holds the inertia
    of the bodies attached at each coordinate of chain ``ch`` (zero where none); ``comp``
    (3, n, 10) is scratch (the composite inertias).
    """
    for ch in range(len(sizes)):
        n = sizes[ch]
        for a in range(10):
            comp[ch, n - 1, a] = Ib[ch, n - 1, a]
        for j in range(n - 2, -1, -1):
            for a in range(10):
                comp[ch, j, a] = comp[ch, j + 1, a] + Ib[ch, j, a]
        for j in range(n):
            if comp[ch, j, 0] == 0.0:
                continue
            F0, F1, F2, F3, F4, F5 = _momentum(comp, ch, j, S[ch, j, 0], S[ch, j, 1],
                                               S[ch, j, 2], S[ch, j, 3], S[ch, j, 4], S[ch, j, 5])
            gj, sj = gmap[ch, j], gsign[ch, j]
            for i in range(j + 1):
                mij = (S[ch, i, 0] * F0 + S[ch, i, 1] * F1 + S[ch, i, 2] * F2
                       + S[ch, i, 3] * F3 + S[ch, i, 4] * F4 + S[ch, i, 5] * F5)
                gi = gmap[ch, i]
                if gi <= gj:
                    M[gi, gj] += gsign[ch, i] * sj * mij
                else:
                    M[gj, gi] += gsign[ch, i] * sj * mij


@jit
def forward_pass(n, ch, S, qd, qdd, gravity, V, A):
    """Velocity ``V[ch]`` and acceleration ``A[ch]`` (n, 6) after each coordinate of chain
    ``ch``.

    ``A`` includes the upward acceleration ``gravity`` of the base (so ``A`` is what an
    accelerometer fixed to the body measures, in spatial form).
    """
    for j in range(n):
        for a in range(6):
            V[ch, j, a] = S[ch, j, a] * qd[ch, j]
            A[ch, j, a] = S[ch, j, a] * qdd[ch, j]
        if j > 0:
            for a in range(6):
                V[ch, j, a] += V[ch, j - 1, a]
                A[ch, j, a] += A[ch, j - 1, a]
        else:
            A[ch, j, 5] += gravity
        # V x s (spatial cross product of motions)
        w0, w1, w2 = V[ch, j, 0], V[ch, j, 1], V[ch, j, 2]
        v0, v1, v2 = V[ch, j, 3], V[ch, j, 4], V[ch, j, 5]
        s0, s1, s2 = S[ch, j, 0], S[ch, j, 1], S[ch, j, 2]
        s3, s4, s5 = S[ch, j, 3], S[ch, j, 4], S[ch, j, 5]
        qj = qd[ch, j]
        A[ch, j, 0] += (w1 * s2 - w2 * s1) * qj
        A[ch, j, 1] += (w2 * s0 - w0 * s2) * qj
        A[ch, j, 2] += (w0 * s1 - w1 * s0) * qj
        A[ch, j, 3] += (w1 * s5 - w2 * s4 + v1 * s2 - v2 * s1) * qj
        A[ch, j, 4] += (w2 * s3 - w0 * s5 + v2 * s0 - v0 * s2) * qj
        A[ch, j, 5] += (w0 * s4 - w1 * s3 + v0 * s1 - v1 * s0) * qj


@jit
def backward_pass(n, ch, S, Ib, V, A, fext, gmap, gsign, F, tau, stop):
    """Newton-Euler backward pass of chain ``ch``: subtree wrenches ``F[ch]`` (n, 6) and
    ``tau += s . F`` (global), for the coordinates ``stop .. n - 1`` (0: all; a larger ``stop``
    gives the wrenches across the joints from ``stop`` on, and an incomplete ``tau``).

    ``fext[ch]`` (n, 6) holds the external spatial forces on the bodies attached at each
    coordinate (subtracted).  ``F[ch, j]`` is then the wrench the chain exerts across
    coordinate ``j`` on everything it moves: its force part is the reaction force of the joint.
    """
    for j in range(n - 1, stop - 1, -1):
        for a in range(6):
            F[ch, j, a] = -fext[ch, j, a]
        if Ib[ch, j, 0] != 0.0:
            w0, w1, w2 = V[ch, j, 0], V[ch, j, 1], V[ch, j, 2]
            v0, v1, v2 = V[ch, j, 3], V[ch, j, 4], V[ch, j, 5]
            t0, t1, t2, t3, t4, t5 = _momentum(Ib, ch, j, A[ch, j, 0], A[ch, j, 1], A[ch, j, 2],
                                               A[ch, j, 3], A[ch, j, 4], A[ch, j, 5])
            n0, n1, n2, f0, f1, f2 = _momentum(Ib, ch, j, w0, w1, w2, v0, v1, v2)
            # V x* (I V): (w x n + v x f, w x f)
            F[ch, j, 0] += t0 + w1 * n2 - w2 * n1 + v1 * f2 - v2 * f1
            F[ch, j, 1] += t1 + w2 * n0 - w0 * n2 + v2 * f0 - v0 * f2
            F[ch, j, 2] += t2 + w0 * n1 - w1 * n0 + v0 * f1 - v1 * f0
            F[ch, j, 3] += t3 + w1 * f2 - w2 * f1
            F[ch, j, 4] += t4 + w2 * f0 - w0 * f2
            F[ch, j, 5] += t5 + w0 * f1 - w1 * f0
        if j < n - 1:
            for a in range(6):
                F[ch, j, a] += F[ch, j + 1, a]
        tau[gmap[ch, j]] += gsign[ch, j] * (
            S[ch, j, 0] * F[ch, j, 0] + S[ch, j, 1] * F[ch, j, 1] + S[ch, j, 2] * F[ch, j, 2]
            + S[ch, j, 3] * F[ch, j, 3] + S[ch, j, 4] * F[ch, j, 4] + S[ch, j, 5] * F[ch, j, 5])


@jit
def add_point_force(p, f, fext_row):
    """Add a force ``f`` acting at point ``p`` to a spatial force row: ``(p x f, f)``."""
    fext_row[0] += p[1] * f[2] - p[2] * f[1]
    fext_row[1] += p[2] * f[0] - p[0] * f[2]
    fext_row[2] += p[0] * f[1] - p[1] * f[0]
    fext_row[3] += f[0]
    fext_row[4] += f[1]
    fext_row[5] += f[2]


@jit
def point_velocity(V, p, out):
    """Velocity of point ``p`` of a body moving with spatial velocity ``V``: v + w x p."""
    out[0] = V[3] + V[1] * p[2] - V[2] * p[1]
    out[1] = V[4] + V[2] * p[0] - V[0] * p[2]
    out[2] = V[5] + V[0] * p[1] - V[1] * p[0]


@jit
def point_acceleration(V, A, p, out):
    """Classical acceleration of point ``p`` of a body: (a + alpha x p) + w x v_p."""
    vp0 = V[3] + V[1] * p[2] - V[2] * p[1]
    vp1 = V[4] + V[2] * p[0] - V[0] * p[2]
    vp2 = V[5] + V[0] * p[1] - V[1] * p[0]
    out[0] = A[3] + A[1] * p[2] - A[2] * p[1] + V[1] * vp2 - V[2] * vp1
    out[1] = A[4] + A[2] * p[0] - A[0] * p[2] + V[2] * vp0 - V[0] * vp2
    out[2] = A[5] + A[0] * p[1] - A[1] * p[0] + V[0] * vp1 - V[1] * vp0
