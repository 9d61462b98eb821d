"""``make demo``: a neutral and a flat-footed subject, the change at each joint, and a figure.

The flat foot is the ``flat_foot`` preset on both sides (``chainsim.apply_presets``; its values
and sources: ``chainsim.CONDITIONS["flat_foot"]``), the same as in the notebooks and the CLI.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .conditions import CONDITIONS, apply_presets
from .model import Model
from .statics import solve


def main(out: str = "demo.png") -> int:
    t0 = time.perf_counter()
    neutral = Model()
    flat = apply_presets(neutral, "both=flat_foot")
    a, b = solve(neutral), solve(flat)
    t1 = time.perf_counter()
    print("chainsim demo: neutral feet -> flat feet (the flat_foot preset, both sides)")
    print(CONDITIONS["flat_foot"].doc)
    print(a.table(b))
    print(f"\nsolved both in {t1 - t0:.2f} s (including start-up)")

    from .compare import compare
    from .figures import save
    from .plot import cascade, overlay

    from .plot import new_figure

    c = compare(a, b, labels=("neutral", "flat feet"))
    fig = new_figure((12, 6))
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [0.7, 0.7, 2.0]})
    for ax, view in zip(axes[:2], ("frontal", "sagittal")):
        overlay(c, view=view, ax=ax, exaggerate=5, legend=False)   # changes drawn 5x larger
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower left", fontsize=9, ncols=2)
    cascade(c, ax=axes[2])
    save(fig, Path(out))
    print(f"figure written to {Path(out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
