"""Throughput of the static solver, against the project's targets.

Run as ``.venv/bin/python benchmarks/static.py``; prints a markdown table (readable as plain text).

Measures, in one run:

* solves per second of ``chainsim.solve_columns`` on a 100 x 100 grid (both feet's arch
  stiffness 30..400 N/mm x ``both.pronation_deg`` -10..15) with one thread and with all of
  numba's threads, median of repeats after a warm-up: the one-off compilation, then one
  full-size run, reported apart (a process's first use of that much memory is slower: on the
  development VM, by up to ~20% for the first run or two);
  and with one thread on the same grid of the left foot only (a mirror-symmetric model's
  steps need only its symmetric postures; an asymmetric one's all 31 coordinates);
* the route a user would otherwise take: ``scipy.optimize.minimize`` of the same compiled energy
  V(q; r) from the solver's own initial guess (``initial_guess(loaded=True)``, where chainsim
  starts), on a 10 x 10 sub-grid of those points.  scipy
  is handed the postural setpoints r that chainsim found, which it could not know by itself
  (chainsim finds them as part of its solve), so the ratio is conservative;
* the time of a new Python process's ``import chainsim; chainsim.solve()`` with the numba cache
  warm (the second of two runs);
* the status counts of the grid and its mean number of iterations.
"""

from __future__ import annotations

import hashlib
import os
import platform
import statistics
import subprocess
import sys
import time

# scipy's BLAS on one thread, set before numpy loads it: the comparison is per core, and on a
# busy machine OpenBLAS's spinning worker threads slow small problems down by up to 100x.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numba  # noqa: E402
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.optimize  # noqa: E402

import chainsim as cs  # noqa: E402
from chainsim._generated import layout  # noqa: E402
from chainsim.core import energy, jit, start  # noqa: E402

REPEATS = 3
N_SIDE = 100                       # grid is N_SIDE x N_SIDE
SUB = np.linspace(0, N_SIDE - 1, 10).round().astype(int)   # 10 x 10 sub-grid for scipy
TOL = cs.statics.TOL               # chainsim's tolerance: largest generalized force, body weights
TARGET_PER_CORE = 20_000           # solves / s on one core
TARGET_RATIO = 100                 # times faster than the scipy route
TARGET_FIRST = 2.0                 # s, first solve in a new process (warm cache)
# scipy methods timed: its default (BFGS, given the energy's value only, as a user without
# chainsim's compiled derivatives would call it), two given the exact Hessian, one the gradient
# only.  (Newton-CG is left out: from the neutral guess it ends far from the minimum on some of
# these points.)  The target is checked against the default route; the others show how much of
# the gap is chainsim's compiled derivatives.
DEFAULT = "BFGS"
METHODS = (DEFAULT, "trust-exact", "trust-ncg", "L-BFGS-B")
EXACT_HESSIAN = ("trust-exact", "trust-ncg")


def grid(side="both"):
    """The benchmark grid; ``side="left"`` varies the left foot only (an asymmetric model,
    which the solver cannot reduce to its symmetric postures)."""
    arch, pron = np.meshgrid(np.linspace(30.0, 400.0, N_SIDE), np.linspace(-10.0, 15.0, N_SIDE),
                             indexing="ij")
    return {f"{side}.arch_stiffness_n_per_mm": arch.ravel(), f"{side}.pronation_deg": pron.ravel()}


def time_grid(cols, threads):
    """Median wall and process CPU time of ``solve_columns`` over REPEATS, and the last result."""
    wall, cpu = [], []
    for _ in range(REPEATS):
        t, c = time.perf_counter(), time.process_time()
        b = cs.solve_columns(cols, threads=threads)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu), b


class Energy:
    """V(q; r) of one model for scipy: value and gradient, and the Hessian of the last point
    (kept so that scipy's ``hess`` call at the same q costs nothing)."""

    def __init__(self, theta, r):
        self.theta, self.r, self.w = theta, r, energy.new_work()
        energy.set_reference(theta, self.w, np.zeros(layout.NQ))
        self.g, self.H = np.zeros(layout.NQ), np.zeros((layout.NQ, layout.NQ))
        self.x = None

    def fun(self, q):
        v = energy.total_energy(q, self.r, self.theta, self.w, self.g, self.H)
        self.x = q.copy()
        return v, self.g.copy()

    def hess(self, q):
        if self.x is None or not np.array_equal(q, self.x):
            self.fun(q)
        return self.H.copy()


def scipy_route(b, idx, method):
    """Minimise V(q; r*) with scipy for the points ``idx`` of batch result ``b``.

    Returns (seconds per point, largest |q - q_chainsim|, points whose largest generalized
    force is within chainsim's tolerance, points scipy reported as successful).
    """
    exact = method in EXACT_HESSIAN
    value_only = method == DEFAULT
    elapsed, err, within, success = 0.0, 0.0, 0, 0
    for i in idx:
        mg = b.theta[i, layout.G_MASS] * b.theta[i, layout.G_GRAVITY]
        if method == "L-BFGS-B":
            opts = {"gtol": TOL * mg, "ftol": 0.0, "maxiter": 5000}
        elif value_only:              # finite-difference gradients cannot reach 1e-9 BW
            opts = {"gtol": 1e-6 * mg}
        else:
            opts = {"gtol": TOL * mg}
        e = Energy(b.theta[i], b.r[i])
        q0, r0 = np.zeros(layout.NQ), np.zeros(layout.NR)
        # chainsim's start
        start.initial_guess(b.theta[i], energy.new_work(), start.new_start_work(), q0, r0, True)
        t = time.perf_counter()
        if value_only:
            o = scipy.optimize.minimize(lambda q: e.fun(q)[0], q0, method=method, options=opts)
        else:
            o = scipy.optimize.minimize(e.fun, q0, jac=True, hess=e.hess if exact else None,
                                        method=method, options=opts)
        elapsed += time.perf_counter() - t
        _, g = e.fun(o.x)
        err = max(err, float(np.abs(o.x - b.q[i]).max()))
        within += bool(np.abs(g).max() < TOL * mg)
        success += bool(o.success)
    return elapsed / len(idx), err, within, success


def core_digest():
    """Digest of the compiled core's sources (a change during the run invalidates it)."""
    h = hashlib.sha256()
    for d in (d for layer in jit._LAYERS for d in layer):
        for f in sorted(d.glob("*.py")):
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def first_solve():
    """Seconds for a new process to import chainsim and solve once (second of two runs)."""
    code = ("import time; t=time.perf_counter(); import chainsim; chainsim.solve(); "
            "print(time.perf_counter()-t)")
    out = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout for _ in range(2)]
    return float(out[-1].split()[-1])


def main():
    digest = core_digest()
    load = os.getloadavg()[0]
    cols = grid()
    n = len(next(iter(cols.values())))
    cs.solve_columns({k: v[:256] for k, v in cols.items()})           # warm up (compile / load)
    # a first full-size run: the process's first use of this much memory (reported apart)
    t_cold = time.perf_counter()
    cs.solve_columns(cols, threads=1)
    t_cold = time.perf_counter() - t_cold
    t1, cpu1, b = time_grid(cols, 1)
    tall, _, ball = time_grid(cols, None)
    t1_left, _, b_left = time_grid(grid("left"), 1)
    same = np.array_equal(b.q, ball.q)

    idx = (SUB[:, None] * N_SIDE + SUB[None, :]).ravel()
    idx = idx[b.ok[idx]]                   # only points chainsim solved (their r is meaningful)
    routes = {m: scipy_route(b, idx, m) for m in METHODS} if len(idx) else {}
    t_first = first_solve()

    per_point = t1 / n
    names, counts = np.unique(b.status, return_counts=True)
    yes = lambda ok: "yes" if ok else "NO"  # noqa: E731
    rows = [
        ("machine", f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), numba "
                    f"{numba.__version__} with {numba.get_num_threads()} threads, OpenBLAS threads "
                    f"{os.environ['OPENBLAS_NUM_THREADS']}, load average {load:.2f} at the start, "
                    f"{os.getloadavg()[0]:.2f} at the end", "", ""),
        ("versions", f"Python {platform.python_version()}, numpy {np.__version__}, "
                     f"scipy {scipy.__version__}", "", ""),
        ("grid", f"{N_SIDE} x {N_SIDE} = {n} points, arch 30..400 N/mm x pronation -10..15 deg; "
                 f"median of {REPEATS} runs", "", ""),
        ("solves/s, 1 thread", f"{1 / per_point:,.0f} ({per_point * 1e6:.0f} us per solve; "
                               f"per CPU-second, blind to other users' load: {n / cpu1:,.0f})",
         f">= {TARGET_PER_CORE:,}", yes(1 / per_point >= TARGET_PER_CORE)),
        ("solves/s, 1 thread, the first full-size run in this process (not counted above)",
         f"{n / t_cold:,.0f} ({t_cold / n * 1e6:.0f} us per solve)", "", ""),
        ("solves/s, 1 thread, the left foot only varied (asymmetric: all 31 coordinates)",
         f"{n / t1_left:,.0f} ({t1_left / n * 1e6:.0f} us per solve; mean iterations "
         f"{b_left.iterations.mean():.2f}, {int(b_left.ok.sum())} ok)", "", ""),
        (f"solves/s, {numba.get_num_threads()} threads",
         f"{n / tall:,.0f} ({t1 / tall:.2f}x one thread; same q as one thread: {same})", "", ""),
        ("status counts", ", ".join(f"{s}: {c}" for s, c in zip(names, counts)), "", ""),
        ("mean iterations", f"{b.iterations.mean():.2f} (max {b.iterations.max()})", "", ""),
    ]
    best = DEFAULT if routes else None
    kinds = {DEFAULT: "default: energy value only", "L-BFGS-B": "gradient only"}
    for m, (t, err, within, success) in routes.items():
        ratio = t / per_point
        rows.append((
            f"scipy {m} ({kinds.get(m, 'exact gradient and Hessian')})",
            f"{t * len(idx):.2f} s for {len(idx)} points, {t * 1e3:.2f} ms per point = "
            f"{ratio:.1f}x chainsim's time per solve on one thread; largest q error vs "
            f"chainsim {err:.1e}; {within}/{len(idx)} reach chainsim's force tolerance, "
            f"{success}/{len(idx)} report success",
            f">= {TARGET_RATIO}x" if m == best else "(for comparison)",
            yes(ratio >= TARGET_RATIO) if m == best else ""))
    if not routes:
        rows.append(("scipy route", "not run: no point of the sub-grid solved",
                     f">= {TARGET_RATIO}x", "NO"))
    rows.append(("first solve in a new process (warm cache)", f"{t_first:.2f} s",
                 f"<= {TARGET_FIRST:g} s", yes(t_first <= TARGET_FIRST)))

    if core_digest() != digest:
        print("WARNING: the compiled core's sources changed during this run; rerun.\n")
    print("| measure | value | target | met |\n|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print(f"\nscipy routes: scipy.optimize.minimize(V(q; r), x0 = the solver's own initial "
          f"guess) on the {len(idx)} points of a 10 x 10 sub-grid that chainsim solved.  "
          f"{DEFAULT} (scipy's default) gets the energy's value only (gtol 1e-6 body weights: "
          f"finite differences reach no further); the others get chainsim's compiled gradient "
          f"(jac=True, gtol = {TOL:g} body weights), {' and '.join(EXACT_HESSIAN)} also its "
          f"exact Hessian.  scipy is given chainsim's postural setpoints r for free (chainsim "
          f"finds them in its solve), so the ratios are conservative.  Times exclude building "
          f"the energy wrapper and the initial guess.  The target ratio is checked against "
          f"the default route.")

if __name__ == "__main__":
    main()
