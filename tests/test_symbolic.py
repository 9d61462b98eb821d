"""The symbolic side: the committed generated module matches its derivation, its derivatives
and screw axes are right, the runtime never imports sympy, and the teaching equations agree
with the literature and with the compiled model."""

from __future__ import annotations

import doctest
import inspect
import math
import re
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from chainsim import arch
from chainsim._generated import model as gen
from chainsim._generated import layout as L
from chainsim.core import passive
from chainsim.pack import pack
from chainsim.symbolic import chain as ch
from chainsim.symbolic import codegen, energies
from chainsim.symbolic import equations as eq

RNG_SEED = 20240611


# --- helpers --------------------------------------------------------------------------------

def _load(src: str) -> dict:
    """Execute a generated module's source, with plain Python functions in place of numba's."""
    line = "from chainsim.core.jit import jit"
    assert line in src
    ns: dict = {}
    exec(compile(src.replace(line, "jit = lambda f: f"), "<generated>", "exec"), ns)
    return ns


def _leg_params(rng=None) -> np.ndarray:
    """Left-leg parameters of a packed default model; with ``rng``, offsets moved by about
    1 cm and axes tilted a little (so no parameter is an unrepresentative zero)."""
    theta = pack({})[0]
    o = L.SIDE_OFFSET[0] + L.S_KIN
    p = theta[o:o + L.NKP].copy()
    if rng is not None:
        names = gen.LEG_PARAMS
        p += np.array([0.0 if "_ax_" in n else rng.normal(0.0, 0.01) for n in names])
        for axis in ("ankle_ax", "sub_ax", "arch_ax", "ff_ax"):
            i = names.index(axis + "_x")
            a = p[i:i + 3] + rng.normal(0.0, 0.1, 3)
            p[i:i + 3] = a / np.linalg.norm(a)
    return p


def _trunk_params(rng=None) -> np.ndarray:
    p = pack({})[0][L.G_TRUNK:L.G_TRUNK + L.NTP].copy()
    if rng is not None:
        p += rng.normal(0.0, 0.01, p.shape)
    return p


def _kinematics(fn, nq, npoints, nsegments, q, p):
    axes, origins = np.zeros((nq, 3)), np.zeros((nq, 3))
    points, frames = np.zeros((npoints, 3)), np.zeros((nsegments, 3, 3))
    fn(np.asarray(q, float), np.asarray(p, float), axes, origins, points, frames)
    return axes, origins, points, frames


def _leg(ns, q, p):
    return _kinematics(ns["leg_kinematics"], len(ns["BASE"]) + len(ns["LEG"]),
                       len(ns["LEG_POINTS"]), len(ns["LEG_SEGMENTS"]), q, p)


def _trunk(ns, q, p):
    return _kinematics(ns["trunk_kinematics"], len(ns["BASE"]) + len(ns["LUMBAR"]),
                       len(ns["TRUNK_POINTS"]), len(ns["TRUNK_SEGMENTS"]), q, p)


def _differences(a: dict, b: dict, seed: int = RNG_SEED) -> list[str]:
    """Names of the tables and functions of two generated namespaces that differ, compared
    at random inputs (kinematics) and random arguments on both branches (energy elements)."""
    rng = np.random.default_rng(seed)
    out = []
    for name in ("BASE", "LEG", "LUMBAR", "LEG_PARAMS", "TRUNK_PARAMS", "LEG_POINTS",
                 "LEG_SEGMENTS", "TRUNK_POINTS", "TRUNK_SEGMENTS", "LEG_POINT_LAST",
                 "LEG_SEGMENT_LAST", "TRUNK_POINT_LAST"):
        if a.get(name) != b.get(name):
            out.append(name)
    if out:
        return out
    for name, call, nq, params in (
        ("leg_kinematics", _leg, len(a["BASE"]) + len(a["LEG"]), _leg_params),
        ("trunk_kinematics", _trunk, len(a["BASE"]) + len(a["LUMBAR"]), _trunk_params),
    ):
        for _ in range(3):
            q, p = rng.uniform(-0.5, 0.5, nq), params(rng)
            ra, rb = call(a, q, p), call(b, q, p)
            if not all(np.allclose(x, y, rtol=1e-10, atol=1e-12) for x, y in zip(ra, rb)):
                out.append(name)
                break
    for name in energies.ELEMENTS:
        fa, fb = a[name], b[name]
        args = list(inspect.signature(fa).parameters)
        if args != list(inspect.signature(fb).parameters):
            out.append(name)
            continue
        for x in (-0.7, -0.2, 0.3, 0.9):
            consts = rng.uniform(0.5, 2.0, len(args) - 1)
            if not np.allclose(fa(x, *consts), fb(x, *consts), rtol=1e-10, atol=1e-12):
                out.append(name)
                break
    return out


@pytest.fixture(scope="module")
def sources():
    """(regenerated source, committed source)."""
    return codegen.source(), codegen.TARGET.read_text()


# --- 1a. the committed module is what the derivation generates ------------------------------

def test_generated_module_is_up_to_date(sources):
    """Same sympy as the header: the text must match; else the functions must (formatting may
    change between sympy versions, the derivation may not)."""
    new, committed = sources
    m = re.search(r"\bsympy (\S+)\.\s", committed)
    assert m, "the generated header no longer records the sympy version"
    if m.group(1) == sp.__version__:
        assert new == committed, "chainsim/_generated/model.py is stale: run " \
                                 "`python -m chainsim.symbolic.codegen`"
    else:
        assert _differences(_load(new), _load(committed)) == []


def test_generated_layout_is_up_to_date():
    """The array boundary's offsets, slots and statuses are what boundary.py declares (plain
    text: no sympy in it, so it does not depend on the sympy version)."""
    assert codegen.layout_source() == codegen.LAYOUT_TARGET.read_text(), (
        "chainsim/_generated/layout.py is stale: run `python -m chainsim.symbolic.codegen`")


def test_generated_module_matches_numerically(sources):
    """The numeric comparison (the fallback above) also passes when the text matches."""
    new, committed = sources
    assert _differences(_load(new), _load(committed)) == []


def test_numeric_comparison_detects_a_changed_derivation(sources):
    _, committed = sources
    swapped = committed.replace("    thigh_len = p[3]\n", "    thigh_len = p[4]\n")
    assert swapped != committed
    assert _differences(_load(committed), _load(swapped)) == ["leg_kinematics"]
    ns = _load(committed)
    arch = ns["arch"]
    ns["arch"] = lambda x, *c: tuple(1.001 * v for v in arch(x, *c))
    assert _differences(_load(committed), ns) == ["arch"]


# --- 1b. every generated derivative against central differences -----------------------------

def _check_derivatives(f, consts, xs, h):
    """e1 = dE/dx and e2 = d2E/dx2 of ``f(x, *consts) -> (E, e1, e2)`` by central differences."""
    for x in xs:
        e0, e1, e2 = f(x, *consts)
        p, m = f(x + h, *consts), f(x - h, *consts)
        fd1 = (p[0] - m[0]) / (2 * h)
        fd2 = (p[1] - m[1]) / (2 * h)
        # absolute floors where a derivative passes through zero, from the next-lower order
        scale1 = max(abs(e1), abs(e0) / max(abs(x), h), 1e-12)
        scale2 = max(abs(e2), abs(e1) / max(abs(x), h))
        assert e1 == pytest.approx(fd1, rel=1e-6, abs=1e-7 * scale1), ("dE/dx", x)
        assert e2 == pytest.approx(fd2, rel=1e-6, abs=1e-7 * scale2), ("d2E/dx2", x)


FALISSE_ROWS = [r for r in np.vstack([passive.LEG_FALISSE, passive.LUMBAR_FALISSE])
                if r[0] != 0.0 or r[2] != 0.0]


@pytest.mark.parametrize("row", FALISSE_ROWS, ids=lambda r: f"k1={r[0]}")
def test_falisse_derivatives_and_law(row):
    k1, k2, k3, k4, t1, t2 = row[:6]
    xs = np.linspace(t1 - 0.2, t2 + 0.2, 9)
    _check_derivatives(gen.falisse, row[:6], xs, 1e-6)
    # the moment -dE/dx is the paper's law, written out here on its own
    for x in xs:
        tau = k1 * math.exp(k2 * (x - t2)) + k3 * math.exp(k4 * (x - t1))
        assert -gen.falisse(x, *row[:6])[1] == pytest.approx(tau, rel=1e-10, abs=1e-14)


def test_limit5_derivatives_and_law():
    c, qref = passive.KNEE_LIMIT_C, passive.KNEE_LIMIT_QREF
    xs = [-0.3, -0.1, -0.02, 0.05, 0.15, 0.3]
    _check_derivatives(gen.limit5, (c, qref), xs, 1e-6)
    for x in xs:     # Falisse et al. 2019: tau = -30 (q / 7.5 deg)^5
        assert -gen.limit5(x, c, qref)[1] == pytest.approx(-30.0 * (x / math.radians(7.5)) ** 5)


def test_one_sided_spring_derivatives_both_sides():
    theta = pack({"left.hip_strength": 0.5})[0]        # weak abductors: k_pos < k_neg
    o = L.SIDE_OFFSET[0]
    kp, kn = theta[o + L.S_KPOS + L.HIP_ADD], theta[o + L.S_KNEG + L.HIP_ADD]
    assert 0.0 < kp < kn
    _check_derivatives(gen.one_sided_spring, (kp, kn), [-0.3, -0.05, 0.05, 0.3], 1e-6)
    assert gen.one_sided_spring(0.1, kp, kn)[1] == pytest.approx(0.1 * kp)
    assert gen.one_sided_spring(-0.1, kp, kn)[1] == pytest.approx(-0.1 * kn)


def test_arch_derivatives_both_sides():
    o = L.SIDE_OFFSET[0] + L.S_ARCH
    consts = pack({})[0][o:o + 5]
    _check_derivatives(gen.arch, consts, [-0.2, -0.05, -0.01, 0.01, 0.05, 0.1, 0.2], 1e-7)


def test_contact_derivatives_both_sides():
    k = pack({})[0][L.SIDE_OFFSET[0] + L.S_CONTACT + 4]
    assert k > 0
    for c in (0.0, 1 / 2e5):        # bare floor; a cushioning layer of 200 N/mm
        _check_derivatives(gen.contact, (k, c), [5e-4, 2e-3, 8e-3], 1e-8)
        for x in (-1e-3, -8e-3):   # off the floor: no energy, no force, no stiffness
            assert gen.contact(x, k, c) == (0.0, 0.0, 0.0)
    # heel-pad-like: the force grows faster than the penetration
    f = [gen.contact(x, k, 0.0)[1] for x in (1e-3, 2e-3, 4e-3)]
    assert f[1] > 2 * f[0] and f[2] > 2 * f[1]
    # in series with the layer: the penetration is the tissue's plus the layer's
    c = 1 / 2e5
    for x in (1e-3, 4e-3):
        force = gen.contact(x, k, c)[1]
        assert np.sqrt(force / k) + c * force == pytest.approx(x, rel=1e-12)


@pytest.mark.parametrize("name, consts", [
    ("one_sided_spring", (300.0, 500.0)),
    ("arch", (0.76, 0.041, 6.7e4, 5.1e6, 4.1e9)),
    ("contact", (1.25e7, 0.0)),
    ("contact", (1.25e7, 5e-6)),
])
def test_piecewise_elements_are_smooth_at_the_kink(name, consts):
    """Energy and force are continuous where the branches meet (no jump in force)."""
    f = getattr(gen, name)
    lo, hi = f(-1e-9, *consts), f(1e-9, *consts)
    ref = np.abs(f(-0.01, *consts)) + np.abs(f(0.01, *consts))
    for i in (0, 1):
        assert abs(lo[i] - hi[i]) < 1e-5 * ref[i], ("E" if i == 0 else "dE/dx")


# --- 1c. the generated kinematics: screw axes by finite differences --------------------------

def _skew(a):
    return np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])


def _check_screw_axes(kin, q, point_last, segment_last, h=1e-6):
    axes, origins, points, frames = kin(q)
    n = len(q)
    for R in frames:
        np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-12)
        assert np.linalg.det(R) == pytest.approx(1.0, abs=1e-12)
    for k in range(3):
        np.testing.assert_allclose(axes[k], np.eye(3)[k], atol=1e-15)
    for k in range(3, n):
        assert np.linalg.norm(axes[k]) == pytest.approx(1.0, abs=1e-12)
    for k in range(n):
        dq = np.zeros(n)
        dq[k] = h
        _, _, pp, fp = kin(q + dq)
        _, _, pm, fm = kin(q - dq)
        dp, dR = (pp - pm) / (2 * h), (fp - fm) / (2 * h)
        for j, last in enumerate(point_last):
            if k > last:
                want = np.zeros(3)
            elif k < 3:
                want = axes[k]
            else:
                want = np.cross(axes[k], points[j] - origins[k])
            np.testing.assert_allclose(dp[j], want, atol=1e-8, err_msg=f"point {j}, q{k}")
        for s, last in enumerate(segment_last):
            want = _skew(axes[k]) @ frames[s] if 3 <= k <= last else np.zeros((3, 3))
            np.testing.assert_allclose(dR[s], want, atol=1e-8, err_msg=f"frame {s}, q{k}")


@pytest.mark.parametrize("seed", range(3))
def test_leg_kinematics_screw_axes(seed):
    rng = np.random.default_rng(RNG_SEED + seed)
    p = _leg_params(rng)
    q = rng.uniform(-0.4, 0.4, L.NCHAIN)
    kin = lambda q: _leg(vars(gen), q, p)            # noqa: E731  (compiled functions)
    _check_screw_axes(kin, q, gen.LEG_POINT_LAST, gen.LEG_SEGMENT_LAST)


@pytest.mark.parametrize("seed", range(3))
def test_trunk_kinematics_screw_axes(seed):
    rng = np.random.default_rng(RNG_SEED + 10 + seed)
    p = _trunk_params(rng)
    q = rng.uniform(-0.4, 0.4, L.NTRUNK)
    last = dict(ch.TRUNK_SEGMENTS)
    kin = lambda q: _trunk(vars(gen), q, p)          # noqa: E731
    _check_screw_axes(kin, q, gen.TRUNK_POINT_LAST, [last[s] for s in gen.TRUNK_SEGMENTS])


def test_screw_axis_check_detects_a_wrong_axis():
    rng = np.random.default_rng(RNG_SEED)
    p, q = _leg_params(rng), rng.uniform(-0.4, 0.4, L.NCHAIN)

    def wrong(q):
        axes, origins, points, frames = _leg(vars(gen), q, p)
        axes[L.NB + L.SUBTALAR] = axes[L.NB + L.ANKLE]      # report the ankle's axis instead
        return axes, origins, points, frames

    with pytest.raises(AssertionError):
        _check_screw_axes(wrong, q, gen.LEG_POINT_LAST, gen.LEG_SEGMENT_LAST)


# --- 1d. the runtime never imports sympy ----------------------------------------------------

_PROBE = """
import sys
{statement}
print(sorted(m for m in sys.modules
             if m == "sympy" or m.startswith(("sympy.", "chainsim.symbolic"))))
"""


def _imported(statement: str) -> str:
    r = subprocess.run([sys.executable, "-c", _PROBE.format(statement=statement)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1]


def test_solve_does_not_import_sympy():
    assert _imported("import chainsim; chainsim.solve()") == "[]"
    # and the probe sees it when it happens
    assert "'sympy'" in _imported("import chainsim.symbolic")


# --- 2. the teaching equations --------------------------------------------------------------

def test_subtalar_coupling_is_the_mitered_hinge():
    c = eq.subtalar_coupling()
    assert sp.simplify(c.ratio - sp.tan(c.inclination) / sp.cos(c.deviation)) == 0
    # the three components rebuild the whole rotation about the unit axis
    parts = c.eversion**2 + c.tibial_rotation**2 + c.ankle_dorsiflexion**2
    assert sp.simplify(parts - c.theta**2) == 0
    # pronation everts the calcaneus and turns the tibia in (docs/references.md §2)
    at = {c.theta: sp.Rational(1, 10), c.inclination: sp.rad(42), c.deviation: sp.rad(23)}
    assert c.eversion.subs(at) > 0 and c.tibial_rotation.subs(at) > 0


def test_mitered_hinge_ratio_values():
    assert eq.mitered_hinge_ratio() == pytest.approx(0.98, abs=0.005)       # Isman & Inman axis
    assert eq.mitered_hinge_ratio(42.0, 0.0) == pytest.approx(0.90, abs=0.005)  # docs/references.md §2
    assert eq.mitered_hinge_ratio(37.2, 0.0) == pytest.approx(0.76, abs=0.005)  # gait2392
    assert eq.mitered_hinge_ratio(45.0, 0.0) == pytest.approx(1.0, abs=1e-12)


def test_model_coupling_stays_below_the_mitered_hinge():
    """The full model (springs at the knee and hip) couples less than the ideal hinge, as
    :func:`subtalar_coupling` says, and more than nothing (Fischer et al. 2018: 0.68)."""
    from conftest import solved

    base, r = solved(), solved(both__pronation_deg=10.0)
    ratio = ((r["left.tibial_rotation_deg"] - base["left.tibial_rotation_deg"])
             / (r["left.rearfoot_eversion_deg"] - base["left.rearfoot_eversion_deg"]))
    assert 0.5 < ratio < eq.mitered_hinge_ratio()


# Falisse et al. 2019 (docs/references.md §4), typed here again to check the code's transcription:
# k1, k2, k3, k4, theta1, theta2, and chainsim's sign relative to OpenSim's coordinate
FALISSE_PAPER = {
    "hip_flexion": (-2.44, 5.05, 1.51, -21.88, -0.6981, 1.81, 1),
    "knee_flexion": (-6.09, 33.94, 11.03, -11.33, -2.4, 0.13, -1),   # OpenSim: flexion < 0
    "ankle_dorsiflexion": (-2.03, 38.11, 0.18, -12.12, -0.74, 0.52, 1),
    "subtalar_eversion": (-60.21, 16.32, 60.21, -16.32, -0.65, 0.65, 1),
    "lumbar_extension": (-0.35, 30.72, 0.25, -20.36, -0.5236, 0.17, 1),
    "lumbar_bending": (-0.25, 20.36, 0.25, -20.36, -0.349, 0.349, 1),
}


@pytest.mark.parametrize("dof", FALISSE_PAPER)
def test_passive_moment_is_falisse(dof):
    k1, k2, k3, k4, t1, t2, s = FALISSE_PAPER[dof]
    held, plain = eq.passive_moment(dof), eq.passive_moment(dof, evaluate=True)
    for a in (-0.6, -0.2, 0.0, 0.3, 0.7):
        opensim = s * a
        want = s * (k1 * math.exp(k2 * (opensim - t2)) + k3 * math.exp(k4 * (opensim - t1)))
        assert float(held.subs(eq.q, a)) == pytest.approx(want, rel=1e-10, abs=1e-14)
        assert float(plain.subs(eq.q, a)) == pytest.approx(want, rel=1e-10, abs=1e-14)


def test_passive_moment_knee_limits_and_errors():
    for dof in ("knee_valgus", "knee_rotation"):
        tau = eq.passive_moment(dof)
        for deg in (-10.0, 5.0, 7.5):
            want = -30.0 * (deg / 7.5) ** 5          # Falisse et al. 2019, docs/references.md §4
            assert float(tau.subs(eq.q, math.radians(deg))) == pytest.approx(want)
    with pytest.raises(ValueError, match="arch_flattening"):
        eq.passive_moment("arch_flattening")


def test_point_at_zero_is_the_generated_ankle():
    p = _leg_params()
    values = dict(zip(gen.LEG_PARAMS, map(float, p)))
    got = np.array(eq.point("ankle", neutral=True, **values), float).ravel()
    _, _, points, _ = _leg(vars(gen), np.zeros(L.NCHAIN), p)
    np.testing.assert_allclose(got, points[gen.LEG_POINTS.index("ankle")], atol=1e-12)
    # standing straight, the ankle is a thigh and a shank length below the hip centre
    assert got[2] == pytest.approx(p[gen.LEG_PARAMS.index("hip_z")]
                                   - p[gen.LEG_PARAMS.index("thigh_len")]
                                   - p[gen.LEG_PARAMS.index("shank_len")])


@pytest.mark.parametrize("name", ["mt1", "heel_lateral", "navicular"])
def test_point_in_any_pose_is_the_generated_point(name):
    rng = np.random.default_rng(RNG_SEED + 20)
    p, q = _leg_params(rng), rng.uniform(-0.4, 0.4, L.NCHAIN)
    values = dict(zip(gen.LEG_PARAMS, map(float, p))) | dict(zip(gen.BASE + gen.LEG, map(float, q)))
    got = np.array(eq.point(name, **values), float).ravel()
    _, _, points, _ = _leg(vars(gen), q, p)
    np.testing.assert_allclose(got, points[gen.LEG_POINTS.index(name)], atol=1e-12)
    with pytest.raises(ValueError):
        eq.point(name, knee=0.1)


def test_arch_law_follows_ker():
    """The fitted law is the arch ligaments' (its fit to Ker et al. 1987 through the truss is
    checked in test_arch): stiffening and odd, and the compiled law is the symbolic one."""
    law = eq.arch_law(fitted=True)
    forces = [float(law.force.subs(eq.d, mm * 1e-3)) for mm in (2.0, 4.0, 6.0, 8.0)]
    assert forces == pytest.approx(arch.odd_poly(arch.LIGAMENT_C, np.array([2, 4, 6, 8]) * 1e-3),
                                   rel=1e-12)
    assert np.all(np.diff(np.diff(forces)) > 0)
    for mm in (1.0, 4.0, 8.0):      # odd: a raised arch pushes back the other way
        dd = mm * 1e-3
        assert float(law.force.subs(eq.d, -dd)) == pytest.approx(-float(law.force.subs(eq.d, dd)))
    # the symbolic law is the compiled one
    o = L.SIDE_OFFSET[0] + L.S_ARCH
    consts = pack({})[0][o:o + 5]
    general = eq.arch_law()
    syms = sorted(general.energy.free_symbols - {energies.x}, key=str)    # A, c1, c2, c3, rho
    vals = dict(zip(syms, (consts[0], consts[2], consts[3], consts[4], consts[1])))
    for xv in (-0.1, 0.05, 0.2):
        e0, e1, _ = gen.arch(xv, *consts)
        at = vals | {energies.x: xv}
        assert float(general.energy.subs(at)) == pytest.approx(e0, rel=1e-12)
        assert float(general.moment.subs(at)) == pytest.approx(-e1, rel=1e-12)


def test_contact_law_is_the_compiled_one():
    law = eq.contact_law(fitted=True)
    k = pack({})[0][L.SIDE_OFFSET[0] + L.S_CONTACT + 4]
    for xv in (-2e-3, 1e-3, 6e-3):
        e0, e1, _ = gen.contact(xv, k, 0.0)
        assert float(law.energy.subs(energies.x, xv)) == pytest.approx(e0, rel=1e-12)
        assert float(law.force.subs(energies.x, xv)) == pytest.approx(e1, rel=1e-12)


def test_equations_render():
    for name in eq.list_equations():
        e = eq.equation(name)
        assert isinstance(e, sp.Eq)
        assert "=" in sp.latex(e)
    with pytest.raises(ValueError):
        eq.equation("no_such_equation")


def test_equations_docstring_examples():
    result = doctest.testmod(eq, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5 and result.failed == 0


def test_contact_root_solves_its_relation_and_carries_its_derivative():
    k, c = sp.Symbol("k", positive=True), sp.Symbol("c", nonnegative=True)
    s = energies.ContactRoot(energies.x, k, c)
    closed = s.doit()
    implicit = s.fdiff().doit()                      # ds/dd from the relation, implicitly
    explicit = sp.diff(closed, energies.x)           # ds/dd of the closed form
    for xv, kv, cv in ((1e-3, 1.2e8, 0.0), (4e-3, 3.0e7, 2e-6), (2e-2, 5e6, 1e-4)):
        at = {energies.x: xv, k: kv, c: cv}
        sv = float(closed.subs(at))
        assert float(energies.ContactRoot.relation(sv, kv, cv)) == pytest.approx(xv, rel=1e-12)
        assert float(implicit.subs(at)) == pytest.approx(float(explicit.subs(at)), rel=1e-10)
