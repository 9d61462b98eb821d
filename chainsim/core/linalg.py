"""Small dense linear algebra for the Newton steps (no LAPACK call inside threads)."""

from __future__ import annotations

import math

from .jit import jit


@jit
def cholesky(A, shift, L, n=-1):
    """Factor ``A + shift*I = L L^T`` into the lower triangle of ``L``: the leading ``n`` x
    ``n`` block (default: all of ``A``).

    Returns False (and leaves ``L`` partly written) when the matrix is not positive definite.
    """
    if n < 0:
        n = A.shape[0]
    for j in range(n):
        s = A[j, j] + shift
        for k in range(j):
            s -= L[j, k] * L[j, k]
        if not s > 0.0:
            return False
        d = math.sqrt(s)
        L[j, j] = d
        # four rows at a time: four independent running sums (each in the same order as one
        # alone, so the same bits) keep the processor's multiply-add units busy
        i = j + 1
        while i + 3 < n:
            t0, t1, t2, t3 = A[i, j], A[i + 1, j], A[i + 2, j], A[i + 3, j]
            for k in range(j):
                ljk = L[j, k]
                t0 -= L[i, k] * ljk
                t1 -= L[i + 1, k] * ljk
                t2 -= L[i + 2, k] * ljk
                t3 -= L[i + 3, k] * ljk
            L[i, j], L[i + 1, j], L[i + 2, j], L[i + 3, j] = t0 / d, t1 / d, t2 / d, t3 / d
            i += 4
        for i in range(i, n):
            t = A[i, j]
            for k in range(j):
                t -= L[i, k] * L[j, k]
            L[i, j] = t / d
    return True


@jit
def cho_solve(L, b, x, n=-1):
    """Solve ``L L^T x = b`` (its leading ``n`` rows; default: all)."""
    if n < 0:
        n = b.shape[0]
    for i in range(n):
        t = b[i]
        for k in range(i):
            t -= L[i, k] * x[k]
        x[i] = t / L[i, i]
    for i in range(n - 1, -1, -1):
        t = x[i]
        for k in range(i + 1, n):
            t -= L[k, i] * x[k]
        x[i] = t / L[i, i]


@jit
def lu_solve_small(M, b, x):
    """Solve the small dense system ``M x = b`` (Gaussian elimination, partial pivoting).

    ``M`` and ``b`` are overwritten.  Returns False if ``M`` is singular.
    """
    n = b.shape[0]
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if abs(M[i, k]) > abs(M[p, k]):
                p = i
        if M[p, k] == 0.0:
            return False
        if p != k:
            for j in range(n):
                M[k, j], M[p, j] = M[p, j], M[k, j]
            b[k], b[p] = b[p], b[k]
        for i in range(k + 1, n):
            f = M[i, k] / M[k, k]
            for j in range(k, n):
                M[i, j] -= f * M[k, j]
            b[i] -= f * b[k]
    for i in range(n - 1, -1, -1):
        t = b[i]
        for j in range(i + 1, n):
            t -= M[i, j] * x[j]
        x[i] = t / M[i, i]
    return True


@jit
def cho_solve5(L, B, X, n=-1):
    """Solve ``L L^T X = B`` for the five columns of ``B`` (its leading ``n`` rows; default:
    all) side by side.

    Each column sees exactly the operations of ``cho_solve`` in the same order (so the same
    bits); five running sums in registers let the processor overlap their dependency chains.
    """
    if n < 0:
        n = B.shape[0]
    for i in range(n):
        t0, t1, t2, t3, t4 = B[i, 0], B[i, 1], B[i, 2], B[i, 3], B[i, 4]
        for k in range(i):
            lik = L[i, k]
            t0 -= lik * X[k, 0]
            t1 -= lik * X[k, 1]
            t2 -= lik * X[k, 2]
            t3 -= lik * X[k, 3]
            t4 -= lik * X[k, 4]
        d = L[i, i]
        X[i, 0], X[i, 1], X[i, 2], X[i, 3], X[i, 4] = t0 / d, t1 / d, t2 / d, t3 / d, t4 / d
    for i in range(n - 1, -1, -1):
        t0, t1, t2, t3, t4 = X[i, 0], X[i, 1], X[i, 2], X[i, 3], X[i, 4]
        for k in range(i + 1, n):
            lki = L[k, i]
            t0 -= lki * X[k, 0]
            t1 -= lki * X[k, 1]
            t2 -= lki * X[k, 2]
            t3 -= lki * X[k, 3]
            t4 -= lki * X[k, 4]
        d = L[i, i]
        X[i, 0], X[i, 1], X[i, 2], X[i, 3], X[i, 4] = t0 / d, t1 / d, t2 / d, t3 / d, t4 / d
