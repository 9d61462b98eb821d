"""The model's equations as sympy objects, for teaching (they render as LaTeX in Jupyter).

Every expression here is derived from the same sources the code generator compiles
(:mod:`chainsim.symbolic.chain` and :mod:`chainsim.symbolic.energies`), with the literature
constants that the compiled core uses, so what a student reads is what the model solves.

>>> from chainsim.symbolic import list_equations, equation
>>> sorted(list_equations())[:2]
['arch_law', 'contact_law']
>>> equation("subtalar_coupling")
Eq(phi_tib/phi_ev, tan(lambda)/cos(delta))
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import sympy as sp

from . import chain as ch
from . import energies
from ..arguments import ParameterError

#: The symbol of a joint angle in :func:`passive_moment` (rad, measured from its rest angle).
q = sp.Symbol("q")
#: Arch elongation (m) in :func:`arch_law`.
d = sp.Symbol("d", real=True)


# --- the mitered hinge --------------------------------------------------------------------

class SubtalarCoupling(NamedTuple):
    """Linearised split of a small subtalar rotation (see :func:`subtalar_coupling`)."""

    ratio: sp.Expr               #: tibial internal rotation / calcaneal eversion
    eversion: sp.Expr            #: calcaneal eversion about the foot's long axis
    tibial_rotation: sp.Expr     #: tibial (and talar) internal rotation about the vertical
    ankle_dorsiflexion: sp.Expr  #: the sagittal remainder, taken up by the ankle
    theta: sp.Symbol             #: subtalar rotation (+ = eversion / pronation)
    inclination: sp.Symbol       #: axis elevation above the transverse plane
    deviation: sp.Symbol         #: medial deviation of the axis from the foot's long axis


def subtalar_coupling() -> SubtalarCoupling:
    """Derive the closed-chain coupling of the oblique subtalar axis (the "mitered hinge").

    The subtalar axis of the left foot, in the world frame (x anterior, y left, z up), is
    ``u = (cos l cos d, -cos l sin d, sin l)`` with inclination ``l`` (lambda) and medial
    deviation ``d`` (delta) (Isman & Inman 1969, Bull Prosthet Res 10-11:97;
    :func:`chainsim.geometry.subtalar_axis`).  In stance the
    calcaneus can only evert about the foot's long axis (x), the tibia with the talus can
    only rotate about the vertical (z), and the ankle takes up the sagittal remainder
    (about -y).  The closed loop ``tibia -> ankle -> subtalar = calcaneus`` is written with
    finite rotations and linearised about the neutral pose; solving it splits a small
    subtalar rotation ``theta`` into its three components.

    Returns
    -------
    SubtalarCoupling
        ``ratio`` simplifies to ``tan(l) / cos(d)``: ``tan(l)`` at zero deviation, the
        classic mitered-hinge rule (1 at 45 degrees; docs/references.md §2 quotes 0.90 at 42).

    Notes
    -----
    This is the idealised, purely kinematic ratio: about 0.98 at Isman & Inman's mean axis
    (42 degrees, 23 degrees).  Fischer et al. 2018 (J Anat 233:64) measured 0.68 +/- 0.15
    in loaded cadaver feet.  chainsim's full model closes the same loop, but the tibia's
    rotation is resisted by the knee and hip springs and the rest of the leg, the
    talocrural axis is oblique, and the foot rests on compliant contacts, so not all of
    the subtalar rotation becomes pure calcaneal eversion plus tibial rotation; its
    closed-chain ratio is lower (about 0.75 with the default axis when this was written,
    within Fischer's range; ``tests/test_symbolic.py`` checks that it stays below this one).

    Examples
    --------
    >>> c = subtalar_coupling()
    >>> c.ratio
    tan(lambda)/cos(delta)
    >>> c.tibial_rotation
    theta*sin(lambda)
    """
    i = sp.Symbol("lambda", positive=True)
    dev = sp.Symbol("delta", positive=True)
    theta, ev, tib, ank, eps = sp.symbols("theta phi_ev phi_tib phi_ank epsilon", real=True)
    u = sp.Matrix([sp.cos(i) * sp.cos(dev), -sp.cos(i) * sp.sin(dev), sp.sin(i)])
    # tibia (internal rotation about -z), ankle (dorsiflexion about -y), subtalar (about u)
    # must compose to a pure calcaneal eversion (about +x), at first order in epsilon
    loop = ch.rot_z(-eps * tib) * ch.rot_y(-eps * ank) * ch.rot_axis(u, eps * theta)
    w = sp.diff(loop - ch.rot_x(eps * ev), eps).subs(eps, 0)     # skew-symmetric
    sol = sp.solve([w[2, 1], w[0, 2], w[1, 0]], [ev, tib, ank], dict=True)[0]
    ratio = sp.simplify(sol[tib] / sol[ev])
    return SubtalarCoupling(ratio, sol[ev], sol[tib], sol[ank], theta, i, dev)


def mitered_hinge_ratio(inclination_deg: float = 42.0, deviation_deg: float = 23.0) -> float:
    """Idealised tibial rotation per calcaneal eversion for a subtalar axis (degrees in).

    Defaults are Isman & Inman's (1969) mean axis.  See :func:`subtalar_coupling`.

    Examples
    --------
    >>> round(mitered_hinge_ratio(), 2)
    0.98
    >>> round(mitered_hinge_ratio(45.0, 0.0), 6)
    1.0
    """
    c = subtalar_coupling()
    return float(c.ratio.subs({c.inclination: sp.rad(sp.Float(inclination_deg)),
                               c.deviation: sp.rad(sp.Float(deviation_deg))}))


# --- passive joint moments ----------------------------------------------------------------

def _falisse_tables():
    from chainsim.core import passive      # lazy: imports numba

    rows = dict(zip(ch.LEG, passive.LEG_FALISSE)) | dict(zip(ch.LUMBAR, passive.LUMBAR_FALISSE))
    limit = {n for n, flag in zip(ch.LEG, passive.LEG_LIMIT5) if flag}
    return rows, limit, (passive.KNEE_LIMIT_C, passive.KNEE_LIMIT_QREF)


def _terms(expr, var, vals, inner):
    """Split ``expr`` into terms ``coefficient * f(var)``: numbers for the coefficients,
    ``inner`` applied to ``f`` (which may hold its argument in the paper's form)."""
    out = []
    for term in sp.Add.make_args(expr):
        coef, f = term.as_independent(var, as_Add=False)
        out.append((coef.subs(vals), inner(f)))
    return out


def passive_moment(dof: str, angle: sp.Symbol = q, evaluate: bool = False) -> sp.Expr:
    """Passive moment ``tau(q)`` of one joint coordinate, constants substituted.

    Falisse et al. 2019 (J R Soc Interface 16:20190402):
    ``tau = k1 exp(k2 (q - theta2)) + k3 exp(k4 (q - theta1))``, and for the knee's
    ad/abduction and rotation ``tau = -c (q / qref)^5``, both derived here as ``-dE/dq``
    from :mod:`chainsim.symbolic.energies` with the constants of :mod:`chainsim.core.passive`.
    The paper's damping term (about -0.1 qdot) is left out: the model is static.

    Parameters
    ----------
    dof : str
        A leg or lumbar coordinate name, e.g. ``"hip_flexion"`` or ``"lumbar_extension"``.
    angle : sympy.Symbol, optional
        The angle symbol (rad, chainsim's sign convention, measured from the coordinate's
        rest angle); default :data:`q`.
    evaluate : bool
        Let sympy fold the constants (``-2.44 exp(5.05 (q - 1.81))`` becomes
        ``-0.00026 exp(5.05 q)``).  By default each term is held in the paper's form for
        LaTeX display (plain-text printing may still fold some constants); substituting a
        value for the angle evaluates it either way.

    Returns
    -------
    sympy.Expr
        Moment in N m, + in the direction of + ``q``.  Where OpenSim's sign differs from
        chainsim's (knee flexion) the sign change is part of the expression.

    Examples
    --------
    >>> print(sp.latex(passive_moment("hip_adduction")))
    - 0.03 e^{14.94 \\left(q - 0.5\\right)} + 0.03 e^{- 14.94 \\left(q + 0.5\\right)}
    >>> round(float(passive_moment("hip_adduction").subs(q, 0.6)), 3)
    -0.134
    """
    rows, limit, (c_lim, qref_lim) = _falisse_tables()
    valid = [n for n in rows if rows[n][0] != 0.0 or rows[n][2] != 0.0 or n in limit]
    if dof not in valid:
        raise ParameterError(f"no passive moment for {dof!r}; choose one of {valid}")
    x = energies.x
    plain, terms = sp.Integer(0), []
    k1, k2, k3, k4, t1, t2, sign = (float(v) for v in rows[dof])
    sign = int(sign)                      # +1, or -1 where OpenSim's sign differs
    if k1 != 0.0 or k3 != 0.0:
        e, syms = energies.falisse()
        vals = dict(zip(syms, map(sp.Float, (k1, k2, k3, k4, t1, t2))))
        tau = -sp.diff(e.subs(x, sign * angle), angle)
        plain += tau.subs(vals)

        def inner(f):                     # exp(k (q - theta)) -> numbers, held as a product
            factors = (g.subs(vals) for g in sp.Mul.make_args(f.args[0]))
            return sp.exp(sp.Mul(*factors, evaluate=False), evaluate=False)

        terms += _terms(tau, angle, vals, inner)
    if dof in limit:
        e, (c, qref) = energies.limit5()
        tau = -sp.diff(e.subs(x, angle), angle)
        plain += tau.subs({c: sp.Float(c_lim), qref: sp.Float(qref_lim)})
        z = sp.Dummy("z")
        held = sp.Mul(angle, sp.Pow(sp.Float(qref_lim), -1, evaluate=False), evaluate=False)

        def inner_limit(f):               # (q / qref)^5, held
            with sp.evaluate(False):
                return f.xreplace({z: held})

        terms += _terms(tau.subs(angle, qref * z), z, {c: sp.Float(c_lim)}, inner_limit)
    if evaluate:
        return plain
    with sp.evaluate(False):
        return sp.Add(*(sp.Mul(cf, f) for cf, f in terms))


# --- arch and contact ---------------------------------------------------------------------

class ArchLaw(NamedTuple):
    """The arch element (see :func:`arch_law`)."""

    energy: sp.Expr    #: E(x), x the arch joint angle (rad)
    moment: sp.Expr    #: -dE/dx, the arch's moment on its joint (N m)
    force: sp.Expr     #: F(d), load on the tibia at arch elongation d (N, d in m)


def arch_law(fitted: bool = False) -> ArchLaw:
    """The Ker-shaped arch law of :func:`chainsim.symbolic.energies.arch`.

    The arch angle ``x`` maps to horizontal arch elongation ``d = rho x``; the load on the
    tibia is ``F(d) = c1 d + c2 d|d| + c3 d^3`` (odd and stiffening, the shape of Ker et al.
    1987, Nature 325:147); the energy is ``A`` times its integral.

    Parameters
    ----------
    fitted : bool
        Substitute ``c1, c2, c3`` fitted to Ker's curve (:data:`chainsim.arch.LIGAMENT_C`, the ligaments; the fascia is a separate element);
        ``A`` and ``rho`` depend on the subject and stay symbolic.

    Examples
    --------
    >>> arch_law().force
    Piecewise((c1*d + c2*d**2 + c3*d**3, d >= 0), (c1*d - c2*d**2 + c3*d**3, True))
    """
    e, (a, rho, c1, c2, c3) = energies.arch()
    x = energies.x
    de = sp.piecewise_fold(sp.diff(e, x))
    # F = (dE/dx) / (A rho) at x = d / rho; with rho > 0, x >= 0 is d >= 0
    force = sp.Piecewise(*[(sp.expand(sp.simplify(p.subs(x, d / rho) / (a * rho))), c.subs(x, d))
                           for p, c in de.args])
    law = ArchLaw(e, -de, force)
    if fitted:
        from chainsim.arch import LIGAMENT_C

        vals = dict(zip((c1, c2, c3), map(sp.Float, LIGAMENT_C)))
        law = ArchLaw(*(f.subs(vals) for f in law))
    return law


class ContactLaw(NamedTuple):
    """The contact element (see :func:`contact_law`)."""

    energy: sp.Expr    #: E(x), x the penetration into the support (m)
    force: sp.Expr     #: dE/dx, the push of the support (N)


def contact_law(fitted: bool = False) -> ContactLaw:
    """Unilateral compliant contact of :func:`chainsim.symbolic.energies.contact`: plantar
    tissue (stiffness ``k``) in series with a cushioning layer (compliance ``c``).

    Parameters
    ----------
    fitted : bool
        Substitute the plantar-tissue stiffness :data:`chainsim.tissues.CONTACT_K` on a bare
        floor (``c = 0``).

    Examples
    --------
    >>> law = contact_law()
    >>> sp.simplify(law.force.subs(sp.Symbol("c", nonnegative=True), 0))
    Piecewise((k*x**2, x > 0), (0, True))
    """
    e, (k, c) = energies.contact()
    f = sp.piecewise_fold(sp.diff(e, energies.x))
    # in closed form: the implicit root's derivative cancels, then the root is written out
    f = sp.Piecewise(*[(sp.cancel(piece).doit(), cond) for piece, cond in f.args])
    law = ContactLaw(e.doit(), f)
    if fitted:
        from chainsim.tissues import CONTACT_K

        law = ContactLaw(*(g.subs({k: sp.Float(CONTACT_K), c: 0}) for g in law))
    return law


# --- kinematics ---------------------------------------------------------------------------

def leg_chain() -> ch.Chain:
    """The symbolic left leg with its pelvis (:func:`chainsim.symbolic.chain.leg_chain`)."""
    return ch.leg_chain()


@functools.lru_cache(maxsize=1)
def _leg_points() -> dict:
    return dict(ch.leg_chain().points)


def point(name: str, neutral: bool = False, **values) -> sp.Matrix:
    """World position of a named point of the left leg.

    Parameters
    ----------
    name : str
        One of :data:`chainsim.symbolic.chain.LEG_POINTS` (``"ankle"``, ``"mt1"``, ...).
    neutral : bool
        Set all 16 coordinates (pelvis pose and leg angles) to zero.
    **values
        Values for coordinates or parameters by name (SI units, radians).

    Examples
    --------
    >>> point("knee", neutral=True).T
    Matrix([[hip_x, hip_y, hip_z - thigh_len]])
    """
    points = _leg_points()
    if name not in points:
        raise ParameterError(f"unknown point {name!r}; choose one of {list(points)}")
    names = ch.BASE + ch.LEG + ch.LEG_PARAMS
    bad = sorted(set(values) - set(names))
    if bad:
        raise ParameterError(f"unknown coordinates or parameters: {bad}")
    subs = {sp.Symbol(n): sp.Integer(0) for n in ch.BASE + ch.LEG} if neutral else {}
    subs.update({sp.Symbol(n): sp.sympify(v) for n, v in values.items()})
    # the keys are symbols, so one xreplace pass does what subs does, much faster
    return points[name].xreplace(subs) if subs else points[name].copy()


# --- an index for display -----------------------------------------------------------------

def _eq_coupling():
    c = subtalar_coupling()
    return sp.Eq(sp.Symbol("phi_tib") / sp.Symbol("phi_ev"), c.ratio)


def _eq_passive(dof="hip_flexion"):
    return sp.Eq(sp.Function("tau")(q), passive_moment(dof))


def _eq_arch(fitted=False):
    return sp.Eq(sp.Function("F")(d), arch_law(fitted).force)


def _eq_contact(fitted=False):
    return sp.Eq(sp.Function("F")(energies.x), contact_law(fitted).force)


def _eq_point(name="ankle", neutral=True, **values):
    rhs = point(name, neutral=neutral, **values)
    return sp.Eq(sp.MatrixSymbol(f"r_{name}", 3, 1), rhs, evaluate=False)


_EQUATIONS = {
    "subtalar_coupling": (_eq_coupling, "tibial rotation per calcaneal eversion (mitered hinge)"),
    "passive_moment": (_eq_passive, "Falisse et al. 2019 passive joint moment; argument: dof"),
    "arch_law": (_eq_arch, "Ker-shaped arch load vs elongation; argument: fitted"),
    "contact_law": (_eq_contact, "plantar contact force vs penetration; argument: fitted"),
    "point": (_eq_point, "world position of a point of the left leg; arguments as point()"),
}


def list_equations() -> dict:
    """Names of the equations :func:`equation` can show, with one line on each."""
    return {name: doc for name, (_, doc) in _EQUATIONS.items()}


def equation(name: str, *args, **kwargs) -> sp.Eq:
    """One of the model's equations as a :class:`sympy.Eq` (renders as LaTeX).

    Examples
    --------
    >>> equation("passive_moment", "knee_flexion").lhs
    tau(q)
    >>> equation("point", "knee").rhs.T
    Matrix([[hip_x, hip_y, hip_z - thigh_len]])
    """
    if name not in _EQUATIONS:
        raise ParameterError(f"unknown equation {name!r}; choose one of {list(_EQUATIONS)}")
    return _EQUATIONS[name][0](*args, **kwargs)
