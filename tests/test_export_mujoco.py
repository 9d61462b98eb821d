"""The MJCF export against MuJoCo itself: mass matrix, bias forces, a contact-free drop."""

import numpy as np
import pytest

from chainsim._generated import layout as L
from chainsim.core.dynamics import eom
from chainsim.core.dynamics import integrate as I
from chainsim.export import to_mjcf
from chainsim.export.mjcf import theta_of
from chainsim.model import Model

mujoco = pytest.importorskip("mujoco")


@pytest.fixture(scope="module", params=[Model(), Model(subject__sex="female",
                                                       left__leg_length_diff_mm=15,
                                                       both__subtalar_inclination_deg=35)])
def pair(request):
    th = theta_of(request.param)
    m = mujoco.MjModel.from_xml_string(to_mjcf(theta=th, contacts=False, springs=False))
    return th, m


def test_loads_with_the_same_coordinates(pair, tmp_path):
    th, m = pair
    assert m.nq == m.nv == L.NQ
    assert m.body_mass.sum() == pytest.approx(th[L.G_MASS], rel=1e-12)
    # with contacts, the written file loads too
    path = tmp_path / "chain.xml"
    to_mjcf(path=path, theta=th)
    mc = mujoco.MjModel.from_xml_path(str(path))
    assert mc.ngeom == 1 + 2 * (L.NCONTACT - 1)


def test_mass_matrix_and_bias_forces_match(pair):
    """Random states: M(q) and C(q, v) v + g(q) agree with MuJoCo's to 1e-8 (relative)."""
    th, m = pair
    d = mujoco.MjData(m)
    ws = eom.new_dyn_work()
    rng = np.random.default_rng(7)
    Mmj = np.zeros((L.NQ, L.NQ))
    for _ in range(5):
        q = rng.normal(0, 0.3, L.NQ)
        v = rng.normal(0, 1.0, L.NQ)
        d.qpos[:] = q
        d.qvel[:] = v
        mujoco.mj_forward(m, d)
        mujoco.mj_fullM(m, Mmj, d.qM) if hasattr(d, "qM") else mujoco.mj_fullM(m, d, Mmj)
        eom.evaluate(q, v, th, np.zeros(L.NQ), ws, eom.GRAVITY, 0.0, 0.0, False)
        assert np.abs(Mmj - ws.M).max() <= 1e-8 * np.abs(ws.M).max()
        assert np.abs(d.qfrc_bias + ws.rhs).max() <= 1e-8 * np.abs(ws.rhs).max()


def test_contact_free_drop_follows_mujoco(pair):
    """0.3 s of a tumbling drop (gravity only, joints free), both with RK4 at 0.1 ms."""
    th, _ = pair
    m = mujoco.MjModel.from_xml_string(to_mjcf(theta=th, contacts=False, springs=False,
                                               integrator="RK4", timestep=1e-4))
    d = mujoco.MjData(m)
    rng = np.random.default_rng(3)
    q0 = rng.normal(0, 0.2, L.NQ)
    v0 = rng.normal(0, 0.5, L.NQ)
    d.qpos[:] = q0
    d.qvel[:] = v0
    n = 3000
    traj = np.zeros((3, L.NQ))
    for i in range(n):
        mujoco.mj_step(m, d)
        if (i + 1) % 1000 == 0:
            traj[(i + 1) // 1000 - 1] = d.qpos
    ws = eom.new_dyn_work()
    q, v = np.zeros(L.NQ), np.zeros(L.NQ)
    rec = np.zeros((3, L.NREC))
    qrec = np.zeros((3, 2 * L.NQ))
    st = I.simulate(th, np.zeros(L.NQ), q0, v0, 1e-4, n, 1000, I.RK4, eom.GRAVITY, ws, q, v,
                    rec, qrec)
    assert st == L.IMPACT_OK
    assert np.abs(q - q0).max() > 0.3                      # it moved
    assert np.abs(qrec[:, :L.NQ] - traj).max() < 1e-8
