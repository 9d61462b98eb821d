"""Two standing results on one picture, with the places that moved highlighted."""

from __future__ import annotations

import numpy as np

from ._util import GID, legend_outside, new_ax, static
from .skeleton import check_view, draw_chain, finish_axes
from ..arguments import ParameterError

#: The landmarks whose displacement :func:`overlay` highlights.
LANDMARKS = tuple(f"{s}.{p}" for s in ("left", "right")
                  for p in ("hip", "knee", "ankle", "navicular", "heel", "mt1")) + (
    "trunk.l5s1", "trunk.hat_com")


def displacements(base, changed) -> dict:
    """How far each landmark moved from ``base`` to ``changed`` (mm), largest first."""
    a, b = base.points(), changed.points()
    d = {k: float(np.linalg.norm(b[k] - a[k]) * 1e3) for k in LANDMARKS}
    return dict(sorted(d.items(), key=lambda kv: -kv[1]))


def overlay(base, changed=None, view="frontal", ax=None, labels=("baseline", "altered"),
            colors=("0.6", "tab:red"), exaggerate=1.0, threshold_mm=1.0, legend=True):
    """Draw two results over each other and mark the landmarks that moved.

    Parameters
    ----------
    base : StaticResult or Comparison
        The baseline (a :func:`chainsim.compare` result holds both, and its labels).
    changed : StaticResult
    view : {"frontal", "sagittal", "top", "3d"}
    ax : matplotlib.axes.Axes, optional
    labels, colors : pair
        Legend labels and colours of the baseline and the altered chain.
    exaggerate : float
        Draw the altered chain at ``base + exaggerate * (changed - base)``: changes of a few
        millimetres are invisible on a 1.7 m figure at 1.
    threshold_mm : float
        Landmarks that moved more than this (true distance, not exaggerated) get a circle
        whose size grows with the distance; the one that moved most is named above the
        drawing (2-D views).
    legend : bool
        Draw the legend under ``ax`` (turn off for panels side by side and use ``fig.legend``).

    Returns
    -------
    matplotlib.axes.Axes
        Segments have ``gid`` ``"chainsim.segment"`` (twice :data:`~.skeleton.N_SEGMENTS`), the
        circles ``"chainsim.moved"``, the label ``"chainsim.moved_label"``.

    Examples
    --------
    >>> import chainsim as cs
    >>> flat = cs.apply_presets(cs.Model(), "both=flat_foot")
    >>> ax = overlay(cs.solve(), cs.solve(flat), view="frontal", exaggerate=5)
    """
    from ..compare import Comparison

    if isinstance(base, Comparison):
        if changed is not None:
            raise ParameterError("overlay: a Comparison already holds both results; pass it alone")
        labels = base.labels
        base, changed = base.baseline, base.altered
    if changed is None:
        raise ParameterError("overlay needs two results (or one Comparison)")
    static(base, "overlay")
    static(changed, "overlay")
    idx = check_view(view)
    if exaggerate <= 0:
        raise ParameterError(f"exaggerate = {exaggerate}; it must be positive")
    ax = new_ax(ax, figsize=(3.6, 6) if view != "3d" else (6, 6), projection="3d" if view == "3d" else None)
    a, b = base.points(), changed.points()
    shown = {k: a[k] + exaggerate * (b[k] - a[k]) for k in a}
    draw_chain(ax, a, view, color=colors[0], label=labels[0], lw=2.4, alpha=0.8)
    lab = labels[1] + (f" (changes x{exaggerate:g})" if exaggerate != 1 else "")
    draw_chain(ax, shown, view, color=colors[1], label=lab, lw=1.4)
    moved = {k: v for k, v in displacements(base, changed).items() if v > threshold_mm}
    for k, dist in moved.items():
        p = shown[k]
        (m,) = ax.plot(*[[p[i]] for i in idx], "o", mfc="none", mec=colors[1],
                       ms=4 + 2 * np.sqrt(dist), mew=1.2)
        m.set_gid(GID + "moved")
    if moved and view != "3d":
        k, dist = next(iter(moved.items()))
        p = shown[k]
        # named above the drawing, under the title, not over the figure
        t = ax.annotate(f"moved most:\n{k.replace('.', ' ')} {dist:.1f} mm", (0.5, 1.0),
                        xycoords="axes fraction", xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7, color=colors[1])
        t.set_gid(GID + "moved_label")
    finish_axes(ax, view, {**a, **{k + "'": v for k, v in shown.items()}})
    if moved and view != "3d":
        ax.set_title(ax.get_title(), pad=24)
    if legend:
        legend_outside(ax, where="below", fontsize=7)
    return ax
