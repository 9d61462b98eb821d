"""Throughput of a 1,000,000-point sweep with storage, against the bare batch kernel.

Run as ``.venv/bin/python benchmarks/sweep.py`` (about 10 minutes on the 2-core development
machine); ``--side 300`` runs a 90,000-point version in about a minute.  Prints a markdown table.

The sweep is a ``side x side`` grid of ``both.arch_stiffness_n_per_mm`` (30..400) x
``both.pronation_deg`` (-10..15), every public output stored in a Zarr store on disk, computed
in this machine's process with 1 and with 2 numba threads.  Each thread count runs in a fresh
process (after a warm-up, so without compilation), so that its peak memory (``ru_maxrss``) is
its own:

* **sweep**: ``chainsim.sweep.run(spec, store, threads=t)``, everything included (creating the
  store, building each chunk's columns, solving, storing every output, marking chunks done,
  the summary, opening the result);
* **bare kernel**: ``chainsim.solve_columns`` on the same points in the same chunks (only the
  call timed), half of the chunks before the sweep and half after it, so that a change of the
  machine's load (it is shared) hits both alike;
* **overhead**: sweep time / bare time - 1 (target: under 10%).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_OVERHEAD = 0.10


def _spec(side):
    from chainsim.sweep import grid

    return grid({"both.arch_stiffness_n_per_mm": {"start": 30, "stop": 400, "num": side},
                 "both.pronation_deg": {"start": -10, "stop": 15, "num": side}})


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # KiB on Linux


def child(threads: int, side: int, store: str) -> dict:
    """Both measurements in this (fresh) process: bare kernel on half the chunks, the sweep,
    the bare kernel on the other half (so a change of the machine's load hits both alike)."""
    import chainsim as cs
    from chainsim.sweep import designs, run
    from chainsim.sweep.spec import DEFAULT_CHUNK

    spec = _spec(side)
    cs.solve_columns({"both.wedge_deg": [0.0, 1.0]}, threads=threads)        # warm-up
    import xarray  # noqa: F401  (imports counted in the baseline, not the sweep)
    import zarr  # noqa: F401

    base = _rss_mb()
    layout = designs.Layout.of(spec, DEFAULT_CHUNK)

    def bare(ks):
        seconds = 0.0
        for k in ks:
            cols = designs.columns(spec, layout, k)
            t = time.perf_counter()
            cs.solve_columns(cols, threads=threads)
            seconds += time.perf_counter() - t
        return seconds

    ks = range(layout.nchunks)
    bare_s = bare(ks[::2])
    t = time.perf_counter()
    ds = run(spec, store, threads=threads)
    sweep_s = time.perf_counter() - t
    peak = _rss_mb()
    bare_s += bare(ks[1::2])
    disk = sum(f.stat().st_size for f in Path(store).rglob("*") if f.is_file())
    return {"threads": threads, "points": spec.size, "bare": bare_s, "sweep": sweep_s,
            "base_mb": base, "peak_mb": peak, "status": cs.sweep.counts(ds),
            "disk_mb": disk / 2**20}


def measure(threads, side, store):
    out = subprocess.run([sys.executable, __file__, "--child", str(threads), str(side), store],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=1000, help="grid is side x side (default 1000)")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        threads, side, store = args.child
        print(json.dumps(child(int(threads), int(side), store)))
        return
    import chainsim as cs
    from chainsim.statics import SOLVED

    cs.solve_columns({"both.wedge_deg": [0.0, 1.0]})                          # compile once
    tmp = Path(tempfile.mkdtemp(prefix="chainsim-sweep-bench-"))
    rows = []
    try:
        for t in args.threads:
            r = measure(t, args.side, str(tmp / f"sweep{t}.zarr"))
            shutil.rmtree(tmp / f"sweep{t}.zarr", ignore_errors=True)
            rows.append(r)
            print(f"threads {t}: bare {r['bare']:.1f} s, sweep {r['sweep']:.1f} s", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = rows[0]["points"]
    print(f"\nSweep of {n:,} points ({args.side} x {args.side} grid, every public output "
          f"stored in Zarr), {os.cpu_count()} cores\n")
    print("| threads | bare kernel (points/s) | sweep with storage (points/s) | overhead | "
          "peak memory (RSS) | of which before the sweep |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        over = r["sweep"] / r["bare"] - 1
        flag = "met" if over < TARGET_OVERHEAD else "**not met**"
        print(f"| {r['threads']} | {n / r['bare']:,.0f} | {n / r['sweep']:,.0f} | "
              f"{over:+.1%} ({flag}) | {r['peak_mb']:,.0f} MiB | {r['base_mb']:,.0f} MiB |")
    last = rows[-1]
    failed = {k: v for k, v in last["status"].items() if v and k not in SOLVED}
    print(f"\nstore on disk: {last['disk_mb']:,.0f} MiB; statuses: ok {last['status']['ok']:,}, "
          f"slipping {last['status']['slipping']:,}, failed {failed or 0}")
    print(f"targets: overhead under {TARGET_OVERHEAD:.0%}; memory well under 1 GiB")


if __name__ == "__main__":
    main()
