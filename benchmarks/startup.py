"""Start-up: how long a new Python process takes to ``import chainsim``, to its first solve and
to its first impact, with an empty numba cache (a fresh install) and with a warm one.

Run as ``.venv/bin/python benchmarks/startup.py [--warm N] [--no-cold]``; prints a markdown
table (readable as plain text).

Each run is a new process (``subprocess``) timing, inside itself, ``import chainsim``, then
``chainsim.solve()``, then ``chainsim.impact(None)``, and its whole life from the outside
(interpreter start-up included).  The cache is a new, empty temporary directory named by
``NUMBA_CACHE_DIR`` (numba's own cache locator: nothing next to the sources is read or
written, see ``chainsim/core/jit.py``): the first run compiles every kernel into it ("cold"),
the next ``--warm`` runs load them from it ("warm").  The cold run also reports the
compilations numba made (its ``numba:compile`` events): each entry kernel's time and that of
the kernels it compiled inside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from numba.core import event

compiles, stack = [], []

class Listener(event.Listener):
    def on_start(self, e):
        stack.append((time.perf_counter(), e.data["dispatcher"].py_func))
    def on_end(self, e):
        t, f = stack.pop()
        if len(stack) <= 1:
            compiles.append((len(stack), f"{f.__module__}.{f.__qualname__}",
                             time.perf_counter() - t))

if sys.argv[1] == "1":
    event.register("numba:compile", Listener())
t = time.perf_counter()
import chainsim as cs
out = {"import": time.perf_counter() - t}
t = time.perf_counter()
cs.solve()
out["solve"] = time.perf_counter() - t
t = time.perf_counter()
cs.impact(None)
out["impact"] = time.perf_counter() - t
out["compiles"] = compiles
print(json.dumps(out))
"""


def run(cache: str, profile: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CHAINSIM_CACHE",)}
    env.update(NUMBA_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, "1" if profile else "0"], env=env,
                       cwd=ROOT, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - t
    if p.returncode:
        sys.exit(p.stderr)
    out = json.loads(p.stdout.splitlines()[-1])
    out["process"] = wall
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warm", type=int, default=3, help="warm runs (median reported)")
    ap.add_argument("--no-cold", action="store_true",
                    help="skip the cold run (then the first of the warm runs fills the cache)")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="chainsim-numba-cache-") as cache:
        if a.no_cold:
            run(cache, False)
        else:
            cold = run(cache, True)
            rows.append(("empty cache (first run)", [cold]))
        warm = [run(cache, False) for _ in range(a.warm)]
        rows.append((f"warm cache (median of {a.warm})", warm))
    import numba
    print(f"Python {platform.python_version()}, numba {numba.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}\n")
    print("| cache | import chainsim (s) | first solve (s) | first impact (s) | process (s) |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in rows:
        med = {k: statistics.median(r[k] for r in runs)
               for k in ("import", "solve", "impact", "process")}
        print(f"| {name} | {med['import']:.2f} | {med['solve']:.2f} | {med['impact']:.2f} | "
              f"{med['process']:.2f} |")
    if not a.no_cold:
        print("\nCompilations of the cold run (entry kernels, and those compiled inside them "
              "taking over 1 s):\n")
        inner = []                    # a kernel's inner compilations end before it does
        for depth, name, seconds in cold["compiles"]:
            if depth:
                inner.append((name, seconds))
                continue
            print(f"- {name}: {seconds:.1f} s")
            for n, s in inner:
                if s > 1:
                    print(f"    - {n}: {s:.1f} s")
            inner = []
    return 0


if __name__ == "__main__":
    sys.exit(main())
