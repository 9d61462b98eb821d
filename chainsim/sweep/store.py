"""Where a sweep's results go: arrays in memory, or a Zarr store written chunk by chunk.

Layout of a result (in memory and on disk alike): parameters and outputs are separate
namespaces.  Each swept parameter is named ``param.`` and its key: a grid has one dimension
per axis (``param.both.pronation_deg``, the axis values its coordinate), a sampled design one
``sample`` dimension with each parameter a coordinate along it.  Every output is a float64
variable named by the output (``pelvis.tilt_deg``) with ``units`` and ``sign``; ``status``
(int8 codes, CF ``flag_values`` / ``flag_meanings``; -1 = not computed yet), ``iterations`` and
``residual``; the spec (JSON) and chainsim's version in the attributes.  An impact sweep stores
the impact scalars (``units``, ``description``) and ``status`` (the impact's int8 codes,
likewise flagged) only.

A Zarr store also holds two groups.  ``sweep_store`` marks the directory as a chainsim store
(the spec, the version, the chunk block; written first, so even a half-made store is known).
``sweep_progress`` holds ``checksum``, one uint64 per chunk: 0 until all of that chunk's
variables are written, then a hash of the bytes written (:func:`chunk_hash`).  Reopening a
store (to resume, or :func:`verify`) repairs damaged metadata, removes temporary files, reads
every finished chunk back and computes again each one whose data are missing, unreadable or
do not match its hash; the results are those of an uninterrupted run, bit for bit.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import numpy as np

from ..outputs import OUTPUTS
from ..params import REGISTRY
from ..dynamics import IMPACT_STATUS_HELP
from ..statics import STATUS
from . import budget, categories
from .checks import fail
from .designs import Layout
from .folder import (  # noqa: F401 (StoreError, check_path, PROGRESS: part of this module's face)
    MARKER, NAME_MAX, PROGRESS, StoreError, check_path, clean_partial, identity, is_chainsim,
    marker, read_json, remove, remove_store,
)
from .spec import DEFAULT_CHUNK, PARAM_PREFIX, SweepSpec, param_name

#: the layout of the store (1: done marks only; 2: per-chunk checksums and the marker group)
STORE_FORMAT = 2
#: progress marks per storage chunk of ``checksum``
MARKS_PER_CHUNK = 8192
#: status codes of a result: the solver's, plus -1 for a point not computed yet
FLAG_MEANINGS = ("not_computed",) + tuple(STATUS[i] for i in sorted(STATUS))
FLAG_VALUES = np.arange(-1, len(STATUS), dtype=np.int8)
#: an impact's statuses, in code order from 0, and -1 for an impact not computed yet
IMPACT_FLAG_MEANINGS = ("not_computed",) + tuple(IMPACT_STATUS_HELP)


def flag_meanings(spec: SweepSpec) -> tuple:
    """The names of a sweep's status codes -1, 0, 1, ... (its kind's statuses)."""
    return IMPACT_FLAG_MEANINGS if spec.kind == "impact" else FLAG_MEANINGS


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
    """Every swept parameter: name (``param.`` + key) -> (values, or None if it varies along
    ``sample``, attrs)."""
    out = {}
    for key, values in spec.params:
        if key in categories.KEYS:
            text, attrs = True, {"units": "1", "long_name": _CATEGORY_DOC[categories.kind(key)]}
        else:
            p = REGISTRY[key.replace("both.", "left.", 1)]
            text, attrs = bool(p.choices), {"units": p.unit or "1", "long_name": p.doc}
        attrs["parameter"] = key
        if spec.design == "grid":
            out[param_name(key)] = (np.array(values, dtype=str if text else float), attrs)
        else:
            out[param_name(key)] = (None, attrs)
    return out


def check_names(spec: SweepSpec) -> None:
    """Refuse a layout whose names collide or cannot be stored (before anything is created)."""
    names = list(variables(spec)) + list(coordinates(spec)) + [PROGRESS, MARKER]
    clash = sorted({n for n in names if names.count(n) > 1})
    wrong = [n for n in variables(spec) if n.startswith(PARAM_PREFIX)]
    if clash or wrong:
        raise StoreError(f"the sweep's names collide: {', '.join(clash or wrong)} (outputs and "
                         f"the swept parameters ({PARAM_PREFIX}KEY) must differ)")
    for n in names:
        if len(n.encode()) > NAME_MAX or "/" in n or n.startswith("__"):
            raise StoreError(f"the name {n[:60]!r} cannot be stored (a node name has at most "
                             f"{NAME_MAX} bytes, no '/', and does not start with '__')")


def check_size(spec: SweepSpec, layout: Layout, store=None) -> None:
    """Refuse (:class:`SpecError` at the spec's ``[axes]`` or ``n`` line) a sweep whose
    estimated memory (in memory, or streaming into ``store``) or store on disk is above the
    limit (see :mod:`.budget`)."""
    along = sum(1 for values, _ in coordinates(spec).values() if values is None)
    per_point = along * 8 + sum(np.dtype(dtype).itemsize
                                for dtype, _, _ in variables(spec).values())
    needs = budget.sweep_needs(spec.size, per_point, len(stored(spec)),
                               math.prod(layout.block), layout.nchunks, store is not None)
    where = spec.origin or ("[axes]" if spec.design == "grid" else "[sweep] n")
    what = f"a sweep of {spec.size:,} points" + (f" in {layout.nchunks:,} chunks" if store
                                                  else "")
    if store is not None:
        limit, why = budget.disk_limit(store)
        if needs["disk"] > limit:
            fail(where, budget.too_big(what, needs["disk"], "disk", limit, why,
                                       "use fewer points or outputs, or a larger chunk_size"))
    limit, why = budget.memory_limit()
    if needs["memory"] > limit:
        advice = ("stream it into a store (run(spec, 'out.zarr'), chainsim sweep --out), "
                  "or use fewer points" if store is None else
                  "use a smaller chunk_size (or fewer chunks: fewer points)")
        fail(where, budget.too_big(what, needs["memory"], "memory", limit, why, advice))


def _jsonable(attrs: dict) -> dict:
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in attrs.items()}


def stored(spec: SweepSpec) -> list:
    """The names written for every chunk, in hashing order (variables, then sampled parameters)."""
    return list(variables(spec)) + [k for k, (v, _) in coordinates(spec).items() if v is None]


def chunk_hash(arrays) -> int:
    """A chunk's checksum: the first 8 bytes of the SHA-1 of its arrays' bytes in order (fast
    where the processor has SHA instructions: ~1.5 GB/s), never 0."""
    h = hashlib.sha1()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(a.dtype.str.encode())
        h.update(memoryview(a).cast("B"))
    return int.from_bytes(h.digest()[:8], "little") or 1


class MemoryTarget:
    """Results in numpy arrays, filled chunk by chunk (for sweeps that fit in memory)."""

    def __init__(self, spec: SweepSpec, layout: Layout):
        check_names(spec)
        self.spec, self.layout = spec, layout
        self.arrays = {name: np.full(layout.shape, fill, dtype)
                       for name, (dtype, fill, _) in variables(spec).items()}
        for key, (values, _) in coordinates(spec).items():
            if values is None:
                self.arrays[key] = np.full(layout.shape, np.nan)
        self.done = np.zeros(layout.nchunks, bool)

    def write(self, k: int, result: dict) -> None:
        region, shape = self.layout.region(k), self.layout.chunk_shape(k)
        for name, arr in self.arrays.items():
            arr[region] = np.reshape(result[name], shape)
        self.done[k] = True

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
    """Results streamed into a Zarr (format 3) store; see :func:`open_store`.

    ``done`` is a bool array over the chunks (finished and verified); ``damaged`` the chunks
    found finished but whose data did not read back as written (computed again); ``repaired``
    and ``cleaned`` count the metadata rebuilt and the temporary files removed on opening.
    """

    def __init__(self, path, spec: SweepSpec, layout: Layout, verify: bool = True,
                 repaired: int = 0):
        import zarr

        self.path, self.spec, self.layout = Path(path), spec, layout
        self.arrays = {name: zarr.open_array(str(self.path / name), mode="r+")
                       for name in stored(spec)}
        self.marks = zarr.open_array(str(self.path / PROGRESS / "checksum"), mode="r+")
        sums = _read_marks(self.marks, repair=True)
        self.done = sums != 0
        self.damaged = np.zeros(0, np.int64)
        self.repaired, self.cleaned = repaired, 0
        if verify:
            bad = [k for k in np.flatnonzero(self.done) if self.read_hash(int(k)) != sums[k]]
            self.damaged = np.array(bad, np.int64)
            self.done[self.damaged] = False

    def read_hash(self, k: int) -> int | None:
        """Chunk ``k``'s checksum computed from what the store holds (None if unreadable)."""
        region = self.layout.region(k)
        try:
            return chunk_hash(arr[region] for arr in self.arrays.values())
        except Exception:                        # a truncated or corrupted chunk file
            return None

    def write(self, k: int, result: dict) -> None:
        """Write chunk ``k``'s variables, then its checksum (which marks it done)."""
        region, shape = self.layout.region(k), self.layout.chunk_shape(k)
        parts = [np.reshape(result[name], shape).astype(arr.dtype, copy=False)
                 for name, arr in self.arrays.items()]
        for arr, part in zip(self.arrays.values(), parts):
            arr[region] = part
        self.marks[k] = chunk_hash(parts)
        self.done[k] = True

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
        raise StoreError("a sweep store needs zarr 3 (pip install 'chainsim[sweep]'; on Python "
                         "3.11 or newer); without it, run the sweep in memory (store=None) and "
                         "save it with to_netcdf")
    return zarr


def _read_marks(marks, repair: bool = False) -> np.ndarray:
    """Every chunk's checksum, read in one go (0: not done); an unreadable block of marks
    counts as not done (and is written again as zeros if ``repair``)."""
    try:
        return np.asarray(marks[:], np.uint64)
    except Exception:
        out = np.zeros(marks.shape[0], np.uint64)
        step = marks.chunks[0]
        for s in range(0, marks.shape[0], step):
            try:
                out[s:s + step] = marks[s:s + step]
            except Exception:
                if repair:
                    marks[s:s + step] = 0
        return out


def done_chunks(path) -> set:
    """The chunks of the sweep store at ``path`` that are marked finished (not verified)."""
    import zarr

    marks = zarr.open_array(str(Path(path) / PROGRESS / "checksum"), mode="r")
    return set(np.flatnonzero(_read_marks(marks)).tolist())


#: fast and about as small as zstd on these outputs (noisy float64s): a store must keep up
_COMPRESSOR = {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5,
                                                  "shuffle": "shuffle"}}


def _nodes(spec: SweepSpec, layout: Layout) -> dict:
    """Every array of a store: name -> (create_array keywords, values to write or None)."""
    dims = list(spec.dims)
    along = [k for k, (v, _) in coordinates(spec).items() if v is None]
    out = {}
    for key, (values, attrs) in coordinates(spec).items():
        if values is not None:
            out[key] = (dict(shape=values.shape, chunks=values.shape,
                             dtype=values.dtype if values.dtype.kind == "f" else str,
                             dimension_names=[key], attributes=attrs), values)
        else:
            out[key] = (dict(shape=layout.shape, chunks=layout.block, dtype=np.float64,
                             fill_value=np.nan, dimension_names=dims, attributes=attrs), None)
    for name, (dtype, fill, attrs) in variables(spec).items():
        attrs = _jsonable(attrs) | ({"coordinates": " ".join(along)} if along else {})
        out[name] = (dict(shape=layout.shape, chunks=layout.block, dtype=dtype, fill_value=fill,
                          dimension_names=dims, attributes=attrs, compressors=_COMPRESSOR), None)
    n = layout.nchunks
    out[f"{PROGRESS}/checksum"] = (dict(
        shape=(n,), chunks=(min(n, MARKS_PER_CHUNK),), dtype=np.uint64, fill_value=0,
        dimension_names=None, compressors=None,
        attributes={"note": "checksum[k]: 0 until chunk k is written, then the SHA-1 "
                            "(first 8 bytes) of its arrays' bytes; a re-run computes the others "
                            "and any whose data do not match"}), None)
    return out


def _marker_attrs(spec: SweepSpec, layout: Layout) -> dict:
    return {"chainsim_sweep_store": STORE_FORMAT, "sweep_spec": spec.to_json(),
            "chainsim_version": _version(), "block": list(layout.block)}


def _nothing_done(path: Path) -> bool:
    """Whether no chunk of the store at ``path`` is marked finished (or its marks are lost)."""
    import zarr

    try:
        marks = zarr.open_array(str(path / PROGRESS / "checksum"), mode="r")
    except Exception:
        return True
    return not _read_marks(marks).any()


def _healthy(zarr, path: Path, name: str, kw: dict, values) -> bool:
    """Whether the array ``name`` opens with the expected layout (and holds ``values``); its
    attributes, if changed, are written again."""
    try:
        arr = zarr.open_array(str(path / name), mode="r+")
        ok = (arr.shape == tuple(kw["shape"]) and arr.chunks == tuple(kw["chunks"])
              and (kw["dtype"] is str or arr.dtype == np.dtype(kw["dtype"]))
              and list(arr.metadata.dimension_names or []) == list(kw["dimension_names"] or [])
              and (values is None or arr[:].tolist() == values.tolist()))
        if ok and arr.attrs.asdict() != _jsonable(kw["attributes"]):
            arr.attrs.clear()
            arr.attrs.update(_jsonable(kw["attributes"]))
        return ok
    except Exception:
        return False


def _build(path: Path, spec: SweepSpec, layout: Layout) -> int:
    """Create every node of the store that is missing or damaged (all of them in a new one);
    returns how many were (re)made.  The marker comes first, the root's attributes last."""
    zarr = _zarr()
    path.mkdir(parents=True, exist_ok=True)
    remade = 0
    if marker(path) is None:
        remade += 1
        remove(path / MARKER)
        zarr.create_group(str(path / MARKER), zarr_format=3,
                          attributes=_marker_attrs(spec, layout))
    if read_json(path / PROGRESS / "zarr.json") is None:
        remade += 1
        remove(path / PROGRESS)
        zarr.create_group(str(path / PROGRESS), zarr_format=3,
                          attributes={"note": "see the checksum array"})
    for name, (kw, values) in _nodes(spec, layout).items():
        if _healthy(zarr, path, name, kw, values):
            continue
        remade += 1
        remove(path / name)
        arr = zarr.create_array(str(path / name), zarr_format=3, **kw)
        if values is not None:
            arr[:] = values
    meta = read_json(path / "zarr.json")
    if not (isinstance(meta, dict) and meta.get("node_type") == "group"
            and (meta.get("attributes") or {}) == dataset_attrs(spec)):
        (path / "zarr.json").unlink(missing_ok=True)
        zarr.create_group(str(path), zarr_format=3, attributes=dataset_attrs(spec))
        remade += 1
    return remade


def _differences(old: dict, new: dict) -> str:
    parts = [t for t in sorted(set(old) | set(new)) if old.get(t) != new.get(t)]
    return ", ".join(f"[{p}]" for p in parts) or "the specification"


def open_store(path, spec: SweepSpec, chunk_size: int | None = None, overwrite: bool = False,
               verify: bool = True, check=None):
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
        Replace a store that holds another sweep (or another chainsim version's results, or
        a damaged one).
    verify : bool
        Read every finished chunk back and compute again those that do not match their
        checksum (default).
    check : callable, optional
        ``check(layout)`` before a new store is created (the size checks).

    Returns
    -------
    ZarrTarget
        With ``.done`` (the chunks finished and verified) and ``.damaged``.

    Raises
    ------
    StoreError
        If ``path`` holds another sweep and ``overwrite`` is false, or holds something that
        is not a chainsim store nor empty (never removed, even with ``overwrite``).
    """
    _zarr()
    path = check_path(path)
    check_names(spec)
    new_layout = Layout.of(spec, chunk_size or spec.chunk_size or DEFAULT_CHUNK)
    if path.exists() and any(path.iterdir()):
        if not is_chainsim(path):
            what = "a Zarr store but not a chainsim sweep" if (path / "zarr.json").exists() \
                else "not a chainsim sweep store"
            raise StoreError(f"{path} exists and is {what}; choose another path (chainsim "
                             "removes only its own stores, even with --overwrite)")
        older = (path / PROGRESS / "done").exists()       # format 1: no checksums
        old, version, block = (None, None, None) if older else identity(path) or (
            None, None, None)
        if old is None and not older and _nothing_done(path):
            # killed while it was being made: nothing to lose, finish making it
            old, version, block = spec.to_dict(), _version(), None
        if old == spec.to_dict() and version == _version():
            explicit = chunk_size or spec.chunk_size
            block = block or new_layout.block
            if explicit and new_layout.block != block:
                raise StoreError(
                    f"{path} holds this sweep in chunks of {block}; resume it with the "
                    f"same chunk size (or none), or start again with --overwrite")
            layout = Layout(tuple(spec.shape), block)
            cleaned = clean_partial(path)
            target = ZarrTarget(path, spec, layout, verify, repaired=_build(path, spec, layout))
            target.cleaned = cleaned
            return target
        if not overwrite:
            if older:
                why = "it was written by an older chainsim, without checksums"
            elif old is None:
                why = "it is too damaged to tell which"
            elif old == spec.to_dict():
                why = f"it was written by chainsim {version}, this is {_version()}"
            else:
                why = f"its sweep differs in {_differences(old, spec.to_dict())}"
            raise StoreError(f"{path} holds another sweep ({why}); refusing to overwrite "
                             "it: pass --overwrite (overwrite=True) to replace it, or "
                             "choose another path")
        if check is not None:
            check(new_layout)                    # before the old store is removed
        try:
            remove_store(path)
        except OSError as e:
            raise StoreError(f"{path}: could not remove the old store ({e.strerror or e}); "
                             "remove it yourself") from None
    elif check is not None:
        check(new_layout)
    existed = path.exists()
    try:
        _build(path, spec, new_layout)
    except OSError as e:
        if not existed:
            remove(path)
        raise StoreError(f"{path}: cannot create the store ({e.strerror or e})") from None
    return ZarrTarget(path, spec, new_layout, verify=False)


def spec_of(path) -> SweepSpec:
    """The spec of the sweep stored at ``path`` (from its marker, else its attributes)."""
    found = identity(Path(path))
    if found is None:
        raise StoreError(f"{path} is not a chainsim sweep store (or its marks are too damaged "
                         "to tell which sweep it holds: run `chainsim sweep SPEC --out STORE "
                         "--verify` with its spec)")
    return SweepSpec.from_dict(found[0], source="sweep_spec")


def to_netcdf(ds, path) -> None:
    """Write a sweep result (in memory or opened from a store) to one netCDF file.

    Uses the netCDF4 engine if installed, else scipy's netCDF-3 writer (no extra
    dependency); text coordinates become character arrays.  The file is written under a
    temporary name beside it and renamed when complete (removed if the writing fails).
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
    path = Path(path)
    part = path.with_name(f".{path.name}.partial")
    try:
        ds.to_netcdf(part, engine=engine)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
