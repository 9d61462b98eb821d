"""Impact sweeps: each point an impact (chainsim.dynamics) through the sweep machinery, equal
bit for bit to chainsim.impact_batch / chainsim.impact, whatever the chunks or threads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import chainsim as cs
from chainsim import cli
from chainsim.dynamics import SCALARS
from chainsim.sweep import SweepSpec, grid, load_spec, rerun, run, sample
from test_sweep import assert_bitwise
from test_sweep_spec import _refused

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "impact_sweep.toml"
#: a short run: the scalars look at the first 50 ms, this keeps an impact at a few ms
IMPACT = {"preset": "running_forefoot_strike", "duration_s": 0.03, "shod": True}
AXES = {"both.arch_stiffness_n_per_mm": [60.0, 400.0], "subject.mass_kg": [60.0, 75.0, 90.0]}
FIXED = {"subject.sex": "female"}


@pytest.fixture(scope="module")
def spec():
    return grid(AXES, fixed=FIXED, impact=IMPACT)


@pytest.fixture(scope="module")
def result(spec):
    return run(spec, chunk_size=4)


def _values(ds, name):
    return ds[name].values.ravel()


def test_grid_equals_impact_batch_and_impact(spec, result):
    arch, mass = (a.ravel() for a in np.meshgrid(*AXES.values(), indexing="ij"))
    options = {k: v for k, v in IMPACT.items() if k != "preset"}
    b = cs.impact_batch({"both.arch_stiffness_n_per_mm": arch, "subject.mass_kg": mass, **FIXED},
                        preset=IMPACT["preset"], **options)
    assert spec.outputs == tuple(SCALARS)
    for name in SCALARS:
        assert _values(result, name).tobytes() == b.scalars[name].tobytes(), name
        assert result[name].attrs["units"] == SCALARS[name][0]
    assert (_values(result, "status") == 0).all() and list(b.scalars["status"]) == ["ok"] * 6
    assert result["status"].dtype == np.int8
    assert result["status"].attrs["flag_meanings"] == "not_computed ok singular nonfinite inaccurate"
    assert "iterations" not in result and "time" not in result.dims
    one = cs.impact(cs.Model({"both.arch_stiffness_n_per_mm": 400.0, "subject.mass_kg": 90.0,
                              **FIXED}), IMPACT["preset"], **options)
    point = result.sel({"param.both.arch_stiffness_n_per_mm": 400.0,
                        "param.subject.mass_kg": 90.0})
    for name in SCALARS:
        assert np.float64(point[name].values).tobytes() == np.float64(one.scalars[name]).tobytes()


def test_chunks_and_threads_do_not_change_the_result(spec, result):
    assert_bitwise(run(spec, chunk_size=1, threads=1), result)
    assert_bitwise(run(spec, chunk_size=6, threads=2), result)
    lhs = sample({"both.arch_stiffness_n_per_mm": (60, 400)}, 3, design="lhs", seed=4,
                 outputs=["knee_peak_bw", "impact_peak_bw"], impact=IMPACT)
    assert_bitwise(run(lhs, chunk_size=2), run(lhs, chunk_size=3, threads=1))


def test_spec_round_trips_and_the_store_resumes(spec, result, tmp_path):
    pytest.importorskip("zarr", minversion="3")
    assert json.loads(result.attrs["sweep_spec"])["impact"] == IMPACT
    assert SweepSpec.from_dataset(result) == spec
    assert SweepSpec.from_dataset(result).kind == "impact"
    store = tmp_path / "impacts.zarr"
    first = run(spec, store, chunk_size=2).load()
    for name in first.data_vars:
        assert _values(first, name).tobytes() == _values(result, name).tobytes(), name
    messages = []
    again = run(spec, store, log=messages.append)              # finished: nothing computed
    assert "computing 0" in messages[0] and "6 points: 6 solved" in messages[-1]
    assert_bitwise(again, first)
    import zarr

    group = zarr.open_group(str(store), mode="r+")             # as if killed in chunk 1
    group["sweep_progress/checksum"][1] = 0
    group["knee_peak_bw"][0, 2:] = np.nan
    assert_bitwise(run(spec, store), first)
    group["knee_peak_bw"][0, :2] = 0.0                         # finished, then damaged
    assert_bitwise(run(spec, store), first)
    assert_bitwise(rerun(first, tmp_path / "again.zarr", chunk_size=2), first)


def test_presets_and_insoles_as_axes():
    ds = run(grid({"left.preset": ["normal", "flat_foot"], "both.insole": ["none", "medium_arch"]},
                  outputs=["impact_peak_bw", "arch_peak_mm"],
                  impact={"preset": "running_heel_strike", "duration_s": 0.03, "shod": False}))
    assert (ds["status"] == 0).all()
    arch = ds["arch_peak_mm"].values                  # (preset, insole)
    assert (arch[1] > arch[0]).all()                  # a flat foot's arch falls further
    assert (arch[:, 1] < arch[:, 0]).all()            # an arch support holds it up
    assert (ds["impact_peak_bw"][:, 1] < ds["impact_peak_bw"][:, 0]).all()   # and cushions


HEAD = """\
    [sweep]
    kind = "impact"
    outputs = ["knee_peak_bw"]

    [axes]
    "both.arch_stiffness_n_per_mm" = [60, 400]

"""


@pytest.mark.parametrize("text, line, reasons", [
    (HEAD + '[impact]\npreset = "sprint"\n', 9,
     [r"unknown impact preset 'sprint'", r"running_heel_strike, running_forefoot_strike"]),
    (HEAD + '[impact]\nvelocity = 1.0\n', 9,
     [r"unknown impact option 'velocity'; did you mean velocity_m_per_s\?", r"shod"]),
    (HEAD + '[impact]\nvelocity_m_per_s = 9.0\n', 9, [r"outside its valid range 0 \.\. 6"]),
    (HEAD + '[impact]\nshod = "yes"\n', 9, [r"shod = 'yes' must be true or false"]),
    (HEAD + '[impact]\nduration_s = true\n', 9, [r"duration_s must be a number"]),
    (HEAD + '[impact]\nthreads = 2\n', 9, [r"threads is a run setting"]),
    (HEAD + '[solver]\nmax_iter = 5\n', 8, [r"\[solver\] is for static sweeps"]),
    (HEAD.replace('"knee_peak_bw"', '"pelvis.tilt_deg"'), 3,
     [r"'pelvis.tilt_deg' is a static output", r"impact_peak_bw"]),
    (HEAD.replace('"knee_peak_bw"', '"knee_peak"'), 3,
     [r"not an impact scalar; did you mean knee_peak_bw\?"]),
    (HEAD.replace('kind = "impact"', 'kind = "impacts"'), 2, [r"unknown kind 'impacts'"]),
    (HEAD.replace('kind = "impact"\n', "").replace('"knee_peak_bw"', '"pelvis.tilt_deg"')
     + '[impact]\npreset = "drop_landing"\n', 7,
     [r'\[impact\] is for impacts; set kind = "impact" in \[sweep\]']),
    (HEAD.replace('kind = "impact"\n', ""), 2,
     [r"unknown output 'knee_peak_bw'.*an impact scalar: set kind"]),
])
def test_refused_with_line_and_reason(tmp_path, text, line, reasons):
    _refused(tmp_path, text, line, *reasons)


def test_cli_runs_the_example(tmp_path):
    pytest.importorskip("zarr", minversion="3")
    spec = load_spec(EXAMPLE)
    assert spec.kind == "impact" and spec.size <= 4
    store, nc = tmp_path / "ex.zarr", tmp_path / "ex.nc"
    assert cli.main(["sweep", str(EXAMPLE), "--out", str(store), "--quiet",
                     "--netcdf", str(nc)]) == 0
    ds = xr.open_zarr(store, consolidated=False)
    assert set(ds.data_vars) == set(spec.outputs) | {"status"}
    assert (ds["status"] == 0).all() and np.isfinite(ds["knee_peak_bw"]).all()
    assert ds["loading_rate_bw_per_s"].attrs["units"] == "BW/s"
    with xr.open_dataset(nc) as back:
        assert back["status"].attrs["flag_meanings"].split()[2] == "singular"


def test_dask_equals_in_process(spec, result):
    import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        assert_bitwise(run(spec, scheduler=client, chunk_size=2), result)


def test_sensitivity_over_impact_scalars(tmp_path):
    options = {k: v for k, v in IMPACT.items() if k != "preset"}
    ds = cs.sweep.tornado({"both.arch_stiffness_n_per_mm": (60, 400)}, ["knee_peak_bw"],
                          impact=IMPACT)
    b = cs.impact_batch({"both.arch_stiffness_n_per_mm": [60.0, 400.0]}, IMPACT["preset"],
                        **options)
    assert ds["knee_peak_bw"].values[0].tobytes() == b.scalars["knee_peak_bw"].tobytes()
    assert ds["knee_peak_bw"].attrs["units"] == "BW" and (ds["status"] == 0).all()
    path = tmp_path / "s.toml"
    path.write_text('[sensitivity]\nmethod = "tornado"\nkind = "impact"\n'
                    'outputs = ["knee_peak_bw"]\n[ranges]\n"both.arch_stiffness_n_per_mm" = '
                    '[60, 400]\n[impact]\npreset = "running_forefoot_strike"\n')
    assert cs.sweep.load_sensitivity(path).impact == (("preset", "running_forefoot_strike"),)
    _refused(tmp_path, '[sensitivity]\noutputs = ["pelvis.tilt_deg"]\n[ranges]\n'
             '"subject.mass_kg" = [60, 90]\n[impact]\n', 5,
             r'set kind = "impact" in \[sensitivity\]', loader=cs.sweep.load_sensitivity)
