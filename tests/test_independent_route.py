"""The same equilibrium reached by an independent route (scipy.optimize on the same energy,
different start).

chainsim returns (q*, r*) with q* a minimum of V(q; r*).  Here scipy minimises V(q; r*) over q
alone, from the solver's neutral initial guess and from q* plus a sizeable perturbation, with
the compiled energy's value and gradient: once with its exact Hessian (trust-exact) and once
with the gradient only (L-BFGS-B, whose quasi-Newton steps and line search share nothing with
chainsim's solver).  Both must land on q*, no lower than V(q*), where the Hessian is positive
definite.

Tolerance on q (rad or m): 1e-6 for trust-exact, which converges on the gradient (it lands
within ~1e-10 here).  3e-6 for L-BFGS-B, whose line search judges steps by the energy's value:
V ~ 717 J is resolved to ~1e-13 J, and along the softest direction (curvature ~30 N m) that
leaves q undetermined to ~1e-7 in theory and, as its line search stops early, up to ~1e-6 in
practice (largest error over 20 random perturbed starts per model: 9.6e-7).  scipy's own
``success`` flag is not used: its trust-region methods report "failure to predict improvement"
once the energy's rounding dominates the predicted decrease.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize

from chainsim._generated import layout
from chainsim.core import energy
from chainsim.core.start import initial_guess, new_start_work
from conftest import solved

CASES = {
    "neutral": {},
    "pronation10": {"both__pronation_deg": 10.0},
    "asymmetric": {"left__wedge_deg": 8.0, "right__arch_stiffness_n_per_mm": 60.0,
                   "left__leg_length_diff_mm": 10.0},
}
Q_TOL = {"trust-exact": 1e-6, "L-BFGS-B": 3e-6}


class Energy:
    """V(q; r) of one packed model as scipy wants it: (value, gradient), and the Hessian."""

    def __init__(self, theta, r):
        self.theta, self.r, self.w = theta, r, energy.new_work()
        energy.set_reference(theta, self.w, np.zeros(layout.NQ))
        self.g, self.H = np.zeros(layout.NQ), np.zeros((layout.NQ, layout.NQ))

    def fun(self, q):
        v = energy.total_energy(np.ascontiguousarray(q, float), self.r, self.theta, self.w,
                                self.g, self.H)
        return v, self.g.copy()

    def hess(self, q):
        self.fun(q)
        return self.H.copy()


def start(res, kind):
    """A start well away from q*: the solver's neutral guess, or q* perturbed by up to
    10 mm on the pelvis translations and 0.1 rad on every angle."""
    if kind == "initial_guess":
        q, r = np.zeros(layout.NQ), np.zeros(layout.NR)
        initial_guess(res.theta, energy.new_work(), new_start_work(), q, r)
        return q
    scale = np.where(np.arange(layout.NQ) < 3, 0.01, 0.1)
    return res.q + scale * np.random.default_rng(7).uniform(-1.0, 1.0, layout.NQ)


@pytest.mark.parametrize("method", ["trust-exact", "L-BFGS-B"])
@pytest.mark.parametrize("kind", ["initial_guess", "perturbed"])
@pytest.mark.parametrize("case", list(CASES))
def test_scipy_finds_the_same_stable_equilibrium(case, kind, method):
    res = solved(**CASES[case])
    assert res.status == "ok"
    assert not res.theta[layout.SIDE_OFFSET[0] + layout.S_DRIVE]     # no prescribed coordinate
    assert not res.theta[layout.SIDE_OFFSET[1] + layout.S_DRIVE]
    e = Energy(res.theta, res.r)
    q0 = start(res, kind)
    assert np.abs(q0 - res.q).max() > 0.03                     # a clearly different start
    # gtol (N, N m) is out of reach on purpose: scipy runs until it can improve no further
    if method == "trust-exact":
        opt = scipy.optimize.minimize(e.fun, q0, jac=True, hess=e.hess, method=method,
                                      options={"gtol": 1e-10, "maxiter": 500})
    else:
        opt = scipy.optimize.minimize(e.fun, q0, jac=True, method=method,
                                      options={"gtol": 1e-10, "ftol": 0.0, "maxiter": 5000})
    assert np.abs(opt.x - res.q).max() < Q_TOL[method]
    v_star, _ = e.fun(res.q)
    v, _ = e.fun(opt.x)
    assert v >= v_star - 1e-12 * abs(v_star)                    # scipy found nothing lower
    h = e.hess(opt.x)
    assert np.allclose(h, h.T)
    eig = np.linalg.eigvalsh(h)
    assert eig[0] > 0.0
    np.linalg.cholesky(h)                                       # positive definite
