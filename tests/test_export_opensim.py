"""The OpenSim export against OpenSim itself: inverse dynamics of chainsim's static postures."""

import numpy as np
import pytest

from chainsim.core import energy as E
from chainsim._generated import layout as L
from chainsim.core.dynamics import eom
from chainsim.export.mjcf import MIRROR
from chainsim.model import Model
from chainsim.statics import solve

osim = pytest.importorskip("opensim")

from chainsim._generated.model import LEG_POINT_LAST  # noqa: E402
from chainsim.export.osim import build_osim, coordinate_names, to_osim  # noqa: E402


def _setup(model, q):
    m = build_osim(model)
    s = m.initSystem()
    names = coordinate_names()
    cset = m.getCoordinateSet()
    for i, n in enumerate(names):
        cset.get(n).setValue(s, float(q[i]), False)
    m.realizeAcceleration(s)
    bodies = np.array([cset.get(n).getBodyIndex() for n in names])
    return m, s, names, bodies


def _inverse_dynamics(m, s, bodies, loads=()):
    """OpenSim's generalized forces for zero accelerations, by chainsim coordinate.

    With explicit applied forces, OpenSim's solver takes every applied force from the caller,
    gravity included: the weights are added here from OpenSim's own bodies.
    """
    nb = L.NQ + 1                                  # ground and one body per coordinate
    body_forces = osim.VectorOfSpatialVec(nb, osim.SpatialVec(osim.Vec3(0), osim.Vec3(0)))
    bset = m.getBodySet()
    origins = {}
    for i in range(bset.getSize()):
        b = bset.get(i)
        origins[int(b.getMobilizedBodyIndex())] = b.getPositionInGround(s)
    g = m.getGravity()
    weights = []
    for i in range(bset.getSize()):
        b = bset.get(i)
        c = b.findStationLocationInGround(s, b.getMassCenter())
        weights.append((int(b.getMobilizedBodyIndex()), np.array([c.get(k) for k in range(3)]),
                        b.getMass() * np.array([g.get(k) for k in range(3)])))
    for bi, p, f in list(loads) + weights:
        o = origins[int(bi)]
        r = np.array([p[0] - o.get(0), p[1] - o.get(1), p[2] - o.get(2)])
        mom = np.cross(r, f)
        old = body_forces.get(int(bi))
        body_forces.set(int(bi), osim.SpatialVec(
            osim.Vec3(*(mom + np.array([old.get(0).get(k) for k in range(3)]))),
            osim.Vec3(*(f + np.array([old.get(1).get(k) for k in range(3)])))))
    solver = osim.InverseDynamicsSolver(m)
    tau = solver.solve(s, osim.Vector(L.NQ, 0.0), osim.Vector(L.NQ, 0.0), body_forces)
    tau = np.array([tau.get(i) for i in range(L.NQ)])
    rank = np.argsort(np.argsort(bodies))          # one-dof mobilizers: u order = body order
    return tau[rank]


def _ground_loads(theta, q, bodies):
    """chainsim's ground forces at ``q`` (contacts and friction anchors), in the true world,
    with the OpenSim body index each acts on."""
    w = E.new_work()
    E.kinematics(q, theta, w)
    out = []
    rows = np.zeros((L.NCONTACT + 2, 3))
    for ch, first in ((E.LEFT, L.Q_LEFT), (E.RIGHT, L.Q_RIGHT)):
        s = E.side(theta, ch - 1)
        E.contact_forces(s, w.points[ch], rows, w.f, w.dirs, w.coefs)
        pts = list(L.CONTACT_POINTS) + list(E.ANCHOR_POINTS)
        for r, pt in enumerate(pts):
            gi = first + LEG_POINT_LAST[pt] - L.NB
            p, f = w.points[ch, pt].copy(), rows[r].copy()
            if ch == E.RIGHT:
                p, f = MIRROR * p, MIRROR * f
            out.append((bodies[gi], p, f))
    return out


def test_writes_and_reloads(tmp_path):
    path = tmp_path / "chain.osim"
    xml = to_osim(None, path)
    assert "<PinJoint" in xml and "left_subtalar_eversion" in xml
    m = osim.Model(str(path))
    m.initSystem()
    assert m.getNumCoordinates() == L.NQ
    total = sum(m.getBodySet().get(i).getMass() for i in range(m.getBodySet().getSize()))
    assert total == pytest.approx(73.0, rel=1e-9)


def test_gravity_matches_random_postures():
    """Without loads, OpenSim's inverse dynamics (zero accelerations) is chainsim's
    generalized gravity, for random postures (relative 1e-8)."""
    from chainsim.export.mjcf import theta_of

    theta = theta_of(None)
    ws = eom.new_dyn_work()
    rng = np.random.default_rng(5)
    for _ in range(2):
        q = rng.normal(0, 0.2, L.NQ)
        m, s, names, bodies = _setup(None, q)
        tau = _inverse_dynamics(m, s, bodies)
        eom.evaluate(q, np.zeros(L.NQ), theta, np.zeros(L.NQ), ws, eom.GRAVITY, 0.0, 0.0, False)
        assert np.abs(tau + ws.rhs).max() < 1e-8 * np.abs(ws.rhs).max()


@pytest.mark.parametrize("model", [Model(), Model(both__arch_stiffness_n_per_mm=75,
                                                  both__pronation_deg=6, left__wedge_deg=5)])
def test_static_posture_joint_moments(model):
    """Inverse dynamics in OpenSim of a chainsim equilibrium, with chainsim's ground forces as
    external loads: the joint moments are chainsim's joint springs' (and fascia's) moments,
    and the pelvis needs no residual force."""
    r = solve(model)
    assert r.ok
    theta = r.theta
    m, s, names, bodies = _setup(model, r.q)
    tau = _inverse_dynamics(m, s, bodies, _ground_loads(theta, r.q, bodies))
    # chainsim's internal moments at the solution: tone about the postural set points r
    posture = np.zeros(L.NQ)
    posture[L.Q_LEFT + L.ANKLE] = posture[L.Q_RIGHT + L.ANKLE] = r.r[L.R_ANKLE]
    posture[L.Q_LEFT + L.HIP_ADD] = r.r[L.R_HIP]
    posture[L.Q_RIGHT + L.HIP_ADD] = -r.r[L.R_HIP]
    posture[L.Q_LUMBAR] = r.r[L.R_LUMBAR_EXT]
    posture[L.Q_LUMBAR + 1] = r.r[L.R_LUMBAR_BEND]
    ws = eom.new_dyn_work()
    eom.evaluate(r.q, np.zeros(L.NQ), theta, posture, ws, eom.SPRINGS, 0.0, 0.0, False)
    bw = theta[L.G_MASS] * theta[L.G_GRAVITY]
    assert np.abs(tau[:L.NB]).max() < 1e-6 * bw                  # no residual on the pelvis
    assert np.allclose(tau[L.NB:], ws.rhs[L.NB:], rtol=1e-6, atol=1e-6 * bw)
    assert np.abs(tau[L.NB:]).max() > 1.0                         # real moments were compared
