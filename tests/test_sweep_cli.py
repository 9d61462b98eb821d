"""``chainsim sweep``: the example spec into a Zarr store with a progress bar and a summary,
exported to netCDF; the result equals the Python API's."""

from __future__ import annotations

import pytest
import xarray as xr

from chainsim import cli
from chainsim.sweep import load_spec, run
from test_sweep import assert_bitwise
from test_sweep_spec import ROOT

pytest.importorskip("zarr", minversion="3")

EXAMPLE = ROOT / "examples" / "sweep.toml"


def test_cli_sweep_of_the_example(tmp_path, capsys):
    store, nc = tmp_path / "ex.zarr", tmp_path / "ex.nc"
    assert cli.main(["sweep", str(EXAMPLE), "--out", str(store), "--netcdf", str(nc)]) == 0
    err = capsys.readouterr().err
    spec = load_spec(EXAMPLE)
    assert f"sweep of {spec.size:,} points" in err and f"computing {-(-spec.size // 4096)}" in err
    assert "pt/s" in err                              # the progress bar
    assert f"{spec.size:,} points: " in err and " solved" in err
    ds = xr.open_zarr(store, consolidated=False)
    assert ds["pelvis.tilt_deg"].dims == spec.dims
    assert ds.attrs["sweep_spec"] == spec.to_json()
    assert_bitwise(ds, run(spec, chunk_size=1000))
    back = xr.open_dataset(nc)
    assert back["pelvis.tilt_deg"].shape == ds["pelvis.tilt_deg"].shape
    # a second run finds everything done
    assert cli.main(["sweep", str(EXAMPLE), "--out", str(store), "--quiet"]) == 0
    assert "already done, computing 0" in capsys.readouterr().err
