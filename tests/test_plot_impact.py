"""Impact plots and the animations, on a synthetic impact of the shape chainsim.impact returns."""

from __future__ import annotations

import gc
import types

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

import chainsim as cs  # noqa: E402
from chainsim import plot  # noqa: E402
from chainsim._generated.layout import NQ  # noqa: E402
from chainsim.plot.skeleton import N_SEGMENTS  # noqa: E402
from conftest import gid  # noqa: E402

# animations stepped by hand rather than played warn when garbage-collected
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")
    gc.collect()                 # drop this test's animations while its warning filter holds


def synthetic_impact(n=120):
    """A heel strike's forces: a transient, attenuated and delayed a little at each level."""
    t = np.linspace(0.0, 0.06, n)
    data = {}
    for k, (side, load) in enumerate((("left", 1.0), ("right", 0.0))):
        for j, name in enumerate(("grf_bw", "ankle_force_bw", "knee_force_bw", "hip_force_bw")):
            delay, gain = 0.002 * j, 0.85 ** j
            pulse = gain * 2.0 * np.exp(-(((t - 0.015 - delay) / 0.006) ** 2))
            data[f"{side}.{name}"] = ("time", load * (pulse + 1.2 * t / t[-1]))
        data[f"{side}.arch_deflection_mm"] = ("time", load * 6 * (1 - np.exp(-t / 0.01)))
    data["lumbar.l5s1_force_bw"] = ("time", 0.5 + 0.9 * np.exp(-(((t - 0.024) / 0.008) ** 2)))
    ds = xr.Dataset(data, coords={"time": t}, attrs={"impact_peak_bw": float(data["left.grf_bw"][1].max()),
                                                     "loading_rate_bw_per_s": 250.0})
    return ds


@pytest.fixture(scope="module")
def impact():
    ds = synthetic_impact()
    return types.SimpleNamespace(dataset=ds, scalars=dict(ds.attrs), model=None)


def test_impact_series_draws_each_force(impact):
    ax = plot.impact_series(impact, side="left")
    lines = gid(ax, "force")
    assert [ln.get_label() for ln in lines] == ["ground", "ankle", "knee", "hip", "L5/S1"]
    ds = impact.dataset
    np.testing.assert_allclose(lines[2].get_ydata(), ds["left.knee_force_bw"].values)
    np.testing.assert_allclose(lines[0].get_xdata(), ds["time"].values * 1e3)
    assert ax.get_xlabel() == "time (ms)" and ax.get_ylabel() == "force (BW)"
    assert f"{impact.scalars['impact_peak_bw']:.2f} BW" in ax.get_title()
    assert "250 BW/s" in ax.get_title()
    assert gid(ax, "peak") == []                        # no impact_time_s in these scalars


def test_impact_series_dataset_arch_and_missing_forces(impact):
    ds = impact.dataset.drop_vars("lumbar.l5s1_force_bw")
    ax = plot.impact_series(ds, side="right", arch=True)
    assert len(gid(ax, "force")) == 4                   # L5/S1 is not in this dataset
    (arch,) = gid(ax.chainsim_arch_ax, "arch")
    np.testing.assert_allclose(arch.get_ydata(), ds["right.arch_deflection_mm"].values)
    assert "arch deflection" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_impact_plots_refuse_other_kinds(impact):
    with pytest.raises(TypeError, match="impact.*static result"):
        plot.impact_series(cs.solve())
    sweep = cs.sweep.run(cs.sweep.grid({"both.wedge_deg": [0, 5]}, outputs=["pelvis.tilt_deg"]))
    with pytest.raises(TypeError, match="over 'time'.*sweep dataset"):
        plot.impact_series(sweep)
    with pytest.raises(ValueError, match="side"):
        plot.impact_series(impact, side="both")
    with pytest.raises(TypeError, match="impact"):
        plot.animate_impact(sweep)


def test_animate_impact_arrows_follow_the_forces(impact):
    scale = 0.1
    anim = plot.animate_impact(impact, frames=12, scale=scale)
    arrows = anim.chainsim_arrows
    assert list(arrows) == ["ground", "ankle", "knee", "hip", "L5/S1"]
    ds, t = impact.dataset, impact.dataset["time"].values
    steps = np.unique(np.linspace(0, len(t) - 1, 12).round().astype(int))
    for n in (0, 5, len(steps) - 1):
        anim._func(n)
        (a, b) = arrows["knee"]._posA_posB
        assert (b[1] - a[1]) / scale == pytest.approx(ds["left.knee_force_bw"].values[steps[n]])
        assert anim.chainsim_cursor.get_xdata()[0] == pytest.approx(t[steps[n]] * 1e3)
    html = plot.to_html(anim)
    assert "<script" in html and html.count("data:image/png") >= len(steps) - 1


def test_animate_sweep_frames_are_the_batch(tmp_path):
    values = [-5.0, 0.0, 5.0, 10.0]
    anim = plot.animate_sweep("both.pronation_deg", values, view="frontal", exaggerate=2)
    lines, batch = anim.chainsim_lines, anim.chainsim_results
    assert len(lines) == N_SEGMENTS and len(batch.status) == len(values)
    for k in (0, 3):
        anim._func(k)
        shown_knee_left = lines[0].get_data()[0][1]     # thigh: hip -> knee, frontal y
        first = batch.result(0).points()["left.knee"][1]
        now = batch.result(k).points()["left.knee"][1]
        assert shown_knee_left == pytest.approx(first + 2 * (now - first))
    path = plot.save_gif(anim, tmp_path / "pronation.gif", fps=4, dpi=40)
    assert path.stat().st_size > 1000
    with pytest.raises(ValueError, match="2-D view"):
        plot.animate_sweep(values=values, view="3d")
    with pytest.raises(ValueError, match="at least two"):
        plot.animate_sweep(values=[1.0])


def test_a_batch_of_impacts_needs_an_index(impact):
    one = impact.dataset
    batch = xr.concat([one, one * 1.5], dim="impact")
    with pytest.raises(ValueError, match="index="):
        plot.impact_series(batch)
    ax = plot.impact_series(batch, index=1)
    np.testing.assert_allclose(gid(ax, "force")[0].get_ydata(), 1.5 * one["left.grf_bw"].values)
    with pytest.raises(ValueError, match="one impact"):
        plot.impact_series(one, index=0)


def test_plots_of_a_real_impact():
    r = cs.impact(None, preset="running_heel_strike")
    ax = plot.impact_series(r, arch=True)
    assert len(gid(ax, "force")) == 5 and len(gid(ax.chainsim_arch_ax, "arch")) == 1
    assert f"{r.scalars['impact_peak_bw']:.2f} BW" in ax.get_title()
    (peak,) = gid(ax, "peak")
    assert (peak.get_xdata()[0], peak.get_ydata()[0]) == pytest.approx(
        (r.scalars["impact_time_s"] * 1e3, r.scalars["impact_peak_bw"]))
    no_peak = {**r.scalars, "impact_peak_bw": float("nan")}
    ax = plot.impact_series(types.SimpleNamespace(dataset=r.dataset.assign_attrs(impact_peak_bw=float("nan")),
                                                  scalars=no_peak))
    assert "no impact peak" in ax.get_title() and gid(ax, "peak") == []
    anim = plot.animate_impact(r, frames=6)
    assert len(anim.chainsim_arrows) == 5


def world(q):
    """The skeleton's points of posture ``q`` straight from the compiled kinematics."""
    from chainsim._generated.model import LEG_POINTS, TRUNK_POINTS
    from chainsim.core.energy import new_work
    from chainsim.core.outputs import world_points
    from chainsim.model import columns
    from chainsim.pack import pack

    trunk, left, right = np.zeros((len(TRUNK_POINTS), 3)), *np.zeros((2, len(LEG_POINTS), 3))
    world_points(q, pack(columns([cs.Model()]))[0], new_work(), trunk, left, right)
    return {**{f"trunk.{n}": trunk[i] for i, n in enumerate(TRUNK_POINTS)},
            **{f"left.{n}": left[i] for i, n in enumerate(LEG_POINTS)}}


def test_animate_impact_moves_the_chain():
    r = cs.impact(None, preset="drop_landing", duration_s=0.05)       # barefoot: theta is pack's
    scale = 0.1
    anim = plot.animate_impact(r, frames=5, scale=scale)
    lines, arrows, steps = anim.chainsim_lines, anim.chainsim_arrows, anim.chainsim_steps
    assert len(lines) == N_SEGMENTS and len(steps) == 5
    drawn = []
    for n in (0, len(steps) - 1):
        anim._func(n)
        p = world(r.states[steps[n], :NQ])
        thigh = np.array(lines[0].get_data())           # left hip -> knee, sagittal (x, z)
        np.testing.assert_allclose(thigh, [[p["left.hip"][0], p["left.knee"][0]],
                                           [p["left.hip"][2], p["left.knee"][2]]], atol=1e-12)
        for lab, k in (("knee", "left.knee"), ("hip", "left.hip"), ("L5/S1", "trunk.l5s1")):
            a, b = arrows[lab]._posA_posB
            assert a == pytest.approx((p[k][0], p[k][2])) and b[0] == pytest.approx(a[0])
        force = r.dataset["left.knee_force_bw"].values[steps[n]]
        assert (arrows["knee"]._posA_posB[1][1] - p["left.knee"][2]) / scale == pytest.approx(force)
        ground = arrows["ground"]._posA_posB[0]
        feet = ("heel", "heel_medial", "heel_lateral", "mt1", "mt5", "toe")
        assert ground[1] == pytest.approx(min(p[f"left.{c}"][2] for c in feet))   # lowest contact
        drawn.append(thigh)
    assert p["left.hip"][2] < world(r.states[0, :NQ])["left.hip"][2] - 0.02   # the hip falls
    assert not np.allclose(drawn[0], drawn[1])

    still = plot.animate_impact(r.dataset, frames=3)    # a bare dataset: no motion to draw
    first = np.array(still.chainsim_lines[0].get_data())
    still._func(2)
    np.testing.assert_array_equal(still.chainsim_lines[0].get_data(), first)
