"""Checks of a sweep or sensitivity specification's tables, each refusal naming the file's line.

The parsing half of :mod:`chainsim.sweep.spec`: every key, value, range, output and option is
checked against the parameter registry, the outputs and the impact presets, and refused with
the line where it was written (or its key path) and the reason.
"""

from __future__ import annotations

import difflib
import math
import re

import numpy as np

from ..outputs import OUTPUTS, PUBLIC
from ..params import REGISTRY, ParameterError, expand, expand_columns
from ..statics import MAX_ITER, MAX_ITER_RANGE, TOL, TOL_RANGE
from . import budget, categories

DESIGNS = ("grid", "random", "lhs", "sobol")
#: what a sweep computes at each point: the static equilibrium, or an impact (chainsim.impact)
KINDS = ("static", "impact")
METHODS = ("sobol", "tornado")
_AXIS_FORM = ("start", "stop", "num", "log")
#: dotted parts of a parameter key at most (the longest key has 4)
_KEY_DEPTH = 8
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


class Source:
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


def fail(where: str, reason: str):
    raise SpecError(f"{where}: {reason}")


def hint(name, choices) -> str:
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.5)
    return f"; did you mean {close[0]}?" if close else ""


# ---------------------------------------------------------------------------- checks

def check_int(v, where, name, low, high=None):
    if (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low
            or (high is not None and v > high)):
        allowed = f"from {low} to {high:,}" if high is not None else f">= {low}"
        fail(where, f"{name} must be a whole number {allowed}, got {v!r}")
    return int(v)


def _float(v, where, what):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        fail(where, f"{what} must be a number, got {v!r}")
    return float(v)


def _param(key, where):
    """The registry entry of ``key`` (``both.X`` allowed) and the full keys it sets."""
    try:
        full = list(expand_columns({key: np.zeros(0)}))
    except ParameterError as e:
        fail(where, str(e))
    return REGISTRY[full[0]], full


def _checked(key, values, where):
    """``values`` (a list) validated for ``key`` by the registry; returns them as floats or text."""
    p, _ = _param(key, where)
    if p.optional:           # a prescribed angle can be "free" (NaN in a column)
        values = [math.nan if isinstance(v, str) and v.lower() in ("free", "none") else v
                  for v in values]
    if any(isinstance(v, bool) for v in values):
        fail(where, f"{key}: true/false is not a value; {p.range_text()}")
    arr = np.array(values, dtype=object if p.choices else None)
    try:
        expand_columns({key: arr})
    except ParameterError as e:
        fail(where, str(e))
    return [str(v) for v in values] if p.choices else [float(v) for v in values]


def _flatten(d, where_table, src, is_leaf=lambda v: False, prefix=""):
    """Nested tables (``[axes.both]``, bare dotted keys) flattened to dotted parameter keys."""
    if not isinstance(d, dict):
        fail(src(where_table), f"expected a table of parameter = value, got {d!r}")
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if key.count(".") >= _KEY_DEPTH:
            fail(src(where_table), f"a key of more than {_KEY_DEPTH} dotted parts "
                                   f"({key[:60]}...) is not a parameter (see `chainsim params`)")
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
        fail(where, str(e))


def _category_axis(key, v, where):
    """A grid axis over presets or insoles: a list of names."""
    v = v.tolist() if isinstance(v, np.ndarray) else v
    if not isinstance(v, (list, tuple)):
        fail(where, f"an axis of {key} is a list of names, got {v!r} (to use one for the whole "
                    "sweep, put it under [fixed])")
    if not v:
        fail(where, "empty axis; give at least one value")
    for x in v:
        if list(v).count(x) > 1:
            fail(where, f"{x!r} is listed twice")
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
            fail(where, f"unknown key {unknown[0]!r} in an axis{hint(unknown[0], _AXIS_FORM)} "
                        "(an axis is a list of values or {start, stop, num, log})")
        missing = [k for k in ("start", "stop", "num") if k not in v]
        if missing:
            fail(where, f"an axis given as a range needs start, stop and num (missing "
                        f"{', '.join(missing)})")
        num = v["num"]
        if isinstance(num, (int, np.integer)) and not isinstance(num, bool) and num == 0:
            fail(where, "empty axis (num = 0); give at least one value")
        num = check_int(num, where, "num", 1)
        refused = budget.axis_refusal(num)
        if refused:
            fail(where, refused)
        lo, hi = (_float(v[k], where, k) for k in ("start", "stop"))
        log = v.get("log", False)
        if not isinstance(log, bool):
            fail(where, f"log must be true or false, got {log!r}")
        if log and (lo <= 0 or hi <= 0):
            fail(where, "a log-spaced axis needs start and stop above zero")
        values = (np.geomspace if log else np.linspace)(lo, hi, num).tolist()
    elif isinstance(v, (list, tuple, np.ndarray)):
        values = list(np.asarray(v, dtype=object).ravel()) if isinstance(v, np.ndarray) else list(v)
        if not values:
            fail(where, "empty axis; give at least one value")
        for x in values:
            if isinstance(x, (list, tuple, dict, np.ndarray)):
                fail(where, f"an axis is a flat list of values, got the list {x!r} in it "
                            "(one axis per parameter: a list of numbers or names)")
    else:
        fail(where, f"an axis is a list of values or {{start, stop, num}}, got {v!r} "
                    "(to hold a parameter at one value, put it under [fixed])")
    if p.choices and not all(isinstance(x, str) for x in values):
        fail(where, f"{key} takes {p.range_text()}")
    return tuple(_checked(key, values, where))


def _range(key, v, where):
    """A ``[low, high]`` range of a numeric parameter."""
    if key in categories.KEYS:
        fail(where, f"{key} takes names: a sampled design needs a numeric range (sweep it on "
                    "a grid axis, or set it under [fixed])")
    p, _ = _param(key, where)
    if p.choices:
        fail(where, f"{key} takes {p.range_text()}: a sampled design needs a numeric range "
                    "(sweep it on a grid axis, or set it under [fixed])")
    if not (isinstance(v, (list, tuple)) and len(v) == 2):
        fail(where, f"a range is [low, high], got {v!r}")
    lo, hi = (_float(x, where, "a range's ends") for x in v)
    if not lo < hi:
        fail(where, f"empty range: low ({lo:g}) must be below high ({hi:g})")
    return tuple(_checked(key, [lo, hi], where))


def _fixed_value(key, v, where):
    if key in categories.KEYS:
        return _category(key, v, where)
    p, _ = _param(key, where)
    if p.optional and isinstance(v, str) and v.lower() in ("free", "none"):
        v = None
    if isinstance(v, bool) or isinstance(v, (list, tuple, dict)):
        fail(where, f"{key} is held at one value, got {v!r}; {p.range_text()}")
    try:
        return next(iter(expand({key: v}).values()))
    except ParameterError as e:
        fail(where, str(e))


def _scalars() -> dict:
    """The impact scalars (name -> (unit, description)); imports the dynamics on first use."""
    from ..dynamics import SCALARS

    return SCALARS


def _outputs(v, where, kind="static"):
    names = _scalars() if kind == "impact" else OUTPUTS
    if v is None:
        return tuple(names) if kind == "impact" else tuple(PUBLIC)
    if isinstance(v, str) or not isinstance(v, (list, tuple)) or not v:
        fail(where, f"outputs is a non-empty list of output names, got {v!r}")
    for o in v:
        if kind == "impact" and o not in names:
            why = (" is a static output" if o in OUTPUTS
                   else f" is not an impact scalar{hint(o, names)}")
            fail(where, f"{o!r}{why}; an impact sweep stores impact scalars: {', '.join(names)}")
        if o not in names:
            why = ' (an impact scalar: set kind = "impact" in [sweep])' if o in _scalars() else ""
            fail(where, f"unknown output {o!r}{hint(o, OUTPUTS)}{why} (see `chainsim outputs`)")
        if list(v).count(o) > 1:
            fail(where, f"output {o!r} is listed twice")
    return tuple(v)


def _options(d, table, src):
    opts = d.get(table, {})
    if not isinstance(opts, dict):
        fail(src(table), "expected a table")
    for k in opts:
        if k not in _OPTIONS[table]:
            fail(src(table, k), f"unknown setting {k!r}{hint(k, _OPTIONS[table])}; "
                                f"[{table}] takes {', '.join(_OPTIONS[table])}")
    return opts


def _impact(d, src, kind, main) -> tuple:
    """The ``[impact]`` table checked by :mod:`chainsim.dynamics`: ``(("preset", name),
    (option, value), ...)``, options sorted, numbers as floats; ``()`` for a static sweep."""
    if "impact" in d and kind != "impact":
        fail(src("impact"), f'[impact] is for impacts; set kind = "impact" in [{main}]')
    if kind != "impact":
        return ()
    from .. import dynamics

    table = d.get("impact", {})
    if not isinstance(table, dict):
        fail(src("impact"), f"expected a table of option = value, got {table!r}")
    options = dict(table)
    preset = options.pop("preset", "running_heel_strike")
    if preset not in dynamics.PRESETS:
        fail(src("impact", "preset"), f"unknown impact preset {preset!r}"
                                      f"{hint(preset, dynamics.PRESETS)}; one of "
                                      f"{', '.join(dynamics.PRESETS)}")
    valid = [k for k in dynamics.OPTIONS if k != "threads"]
    for k, v in options.items():
        where = src("impact", k)
        if k == "threads":
            fail(where, "threads is a run setting, not part of the sweep: pass --threads "
                        "(threads= in Python)")
        if k not in valid:
            fail(where, f"unknown impact option {k!r}{hint(k, valid)}; [impact] takes "
                        f"preset, {', '.join(valid)}")
        if k != "shod" and isinstance(v, bool):
            fail(where, f"{k} must be a number, got {v!r}")
        try:
            dynamics.check_options(preset, {k: v})
        except ParameterError as e:
            fail(where, str(e))
    try:                                          # together (record_s is at least step_s)
        dynamics.check_options(preset, options)
    except ParameterError as e:
        fail(src("impact"), str(e))
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
                fail(where, f"{key} sets {f}, already set by {self.by[f]}{why}")
            self.by[f] = label


def check_common(d, src, main, allowed):
    """Checks shared by sweeps and sensitivity: tables, [fixed], [solver], seed, outputs."""
    if not isinstance(d, dict):
        raise SpecError(f"a specification is a table (dict), got {type(d).__name__}")
    if main not in d:
        fail(src.name or "spec", f"no [{main}] table" + (
            "; this is a sensitivity spec: run `chainsim sensitivity`" if "sensitivity" in d
            else "; this is a sweep spec: run `chainsim sweep`" if "sweep" in d else ""))
    tables = set(allowed) | {"sweep", "sensitivity"}
    for t in d:
        if t not in tables:
            fail(src(t), f"unknown table [{t}]{hint(t, sorted(tables))}; "
                         f"a {main} spec has {', '.join(f'[{a}]' for a in allowed)}")
    opts = _options(d, main, src)
    kind = opts.get("kind", "static")
    if kind not in KINDS:
        fail(src(main, "kind"), f"unknown kind {kind!r}{hint(kind, KINDS)}; one of "
                                f"{', '.join(KINDS)}")
    impact = _impact(d, src, kind, main)
    if kind == "impact" and "solver" in d:
        fail(src("solver"), "[solver] is for static sweeps (the equilibrium solver); an impact "
                            "sweep's integrator settings go in [impact] (step_s)")
    solver = _options(d, "solver", src)
    tol = _float(solver.get("tol", TOL), src("solver", "tol"), "tol")
    if not TOL_RANGE[0] <= tol <= TOL_RANGE[1]:
        fail(src("solver", "tol"), f"tol = {tol!r} is out of range; valid range {TOL_RANGE[0]:g} "
                                   f"to {TOL_RANGE[1]:g} body weights")
    max_iter = check_int(solver.get("max_iter", MAX_ITER), src("solver", "max_iter"), "max_iter",
                         *MAX_ITER_RANGE)
    claims = _Claims()
    fixed = {}
    for key, v in _flatten(d.get("fixed", {}), "fixed", src).items():
        claims(key, src("fixed", key), f"[fixed] {key}")
        fixed[key] = _fixed_value(key, v, src("fixed", key))
    seed = opts.get("seed")
    if seed is not None:
        seed = check_int(seed, src(main, "seed"), "seed", 0)
    outputs = _outputs(opts.get("outputs"), src(main, "outputs"), kind)
    return opts, claims, tuple(sorted(fixed.items())), outputs, seed, tol, max_iter, impact


def check_axes(d, src, claims):
    axes = _flatten(d.get("axes", {}), "axes", src,
                    is_leaf=lambda v: all(not isinstance(x, (dict, list)) for x in v.values()))
    if not axes:
        fail(src("axes"), "no axes; give at least one key = [values]")
    out = []
    for key, v in axes.items():
        claims(key, src("axes", key), f"[axes] {key}")
        out.append((key, _axis(key, v, src("axes", key))))
    return tuple(out)


def check_ranges(d, src, claims):
    ranges = _flatten(d.get("ranges", {}), "ranges", src)
    if not ranges:
        fail(src("ranges"), "no parameter ranges; give at least one key = [low, high]")
    out = []
    for key, v in ranges.items():
        claims(key, src("ranges", key), f"[ranges] {key}")
        out.append((key, _range(key, v, src("ranges", key))))
    return tuple(out)


def check_categories(params, fixed, design, src):
    """Refuse presets that leave a parameter's range, or arch supports above the arch, at
    some point of the sweep (see :func:`.categories.check_spec`)."""
    try:
        categories.check_spec(params, fixed, design)
    except categories.Refused as e:
        table = "fixed" if e.key in dict(fixed) else "axes" if design == "grid" else "ranges"
        fail(src(table, e.key) if e.key else src.name or "spec", str(e))
