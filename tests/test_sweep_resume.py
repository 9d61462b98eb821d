"""Streaming storage with resume: ``chainsim sweep`` killed part-way (a real process, SIGKILL)
and run again finishes the sweep without recomputing the chunks already stored, and the result
equals an uninterrupted run; a store holding another sweep is never overwritten silently."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chainsim import cli
from chainsim.sweep import StoreError, done_chunks, grid, load_spec, run
from test_sweep import assert_bitwise

pytest.importorskip("zarr", minversion="3")

ROOT = Path(__file__).resolve().parent.parent
NCHUNKS = 60
SPEC = f"""\
[sweep]
design = "grid"
chunk_size = 100
outputs = ["left.navicular_drop_mm", "left.tibial_rotation_deg", "pelvis.tilt_deg"]

[axes]
"both.arch_stiffness_n_per_mm" = {{ start = 30, stop = 400, num = {NCHUNKS} }}
"both.pronation_deg" = {{ start = -10, stop = 15, num = 100 }}
"""


def _sweep(spec, store, *extra):
    return [sys.executable, "-m", "chainsim", "sweep", str(spec), "--out", str(store),
            "--threads", "1", *extra]


def _done(store) -> set:
    try:
        return done_chunks(store)
    except Exception:                            # not created yet
        return set()


def _chunk_files(store: Path, k: int) -> dict:
    """Every file of chunk k (a block of one arch stiffness x all 100 pronations)."""
    return {p: p.stat().st_mtime_ns for p in store.glob(f"*/c/{k}/0")}


def test_killed_sweep_resumes_without_recomputing_finished_chunks(tmp_path):
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(SPEC)
    store = tmp_path / "out.zarr"
    proc = subprocess.Popen(_sweep(spec_file, store, "--quiet"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    try:
        while len(_done(store)) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        out, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode()
    before = _done(store)
    if len(before) == NCHUNKS:
        pytest.skip("the sweep finished before it could be killed")
    assert len(before) >= 3
    files = {k: _chunk_files(store, k) for k in before}
    assert all(files.values())

    again = subprocess.run(_sweep(spec_file, store), cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    m = re.search(r"(\d+) already done, computing (\d+)", again.stderr)
    assert m, again.stderr
    assert int(m.group(1)) == len(before)
    assert int(m.group(2)) == NCHUNKS - len(before)
    assert "6,000 points: " in again.stderr            # the summary
    assert _done(store) == set(range(NCHUNKS))
    for k in before:                                  # finished chunks were not written again
        assert _chunk_files(store, k) == files[k], k

    uninterrupted = run(load_spec(spec_file), chunk_size=1000)
    assert_bitwise(run(load_spec(spec_file), store), uninterrupted)


def test_a_store_of_another_sweep_is_refused(tmp_path, capsys):
    store = tmp_path / "s.zarr"
    a = grid({"both.wedge_deg": [0.0, 5.0]}, outputs=["pelvis.tilt_deg"])
    b = grid({"both.wedge_deg": [0.0, 5.0, 10.0]}, outputs=["pelvis.tilt_deg"])
    first = run(a, store).load()
    stamp = (store / "zarr.json").stat().st_mtime_ns
    with pytest.raises(StoreError, match=r"another sweep .*\[axes\].*--overwrite"):
        run(b, store)
    assert (store / "zarr.json").stat().st_mtime_ns == stamp
    assert_bitwise(run(a, store), first)                 # the same sweep: reopened, untouched
    replaced = run(b, store, overwrite=True)
    assert replaced.sizes["param.both.wedge_deg"] == 3
    assert json.loads(replaced.attrs["sweep_spec"])["axes"]["both.wedge_deg"] == [0.0, 5.0, 10.0]


def test_cli_refuses_another_sweep_and_overwrites_on_request(tmp_path, capsys):
    spec_a, spec_b = tmp_path / "a.toml", tmp_path / "b.toml"
    spec_a.write_text('[sweep]\noutputs = ["pelvis.tilt_deg"]\n[axes]\n"both.wedge_deg" = [0, 5]\n')
    spec_b.write_text('[sweep]\noutputs = ["pelvis.tilt_deg"]\n[axes]\n"both.wedge_deg" = [0, 9]\n')
    store = tmp_path / "s.zarr"
    assert cli.main(["sweep", str(spec_a), "--out", str(store), "--quiet"]) == 0
    assert cli.main(["sweep", str(spec_b), "--out", str(store), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "holds another sweep" in err and "--overwrite" in err
    assert cli.main(["sweep", str(spec_b), "--out", str(store), "--quiet", "--overwrite"]) == 0


def test_what_is_not_a_zarr_store_is_never_removed(tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me")
    spec = grid({"both.wedge_deg": [0.0]}, outputs=["pelvis.tilt_deg"])
    for overwrite in (False, True):
        with pytest.raises(StoreError, match="not a chainsim sweep store"):
            run(spec, precious, overwrite=overwrite)
    assert (precious / "thesis.txt").read_text() == "keep me"


def test_resume_keeps_the_store_chunking(tmp_path):
    spec = grid({"both.wedge_deg": [0.0, 2.0, 4.0, 6.0]}, outputs=["pelvis.tilt_deg"])
    store = tmp_path / "c.zarr"
    run(spec, store, chunk_size=2)
    logged = []
    run(spec, store, log=logged.append)               # no chunk size: the store's
    assert "2 already done, computing 0" in logged[0]
    with pytest.raises(StoreError, match="chunks of"):
        run(spec, store, chunk_size=3)
