"""Every public entry point refuses what is outside its contract with a ParameterError that names
the argument, its value and what is allowed; and a batch result keeps only what was asked for."""

from __future__ import annotations

import os

import numba
import numpy as np
import pytest

import chainsim as cs
from chainsim import arguments
from chainsim.fitting import objective_terms
from chainsim.outputs import OUTPUTS
from chainsim.pack import batch_size
from chainsim.statics import MAX_ITER_RANGE, SOLVE_BYTES_PER_POINT, TOL_RANGE, solve_memory_bytes

ParameterError = cs.ParameterError
TWO = {"both.wedge_deg": [0.0, 10.0]}
CHECKS = ("check.total_force_x_bw", "check.total_force_y_bw", "check.total_force_z_bw",
          "check.total_moment_bw_m")


def refused(fn, *args, match=(), **kwargs) -> str:
    """The message of the ParameterError ``fn`` raises; each of ``match`` must be in it."""
    with pytest.raises(ParameterError) as err:
        fn(*args, **kwargs)
    msg = str(err.value)
    for m in (match,) if isinstance(match, str) else match:
        assert m in msg, msg
    return msg


# ---------------------------------------------------------------------------- solver options

@pytest.mark.parametrize("option, value", [
    ("chunk", 0), ("chunk", 1.5), ("chunk", -3), ("chunk", True), ("chunk", "8"), ("chunk", 2**63),
    ("tol", None), ("tol", -1e-9), ("tol", 0.0), ("tol", float("nan")), ("tol", float("inf")),
    ("tol", 0.5), ("tol", 1e-3), ("tol", 1e-15), ("tol", "1e-9"), ("tol", True),
    ("max_iter", "10"), ("max_iter", 2.5), ("max_iter", -5), ("max_iter", 0),
    ("max_iter", True), ("max_iter", 10_001), ("max_iter", None),
    ("threads", 0), ("threads", 64), ("threads", 2.5), ("threads", "x"), ("threads", False),
    ("keep_theta", 1), ("keep_theta", None), ("keep_state", "yes"),
])
def test_solver_options_out_of_contract_are_refused_by_name(option, value):
    msg = refused(cs.solve_columns, TWO, match=(option, repr(value)), **{option: value})
    assert "allowed" in msg


def test_threads_name_the_allowed_range():
    refused(cs.solve_columns, TWO, threads=numba.config.NUMBA_NUM_THREADS + 1,
            match=f"from 1 to {numba.config.NUMBA_NUM_THREADS}")


def test_tol_and_max_iter_name_their_ranges():
    refused(cs.solve_columns, TWO, tol=0.5,
            match=("tol = 0.5", f"{TOL_RANGE[1]:g}", "body weights"))
    refused(cs.solve_columns, TWO, max_iter=2.5, match=("max_iter = 2.5", "1 to 10000"))
    refused(cs.solve, cs.Model(), max_iter=-5, match="max_iter = -5")
    refused(cs.solve_batch, [cs.Model()], tol=float("nan"), match="tol = nan")


def test_the_ends_of_the_ranges_are_accepted():
    b = cs.solve_columns(TWO, tol=TOL_RANGE[1], max_iter=MAX_ITER_RANGE[1], threads=1, chunk=1,
                         keep_theta=True, keep_state=True)
    assert list(b.status) == ["ok", "ok"]
    assert cs.solve_columns(TWO, tol=TOL_RANGE[0]).status_code.shape == (2,)
    b = cs.solve_columns(TWO, max_iter=np.int64(MAX_ITER_RANGE[0]), threads=np.int32(1))
    assert (b.iterations <= 1).all()


def test_at_the_loosest_tol_a_standing_point_is_an_equilibrium():
    """At the largest tol allowed, what is reported standing balances to that tol."""
    b = cs.solve_columns({"both.wedge_deg": np.linspace(-15, 15, 5),
                          "left.pronation_deg": np.linspace(-10, 10, 5)}, tol=TOL_RANGE[1])
    assert b.ok.all()
    assert (b.residual < TOL_RANGE[1]).all()
    for k in CHECKS:
        assert np.abs(b[k]).max() <= TOL_RANGE[1], k


def test_nothing_computed_is_never_reported_solved():
    """The old chunk=0: every point 'ok' with every output 0 after 0 iterations."""
    b = cs.solve_columns(TWO)
    assert (b.iterations > 0).all()
    assert all(np.abs(b["check.total_force_z_bw"]) < 1e-8)
    assert b["left.navicular_drop_mm"][1] != 0.0


# ---------------------------------------------------------------------------- parameters

@pytest.mark.parametrize("value", [10**400, -10**400])
def test_integers_beyond_the_float_range_are_out_of_range(value):
    refused(cs.Model, {"subject.mass_kg": value}, match=("subject.mass_kg", "out of range"))
    refused(cs.solve_columns, {"subject.mass_kg": [70, value]}, match=("point 1", "out of range"))
    refused(cs.solve_columns, {"subject.mass_kg": np.array([value], dtype=object)},
            match="out of range")


def test_a_huge_value_is_shown_shortened():
    msg = refused(cs.Model, {"subject.mass_kg": 10**400})
    assert len(msg) < 300, msg


@pytest.mark.parametrize("value", [b"1", "one", True, np.bool_(False), 1j, [1.0], np.array([1.0]),
                                   {"a": 1}])
def test_a_parameter_takes_numbers_only(value):
    refused(cs.Model, {"left.wedge_deg": value}, match=("left.wedge_deg", "not a number"))
    refused(cs.Insole, heel_cup=value, match="insole.heel_cup")


@pytest.mark.parametrize("values", [[b"1"], ["one"], [True, False], np.array([True]),
                                    [1j, 1.0], [None], np.array([b"1"]), np.array(["x", "1"])])
def test_a_parameter_array_takes_numbers_only(values):
    refused(cs.solve_columns, {"left.wedge_deg": values}, match=("left.wedge_deg", "point 0"))


def test_a_number_written_as_text_is_a_number_of_a_parameter_only():
    """(as a column mixing numbers and text, which numpy turns into text, gives them)"""
    assert cs.Model({"left.wedge_deg": "10"})["left.wedge_deg"] == 10.0
    refused(cs.solve_columns, {"left.wedge_deg": np.array(["0", "a"])}, match="'a' (point 1)")
    refused(cs.solve_columns, TWO, tol="1e-9", match="tol = '1e-9'")


def test_names_must_be_text():
    refused(cs.Model, {5: 1}, match=("5", "str"))
    refused(cs.solve_columns, {None: [1]}, match=("None", "str"))
    refused(cs.Model, {("left", "wedge_deg"): 1}, match="str")


def test_the_sex_is_one_name():
    refused(cs.Model, {"subject.sex": np.array(["female", "male"])}, match=("subject.sex",
                                                                           "male, female"))
    refused(cs.Model, {"subject.sex": ["female"]}, match="subject.sex")
    refused(cs.Model, {"subject.sex": 1}, match="subject.sex")
    assert cs.Model({"subject.sex": np.str_("female")})["subject.sex"] == "female"


def test_params_must_be_a_mapping():
    refused(cs.Model, 5, match=("params", "mapping"))
    refused(cs.Model, [("left.wedge_deg", 1)], match="params")
    refused(cs.Model().replace, "x", match="params")
    refused(cs.solve_columns, [1, 2], match=("cols", "mapping"))


def test_ragged_and_2d_columns_are_refused():
    refused(cs.solve_columns, {"left.wedge_deg": [[1.0], [2.0, 3.0]]}, match="left.wedge_deg")
    refused(cs.solve_columns, {"left.wedge_deg": np.zeros((2, 2))}, match="1-D")


def test_arrays_of_different_lengths_are_named_with_their_lengths():
    cols = {"left.wedge_deg": [1.0, 2.0], "both.pronation_deg": [1.0, 2.0, 3.0],
            "subject.mass_kg": 70.0}
    msg = refused(cs.solve_columns, cols, match=("left.wedge_deg (2)", "both.pronation_deg (3)"))
    assert "subject.mass_kg" not in msg
    refused(batch_size, cols, match="left.wedge_deg (2)")
    assert batch_size({"a": 1.0, "b": [1, 2, 3]}) == 3 and batch_size({"a": 1.0}) == 1


# ---------------------------------------------------------------------------- the other functions

def test_solve_takes_a_model():
    refused(cs.solve, {"left.wedge_deg": 1}, match=("model", "Model({...})"))
    refused(cs.solve, "default", match="model")


def test_solve_batch_takes_models_or_columns():
    refused(cs.solve_batch, None, match="models")
    refused(cs.solve_batch, "ab", match="models")
    refused(cs.solve_batch, [cs.Model(), 1], match="models[1]")
    b = cs.solve_batch(iter([cs.Model(), cs.Model(both__wedge_deg=5)]))   # any iterable
    assert len(b.models) == 2 and b.models[1]["left.wedge_deg"] == 5.0


def test_compare_takes_models_or_results_and_two_labels():
    m = cs.Model()
    refused(cs.compare, None, m, match=("baseline", "Model"))
    refused(cs.compare, "a", "b", match="baseline = 'a'")
    refused(cs.compare, m, 5, match="altered = 5")
    refused(cs.compare, m, m, labels=None, match="labels")
    refused(cs.compare, m, m, labels=("a",), match="labels")
    refused(cs.compare, m, m, labels=("a", "a"), match="different")
    refused(cs.compare, m, m, labels=("a", 2), match="labels")
    assert cs.compare(m, m, labels=["x", "y"]).labels == ("x", "y")


def test_apply_presets_takes_a_model_and_specs():
    m = cs.Model()
    refused(cs.apply_presets, m, None, match="specs")
    refused(cs.apply_presets, m, [None], match="specs")
    refused(cs.apply_presets, m, 5, match="specs")
    refused(cs.apply_presets, None, [], match="model")
    refused(cs.apply_presets, m, "left=weak_hips:nan", match="size = nan")
    refused(cs.apply_presets, m, "left=weak_hips:3", match="hip_strength")
    assert cs.apply_presets(m, ()) == m


def test_with_insoles_takes_a_model_and_insoles():
    m = cs.Model()
    refused(cs.with_insoles, m, {"left": "medium_arch"}, match=("specs['left']", "Insole"))
    refused(cs.with_insoles, m, {"middle": cs.INSOLES["low_arch"]}, match="middle")
    refused(cs.with_insoles, m, {1: cs.INSOLES["low_arch"]}, match="str")
    refused(cs.with_insoles, m, None, match="specs")
    refused(cs.with_insoles, m, [5], match="specs")
    refused(cs.with_insoles, "m", [], match="model")
    assert cs.with_insoles(m, {"both": cs.INSOLES["low_arch"]})["right.insole.arch_support_mm"] == 8


def test_insole_names_are_text():
    refused(cs.Insole, 5, match="name = 5")
    refused(cs.Insole, "x", None, match="description")
    refused(cs.Insole, "x", arch_support_mm=10**400, match="out of range")


@pytest.mark.parametrize("weights, match", [
    ({"pelvis.tilt_deg": float("nan")}, "weights['pelvis.tilt_deg'] = nan"),
    ({"pelvis.tilt_deg": -1.0}, "weights['pelvis.tilt_deg'] = -1"),
    ({"pelvis.tilt_deg": float("inf")}, "inf"),
    ({"pelvis.tilt_deg": "1"}, "'1'"),
    ({"pelvis.tilt_deg": 0.0}, "above zero"),
    ({}, "above zero"),
    ({"X": 1.0}, "'X' is not an output"),
    ([("pelvis.tilt_deg", 1.0)], "weights"),
])
def test_objective_weights_are_finite_and_not_negative(weights, match):
    refused(objective_terms, weights, match=match)


@pytest.mark.parametrize("kwargs, match", [
    ({"weights": {"pelvis.tilt_deg": float("nan")}}, "weights"),
    ({"bounds": {"heel_lift_mm": (0.0, 100.0)}}, "bounds['heel_lift_mm'] = 100"),
    ({"bounds": {"heel_lift_mm": (5.0, 1.0)}}, "low <= high"),
    ({"bounds": {"heel_lift_mm": 3.0}}, "pair"),
    ({"bounds": {"heel_lift_mm": (0.0, float("nan"))}}, "nan"),
    ({"bounds": {"cushioning": (0.0, 1.0)}}, "not a designed field"),
    ({"n_initial": 0}, "n_initial = 0"), ({"rounds": -1}, "rounds"), ({"n_local": 1.5}, "n_local"),
    ({"seed": -1}, "seed"), ({"sides": "x"}, "sides = 'x'"), ({"symmetric": 1}, "symmetric"),
    ({"target": {"left.wedge_deg": 1}}, "target"),
])
def test_design_insole_refuses_its_arguments_before_searching(kwargs, match):
    refused(cs.design_insole, cs.Model(), match=match, **kwargs)


def test_design_insole_takes_a_model():
    refused(cs.design_insole, None, match="model")


def test_results_take_a_point_index():
    b = cs.solve_columns(TWO)
    refused(b.result, 2, match="i = 2")
    refused(b.result, 1.0, match="i = 1.0")
    assert b.result(-1).status == b.status[1]


# ---------------------------------------------------------------------------- what a result keeps

def test_a_result_keeps_the_outputs_and_the_rest_on_request():
    cols = {"both.wedge_deg": np.linspace(-10, 10, 12),
            "left.pronation_deg": np.linspace(-5, 5, 12), "subject.sex": "female"}
    full = cs.solve_columns(cols, keep_theta=True, keep_state=True)
    lean = cs.solve_columns(cols)
    assert lean._theta is None and lean._q is None
    n = 12
    per_point = lean.nbytes() / n
    # the outputs (float64), the status, iterations and residual, the values given
    assert per_point == len(OUTPUTS) * 8 + 1 + 4 + 8 + 2 * 8 + np.array("female").nbytes / n
    assert per_point < 1024
    assert full.nbytes() / n > per_point + 3400             # theta, q and r
    for i in (0, 7):                                         # one point: packed and solved again
        a, b = full.result(i), lean.result(i)
        assert np.array_equal(a.theta, b.theta) and np.array_equal(a.q, b.q)
        assert np.array_equal(a.r, b.r) and a.status == b.status
    assert lean._theta is None and lean._q is None
    assert np.array_equal(lean.theta, full.theta)            # all of them, on first use
    assert np.array_equal(lean.q, full.q) and np.array_equal(lean.r, full.r)


def test_a_result_does_not_change_with_its_input():
    cols = {"left.wedge_deg": np.array([0.0, 10.0])}
    b = cs.solve_columns(cols)
    cols["left.wedge_deg"][1] = -10.0
    assert np.array_equal(b.theta_of(1), cs.solve_columns({"left.wedge_deg": [0.0, 10.0]},
                                                          keep_theta=True).theta[1])


def test_a_batch_of_models_packs_from_its_models():
    models = [cs.Model(), cs.Model(left__wedge_deg=8)]
    b = cs.solve_batch(models)
    ref = cs.solve_batch(models, keep_theta=True, keep_state=True)
    assert np.array_equal(b.result(1).theta, ref.theta[1])
    assert np.array_equal(b.result(1).points()["left.knee"], ref.result(1).points()["left.knee"])
    assert np.array_equal(b.theta, ref.theta) and np.array_equal(b.q, ref.q)


def test_solve_keeps_its_state():
    r = cs.solve(cs.Model(left__wedge_deg=5))
    assert r.theta.shape == (cs.statics.layout.NP,) and r.q.shape == (cs.statics.layout.NQ,)
    assert len(r.external_loads()) > 0


# ---------------------------------------------------------------------------- memory

def test_a_batch_too_large_for_memory_is_refused_before_anything_is_copied():
    huge = np.broadcast_to(0.0, (10**9,))                     # 10^9 points, no memory
    msg = refused(cs.solve_columns, {"left.wedge_deg": huge},
                  match=("10" + "0" * 8 + " points", "GB", "CHAINSIM_MEMORY_LIMIT_GB"))
    assert f"{solve_memory_bytes(10**9) / 1e9:.3g} GB" in msg


def test_the_memory_limit_is_configurable(monkeypatch):
    monkeypatch.setenv("CHAINSIM_MEMORY_LIMIT_GB", "0.001")
    assert arguments.memory_limit()[0] == 0.001 * 1e9
    n = 0.001 * 1e9 // SOLVE_BYTES_PER_POINT + 1
    refused(cs.solve_columns, {"left.wedge_deg": np.zeros(int(n))}, match="0.001 GB")
    assert cs.solve_columns({"left.wedge_deg": np.zeros(3)}).ok.all()
    for bad in ("x", "-1", "0", "nan"):
        monkeypatch.setenv("CHAINSIM_MEMORY_LIMIT_GB", bad)
        refused(arguments.memory_limit, match="CHAINSIM_MEMORY_LIMIT_GB")


def test_the_default_memory_limit_is_a_share_of_what_is_available(monkeypatch):
    monkeypatch.delenv("CHAINSIM_MEMORY_LIMIT_GB", raising=False)
    limit = arguments.memory_limit()[0]
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert 0 < limit <= arguments.MEMORY_SHARE * total


# ---------------------------------------------------------------------------- the checks themselves

def test_number():
    assert arguments.number(3) == 3.0 and arguments.number(np.float32(0.5)) == 0.5
    assert arguments.number(10**400) == np.inf and arguments.number(-(10**400)) == -np.inf
    for v in (None, True, "1", b"1", 1j, [1], np.array([1.0]), object()):
        assert arguments.number(v) is None, v
    assert arguments.number("1", text=True) == 1.0 and arguments.number(b"1", text=True) is None


def test_check_int_refuses_floats_and_bools():
    assert arguments.check_int("n", np.int16(3), 1, 5) == 3
    for v in (3.0, True, "3", None, 0, 6):
        refused(arguments.check_int, "n", v, 1, 5, match="n = ")


def test_a_preset_is_applied_to_a_side_with_a_size():
    from chainsim.conditions import apply, apply_columns, parse

    m = cs.Model()
    refused(apply, m, "middle", "flat_foot", match="side = 'middle'")
    refused(apply, m, "left", ["flat_foot"], match="unknown preset")
    refused(apply, m, "left", "weak_hips", "0.5", match="size = '0.5'")
    refused(apply, m, "left", "weak_hips", float("inf"), match="a finite number")
    refused(apply, None, "left", "weak_hips", match="model")
    refused(apply_columns, {}, "both", "flat_foot", match="side = 'both'")
    refused(parse, None, match="spec")
    refused(cs.apply_presets, m, "left=leg_length_discrepancy:1e400", match="size = inf")
    assert apply(m, "left", "weak_hips", np.float32(0.5))["left.hip_strength"] == 0.5


def test_a_result_is_indexed_by_output_names():
    r = cs.solve()
    for key in (5, None, ("left",), ["left.knee_force_bw"]):
        with pytest.raises(KeyError):
            r[key]
    with pytest.raises(KeyError, match="did you mean"):
        r["left.knee_force"]
    from chainsim.fitting import normal_target

    refused(normal_target, {"subject.mass_kg": 70}, match="model")
