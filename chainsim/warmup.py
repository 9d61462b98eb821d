"""``python -m chainsim warmup`` (``make warmup``): compile every kernel ahead of a lesson.

A fresh install compiles numba's kernels on their first use (the first solve about a minute,
the first impact about half a minute) and caches them on disk; this does it once, beforehand:
the statics (one solve), the parallel batch, one impact and a batch of impacts.  With a warm
cache it takes a second or two.
"""

from __future__ import annotations

import sys
import time


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if argv:
        print(f"chainsim warmup: takes no arguments (got {' '.join(argv)})", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    import chainsim as cs
    from chainsim.core.jit import CACHE

    models = [cs.Model(), cs.Model(both__wedge_deg=5.0)]
    steps = (("statics (solve)", lambda: cs.solve()),
             ("batch (solve_batch)", lambda: cs.solve_batch(models)),
             ("impact", lambda: cs.impact(None)),
             ("impact batch", lambda: cs.impact_batch(models)))
    for name, step in steps:
        t = time.perf_counter()
        step()
        print(f"{name:24s} {time.perf_counter() - t:6.1f} s", flush=True)
    where = ("cached on disk: the next processes start at once" if CACHE
             else "CHAINSIM_CACHE=0: nothing cached, each process compiles again")
    print(f"ready in {time.perf_counter() - t0:.0f} s ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
