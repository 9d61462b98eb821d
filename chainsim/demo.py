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

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plot import cascade, skeleton

    fig, axes = plt.subplots(1, 3, figsize=(9, 4.5), gridspec_kw={"width_ratios": [0.6, 0.6, 2.0]})
    for ax, view in zip(axes[:2], ("frontal", "sagittal")):
        skeleton(a, view=view, ax=ax, color="0.6", label="neutral")
        skeleton(b, view=view, ax=ax, color="tab:red", label="flat feet")
    axes[0].legend(loc="upper right", fontsize=8)
    cascade(a, b, ax=axes[2])
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    print(f"figure written to {Path(out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
