"""The ``chainsim`` command: the real program in a subprocess for the main paths (each start
costs about a second, so there are few of them), ``cli.main`` in-process for the many ways
input can be wrong."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import chainsim as cs
from chainsim import cli
from chainsim.outputs import OUTPUTS, PUBLIC
from chainsim.params import INSOLE, REGISTRY, SIDE, SUBJECT
from chainsim.statics import STATUS_HELP

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = {"both.wedge_deg": 10.0, "left.arch_stiffness_n_per_mm": 60.0,
            "subject.sex": "female", "right.subtalar_drive_deg": 5.0}
SET_ARGS = [a for k, v in SETTINGS.items() for a in ("--set", f"{k}={v}")]


def run(*args):
    """Run ``python -m chainsim ARGS`` the way a user would; return the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "chainsim", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _strict_json(text):
    """Parse JSON that must not contain NaN or Infinity (which are not JSON)."""
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


def _as_json_value(v):
    return None if isinstance(v, float) and not math.isfinite(v) else v


@pytest.fixture(scope="module")
def expected():
    return cs.solve(cs.Model(SETTINGS))


@pytest.fixture(scope="module")
def solve_json():
    return run("solve", *SET_ARGS, "--json")


@pytest.fixture(scope="module")
def solve_table():
    return run("solve", *SET_ARGS)


# ---------------------------------------------------------------------------- solve --json

def test_json_is_one_flat_object_of_every_output_and_status(solve_json, expected):
    assert solve_json.returncode == (0 if expected.ok else 1), solve_json.stderr
    lines = solve_json.stdout.strip().splitlines()
    assert len(lines) == 1
    d = _strict_json(lines[0])
    assert isinstance(d, dict)
    assert set(d) == set(PUBLIC) | {"status", "chainsim_version", "inputs", "units"}
    assert d["status"] == expected.status
    assert d["chainsim_version"] == cs.__version__
    assert d["units"] == {k: OUTPUTS[k].unit for k in PUBLIC}
    assert d["inputs"]["set"] == SET_ARGS[1::2]
    assert d["inputs"]["changed_parameters"] == {    # both. as left. and right.
        "left.wedge_deg": 10.0, "right.wedge_deg": 10.0, "left.arch_stiffness_n_per_mm": 60.0,
        "subject.sex": "female", "right.subtalar_drive_deg": 5.0}
    for k in PUBLIC:
        assert d[k] is None or isinstance(d[k], float), k


def test_json_values_match_the_python_api(solve_json, expected):
    d = _strict_json(solve_json.stdout)
    for k in PUBLIC:
        want = _as_json_value(expected[k])
        if want is None:
            assert d[k] is None, k
        else:
            assert d[k] == pytest.approx(want, rel=1e-12, abs=1e-12), k


def test_settings_reach_the_model(solve_json):
    # the same command without the settings gives other values: --set is not ignored
    d = _strict_json(solve_json.stdout)
    neutral = cs.solve()
    assert d["left.navicular_drop_mm"] != pytest.approx(neutral["left.navicular_drop_mm"])
    assert d["right.subtalar_eversion_deg"] == pytest.approx(SETTINGS["right.subtalar_drive_deg"])


# ---------------------------------------------------------------------------- solve (table)

def test_table_shows_every_output_with_its_values(solve_table, expected):
    assert solve_table.returncode == (0 if expected.ok else 1), solve_table.stderr
    text = solve_table.stdout
    assert expected.status in text
    rows = {line.split()[0]: line for line in text.splitlines() if line.split()}
    for k in PUBLIC:
        side, _, name = k.partition(".")
        if side in ("left", "right"):
            assert name in rows, f"{name} missing from the table"
            line = rows[name]
            shown = float(line.split()[1 if side == "left" else 2])
        else:
            assert k in rows, f"{k} missing from the table"
            line = rows[k]
            shown = float(line.split()[1])
        want = expected[k]
        if math.isfinite(want):
            assert shown == pytest.approx(want, abs=0.0011), k
        else:
            assert not math.isfinite(shown), k
        assert line.rstrip().endswith(OUTPUTS[k].unit), (k, line)


# ---------------------------------------------------------------------------- params / outputs

def _first_tokens(text):
    return {line.split()[0]: line for line in text.splitlines() if line.split()}


def test_params_lists_every_parameter_with_default_unit_range_and_meaning():
    p = run("params")
    assert p.returncode == 0, p.stderr
    for prefix in ("subject.", "left.", "right.", "both."):
        assert prefix in p.stdout, prefix
    rows = _first_tokens(p.stdout)
    for param, label in ([(q, q.name) for q in SUBJECT + SIDE]
                         + [(q, "insole." + q.name) for q in INSOLE]):
        line = next((ln for t, ln in rows.items() if t == label or t.endswith("." + label)), None)
        assert line is not None, f"{param.name} not listed"
        tokens = line.split()
        if param.default is None:
            assert tokens[1] == "none", line
        elif isinstance(param.default, str):
            assert tokens[1] == param.default, line
        else:
            assert float(tokens[1]) == pytest.approx(param.default, rel=1e-3), line
        if param.choices:
            assert all(c in line for c in param.choices), line
        else:
            assert f"{param.low:g}" in tokens and f"{param.high:g}" in tokens, line
        if param.unit:
            assert param.unit in tokens, line
        assert param.doc.split(".")[0] in line, line
    # the names listed, with their prefixes, are all the registry's keys
    assert {k.split(".", 1)[1] for k in REGISTRY} == (
        {q.name for q in SUBJECT + SIDE} | {"insole." + q.name for q in INSOLE})


def test_outputs_lists_every_output_with_unit_and_sign_and_every_status():
    p = run("outputs")
    assert p.returncode == 0, p.stderr
    rows = _first_tokens(p.stdout)
    for k in PUBLIC:
        side, _, name = k.partition(".")
        if side in ("left", "right"):      # listed once for both sides, or once per side
            line = next((ln for t, ln in rows.items() if t == k or (
                t.endswith("." + name) and "left" in t and "right" in t)), None)
        else:
            line = rows.get(k)
        assert line is not None, f"{k} not listed"
        o = OUTPUTS[k]
        assert f" {o.unit} " in line and o.sign in line, line
    for status, meaning in STATUS_HELP.items():
        assert status in p.stdout and meaning in p.stdout, status


# ---------------------------------------------------------------------------- bad input

def _assert_refused(p, *fragments):
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    assert p.stdout == ""
    for f in fragments:
        assert f in p.stderr, (f, p.stderr)


def test_out_of_range_value_exits_2_with_name_value_and_range():
    _assert_refused(run("solve", "--set", "left.wedge_deg=99", "--json"),
                    "left.wedge_deg", "99", "-20", "20")


def test_unknown_name_exits_2_with_a_suggestion():
    _assert_refused(run("solve", "--set", "both.wedg_deg=10"),
                    "both.wedg_deg", "did you mean both.wedge_deg")


def test_unknown_command_exits_2():
    _assert_refused(run("solv"), "solv")


def _main(capsys, *argv):
    """Run ``cli.main`` in-process; return (exit code, stdout, stderr)."""
    try:
        rc = cli.main(list(argv))
    except SystemExit as e:            # argparse errors
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize("setting, fragments", [
    ("left.wedge_deg=abc", ["left.wedge_deg", "abc", "-20", "20"]),
    ("left.wedge_deg=nan", ["left.wedge_deg", "nan", "-20", "20"]),
    ("right.heel_lift_mm=inf", ["right.heel_lift_mm", "inf", "0", "40"]),
    ("subject.mass_kg=-5", ["subject.mass_kg", "-5", "30", "200"]),
    ("subject.mass_kg=none", ["subject.mass_kg", "None"]),
    ("subject.sex=Female", ["subject.sex", "Female", "male", "female"]),
    ("both.hip_strength=2", ["both.hip_strength", "2", "0.2", "1.5"]),
    ("left.pronation=5", ["left.pronation", "did you mean left.pronation_deg"]),
    ("left.wedge_deg", ["NAME=VALUE", "left.wedge_deg"]),
    ("=5", ["=5"]),
])
def test_bad_settings_exit_2_with_a_message(capsys, setting, fragments):
    rc, out, err = _main(capsys, "solve", "--set", setting, "--json")
    assert rc == 2
    assert out == ""
    assert "Traceback" not in err
    for f in fragments:
        assert f in err, (f, err)


def test_missing_command_and_bad_option_exit_2(capsys):
    for argv in ([], ["solve", "--bogus"], ["params", "extra"]):
        rc, out, err = _main(capsys, *argv)
        assert rc == 2, argv
        assert "Traceback" not in err and err


def test_free_subtalar_drive_and_repeated_settings(capsys):
    rc, out, _ = _main(capsys, "solve", "--set", "left.subtalar_drive_deg=none",
                       "--set", "left.wedge_deg=3", "--set", "left.wedge_deg=4", "--json")
    d = _strict_json(out)
    want = cs.solve(cs.Model({"left.wedge_deg": 4.0}))
    assert rc == (0 if want.ok else 1)
    assert d["status"] == want.status
    key = "left.subtalar_eversion_deg"
    assert d[key] == pytest.approx(want[key], abs=1e-12)


#: demanding models, at the ends of the ranges: some may fail to stand, or need much friction
DEMANDING = [
    {"both.heel_lift_mm": 40.0},
    {"left.heel_lift_mm": 40.0},
    {"left.leg_length_diff_mm": 50.0, "right.heel_lift_mm": 40.0, "both.hip_strength": 0.2},
    {"both.wedge_deg": 20.0, "both.pronation_deg": 20.0, "both.arch_stiffness_n_per_mm": 15.0},
    {"left.subtalar_drive_deg": 25.0, "right.subtalar_drive_deg": -25.0},
]


@pytest.mark.parametrize("settings", DEMANDING, ids=lambda s: ",".join(s))
def test_json_stays_strict_and_exit_code_follows_status(capsys, settings):
    args = [a for k, v in settings.items() for a in ("--set", f"{k}={v}")]
    rc, out, err = _main(capsys, "solve", *args, "--json")
    want = cs.solve(cs.Model(settings))
    d = _strict_json(out)                 # NaN / inf become null, never bare NaN
    assert d["status"] == want.status
    assert rc == (0 if want.ok else 1)
    for k in PUBLIC:
        assert d[k] == _as_json_value(want[k]) or d[k] == pytest.approx(want[k], abs=1e-12), k
