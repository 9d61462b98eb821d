"""Solve one model or a batch of N models in parallel, into preallocated outputs."""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from .jit import jit, jit_parallel
from .energy import side, total_energy
from .._generated.layout import (
    DRIVEN, DRV_FLAG, G_FRICTION, NDRV, NGLOBAL_OUT, NOUT, NO_CONTACT, NQ, NR, NSIDE_OUT, OK,
    O_DRIVE_M, O_FRICTION, O_GRF, O_TOE_DRIVE_M, Q_LEFT, Q_RIGHT, SLIPPING, S_DRIVE,
)
from .outputs import fill_outputs, new_output_work
from .solver import new_solver_work, solve

#: a foot carrying less than this share of body weight has lost contact
MIN_FOOT_LOAD = 0.01


@jit
def solve_into(theta, tol, max_iter, ws, ow, q, r, out):
    """Solve one model and fill its outputs; returns (status, iterations, residual).

    ``ws``: the solver's workspace (``solver.new_solver_work``), ``ow``: the outputs'
    (``outputs.new_output_work``).  Outputs of a point that failed (any status but OK or
    SLIPPING) are NaN.
    """
    status, iters, resid = solve(theta, q, r, tol, max_iter, ws)
    if status == OK:
        fill_outputs(q, r, theta, ws.work, ow, out)
        drive_moments(q, r, theta, ws, out)
        for k in range(2):
            o = NGLOBAL_OUT + k * NSIDE_OUT
            if out[o + O_GRF] < MIN_FOOT_LOAD:
                status = NO_CONTACT
            elif status == OK and out[o + O_FRICTION] > theta[G_FRICTION]:
                status = SLIPPING
    if status != OK and status != SLIPPING:
        out[:] = math.nan
    return status, iters, resid


@jit_parallel
def solve_batch(theta, tol, max_iter, chunk, q, r, out, status, iters, resid):
    """Solve ``theta[i]`` for every row, in parallel chunks of ``chunk`` rows.

    Every solve starts from the same neutral guess, so results do not depend on the
    chunking or on the number of threads.
    """
    n = theta.shape[0]
    nchunks = (n + chunk - 1) // chunk
    for c in nb.prange(nchunks):
        ws = new_solver_work()
        ow = new_output_work()
        for i in range(c * chunk, min(n, (c + 1) * chunk)):
            st, it, res = solve_into(theta[i], tol, max_iter, ws, ow, q[i], r[i], out[i])
            status[i] = st
            iters[i] = it
            resid[i] = res


@jit
def drive_moments(q, r, theta, ws, out):
    """Generalized force each prescribed angle needs (0 where none is prescribed).

    At equilibrium the driver supplies what the free joint would not: the energy's gradient
    with respect to the prescribed coordinate.
    """
    w, g, H = ws.work, ws.g, ws.H
    any_drive = False
    for k in range(2):
        for j in range(len(DRIVEN)):
            if side(theta, k)[S_DRIVE + NDRV * j + DRV_FLAG] != 0.0:
                any_drive = True
    if any_drive:
        total_energy(q, r, theta, w, g, H)
    for k in range(2):
        o = NGLOBAL_OUT + k * NSIDE_OUT
        q0 = Q_LEFT if k == 0 else Q_RIGHT
        for j, field in ((0, O_DRIVE_M), (1, O_TOE_DRIVE_M)):
            driven = side(theta, k)[S_DRIVE + NDRV * j + DRV_FLAG] != 0.0
            out[o + field] = g[q0 + DRIVEN[j]] if driven else 0.0


def allocate(n):
    """Output arrays for a batch of ``n`` models: q, r, out, status, iterations, residual."""
    return (np.zeros((n, NQ)), np.zeros((n, NR)), np.zeros((n, NOUT)), np.zeros(n, np.int64),
            np.zeros(n, np.int64), np.zeros(n))
