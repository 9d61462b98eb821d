"""Sweeps: a grid or a sampled design solved through the batch kernel into a labelled dataset.

The result must not depend on how it was computed (chunking, threads, memory or a Zarr store),
a sweep's points are exactly the single solves of the same models, and a point that fails is
flagged in ``status`` with NaN outputs while the others complete.
"""

from __future__ import annotations

import json

import numba
import numpy as np
import pytest
import xarray as xr

import chainsim as cs
from chainsim.outputs import OUTPUTS, PUBLIC
from chainsim.sweep import designs, grid, param_name, run, sample, summary
from chainsim.statics import SOLVED
from chainsim.sweep.store import FLAG_MEANINGS, to_netcdf

def _zarr3() -> bool:
    try:
        import zarr
    except ImportError:
        return False
    return int(zarr.__version__.split(".")[0]) >= 3


#: tests that write a Zarr store (zarr 3 needs Python 3.11 or newer)
needs_zarr = pytest.mark.skipif(not _zarr3(), reason="Zarr stores need zarr 3 (Python >= 3.11)")

FEW = ["left.navicular_drop_mm", "left.tibial_rotation_deg", "pelvis.tilt_deg",
       "right.knee_valgus_deg"]
AXES = {"both.arch_stiffness_n_per_mm": [60.0, 120.0, 240.0],
        "left.pronation_deg": {"start": -5, "stop": 10, "num": 4},
        "subject.sex": ["male", "female"]}
FIXED = {"subject.mass_kg": 80.0, "right.wedge_deg": 5.0}
RANGES = {"both.arch_stiffness_n_per_mm": (40.0, 300.0), "left.wedge_deg": (-10.0, 10.0),
          "subject.height_m": (1.5, 1.9)}


def assert_bitwise(a: xr.Dataset, b: xr.Dataset) -> None:
    """Same variables, dims, attrs and coordinates, and every value bit for bit."""
    a, b = a.load(), b.load()
    xr.testing.assert_identical(a, b)
    assert a.attrs == b.attrs
    for name in a.variables:
        x, y = a[name].values, b[name].values
        if x.dtype.kind in "fiu":
            assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
        else:
            assert x.tolist() == y.tolist(), name


@pytest.fixture(scope="module")
def small_grid():
    return grid(AXES, fixed=FIXED, outputs=FEW)


@pytest.fixture(scope="module")
def small_grid_result(small_grid):
    return run(small_grid, chunk_size=5)


# ---------------------------------------------------------------------------- the dataset

def test_grid_dataset_is_labelled(small_grid_result):
    ds = small_grid_result
    dims = tuple("param." + k for k in AXES)
    assert ds["pelvis.tilt_deg"].dims == dims
    assert ds["pelvis.tilt_deg"].shape == (3, 4, 2)
    np.testing.assert_array_equal(ds["param.left.pronation_deg"], np.linspace(-5, 10, 4))
    assert list(ds["param.subject.sex"].values) == ["male", "female"]
    arch = ds["param.both.arch_stiffness_n_per_mm"]
    assert arch.attrs["units"] == "N/mm" and arch.attrs["parameter"] == "both.arch_stiffness_n_per_mm"
    for name in FEW:
        assert ds[name].attrs == {"units": OUTPUTS[name].unit, "sign": OUTPUTS[name].sign}
    st = ds["status"]
    assert st.dtype == np.int8
    assert list(st.attrs["flag_values"]) == list(range(-1, len(FLAG_MEANINGS) - 1))
    assert st.attrs["flag_meanings"].split() == list(FLAG_MEANINGS)
    assert ds["iterations"].dtype == np.int32 and (ds["iterations"] > 0).all()
    assert ds.attrs["chainsim_version"] == cs.__version__
    spec = json.loads(ds.attrs["sweep_spec"])
    assert spec["axes"]["left.pronation_deg"] == list(np.linspace(-5, 10, 4))
    assert spec["fixed"] == FIXED and spec["sweep"]["outputs"] == FEW


def test_default_outputs_are_every_public_output():
    ds = run(grid({"both.wedge_deg": [0.0, 5.0]}))
    assert set(PUBLIC) <= set(ds.data_vars)
    assert set(ds.data_vars) - set(PUBLIC) == {"status", "iterations", "residual"}


def test_a_small_grid_equals_the_points_solved_one_by_one(small_grid_result):
    ds = small_grid_result
    for i, arch in enumerate(AXES["both.arch_stiffness_n_per_mm"]):
        for j, pron in enumerate(np.linspace(-5, 10, 4)):
            for k, sex in enumerate(AXES["subject.sex"]):
                r = cs.solve(cs.Model(FIXED, both__arch_stiffness_n_per_mm=arch,
                                      left__pronation_deg=pron, subject__sex=sex))
                point = ds.isel({d: v for d, v in zip(ds["status"].dims, (i, j, k))})
                assert FLAG_MEANINGS[int(point["status"]) + 1] == r.status
                assert int(point["iterations"]) == r.iterations
                assert float(point["residual"]) == r.residual
                for name in FEW:
                    assert np.array_equal(float(point[name]), r[name], equal_nan=True), name


def test_insole_parameters_sweep_like_any_other():
    key = "both.insole.arch_support_mm"
    spec = grid({key: [0.0, 10.0]}, fixed={"left.insole.rearfoot_post_deg": 4.0}, outputs=FEW)
    ds = run(spec)
    assert ds[param_name(key)].attrs["units"] == "mm"
    for i, v in enumerate((0.0, 10.0)):
        r = cs.solve(cs.Model({key: v, "left.insole.rearfoot_post_deg": 4.0}))
        for name in FEW:
            assert np.array_equal(float(ds[name][i]), r[name], equal_nan=True), name


@needs_zarr
def test_sampled_design_dataset(tmp_path):
    spec = sample(RANGES, 64, design="lhs", seed=3, outputs=FEW)
    ds = run(spec, chunk_size=10)
    assert ds["pelvis.tilt_deg"].dims == ("sample",)
    for key, (lo, hi) in RANGES.items():
        v = ds[param_name(key)]
        assert v.dims == ("sample",) and param_name(key) in ds.coords
        assert lo <= v.min() and v.max() < hi
        # a Latin hypercube: one point in each of the n strata of every parameter
        assert sorted(np.floor((v.values - lo) / (hi - lo) * 64).astype(int)) == list(range(64))
    # the points are the single solves of their parameters
    for i in (0, 17, 63):
        params = {k: float(ds[param_name(k)][i]) for k in RANGES}
        r = cs.solve(cs.Model(params))
        for name in FEW:
            assert np.array_equal(float(ds[name][i]), r[name], equal_nan=True)
    stored = run(spec, tmp_path / "lhs.zarr", chunk_size=7)
    assert_bitwise(ds, stored)


@pytest.mark.parametrize("design", ["random", "lhs", "sobol"])
def test_designs_are_seeded_and_independent_of_chunking(design):
    whole = designs.unit_sample(design, 3, 1000, 42, 0, 1000)
    parts = np.concatenate([designs.unit_sample(design, 3, 1000, 42, s, min(1000, s + 37))
                            for s in range(0, 1000, 37)])
    assert whole.tobytes() == parts.tobytes()
    assert np.all((whole >= 0) & (whole < 1))
    other = designs.unit_sample(design, 3, 1000, 43, 0, 1000)
    assert not np.array_equal(whole, other)


def test_a_seed_is_drawn_and_recorded_when_not_given():
    a, b = (sample(RANGES, 16, design="random") for _ in range(2))
    assert a.seed is not None and a.seed != b.seed
    assert json.loads(a.to_json())["sweep"]["seed"] == a.seed


def test_sobol_design_matches_scipy():
    from scipy.stats import qmc

    try:
        ref = qmc.Sobol(3, scramble=True, rng=5).random(256)
    except TypeError:
        ref = qmc.Sobol(3, scramble=True, seed=5).random(256)
    assert np.array_equal(designs.unit_sample("sobol", 3, 256, 5, 0, 256), ref)


def test_permutation_is_a_permutation():
    for n in (1, 2, 3, 10, 257, 4096, 5000):
        p = designs.permutation(np.arange(n, dtype=np.uint64), n, designs._keys(9, 0))
        assert np.array_equal(np.sort(p), np.arange(n)), n


def test_chunks_tile_the_grid():
    assert designs.block_shape((1000, 1000), 16384) == (16, 1000)
    assert designs.block_shape((3, 5, 7), 10) == (1, 1, 7)
    assert designs.block_shape((4, 5), 100) == (4, 5)
    lay = designs.Layout((7, 5, 3), designs.block_shape((7, 5, 3), 8))
    seen = np.zeros(lay.shape, int)
    for k in range(lay.nchunks):
        seen[lay.region(k)] += 1
        assert lay.points(k) <= 8
    assert (seen == 1).all()


# ---------------------------------------------------------------------------- how it was run

@pytest.mark.parametrize("chunk_size", [1, 7, 100])
def test_result_does_not_depend_on_chunking(small_grid, small_grid_result, chunk_size):
    assert_bitwise(run(small_grid, chunk_size=chunk_size), small_grid_result)


@needs_zarr
def test_one_and_two_threads_give_the_same_dataset(small_grid, small_grid_result, tmp_path):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba runs one thread here")
    one = run(small_grid, tmp_path / "one.zarr", threads=1, chunk_size=6)
    two = run(small_grid, tmp_path / "two.zarr", threads=2, chunk_size=6)
    assert_bitwise(one, two)
    assert_bitwise(one, small_grid_result)


@needs_zarr
def test_store_equals_memory_and_reopens(small_grid, small_grid_result, tmp_path):
    path = tmp_path / "g.zarr"
    stored = run(small_grid, path, chunk_size=4)
    assert_bitwise(stored, small_grid_result)
    assert_bitwise(xr.open_zarr(path, consolidated=False), small_grid_result)


def test_rerun_from_the_dataset_attrs(small_grid_result):
    again = cs.sweep.rerun(small_grid_result)
    assert_bitwise(again, small_grid_result)
    assert cs.sweep.SweepSpec.from_dataset(small_grid_result) == grid(AXES, fixed=FIXED,
                                                                       outputs=FEW)


def test_netcdf_export(small_grid_result, tmp_path):
    path = tmp_path / "g.nc"
    to_netcdf(small_grid_result, path)
    back = xr.open_dataset(path).load()
    for name in list(FEW) + ["status", "iterations", "residual"]:
        np.testing.assert_array_equal(back[name].values, small_grid_result[name].values)
        assert back[name].dtype == small_grid_result[name].dtype
    assert list(back["param.subject.sex"].values.astype(str)) == ["male", "female"]
    assert back.attrs["sweep_spec"] == small_grid_result.attrs["sweep_spec"]
    assert back["status"].attrs["flag_meanings"].split() == list(FLAG_MEANINGS)


@needs_zarr
def test_netcdf_export_of_a_store(small_grid, small_grid_result, tmp_path):
    stored = run(small_grid, tmp_path / "g.zarr", chunk_size=4)      # text axis: StringDType
    to_netcdf(stored, tmp_path / "g.nc")
    back = xr.open_dataset(tmp_path / "g.nc").load()
    for name in small_grid_result.variables:
        assert back[name].values.tolist() == small_grid_result[name].values.tolist() or \
            np.array_equal(back[name].values, small_grid_result[name].values, equal_nan=True)


# ---------------------------------------------------------------------------- failures

@needs_zarr
def test_failing_points_are_flagged_and_the_rest_complete(tmp_path):
    axes = {"both.heel_lift_mm": [0.0, 10.0, 20.0, 30.0, 40.0], "both.pronation_deg": [0.0, 10.0]}
    iters = run(grid(axes, outputs=FEW))["iterations"].values
    assert iters.min() < iters.max(), "the points must differ in iterations to split them"
    spec = grid(axes, outputs=FEW, max_iter=int(iters.min()))
    ds = run(spec, tmp_path / "f.zarr", chunk_size=3).load()
    names = np.array(FLAG_MEANINGS)[ds["status"].values + 1]
    failed = ~np.isin(names, SOLVED)
    assert failed.any() and (~failed).any()
    assert set(names[failed]) == {"not_converged"}
    for name in FEW:
        assert np.isnan(ds[name].values[failed]).all(), name
    for name in FEW:
        assert np.isfinite(ds[name].values[~failed]).all(), name
    text = summary(ds)
    assert f"{int(failed.sum())} failed" in text
    assert "not_converged" in text and "iteration limit" in text


# ---------------------------------------------------------------------------- namespaces

@pytest.mark.parametrize("store", [False, pytest.param(True, marks=needs_zarr)])
def test_a_parameter_named_like_an_output_sweeps(tmp_path, store):
    """left.toe_extension_deg is a parameter and an output: both are in the result."""
    spec = grid({"left.toe_extension_deg": [0, 10]}, outputs=["left.toe_extension_deg"])
    ds = run(spec, tmp_path / "toe.zarr" if store else None)
    assert ds["left.toe_extension_deg"].dims == ("param.left.toe_extension_deg",)
    assert ds["param.left.toe_extension_deg"].values.tolist() == [0.0, 10.0]
    for i, v in enumerate((0.0, 10.0)):
        r = cs.solve(cs.Model({"left.toe_extension_deg": v}))
        assert float(ds["left.toe_extension_deg"][i]) == r["left.toe_extension_deg"]
    sampled = run(sample({"left.toe_extension_deg": (0, 20)}, 4, design="random", seed=1,
                         outputs=["left.toe_extension_deg"]))
    assert sampled["param.left.toe_extension_deg"].dims == ("sample",)
    assert sampled["left.toe_extension_deg"].dims == ("sample",)


def test_no_output_name_can_collide_with_a_parameter():
    from chainsim.dynamics import SCALARS

    for name in list(OUTPUTS) + list(SCALARS) + ["status", "iterations", "residual"]:
        assert not name.startswith(cs.sweep.PARAM_PREFIX), name
