"""The symmetric postures of a mirror-symmetric model, among which the solver takes its steps.

A model whose two side blocks are equal (and whose trunk has no lateral offset) is its own
mirror image.  It starts from a symmetric posture, and every Newton step from a symmetric
posture is symmetric (the gradient is, and the Hessian commutes with the mirror image), so the
solver's steps are solved among the symmetric postures only, with an orthonormal basis P of
them: P^T H P is 15 x 15 instead of 31 x 31.  Symmetric coordinates: pelvis x, height and tilt,
lumbar extension, and each leg coordinate equal on both sides; the others, and the hip and
lumbar-bending setpoints, stay zero.  The gradient, the convergence test and the stability
check remain those of all 31 coordinates: an equilibrium that an asymmetric motion would leave
is still reported ``unstable``.  For any other model P is the identity (``n`` = 31).
"""

from __future__ import annotations

import math

from .energy import MIRROR
from .jit import jit
from .._generated.layout import (
    G_TRUNK, NB, NL, NQ, NS, Q_LEFT, Q_LUMBAR, Q_RIGHT, R_HIP, R_LUMBAR_BEND, SIDE_OFFSET,
)
from .._generated.model import TRUNK_PARAMS

SYMMETRIC_BASE = tuple(i for i in range(NB) if MIRROR[i] > 0.0) + (Q_LUMBAR,)   # then the legs
ANTISYMMETRIC_SETPOINTS = (R_HIP, R_LUMBAR_BEND)
SQRT_HALF = math.sqrt(0.5)
TRUNK_LATERAL = tuple(G_TRUNK + TRUNK_PARAMS.index(k) for k in ("pelvis_cy", "l5s1_y", "hat_cy"))


@jit
def subspace(theta):
    """Number of coordinates the Newton steps solve for: 31, or the 15 symmetric ones of a
    mirror-symmetric model (``SYMMETRIC_BASE``; see ``basis``)."""
    a, b = SIDE_OFFSET
    for i in range(NS):
        if theta[a + i] != theta[b + i]:
            return NQ
    for i in TRUNK_LATERAL:
        if theta[i] != 0.0:
            return NQ
    return len(SYMMETRIC_BASE) + NL


@jit
def basis(n, a):
    """Column ``a`` of the basis P of the ``n`` step coordinates: it moves global coordinate
    ``i`` (and ``j``, unless -1) by ``c``."""
    if n == NQ:
        return a, -1, 1.0
    if a < len(SYMMETRIC_BASE):
        return SYMMETRIC_BASE[a], -1, 1.0
    k = a - len(SYMMETRIC_BASE)
    return Q_LEFT + k, Q_RIGHT + k, SQRT_HALF       # a leg coordinate, equal on both sides


@jit
def reduce_vector(n, v, out):
    """``out[:n] = P^T v``."""
    for a in range(n):
        i, j, c = basis(n, a)
        out[a] = v[i] if j < 0 else c * (v[i] + v[j])


@jit
def reduce_rows(n, X, out):
    """``out[:n] = P^T X`` (may be ``X`` itself: row ``a`` reads rows ``>= a`` only)."""
    for a in range(n):
        i, j, c = basis(n, a)
        for k in range(X.shape[1]):
            out[a, k] = X[i, k] if j < 0 else c * (X[i, k] + X[j, k])


@jit
def reduce_matrix(n, H, S):
    """``S[:n, :n] = P^T H P`` (lower triangle)."""
    for a in range(n):
        i1, i2, ca = basis(n, a)
        for b in range(a + 1):
            j1, j2, cb = basis(n, b)
            v = H[i1, j1]
            if j2 >= 0:
                v += H[i1, j2]
            if i2 >= 0:
                v += H[i2, j1]
                if j2 >= 0:
                    v += H[i2, j2]
            S[a, b] = ca * cb * v


@jit
def expand(n, z, out):
    """``out = P z[:n]`` (all NQ coordinates)."""
    if n < NQ:
        out[:] = 0.0
    for a in range(n):
        i, j, c = basis(n, a)
        if j < 0:
            out[i] = z[a]
        else:
            out[i] = out[j] = c * z[a]
