"""Time one update of the Jupyter explorer (target: under 0.2 s).

An update is what a slider change does: solve the new equilibrium through the compiled batch
kernel, redraw the skeletons and the cascade, render the figure (Agg) and encode it as the PNG
the explorer's image widget shows.  The widgets are built as in a notebook (no browser).

    .venv/bin/python benchmarks/explorer.py [updates]
"""

from __future__ import annotations

import sys
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from chainsim.widgets import CONTROLS, Explorer  # noqa: E402
from chainsim.insoles import CATALOGUE  # noqa: E402


def main(n: int = 40) -> int:
    t0 = time.perf_counter()
    ex = Explorer()
    t_open = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    insoles = ["none", *CATALOGUE]
    ex.widget                                       # build the sliders and the image widget
    solve_t, update_t = [], []
    ex.set(pronation_deg=2.0)                       # warm: the first draw caches fonts
    for k in range(n):
        name = list(CONTROLS)[k % len(CONTROLS)]
        _, lo, hi, _ = CONTROLS[name]
        value = float(rng.uniform(lo, hi))
        t = time.perf_counter()
        ex._solve(ex.model())
        solve_t.append(time.perf_counter() - t)
        if k % 5 == 4:
            ex.set(insole=insoles[k % len(insoles)])
        else:
            ex._widgets[name].value = value         # as a slider moved in the browser
        update_t.append(ex.timings[-1])

    def row(label, xs):
        xs = np.array(xs) * 1e3
        return f"| {label} | {np.median(xs):.1f} | {np.percentile(xs, 90):.1f} | {xs.max():.1f} |"

    print(f"explorer opened in {t_open:.2f} s (first solve, first figure); {n} updates")
    print("| step | median (ms) | 90th percentile (ms) | max (ms) |")
    print("|---|---|---|---|")
    print(row("solve (batch kernel, one point)", solve_t))
    print(row("update: solve, redraw, render, PNG", update_t))
    med = np.median(update_t)
    print(f"target: an update under 200 ms -> {'met' if med < 0.2 else 'NOT met'} "
          f"(median {med * 1e3:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:])))
