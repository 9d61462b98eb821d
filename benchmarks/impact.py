"""Throughput of impacts: chainsim's batch kernel against ``mujoco.rollout`` on the exported
model, the same batch in the same run.

    .venv/bin/python benchmarks/impact.py [--n 1000] [--threads 2]

Each impact: running heel strike, 0.2 s at a 0.2 ms step (1,000 steps), the subjects differing
in arch stiffness (30 to 400 N/mm).  chainsim runs its whole impact (contacts with tissue and
shoe laws, recorded joint forces, scalars); MuJoCo steps the exported model (same bodies,
joints, linearised joint springs and dampers, sphere contacts on a plane, its implicitfast
integrator) from the same touchdown states, with as many threads.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()

    import mujoco
    from mujoco import rollout

    import chainsim as cs
    from chainsim import dynamics as D
    from chainsim.export import to_mjcf

    n, h, dur = a.n, 2e-4, 0.2
    arch = np.linspace(30, 400, n)
    cols = {"both.arch_stiffness_n_per_mm": arch}
    cs.impact_batch({"both.arch_stiffness_n_per_mm": arch[:2]}, threads=a.threads)   # compile
    t = time.perf_counter()
    b = cs.impact_batch(cols, "running_heel_strike", threads=a.threads, step_s=h, duration_s=dur)
    t_cs = time.perf_counter() - t
    statuses = dict(zip(*np.unique(np.asarray(b.scalars["status"], dtype=str),
                                   return_counts=True)))

    o = D.check_options("running_heel_strike", {"step_s": h})
    theta = D._theta(cols, o["shod"])
    q0, v0, posture = D._initial(theta, o)
    models = [mujoco.MjModel.from_xml_string(to_mjcf(theta=theta[i], posture=posture[i],
                                                     timestep=h)) for i in range(n)]
    datas = [mujoco.MjData(models[0]) for _ in range(a.threads)]
    spec = mujoco.mjtState.mjSTATE_FULLPHYSICS
    nstate = mujoco.mj_stateSize(models[0], spec)
    init = np.zeros((n, nstate))
    for i in range(n):
        d = mujoco.MjData(models[i])
        d.qpos[:] = q0[i]
        d.qvel[:] = v0[i]
        mujoco.mj_getState(models[i], d, init[i], spec)
    nstep = int(round(dur / h))
    chunk = 50
    t = time.perf_counter()
    for s in range(0, n, chunk):
        rollout.rollout(models[s:s + chunk], datas, init[s:s + chunk], nstep=nstep)
    t_mj = time.perf_counter() - t

    print(f"{n} impacts of {dur} s at {h * 1e3:g} ms ({nstep} steps each), {a.threads} threads")
    print("| engine | wall time (s) | impacts/s | steps/s |")
    print("|---|---|---|---|")
    for name, tt in (("chainsim (impact_batch)", t_cs), ("MuJoCo (mujoco.rollout)", t_mj)):
        print(f"| {name} | {tt:.2f} | {n / tt:,.0f} | {n * nstep / tt:,.0f} |")
    print(f"\nchainsim / MuJoCo throughput ratio: {t_mj / t_cs:.2f}")
    print(f"chainsim's statuses at this step (its accuracy check runs each impact at 2h too): "
          f"{statuses}")


if __name__ == "__main__":
    main()
