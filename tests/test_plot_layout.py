"""No text over the drawing: every public figure function, drawn, keeps its words off its data.

For each figure, the bounding boxes (``artist.get_window_extent(renderer)``) of its words —
titles, axis and tick labels, legends, annotations, colour-bar labels, figure legends — must

* not overlap a drawn data artist: a line (its drawn path, not its bounding box), a patch
  (bars, arrows), a collection (meshes, contours, scatter, 3-D surfaces);
* not overlap each other;
* lie inside the figure.

Data artists are taken inside their axes only (they are clipped there), and tick labels count
as words (except on 3-D axes, whose tick labels keep no drawn position to measure); the
boxes are shrunk by one pixel so that touching is not overlapping.
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import Collection  # noqa: E402
from matplotlib.legend import Legend  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

import chainsim as cs  # noqa: E402
from chainsim import plot  # noqa: E402

SHRINK = 1.0


def _box(b):
    return Bbox.from_extents(b.x0 + SHRINK, b.y0 + SHRINK, b.x1 - SHRINK, b.y1 - SHRINK)


def _tick_labels(fig):
    """All tick label texts, and those drawn (ticks inside the view)."""
    every, drawn = set(), set()
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            for t in axis.majorTicks + axis.minorTicks:
                every |= {t.label1, t.label2}
            if ax.name == "3d":             # 3-D tick labels hold no drawn position after a
                continue                    # draw (Axis3D moves them while drawing): not checked
            if not axis.get_visible():      # e.g. the shared axis of a twin
                continue
            for t in axis._update_ticks():
                drawn |= {lab for lab, on in ((t.label1, t.label1.get_visible()),
                                              (t.label2, t.label2.get_visible())) if on}
    return every, drawn


def words(fig, renderer):
    """``(name, artist, bbox)`` of every visible, non-empty text and legend of ``fig``."""
    out = []
    ticks, drawn = _tick_labels(fig)
    for t in fig.findobj(lambda a: isinstance(a, (Text, Legend))):
        if not t.get_visible() or (isinstance(t, Text) and not t.get_text().strip()):
            continue
        if t in ticks and t not in drawn:
            continue
        if isinstance(t, Text) and any(isinstance(p, Legend) for p in _parents(t, fig)):
            continue                          # inside a legend: the legend's box covers it
        b = t.get_window_extent(renderer)
        if b.width > 0 and b.height > 0:
            name = f"legend {[x.get_text() for x in t.get_texts()]}" if isinstance(t, Legend) \
                else f"text {t.get_text()!r}"
            out.append((name, t, b))
    return out


def _parents(artist, fig):
    legends = [a for a in fig.findobj(Legend)]
    return [lg for lg in legends if artist in lg.findobj(Text)]


def data_artists(fig):
    """``(ax, artist)`` of every drawn data artist (lines, patches, collections) in the axes."""
    out = []
    for ax in fig.axes:
        for a in ax.get_children():
            if not a.get_visible() or a is ax.patch:
                continue
            if isinstance(a, (Line2D, Patch, Collection)) and not isinstance(a, Legend):
                if isinstance(a, Patch) and a in ax.spines.values():
                    continue
                out.append((ax, a))
    return out


def hits(ax, artist, box, renderer) -> bool:
    """Whether ``artist`` (clipped to ``ax``) is drawn inside ``box``."""
    clip = Bbox.intersection(box, ax.get_window_extent(renderer))
    if clip is None or clip.width <= 0 or clip.height <= 0:
        return False
    if isinstance(artist, Line2D):
        path = artist.get_transform().transform_path(artist.get_path())
        if artist.get_marker() not in (None, "None", "none", ""):
            r = artist.get_markersize() * artist.figure.dpi / 72 / 2
            grown = Bbox.from_extents(clip.x0 - r, clip.y0 - r, clip.x1 + r, clip.y1 + r)
            if any(grown.contains(*p) for p in path.vertices):
                return True
        if artist.get_linestyle() in ("None", "none", "") or len(path.vertices) < 2:
            return False
        return path.intersects_bbox(clip, filled=False)
    b = artist.get_window_extent(renderer)
    if b is None or not np.isfinite(b.get_points()).all() or b.width <= 0 or b.height <= 0:
        return False
    both = Bbox.intersection(clip, b)
    return both is not None and both.width > 0 and both.height > 0


def problems(fig) -> list[str]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    w = words(fig, renderer)
    out = []
    inside = fig.bbox
    for name, _, b in w:
        if b.x0 < inside.x0 - 1 or b.y0 < inside.y0 - 1 or b.x1 > inside.x1 + 1 or b.y1 > inside.y1 + 1:
            out.append(f"{name} leaves the figure")
    for (n1, _, b1), (n2, _, b2) in itertools.combinations(w, 2):
        if _box(b1).overlaps(_box(b2)):
            out.append(f"{n1} overlaps {n2}")
    data = data_artists(fig)
    for name, _, b in w:
        for ax, a in data:
            if hits(ax, a, _box(b), renderer):
                out.append(f"{name} is over {type(a).__name__} {a.get_gid() or a.get_label()!r}")
                break
    return out


@pytest.fixture(scope="module")
def results():
    normal = cs.solve()
    flat = cs.solve(cs.apply_presets(cs.Model(), "both=flat_foot"))
    short = cs.solve(cs.Model(left__leg_length_diff_mm=15))
    return normal, flat, short


@pytest.fixture(scope="module")
def sweeps():
    arch, pron = "both.arch_stiffness_n_per_mm", "both.pronation_deg"
    grid = cs.sweep.run(cs.sweep.grid({arch: [60, 120, 240, 360], pron: [-5, 0, 5, 10]},
                                      outputs=["left.navicular_drop_mm"]))
    params = {arch: (60, 300), pron: (-5, 10), "both.wedge_deg": (-5, 5)}
    si = cs.sweep.sobol(params, ["left.navicular_drop_mm"], n=32, seed=1)
    tn = cs.sweep.tornado(params, ["left.navicular_drop_mm"])
    return grid, si, tn


FIGURES = {
    "skeleton frontal": lambda r, s: plot.skeleton(r[2], loads=True).figure,
    "skeleton sagittal": lambda r, s: plot.skeleton(r[2], view="sagittal", loads=True).figure,
    "skeleton top": lambda r, s: plot.skeleton(r[2], view="top").figure,
    "skeleton 3d": lambda r, s: plot.skeleton(r[2], view="3d", loads=True).figure,
    "skeleton_views": lambda r, s: plot.skeleton_views(r[2], loads=True),
    "overlay frontal": lambda r, s: plot.overlay(r[0], r[1], exaggerate=5).figure,
    "overlay sagittal": lambda r, s: plot.overlay(r[0], r[1], view="sagittal", exaggerate=5).figure,
    "cascade": lambda r, s: plot.cascade(r[0], r[1]).figure,
    "cascade several": lambda r, s: plot.cascade(r[0], {"flat": r[1], "short": r[2]}).figure,
    "joint_loads": lambda r, s: plot.joint_loads({"level": r[0], "short": r[2]}).figure,
    "heatmap": lambda r, s: plot.heatmap(s[0], "left.navicular_drop_mm").figure,
    "heatmap contour": lambda r, s: plot.heatmap(s[0], "left.navicular_drop_mm", contour=True).figure,
    "lines": lambda r, s: plot.lines(s[0], "left.navicular_drop_mm").figure,
    "sobol_bars": lambda r, s: plot.sobol_bars(s[1]).figure,
    "tornado_bars": lambda r, s: plot.tornado_bars(s[2], "left.navicular_drop_mm").figure,
}


@pytest.mark.parametrize("name", FIGURES)
def test_no_text_over_the_drawing(name, results, sweeps):
    fig = FIGURES[name](results, sweeps)
    try:
        assert fig.dpi >= 150
        assert problems(fig) == []
    finally:
        plt.close(fig)


def test_impact_series_layout():
    r = cs.impact(None, preset="running_heel_strike")
    for arch in (False, True):
        ax = plot.impact_series(r, arch=arch)
        try:
            assert ax.figure.dpi >= 150 and problems(ax.figure) == []
        finally:
            plt.close(ax.figure)


@pytest.mark.parametrize("name", ["skeletons", "sweep", "insoles", "impact", "demo"])
def test_gallery_layout(name, monkeypatch, tmp_path, capsys):
    from chainsim import demo, figures

    caught = {}

    def keep(fig, path, colors=96):
        caught["fig"] = fig
        return 0

    monkeypatch.setattr(figures, "save", keep)
    if name == "demo":
        demo.main(str(tmp_path / "demo.png"))
    else:
        getattr(figures, name)(tmp_path / "x.png")
    fig = caught["fig"]
    try:
        assert fig.dpi >= 150 and problems(fig) == []
    finally:
        plt.close(fig)


def test_the_rule_catches_a_legend_over_the_lines():
    fig, ax = plt.subplots(dpi=150)
    x = np.linspace(0, 1, 50)
    ax.plot(x, x)
    ax.plot(x, 1 - x)
    ax.legend(["up", "down"], loc="center")
    try:
        assert any("over Line2D" in p for p in problems(fig))
    finally:
        plt.close(fig)
