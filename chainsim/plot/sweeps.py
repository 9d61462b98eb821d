"""Sweep results: heatmaps and contours over two axes, lines over one, sensitivity bars."""

from __future__ import annotations

import numpy as np

from ._util import GID, dataset, kind, label, legend_outside, new_ax, variable
from ..arguments import ParameterError

_BOOK = ("status", "iterations", "residual")


def _axis(da, name):
    """A sweep axis by its name in the result (``param.KEY``) or its parameter key alone."""
    if name is None or name in da.dims or f"param.{name}" not in da.dims:
        return name
    return f"param.{name}"


def _grid(ds, output, fn, sel):
    """``ds[output]`` reduced by ``sel`` to its grid axes; refuses what is not a grid sweep."""
    ds = dataset(ds, fn)
    dims = set(ds.sizes)
    if "time" in dims or {"output", "parameter"} <= dims or {"parameter", "end"} <= dims:
        raise ParameterError(f"{fn} draws a grid sweep (chainsim.sweep.run of a grid); got {kind(ds)}")
    if "sample" in dims:
        raise ParameterError(f"{fn}: this is a sampled design (one 'sample' dimension, no grid); "
                        "plot it as points, e.g. ds.plot.scatter(x=..., y=..., hue=output)")
    da = variable(ds, output, fn)
    if sel:
        da = da.sel({_axis(da, k): v for k, v in sel.items()}, method="nearest")
    return da


def heatmap(ds, output, x=None, y=None, ax=None, contour=False, levels=12, sel=None,
            cmap="viridis", colorbar=True):
    """An output over two sweep axes, as a colour map (or filled contours).

    Parameters
    ----------
    ds : xarray.Dataset
        A grid sweep (``chainsim.sweep.run``) with two axes left after ``sel``.
    output : str
        The variable to draw, e.g. ``"pelvis.tilt_deg"``.
    x, y : str, optional
        The axes on x and y (default: the dataset's second and first).
    ax : matplotlib.axes.Axes, optional
    contour : bool
        Filled contours with labelled contour lines instead of cells.
    levels : int
        Contour levels.
    sel : dict, optional
        Values of further axes to hold (nearest), e.g. ``{"subject.mass_kg": 80}``.
    cmap : str
    colorbar : bool

    Returns
    -------
    matplotlib.axes.Axes
        Its colour bar (labelled with the output and its unit) is ``ax.chainsim_colorbar``.

    Examples
    --------
    >>> import chainsim as cs
    >>> ds = cs.sweep.run(cs.sweep.grid({"both.arch_stiffness_n_per_mm": [60, 120, 240],
    ...                                  "both.pronation_deg": [0, 5, 10]}))
    >>> ax = heatmap(ds, "left.navicular_drop_mm")
    """
    da = _grid(ds, output, "heatmap", sel)
    if da.ndim != 2:
        axes = ", ".join(da.dims) or "none"
        hint = ("use lines() for one axis" if da.ndim == 1 else
                "hold the others with sel={axis: value}")
        raise ParameterError(f"heatmap needs a sweep over two axes; {output!r} varies over "
                         f"{da.ndim} ({axes}): {hint}")
    dims = list(da.dims)
    x, y = _axis(da, x), _axis(da, y)
    y = y or (dims[0] if x != dims[0] else dims[1])
    x = x or next(d for d in dims if d != y)
    if {x, y} != set(dims):
        raise ParameterError(f"heatmap: x and y must be the axes {dims}; got x={x!r}, y={y!r}")
    da = da.transpose(y, x)
    xv, yv = da[x].values, da[y].values
    ax = new_ax(ax, figsize=(6.4, 4.6))
    units = da.attrs.get("units")
    if contour:
        art = ax.contourf(xv, yv, da.values, levels=levels, cmap=cmap)
        cl = ax.contour(xv, yv, da.values, levels=art.levels, colors="k", linewidths=0.4)
        cl.set_gid(GID + "contour")      # its levels are marked on the colour bar, not over the map
    else:
        art = ax.pcolormesh(xv, yv, da.values, cmap=cmap, shading="nearest")
    art.set_gid(GID + "field")
    bad = np.isnan(da.values)
    if bad.any():                     # points that did not solve
        yy, xx = np.nonzero(bad)
        m = ax.scatter(xv[xx], yv[yy], marker="x", c="k", s=12, label="not solved")
        m.set_gid(GID + "failed")
        legend_outside(ax, where="below", fontsize=7)
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    ax.set_title(label(output, units))
    if colorbar:
        cb = ax.figure.colorbar(art, ax=ax)
        cb.set_label(label(output, units))
        if contour:
            cb.add_lines(cl)
        ax.chainsim_colorbar = cb
    return ax


def lines(ds, output, x=None, ax=None, hue=None, sel=None):
    """An output along one sweep axis (one line per value of a second axis, if there is one).

    Parameters
    ----------
    ds : xarray.Dataset
        A grid sweep with one or two axes left after ``sel``.
    output : str
    x : str, optional
        The axis along the lines (default: the first).
    ax : matplotlib.axes.Axes, optional
    hue : str, optional
        The axis whose values give one line each (default: the other axis, if any).
    sel : dict, optional
        Values of further axes to hold (nearest).

    Returns
    -------
    matplotlib.axes.Axes
        One Line2D per line, ``gid`` ``"chainsim.line"``.

    Examples
    --------
    >>> import chainsim as cs
    >>> ds = cs.sweep.run(cs.sweep.grid({"both.pronation_deg": [0, 5, 10]}))
    >>> ax = lines(ds, "left.tibial_rotation_deg")
    """
    da = _grid(ds, output, "lines", sel)
    if da.ndim not in (1, 2):
        raise ParameterError(f"lines draws one or two axes; {output!r} varies over {da.ndim} "
                         f"({', '.join(da.dims) or 'none'}): hold the others with sel={{axis: value}}")
    dims = list(da.dims)
    x, hue = _axis(da, x), _axis(da, hue)
    x = x or (dims[0] if hue != dims[0] else dims[-1])
    if x not in dims:
        raise ParameterError(f"lines: x = {x!r} is not an axis of {output!r} ({', '.join(dims)})")
    ax = new_ax(ax, figsize=(7, 4.2))
    units = da.attrs.get("units")
    if da.ndim == 1:
        (ln,) = ax.plot(da[x].values, da.values, marker=".")
        ln.set_gid(GID + "line")
    else:
        hue = hue or next(d for d in dims if d != x)
        da = da.transpose(hue, x)
        for v, row in zip(da[hue].values, da.values):
            (ln,) = ax.plot(da[x].values, row, marker=".", label=f"{v:.3g}")
            ln.set_gid(GID + "line")
        legend_outside(ax, title=label(hue), fontsize=7, title_fontsize=7)
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(output, units))
    ax.grid(alpha=0.3)
    return ax


def _sens(ds, output, fn, need):
    ds = dataset(ds, fn)
    if not set(need) <= set(ds.sizes) | set(ds.data_vars):
        raise ParameterError(f"{fn} needs {'Sobol indices (chainsim.sweep.sobol)' if 'ST' in need else 'a tornado dataset (chainsim.sweep.tornado)'}; got {kind(ds)}")
    return ds


def sobol_bars(si, output=None, ax=None):
    """First-order and total Sobol' indices of one output, with their confidence intervals.

    Parameters
    ----------
    si : xarray.Dataset
        From :func:`chainsim.sweep.sobol`.
    output : str, optional
        Needed when ``si`` holds several outputs.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per parameter (``gid`` ``"chainsim.S1"`` and ``"chainsim.ST"``), sorted by the
        total index.

    Examples
    --------
    >>> import chainsim as cs
    >>> si = cs.sweep.sobol({"both.arch_stiffness_n_per_mm": (60, 300), "both.pronation_deg": (-5, 10)},
    ...                     ["pelvis.tilt_deg"], n=64, seed=1)
    >>> ax = sobol_bars(si)
    """
    si = _sens(si, output, "sobol_bars", ("output", "parameter", "S1", "ST"))
    outs = [str(o) for o in si["output"].values]
    if output is None:
        if len(outs) != 1:
            raise ParameterError(f"sobol_bars: choose an output: {', '.join(outs)}")
        output = outs[0]
    if output not in outs:
        raise ParameterError(f"sobol_bars: no output {output!r}; the indices are of {', '.join(outs)}")
    s = si.sel(output=output)
    order = np.argsort(-np.nan_to_num(s["ST"].values))
    params = [str(p) for p in s["parameter"].values[order]]
    y = np.arange(len(params), dtype=float)[::-1]
    ax = new_ax(ax, figsize=(7, 1.2 + 0.5 * len(params)))
    for k, (var, col) in enumerate((("S1", "tab:blue"), ("ST", "tab:orange"))):
        v, c = s[var].values[order], s[f"{var}_conf"].values[order]
        bars = ax.barh(y + (0.2 if k == 0 else -0.2), v, height=0.38, xerr=c, color=col,
                       label={"S1": "first order", "ST": "total"}[var], capsize=2)
        for b in bars:
            b.set_gid(GID + var)
    ax.set_yticks(y, [label(p) for p in params], fontsize=8)
    ax.set_xlim(0, max(1.0, float(np.nanmax(s["ST"].values + s["ST_conf"].values))))
    ax.set_xlabel("Sobol' index")
    ax.set_title(f"{label(output)}: {int(si.attrs.get('n', 0))} base samples", fontsize=9)
    legend_outside(ax, fontsize=7)
    return ax


def tornado_bars(tn, output, ax=None):
    """One-at-a-time changes of one output: a bar from the low to the high end per parameter.

    Parameters
    ----------
    tn : xarray.Dataset
        From :func:`chainsim.sweep.tornado`.
    output : str
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per parameter (``gid`` ``"chainsim.low"``, ``"chainsim.high"``) from the
        baseline, the widest swing on top.

    Examples
    --------
    >>> import chainsim as cs
    >>> tn = cs.sweep.tornado({"both.arch_stiffness_n_per_mm": (60, 300), "both.wedge_deg": (-5, 5)},
    ...                       ["left.tibial_rotation_deg"])
    >>> ax = tornado_bars(tn, "left.tibial_rotation_deg")
    """
    tn = _sens(tn, output, "tornado_bars", ("parameter", "end"))
    var = variable(tn, output, "tornado_bars")
    base = float(var.attrs["baseline"])
    lo, hi = var.sel(end="low").values - base, var.sel(end="high").values - base
    order = np.argsort(np.nan_to_num(np.abs(hi - lo)))           # widest last = on top
    params = [str(p) for p in tn["parameter"].values[order]]
    vals = tn["value"].values[order]
    y = np.arange(len(params), dtype=float)
    ax = new_ax(ax, figsize=(7, 1.2 + 0.5 * len(params)))
    for end, d, col in (("low", lo[order], "tab:blue"), ("high", hi[order], "tab:red")):
        bars = ax.barh(y, d, left=base, height=0.6, color=col, alpha=0.8, label=f"{end} end")
        for b in bars:
            b.set_gid(GID + end)
    ax.axvline(base, color="k", lw=0.8)
    # the ends of each parameter's range go in its tick label, not over the bars
    ax.set_yticks(y, [f"{label(p)}\n{vals[k, 0]:.3g} to {vals[k, 1]:.3g}"
                      for k, p in enumerate(params)], fontsize=8)
    ax.set_xlabel(label(output, var.attrs.get("units")))
    ax.set_title(f"one at a time around the baseline ({base:.3g})", fontsize=9)
    legend_outside(ax, fontsize=7)
    return ax
