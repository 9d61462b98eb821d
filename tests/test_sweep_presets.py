"""Sweeps over condition presets and insoles (``left.preset``, ``both.insole``, ...): each point
equals the model built as the CLI builds it (parameters, then presets, then insoles), whatever
the chunking; bad names, presets that leave a parameter's range and conflicts are refused with
the line before any work."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import chainsim as cs
from chainsim import cli
from chainsim.conditions import apply_columns
from chainsim.sweep import SpecError, grid, load_spec, run, sample
from chainsim.sweep.store import FLAG_MEANINGS
from test_sweep import assert_bitwise, needs_zarr
from test_sweep_spec import _refused, _write

FEW = ["left.navicular_drop_mm", "left.rearfoot_eversion_deg", "pelvis.obliquity_deg",
       "right.knee_valgus_deg"]
AXES = {"left.preset": ["normal", "flat_foot", "flat_foot+weak_hips"],
        "both.insole": ["none", "medium_arch", "motion_control"],
        "both.arch_stiffness_n_per_mm": [80.0, 200.0]}
FIXED = {"subject.mass_kg": 80.0, "left.wedge_deg": 2.0,
         "right.preset": "leg_length_discrepancy:10"}


def single(params: dict, presets=(), insoles=()) -> cs.StaticResult:
    """One point as ``chainsim solve --set ... --preset ... --insole ...`` computes it."""
    return cs.solve(cs.with_insoles(cs.apply_presets(cs.Model(params), list(presets)),
                                    list(insoles)))


def assert_point(point: xr.Dataset, r: cs.StaticResult) -> None:
    assert FLAG_MEANINGS[int(point["status"]) + 1] == r.status
    assert int(point["iterations"]) == r.iterations and float(point["residual"]) == r.residual
    for name in FEW:
        assert np.array_equal(float(point[name]), r[name], equal_nan=True), name


@pytest.fixture(scope="module")
def spec():
    return grid(AXES, fixed=FIXED, outputs=FEW)


@pytest.fixture(scope="module")
def result(spec):
    return run(spec, chunk_size=4)


def test_each_point_equals_presets_then_insoles_on_its_parameters(result):
    for i, preset in enumerate(AXES["left.preset"]):
        for j, insole in enumerate(AXES["both.insole"]):
            for k, arch in enumerate(AXES["both.arch_stiffness_n_per_mm"]):
                r = single({"subject.mass_kg": 80.0, "left.wedge_deg": 2.0,
                            "both.arch_stiffness_n_per_mm": arch},
                           [f"left={preset}", f"right={FIXED['right.preset']}"],
                           [] if insole == "none" else [f"both={insole}"])
                assert_point(result.isel({"param.left.preset": i, "param.both.insole": j,
                                          "param.both.arch_stiffness_n_per_mm": k}), r)
    # the presets and insoles do change the chain
    drop = result["left.navicular_drop_mm"].isel({"param.both.arch_stiffness_n_per_mm": 0})
    assert drop.sel({"param.left.preset": "flat_foot", "param.both.insole": "none"}) > \
        drop.sel({"param.left.preset": "normal", "param.both.insole": "none"})


def test_string_axes_and_the_spec_round_trip(spec, result):
    assert result["left.navicular_drop_mm"].dims == tuple("param." + k for k in AXES)
    assert result["param.left.preset"].values.tolist() == AXES["left.preset"]
    assert result["param.both.insole"].values.tolist() == AXES["both.insole"]
    assert "chainsim presets" in result["param.left.preset"].attrs["long_name"]
    assert cs.sweep.SweepSpec.from_dataset(result) == spec
    assert_bitwise(cs.sweep.rerun(result), result)


@pytest.mark.parametrize("chunk_size", [1, 7, 100])
def test_result_does_not_depend_on_chunking(spec, result, chunk_size):
    assert_bitwise(run(spec, chunk_size=chunk_size), result)


@needs_zarr
def test_store_with_string_axes_equals_memory(spec, result, tmp_path):
    stored = run(spec, tmp_path / "p.zarr", chunk_size=5, threads=1)
    assert_bitwise(stored, result)


def test_fixed_preset_and_insole_under_a_sampled_design():
    fixed = {"both.preset": "flat_foot", "left.insole": "motion_control"}
    ranges = {"both.arch_stiffness_n_per_mm": (100.0, 300.0), "right.wedge_deg": (-5.0, 5.0)}
    ds = run(sample(ranges, 4, design="lhs", seed=2, fixed=fixed, outputs=FEW), chunk_size=3)
    for i in (0, 3):
        r = single({k: float(ds["param." + k][i]) for k in ranges}, ["both=flat_foot"],
                   ["left=motion_control"])
        assert_point(ds.isel(sample=i), r)


@needs_zarr
def test_cli_sweep_of_a_toml_spec_with_preset_and_insole_axes(tmp_path, capsys):
    mine = tmp_path / "mine.toml"
    cs.Insole("mine", arch_support_mm=10.0, rearfoot_post_deg=3.0).save(mine)
    path = _write(tmp_path, f"""\
        [sweep]
        outputs = {FEW!r}

        [axes]
        "both.preset" = ["normal", "high_arch", "leg_length_discrepancy:8"]
        "left.insole" = ["none", "heel_lift", "{mine}"]

        [fixed]
        "right.insole" = "lateral_wedge"
        "subject.sex" = "female"
        """)
    store = tmp_path / "p.zarr"
    assert cli.main(["sweep", str(path), "--out", str(store), "--quiet"]) == 0
    assert "9 points: 9 solved" in capsys.readouterr().err
    ds = xr.open_zarr(store, consolidated=False)
    assert ds["param.left.insole"].values.tolist() == ["none", "heel_lift", str(mine)]
    assert_bitwise(ds, run(load_spec(path), chunk_size=2))
    r = single({"subject.sex": "female"}, ["both=leg_length_discrepancy:8"],
               [f"left={mine}", "right=lateral_wedge"])
    assert_point(ds.isel({"param.both.preset": 2, "param.left.insole": 2}).load(), r)


# ---------------------------------------------------------------------------- refusals

HEAD = '[sweep]\noutputs = ["pelvis.tilt_deg"]\n'


@pytest.mark.parametrize("text, line, reasons", [
    (HEAD + '[axes]\n"left.preset" = ["normal", "flat_feet"]\n', 4,
     ["unknown preset 'flat_feet'", "valid presets: normal, flat_foot"]),
    (HEAD + '[axes]\n"both.insole" = ["none"]\n[fixed]\n"left.preset" = "normal"\n'
     '"right.insole" = "medium"\n', 7,
     ["unknown insole 'medium'", "did you mean medium_arch", "valid insoles: none, flat_factory"]),
    # flat_foot scales the stiffness by 0.4: below the minimum at the axis' lowest value
    (HEAD + '[axes]\n"both.arch_stiffness_n_per_mm" = [15, 100]\n"left.preset" = ["flat_foot"]\n',
     5, ["left.preset = 'flat_foot'", "preset flat_foot takes left.arch_stiffness_n_per_mm "
         "from 15 to 6", "valid range 15 to 1000 N/mm",
         r"lowest value of \[axes\] both.arch_stiffness_n_per_mm"]),
    (HEAD + '[axes]\n"left.leg_length_diff_mm" = [0, 45]\n[fixed]\n'
     '"both.preset" = "leg_length_discrepancy:10"\n', 6,
     ["takes left.leg_length_diff_mm from 45 to 55", "valid range 0 to 50 mm"]),
    (HEAD + '[axes]\n"both.insole" = ["none", "heel_lift"]\n[fixed]\n'
     '"left.insole.heel_lift_mm" = 5\n', 4,
     [r"sets left.insole.heel_lift_mm, already set by \[fixed\] left.insole.heel_lift_mm",
      "either the insole or its fields"]),
    (HEAD + '[axes]\n"left.preset" = ["normal"]\n"both.preset" = ["flat_foot"]\n', 5,
     [r"already set by \[axes\] left.preset", "combine them with \\+"]),
    ('[sweep]\ndesign = "lhs"\nn = 8\n[ranges]\n"both.preset" = ["normal", "flat_foot"]\n', 5,
     ["numeric range", "grid axis"]),
    # a flat foot lowers the arch below an extra-high support (female, default stature)
    (HEAD + '[axes]\n"both.preset" = ["normal", "flat_foot"]\n'
     '"both.insole" = ["none", "extra_high_arch"]\n[fixed]\n"subject.sex" = "female"\n', 5,
     ["arch_support_mm = 18 is higher than this foot's unloaded arch",
      "both.preset = flat_foot, both.insole = extra_high_arch"]),
])
def test_bad_presets_and_insoles_are_refused_with_the_line(tmp_path, text, line, reasons):
    _refused(tmp_path, text, line, *reasons)


def test_python_api_and_sensitivity_refusals(tmp_path):
    with pytest.raises(SpecError, match=r"^\[fixed\] both.preset: .* left.hip_strength from 1 to "
                                        r"0.1, outside its valid range"):
        grid({"left.wedge_deg": [0.0]}, fixed={"both.preset": "weak_hips:0.1"})
    with pytest.raises(SpecError, match=r"^\[axes\] right.insole: insole file .* does not exist"):
        grid({"right.insole": [str(tmp_path / "missing.toml")]})
    with pytest.raises(SpecError, match=r"^\[fixed\] left.preset: .*for sweeps"):
        cs.sweep.tornado({"left.wedge_deg": (0, 5)}, fixed={"left.preset": "flat_foot"})


def test_cli_refuses_before_any_work(tmp_path, capsys):
    path = _write(tmp_path, HEAD + '[axes]\n"right.preset" = ["bunions"]\n')
    store = tmp_path / "never.zarr"
    assert cli.main(["sweep", str(path), "--out", str(store)]) == 2
    assert f"{path}, line 4, [axes] right.preset: unknown preset 'bunions'" in \
        capsys.readouterr().err
    assert not store.exists()


def test_apply_columns_is_apply_on_arrays():
    stiff = np.array([60.0, 120.0, 300.0])
    new = apply_columns({"left.arch_stiffness_n_per_mm": stiff}, "left", "flat_foot")
    for i, s in enumerate(stiff):
        m = cs.apply_presets(cs.Model(left__arch_stiffness_n_per_mm=s), "left=flat_foot")
        for key, col in new.items():
            assert np.broadcast_to(col, stiff.shape)[i] == m[key], key
    with pytest.raises(cs.ParameterError, match=r"from 30 to 12 \(point 1\), outside"):
        apply_columns({"left.arch_stiffness_n_per_mm": [60.0, 30.0]}, "left", "flat_foot")
