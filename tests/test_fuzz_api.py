"""Random arguments of random types to every public function of the statics and API layer.

The oracle: a call either returns or raises :class:`chainsim.ParameterError` (any other
exception fails the test); and whatever is reported standing (``ok`` or ``slipping``) is an
equilibrium, checked on its own loads: the net force and moment on the body
(``check.total_force_*_bw``, ``check.total_moment_bw_m``) within the tolerance, the residual
below it, and no output NaN.

Each test runs a few examples by default (the whole module in well under a minute); the
``slow`` variants run many more (``pytest -m slow tests/test_fuzz_api.py``).  Both are
derandomized, so the suite draws the same examples in every run (a CI result can be
reproduced); explore further by raising the example counts.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import chainsim as cs
from chainsim.outputs import OUTPUTS
from chainsim.params import INSOLE, REGISTRY, SIDE
from chainsim.statics import SOLVED, TOL, TOL_RANGE

CHECKS = ("check.total_force_x_bw", "check.total_force_y_bw", "check.total_force_z_bw",
          "check.total_moment_bw_m")
NAMES = (list(REGISTRY) + [f"both.{p.name}" for p in SIDE]
         + [f"both.insole.{p.name}" for p in INSOLE])

# ---------------------------------------------------------------------------- strategies

#: hashable values of every kind (for names, labels, keys)
HASHABLE = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                     st.integers(-10**500, 10**500), st.floats(), st.text(max_size=6),
                     st.binary(max_size=3), st.complex_numbers(max_magnitude=10),
                     st.tuples(st.integers(), st.text(max_size=2)))
#: values of every kind
JUNK = st.one_of(HASHABLE, st.lists(st.floats(-30, 30), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                 st.sampled_from([np.array([1.0, 2.0]), np.zeros((2, 2)), np.array([True]),
                                  np.array(["1"]), np.float32(3.0), np.int64(7), object(),
                                  cs.Model(), cs.INSOLES["low_arch"], ...]))


def weighted(*pairs):
    """One of the strategies, drawn with the weights given: ``weighted((9, a), (1, b))``
    (``st.one_of`` would weigh each branch of a nested ``one_of`` like a strategy of its own)."""
    table = [s for w, s in pairs for _ in range(w)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def value_of(key):
    """A value for parameter ``key``: mostly near or in its range, sometimes anything."""
    if not isinstance(key, str):
        return JUNK
    p = REGISTRY.get("left." + key[5:] if key.startswith("both.") else key)
    if p is None:
        return JUNK
    if p.choices:
        return weighted((8, st.sampled_from(p.choices)), (1, st.sampled_from(["Male", ""])),
                        (1, JUNK))
    span = p.high - p.low
    near = st.floats(p.low - 0.2 * span, p.high + 0.2 * span)
    inside = st.floats(p.low, p.high)
    extra = [(1, st.none())] if p.optional else []
    return weighted((6, inside), (2, near), (1, st.sampled_from([p.low, p.high])), *extra,
                    (1, JUNK))


def column_of(key, n):
    """One value, or ``n`` values as a list or an array."""
    one = value_of(key)
    many = st.lists(one, min_size=n, max_size=n)
    return weighted((3, one), (3, many), (1, many.map(lambda v: np.array(v, dtype=object))),
                    (2, many.map(_as_array)))


def _as_array(v):
    try:
        return np.array(v)
    except (TypeError, ValueError, OverflowError):
        return v


@st.composite
def params(draw, arrays=False, max_keys=3):
    """A mapping of parameter names (mostly valid) to values (or to columns of them)."""
    n = draw(st.integers(1, 4))
    out = {}
    for _ in range(draw(st.integers(0, max_keys))):
        key = draw(weighted((16, st.sampled_from(NAMES)),
                            (1, st.sampled_from(["bogus", "left.wedge", "both.", "subject"])),
                            (1, HASHABLE)))
        out[key] = draw(column_of(key, draw(st.sampled_from([n, n, n + 1]))) if arrays
                        else value_of(key))
    return out


def maybe(valid):
    """Mostly a valid value, sometimes anything."""
    return weighted((9, valid), (1, JUNK))


@st.composite
def options(draw, batch=True):
    """Solver options, each given or not, mostly valid."""
    choices = {"tol": maybe(weighted((6, st.sampled_from([TOL, 1e-13, 1e-6, 1e-4])),
                                     (1, st.floats(1e-16, 1.0)))),
               "max_iter": maybe(st.integers(-2, 150))}
    if batch:
        choices.update(threads=maybe(st.one_of(st.none(), st.integers(-1, 4))),
                       chunk=maybe(st.integers(-1, 5)), keep_theta=maybe(st.booleans()),
                       keep_state=maybe(st.booleans()))
    return {k: draw(v) for k, v in choices.items() if draw(st.booleans())}


def call(fn, *args, **kwargs):
    """``fn``'s result, or None when it refuses with a ParameterError (anything else fails)."""
    try:
        out = fn(*args, **kwargs)
    except cs.ParameterError as e:
        assert str(e), "a refusal with no message"
        event(f"{fn.__name__}: refused")
        return None
    event(f"{fn.__name__}: returned")
    return out


def assert_equilibria(b, tol):
    """Every point reported standing balances (judged on its own loads) and has its outputs."""
    status = b.status
    for i in range(len(status)):
        if status[i] not in SOLVED:
            assert all(np.isnan(b[k][i]) for k in OUTPUTS), (i, status[i])
            continue
        assert b.residual[i] < tol, (i, b.residual[i], tol)
        for k in CHECKS:                 # (the largest tol allowed bounds them, whatever tol)
            assert abs(b[k][i]) <= 2 * min(tol, TOL_RANGE[1]) + 1e-12, (i, k, b[k][i], tol)
        for k in OUTPUTS:
            assert np.isfinite(b[k][i]), (i, k)


def fuzz(default: int, slow: int):
    """The test ``body(data)`` twice: with ``default`` examples, and ``slow`` ones (marked)."""
    def make(body, n):
        return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                        suppress_health_check=list(HealthCheck))(given(st.data())(body))

    def deco(body):
        return make(body, default), pytest.mark.slow(make(body, slow))
    return deco


# ---------------------------------------------------------------------------- the functions

def _model(data):
    given_params = data.draw(weighted((8, params()), (1, st.none()), (1, JUNK)), "params")
    m = call(cs.Model, given_params)
    if m is not None:
        for k in m:
            p = REGISTRY[k]
            if p.choices:
                assert m[k] in p.choices
            elif m[k] is not None:
                assert isinstance(m[k], float) and p.in_range(m[k]), (k, m[k])


test_model, test_model_slow = fuzz(100, 2000)(_model)


def _solve_columns(data):
    cols = data.draw(weighted((9, params(arrays=True)), (1, JUNK)), "cols")
    opts = data.draw(options(), "options")
    b = call(cs.solve_columns, cols, **opts)
    if b is not None:
        assert_equilibria(b, opts.get("tol", TOL))
        if len(b.status):
            r = b.result(len(b.status) - 1)          # packed and solved again: the same
            assert r.status == b.status[-1]
            assert np.array_equal(r.q, b.q[-1])


test_solve_columns, test_solve_columns_slow = fuzz(100, 1000)(_solve_columns)


def _solve(data):
    model = data.draw(weighted((2, st.builds(cs.Model)), (6, params().map(
        lambda p: call(cs.Model, p))), (1, JUNK)), "model")
    opts = data.draw(options(batch=False), "options")
    r = call(cs.solve, model, **opts)
    if r is not None:
        b = cs.solve_batch([model if model is not None else cs.Model()], **opts)
        assert r.status == b.status[0] and r.q.shape == b.q[0].shape
        assert_equilibria(b, opts.get("tol", TOL))


test_solve, test_solve_slow = fuzz(40, 500)(_solve)


def _solve_batch(data):
    one = maybe(params().map(lambda p: call(cs.Model, p) or cs.Model()))
    models = data.draw(weighted((4, st.lists(one, max_size=3)),
                                (2, st.lists(one, max_size=3).map(tuple)),
                                (2, params(arrays=True)), (1, JUNK)), "models")
    opts = data.draw(options(), "options")
    b = call(cs.solve_batch, models, **opts)
    if b is not None:
        assert_equilibria(b, opts.get("tol", TOL))


test_solve_batch, test_solve_batch_slow = fuzz(40, 500)(_solve_batch)


SOLVED_ONCE = {}


def _solved(name):
    if name not in SOLVED_ONCE:
        SOLVED_ONCE[name] = cs.solve(cs.Model({"both.wedge_deg": 5.0} if name else {}))
    return SOLVED_ONCE[name]


def _compare(data):
    side = maybe(st.one_of(st.just(cs.Model()), st.builds(lambda: _solved("wedge")),
                           st.builds(lambda: _solved(""))))
    labels = data.draw(weighted((6, st.just(("a", "b"))), (2, st.lists(HASHABLE, max_size=3)),
                                (1, JUNK)), "labels")
    c = call(cs.compare, data.draw(side, "baseline"), data.draw(side, "altered"), labels=labels)
    if c is not None:
        assert len(c.labels) == 2 and all(isinstance(x, str) for x in c.labels)
        if c.baseline.ok and c.altered.ok:
            assert all(np.isfinite(r.change) for r in c.rows)


test_compare, test_compare_slow = fuzz(40, 500)(_compare)


SPEC_SIDES = weighted((6, st.sampled_from(["left", "right", "both"])),
                      (1, st.sampled_from(["middle", ""])))


def _apply_presets(data):
    names = weighted((4, st.sampled_from(list(cs.CONDITIONS) + ["weak_hips:0.3",
                                                                "flat_foot+weak_hips"])),
                     (1, st.sampled_from(["flat", "weak_hips:-1", "leg_length_discrepancy:nan",
                                          "leg_length_discrepancy:1e400", "flat_foot:2"])))
    spec = st.builds(lambda s, n: f"{s}={n}", SPEC_SIDES, names)
    specs = data.draw(weighted((3, spec), (5, st.lists(maybe(spec), max_size=3)), (1, JUNK)),
                      "specs")
    model = data.draw(maybe(st.just(cs.Model())), "model")
    m = call(cs.apply_presets, model, specs)
    if m is not None:
        assert isinstance(m, cs.Model)


test_apply_presets, test_apply_presets_slow = fuzz(60, 1000)(_apply_presets)


def _with_insoles(data):
    names = weighted((6, st.sampled_from(list(cs.INSOLES))),
                     (1, st.sampled_from(["nope", "missing.toml"])))
    spec = st.builds(lambda s, n: f"{s}={n}", SPEC_SIDES, names)
    insole = weighted((6, st.sampled_from(list(cs.INSOLES.values()))), (1, names), (1, JUNK))
    mapping = st.dictionaries(weighted((8, SPEC_SIDES), (1, HASHABLE)), insole, max_size=2)
    specs = data.draw(weighted((2, spec), (3, st.lists(spec, max_size=2)), (3, mapping),
                               (1, JUNK)), "specs")
    model = data.draw(maybe(st.sampled_from([cs.Model(), cs.Model(both__arch_height_scale=0.6)])),
                      "model")
    m = call(cs.with_insoles, model, specs)
    if m is not None:
        assert isinstance(m, cs.Model)


test_with_insoles, test_with_insoles_slow = fuzz(60, 1000)(_with_insoles)


def _insole(data):
    fields = {}
    for _ in range(data.draw(st.integers(0, 3))):
        key = data.draw(weighted((8, st.sampled_from([p.name for p in INSOLE])),
                                 (1, st.text(min_size=1, max_size=4))))
        fields[key] = data.draw(value_of(f"left.insole.{key}"))
    name = data.draw(maybe(st.text(max_size=5)), "name")
    i = call(cs.Insole, name, **fields)
    if i is not None:
        assert isinstance(i.name, str)
        for p in INSOLE:
            v = getattr(i, p.name)
            assert v is None or p.in_range(v), (p.name, v)


test_insole, test_insole_slow = fuzz(100, 2000)(_insole)


def _design_insole(data):
    model = data.draw(maybe(st.sampled_from([cs.Model(), cs.Model(both__pronation_deg=6.0)])),
                      "model")
    weights = data.draw(weighted((3, st.none()), (2, st.dictionaries(
        weighted((6, st.sampled_from(["pelvis.tilt_deg", "navicular_drop_mm"])), (1, st.just("X"))),
        maybe(st.floats(0, 3)), max_size=2))), "weights")
    bounds = data.draw(weighted((3, st.none()), (2, st.dictionaries(
        weighted((6, st.sampled_from(["heel_lift_mm", "rearfoot_post_deg"])),
                 (1, st.just("cushioning"))),
        maybe(st.tuples(st.floats(-10, 10), st.floats(-10, 40))), max_size=1))), "bounds")
    kwargs = {"sides": data.draw(maybe(st.sampled_from(["both", "left", "right"]))),
              "n_initial": data.draw(maybe(st.integers(1, 3))),
              "rounds": data.draw(maybe(st.integers(0, 1))),
              "n_local": data.draw(maybe(st.integers(1, 3))),
              "seed": data.draw(maybe(st.integers(0, 5)))}
    d = call(cs.design_insole, model, weights=weights, bounds=bounds, **kwargs)
    if d is not None:
        assert d.score >= 0
        if d.result.ok:
            for k in CHECKS:
                assert abs(d.result[k]) <= 2 * TOL + 1e-12, k
            assert np.isfinite(d.score)


test_design_insole, test_design_insole_slow = fuzz(8, 60)(_design_insole)
