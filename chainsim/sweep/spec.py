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
and refused with the file's line (or the key path) and the reason (:mod:`.checks`).  Besides parameters, a grid
axis or [fixed] may hold condition presets and insoles per side (``left.preset``,
``both.insole``, ...; see :mod:`chainsim.sweep.categories`).
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..arguments import check_mapping, check_texts
from ..insoles import toml_error_position
from ..outputs import PUBLIC
from ..statics import MAX_ITER, PARAM_PREFIX, TOL
from . import budget, categories
from .checks import (DESIGNS, METHODS, Source, SpecError, check_axes, check_categories,
                     check_common, check_int, check_ranges, fail, hint)

try:
    import tomllib
except ModuleNotFoundError:          # Python 3.10
    import tomli as tomllib

#: points per chunk when neither the spec nor the caller says (the unit of work and of storage;
#: zarr's fixed cost per write, ~1.5 ms for each of ~90 variables, is then ~3.5 us per point)
DEFAULT_CHUNK = 32768


def param_name(key: str) -> str:
    """The name of swept parameter ``key`` in a result: ``"param." + key``."""
    return PARAM_PREFIX + key

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
    origin : str or None
        Where the sweep's size was given (the file's line of ``[axes]`` or ``n``), for
        refusals of a sweep too big to run; not compared.
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
    origin: str | None = field(default=None, compare=False, repr=False)

    @property
    def keys(self) -> tuple:
        """The swept parameters, in dimension order."""
        return tuple(k for k, _ in self.params)

    @property
    def dims(self) -> tuple:
        """The result's dimensions: one per grid axis (``param.`` and its key), or
        ``("sample",)``."""
        return tuple(map(param_name, self.keys)) if self.design == "grid" else ("sample",)

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

    def __repr__(self):
        shape = " x ".join(map(str, self.shape)) if len(self.shape) <= 4 else f"{len(self.shape)} axes"
        head = (f"{self.design} of {self.size:,} points ({shape})" if self.design == "grid"
                else f"{self.design}, n={self.n}, seed={self.seed}")
        return _spec_repr("SweepSpec", head, self.params, self.design == "grid", self)

    def _repr_html_(self):
        return _spec_html("SweepSpec", f"{self.design}, {self.size:,} points, {self.kind}",
                          self.params, self.design == "grid", self)

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
        src = Source(source, text)
        opts, claims, fixed, outputs, seed, tol, max_iter, impact = check_common(
            d, src, "sweep", ("sweep", "axes", "ranges", "fixed", "solver", "impact"))
        run = {"kind": opts.get("kind", "static"), "impact": impact}
        design = opts.get("design", "grid")
        if design not in DESIGNS:
            fail(src("sweep", "design"),
                 f"unknown design {design!r}{hint(design, DESIGNS)}; one of {', '.join(DESIGNS)}")
        chunk = opts.get("chunk_size")
        if chunk is not None:
            chunk = check_int(chunk, src("sweep", "chunk_size"), "chunk_size", 1)
        if design == "grid":
            for wrong in ("ranges", "n", "seed"):
                if wrong in d or wrong in opts:
                    fail(src("ranges") if wrong == "ranges" else src("sweep", wrong),
                         f"{'[ranges]' if wrong == 'ranges' else wrong} is for sampled designs "
                         f"(random, lhs, sobol); a grid takes [axes] and its size is the "
                         f"product of the axes' lengths")
            params = check_axes(d, src, claims)
            check_categories(params, fixed, design, src)
            return cls("grid", params, fixed, outputs, tol=tol, max_iter=max_iter,
                       chunk_size=chunk, origin=src("axes"), **run)
        if "axes" in d:
            fail(src("axes"), f"[axes] is for a grid; a {design} design takes [ranges] and n")
        if "n" not in opts:
            fail(src("sweep"), f"a {design} design needs n, the number of samples")
        n = check_int(opts["n"], src("sweep", "n"), "n", 1)
        params = check_ranges(d, src, claims)
        check_categories(params, fixed, design, src)
        if design == "sobol" and n & (n - 1):
            warnings.warn(f"a Sobol' design of n = {n} points is not balanced; "
                          "use a power of 2", UserWarning, stacklevel=3)
        return cls(design, params, fixed, outputs, n, _new_seed() if seed is None else seed,
                   tol, max_iter, chunk, origin=src("sweep", "n"), **run)

    @classmethod
    def from_json(cls, text: str) -> SweepSpec:
        """The specification recorded in a result's ``sweep_spec`` attribute."""
        return cls.from_dict(json.loads(text), source="sweep_spec")

    @classmethod
    def from_dataset(cls, ds) -> SweepSpec:
        """The specification a sweep result was computed from (to re-run it)."""
        return cls.from_json(ds.attrs["sweep_spec"])


def build_tables(head, fixed, outputs, tol, max_iter, chunk_size, impact, main="sweep") -> dict:
    """The tables of a spec built in Python (``head`` is the [sweep] or [sensitivity] table)."""
    if outputs is not None:
        head["outputs"] = check_texts("outputs", outputs)
    if chunk_size is not None:
        head["chunk_size"] = chunk_size
    d = {main: head, "fixed": check_mapping("fixed", fixed, optional=True)}
    if impact is not None:
        head["kind"] = "impact"
        d["impact"] = check_mapping("impact", impact)
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
    d = build_tables({"design": "grid"}, fixed, outputs, tol, max_iter, chunk_size, impact)
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
    d = build_tables(head, fixed, outputs, tol, max_iter, chunk_size, impact)
    return SweepSpec.from_dict({**d, "ranges": {k: list(v) for k, v in ranges.items()}})


# ---------------------------------------------------------------------------- reprs

#: The longest list of axes in a spec's repr (characters; the rest are counted)
_REPR_AXES = 150


def _span(values, grid: bool) -> str:
    """An axis in a few characters: a grid axis's count and range (or first value), a
    sampled range's low and high."""
    def num(v):
        return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)

    if not grid:
        return f"{values[0]:g} .. {values[1]:g}"
    if all(map(num, values)):
        return f"{len(values)} in {min(values):g} .. {max(values):g}"
    first = str(values[0])[:20]
    return f"{len(values)}: {first}{', ...' if len(values) > 1 else ''}"


def _spec_repr(cls: str, head: str, params, grid: bool, spec) -> str:
    """A spec's one-line repr: its design, the axes summarised (as many as fit), the counts
    of fixed parameters and outputs."""
    axes, shown = [], 0
    for key, values in params:
        item = f"{key[:40]} {_span(values, grid)}"
        if shown + len(item) > _REPR_AXES:
            break
        axes.append(item)
        shown += len(item) + 2
    more = len(params) - len(axes)
    tail = f" (+{more} more)" if more else ""
    kind = spec.kind if spec.kind == "static" else f"impact {dict(spec.impact).get('preset')}"
    return (f"<{cls} {head}, {kind}: {', '.join(axes)}{tail}; {len(spec.fixed)} fixed, "
            f"{len(spec.outputs)} outputs>")


def _spec_html(cls: str, head: str, params, grid: bool, spec) -> str:
    from ..report import html_table

    return html_table(f"{cls}: {head}", ("parameter", "values" if grid else "range"),
                      ((k, _span(v, grid)) for k, v in params),
                      f"{len(spec.fixed)} fixed, {len(spec.outputs)} outputs; "
                      f"everything: .to_dict()")


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

    def __repr__(self):
        return _spec_repr("SensitivitySpec", f"{self.method}, n={self.n}, seed={self.seed}",
                          self.ranges, False, self)

    def _repr_html_(self):
        return _spec_html("SensitivitySpec", f"{self.method}, n={self.n}, {self.kind}",
                          self.ranges, False, self)

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
        src = Source(source, text)
        opts, claims, fixed, outputs, seed, tol, max_iter, impact = check_common(
            d, src, "sensitivity", ("sensitivity", "ranges", "fixed", "solver", "impact"))
        for key, _ in fixed:
            if key in categories.KEYS:
                fail(src("fixed", key), f"{key}: presets and insoles are for sweeps; a "
                                        "sensitivity analysis takes parameter values")
        method = opts.get("method", "sobol")
        if method not in METHODS:
            fail(src("sensitivity", "method"),
                 f"unknown method {method!r}{hint(method, METHODS)}; one of {', '.join(METHODS)}")
        n = check_int(opts.get("n", 1024), src("sensitivity", "n"), "n", 2)
        ranges = check_ranges(d, src, claims)
        spec = cls(method, ranges, fixed, outputs, n, _new_seed() if seed is None else seed,
                   tol, max_iter, opts.get("kind", "static"), impact)
        d = len(ranges)
        refused = budget.sensitivity_refusal(n * (d + 2) if method == "sobol" else 1 + 2 * d,
                                             d, len(outputs), DEFAULT_CHUNK)
        if refused:
            fail(src("sensitivity", "n"), refused)
        return spec


# ---------------------------------------------------------------------------- files

def _read(path) -> tuple[dict, str, str]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SpecError(f"{path}: cannot read the spec ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        line = path.read_bytes()[:e.start].count(b"\n") + 1
        raise SpecError(f"{path}, line {line}: not UTF-8 text (byte {e.object[e.start]:#04x} "
                        f"at offset {e.start}); a spec is a UTF-8 TOML file") from None
    try:
        return tomllib.loads(text), str(path), text
    except tomllib.TOMLDecodeError as e:
        line, col, msg = toml_error_position(e, text)
        raise SpecError(f"{path}, line {line}, column {col}: not valid TOML: {msg}") from None
    except RecursionError:
        raise SpecError(f"{path}: not valid TOML: its tables or keys nest too deeply") from None


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
