"""What a sweep or a sensitivity analysis computes: its specification, validated before any work.

A specification is a small nested dict with the shape of its TOML file::

    [sweep]                     design = "grid" | "random" | "lhs" | "sobol", n, seed, outputs,
                                kind = "static" | "impact"
    [axes]                      grid: key = [values] or {start, stop, num, log}
    [ranges]                    sampled designs and sensitivity: key = [low, high]
    [fixed]                     key = value, held at every point
    [solver]                    tol, max_iter (static sweeps)
    [impact]                    preset and options of chainsim.impact (impact sweeps)
    [sensitivity]               method = "sobol" | "tornado", n, seed, outputs

Every key, value and range is checked against the parameter registry (:mod:`chainsim.params`)
and refused with the file's line (or the key path) and the reason.  Besides parameters, a grid
axis or [fixed] may hold condition presets and insoles per side (``left.preset``,
``both.insole``, ...; see :mod:`chainsim.sweep.categories`).
"""

from __future__ import annotations

import difflib
import json
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..outputs import OUTPUTS, PUBLIC
from ..params import REGISTRY, ParameterError, expand, expand_columns
from ..statics import MAX_ITER, TOL
from . import categories

try:
    import tomllib
except ModuleNotFoundError:          # Python 3.10
    import tomli as tomllib

DESIGNS = ("grid", "random", "lhs", "sobol")
#: what a sweep computes at each point: the static equilibrium, or an impact (chainsim.impact)
KINDS = ("static", "impact")
METHODS = ("sobol", "tornado")
#: points per chunk when neither the spec nor the caller says (the unit of work and of storage)
DEFAULT_CHUNK = 16384
_AXIS_FORM = ("start", "stop", "num", "log")
_OPTIONS = {
    "sweep": ("design", "kind", "n", "seed", "outputs", "chunk_size"),
    "sensitivity": ("method", "kind", "n", "seed", "outputs"),
    "solver": ("tol", "max_iter"),
}


class SpecError(ParameterError):
    """A specification that chainsim refuses; the message names the line (or key) and the reason."""


# ---------------------------------------------------------------------------- where in the file

def _norm(path: str) -> str:
    """A TOML key path with its quotes and the spaces around its dots removed."""
    return re.sub(r"\s*\.\s*", ".", path.strip()).replace('"', "").replace("'", "")


_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY_LINE = re.compile(rf"\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")


class _Source:
    """Says where a table or key was written: the file and line when known, else the key path."""

    def __init__(self, name: str | None = None, text: str = ""):
        self.name = name
        self.lines: dict[str, int] = {}
        table = ""
        for i, line in enumerate(text.splitlines(), 1):
            header = re.match(r"\s*\[\[?([^\]]*)\]", line)
            key = None if header else _KEY_LINE.match(line)
            if header:
                table = _norm(header.group(1))
                self.lines.setdefault(table, i)
            elif key:
                self.lines.setdefault(f"{table}.{_norm(key.group(1))}".strip("."), i)

    def __call__(self, table: str, key: str | None = None) -> str:
        path = f"[{table}]" + (f" {key}" if key else "")
        line = self.lines.get(f"{table}.{key}" if key else table)
        if line is None and key:                  # a key inside an inline table: its table's line
            line = self.lines.get(table)
        if self.name:
            return f"{self.name}, line {line}, {path}" if line else f"{self.name}, {path}"
        return path


def _fail(where: str, reason: str):
    raise SpecError(f"{where}: {reason}")


def _hint(name, choices) -> str:
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.5)
    return f"; did you mean {close[0]}?" if close else ""


# ---------------------------------------------------------------------------- checks

def _int(v, where, name, low):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
        _fail(where, f"{name} must be a whole number >= {low}, got {v!r}")
    return int(v)


def _float(v, where, what):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        _fail(where, f"{what} must be a number, got {v!r}")
    return float(v)


def _param(key, where):
    """The registry entry of ``key`` (``both.X`` allowed) and the full keys it sets."""
    try:
        full = list(expand_columns({key: np.zeros(0)}))
    except ParameterError as e:
        _fail(where, str(e))
    return REGISTRY[full[0]], full


def _checked(key, values, where):
    """``values`` (a list) validated for ``key`` by the registry; returns them as floats or text."""
    p, _ = _param(key, where)
    if p.optional:           # a prescribed angle can be "free" (NaN in a column)
        values = [math.nan if isinstance(v, str) and v.lower() in ("free", "none") else v
                  for v in values]
    if any(isinstance(v, bool) for v in values):
        _fail(where, f"{key}: true/false is not a value; {p.range_text()}")
    arr = np.array(values, dtype=object if p.choices else None)
    try:
        expand_columns({key: arr})
    except ParameterError as e:
        _fail(where, str(e))
    return [str(v) for v in values] if p.choices else [float(v) for v in values]


def _flatten(d, where_table, src, is_leaf=lambda v: False, prefix=""):
    """Nested tables (``[axes.both]``, bare dotted keys) flattened to dotted parameter keys."""
    if not isinstance(d, dict):
        _fail(src(where_table), f"expected a table of parameter = value, got {d!r}")
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and not is_leaf(v):
            out.update(_flatten(v, where_table, src, is_leaf, key + "."))
        else:
            out[key] = v
    return out


def _category(key, v, where):
    """One preset or insole name, validated (see :mod:`.categories`)."""
    try:
        return categories.check(key, v)
    except ParameterError as e:
        _fail(where, str(e))


def _category_axis(key, v, where):
    """A grid axis over presets or insoles: a list of names."""
    v = v.tolist() if isinstance(v, np.ndarray) else v
    if not isinstance(v, (list, tuple)):
        _fail(where, f"an axis of {key} is a list of names, got {v!r} (to use one for the whole "
                     "sweep, put it under [fixed])")
    if not v:
        _fail(where, "empty axis; give at least one value")
    for x in v:
        if list(v).count(x) > 1:
            _fail(where, f"{x!r} is listed twice")
        _category(key, x, where)
    return tuple(v)


def _axis(key, v, where):
    """One grid axis: a list of values or ``{start, stop, num, log}``."""
    if key in categories.KEYS:
        return _category_axis(key, v, where)
    p, _ = _param(key, where)
    if isinstance(v, dict):
        unknown = [k for k in v if k not in _AXIS_FORM]
        if unknown:
            _fail(where, f"unknown key {unknown[0]!r} in an axis{_hint(unknown[0], _AXIS_FORM)} "
                         "(an axis is a list of values or {start, stop, num, log})")
        missing = [k for k in ("start", "stop", "num") if k not in v]
        if missing:
            _fail(where, f"an axis given as a range needs start, stop and num (missing "
                         f"{', '.join(missing)})")
        num = v["num"]
        if isinstance(num, (int, np.integer)) and not isinstance(num, bool) and num == 0:
            _fail(where, "empty axis (num = 0); give at least one value")
        num = _int(num, where, "num", 1)
        lo, hi = (_float(v[k], where, k) for k in ("start", "stop"))
        log = v.get("log", False)
        if not isinstance(log, bool):
            _fail(where, f"log must be true or false, got {log!r}")
        if log and (lo <= 0 or hi <= 0):
            _fail(where, "a log-spaced axis needs start and stop above zero")
        values = (np.geomspace if log else np.linspace)(lo, hi, num).tolist()
    elif isinstance(v, (list, tuple, np.ndarray)):
        values = list(np.asarray(v, dtype=object).ravel()) if isinstance(v, np.ndarray) else list(v)
        if not values:
            _fail(where, "empty axis; give at least one value")
    else:
        _fail(where, f"an axis is a list of values or {{start, stop, num}}, got {v!r} "
                     "(to hold a parameter at one value, put it under [fixed])")
    if p.choices and not all(isinstance(x, str) for x in values):
        _fail(where, f"{key} takes {p.range_text()}")
    return tuple(_checked(key, values, where))


def _range(key, v, where):
    """A ``[low, high]`` range of a numeric parameter."""
    if key in categories.KEYS:
        _fail(where, f"{key} takes names: a sampled design needs a numeric range (sweep it on "
                     "a grid axis, or set it under [fixed])")
    p, _ = _param(key, where)
    if p.choices:
        _fail(where, f"{key} takes {p.range_text()}: a sampled design needs a numeric range "
                     "(sweep it on a grid axis, or set it under [fixed])")
    if not (isinstance(v, (list, tuple)) and len(v) == 2):
        _fail(where, f"a range is [low, high], got {v!r}")
    lo, hi = (_float(x, where, "a range's ends") for x in v)
    if not lo < hi:
        _fail(where, f"empty range: low ({lo:g}) must be below high ({hi:g})")
    return tuple(_checked(key, [lo, hi], where))


def _fixed_value(key, v, where):
    if key in categories.KEYS:
        return _category(key, v, where)
    p, _ = _param(key, where)
    if p.optional and isinstance(v, str) and v.lower() in ("free", "none"):
        v = None
    if isinstance(v, bool) or isinstance(v, (list, tuple, dict)):
        _fail(where, f"{key} is held at one value, got {v!r}; {p.range_text()}")
    try:
        return next(iter(expand({key: v}).values()))
    except ParameterError as e:
        _fail(where, str(e))


def _scalars() -> dict:
    """The impact scalars (name -> (unit, description)); imports the dynamics on first use."""
    from ..dynamics import SCALARS

    return SCALARS


def _outputs(v, where, kind="static"):
    names = _scalars() if kind == "impact" else OUTPUTS
    if v is None:
        return tuple(names) if kind == "impact" else tuple(PUBLIC)
    if isinstance(v, str) or not isinstance(v, (list, tuple)) or not v:
        _fail(where, f"outputs is a non-empty list of output names, got {v!r}")
    for o in v:
        if kind == "impact" and o not in names:
            why = (" is a static output" if o in OUTPUTS
                   else f" is not an impact scalar{_hint(o, names)}")
            _fail(where, f"{o!r}{why}; an impact sweep stores impact scalars: {', '.join(names)}")
        if o not in names:
            why = ' (an impact scalar: set kind = "impact" in [sweep])' if o in _scalars() else ""
            _fail(where, f"unknown output {o!r}{_hint(o, OUTPUTS)}{why} (see `chainsim outputs`)")
        if list(v).count(o) > 1:
            _fail(where, f"output {o!r} is listed twice")
    return tuple(v)


def _options(d, table, src):
    opts = d.get(table, {})
    if not isinstance(opts, dict):
        _fail(src(table), "expected a table")
    for k in opts:
        if k not in _OPTIONS[table]:
            _fail(src(table, k), f"unknown setting {k!r}{_hint(k, _OPTIONS[table])}; "
                                 f"[{table}] takes {', '.join(_OPTIONS[table])}")
    return opts


def _impact(d, src, kind, main) -> tuple:
    """The ``[impact]`` table checked by :mod:`chainsim.dynamics`: ``(("preset", name),
    (option, value), ...)``, options sorted, numbers as floats; ``()`` for a static sweep."""
    if "impact" in d and kind != "impact":
        _fail(src("impact"), f'[impact] is for impacts; set kind = "impact" in [{main}]')
    if kind != "impact":
        return ()
    from .. import dynamics

    table = d.get("impact", {})
    if not isinstance(table, dict):
        _fail(src("impact"), f"expected a table of option = value, got {table!r}")
    options = dict(table)
    preset = options.pop("preset", "running_heel_strike")
    if preset not in dynamics.PRESETS:
        _fail(src("impact", "preset"), f"unknown impact preset {preset!r}"
                                       f"{_hint(preset, dynamics.PRESETS)}; one of "
                                       f"{', '.join(dynamics.PRESETS)}")
    valid = [k for k in dynamics._OPTIONS if k != "threads"]
    for k, v in options.items():
        where = src("impact", k)
        if k == "threads":
            _fail(where, "threads is a run setting, not part of the sweep: pass --threads "
                         "(threads= in Python)")
        if k not in valid:
            _fail(where, f"unknown impact option {k!r}{_hint(k, valid)}; [impact] takes "
                         f"preset, {', '.join(valid)}")
        if k != "shod" and isinstance(v, bool):
            _fail(where, f"{k} must be a number, got {v!r}")
        try:
            dynamics._options(preset, {k: v})
        except ParameterError as e:
            _fail(where, str(e))
    try:                                          # together (record_s is at least step_s)
        dynamics._options(preset, options)
    except ParameterError as e:
        _fail(src("impact"), str(e))
    return (("preset", preset),) + tuple(sorted(
        (k, bool(v) if k == "shod" else float(v)) for k, v in options.items()))


class _Claims:
    """Refuses a parameter set twice (``both.X`` sets ``left.X`` and ``right.X``)."""

    def __init__(self):
        self.by = {}

    def __call__(self, key, where, label):
        full = categories.targets(key) if key in categories.KEYS else _param(key, where)[1]
        for f in full:
            if f in self.by:
                why = ""
                if f.endswith(".preset"):
                    why = "; a side takes one preset: combine them with +, e.g. flat_foot+weak_hips"
                elif key in categories.KEYS or self.by[f].split()[-1] in categories.KEYS:
                    why = (f"; an insole sets every {f.split('.')[0]}.insole.* field, so sweep "
                           "either the insole or its fields")
                _fail(where, f"{key} sets {f}, already set by {self.by[f]}{why}")
            self.by[f] = label


def _common(d, src, main, allowed):
    """Checks shared by sweeps and sensitivity: tables, [fixed], [solver], seed, outputs."""
    if not isinstance(d, dict):
        raise SpecError(f"a specification is a table (dict), got {type(d).__name__}")
    if main not in d:
        _fail(src.name or "spec", f"no [{main}] table" + (
            "; this is a sensitivity spec: run `chainsim sensitivity`" if "sensitivity" in d
            else "; this is a sweep spec: run `chainsim sweep`" if "sweep" in d else ""))
    tables = set(allowed) | {"sweep", "sensitivity"}
    for t in d:
        if t not in tables:
            _fail(src(t), f"unknown table [{t}]{_hint(t, sorted(tables))}; "
                          f"a {main} spec has {', '.join(f'[{a}]' for a in allowed)}")
    opts = _options(d, main, src)
    kind = opts.get("kind", "static")
    if kind not in KINDS:
        _fail(src(main, "kind"), f"unknown kind {kind!r}{_hint(kind, KINDS)}; one of "
                                 f"{', '.join(KINDS)}")
    impact = _impact(d, src, kind, main)
    if kind == "impact" and "solver" in d:
        _fail(src("solver"), "[solver] is for static sweeps (the equilibrium solver); an impact "
                             "sweep's integrator settings go in [impact] (step_s)")
    solver = _options(d, "solver", src)
    tol = _float(solver.get("tol", TOL), src("solver", "tol"), "tol")
    if not tol > 0:
        _fail(src("solver", "tol"), f"tol must be above zero, got {tol!r}")
    max_iter = _int(solver.get("max_iter", MAX_ITER), src("solver", "max_iter"), "max_iter", 1)
    claims = _Claims()
    fixed = {}
    for key, v in _flatten(d.get("fixed", {}), "fixed", src).items():
        claims(key, src("fixed", key), f"[fixed] {key}")
        fixed[key] = _fixed_value(key, v, src("fixed", key))
    seed = opts.get("seed")
    if seed is not None:
        seed = _int(seed, src(main, "seed"), "seed", 0)
    outputs = _outputs(opts.get("outputs"), src(main, "outputs"), kind)
    return opts, claims, tuple(sorted(fixed.items())), outputs, seed, tol, max_iter, impact


def _ranges(d, src, claims):
    ranges = _flatten(d.get("ranges", {}), "ranges", src)
    if not ranges:
        _fail(src("ranges"), "no parameter ranges; give at least one key = [low, high]")
    out = []
    for key, v in ranges.items():
        claims(key, src("ranges", key), f"[ranges] {key}")
        out.append((key, _range(key, v, src("ranges", key))))
    return tuple(out)


def _check_categories(params, fixed, design, src):
    """Refuse presets that leave a parameter's range, or arch supports above the arch, at
    some point of the sweep (see :func:`.categories.check_spec`)."""
    try:
        categories.check_spec(params, fixed, design)
    except categories.Refused as e:
        table = "fixed" if e.key in dict(fixed) else "axes" if design == "grid" else "ranges"
        _fail(src(table, e.key) if e.key else src.name or "spec", str(e))


def _new_seed() -> int:
    return int(np.random.SeedSequence().entropy % 2**63)


# ---------------------------------------------------------------------------- sweeps

def _with_run_table(spec, out: dict) -> dict:
    """``out`` with the table that says how each point is computed: ``[impact]`` or ``[solver]``."""
    if spec.kind == "impact":
        out["impact"] = dict(spec.impact)
    else:
        out["solver"] = {"tol": spec.tol, "max_iter": spec.max_iter}
    return out


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """A validated sweep: its design, swept parameters, fixed ones, outputs and what computes
    them (the static solver's settings, or an impact's preset and options).

    Build one with :func:`grid`, :func:`sample`, :func:`load_spec` or :meth:`from_dict`; the
    fields are filled in by those (do not construct it directly).

    Attributes
    ----------
    design : str
        ``"grid"`` (full factorial) or a sampled design: ``"random"``, ``"lhs"``, ``"sobol"``.
    params : tuple of (str, tuple)
        Grid: each axis's key and values, in dimension order.  Designs: key and (low, high).
    fixed : tuple of (str, value)
        Parameters held at one value at every point.
    outputs : tuple of str
        Outputs stored (default: every public output; an impact sweep: every impact scalar).
    n, seed : int
        Number of samples and the seed of a sampled design (None for a grid).
    tol, max_iter
        Solver settings (see :func:`chainsim.solve_columns`).
    chunk_size : int or None
        Points per chunk, a run setting: not part of what is computed, so not compared.
    kind : {"static", "impact"}
        What each point computes: the static equilibrium (:func:`chainsim.solve_columns`) or
        an impact (:func:`chainsim.dynamics.impact_scalars`).
    impact : tuple of (str, value)
        An impact sweep's ``("preset", name)`` then its options, sorted (``()`` if static).
    """

    design: str
    params: tuple
    fixed: tuple = ()
    outputs: tuple = tuple(PUBLIC)
    n: int | None = None
    seed: int | None = None
    tol: float = TOL
    max_iter: int = MAX_ITER
    chunk_size: int | None = None
    kind: str = "static"
    impact: tuple = ()

    @property
    def keys(self) -> tuple:
        """The swept parameters, in dimension order."""
        return tuple(k for k, _ in self.params)

    @property
    def dims(self) -> tuple:
        """The result's dimensions: one per grid axis, or ``("sample",)``."""
        return self.keys if self.design == "grid" else ("sample",)

    @property
    def shape(self) -> tuple:
        return tuple(len(v) for _, v in self.params) if self.design == "grid" else (self.n,)

    @property
    def size(self) -> int:
        """Number of points."""
        return math.prod(self.shape)

    def to_dict(self) -> dict:
        """The canonical specification (the TOML file's shape; ``chunk_size`` left out)."""
        head = {"design": self.design}
        if self.design != "grid":
            head.update(n=self.n, seed=self.seed)
        if self.kind != "static":
            head["kind"] = self.kind
        head["outputs"] = list(self.outputs)
        table = "axes" if self.design == "grid" else "ranges"
        out = {"sweep": head, table: {k: list(v) for k, v in self.params},
               "fixed": dict(self.fixed)}
        return _with_run_table(self, out)

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def __eq__(self, other):
        return isinstance(other, SweepSpec) and self.to_json() == other.to_json()

    def __hash__(self):
        return hash(self.to_json())

    @classmethod
    def from_dict(cls, d: dict, *, source: str | None = None, text: str = "") -> SweepSpec:
        """Validate a specification given as a nested dict (the TOML file's shape).

        Parameters
        ----------
        d : dict
            Tables ``sweep``, ``axes`` or ``ranges``, ``fixed``, ``solver`` or ``impact``.
        source, text : str, optional
            The file's name and text, so that errors can name the line.

        Raises
        ------
        SpecError
            Naming the line (or key path) and the reason.
        """
        src = _Source(source, text)
        opts, claims, fixed, outputs, seed, tol, max_iter, impact = _common(
            d, src, "sweep", ("sweep", "axes", "ranges", "fixed", "solver", "impact"))
        run = {"kind": opts.get("kind", "static"), "impact": impact}
        design = opts.get("design", "grid")
        if design not in DESIGNS:
            _fail(src("sweep", "design"),
                  f"unknown design {design!r}{_hint(design, DESIGNS)}; one of {', '.join(DESIGNS)}")
        chunk = opts.get("chunk_size")
        if chunk is not None:
            chunk = _int(chunk, src("sweep", "chunk_size"), "chunk_size", 1)
        if design == "grid":
            for wrong in ("ranges", "n", "seed"):
                if wrong in d or wrong in opts:
                    _fail(src("ranges") if wrong == "ranges" else src("sweep", wrong),
                          f"{'[ranges]' if wrong == 'ranges' else wrong} is for sampled designs "
                          f"(random, lhs, sobol); a grid takes [axes] and its size is the "
                          f"product of the axes' lengths")
            axes = _flatten(d.get("axes", {}), "axes", src,
                            is_leaf=lambda v: all(not isinstance(x, (dict, list)) for x in v.values()))
            if not axes:
                _fail(src("axes"), "no axes; give at least one key = [values]")
            params = []
            for key, v in axes.items():
                claims(key, src("axes", key), f"[axes] {key}")
                params.append((key, _axis(key, v, src("axes", key))))
            _check_categories(params, fixed, design, src)
            return cls("grid", tuple(params), fixed, outputs, tol=tol, max_iter=max_iter,
                       chunk_size=chunk, **run)
        if "axes" in d:
            _fail(src("axes"), f"[axes] is for a grid; a {design} design takes [ranges] and n")
        if "n" not in opts:
            _fail(src("sweep"), f"a {design} design needs n, the number of samples")
        n = _int(opts["n"], src("sweep", "n"), "n", 1)
        params = _ranges(d, src, claims)
        _check_categories(params, fixed, design, src)
        if design == "sobol" and n & (n - 1):
            warnings.warn(f"a Sobol' design of n = {n} points is not balanced; "
                          "use a power of 2", UserWarning, stacklevel=3)
        return cls(design, params, fixed, outputs, n, _new_seed() if seed is None else seed,
                   tol, max_iter, chunk, **run)

    @classmethod
    def from_json(cls, text: str) -> SweepSpec:
        """The specification recorded in a result's ``sweep_spec`` attribute."""
        return cls.from_dict(json.loads(text), source="sweep_spec")

    @classmethod
    def from_dataset(cls, ds) -> SweepSpec:
        """The specification a sweep result was computed from (to re-run it)."""
        return cls.from_json(ds.attrs["sweep_spec"])


def _tables(head, fixed, outputs, tol, max_iter, chunk_size, impact, main="sweep") -> dict:
    """The tables of a spec built in Python (``head`` is the [sweep] or [sensitivity] table)."""
    if outputs is not None:
        head["outputs"] = list(outputs)
    if chunk_size is not None:
        head["chunk_size"] = chunk_size
    d = {main: head, "fixed": dict(fixed or {})}
    if impact is not None:
        head["kind"] = "impact"
        d["impact"] = dict(impact)
    if impact is None or (tol, max_iter) != (TOL, MAX_ITER):     # the latter refused
        d["solver"] = {"tol": tol, "max_iter": max_iter}
    return d


def grid(axes: dict, *, fixed: dict | None = None, outputs=None, tol: float = TOL,
         max_iter: int = MAX_ITER, chunk_size: int | None = None,
         impact: dict | None = None) -> SweepSpec:
    """A full-factorial grid.

    Parameters
    ----------
    axes : dict
        Parameter key -> values (a list or array), or ``{"start", "stop", "num"}`` (with
        ``"log": True`` for geometric spacing).  Dimensions follow the dict's order.  Also
        ``left.preset`` / ``right.preset`` / ``both.preset`` -> preset names, and
        ``left.insole`` / ``right.insole`` / ``both.insole`` -> catalogue insoles, ``"none"``
        or insole TOML files: at each point they apply on top of the point's parameter values,
        presets first (see :mod:`chainsim.sweep.categories`).
    fixed : dict, optional
        Parameters (or a preset or insole per side) held at one value everywhere; others
        take their defaults.
    outputs : list of str, optional
        Outputs to keep (default: every public output; an impact sweep: every impact scalar
        of :data:`chainsim.dynamics.SCALARS`).
    tol, max_iter : optional
        Solver settings (static sweeps).
    chunk_size : int, optional
        Points per chunk (a run setting).
    impact : dict, optional
        Compute an impact at each point instead of the static equilibrium: ``"preset"``
        (default ``"running_heel_strike"``) and options of :func:`chainsim.impact`, e.g.
        ``{"preset": "drop_landing", "velocity_m_per_s": 2.0, "shod": True}``.

    Returns
    -------
    SweepSpec

    Examples
    --------
    >>> spec = grid({"both.arch_stiffness_n_per_mm": {"start": 30, "stop": 400, "num": 38},
    ...              "both.pronation_deg": [-10, 0, 10]}, fixed={"subject.mass_kg": 80})
    >>> spec.shape
    (38, 3)
    >>> grid({"left.preset": ["normal", "flat_foot"], "both.insole": ["none", "medium_arch"],
    ...       "both.arch_stiffness_n_per_mm": [100, 200]}).shape
    (2, 2, 2)
    >>> grid({"both.arch_stiffness_n_per_mm": [60, 400]}, outputs=["knee_peak_bw"],
    ...      impact={"preset": "running_forefoot_strike"}).kind
    'impact'
    """
    d = _tables({"design": "grid"}, fixed, outputs, tol, max_iter, chunk_size, impact)
    return SweepSpec.from_dict({**d, "axes": dict(axes)})


def sample(ranges: dict, n: int, *, design: str = "sobol", seed: int | None = None,
           fixed: dict | None = None, outputs=None, tol: float = TOL, max_iter: int = MAX_ITER,
           chunk_size: int | None = None, impact: dict | None = None) -> SweepSpec:
    """A sampled design: ``n`` points in the box given by ``ranges``.

    Parameters
    ----------
    ranges : dict
        Parameter key -> (low, high).
    n : int
        Number of samples (a power of 2 for ``"sobol"``).
    design : {"sobol", "lhs", "random"}
        Scrambled Sobol' sequence, Latin hypercube, or independent uniform draws.
    seed : int, optional
        Makes the design reproducible; drawn (and recorded in the spec) when not given.
    fixed, outputs, tol, max_iter, chunk_size, impact
        As for :func:`grid`.

    Returns
    -------
    SweepSpec
    """
    head = {"design": design, "n": n}
    if seed is not None:
        head["seed"] = seed
    d = _tables(head, fixed, outputs, tol, max_iter, chunk_size, impact)
    return SweepSpec.from_dict({**d, "ranges": {k: list(v) for k, v in ranges.items()}})


# ---------------------------------------------------------------------------- sensitivity

@dataclass(frozen=True, eq=False)
class SensitivitySpec:
    """A validated sensitivity analysis (see :func:`chainsim.sweep.sensitivity`).

    Attributes
    ----------
    method : {"sobol", "tornado"}
    ranges : tuple of (str, (low, high))
    fixed : tuple of (str, value)
        Held everywhere; the tornado's baseline (with the defaults).
    outputs : tuple of str
    n : int
        Sobol': base samples (the model is solved ``n * (len(ranges) + 2)`` times).
    seed : int
    tol, max_iter
    kind, impact
        As :class:`SweepSpec`'s: static solves, or impacts.
    """

    method: str
    ranges: tuple
    fixed: tuple = ()
    outputs: tuple = tuple(PUBLIC)
    n: int = 1024
    seed: int | None = None
    tol: float = TOL
    max_iter: int = MAX_ITER
    kind: str = "static"
    impact: tuple = ()

    def to_dict(self) -> dict:
        head = {"method": self.method, "n": self.n, "seed": self.seed, "outputs": list(self.outputs)}
        if self.kind != "static":
            head["kind"] = self.kind
        out = {"sensitivity": head, "ranges": {k: list(v) for k, v in self.ranges},
               "fixed": dict(self.fixed)}
        return _with_run_table(self, out)

    @classmethod
    def from_dict(cls, d: dict, *, source: str | None = None, text: str = "") -> SensitivitySpec:
        """Validate a sensitivity specification (tables ``sensitivity``, ``ranges``,
        ``fixed``, ``solver`` or ``impact``); raises :class:`SpecError` naming the line and
        the reason."""
        src = _Source(source, text)
        opts, claims, fixed, outputs, seed, tol, max_iter, impact = _common(
            d, src, "sensitivity", ("sensitivity", "ranges", "fixed", "solver", "impact"))
        for key, _ in fixed:
            if key in categories.KEYS:
                _fail(src("fixed", key), f"{key}: presets and insoles are for sweeps; a "
                                         "sensitivity analysis takes parameter values")
        method = opts.get("method", "sobol")
        if method not in METHODS:
            _fail(src("sensitivity", "method"),
                  f"unknown method {method!r}{_hint(method, METHODS)}; one of {', '.join(METHODS)}")
        n = _int(opts.get("n", 1024), src("sensitivity", "n"), "n", 2)
        ranges = _ranges(d, src, claims)
        return cls(method, ranges, fixed, outputs, n, _new_seed() if seed is None else seed,
                   tol, max_iter, opts.get("kind", "static"), impact)


# ---------------------------------------------------------------------------- files

def _read(path) -> tuple[dict, str, str]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SpecError(f"{path}: cannot read the spec ({e.strerror or e})") from None
    try:
        return tomllib.loads(text), str(path), text
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML: {e}") from None


def load_spec(path) -> SweepSpec:
    """Read and validate a sweep specification from a TOML file.

    Raises
    ------
    SpecError
        With the file, the line and the reason, before any work starts.
    """
    d, name, text = _read(path)
    return SweepSpec.from_dict(d, source=name, text=text)


def load_sensitivity(path) -> SensitivitySpec:
    """Read and validate a sensitivity specification from a TOML file."""
    d, name, text = _read(path)
    return SensitivitySpec.from_dict(d, source=name, text=text)
