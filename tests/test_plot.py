"""Plots of standing results: each helper draws what it claims, on the artists it returns."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import chainsim as cs  # noqa: E402
from chainsim import plot  # noqa: E402
from chainsim.plot.cascade import CASCADE  # noqa: E402
from chainsim.plot.skeleton import LEG_LINES, N_SEGMENTS, TRUNK_LINES  # noqa: E402

from conftest import gid, solved  # noqa: E402


@pytest.fixture(scope="module")
def flat():
    return cs.solve(cs.apply_presets(cs.Model(), "both=flat_foot"))


@pytest.mark.parametrize("view", ["frontal", "sagittal", "top"])
def test_skeleton_draws_every_segment_and_arrow(neutral, view):
    ax = plot.skeleton(neutral, view=view, loads=True)
    segs = gid(ax, "segment")
    assert len(segs) == N_SEGMENTS == 2 * len(LEG_LINES) + len(TRUNK_LINES)
    assert len(gid(ax, "grf")) == 2                  # one ground reaction per foot
    assert len(gid(ax, "load")) == 7                 # ankle, knee, hip per side, L5/S1
    assert len(gid(ax, "cop")) == 2
    assert ax.get_title() == view and ax.get_xlabel() and ax.get_ylabel()
    # every segment joins two of the result's points in this view
    named = neutral.points()
    pts = np.array([*named.values(), (named["left.hip"] + named["right.hip"]) / 2])
    i, j = {"frontal": (1, 2), "sagittal": (0, 2), "top": (0, 1)}[view]
    for ln in segs:
        for x, y in zip(*ln.get_data()):
            assert np.min(np.hypot(pts[:, i] - x, pts[:, j] - y)) < 1e-12


def test_skeleton_arrows_are_the_loads(neutral):
    """Arrow lengths are the joint reactions and ground reactions, at ``scale`` m per BW."""
    scale = 0.5
    ax = plot.skeleton(neutral, view="frontal", loads=True, scale=scale)
    lengths = sorted(np.hypot(*np.subtract(*a._posA_posB[::-1])) / scale for a in gid(ax, "load"))
    expected = sorted([neutral[f"{s}.{j}_force_bw"] for s in ("left", "right")
                       for j in ("ankle", "knee", "hip")] + [neutral["lumbar.l5s1_force_bw"]])
    # the frontal view shows (y, z): the reactions in quiet stance have no x component
    np.testing.assert_allclose(lengths, expected, rtol=1e-6)
    grf = sorted(np.hypot(*np.subtract(*a._posA_posB[::-1])) / scale for a in gid(ax, "grf"))
    np.testing.assert_allclose(grf, sorted([neutral["left.grf_bw"], neutral["right.grf_bw"]]), rtol=1e-6)


def test_ground_forces_balance_the_weight(neutral):
    g = plot.ground_forces(neutral)
    total = g["left"][1] + g["right"][1]
    np.testing.assert_allclose(total, [0, 0, 1], atol=1e-9)
    for side, (cop, _) in g.items():               # each centre of pressure under its own foot
        assert np.sign(cop[1]) == (1 if side == "left" else -1)
        assert abs(cop[2]) < 0.01


def test_skeleton_3d(neutral):
    ax = plot.skeleton(neutral, view="3d", loads=True)
    assert ax.name == "3d"
    assert len(gid(ax, "segment")) == N_SEGMENTS
    assert len(gid(ax, "grf")) == 2 and len(gid(ax, "load")) == 7
    with pytest.raises(ValueError, match="3-D axes"):
        plot.skeleton(neutral, view="3d", ax=plt.figure().add_subplot())


def test_skeleton_views_figure(neutral):
    fig = plot.skeleton_views(neutral, views=("frontal", "sagittal", "3d"), grf=False)
    assert [a.get_title() for a in fig.axes] == ["frontal", "sagittal", "3d"]
    assert all(len(gid(a, "grf")) == 0 for a in fig.axes)


def test_skeleton_takes_ax_and_refuses_other_kinds(neutral):
    fig, ax = plt.subplots()
    assert plot.skeleton(neutral, ax=ax) is ax
    with pytest.raises(TypeError, match="batch of 2"):
        plot.skeleton(cs.solve_columns({"both.wedge_deg": [0, 5]}))
    with pytest.raises(TypeError, match="Model"):
        plot.skeleton(cs.Model())
    ds = cs.sweep.run(cs.sweep.grid({"both.wedge_deg": [0, 5]}, outputs=["pelvis.tilt_deg"]))
    with pytest.raises(TypeError, match="sweep dataset"):
        plot.skeleton(ds)
    with pytest.raises(ValueError, match="view"):
        plot.skeleton(neutral, view="oblique")


def test_overlay_highlights_what_moved(neutral, flat):
    ax = plot.overlay(neutral, flat, view="frontal", exaggerate=4, threshold_mm=1.0)
    assert len(gid(ax, "segment")) == 2 * N_SEGMENTS
    moved = plot.overlay.__globals__["displacements"](neutral, flat)
    n_moved = sum(v > 1.0 for v in moved.values())
    assert n_moved > 0 and len(gid(ax, "moved")) == n_moved
    (text,) = gid(ax, "moved_label")
    top = next(iter(moved))                          # the landmark that moved most is named
    assert top.replace(".", " ") in text.get_text()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["baseline", "altered (changes x4)"]
    # the same result twice: nothing moved, nothing highlighted
    ax2 = plot.overlay(neutral, neutral)
    assert gid(ax2, "moved") == [] and gid(ax2, "moved_label") == []


def test_overlay_takes_a_comparison(neutral, flat):
    c = cs.compare(neutral, flat, labels=("normal", "flat"))
    ax = plot.overlay(c, view="sagittal")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["normal", "flat"]
    with pytest.raises(TypeError, match="two results"):
        plot.overlay(neutral)


def test_cascade_one_bar_per_side_and_level(neutral, flat):
    ax = plot.cascade(neutral, flat)
    bars = gid(ax, "bar") + gid(ax.chainsim_mm_ax, "bar")       # degrees below, millimetres on top
    assert bars and sorted(map(id, bars)) == sorted(map(id, ax.chainsim_bars))
    assert {b.get_gid() for b in gid(ax.chainsim_mm_ax, "bar")} == {"chainsim.bar"}
    assert len(gid(ax.chainsim_mm_ax, "bar")) == 2                # navicular drop, both sides
    n_side = sum("." not in k for _, _, k in CASCADE)
    assert len(bars) == 2 * n_side + (len(CASCADE) - n_side)
    assert [t.get_text() for t in ax.get_yticklabels()] == [lab for _, lab, _ in CASCADE]
    # the bars are the changes: navicular drop of the left foot
    row = [k for _, _, k in CASCADE].index("navicular_drop_mm")
    widths = {round(b.get_y() + b.get_height() / 2): b.get_width() for b in bars
              if b.get_facecolor()[:3] == matplotlib.colors.to_rgb("tab:blue")}
    assert widths[row] == pytest.approx(flat["left.navicular_drop_mm"] - neutral["left.navicular_drop_mm"])
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"left", "right", "pelvis/spine"}


def test_cascade_several_results_and_refusals(neutral, flat):
    base = cs.apply_presets(cs.Model(), "both=flat_foot")
    many = {n: cs.solve(cs.with_insoles(base, [f"both={n}"])) for n in ("medium_arch", "motion_control")}
    ax = plot.cascade(flat, many, side="right")
    assert len(ax.chainsim_bars) == 2 * len(CASCADE)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(many)
    assert "right" in ax.get_title()
    ax = plot.cascade(cs.compare(neutral, flat), side="left")
    assert len(ax.chainsim_bars) == len(CASCADE)      # left side rows + global rows
    with pytest.raises(TypeError, match="baseline and a changed"):
        plot.cascade(neutral)
    with pytest.raises(TypeError, match="static result"):
        plot.cascade(neutral, cs.solve_columns({"both.wedge_deg": [0, 5]}))


def test_joint_loads_bars(neutral):
    short = solved(left__leg_length_diff_mm=15.0)
    ax = plot.joint_loads({"level": neutral, "short left leg": short})
    bars = gid(ax, "bar")
    assert len(bars) == 2 * 9                          # 4 per side + L5/S1, per result
    heights = [b.get_height() for b in bars[:9]]
    assert heights[2] == pytest.approx(neutral["left.knee_force_bw"])
    assert heights[-1] == pytest.approx(neutral["lumbar.l5s1_force_bw"])
    assert ax.get_ylabel() == "net force (BW)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["level", "short left leg"]
    ax = plot.joint_loads(neutral)
    assert len(gid(ax, "bar")) == 9 and ax.get_legend() is None
    with pytest.raises(TypeError, match="static result"):
        plot.joint_loads(cs.Model())
