"""Sparse factorisation of the chain's mass matrix along its tree (Featherstone's LTL).

The chain is a tree: the six pelvis coordinates, then three branches off the pelvis (the lumbar
spine and the two legs), each a serial chain.  Its mass matrix, and the Newton matrix of the
implicit step (the springs and contacts couple only coordinates of one branch and the pelvis),
have ``H[i, j] = 0`` unless one of ``i``, ``j`` is an ancestor of the other.  Factorising
``H = L^T L`` from the leaves to the root (Featherstone 2008, Rigid Body Dynamics Algorithms,
section 6.5) keeps that pattern: no fill-in, and about a third of the work of a dense
Cholesky factorisation (31 coordinates: some 1,800 multiply-adds against 5,000).
"""

from __future__ import annotations

import math

import numpy as np

from ..jit import jit
from ..._generated.layout import NB, NL, NLUM, NQ, Q_LEFT, Q_LUMBAR, Q_RIGHT


def _first():
    f = np.arange(NQ, dtype=np.int64)                 # the pelvis: a serial chain from 0
    for first, n in ((Q_LUMBAR, NLUM), (Q_LEFT, NL), (Q_RIGHT, NL)):
        f[first:first + n] = first
    assert Q_LUMBAR == NB and Q_LUMBAR + NLUM == Q_LEFT and Q_LEFT + NL == Q_RIGHT \
        and Q_RIGHT + NL == NQ
    return f


#: First coordinate of each coordinate's branch (its own index for the pelvis coordinates).
#: The ancestors of coordinate ``k`` are then the pelvis coordinates ``0 .. min(k, NB) - 1``
#: and the branch's ``FIRST[k] .. k - 1``: two contiguous ranges.
FIRST = _first()


@jit
def ltl_factor(H, L, first):
    """Factor ``H = L^T L`` (``L`` lower triangular, tree pattern ``first``) into ``L``.

    Reads the lower triangle of ``H`` on the tree's pattern only (entries off it must be zero).
    Returns False, as Cholesky does, when ``H`` is not positive definite.
    """
    n = H.shape[0]
    for i in range(n):
        for j in range(min(i, NB)):
            L[i, j] = H[i, j]
        for j in range(first[i], i + 1):
            L[i, j] = H[i, j]
    for k in range(n - 1, -1, -1):
        d = L[k, k]
        if not d > 0.0:
            return False
        d = math.sqrt(d)
        L[k, k] = d
        r = 1.0 / d
        lo = first[k]
        p = min(k, NB)
        for i in range(lo, k):
            L[k, i] *= r
        for i in range(p):
            L[k, i] *= r
        for i in range(lo, k):              # the branch's ancestors: rows lo .. k - 1
            a = L[k, i]
            for j in range(NB):
                L[i, j] -= a * L[k, j]
            for j in range(lo, i + 1):
                L[i, j] -= a * L[k, j]
        for i in range(p):                  # the pelvis
            a = L[k, i]
            for j in range(i + 1):
                L[i, j] -= a * L[k, j]
    return True


@jit
def ltl_solve(L, b, x, first):
    """Solve ``L^T L x = b`` (after ``ltl_factor``)."""
    n = b.shape[0]
    for i in range(n):
        x[i] = b[i]
    for i in range(n - 1, -1, -1):          # L^T y = b
        yi = x[i] / L[i, i]
        x[i] = yi
        for j in range(first[i], i):
            x[j] -= L[i, j] * yi
        for j in range(min(i, NB)):
            x[j] -= L[i, j] * yi
    for i in range(n):                      # L x = y
        t = x[i]
        for j in range(min(i, NB)):
            t -= L[i, j] * x[j]
        for j in range(first[i], i):
            t -= L[i, j] * x[j]
        x[i] = t / L[i, i]
