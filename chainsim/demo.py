"""``make demo``: a neutral and a flat-footed subject, the change at each joint, and a figure.

The flat foot here is an arch at 40% of normal stiffness with 6 deg of structural pronation
on both sides (an illustration; named foot conditions with their sources are a later issue).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .model import Model
from .statics import solve


def main(out: str = "demo.png") -> int:
    t0 = time.perf_counter()
    neutral = Model()
    flat = Model(both__arch_stiffness_n_per_mm=0.4 * neutral["left.arch_stiffness_n_per_mm"],
                 both__pronation_deg=6.0)
    a, b = solve(neutral), solve(flat)
    t1 = time.perf_counter()
    print("chainsim demo: neutral feet -> flat feet (soft arch, 6 deg structural pronation)")
    print(a.table(b))
    print(f"\nsolved both in {t1 - t0:.2f} s (including start-up)")

    from .compare import compare
    from .figures import save
    from .plot import cascade, overlay

    import matplotlib.pyplot as plt

    c = compare(a, b, labels=("neutral", "flat feet"))
    fig, axes = plt.subplots(1, 3, figsize=(9.5, 4.5), layout="constrained",
                             gridspec_kw={"width_ratios": [0.7, 0.7, 2.0]})
    for ax, view in zip(axes[:2], ("frontal", "sagittal")):
        overlay(c, view=view, ax=ax, exaggerate=5, legend=False)   # changes drawn 5x larger
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper left", fontsize=8, ncols=2)
    cascade(c, ax=axes[2])
    save(fig, Path(out))
    print(f"figure written to {Path(out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
