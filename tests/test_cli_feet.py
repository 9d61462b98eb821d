"""The feet commands: presets and insoles on solve, compare, fit-insole, and their listings."""

from __future__ import annotations


import pytest

import chainsim as cs
from chainsim.conditions import CONDITIONS, apply_presets
from chainsim.insoles import CATALOGUE, Insole, with_insoles
from chainsim.model import Model
from test_cli import _main, _strict_json, run


def test_solve_with_a_preset_and_an_insole_as_the_user_types_it():
    p = run("solve", "--preset", "left=flat_foot", "--insole", "both=medium_arch", "--json")
    assert p.returncode == 0, p.stderr
    d = _strict_json(p.stdout)
    want = cs.solve(with_insoles(apply_presets(Model(), "left=flat_foot"), "both=medium_arch"))
    for k in ("left.navicular_drop_mm", "right.navicular_drop_mm", "pelvis.obliquity_deg"):
        assert d[k] == pytest.approx(want[k], abs=1e-12)


def test_presets_apply_after_settings(capsys):
    rc, out, _ = _main(capsys, "solve", "--set", "left.arch_stiffness_n_per_mm=100",
                       "--preset", "left=flat_foot+weak_hips", "--preset", "right=leg_length_discrepancy:8",
                       "--json")
    want = cs.solve(apply_presets(Model(left__arch_stiffness_n_per_mm=100.0),
                                  ["left=flat_foot+weak_hips", "right=leg_length_discrepancy:8"]))
    assert rc == 0 and _strict_json(out)["left.navicular_drop_mm"] == pytest.approx(
        want["left.navicular_drop_mm"], abs=1e-12)


def test_compare_puts_the_changes_on_top_of_the_baseline(capsys):
    rc, out, _ = _main(capsys, "compare", "--base-preset", "both=flat_foot", "--insole",
                       "both=motion_control", "--json")
    assert rc == 0
    d = _strict_json(out)
    row = d["outputs"]["left.rearfoot_eversion_deg"]
    flat = apply_presets(Model(), "both=flat_foot")
    assert row["baseline"] == pytest.approx(cs.solve(flat)["left.rearfoot_eversion_deg"])
    assert row["altered"] == pytest.approx(
        cs.solve(with_insoles(flat, "both=motion_control"))["left.rearfoot_eversion_deg"])
    rc, out, _ = _main(capsys, "compare", "--preset", "left=hammertoe")
    assert rc == 0 and "foot" in out and "lumbar.lordosis_deg" in out


def test_fit_insole_writes_a_toml_that_solve_reads(tmp_path, capsys):
    path = tmp_path / "design.toml"
    rc, out, _ = _main(capsys, "fit-insole", "--preset", "left=leg_length_discrepancy:12",
                       "--side", "left", "--weight", "pelvis.obliquity_deg=1", "--out", str(path),
                       "--json")
    assert rc == 0
    d = _strict_json(out)
    assert d["objective"] < d["scores"]["no insole"]
    ins = Insole.load(path)
    assert ins.values() == pytest.approx(d["insoles"]["left"])
    rc, out, _ = _main(capsys, "solve", "--preset", "left=leg_length_discrepancy:12",
                       "--insole", f"left={path}", "--json")
    assert rc == 0
    assert abs(_strict_json(out)["pelvis.obliquity_deg"]) < abs(
        cs.solve(apply_presets(Model(), "left=leg_length_discrepancy:12"))["pelvis.obliquity_deg"])


def test_listings(capsys):
    rc, out, _ = _main(capsys, "presets")
    assert rc == 0 and [ln.split()[0].split(":")[0] for ln in out.splitlines()] == list(CONDITIONS)
    rc, out, _ = _main(capsys, "insoles")
    assert rc == 0 and [ln.split()[0] for ln in out.splitlines()] == list(CATALOGUE)


@pytest.mark.parametrize("argv, fragments", [
    (["solve", "--preset", "left=flat_fot"], ["flat_fot", "valid presets", "flat_foot", "hammertoe"]),
    (["solve", "--insole", "both=medum"], ["medum", "valid insoles", "medium_arch", "lateral_wedge"]),
    (["solve", "--insole", "left=extra_high_arch", "--preset", "left=flat_foot+flat_foot"],
     ["left.insole.arch_support_mm", "unloaded arch"]),
    (["solve", "--set", "left.insole.heel_lift_mm=-3"], ["left.insole.heel_lift_mm", "-3", "0", "30"]),
    (["compare", "--base-preset", "both=sore_feet"], ["sore_feet", "valid presets"]),
    (["fit-insole", "--weight", "knee_angle=1"], ["knee_angle", "not an output"]),
])
def test_bad_names_and_impossible_combinations_exit_2(capsys, argv, fragments):
    rc, out, err = _main(capsys, *argv)
    assert rc == 2 and out == "" and "Traceback" not in err
    for f in fragments:
        assert f in err, (f, err)
