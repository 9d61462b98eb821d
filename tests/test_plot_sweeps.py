"""Sweep and sensitivity plots: colour bars, lines and bars as claimed; wrong kinds refused."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import chainsim as cs  # noqa: E402
from chainsim import plot  # noqa: E402
from conftest import gid  # noqa: E402

ARCH, PRON, WEDGE = "both.arch_stiffness_n_per_mm", "both.pronation_deg", "both.wedge_deg"
OUT = "left.navicular_drop_mm"


@pytest.fixture(scope="module")
def grid2():
    spec = cs.sweep.grid({ARCH: [60, 120, 240, 400], PRON: [-5, 0, 5]},
                         outputs=[OUT, "pelvis.tilt_deg"])
    return cs.sweep.run(spec)


@pytest.fixture(scope="module")
def grid3():
    spec = cs.sweep.grid({ARCH: [60, 240], PRON: [0, 5], WEDGE: [0, 5]}, outputs=[OUT])
    return cs.sweep.run(spec)


@pytest.fixture(scope="module")
def grid1():
    return cs.sweep.run(cs.sweep.grid({PRON: [-5, 0, 5, 10]}, outputs=[OUT]))


@pytest.mark.parametrize("contour", [False, True])
def test_heatmap_draws_the_field_with_a_colour_bar(grid2, contour):
    ax = plot.heatmap(grid2, OUT, contour=contour)
    (field,) = gid(ax, "field")
    cb = ax.chainsim_colorbar
    assert cb.mappable is field and cb.ax.get_ylabel() == "left navicular drop (mm)"
    assert ax.get_xlabel() == "both pronation (deg)"
    assert ax.get_ylabel() == "both arch stiffness (N/mm)"
    vals = grid2[OUT].transpose("param." + ARCH, "param." + PRON).values
    if not contour:                                     # the cells are the dataset's values
        np.testing.assert_allclose(np.asarray(field.get_array()).reshape(vals.shape), vals)
    else:
        assert field.levels[0] <= np.nanmin(vals) and field.levels[-1] >= np.nanmax(vals)


def test_heatmap_axes_choice_sel_and_failed_points(grid2, grid3):
    fig, ax = plt.subplots()
    assert plot.heatmap(grid2, OUT, x=ARCH, y=PRON, ax=ax) is ax
    assert ax.get_xlabel().startswith("both arch stiffness")
    ax = plot.heatmap(grid3, OUT, sel={WEDGE: 5})
    assert len(gid(ax, "field")) == 1
    broken = grid2.copy(deep=True)
    broken[OUT][0, 0] = np.nan                          # a point that did not solve
    ax = plot.heatmap(broken, OUT)
    (x,) = gid(ax, "failed")
    assert len(x.get_offsets()) == 1


def test_heatmap_refuses_wrong_kinds(grid1, grid3):
    with pytest.raises(ValueError, match="two axes.*varies over 1.*lines"):
        plot.heatmap(grid1, OUT)
    with pytest.raises(ValueError, match="two axes.*varies over 3.*sel"):
        plot.heatmap(grid3, OUT)
    lhs = cs.sweep.run(cs.sweep.sample({PRON: (-5, 5), WEDGE: (-5, 5)}, 8, design="lhs", seed=1,
                                       outputs=[OUT]))
    with pytest.raises(TypeError, match="sampled design"):
        plot.heatmap(lhs, OUT)
    with pytest.raises(cs.ParameterError, match="did you mean"):
        plot.heatmap(grid3, "left.navicular_drop")
    with pytest.raises(TypeError, match="xarray.Dataset.*static result"):
        plot.heatmap(cs.solve(), OUT)


def test_lines(grid1, grid2, grid3):
    ax = plot.lines(grid1, OUT)
    (ln,) = gid(ax, "line")
    np.testing.assert_allclose(ln.get_ydata(), grid1[OUT].values)
    assert ax.get_xlabel() == "both pronation (deg)"
    ax = plot.lines(grid2, OUT, x=PRON)                 # one line per arch stiffness
    assert len(gid(ax, "line")) == grid2.sizes["param." + ARCH]
    assert ax.get_legend().get_title().get_text() == "both arch stiffness (N/mm)"
    with pytest.raises(ValueError, match="one or two axes"):
        plot.lines(grid3, OUT)
    assert len(gid(plot.lines(grid3, OUT, sel={WEDGE: 0}), "line")) == 2


@pytest.fixture(scope="module")
def sobol():
    return cs.sweep.sobol({ARCH: (60, 300), PRON: (-5, 10), WEDGE: (-5, 5)},
                          [OUT, "left.tibial_rotation_deg"], n=32, seed=1)


@pytest.fixture(scope="module")
def tornado():
    return cs.sweep.tornado({ARCH: (60, 300), PRON: (-5, 10), WEDGE: (-5, 5)}, [OUT])


def test_sobol_bars(sobol):
    ax = plot.sobol_bars(sobol, OUT)
    s1, st = gid(ax, "S1"), gid(ax, "ST")
    assert len(s1) == len(st) == 3
    s = sobol.sel(output=OUT)
    assert sorted(b.get_width() for b in st) == pytest.approx(sorted(s["ST"].values))
    # sorted by total index: the largest on top
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    top = str(s["parameter"].values[np.argmax(s["ST"].values)])
    assert ticks[0] == plot.sweeps.label(top)
    with pytest.raises(ValueError, match="choose an output"):
        plot.sobol_bars(sobol)
    with pytest.raises(cs.ParameterError, match="no output"):
        plot.sobol_bars(sobol, "pelvis.tilt_deg")


def test_tornado_bars(tornado, sobol, grid2):
    ax = plot.tornado_bars(tornado, OUT)
    lo, hi = gid(ax, "low"), gid(ax, "high")
    assert len(lo) == len(hi) == 3
    base = tornado[OUT].attrs["baseline"]
    assert all(b.get_x() == pytest.approx(base) for b in lo + hi)
    swings = [abs(h.get_width() - l.get_width()) for l, h in zip(lo, hi)]
    assert swings == sorted(swings)                    # the widest swing drawn last, on top
    assert max(swings) == pytest.approx(np.nanmax(np.abs(np.diff(tornado[OUT].values, axis=1))))
    with pytest.raises(TypeError, match="tornado.*Sobol"):
        plot.tornado_bars(sobol, OUT)
    with pytest.raises(TypeError, match="Sobol.*tornado"):
        plot.sobol_bars(tornado, OUT)
    with pytest.raises(TypeError, match="grid sweep.*Sobol"):
        plot.heatmap(sobol, "S1")
    with pytest.raises(TypeError, match="sweep dataset"):
        plot.sobol_bars(grid2, OUT)
