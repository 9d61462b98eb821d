"""The chain as a MuJoCo MJCF model: the same bodies, inertias, joints and contact points.

Every chainsim coordinate becomes one MuJoCo joint, in the same order (pelvis x, y, z as slide
joints, then hinges), so ``qpos`` and ``qvel`` *are* chainsim's ``q`` and ``v``.  The joint
axes and centres are read from the compiled kinematics in the reference posture (all
coordinates zero); each hinge sits in its own body (massless where chainsim has no segment
there), so nothing depends on how MuJoCo composes several joints in one body.  The right leg
is the mirror image of chainsim's left-leg evaluation: positions ``P p`` and hinge axes
``-P w`` with ``P = diag(1, -1, 1)`` (a reflection turns a rotation about ``w`` into one about
``-P w``).  Body inertias are full tensors about each centre of mass, in world-aligned frames.

Joint tone (as linear springs about the touchdown posture ``posture``) and damping, and the
contact points (small spheres colliding with a floor plane), are written for simulations in
MuJoCo; they are MuJoCo's own laws (linear springs, soft constraints), not chainsim's.
"""

from __future__ import annotations

import numpy as np

from .._generated import layout as L
from ..core.dynamics import eom
from ..core.energy import LEFT, RIGHT, TRUNK
from ..arguments import check_instance
from ..model import Model, columns
from ..pack import pack

#: ``P`` = diag(1, -1, 1), the reflection that mirrors the left-leg evaluation to the right leg
MIRROR = np.array([1.0, -1.0, 1.0])
#: names of the pelvis' six coordinates, chainsim's first
PELVIS_COORDS = ("pelvis_x", "pelvis_y", "pelvis_z", "pelvis_rotation", "pelvis_obliquity",
                 "pelvis_tilt")


def _f(x):
    return " ".join(f"{v:.17g}" for v in np.ravel(x))


def _inertial(Ib, mirror):
    """MJCF inertial element from chainsim's (m, h, J about the origin)."""
    m = Ib[0]
    c = Ib[1:4] / m
    J = np.array([[Ib[4], Ib[7], Ib[8]], [Ib[7], Ib[5], Ib[9]], [Ib[8], Ib[9], Ib[6]]])
    Ic = J - m * (c @ c * np.eye(3) - np.outer(c, c))
    if mirror:
        c = MIRROR * c
        Ic = Ic * np.outer(MIRROR, MIRROR)
    full = [Ic[0, 0], Ic[1, 1], Ic[2, 2], Ic[0, 1], Ic[0, 2], Ic[1, 2]]
    return c, m, full


def theta_of(model: Model | None = None) -> np.ndarray:
    """Packed parameters of a model (default subject if None)."""
    if model is None:
        model = Model()
    check_instance("model", model, Model, "a chainsim.Model (or None: the default subject)")
    return pack(columns([model]))[0]


def to_mjcf(model: Model | None = None, path=None, *, timestep: float = 2e-4,
            posture=None, contacts: bool = True, springs: bool = True,
            integrator: str = "implicitfast", theta=None) -> str:
    """Write the chain as MJCF.

    Parameters
    ----------
    model : Model, optional
        The subject (default: the default subject).
    path : str or Path, optional
        Where to write the XML; it is returned either way.
    timestep : float
        MuJoCo's time step (s).
    posture : (31,) array, optional
        Set points of the joint springs (chainsim ``q``); default: zero.
    contacts : bool
        Add the floor and the contact spheres.
    springs : bool
        Write the joints' linearised tone (stiffness about ``posture``) and damping.
    integrator : str
        MuJoCo's integrator (``implicitfast``, ``RK4``, ``Euler``, ``implicit``).
    theta : (NP,) array, optional
        An already packed model (overrides ``model``).

    Returns
    -------
    str
        The MJCF document.
    """
    th = theta_of(model) if theta is None else np.asarray(theta, float)
    ws = eom.new_dyn_work()
    q = np.zeros(L.NQ)
    eom.prepare(q, q, th, ws, False)
    axes, origins, Ib = ws.w.axes, ws.w.origins, ws.Ib
    posture = np.zeros(L.NQ) if posture is None else np.asarray(posture, float)
    names = {}
    from .._generated.model import LEG, LUMBAR
    for i, n in enumerate(PELVIS_COORDS):
        names[i] = n
    for i, n in enumerate(LUMBAR):
        names[L.Q_LUMBAR + i] = n
    for side, q0 in (("left", L.Q_LEFT), ("right", L.Q_RIGHT)):
        for i, n in enumerate(LEG):
            names[q0 + i] = f"{side}_{n}"

    def stiff(gi, side_k, j):
        """Linearised tone and damping of a coordinate: chainsim's tone, not its passive law."""
        if gi < L.NB:
            return 0.0, 0.0
        if gi < L.Q_LEFT:
            k = gi - L.Q_LUMBAR
            return th[L.G_LUMBAR_K + k], th[L.G_LUMBAR_DAMPING + k]
        s = th[L.SIDE_OFFSET[side_k]:L.SIDE_OFFSET[side_k] + L.NS]
        k = s[L.S_KPOS + j]
        if j == L.ARCH:
            k += s[L.S_ARCH + L.ARCH_A] * s[L.S_ARCH + L.ARCH_RHO] ** 2 * s[L.S_ARCH + L.ARCH_C1]
        return k, s[L.S_DAMPING + j]

    out = ['<mujoco model="chainsim">',
           '  <compiler angle="radian" inertiafromgeom="false" autolimits="true"/>',
           f'  <option timestep="{timestep:.17g}" gravity="0 0 {-th[L.G_GRAVITY]:.17g}" '
           f'integrator="{integrator}"/>',
           '  <worldbody>']
    if contacts:
        out.append('    <geom name="floor" type="plane" size="5 5 0.1" friction="0.6"/>')
    from .._generated.model import LEG_POINT_LAST

    def joint(gi, jt, pos, ax, pad, side_k, j):
        k, dmp = stiff(gi, side_k, j)
        extra = "" if jt == "slide" or gi < L.NB or not springs else (
            f' stiffness="{k:.17g}" damping="{dmp:.17g}" springref="{posture[gi]:.17g}"')
        return pad + (f'<joint name="{names[gi]}" type="{jt}" pos="{_f(pos)}" '
                      f'axis="{_f(ax)}"{extra}/>')

    # MuJoCo composes the joints of one body in order, each axis carried by the joints before
    # it: the same serial chain as chainsim's, so each body holds the joints up to its segment
    depth = 2
    pad = "  " * depth
    out.append(pad + '<body name="pelvis" pos="0 0 0">')
    for j in range(L.NB):
        if j < 3:
            out.append(joint(j, "slide", np.zeros(3), np.eye(3)[j], pad + "  ", 0, j))
        else:
            out.append(joint(j, "hinge", origins[TRUNK, j], axes[TRUNK, j], pad + "  ", 0, j))
    c, m, full = _inertial(Ib[TRUNK, L.NB - 1], False)
    out.append(pad + f'  <inertial pos="{_f(c)}" mass="{m:.17g}" fullinertia="{_f(full)}"/>')
    for ch, n, first in ((TRUNK, L.NTRUNK, L.Q_LUMBAR), (LEFT, L.NCHAIN, L.Q_LEFT),
                         (RIGHT, L.NCHAIN, L.Q_RIGHT)):
        mirror = ch == RIGHT
        side = ("trunk", "left", "right")[ch]
        d = depth
        j = L.NB
        opened = 0
        while j < n:
            end = j
            while Ib[ch, end, 0] == 0.0:
                end += 1
            d += 1
            opened += 1
            pad = "  " * d
            out.append(pad + f'<body name="{side}_{names[first + end - L.NB]}" pos="0 0 0">')
            for jj in range(j, end + 1):
                gi = first + jj - L.NB
                w, o = axes[ch, jj], origins[ch, jj]
                if mirror:
                    w, o = -MIRROR * w, MIRROR * o
                out.append(joint(gi, "hinge", o, w, pad + "  ", ch - 1, jj - L.NB))
            c, m, full = _inertial(Ib[ch, end], mirror)
            out.append(pad + f'  <inertial pos="{_f(c)}" mass="{m:.17g}" '
                       f'fullinertia="{_f(full)}"/>')
            if contacts and ch != TRUNK:
                for ci, pt in enumerate(L.CONTACT_POINTS):
                    if not (j <= LEG_POINT_LAST[pt] <= end) or ci == L.C_MID:
                        continue
                    p = ws.w.points[ch, pt] * (MIRROR if mirror else 1.0)
                    out.append(pad + f'  <geom name="{side}_{L.CONTACT_NAMES[ci]}" '
                               f'type="sphere" size="0.005" pos="{_f(p)}" mass="0"/>')
            j = end + 1
        for k in range(opened):
            out.append("  " * (d - k) + "</body>")
    out.append("  " * depth + "</body>")
    out += ["  </worldbody>", "</mujoco>", ""]
    xml = "\n".join(out)
    if path is not None:
        with open(path, "w") as fh:
            fh.write(xml)
    return xml
