"""The chain as an OpenSim model (``.osim``): bodies, masses, inertias, joints and axes.

The structure is the MJCF export's (``chainsim.export.mjcf``): one OpenSim coordinate per
chainsim coordinate, with the same name; the three pelvis translations are slider joints and
every rotation a pin joint of its own (OpenSim's pin turns about the z axis of its joint
frames, so each joint frame's z is the chainsim axis, placed at the axis' centre).  Bodies
between two joints of one anatomical joint (or the talus) are massless in chainsim and get
a token mass here (``TOKEN_MASS``); every body frame
coincides with the world frame in the reference posture (all coordinates zero), so
``q`` and OpenSim's coordinate values are the same numbers.  The right leg is the mirror of
chainsim's left-leg evaluation (positions ``P p``, axes ``-P w``, ``P = diag(1, -1, 1)``).

Joint springs and contacts are not written: the cross-check is inverse dynamics, where the
ground forces of a chainsim equilibrium are applied as external loads (see
tests/test_export_opensim.py).
"""

from __future__ import annotations

import numpy as np

from .._generated import layout as L
from ..core.dynamics import eom
from ..core.energy import LEFT, RIGHT, TRUNK
from .mjcf import MIRROR, PELVIS_COORDS, theta_of


#: Mass (kg) and moments of inertia (kg m^2) of the bodies between two joints of one
#: anatomical joint, massless in chainsim: OpenSim refuses a chain of massless bodies.  Their
#: weight is below 1e-10 of the body's and their inertia below 1e-9 of a foot's.
TOKEN_MASS = 1e-9
TOKEN_INERTIA = 1e-15


def _rotation_to_z(w):
    """Body-fixed XYZ Euler angles of a frame whose z axis is the unit vector ``w``."""
    z = np.asarray(w, float) / np.linalg.norm(w)
    a = np.array([1.0, 0.0, 0.0]) if abs(z[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    x = np.cross(a, z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    R = np.column_stack([x, y, z])
    # R = Rx(a) Ry(b) Rz(c)  (OpenSim's body-fixed X-Y-Z)
    b = np.arcsin(np.clip(R[0, 2], -1.0, 1.0))
    a_ = np.arctan2(-R[1, 2], R[2, 2])
    c = np.arctan2(-R[0, 1], R[0, 0])
    return np.array([a_, b, c])


def _rotation_to_x(e):
    z = np.asarray(e, float)
    if abs(z[0]) > 0.5:
        return np.zeros(3)
    return np.array([0.0, 0.0, np.pi / 2]) if abs(z[1]) > 0.5 else np.array([0.0, -np.pi / 2, 0.0])


def coordinate_names():
    """Names of chainsim's 31 coordinates, in order (as in the exported models)."""
    from .._generated.model import LEG, LUMBAR

    names = list(PELVIS_COORDS) + list(LUMBAR)
    for side in ("left", "right"):
        names += [f"{side}_{n}" for n in LEG]
    return names


def build_osim(model=None, *, theta=None):
    """Build the ``opensim.Model`` of the chain (needs the ``opensim`` package).

    Returns
    -------
    opensim.Model
        Finalized, gravity set; body names ``pelvis``, ``trunk_*``, ``left_*``, ``right_*``.
    """
    import opensim as osim

    th = theta_of(model) if theta is None else np.asarray(theta, float)
    ws = eom.new_dyn_work()
    q = np.zeros(L.NQ)
    eom.prepare(q, q, th, ws, False)
    axes, origins, Ib = ws.w.axes, ws.w.origins, ws.Ib
    names = coordinate_names()
    m = osim.Model()
    m.setName("chainsim")
    m.setGravity(osim.Vec3(0, 0, -th[L.G_GRAVITY]))
    V = lambda x: osim.Vec3(*map(float, x))  # noqa: E731

    def body(name, Ibody, mirror):
        if Ibody is None or Ibody[0] == 0.0:
            # OpenSim refuses chains of massless bodies (growTree): a token mass instead
            return osim.Body(name, TOKEN_MASS, osim.Vec3(0), osim.Inertia(*(TOKEN_INERTIA,) * 3))
        mass = Ibody[0]
        c = Ibody[1:4] / mass
        J = np.array([[Ibody[4], Ibody[7], Ibody[8]], [Ibody[7], Ibody[5], Ibody[9]],
                      [Ibody[8], Ibody[9], Ibody[6]]])
        Ic = J - mass * (c @ c * np.eye(3) - np.outer(c, c))
        if mirror:
            c, Ic = MIRROR * c, Ic * np.outer(MIRROR, MIRROR)
        return osim.Body(name, float(mass), V(c), osim.Inertia(
            float(Ic[0, 0]), float(Ic[1, 1]), float(Ic[2, 2]), float(Ic[0, 1]),
            float(Ic[0, 2]), float(Ic[1, 2])))

    def joint(name, parent, child, pos, orient, kind):
        cls = osim.SliderJoint if kind == "slide" else osim.PinJoint
        j = cls(name, parent, V(pos), V(orient), child, V(pos), V(orient))
        j.upd_coordinates(0).setName(name)
        m.addBody(child)
        m.addJoint(j)
        return child

    parent = m.getGround()
    for j in range(L.NB):
        last = j == L.NB - 1
        b = body("pelvis" if last else f"pelvis_{j}", Ib[TRUNK, j] if last else None, False)
        if j < 3:
            parent = joint(names[j], parent, b, np.zeros(3), _rotation_to_x(np.eye(3)[j]),
                           "slide")
        else:
            parent = joint(names[j], parent, b, origins[TRUNK, j],
                           _rotation_to_z(axes[TRUNK, j]), "pin")
    pelvis = parent
    for ch, n, first in ((TRUNK, L.NTRUNK, L.Q_LUMBAR), (LEFT, L.NCHAIN, L.Q_LEFT),
                         (RIGHT, L.NCHAIN, L.Q_RIGHT)):
        mirror = ch == RIGHT
        parent = pelvis
        for j in range(L.NB, n):
            gi = first + j - L.NB
            w, o = axes[ch, j], origins[ch, j]
            if mirror:
                w, o = -MIRROR * w, MIRROR * o
            b = body(f"b_{names[gi]}", Ib[ch, j], mirror)
            parent = joint(names[gi], parent, b, o, _rotation_to_z(w), "pin")
    m.finalizeConnections()
    m.initSystem()
    return m


def to_osim(model=None, path=None, *, theta=None) -> str:
    """Write the chain as an OpenSim ``.osim`` file and return its XML.

    Parameters
    ----------
    model : Model, optional
        The subject (default: the default subject).
    path : str or Path, optional
        Where to write it (a temporary file is used otherwise).
    theta : array, optional
        An already packed model.
    """
    import os
    import tempfile

    m = build_osim(model, theta=theta)
    target = str(path) if path is not None else tempfile.mktemp(suffix=".osim")
    m.printToXML(target)
    with open(target) as fh:
        xml = fh.read()
    if path is None:
        os.remove(target)
    return xml


__all__ = ["build_osim", "to_osim", "coordinate_names"]
