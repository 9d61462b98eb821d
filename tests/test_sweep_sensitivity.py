"""Sensitivity: the SALib plumbing against the Ishigami function's known Sobol' indices, and
chainsim's Sobol' and one-at-a-time (tornado) analyses through the batch kernel."""

from __future__ import annotations

import numpy as np
import pytest

import chainsim as cs
from chainsim import cli
from chainsim.sweep import sobol, sobol_indices, sobol_table, tornado, tornado_table
from test_sweep_spec import ROOT

A, B = 7.0, 0.1
PI = np.pi


def ishigami(x):
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices():
    """Analytic first-order and total indices for x uniform on [-pi, pi]^3."""
    v1 = 0.5 * (1 + B * PI ** 4 / 5) ** 2
    v2 = A ** 2 / 8
    v13 = B ** 2 * PI ** 8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / var, np.array([v1 + v13, v2, v13]) / var


BOUNDS = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}


def test_sobol_indices_of_the_ishigami_function():
    s1, st = ishigami_indices()
    ds = sobol_indices(ishigami, BOUNDS, 2 ** 13, seed=3)
    assert ds["S1"].dims == ("output", "parameter")
    assert list(ds["parameter"].values) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(ds["S1"].sel(output="y"), s1, atol=0.03)
    np.testing.assert_allclose(ds["ST"].sel(output="y"), st, atol=0.03)
    assert (ds["S1_conf"] > 0).all() and (ds["S1_conf"] < 0.1).all()
    assert int(ds["base_samples"].sel(output="y")) == 2 ** 13
    # seeded: the same again
    again = sobol_indices(ishigami, BOUNDS, 2 ** 13, seed=3)
    assert np.array_equal(again["ST"], ds["ST"])


def test_failed_evaluations_drop_their_base_samples():
    s1, st = ishigami_indices()
    rng = np.random.default_rng(0)

    def with_failures(x):
        y = ishigami(x)
        y[rng.random(len(y)) < 0.01] = np.nan
        return {"y": y, "twice": 2 * ishigami(x)}

    ds = sobol_indices(with_failures, BOUNDS, 2 ** 13, seed=3)
    kept = int(ds["base_samples"].sel(output="y"))
    assert 0.9 * 2 ** 13 < kept < 2 ** 13            # ~5% of the blocks of 5 rows hold a NaN
    assert int(ds["base_samples"].sel(output="twice")) == 2 ** 13
    np.testing.assert_allclose(ds["S1"].sel(output="y"), s1, atol=0.04)
    np.testing.assert_allclose(ds["ST"].sel(output="y"), st, atol=0.04)
    np.testing.assert_allclose(ds["ST"].sel(output="twice"), st, atol=0.03)


RANGES = {"both.arch_stiffness_n_per_mm": (60.0, 300.0), "left.wedge_deg": (-8.0, 8.0)}
OUTS = ["left.tibial_rotation_deg", "pelvis.obliquity_deg"]


def test_chainsim_sobol():
    ds = sobol(RANGES, OUTS, n=64, seed=2, fixed={"subject.mass_kg": 70})
    assert ds.attrs["evaluations"] == 64 * 4
    assert list(ds["output"].values) == OUTS and list(ds["parameter"].values) == list(RANGES)
    assert list(ds["units"].values) == ["deg", "deg"]
    for k in ("S1", "ST"):
        assert np.isfinite(ds[k]).all() and (ds[k] > -0.3).all() and (ds[k] < 1.3).all()
    # the left wedge drives the pelvis' obliquity far more than the arches (in both feet) do
    ob = ds["ST"].sel(output="pelvis.obliquity_deg")
    assert float(ob.sel(parameter="left.wedge_deg")) > float(
        ob.sel(parameter="both.arch_stiffness_n_per_mm"))
    assert "pelvis.obliquity_deg [deg]" in sobol_table(ds)


def test_tornado_equals_single_solves():
    fixed = {"subject.mass_kg": 70.0}
    ds = tornado(RANGES, OUTS, fixed=fixed)
    base = cs.solve(cs.Model(fixed))
    for o in OUTS:
        assert ds[o].attrs["baseline"] == base[o]
        assert ds[o].dims == ("parameter", "end")
    for key, (lo, hi) in RANGES.items():
        for end, v in (("low", lo), ("high", hi)):
            r = cs.solve(cs.Model(fixed, **{key.replace(".", "__"): v}))
            point = ds.sel(parameter=key, end=end)
            assert float(point["value"]) == v
            for o in OUTS:
                assert float(point[o]) == r[o], (key, end, o)
    table = tornado_table(ds)
    block = table.split("pelvis.obliquity_deg")[1]
    assert block.index("left.wedge_deg") < block.index("both.arch_stiffness_n_per_mm")


def test_cli_sensitivity(tmp_path, capsys):
    assert cli.main(["sensitivity", str(ROOT / "examples" / "sensitivity.toml")]) == 0
    out = capsys.readouterr().out
    assert "Sobol' indices" in out and "pelvis.tilt_deg [deg]" in out
    spec = tmp_path / "t.toml"
    spec.write_text('[sensitivity]\nmethod = "tornado"\noutputs = ["pelvis.tilt_deg"]\n'
                    '[ranges]\n"both.heel_lift_mm" = [0, 20]\n"both.pronation_deg" = [-5, 5]\n')
    assert cli.main(["sensitivity", str(spec), "--netcdf", str(tmp_path / "t.nc")]) == 0
    out = capsys.readouterr().out
    assert "baseline" in out and "both.heel_lift_mm" in out
    assert (tmp_path / "t.nc").exists()


@pytest.mark.parametrize("bad", ['"both.heel_lift_mm" = [0, 60]', '"both.heel_lift" = [0, 20]'])
def test_cli_sensitivity_refuses_bad_ranges(tmp_path, capsys, bad):
    spec = tmp_path / "bad.toml"
    spec.write_text(f'[sensitivity]\nmethod = "tornado"\n[ranges]\n{bad}\n')
    assert cli.main(["sensitivity", str(spec)]) == 2
    assert f"{spec}, line 4, [ranges]" in capsys.readouterr().err
