"""Symbolic energy elements of the chain, each a function of one natural variable.

An element is a potential energy ``E(x; constants)``.  The code generator writes its value,
first and second derivative into one compiled function; the compiled core composes them
with the chain kinematics (``chainsim.core.chain``).  Branches (one-sided springs,
unilateral contact) are written as :class:`sympy.Piecewise`, so every derivative here is
sympy's, never typed by hand (an implicitly defined quantity, ``ContactRoot``, carries its
own derivative, also sympy's).
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x", real=True)


def falisse() -> tuple[sp.Expr, tuple]:
    """Passive joint moment of Falisse et al. 2019 (J R Soc Interface 16:20190402), as energy.

    tau = k1 exp(k2 (q - theta2)) + k3 exp(k4 (q - theta1)) = -dE/dq.
    """
    k1, k2, k3, k4, t1, t2 = sp.symbols("k1 k2 k3 k4 theta1 theta2", real=True)
    e = -k1 / k2 * sp.exp(k2 * (x - t2)) - k3 / k4 * sp.exp(k4 * (x - t1))
    return e, (k1, k2, k3, k4, t1, t2)


def limit5() -> tuple[sp.Expr, tuple]:
    """Falisse et al. 2019 knee ad/abduction and rotation limit: tau = -c (q / qref)**5."""
    c, qref = sp.symbols("c qref", positive=True)
    tau = -c * (x / qref) ** 5
    e = -sp.integrate(tau, x)
    return e, (c, qref)


def one_sided_spring() -> tuple[sp.Expr, tuple]:
    """Postural tone about a rest angle, stiffer on one side: E = k(+/-) (q - q0)^2 / 2."""
    kp, kn = sp.symbols("k_pos k_neg", nonnegative=True)
    e = sp.Piecewise((kp * x**2 / 2, x >= 0), (kn * x**2 / 2, True))
    return e, (kp, kn)


def arch() -> tuple[sp.Expr, tuple]:
    """Medial arch: a stiffening law of the shape of Ker et al. 1987 (Nature 325:147).

    The arch joint angle ``x`` maps to horizontal arch elongation ``d = rho x``; the load
    on the tibia follows ``F(d) = c1 d + c2 d|d| + c3 d^3`` (odd, monotone) scaled by the
    subject's stiffness; the energy is ``A * integral F dd`` with ``A = scale * lever / rho``.
    """
    a, rho, c1, c2, c3 = sp.symbols("A rho c1 c2 c3", real=True)
    d = rho * x
    g_pos = c1 * d**2 / 2 + c2 * d**3 / 3 + c3 * d**4 / 4
    g_neg = c1 * d**2 / 2 - c2 * d**3 / 3 + c3 * d**4 / 4
    e = a * sp.Piecewise((g_pos, x >= 0), (g_neg, True))
    return e, (a, rho, c1, c2, c3)


class ContactRoot(sp.Function):
    """s(d; k, c) = sqrt(F) of the contact: the root s >= 0 of d = s / sqrt(k) + c s^2.

    Differentiated implicitly (ds/dd = 1 / (d/ds of the right-hand side)), so the energy's
    derivatives stay short; ``doit`` gives the closed form s = 2 d / (1/sqrt(k) +
    sqrt(1/k + 4 c d)) (rationalised so c = 0 is allowed), which the generated code computes.
    """

    nargs = 3

    @staticmethod
    def relation(s, k, c):
        return s / sp.sqrt(k) + c * s**2

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        s = sp.Dummy("s")
        return (1 / sp.diff(self.relation(s, *self.args[1:]), s)).subs(s, self)

    def doit(self, deep=True, **hints):
        d, k, c = (a.doit(deep=deep, **hints) for a in self.args) if deep else self.args
        return 2 * d / (1 / sp.sqrt(k) + sp.sqrt(1 / k + 4 * c * d))


#: Implicitly defined functions (the code generator cancels their derivatives' fractions).
IMPLICIT = (ContactRoot,)


def contact() -> tuple[sp.Expr, tuple]:
    """Unilateral compliant contact: plantar soft tissue in series with a cushioning layer.

    The tissue stiffens with compression, F = k d_t^2 (assumption: quadratic); the layer is
    linear with compliance c (c = 0: bare floor).  Total penetration d = sqrt(F/k) + c F, so
    F = s^2 with s the ``ContactRoot`` of d, and E = integral F dd = integral s^2 (ds/sqrt(k)
    + 2 c s ds) = s^3 / (3 sqrt(k)) + c s^4 / 2.
    """
    k = sp.Symbol("k", positive=True)
    c = sp.Symbol("c", nonnegative=True)
    s = ContactRoot(x, k, c)
    e = s**3 / (3 * sp.sqrt(k)) + c * s**4 / 2
    return sp.Piecewise((e, x > 0), (0, True)), (k, c)


ELEMENTS = {
    "falisse": falisse,
    "limit5": limit5,
    "one_sided_spring": one_sided_spring,
    "arch": arch,
    "contact": contact,
}
