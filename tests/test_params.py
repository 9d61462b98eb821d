"""Input parameters: every value is checked against the registry, names are flat dotted keys,
unknown names get the closest valid one suggested, and a Model never changes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import chainsim as cs
from chainsim.model import Model, columns
from chainsim.params import INSOLE, KEYS, REGISTRY, SIDE, SIDES, SUBJECT, ParameterError

NUMERIC = [k for k, p in REGISTRY.items() if not p.choices]
CHOICE = [k for k, p in REGISTRY.items() if p.choices]
SIDE_NAMES = [p.name for p in SIDE] + [f"insole.{p.name}" for p in INSOLE]


def _refused(key, value, given_as=None):
    """Build a model with ``key = value`` and return the ParameterError's message."""
    with pytest.raises(ParameterError) as err:
        Model({given_as or key: value})
    return str(err.value)


def _assert_names_range(msg, p):
    assert f"{p.low:g}" in msg and f"{p.high:g}" in msg, msg
    if p.unit:
        assert p.unit in msg, msg


def _value_shown(msg, value):
    return repr(value) in msg or str(value) in msg or f"{value:g}" in msg


# ---------------------------------------------------------------------------- the registry

def test_registry_has_subject_and_both_sides():
    assert [k for k in KEYS if k.startswith("subject.")] == [f"subject.{p.name}" for p in SUBJECT]
    for side in SIDES:
        assert [k for k in KEYS if k.startswith(side + ".")] == [f"{side}.{n}" for n in SIDE_NAMES]
    for key in ("subject.mass_kg", "subject.height_m", "subject.sex", "left.wedge_deg",
                "right.arch_stiffness_n_per_mm", "left.subtalar_drive_deg"):
        assert key in REGISTRY


@pytest.mark.parametrize("key", KEYS)
def test_every_parameter_is_documented_and_its_default_is_valid(key):
    p = REGISTRY[key]
    assert p.doc.strip()
    if p.choices:
        assert p.default in p.choices
    else:
        assert p.low < p.high
        assert p.default is None and p.optional or p.low <= p.default <= p.high
    # the default passes its own check
    assert Model()[key] == p.default


# ---------------------------------------------------------------------------- bad values

@pytest.mark.parametrize("key", NUMERIC)
@pytest.mark.parametrize("where", ["below", "above"])
def test_out_of_range_value_is_refused_with_name_value_and_range(key, where):
    p = REGISTRY[key]
    span = p.high - p.low
    value = p.low - 0.25 * span if where == "below" else p.high + 0.25 * span
    msg = _refused(key, value)
    assert key in msg
    assert _value_shown(msg, value), msg
    _assert_names_range(msg, p)


@pytest.mark.parametrize("key", NUMERIC)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_non_finite_value_is_refused(key, value):
    msg = _refused(key, value)
    assert key in msg and str(value) in msg, msg
    _assert_names_range(msg, REGISTRY[key])


@pytest.mark.parametrize("key", NUMERIC)
@pytest.mark.parametrize("value", ["abc", "", [1.0], {"a": 1}, 1 + 2j], ids=repr)
def test_non_numeric_value_is_refused(key, value):
    msg = _refused(key, value)
    assert key in msg and repr(value) in msg, msg
    _assert_names_range(msg, REGISTRY[key])


@pytest.mark.parametrize("key", [k for k in NUMERIC if not REGISTRY[k].optional])
def test_none_is_refused_where_a_value_is_required(key):
    msg = _refused(key, None)
    assert key in msg and "None" in msg


@pytest.mark.parametrize("key", [k for k in NUMERIC if REGISTRY[k].optional])
def test_optional_parameter_takes_none(key):
    assert Model({key: None})[key] is None
    assert "none" in REGISTRY[key].range_text()


@pytest.mark.parametrize("key", NUMERIC)
def test_range_ends_are_valid_and_numbers_become_floats(key):
    p = REGISTRY[key]
    mid = 0.5 * (p.low + p.high)
    values = [p.low, p.high, np.float64(p.high), np.float32(mid)]
    values += [int(v) for v in (p.low, p.high) if float(int(v)) == v]
    # a high arch support needs a foot with a high arch under it (test_insoles)
    foot = {"subject.height_m": 2.2, "both.arch_height_scale": 1.4} if "arch_support_mm" in key else {}
    for value in values:
        got = Model({**foot, key: value})[key]
        assert type(got) is float
        assert got == float(value)


@pytest.mark.parametrize("key", CHOICE)
@pytest.mark.parametrize("value", ["Female", "", "f", 1, None, math.nan], ids=repr)
def test_choice_outside_its_list_is_refused_with_the_list(key, value):
    msg = _refused(key, value)
    assert key in msg and repr(value) in msg
    for c in REGISTRY[key].choices:
        assert c in msg


@pytest.mark.parametrize("key", CHOICE)
def test_every_choice_is_accepted(key):
    for c in REGISTRY[key].choices:
        assert Model({key: c})[key] == c


def test_kwargs_use_double_underscore_for_the_dot():
    m = Model(left__wedge_deg=5, subject__sex="female")
    assert m["left.wedge_deg"] == 5.0 and m["subject.sex"] == "female"
    with pytest.raises(ParameterError, match="left.wedge_deg"):
        Model(left__wedge_deg=99)


# ---------------------------------------------------------------------------- both.

@pytest.mark.parametrize("name", SIDE_NAMES)
def test_both_sets_left_and_right(name):
    p = REGISTRY[f"left.{name}"]
    value = p.low + 0.3 * (p.high - p.low)
    m = Model({f"both.{name}": value})
    assert m[f"left.{name}"] == m[f"right.{name}"] == pytest.approx(value)
    others = {k: v for k, v in m.items() if not k.endswith("." + name)}
    assert others == {k: v for k, v in Model().items() if not k.endswith("." + name)}


@pytest.mark.parametrize("name", SIDE_NAMES)
def test_a_bad_both_value_names_the_key_given(name):
    p = REGISTRY[f"left.{name}"]
    msg = _refused(None, p.high + 1.0, given_as=f"both.{name}")
    assert f"both.{name}" in msg
    _assert_names_range(msg, p)


def test_both_does_not_apply_to_the_subject():
    for p in SUBJECT:
        with pytest.raises(ParameterError, match=f"subject.{p.name}"):
            Model({f"both.{p.name}": p.default})


# ---------------------------------------------------------------------------- unknown names

@pytest.mark.parametrize("given, expected", [
    ("both.wedg_deg", "both.wedge_deg"),
    ("left.pronation", "left.pronation_deg"),
    ("right.hip_strenght", "right.hip_strength"),
    ("left.arch_stifness_n_per_mm", "left.arch_stiffness_n_per_mm"),
    ("subject.mass", "subject.mass_kg"),
    ("subject.height", "subject.height_m"),
    ("both.heel_lift", "both.heel_lift_mm"),
    ("right.subtalar_drive", "right.subtalar_drive_deg"),
    ("mass_kg", "subject.mass_kg"),
    ("both.mass_kg", "subject.mass_kg"),
])
def test_unknown_name_suggests_the_closest(given, expected):
    with pytest.raises(ParameterError) as err:
        Model({given: 1.0})
    msg = str(err.value)
    assert repr(given) in msg or given in msg
    assert f"did you mean {expected}?" in msg, msg


def test_unknown_name_without_anything_close_is_still_named():
    with pytest.raises(ParameterError) as err:
        Model({"zzzz.qqqq": 1.0})
    assert "zzzz.qqqq" in str(err.value)


def test_parameter_error_is_a_value_error():
    # callers that catch ValueError see chainsim's refusals as well
    assert issubclass(ParameterError, ValueError)
    assert cs.ParameterError is ParameterError


# ---------------------------------------------------------------------------- the Model

ASYMMETRIC = {"left.wedge_deg": 6.0, "right.pronation_deg": -4.0, "left.leg_length_diff_mm": 12.0,
              "right.subtalar_drive_deg": 3.0, "subject.mass_kg": 88.0, "subject.sex": "female"}


def test_model_is_immutable():
    m = Model(ASYMMETRIC)
    before = dict(m)
    with pytest.raises(AttributeError):
        m.anything = 1
    with pytest.raises(AttributeError):
        m._values = {}
    with pytest.raises(AttributeError):
        del m._values
    with pytest.raises(TypeError):
        m["left.wedge_deg"] = 1.0
    assert dict(m) == before


def test_model_is_a_mapping_of_every_key():
    m = Model(ASYMMETRIC)
    assert list(m) == list(KEYS) and len(m) == len(KEYS)
    for k, v in ASYMMETRIC.items():
        assert m[k] == v
    assert Model(m) == m                      # a model is a valid input for a model


def test_replace_returns_a_new_validated_model():
    m = Model(ASYMMETRIC)
    n = m.replace(left__wedge_deg=-3.0, **{"both.hip_strength": 0.5})
    assert n is not m and isinstance(n, Model)
    assert m["left.wedge_deg"] == 6.0 and n["left.wedge_deg"] == -3.0
    assert n["left.hip_strength"] == n["right.hip_strength"] == 0.5
    assert m["left.hip_strength"] == REGISTRY["left.hip_strength"].default
    for k in KEYS:
        if k not in ("left.wedge_deg", "left.hip_strength", "right.hip_strength"):
            assert n[k] == m[k], k
    with pytest.raises(ParameterError, match="did you mean left.wedge_deg"):
        m.replace(left__wedge=1.0)
    with pytest.raises(ParameterError, match="right.pronation_deg"):
        m.replace({"right.pronation_deg": math.nan})
    assert dict(m) == dict(Model(ASYMMETRIC))


def test_equal_models_are_equal_and_hash_equal():
    a, b = Model(ASYMMETRIC), Model(dict(reversed(list(ASYMMETRIC.items()))))
    assert a == b and hash(a) == hash(b)
    assert a != a.replace(left__wedge_deg=7.0)
    assert len({a, b, Model()}) == 2


def test_mirrored_swaps_the_sides():
    m = Model(ASYMMETRIC)
    r = m.mirrored()
    assert r is not m
    for name in SIDE_NAMES:
        assert r[f"left.{name}"] == m[f"right.{name}"]
        assert r[f"right.{name}"] == m[f"left.{name}"]
    for p in SUBJECT:
        assert r[f"subject.{p.name}"] == m[f"subject.{p.name}"]
    assert r != m
    assert r.mirrored() == m
    sym = Model({"both.wedge_deg": 5.0})
    assert sym.mirrored() == sym


def test_columns_packs_models_point_by_point():
    ms = [Model(), Model(ASYMMETRIC)]
    c = columns(ms)
    assert set(c) == set(KEYS)
    assert list(c["subject.sex"]) == ["male", "female"]
    assert np.isnan(c["left.subtalar_drive_deg"][1]) and c["right.subtalar_drive_deg"][1] == 3.0
    assert c["left.wedge_deg"].tolist() == [0.0, 6.0]


# ---------------------------------------------------------------------------- batches

def test_solve_columns_refuses_an_unknown_key_with_a_suggestion():
    with pytest.raises(ParameterError, match="did you mean left.wedge_deg"):
        cs.solve_columns({"left.wedge": [0.0, 1.0]})
    with pytest.raises(ParameterError) as err:
        cs.solve_columns({"both.wedg_deg": [0.0, 1.0]})
    assert "wedge_deg" in str(err.value).split("did you mean")[1]


@pytest.mark.parametrize("key, values, first_bad", [
    ("left.wedge_deg", [0.0, 5.0, 25.0, -30.0], 2),
    ("right.arch_stiffness_n_per_mm", [100.0, np.nan, 5.0], 1),
    ("subject.mass_kg", [70.0, 80.0, 90.0, np.inf], 3),
    ("left.pronation_deg", [-np.inf, 0.0], 0),
    ("left.subtalar_drive_deg", [np.nan, 10.0, 30.0], 2),     # NaN means free there
    ("subject.sex", ["male", "female", "Female"], 2),
    ("subject.height_m", [1.7, "tall", 1.8], 1),
    ("right.hip_strength", np.array([1.0, None, 0.5], dtype=object), 1),
])
def test_solve_columns_names_the_first_bad_point(key, values, first_bad):
    with pytest.raises(ParameterError) as err:
        cs.solve_columns({key: values})
    msg = str(err.value)
    assert key in msg, msg
    assert f"point {first_bad}" in msg, msg
    bad = values[first_bad]
    assert str(bad) in msg, msg
    p = REGISTRY[key]
    if p.choices:
        assert all(c in msg for c in p.choices)
    else:
        _assert_names_range(msg, p)


def test_solve_columns_checks_both_keys_too():
    with pytest.raises(ParameterError) as err:
        cs.solve_columns({"both.heel_lift_mm": [0.0, 10.0, 41.0]})
    msg = str(err.value)
    assert "heel_lift_mm" in msg and "point 2" in msg and "41" in msg


def test_solve_columns_refuses_arrays_of_different_lengths():
    with pytest.raises(ValueError):
        cs.solve_columns({"left.wedge_deg": [0.0, 1.0], "right.wedge_deg": [0.0, 1.0, 2.0]})


def test_solve_columns_refuses_a_two_dimensional_array():
    with pytest.raises(ParameterError, match="left.wedge_deg"):
        cs.solve_columns({"left.wedge_deg": [[0.0, 1.0], [2.0, 3.0]]})


def test_solve_columns_checks_scalars_given_for_every_point():
    with pytest.raises(ParameterError) as err:
        cs.solve_columns({"subject.mass_kg": 250.0, "left.wedge_deg": [0.0, 1.0]})
    msg = str(err.value)
    assert "subject.mass_kg" in msg and "250" in msg
    _assert_names_range(msg, REGISTRY["subject.mass_kg"])


def test_solve_columns_takes_none_or_nan_as_free_for_an_optional_parameter():
    b = cs.solve_columns({"left.subtalar_drive_deg": np.array([None, np.nan], dtype=object)})
    assert len(b.status) == 2
    with pytest.raises(ParameterError, match=r"point 1"):
        cs.solve_columns({"left.subtalar_drive_deg": np.array([None, "free"], dtype=object)})
