"""The Jupyter explorer, driven headless: sliders solve through the batch kernel and redraw."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import chainsim as cs  # noqa: E402
from chainsim.plot.cascade import changes  # noqa: E402
from chainsim.widgets import CONTROLS, Explorer  # noqa: E402

pytest.importorskip("ipywidgets")


@pytest.fixture
def ex():
    e = Explorer()
    e.widget                                 # build the sliders as a notebook would
    return e


def test_widgets_are_the_controls(ex):
    ctrl = ex._widgets
    assert set(ctrl) == {*CONTROLS, "insole"}
    assert set(ctrl["insole"].options) == {"none", *cs.INSOLES}
    for k, (desc, lo, hi, _) in CONTROLS.items():
        assert ctrl[k].description == desc and (ctrl[k].min, ctrl[k].max) == (lo, hi)
    assert ex.widget.children[-1] is ex._image
    assert ex._image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_slider_solves_the_model_it_shows(ex):
    before = ex._image.value
    ex._widgets["pronation_deg"].value = 8.0              # as a user drags the slider
    ex._widgets["insole"].value = "motion_control"
    expected = cs.solve(cs.with_insoles(cs.Model(both__pronation_deg=8.0), ["both=motion_control"]))
    for k in ("left.tibial_rotation_deg", "pelvis.tilt_deg", "right.navicular_drop_mm"):
        assert ex.result[k] == expected[k]                 # the same kernel, bit for bit
    assert len(ex.timings) == 2 and ex._image.value != before
    assert "motion_control" in ex._suptitle.get_text()


def test_figure_follows_the_result(ex):
    ex.set(arch_stiffness_n_per_mm=60.0, wedge_deg=5.0)
    assert ex._widgets["arch_stiffness_n_per_mm"].value == 60.0     # sliders kept in step
    assert len(ex.timings) == 1                                     # one update, not three
    # the current skeleton: the left thigh drawn at baseline + exaggerate * change
    a, b = ex.baseline.points(), ex.result.points()
    thigh = ex._moving[0][0]                                         # frontal view, first line
    knee_y = a["left.knee"][1] + ex.exaggerate * (b["left.knee"][1] - a["left.knee"][1])
    assert thigh.get_xdata()[1] == pytest.approx(knee_y)
    # the cascade bars are the changes from the baseline
    d = changes(ex.baseline, ex.result)
    want = [v for s in ("left", "right", "pelvis/spine") for v in d[s] if np.isfinite(v)]
    assert [bar.get_width() for bar in ex._bars] == pytest.approx(want)


def test_leg_length_is_left_only_and_side_choice():
    ex = Explorer(side="right")
    r = ex.set(leg_length_diff_mm=10.0, pronation_deg=6.0)
    m = ex.model()
    assert m["left.leg_length_diff_mm"] == 10.0 and m["right.leg_length_diff_mm"] == 0.0
    assert m["right.pronation_deg"] == 6.0 and m["left.pronation_deg"] == 0.0
    assert r["pelvis.obliquity_deg"] < 0                # the short left side drops


def test_preset_is_the_start_and_the_neutral_model_the_baseline():
    ex = Explorer(preset="both=flat_foot")
    flat = cs.apply_presets(cs.Model(), "both=flat_foot")
    # the baseline is the model without the preset: the cascade shows the preset from the start
    assert ex.baseline["left.navicular_drop_mm"] == cs.solve()["left.navicular_drop_mm"]
    assert ex.result["left.navicular_drop_mm"] == cs.solve(flat)["left.navicular_drop_mm"]
    d = changes(ex.baseline, ex.result)
    want = [v for s in ("left", "right", "pelvis/spine") for v in d[s] if np.isfinite(v)]
    assert [bar.get_width() for bar in ex._bars] == pytest.approx(want)
    assert max(abs(v) for v in want) > 1                          # not an empty cascade
    assert ex.values["arch_stiffness_n_per_mm"] == pytest.approx(flat["left.arch_stiffness_n_per_mm"])
    assert "flat_foot" in ex._suptitle.get_text()


def test_sliders_cover_the_parameter_ranges():
    for k, (_, lo, hi, _) in CONTROLS.items():
        p = cs.PARAMS[f"left.{k}"]
        assert (lo, hi) == (p.low, p.high)


def test_axis_limits_held_across_moves_until_rescale(ex):
    ax = ex.axes[-1]
    before = ax.get_xlim(), ax.chainsim_mm_ax.get_xlim()
    for v in (2.0, 8.0, 15.0):
        ex.set(pronation_deg=v)
        assert (ax.get_xlim(), ax.chainsim_mm_ax.get_xlim()) == before      # no rescaling
    assert "rescale" in ex._suptitle.get_text()                 # a bar runs off: say so
    deg, mm = ex.rescale()
    assert ax.get_xlim() == pytest.approx((-deg, deg)) and deg > before[0][1]
    assert "rescale" not in ex._suptitle.get_text()
    ex._rescale_button.click()                                  # the button does the same
    assert ax.get_xlim() == pytest.approx((-deg, deg))


def test_figure_is_150_dpi(ex):
    assert ex.figure.dpi >= 150


def test_bad_input():
    ex = Explorer()
    with pytest.raises(cs.ParameterError, match="no control"):
        ex.set(arch_height=3)
    with pytest.raises(cs.ParameterError, match="no insole"):
        ex.set(insole="gel")
    with pytest.raises(ValueError, match="side"):
        Explorer(side="middle")
