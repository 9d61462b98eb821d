"""Left and right are one mirrored code path: mirrored inputs give mirrored outputs."""

from __future__ import annotations

import numpy as np
import pytest

import chainsim as cs
from chainsim._generated import layout as L
from chainsim.core import energy, start, symmetry
from chainsim.core.energy import MIRROR
from conftest import solved

#: outputs whose sign flips in the mirror image (left <-> right)
FLIPS = {"pelvis.obliquity_deg", "pelvis.rotation_deg", "pelvis.functional_lld_mm",
         "lumbar.lateral_bend_deg", "lumbar.rotation_deg", "balance.com_ml_mm",
         "balance.hip_setpoint_deg", "balance.lumbar_bending_setpoint_deg"}

ASYMMETRIC = dict(left__pronation_deg=8.0, right__wedge_deg=5.0, left__leg_length_diff_mm=10.0,
                  right__hip_strength=0.6, left__arch_stiffness_n_per_mm=80.0,
                  left__heel_lift_mm=6.0, right__subtalar_inclination_deg=35.0)


def test_mirrored_inputs_give_mirrored_outputs():
    m = cs.Model(**ASYMMETRIC)
    a, b = cs.solve(m), cs.solve(m.mirrored())
    assert a.status == b.status == "ok"
    assert a["pelvis.obliquity_deg"] != pytest.approx(0.0, abs=1e-3)   # really asymmetric
    for key in a:
        if key.startswith(("left.", "right.")):
            side, name = key.split(".", 1)
            other = f"{'right' if side == 'left' else 'left'}.{name}"
            assert b[other] == pytest.approx(a[key], abs=1e-9), key
        elif key in FLIPS:
            assert b[key] == pytest.approx(-a[key], abs=1e-9), key
        else:
            assert b[key] == pytest.approx(a[key], abs=1e-9), key


def test_symmetric_inputs_give_a_level_pelvis_and_equal_loads():
    r = solved(both__pronation_deg=7.0, both__wedge_deg=-4.0, both__arch_stiffness_n_per_mm=90.0)
    for key in FLIPS:
        assert r[key] == pytest.approx(0.0, abs=1e-9), key
    for name in ("grf_bw", "hip_force_bw", "knee_force_bw", "ankle_force_bw",
                 "knee_adduction_moment_nm_per_kg", "tibial_rotation_deg"):
        assert r[f"left.{name}"] == pytest.approx(r[f"right.{name}"], abs=1e-9)


def test_a_symmetric_model_is_solved_among_symmetric_postures():
    """A mirror-symmetric model's Newton steps use only its 15 symmetric coordinates (see
    ``symmetry.SYMMETRIC_BASE``).  Its solution is exactly symmetric and is the one the full
    31-coordinate path finds for a twin whose right hip differs by one part in a billion."""
    cols = {"both.pronation_deg": 7.0, "both.wedge_deg": -4.0,
            "both.arch_stiffness_n_per_mm": 90.0, "left.hip_strength": 1.0,
            "right.hip_strength": np.array([1.0, 1.0 + 1e-9])}
    b = cs.solve_columns(cols, threads=1)
    assert list(b.status) == ["ok", "ok"]
    assert [symmetry.subspace(t) for t in b.theta] == [len(symmetry.SYMMETRIC_BASE) + L.NL, L.NQ]
    q = b.q[0]
    assert np.array_equal(q[L.Q_LEFT:L.Q_LEFT + L.NL], q[L.Q_RIGHT:L.Q_RIGHT + L.NL])
    antisymmetric = [i for i in range(L.NB) if i not in symmetry.SYMMETRIC_BASE]
    assert np.all(q[antisymmetric] == 0.0) and np.all(q[L.Q_LUMBAR + 1:L.Q_LEFT] == 0.0)
    assert np.abs(b.q[0] - b.q[1]).max() < 1e-7          # rad or m; the twin moves ~1e-9
    assert b["pelvis.obliquity_deg"][0] == 0.0
    assert b["balance.com_ml_mm"][0] == 0.0              # the legs' masses cancel in pairs
    assert abs(b["pelvis.obliquity_deg"][1]) < 1e-6       # the full path: level to 1e-6 deg


def test_the_symmetric_basis_is_orthonormal_and_reduces_the_hessian():
    """P (``symmetry.expand`` of unit vectors) is orthonormal, spans postures the mirror image
    maps to themselves, and ``reduce_matrix`` computes P^T H P."""
    n = len(symmetry.SYMMETRIC_BASE) + L.NL
    P = np.zeros((L.NQ, n))
    for a in range(n):
        symmetry.expand(n, np.eye(n)[a], P[:, a])
    assert np.allclose(P.T @ P, np.eye(n), rtol=0.0, atol=1e-15)
    mirror = np.zeros((L.NQ, L.NQ))          # q -> its mirror image (legs trade places)
    for i in range(L.NB):
        mirror[i, i] = MIRROR[i]
    for i, sign in enumerate((1.0, -1.0, -1.0)):   # lumbar extension, bending, rotation
        mirror[L.Q_LUMBAR + i, L.Q_LUMBAR + i] = sign
    for k in range(L.NL):
        mirror[L.Q_LEFT + k, L.Q_RIGHT + k] = mirror[L.Q_RIGHT + k, L.Q_LEFT + k] = 1.0
    assert np.array_equal(mirror @ P, P)
    rng = np.random.default_rng(3)
    H = rng.normal(size=(L.NQ, L.NQ))
    H = H + H.T
    S = np.zeros((L.NQ, L.NQ))
    symmetry.reduce_matrix(n, H, S)
    assert np.allclose(np.tril(S[:n, :n]), np.tril(P.T @ H @ P), rtol=0.0, atol=1e-12)


def test_a_mirrored_evaluation_equals_the_full_one():
    """In a symmetric posture of a mirror-symmetric model, ``total_energy(mirrored=True)``
    (the left leg evaluated, its terms mirrored onto the right) gives the energy, gradient,
    Hessian and postural constraints of the full evaluation of both legs; so does the mirrored
    start (``initial_guess``)."""
    b = cs.solve_columns({"both.pronation_deg": 6.0, "both.wedge_deg": 3.0,
                          "both.arch_stiffness_n_per_mm": 70.0}, threads=1)
    theta = b.theta[0]
    n = symmetry.subspace(theta)
    assert n < L.NQ
    guesses = []
    for mirrored in (False, True):
        q, r = np.zeros(L.NQ), np.zeros(L.NR)
        start.initial_guess(theta, energy.new_work(), start.new_start_work(), q, r, True,
                            mirrored)
        guesses.append((q, r))
    assert np.allclose(guesses[0][0], guesses[1][0], rtol=0.0, atol=1e-14)
    assert np.allclose(guesses[0][1], guesses[1][1], rtol=0.0, atol=1e-14)
    rng = np.random.default_rng(5)
    mg = theta[L.G_MASS] * theta[L.G_GRAVITY]
    for trial in range(4):
        q = b.q[0].copy()
        z = np.zeros(L.NQ)
        symmetry.expand(n, rng.normal(scale=0.03, size=n), z)      # a symmetric posture
        q += z
        r = b.r[0] + np.array([0.02, 0.0, 0.01, 0.0]) * rng.normal(size=L.NR)
        results = []
        for mirrored in (False, True):
            w, g, H = energy.new_work(), np.zeros(L.NQ), np.zeros((L.NQ, L.NQ))
            energy.set_reference(theta, w, np.zeros(L.NQ))
            v = energy.total_energy(q, r, theta, w, g, H, mirrored)
            results.append((v, g, H, w.C.copy(), w.A.copy(), w.B.copy()))
        (v0, g0, H0, C0, A0, B0), (v1, g1, H1, C1, A1, B1) = results
        assert abs(g0).max() > 1e-3 * mg                   # away from equilibrium
        assert v1 == pytest.approx(v0, rel=1e-12, abs=1e-9)
        assert np.allclose(g1, g0, rtol=0.0, atol=1e-9 * mg)
        assert np.allclose(H1, H0, rtol=0.0, atol=1e-9 * np.abs(H0).max())
        assert np.allclose(C1, C0, rtol=0.0, atol=1e-15)
        assert np.allclose(A1, A0, rtol=0.0, atol=1e-12)
        assert np.array_equal(B1, B0)
