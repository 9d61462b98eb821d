"""Sensitivity of the outputs to the parameters: Sobol' indices (SALib) and one-at-a-time.

Both solve their points through the batch kernel, in chunks (static solves, or impacts with
``kind = "impact"``, as in sweeps).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..arguments import check_mapping
from ..model import Model
from ..outputs import OUTPUTS
from ..dynamics import IMPACT_SOLVED
from ..statics import MAX_ITER, SOLVED, TOL
from . import execute
from .spec import DEFAULT_CHUNK, SensitivitySpec, build_tables, load_sensitivity
from .store import flag_meanings


def _solved(spec) -> list:
    """The status codes of solved points."""
    names = flag_meanings(spec)
    return [names.index(s) - 1 for s in (IMPACT_SOLVED if spec.kind == "impact" else SOLVED)]


def _attrs(spec, o) -> dict:
    """An output's ``units`` (and a static output's ``sign``)."""
    if spec.kind == "impact":
        from ..dynamics import SCALARS

        return {"units": SCALARS[o][0]}
    return {"units": OUTPUTS[o].unit, "sign": OUTPUTS[o].sign}


def sobol_indices(evaluate, bounds: Mapping, n: int, *, seed: int | None = None,
                  num_resamples: int = 100, conf_level: float = 0.95):
    """First-order and total Sobol' indices of any function, with SALib (Saltelli sampling).

    Parameters
    ----------
    evaluate : callable
        ``evaluate(X)`` with ``X`` of shape (rows, len(bounds)), columns in the order of
        ``bounds``, returns an array of rows (one output) or a dict name -> array of rows.
        A NaN marks a failed evaluation: the base samples whose block holds one are left out
        (their count is in ``base_samples``).
    bounds : mapping of str -> (low, high)
        Uniform ranges of the inputs.
    n : int
        Base samples (a power of 2); ``evaluate`` gets ``n * (len(bounds) + 2)`` rows.
    seed : int, optional
        Seeds the scrambled Sobol' sample and the bootstrap of the confidence intervals.
    num_resamples, conf_level
        Bootstrap of the confidence intervals.

    Returns
    -------
    xarray.Dataset
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` over (``output``, ``parameter``), and
        ``base_samples`` (per output).
    """
    import xarray as xr
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    names = list(bounds)
    d = len(names)
    problem = {"num_vars": d, "names": names,
               "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()]}
    x = sample.sample(problem, n, calc_second_order=False, seed=seed)
    y = evaluate(x)
    y = dict(y) if isinstance(y, Mapping) else {"y": y}
    res = {k: np.full((len(y), d), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
    used = np.zeros(len(y), np.int64)
    for i, values in enumerate(y.values()):
        # SALib's order: per base sample, the rows A, AB_1 .. AB_d, B
        blocks = np.asarray(values, dtype=float).reshape(n, d + 2)
        keep = np.isfinite(blocks).all(axis=1)
        used[i] = keep.sum()
        if used[i] < 2:
            continue
        si = analyze.analyze(problem, blocks[keep].ravel(), calc_second_order=False,
                             num_resamples=num_resamples, conf_level=conf_level, seed=seed)
        for k in res:
            res[k][i] = si[k]
    dims = ("output", "parameter")
    data = {k: (dims, v) for k, v in res.items()}
    data["base_samples"] = (("output",), used)
    return xr.Dataset(data, coords={"output": list(y), "parameter": names},
                      attrs={"method": "sobol (Saltelli sampling, SALib)", "n": n,
                             "evaluations": len(x), "conf_level": conf_level})


def _solver(spec, threads):
    """``evaluate(columns) -> (outputs dict, status codes)`` through the batch kernel, chunked."""
    fixed = dict(spec.fixed)

    def evaluate(cols: dict, rows: int):
        out = {o: np.empty(rows) for o in spec.outputs}
        status = np.empty(rows, np.int8)
        for s in range(0, rows, DEFAULT_CHUNK):
            part = {k: v[s:s + DEFAULT_CHUNK] for k, v in cols.items()}
            b = execute.evaluate(spec, {**fixed, **part}, threads)
            for o in spec.outputs:
                out[o][s:s + DEFAULT_CHUNK] = b[o]
            status[s:s + DEFAULT_CHUNK] = b["status"]
        return out, status
    return evaluate


def _spec(spec_or_ranges, method, outputs, n, seed, fixed, tol, max_iter,
          impact) -> SensitivitySpec:
    if isinstance(spec_or_ranges, SensitivitySpec):
        return spec_or_ranges
    head = {"method": method, "n": n}
    if seed is not None:
        head["seed"] = seed
    d = build_tables(head, fixed, outputs, tol, max_iter, None, impact, main="sensitivity")
    ranges = check_mapping("ranges", spec_or_ranges)
    return SensitivitySpec.from_dict({**d, "ranges": {
        k: list(v) if isinstance(v, (list, tuple, np.ndarray)) else v
        for k, v in ranges.items()}})


def sobol(ranges, outputs=None, *, n: int = 1024, seed: int | None = None,
          fixed: dict | None = None, tol: float = TOL, max_iter: int = MAX_ITER,
          threads: int | None = None, impact: dict | None = None):
    """Sobol' indices (first order and total) of chainsim's outputs over parameter ranges.

    Parameters
    ----------
    ranges : dict or SensitivitySpec
        Parameter key -> (low, high), validated like a sweep's ranges.
    outputs : list of str, optional
        Default: every public output.
    n : int
        Base samples (a power of 2); the model is solved ``n * (len(ranges) + 2)`` times.
    seed : int, optional
    fixed : dict, optional
        Parameters held at one value.
    tol, max_iter, threads
        Solver settings.
    impact : dict, optional
        Impacts instead of static solves: preset and options, as for :func:`grid`.

    Returns
    -------
    xarray.Dataset
        See :func:`sobol_indices`; ``failed`` counts the points that did not converge.

    Examples
    --------
    >>> si = sobol({"both.arch_stiffness_n_per_mm": (60, 300), "both.pronation_deg": (-5, 10)},
    ...            ["pelvis.tilt_deg"], n=256, seed=1)            # doctest: +SKIP
    >>> si.ST.sel(output="pelvis.tilt_deg")                       # doctest: +SKIP
    """
    spec = _spec(ranges, "sobol", outputs, n, seed, fixed, tol, max_iter, impact)
    keys = [k for k, _ in spec.ranges]
    solve = _solver(spec, threads)
    failed = []

    def evaluate(x):
        out, status = solve({k: x[:, j] for j, k in enumerate(keys)}, len(x))
        failed.append(int((~np.isin(status, _solved(spec))).sum()))
        return out

    ds = sobol_indices(evaluate, dict(spec.ranges), spec.n, seed=spec.seed)
    ds.attrs.update(failed=failed[0], seed=spec.seed, sensitivity_spec=_json(spec))
    ds = ds.assign_coords(units=("output", [_attrs(spec, o)["units"] for o in spec.outputs]))
    return ds


def _json(spec) -> str:
    import json

    return json.dumps(spec.to_dict())


def tornado(ranges, outputs=None, *, fixed: dict | None = None, tol: float = TOL,
            max_iter: int = MAX_ITER, threads: int | None = None, impact: dict | None = None):
    """One-at-a-time sensitivity around a baseline: each parameter to each end of its range.

    Parameters
    ----------
    ranges : dict or SensitivitySpec
        Parameter key -> (low, high).
    outputs : list of str, optional
        Default: every public output.
    fixed : dict, optional
        The baseline (other parameters take their defaults).
    tol, max_iter, threads
        Solver settings.
    impact : dict, optional
        As for :func:`sobol`.

    Returns
    -------
    xarray.Dataset
        Over (``parameter``, ``end`` = low, high): each output's value with the parameter
        moved to that end (attrs ``baseline``, ``units``), the parameter's ``value`` there,
        and ``status``; ``swing`` (per output and parameter) is ``|high - low|``.
    """
    import xarray as xr

    spec = _spec(ranges, "tornado", outputs, 2, 0, fixed, tol, max_iter, impact)
    fixed = dict(spec.fixed)
    base = Model(fixed)
    keys = [k for k, _ in spec.ranges]
    rows = 1 + 2 * len(keys)
    cols, value = {}, np.empty((len(keys), 2))
    for j, (key, (lo, hi)) in enumerate(spec.ranges):
        col = np.full(rows, base[key.replace("both.", "left.", 1)], dtype=float)
        col[1 + 2 * j], col[2 + 2 * j] = lo, hi
        cols[key] = col
        value[j] = lo, hi
    out, status = _solver(spec, threads)(cols, rows)
    dims = ("parameter", "end")
    data = {}
    for o in spec.outputs:
        data[o] = (dims, out[o][1:].reshape(-1, 2),
                   {**_attrs(spec, o), "baseline": out[o][0]})
    meanings = flag_meanings(spec)
    data["status"] = (dims, status[1:].reshape(-1, 2),
                      {"flag_values": np.arange(-1, len(meanings) - 1, dtype=np.int8),
                       "flag_meanings": " ".join(meanings),
                       "baseline": int(status[0])})
    ds = xr.Dataset(data, coords={"parameter": keys, "end": ["low", "high"],
                                  "value": (dims, value)},
                    attrs={"method": "one at a time", "sensitivity_spec": _json(spec)})
    return ds


def run_sensitivity(spec, threads: int | None = None):
    """Run a sensitivity analysis from a :class:`SensitivitySpec` or a TOML file."""
    if not isinstance(spec, SensitivitySpec):
        spec = load_sensitivity(spec)
    execute.check_threads(threads)
    fn = sobol if spec.method == "sobol" else tornado
    return fn(spec, threads=threads)


# ---------------------------------------------------------------------------- tables

def sobol_table(ds) -> str:
    """The indices as text, one block per output, parameters by total index."""
    lines = [f"Sobol' indices: {ds.attrs['n']} base samples, {ds.attrs['evaluations']:,} "
             f"solves ({ds.attrs.get('failed', 0)} failed), "
             f"{ds.attrs['conf_level']:.0%} confidence intervals"]
    for o in ds["output"].values:
        s = ds.sel(output=o)
        unit = f" [{s['units'].item()}]" if "units" in s.coords else ""
        lines.append(f"\n{o}{unit}  ({int(s['base_samples'])} base samples used)")
        lines.append(f"  {'parameter':36s} {'first order':>18s} {'total':>18s}")
        for p in s["parameter"].values[np.argsort(-np.nan_to_num(s["ST"].values))]:
            v = s.sel(parameter=p)
            lines.append(f"  {p:36s} {float(v.S1):8.3f} ± {float(v.S1_conf):6.3f}  "
                         f"{float(v.ST):8.3f} ± {float(v.ST_conf):6.3f}")
    return "\n".join(lines)


def tornado_table(ds) -> str:
    """Changes from the baseline, one block per output, parameters by swing."""
    lines = ["One at a time around the baseline (change of the output at each end of the range)"]
    for o in [v for v in ds.data_vars if v != "status"]:
        var = ds[o]
        base = var.attrs["baseline"]
        swing = np.abs(var.sel(end="high").values - var.sel(end="low").values)
        lines.append(f"\n{o} [{var.attrs['units']}]  baseline {base:.4g}")
        lines.append(f"  {'parameter':36s} {'low':>9s} {'change':>9s} {'high':>9s} "
                     f"{'change':>9s} {'swing':>9s}")
        for j in np.argsort(-np.nan_to_num(swing, nan=np.inf)):
            lo, hi = ds["value"].values[j]
            vlo, vhi = var.values[j]
            lines.append(f"  {ds['parameter'].values[j]:36s} {lo:9.4g} {vlo - base:+9.4g} "
                         f"{hi:9.4g} {vhi - base:+9.4g} {swing[j]:9.4g}")
    return "\n".join(lines)
