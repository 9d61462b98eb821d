"""Equations of motion of the chain: mass matrix, bias forces, gravity, energy conservation."""

import numpy as np
import pytest

from chainsim.core import energy as E
from chainsim._generated import layout as L
from chainsim.core.dynamics import eom
from chainsim.core.dynamics import integrate as I
from chainsim.model import Model, columns
from chainsim.pack import pack


@pytest.fixture(scope="module")
def theta():
    return pack(columns([Model()]))[0]


def _state(seed, spread=0.2):
    rng = np.random.default_rng(seed)
    q = rng.normal(0, spread, L.NQ)
    q[:3] = [0.05, -0.02, 0.3]
    return q, rng.normal(0, 0.5, L.NQ)


def test_mass_matrix_symmetric_positive(theta):
    ws = eom.new_dyn_work()
    q, v = _state(1)
    eom.evaluate(q, v, theta, np.zeros(L.NQ), ws, 0, 0.0, 0.0, False)
    M = ws.M.copy()
    assert np.array_equal(M, M.T)
    assert np.linalg.eigvalsh(M).min() > 0
    # the translational block is the body mass
    assert np.allclose(M[:3, :3], theta[L.G_MASS] * np.eye(3), rtol=1e-12)


def test_coriolis_is_consistent_with_the_mass_matrix(theta):
    """Without forces, v . b(q, v) = 1/2 v . dM/dt v (the kinetic energy's power balance)."""
    ws = eom.new_dyn_work()
    q, v = _state(2)
    zero = np.zeros(L.NQ)
    eom.evaluate(q, v, theta, zero, ws, 0, 0.0, 0.0, False)
    b = -ws.rhs.copy()
    eps = 1e-6
    eom.evaluate(q + eps * v, v, theta, zero, ws, 0, 0.0, 0.0, False)
    Mp = ws.M.copy()
    eom.evaluate(q - eps * v, v, theta, zero, ws, 0, 0.0, 0.0, False)
    Mdot = (Mp - ws.M) / (2 * eps)
    assert v @ b == pytest.approx(0.5 * v @ Mdot @ v, rel=1e-6)


def test_generalized_gravity_and_springs_equal_the_statics_gradient(theta):
    """-rhs(q, v=0) of the dynamics (gravity and joint springs) is the statics' dV/dq.

    The statics' other terms (contacts, friction anchors, postural rules) are switched off
    in a copy of the parameters, and its setpoints are zero; the dynamics' tone set points
    (posture) are zero too, so both describe the same potential.
    """
    th = theta.copy()
    th[L.G_UPRIGHT_K] = 0.0
    th[L.G_BALANCE_K] = 0.0
    for off in L.SIDE_OFFSET:
        for ci in range(L.NCONTACT):
            th[off + L.S_CONTACT + L.NCF * ci + 4] = 0.0
        th[off + L.S_ANCHOR + 9] = 0.0
    ws = eom.new_dyn_work()
    w = E.new_work()
    g = np.zeros(L.NQ)
    H = np.zeros((L.NQ, L.NQ))
    for seed in range(3):
        q, _ = _state(10 + seed, 0.1)
        E.set_reference(th, w, np.zeros(L.NQ))
        E.total_energy(q, np.zeros(L.NR), th, w, g, H)
        eom.evaluate(q, np.zeros(L.NQ), th, np.zeros(L.NQ), ws, eom.GRAVITY | eom.SPRINGS,
                     0.0, 0.0, False)
        assert np.allclose(-ws.rhs, g, rtol=1e-9, atol=1e-9 * np.abs(g).max())
        # and gravity alone is the gradient of the weights' potential (finite differences)
        eom.evaluate(q, np.zeros(L.NQ), th, np.zeros(L.NQ), ws, eom.GRAVITY, 0.0, 0.0, False)
        grav = -ws.rhs.copy()

        def pe(x):
            eom.prepare(x, np.zeros(L.NQ), th, ws, False)
            return I.potential_energy(x, th, np.zeros(L.NQ), ws, eom.GRAVITY)

        fd = np.array([(pe(q + 1e-6 * e) - pe(q - 1e-6 * e)) / 2e-6 for e in np.eye(L.NQ)])
        assert np.allclose(grav, fd, atol=1e-6 * np.abs(fd).max())


def test_energy_is_conserved_without_damping_and_contact(theta):
    """Gravity and every joint spring, no damping, no contact: 1 s of RK4 at 0.1 ms keeps the
    mechanical energy to 1e-6 of itself (the issue's requirement)."""
    ws = eom.new_dyn_work()
    q0, v0 = _state(3, 0.05)
    v0 *= 0.6
    posture = q0.copy()
    flags = eom.GRAVITY | eom.SPRINGS
    h, n = 1e-4, 10000
    rec = np.zeros((100, L.NREC))
    qrec = np.zeros((0, 2 * L.NQ))
    q, v = np.zeros(L.NQ), np.zeros(L.NQ)
    e0 = I.total_energy(q0, v0, theta, posture, ws, flags)
    st = I.simulate(theta, posture, q0, v0, h, n, 100, I.RK4, flags, ws, q, v, rec, qrec)
    assert st == L.IMPACT_OK
    drift = np.abs(rec[:, L.R_ENERGY] - e0) / abs(e0)
    assert drift.max() < 1e-6
    # and the motion is not trivial: kinetic energy was exchanged with the potentials
    assert np.abs(q - q0).max() > 0.05
    # damping dissipates
    rec2 = rec.copy()
    I.simulate(theta, posture, q0, v0, h, 2000, 100, I.RK4, flags | eom.DAMPING, ws, q, v,
               rec2, qrec)
    assert rec2[19, L.R_ENERGY] < e0 - 1e-3 * abs(e0)
