"""Parameter sweeps at scale: designs, in-process or Dask execution, Zarr storage, sensitivity.

>>> import chainsim as cs
>>> spec = cs.sweep.grid({"both.arch_stiffness_n_per_mm": [60, 120, 240],
...                       "both.pronation_deg": [0, 5]})
>>> ds = cs.sweep.run(spec)                    # or run(spec, "results.zarr") to stream, resumable
>>> ds["left.navicular_drop_mm"].shape
(3, 2)
>>> ds["left.navicular_drop_mm"].sel({"param.both.pronation_deg": 5}).shape   # parameters: param.KEY
(3,)

xarray, zarr, dask and SALib are imported on first use, so ``import chainsim`` stays fast.
"""

from importlib import import_module

from .._extras import require
from .spec import (PARAM_PREFIX, SensitivitySpec, SpecError, SweepSpec, grid, load_sensitivity,
                   load_spec, param_name, sample)

_LAZY = {
    "run": "runner", "rerun": "runner", "verify": "runner", "summary": "runner", "counts": "runner",
    "open": "runner",
    "open_store": "store", "to_netcdf": "store", "done_chunks": "store", "StoreError": "store",
    "spec_of": "store",
    "sobol": "sensitivity", "sobol_indices": "sensitivity", "tornado": "sensitivity",
    "run_sensitivity": "sensitivity", "sobol_table": "sensitivity", "tornado_table": "sensitivity",
    "Layout": "designs",
}
#: What each of them needs of the 'sweep' extra (an ImportError naming it otherwise).
_NEEDS = {"open_store": ("xarray", "zarr"), "done_chunks": ("xarray", "zarr"),
          "open": ("xarray", "zarr"),
          "sobol": ("xarray", "SALib"), "sobol_indices": ("xarray", "SALib"),
          "run_sensitivity": ("xarray", "SALib"), "StoreError": (), "Layout": ()}


def __getattr__(name):
    if name in _LAZY:
        require("sweep", *_NEEDS.get(name, ("xarray",)), what=f"chainsim.sweep.{name}")
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SweepSpec", "SensitivitySpec", "SpecError", "grid", "sample", "load_spec",
           "load_sensitivity", "param_name", "PARAM_PREFIX", *_LAZY]
