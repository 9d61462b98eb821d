"""Where a sweep's results go: arrays in memory, or a Zarr store written chunk by chunk.

Layout of a result (in memory and on disk alike): one dimension per grid axis (named by its
parameter key, with the axis values as its coordinate) or one ``sample`` dimension (each swept
parameter a coordinate along it); every output a float64 variable with ``units`` and ``sign``;
``status`` (int8 codes, CF ``flag_values`` / ``flag_meanings``; -1 = not computed yet),
``iterations`` and ``residual``; the spec (JSON) and chainsim's version in the attributes.
An impact sweep stores the impact scalars (``units``, ``description``) and ``status`` (the
impact's int8 codes, likewise flagged) only.

A Zarr store also holds the group ``sweep_progress``: its ``done`` array has one element per
chunk, set to 1 after all of that chunk's variables are written, so a chunk interrupted halfway
is computed again on resume and a finished one never is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from ..outputs import OUTPUTS
from ..params import REGISTRY
from ..dynamics import IMPACT_STATUS_HELP
from ..statics import STATUS
from . import categories
from .designs import Layout
from .spec import DEFAULT_CHUNK, SweepSpec

PROGRESS = "sweep_progress"
#: status codes of a result: the solver's, plus -1 for a point not computed yet
FLAG_MEANINGS = ("not_computed",) + tuple(STATUS[i] for i in sorted(STATUS))
FLAG_VALUES = np.arange(-1, len(STATUS), dtype=np.int8)
#: an impact's statuses, in code order from 0, and -1 for an impact not computed yet
IMPACT_FLAG_MEANINGS = ("not_computed",) + tuple(IMPACT_STATUS_HELP)


def flag_meanings(spec: SweepSpec) -> tuple:
    """The names of a sweep's status codes -1, 0, 1, ... (its kind's statuses)."""
    return IMPACT_FLAG_MEANINGS if spec.kind == "impact" else FLAG_MEANINGS


class StoreError(RuntimeError):
    """A store that chainsim will not write into (another sweep's, or not a sweep store)."""


def _version() -> str:
    from .. import __version__

    return __version__


def dataset_attrs(spec: SweepSpec) -> dict:
    return {"title": "chainsim parameter sweep", "sweep_spec": spec.to_json(),
            "chainsim_version": _version()}


def variables(spec: SweepSpec) -> dict:
    """Every data variable: name -> (dtype, fill value, attrs)."""
    if spec.kind == "impact":
        from ..dynamics import SCALARS

        out = {name: (np.float64, np.nan, {"units": SCALARS[name][0],
                                           "description": SCALARS[name][1]})
               for name in spec.outputs}
        meanings = flag_meanings(spec)
        out["status"] = (np.int8, -1, {
            "long_name": "impact status", "flag_values": np.arange(-1, len(meanings) - 1,
                                                                   dtype=np.int8),
            "flag_meanings": " ".join(meanings)})
        return out
    out = {name: (np.float64, np.nan, {"units": OUTPUTS[name].unit, "sign": OUTPUTS[name].sign})
           for name in spec.outputs}
    out["status"] = (np.int8, -1, {
        "long_name": "solver status (outputs are NaN unless ok or slipping)",
        "flag_values": FLAG_VALUES, "flag_meanings": " ".join(FLAG_MEANINGS)})
    out["iterations"] = (np.int32, -1, {"long_name": "solver iterations"})
    out["residual"] = (np.float64, np.nan, {
        "long_name": "largest generalized force left at the solution", "units": "BW"})
    return out


_CATEGORY_DOC = {
    "preset": "condition preset applied on top of the point's parameters (`chainsim presets`)",
    "insole": "insole setting the point's insole fields (`chainsim insoles`; none: no insole)"}


def coordinates(spec: SweepSpec) -> dict:
    """Every coordinate: key -> (values, or None if it varies along ``sample``, attrs)."""
    out = {}
    for key, values in spec.params:
        if key in categories.KEYS:
            text, attrs = True, {"units": "1", "long_name": _CATEGORY_DOC[categories.kind(key)]}
        else:
            p = REGISTRY[key.replace("both.", "left.", 1)]
            text, attrs = bool(p.choices), {"units": p.unit or "1", "long_name": p.doc}
        if spec.design == "grid":
            out[key] = (np.array(values, dtype=str if text else float), attrs)
        else:
            out[key] = (None, attrs)
    return out


def _jsonable(attrs: dict) -> dict:
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in attrs.items()}


class MemoryTarget:
    """Results in numpy arrays, filled chunk by chunk (for sweeps that fit in memory)."""

    def __init__(self, spec: SweepSpec, layout: Layout):
        self.spec, self.layout = spec, layout
        self.arrays = {name: np.full(layout.shape, fill, dtype)
                       for name, (dtype, fill, _) in variables(spec).items()}
        for key, (values, _) in coordinates(spec).items():
            if values is None:
                self.arrays[key] = np.full(layout.shape, np.nan)
        self.done = set()

    def write(self, k: int, result: dict) -> None:
        region, shape = self.layout.region(k), self.layout.chunk_shape(k)
        for name, arr in self.arrays.items():
            arr[region] = np.reshape(result[name], shape)

    def dataset(self):
        import xarray as xr

        dims = self.spec.dims
        coords = {key: ((key,), values, attrs) if values is not None
                  else (dims, self.arrays[key], attrs)
                  for key, (values, attrs) in coordinates(self.spec).items()}
        data = {name: (dims, self.arrays[name], attrs)
                for name, (_, _, attrs) in variables(self.spec).items()}
        return xr.Dataset(data, coords=coords, attrs=dataset_attrs(self.spec))


class ZarrTarget:
    """Results streamed into a Zarr (format 3) store; see :func:`open_store`."""

    def __init__(self, path, spec: SweepSpec, layout: Layout, group):
        self.path, self.spec, self.layout = path, spec, layout
        names = list(variables(spec)) + [k for k, (v, _) in coordinates(spec).items() if v is None]
        self.arrays = {name: group[name] for name in names}
        self.marks = group[f"{PROGRESS}/done"]
        self.done = _done(self.marks)

    def write(self, k: int, result: dict) -> None:
        """Write chunk ``k``'s variables, then mark it done."""
        region, shape = self.layout.region(k), self.layout.chunk_shape(k)
        for name, arr in self.arrays.items():
            arr[region] = np.reshape(result[name], shape)
        self.marks[k] = 1

    def dataset(self):
        """The store opened lazily with xarray (dask arrays, read chunk by chunk)."""
        import xarray as xr

        return xr.open_zarr(self.path, consolidated=False)


def _zarr():
    try:
        import zarr
    except ImportError:
        zarr = None
    if zarr is None or int(zarr.__version__.split(".")[0]) < 3:
        raise StoreError("a sweep store needs zarr 3 (Python 3.11 or newer); without it, run "
                         "the sweep in memory (store=None) and save it with to_netcdf")
    return zarr


def _done(marks) -> set:
    """Indices of the finished chunks (a mark cut short by a kill counts as not done)."""
    try:
        return set(np.flatnonzero(marks[:] == 1).tolist())
    except Exception:                            # a damaged mark: read them one by one
        done = set()
        for k in range(marks.shape[0]):
            try:
                if marks[k] == 1:
                    done.add(k)
            except Exception:
                pass
        return done


def done_chunks(path) -> set:
    """The chunks of the sweep store at ``path`` that are finished."""
    import zarr

    return _done(zarr.open_array(Path(path) / PROGRESS / "done", mode="r"))


#: fast and about as small as zstd on these outputs (noisy float64s): a store must keep up
_COMPRESSOR = {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5,
                                                  "shuffle": "shuffle"}}


def _create(path: Path, spec: SweepSpec, layout: Layout):
    import zarr

    root = zarr.open_group(str(path), mode="w", zarr_format=3)
    dims = list(spec.dims)
    along = [k for k, (v, _) in coordinates(spec).items() if v is None]
    for key, (values, attrs) in coordinates(spec).items():
        if values is not None:
            arr = root.create_array(key, shape=values.shape, chunks=values.shape,
                                    dtype=values.dtype if values.dtype.kind == "f" else str,
                                    dimension_names=[key], attributes=attrs)
            arr[:] = values
        else:
            root.create_array(key, shape=layout.shape, chunks=layout.block, dtype=np.float64,
                              fill_value=np.nan, dimension_names=dims, attributes=attrs)
    for name, (dtype, fill, attrs) in variables(spec).items():
        attrs = _jsonable(attrs) | ({"coordinates": " ".join(along)} if along else {})
        root.create_array(name, shape=layout.shape, chunks=layout.block, dtype=dtype,
                          fill_value=fill, dimension_names=dims, attributes=attrs,
                          compressors=_COMPRESSOR)
    progress = root.create_group(PROGRESS, attributes={
        "block": list(layout.block), "nchunks": layout.nchunks,
        "note": "done[k] = 1 once chunk k is written; a re-run computes the others"})
    progress.create_array("done", shape=(layout.nchunks,), chunks=(1,), dtype=np.uint8,
                          fill_value=0, compressors=None)
    root.attrs.update(dataset_attrs(spec))       # last: a store with its spec is complete
    return root


def _differences(old: dict, new: dict) -> str:
    parts = [t for t in sorted(set(old) | set(new)) if old.get(t) != new.get(t)]
    return ", ".join(f"[{p}]" for p in parts) or "the specification"


def open_store(path, spec: SweepSpec, chunk_size: int | None = None, overwrite: bool = False):
    """Create the store for ``spec`` at ``path``, or reopen it to resume the same sweep.

    Parameters
    ----------
    path : str or path-like
        A directory (created).
    spec : SweepSpec
    chunk_size : int, optional
        Points per chunk for a new store; resuming keeps the store's chunks (a different
        explicit ``chunk_size`` is refused).
    overwrite : bool
        Replace a store that holds another sweep (or another chainsim version's results).

    Returns
    -------
    ZarrTarget
        With ``.done``, the chunks already finished.

    Raises
    ------
    StoreError
        If ``path`` holds another sweep and ``overwrite`` is false, or holds something that
        is not a Zarr store (never removed, even with ``overwrite``).
    """
    zarr = _zarr()
    path = Path(path)
    new_layout = Layout.of(spec, chunk_size or spec.chunk_size or DEFAULT_CHUNK)
    if path.exists():
        if not (path.is_dir() and ((path / "zarr.json").exists() or not any(path.iterdir()))):
            raise StoreError(f"{path} exists and is not a Zarr store; choose another path "
                             "(chainsim does not remove it, even with --overwrite)")
        root = zarr.open_group(str(path), mode="r+") if (path / "zarr.json").exists() else None
        old = root.attrs.get("sweep_spec") if root is not None else None
        if old is not None:
            same = json.loads(old) == spec.to_dict()
            version = root.attrs.get("chainsim_version")
            if same and version == _version():
                block = tuple(root[PROGRESS].attrs["block"])
                explicit = chunk_size or spec.chunk_size
                if explicit and new_layout.block != block:
                    raise StoreError(
                        f"{path} holds this sweep in chunks of {block}; resume it with the "
                        f"same chunk size (or none), or start again with --overwrite")
                return ZarrTarget(path, spec, Layout(tuple(spec.shape), block), root)
            if not overwrite:
                why = (f"it was written by chainsim {version}, this is {_version()}" if same
                       else f"its sweep differs in {_differences(json.loads(old), spec.to_dict())}")
                raise StoreError(f"{path} holds another sweep ({why}); refusing to overwrite "
                                 "it: pass --overwrite (overwrite=True) to replace it, or "
                                 "choose another path")
        elif root is not None and PROGRESS not in root and not overwrite:
            raise StoreError(f"{path} is a Zarr store but not a chainsim sweep; pass "
                             "--overwrite (overwrite=True) to replace it")
        shutil.rmtree(path)
    root = _create(path, spec, new_layout)
    return ZarrTarget(path, spec, new_layout, root)


def to_netcdf(ds, path) -> None:
    """Write a sweep result (in memory or opened from a store) to one netCDF file.

    Uses the netCDF4 engine if installed, else scipy's netCDF-3 writer (no extra
    dependency); text coordinates become character arrays.
    """
    text = {name: (v.dims, np.array(v.values.tolist(), dtype=str), v.attrs)
            for name, v in ds.variables.items() if v.dtype.kind == "T"}   # numpy StringDType
    ds = ds.assign_coords({k: v for k, v in text.items() if k in ds.coords})
    ds = ds.assign({k: v for k, v in text.items() if k not in ds.coords})
    ds["status"].attrs["flag_values"] = np.asarray(ds["status"].attrs["flag_values"], np.int8)
    try:
        import netCDF4  # noqa: F401

        engine = "netcdf4"
    except ImportError:
        engine = "scipy"
    ds.to_netcdf(path, engine=engine)
