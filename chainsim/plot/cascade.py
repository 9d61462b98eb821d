"""The cascade: how a change at the foot travels up the chain, level by level, to the spine."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._util import GID, legend_outside, new_ax, static
from ..arguments import ParameterError

#: Rows of the cascade, foot (bottom) to spine (top): (level, label, output key without its side,
#: or a global key).
CASCADE = (
    ("foot", "rearfoot eversion (deg)", "rearfoot_eversion_deg"),
    ("foot", "navicular drop (mm)", "navicular_drop_mm"),
    ("knee", "tibial int. rotation (deg)", "tibial_rotation_deg"),
    ("knee", "knee valgus (deg)", "knee_valgus_deg"),
    ("knee", "knee flexion (deg)", "knee_flexion_deg"),
    ("hip", "hip int. rotation (deg)", "hip_rotation_deg"),
    ("hip", "hip adduction (deg)", "hip_adduction_deg"),
    ("pelvis", "pelvic tilt (deg)", "pelvis.tilt_deg"),
    ("pelvis", "pelvic obliquity (deg)", "pelvis.obliquity_deg"),
    ("lumbar", "lumbar lordosis (deg)", "lumbar.lordosis_deg"),
    ("lumbar", "lumbar side bend (deg)", "lumbar.lateral_bend_deg"),
)
_SIDE_COLORS = {"left": "tab:blue", "right": "tab:orange", "pelvis/spine": "0.35"}


def changes(base, changed, rows=CASCADE) -> dict:
    """``{"left": [...], "right": [...], "pelvis/spine": [...]}``: the change on each row.

    Side rows are NaN in the pelvis/spine column and global rows NaN in the side columns.
    """
    out = {k: [] for k in _SIDE_COLORS}
    for _, _, key in rows:
        if "." in key:
            out["left"].append(np.nan)
            out["right"].append(np.nan)
            out["pelvis/spine"].append(changed[key] - base[key])
        else:
            for s in ("left", "right"):
                out[s].append(changed[f"{s}.{key}"] - base[f"{s}.{key}"])
            out["pelvis/spine"].append(np.nan)
    return {k: np.array(v, dtype=float) for k, v in out.items()}


def cascade(base, changed=None, ax=None, side=None, rows=CASCADE):
    """Horizontal bars of the change at each level of the chain, foot (bottom) to spine (top).

    Parameters
    ----------
    base : StaticResult or Comparison
        The baseline (a :func:`chainsim.compare` result holds both).
    changed : StaticResult or mapping of str -> StaticResult
        The altered chain; several (``{"medium arch": r1, "motion control": r2}``) draw one bar
        per entry and per row, for ``side``.
    ax : matplotlib.axes.Axes, optional
    side : {"left", "right"}, optional
        With one result: draw only this side's bars (default both).  With several: the side
        to show (default ``"left"``).
    rows : sequence of (level, label, key)
        What to show (default :data:`CASCADE`).

    Returns
    -------
    matplotlib.axes.Axes
        Each bar is a Rectangle with ``gid`` ``"chainsim.bar"``; rows whose change is not
        defined (a side row for the pelvis) have no bar.  Rows in millimetres are drawn on
        their own x axis (``ax.chainsim_mm_ax``, on top, hatched bars) so that each axis has
        one unit; both axes are centred on zero.  ``ax.chainsim_bars`` lists every bar,
        series by series, each in row order.

    Examples
    --------
    >>> import chainsim as cs
    >>> flat = cs.apply_presets(cs.Model(), "both=flat_foot")
    >>> ax = cascade(cs.solve(), cs.solve(flat))
    """
    from ..compare import Comparison

    if isinstance(base, Comparison):
        if changed is not None:
            raise ParameterError("cascade: a Comparison already holds both results; pass it alone")
        base, changed = base.baseline, base.altered
    if changed is None:
        raise ParameterError("cascade needs a baseline and a changed result (or a Comparison)")
    static(base, "cascade")
    many = isinstance(changed, Mapping) and not hasattr(changed, "points")
    results = dict(changed) if many else {"": changed}
    for r in results.values():
        static(r, "cascade")
    if side not in (None, "left", "right"):
        raise ParameterError(f"side = {side!r}; choose left or right")
    ax = new_ax(ax, figsize=(7, 4.6))
    y = np.arange(len(rows), dtype=float)
    if many:
        side = side or "left"
        groups = [(name, changes(base, r, rows), col)
                  for (name, r), col in zip(results.items(), _cycle(len(results)))]
        series = [(name, np.where(np.isnan(d[side]), d["pelvis/spine"], d[side]), col)
                  for name, d, col in groups]
    else:
        d = changes(base, changed, rows)
        keep = ("left", "right") if side is None else (side,)
        series = [(s, d[s], _SIDE_COLORS[s]) for s in keep]
        series.append(("pelvis/spine", d["pelvis/spine"], _SIDE_COLORS["pelvis/spine"]))
    # one unit per axis: rows in millimetres get their own x axis (on top), the others degrees
    mm = np.array([unit(lab) == "mm" for _, lab, _ in rows])
    mm_ax = None
    if mm.any():
        mm_ax = ax.twiny()
        mm_ax.set_gid(GID + "mm_axes")
        mm_ax.tick_params(axis="y", left=False, right=False, labelleft=False, labelright=False)
    n = len(series) - (0 if many else 1)           # the pelvis/spine bars share the middle
    h = 0.8 / max(n, 1)
    ax.chainsim_bars = []
    for k, (name, values, col) in enumerate(series):
        if not many and name == "pelvis/spine":
            off = 0.0
            hh = 0.8 if n > 1 else 0.4
        else:
            off = (n - 1) / 2 * h - k * h
            hh = h
        ok = np.isfinite(values)
        by_row = {}
        for target, rows_here in ((ax, ~mm), (mm_ax, mm)):
            pick = ok & rows_here
            if target is None or not pick.any():
                continue
            first = target is ax or not (ok & ~mm).any()        # one legend entry per series
            bars = target.barh(y[pick] + off, values[pick], height=hh * 0.95, color=col,
                               label=(name or None) if first else None,
                               hatch="////" if target is mm_ax else None, edgecolor="w", lw=0)
            for row, b in zip(np.flatnonzero(pick), bars):
                b.set_gid(GID + "bar")
                by_row[row] = b
        # the bars in row order, whatever axes they are on (for callers that update them)
        ax.chainsim_bars += [by_row[r] for r in sorted(by_row)]
    ax.set_yticks(y, [label for _, label, _ in rows])
    for t, is_mm in zip(ax.get_yticklabels(), mm):
        if is_mm:
            t.set_fontstyle("italic")
    ax.axvline(0, color="k", lw=0.8)
    levels = [lvl for lvl, _, _ in rows]
    for k in range(1, len(rows)):
        if levels[k] != levels[k - 1]:
            ax.axhline(k - 0.5, color="0.85", lw=0.8, zorder=0)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("change in degrees (altered - baseline)")
    ax.chainsim_mm_ax = mm_ax
    if mm_ax is not None:
        mm_ax.set_ylim(ax.get_ylim())
        mm_ax.set_xlabel("change in mm (hatched bars, rows in italics)", fontsize=8)
        mm_ax.tick_params(axis="x", labelsize=8)
    set_limits(ax, symmetric_limits(series, mm))
    ax.set_title("change up the chain" + (f" ({side})" if many else ""))
    legend_outside(ax, where="right")
    return ax


def unit(row_label: str) -> str:
    """The unit of a cascade row from its label: ``"navicular drop (mm)"`` -> ``"mm"``."""
    return row_label.rsplit("(", 1)[-1].rstrip(")") if "(" in row_label else ""


def symmetric_limits(series, mm):
    """``(deg, mm)`` half-widths of the x axes that hold every bar, zero in the middle."""
    def half(sel):
        v = np.concatenate([np.asarray(values, float)[sel] for _, values, _ in series])
        v = v[np.isfinite(v)]
        return float(np.abs(v).max()) * 1.1 if v.size and np.abs(v).max() > 0 else 1.0
    return half(~mm), (half(mm) if mm.any() else None)


def set_limits(ax, halves):
    """Centre both x axes of a cascade on zero, ``halves = (deg, mm)`` wide on each side."""
    deg, mm = halves
    ax.set_xlim(-deg, deg)
    if getattr(ax, "chainsim_mm_ax", None) is not None and mm is not None:
        ax.chainsim_mm_ax.set_xlim(-mm, mm)


def _cycle(n):
    import matplotlib.pyplot as plt

    cols = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return [cols[k % len(cols)] for k in range(n)]
