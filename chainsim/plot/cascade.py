"""The cascade: how a change at the foot travels up the chain, level by level, to the spine."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._util import GID, new_ax, static

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
        defined (a side row for the pelvis) have no bar.

    Examples
    --------
    >>> import chainsim as cs
    >>> flat = cs.apply_presets(cs.Model(), "both=flat_foot")
    >>> ax = cascade(cs.solve(), cs.solve(flat))
    """
    from ..compare import Comparison

    if isinstance(base, Comparison):
        if changed is not None:
            raise TypeError("cascade: a Comparison already holds both results; pass it alone")
        base, changed = base.baseline, base.altered
    if changed is None:
        raise TypeError("cascade needs a baseline and a changed result (or a Comparison)")
    static(base, "cascade")
    many = isinstance(changed, Mapping) and not hasattr(changed, "points")
    results = dict(changed) if many else {"": changed}
    for r in results.values():
        static(r, "cascade")
    if side not in (None, "left", "right"):
        raise ValueError(f"side = {side!r}; choose left or right")
    ax = new_ax(ax, figsize=(5.5, 4.2))
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
    n = len(series) - (0 if many else 1)           # the pelvis/spine bars share the middle
    h = 0.8 / max(n, 1)
    for k, (name, values, col) in enumerate(series):
        if not many and name == "pelvis/spine":
            off = 0.0
            hh = 0.8 if n > 1 else 0.4
        else:
            off = (n - 1) / 2 * h - k * h
            hh = h
        ok = np.isfinite(values)
        bars = ax.barh(y[ok] + off, values[ok], height=hh * 0.95, color=col, label=name or None)
        for b in bars:
            b.set_gid(GID + "bar")
    ax.set_yticks(y, [label for _, label, _ in rows])
    ax.axvline(0, color="k", lw=0.8)
    levels = [lvl for lvl, _, _ in rows]
    for k in range(1, len(rows)):
        if levels[k] != levels[k - 1]:
            ax.axhline(k - 0.5, color="0.85", lw=0.8, zorder=0)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("change (altered - baseline)")
    ax.set_title("change up the chain" + (f" ({side})" if many else ""))
    ax.legend(loc="best", fontsize=8)
    return ax


def _cycle(n):
    import matplotlib.pyplot as plt

    cols = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return [cols[k % len(cols)] for k in range(n)]
