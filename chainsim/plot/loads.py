"""Joint loads per side, in body weights."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._util import GID, legend_outside, new_ax, static

#: The bars: (label, output) from the ground up.
LOADS = (("ground", "{s}.grf_bw"), ("ankle", "{s}.ankle_force_bw"), ("knee", "{s}.knee_force_bw"),
         ("hip", "{s}.hip_force_bw"))


def joint_loads(results, ax=None, labels=None):
    """Bars of the net joint reactions of each side (ground, ankle, knee, hip) and L5/S1, in BW.

    Parameters
    ----------
    results : StaticResult or mapping of str -> StaticResult
        One result, or several to compare (``{"no insole": r0, "lateral wedge": r1}``).
    ax : matplotlib.axes.Axes, optional
    labels : sequence of str, optional
        Legend labels when ``results`` is a list.

    Returns
    -------
    matplotlib.axes.Axes
        One bar (``gid`` ``"chainsim.bar"``) per result and per load: 4 per side plus L5/S1.

    Examples
    --------
    >>> import chainsim as cs
    >>> ax = joint_loads({"level": cs.solve(), "15 mm short": cs.solve(cs.Model(left__leg_length_diff_mm=15))})
    """
    if isinstance(results, Mapping) and not hasattr(results, "points"):
        named = dict(results)
    elif isinstance(results, (list, tuple)):
        labels = labels or [f"result {k}" for k in range(len(results))]
        named = dict(zip(labels, results))
    else:
        named = {"": results}
    for r in named.values():
        static(r, "joint_loads")
    ax = new_ax(ax, figsize=(8, 4))
    groups = [(f"{lab}\n{s}", key.format(s=s)) for s in ("left", "right") for lab, key in LOADS]
    groups.append(("L5/S1", "lumbar.l5s1_force_bw"))
    x = np.arange(len(groups), dtype=float)
    w = 0.8 / len(named)
    for k, (name, r) in enumerate(named.items()):
        vals = [r[key] for _, key in groups]
        bars = ax.bar(x - 0.4 + w * (k + 0.5), vals, width=w * 0.95, label=name or None)
        for b in bars:
            b.set_gid(GID + "bar")
    ax.set_xticks(x, [g for g, _ in groups], fontsize=7)
    ax.axvline(len(LOADS) - 0.5, color="0.8", lw=0.8)
    ax.axvline(2 * len(LOADS) - 0.5, color="0.8", lw=0.8)
    ax.set_ylabel("net force (BW)")
    ax.set_title("joint loads")
    if len(named) > 1 or "" not in named:
        legend_outside(ax, where="right")
    return ax
