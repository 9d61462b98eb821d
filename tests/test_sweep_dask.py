"""The Dask executor: chunks solved by workers of a LocalCluster give the dataset of an
in-process run, bit for bit (given a Client, or a scheduler's address)."""

from __future__ import annotations

import distributed
import pytest

from chainsim.sweep import grid, run, sample
from test_sweep import FEW, FIXED, RANGES, assert_bitwise

pytest.importorskip("zarr", minversion="3")

SPEC = grid({"both.arch_stiffness_n_per_mm": [50.0, 150.0, 400.0],
             "both.pronation_deg": [-5.0, 0.0, 5.0, 10.0]}, fixed=FIXED, outputs=FEW)


@pytest.fixture(scope="module")
def threaded_cluster():
    """A worker in this process with two threads (each task runs numba on one)."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=":0") as cluster:
        yield cluster


def test_dask_client_equals_in_process(threaded_cluster, tmp_path):
    with distributed.Client(threaded_cluster) as client:
        remote = run(SPEC, tmp_path / "dask.zarr", scheduler=client, chunk_size=2)
    local = run(SPEC, tmp_path / "local.zarr", threads=1, chunk_size=5)
    assert_bitwise(remote, local)


def test_dask_scheduler_address_and_a_sampled_design(threaded_cluster):
    spec = sample(RANGES, 32, design="sobol", seed=11, outputs=FEW)
    remote = run(spec, scheduler=threaded_cluster.scheduler_address, chunk_size=5)
    assert_bitwise(remote, run(spec, chunk_size=32))


def test_dask_worker_process(tmp_path):
    """A separate worker process: the task is pickled, chainsim imported there."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        remote = run(SPEC, tmp_path / "proc.zarr", scheduler=client, chunk_size=4)
    assert_bitwise(remote, run(SPEC, threads=2))
