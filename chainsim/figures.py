"""``make figures``: regenerate the README's gallery images (PNGs in ``docs/``).

    python -m chainsim.figures [OUTDIR]

Each image is drawn with the plotting helpers of :mod:`chainsim.plot` at :data:`DPI` (150), sized
to be read at its own size, then reduced to an adaptive palette so that it stays small.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from . import plot  # noqa: E402
from .compare import compare  # noqa: E402
from .conditions import apply_presets  # noqa: E402
from .insoles import with_insoles  # noqa: E402
from .model import Model  # noqa: E402
from .plot import DPI, new_figure  # noqa: E402
from .statics import solve, solve_batch  # noqa: E402


def save(fig, path: Path, colors: int = 96) -> int:
    """Write ``fig`` as a palette PNG; returns its size in bytes."""
    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    buf.seek(0)
    img = Image.open(buf).convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    img.save(path, optimize=True, dpi=(DPI, DPI))
    return path.stat().st_size


def skeletons(path: Path) -> int:
    """Flat feet against normal ones (frontal and sagittal, x5), and a short leg's loads."""
    normal, flat = (solve(m) for m in (Model(), apply_presets(Model(), "both=flat_foot")))
    short = solve(Model(left__leg_length_diff_mm=15))
    fig = new_figure((9, 6))
    c = compare(normal, flat, labels=("normal", "flat feet"))
    axes = [fig.add_subplot(1, 3, k) for k in (1, 2, 3)]
    plot.overlay(c, view="frontal", ax=axes[0], exaggerate=5, legend=False)
    plot.overlay(c, view="sagittal", ax=axes[1], exaggerate=5, legend=False)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               fontsize=9)
    ax = plot.skeleton(short, view="frontal", loads=True, ax=axes[2])
    ax.set_title("left leg 15 mm short:\njoint loads", fontsize=10)
    return save(fig, path)


def sweep(path: Path) -> int:
    """Navicular drop over arch stiffness x pronation, and its Sobol' indices."""
    from . import sweep as sw

    arch, pron = "both.arch_stiffness_n_per_mm", "both.pronation_deg"
    ds = sw.run(sw.grid({arch: {"start": 40, "stop": 360, "num": 24},
                         pron: {"start": -8, "stop": 12, "num": 21}},
                        outputs=["left.navicular_drop_mm"]))
    si = sw.sobol({arch: (60, 300), pron: (-5, 10), "both.wedge_deg": (-5, 5),
                   "subject.mass_kg": (55, 100)}, ["left.navicular_drop_mm"], n=256, seed=1)
    fig = new_figure((11, 4.2))
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    plot.heatmap(ds, "left.navicular_drop_mm", ax=axes[0], contour=True)
    plot.sobol_bars(si, ax=axes[1])
    return save(fig, path)


def insoles(path: Path) -> int:
    """A flat foot with three catalogue insoles: the cascade and the joint loads."""
    flat = apply_presets(Model(), "both=flat_foot")
    names = ("extra_high_arch", "motion_control", "lateral_wedge")
    b = solve_batch([flat] + [with_insoles(flat, [f"both={n}"]) for n in names],
                    keep_theta=True, keep_state=True)     # each drawn as a result: no re-solve
    bare = b.result(0)
    fig = new_figure((12, 5))
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    plot.cascade(bare, {n.replace("_", " "): b.result(i + 1) for i, n in enumerate(names)},
                 ax=axes[0])
    axes[0].set_title("flat feet: change made by each insole (left)", fontsize=10)
    plot.joint_loads({"bare": bare, "lateral wedge": b.result(3)}, ax=axes[1])
    return save(fig, path)


def impact(path: Path) -> int:
    """A running heel strike: the ground reaction and the forces it sends up the chain."""
    import chainsim

    r = chainsim.impact(None, preset="running_heel_strike")
    fig = new_figure((8, 4))
    ax = fig.subplots()
    plot.impact_series(r, ax=ax, arch=True)
    ax.set_xlim(0, 100)
    return save(fig, path)


#: The gallery: file name -> what draws it.
GALLERY = {"gallery_skeleton.png": skeletons, "gallery_sweep.png": sweep,
           "gallery_insoles.png": insoles, "gallery_impact.png": impact}


def main(outdir: str = "docs") -> int:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for name, fn in GALLERY.items():
        t = time.perf_counter()
        size = fn(out / name)
        print(f"{out / name}: {size / 1024:.0f} kB in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
