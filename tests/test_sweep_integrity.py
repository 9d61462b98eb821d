"""A sweep store's integrity: whatever happens to it (a SIGKILL or SIGINT at any moment, files of
finished chunks deleted, truncated or with flipped bytes, damaged metadata, the progress group
removed, a killed write's temporary file), resuming it or ``--verify`` ends with the result of
an uninterrupted run, bit for bit; ``--overwrite`` always replaces a damaged store of chainsim's
and never removes anything else; sizes are checked before anything is made; and the command
line refuses bad input with one line and exit status 2."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import chainsim as cs
from chainsim import cli
from chainsim.params import ParameterError
from chainsim.sweep import SpecError, StoreError, done_chunks, grid, load_spec, run, sample, verify
from chainsim.sweep import budget
from chainsim.sweep.store import PROGRESS, open_store
from test_sweep import assert_bitwise

pytest.importorskip("zarr", minversion="3")

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ["left.navicular_drop_mm", "pelvis.tilt_deg", "left.toe_extension_deg"]
AXES = {"both.arch_stiffness_n_per_mm": {"start": 40, "stop": 400, "num": 20},
        "left.toe_extension_deg": {"start": 0, "stop": 20, "num": 10}}
NCHUNKS = 20                                     # chunks of 1 x 10 points


@pytest.fixture(scope="module")
def spec():
    return grid(AXES, outputs=OUTPUTS, chunk_size=10)


@pytest.fixture(scope="module")
def reference(spec):
    return run(spec, chunk_size=64).load()


@pytest.fixture
def store(spec, tmp_path):
    path = tmp_path / "s.zarr"
    run(spec, path)
    return path


def _flip(path: Path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncate(path: Path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


DAMAGE = {
    "data chunk deleted": lambda s: (s / "pelvis.tilt_deg" / "c" / "3" / "0").unlink(),
    "data chunk truncated": lambda s: _truncate(s / "left.navicular_drop_mm" / "c" / "5" / "0"),
    "data chunk bytes flipped": lambda s: _flip(s / "pelvis.tilt_deg" / "c" / "7" / "0"),
    "status chunk deleted": lambda s: (s / "status" / "c" / "2" / "0").unlink(),
    "status chunk bytes flipped": lambda s: _flip(s / "status" / "c" / "9" / "0"),
    "an array's metadata damaged": lambda s: (s / "residual" / "zarr.json").write_text("{"),
    "an array's metadata removed": lambda s: (s / "iterations" / "zarr.json").unlink(),
    "the root metadata damaged": lambda s: (s / "zarr.json").write_text("not json"),
    "a coordinate damaged": lambda s: _flip(
        s / "param.left.toe_extension_deg" / "c" / "0"),
    "the progress group removed": lambda s: __import__("shutil").rmtree(s / PROGRESS),
    "the checksums damaged": lambda s: _truncate(s / PROGRESS / "checksum" / "c" / "0"),
    "the marker damaged": lambda s: (s / "sweep_store" / "zarr.json").write_text("[]"),
    "a temporary file left": lambda s: (s / "status" / "c" / "4" / "0.1f2e.partial").write_bytes(
        b"half"),
}


def _head(logged) -> str:
    """The line that says what a run computes."""
    return next(m for m in logged if m.startswith("sweep of"))

#: damage found by reading the data back (no metadata to rebuild, no file to remove)
DATA_ONLY = ("data chunk deleted", "data chunk truncated", "data chunk bytes flipped",
             "status chunk deleted", "status chunk bytes flipped", "the checksums damaged")


def _partials(store: Path) -> list:
    return list(store.rglob("*.partial"))


@pytest.mark.parametrize("damage, how", [(d, "resume") for d in DAMAGE] + [
    (d, "verify") for d in ("data chunk truncated", "status chunk deleted",
                            "the root metadata damaged", "the progress group removed")])
def test_a_damaged_store_is_repaired(spec, reference, store, damage, how):
    DAMAGE[damage](store)
    logged = []
    ds = run(spec, store, log=logged.append) if how == "resume" else verify(store,
                                                                             log=logged.append)
    assert_bitwise(ds, reference)
    assert _partials(store) == []
    assert logged[-1].startswith(f"{spec.size} points: {spec.size} solved"), logged
    assert done_chunks(store) == set(range(NCHUNKS))
    metadata_only = damage in ("the root metadata damaged", "a coordinate damaged",
                               "the marker damaged", "a temporary file left")
    assert ("computing 0" in _head(logged)) == metadata_only, logged
    assert logged[0].startswith(f"{store}: repaired (") == (damage not in DATA_ONLY), logged


def test_only_the_damaged_chunks_are_computed_again(spec, reference, store):
    DAMAGE["data chunk bytes flipped"](store)
    DAMAGE["status chunk deleted"](store)
    logged = []
    run(spec, store, log=logged.append)
    assert f"{NCHUNKS - 2} already done, 2 damaged (computed again), computing 2" in logged[0]
    assert len(logged) == 2                      # and the summary: nothing else to repair
    assert_bitwise(run(spec, store), reference)


def test_cli_verify(spec, reference, store, tmp_path, capsys):
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(f'[sweep]\nchunk_size = 10\noutputs = {OUTPUTS!r}\n[axes]\n'
                         + "".join(f'"{k}" = {{ start = {v["start"]}, stop = {v["stop"]}, '
                                   f'num = {v["num"]} }}\n' for k, v in AXES.items()))
    assert load_spec(spec_file) == spec
    DAMAGE["data chunk truncated"](store)
    assert cli.main(["sweep", str(spec_file), "--out", str(store), "--verify", "--quiet"]) == 0
    assert "1 damaged (computed again)" in capsys.readouterr().err
    assert_bitwise(run(spec, store), reference)
    missing = tmp_path / "none.zarr"
    assert cli.main(["sweep", str(spec_file), "--out", str(missing), "--verify"]) == 2
    assert "nothing to verify" in capsys.readouterr().err and not missing.exists()


@pytest.mark.parametrize("damage", ["the root metadata damaged", "the marker damaged",
                                    "the progress group removed"])
def test_overwrite_replaces_a_damaged_store(store, damage):
    DAMAGE[damage](store)
    (store / "sweep_store" / "zarr.json").write_text("{")     # and the marker too
    other = grid({"both.wedge_deg": [0.0, 5.0]}, outputs=["pelvis.tilt_deg"])
    with pytest.raises(StoreError, match="--overwrite"):
        run(other, store)
    ds = run(other, store, overwrite=True)
    assert ds["pelvis.tilt_deg"].shape == (2,)
    assert_bitwise(ds, run(other))


def test_overwrite_removes_read_only_parts(store):
    (store / "status" / "c").chmod(0o500)
    other = grid({"both.wedge_deg": [0.0, 5.0]}, outputs=["pelvis.tilt_deg"])
    assert run(other, store, overwrite=True)["pelvis.tilt_deg"].shape == (2,)


def test_only_chainsim_stores_or_empty_directories_are_written(tmp_path):
    import zarr

    other = grid({"both.wedge_deg": [0.0, 5.0]}, outputs=["pelvis.tilt_deg"])
    foreign = tmp_path / "foreign.zarr"
    zarr.create_group(str(foreign), zarr_format=3).create_array("x", shape=(2,), dtype="f8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("keep")
    for path in (foreign, notes):
        for overwrite in (False, True):
            with pytest.raises(StoreError, match="removes only its own stores"):
                run(other, path, overwrite=overwrite)
    assert (notes / "a.txt").read_text() == "keep" and (foreign / "x" / "zarr.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(other, empty)["pelvis.tilt_deg"].shape == (2,)


def test_the_layout_is_checked_before_anything_is_made(tmp_path, monkeypatch):
    """The toe-extension sweep used to leave a half-made store; now a refused sweep (here: too
    big for the disk) leaves nothing."""
    path = tmp_path / "toe.zarr"
    monkeypatch.setenv(budget.DISK_VARIABLE, "0.000001")
    with pytest.raises(SpecError, match=r"\[axes\]: a sweep of 2 points .* of disk, above the "
                                        r"limit of 1 kB \(CHAINSIM_DISK_LIMIT_GB=0.000001\)"):
        run(grid({"left.toe_extension_deg": [0, 10]}), path)
    assert not path.exists()
    monkeypatch.delenv(budget.DISK_VARIABLE)
    ds = run(grid({"left.toe_extension_deg": [0, 10]}), path)
    assert ds["param.left.toe_extension_deg"].values.tolist() == [0.0, 10.0]
    assert "left.toe_extension_deg" in ds.data_vars


# ---------------------------------------------------------------------------- sizes

def _spec_file(tmp_path, text):
    p = tmp_path / "big.toml"
    p.write_text(text)
    return p


@pytest.mark.parametrize("text, match", [
    ('[sweep]\n[axes]\n"both.wedge_deg" = { start = 0, stop = 5, num = 1000000 }\n'
     '"both.pronation_deg" = { start = 0, stop = 5, num = 1000000 }\n'
     '"subject.mass_kg" = { start = 50, stop = 90, num = 1000 }\n',
     r"line 2, \[axes\]: a sweep of 1,000,000,000,000,000 points .* needs about .* PB of disk"),
    ('[sweep]\ndesign = "random"\nn = 1_000_000_000_000\n[ranges]\n"both.wedge_deg" = [0, 5]\n',
     r"line 3, \[sweep\] n: a sweep of 1,000,000,000,000 points"),
])
def test_a_sweep_too_big_for_the_disk_is_refused(tmp_path, text, match):
    store = tmp_path / "big.zarr"
    t = time.perf_counter()
    with pytest.raises(SpecError, match=match):
        run(load_spec(_spec_file(tmp_path, text)), store)
    assert time.perf_counter() - t < 5 and not store.exists()
    with pytest.raises(SpecError, match="of memory, above the limit of"):
        run(load_spec(_spec_file(tmp_path, text)))              # and in memory


@pytest.mark.parametrize("text, match", [
    ('[sweep]\n[axes]\n"both.wedge_deg" = { start = 0, stop = 5, num = 1_000_000_000_000 }\n',
     r"line 3, \[axes\] both.wedge_deg: an axis of 1,000,000,000,000 values needs about"),
    ('[sweep]\n[axes]\n"both.wedge_deg" = { start = 0, stop = 5, num = '
     '1_000_000_000_000_000_000_000_000_000 }\n', r"line 3, \[axes\] both.wedge_deg: an axis"),
    ('[sensitivity]\nn = 100_000_000_000_000\n[ranges]\n"both.wedge_deg" = [0, 5]\n',
     r"line 2, \[sensitivity\] n: a sensitivity analysis of 300,000,000,000,000 solves"),
])
def test_specs_too_big_for_memory_are_refused_at_their_line(tmp_path, text, match):
    from chainsim.sweep import load_sensitivity

    t = time.perf_counter()
    with pytest.raises(SpecError, match=match):
        (load_sensitivity if "sensitivity" in text else load_spec)(_spec_file(tmp_path, text))
    assert time.perf_counter() - t < 5


def test_the_memory_limit_is_configurable(monkeypatch):
    spec = grid({"both.wedge_deg": list(range(10))}, outputs=["pelvis.tilt_deg"])
    monkeypatch.setenv(budget.MEMORY_VARIABLE, "0.0001")
    with pytest.raises(SpecError, match=r"\[axes\]: a sweep of 10 points needs about .* of "
                                        r"memory, above the limit of 100 kB "
                                        r"\(CHAINSIM_MEMORY_LIMIT_GB=0.0001\); stream it"):
        run(spec)
    monkeypatch.setenv(budget.MEMORY_VARIABLE, "lots")
    with pytest.raises(ParameterError, match="CHAINSIM_MEMORY_LIMIT_GB .* a number of gigabytes"):
        run(spec)
    monkeypatch.setenv(budget.MEMORY_VARIABLE, "1")
    assert run(spec)["pelvis.tilt_deg"].shape == (10,)


def test_progress_marks_of_a_million_chunks_are_read_in_one_go(tmp_path):
    spec = grid({"both.wedge_deg": {"start": 0, "stop": 5, "num": 1000},
                 "both.pronation_deg": {"start": 0, "stop": 5, "num": 1000}},
                outputs=["pelvis.tilt_deg"])
    t = time.perf_counter()
    target = open_store(tmp_path / "m.zarr", spec, chunk_size=1)
    assert target.layout.nchunks == 10**6 and not target.done.any()
    target.write(123456, {"pelvis.tilt_deg": [1.0], "status": [0], "iterations": [3],
                          "residual": [0.0]})
    again = open_store(tmp_path / "m.zarr", spec)
    assert np.flatnonzero(again.done).tolist() == [123456]
    assert time.perf_counter() - t < 20


# ---------------------------------------------------------------------------- kill, interrupt

KILL_SPEC = """\
[sweep]
chunk_size = 100
outputs = ["left.navicular_drop_mm", "pelvis.tilt_deg", "left.toe_extension_deg"]

[axes]
"both.arch_stiffness_n_per_mm" = { start = 30, stop = 400, num = 40 }
"left.toe_extension_deg" = { start = 0, stop = 20, num = 100 }
"""


def _command(spec, store, *extra):
    return [sys.executable, "-m", "chainsim", "sweep", str(spec), "--out", str(store),
            "--threads", "1", "--quiet", *extra]


def _marks(store) -> int:
    try:
        return len(done_chunks(store))
    except Exception:
        return -1                                # not made yet, or half made


@pytest.fixture(scope="module")
def kill_spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("kill") / "spec.toml"
    path.write_text(KILL_SPEC)
    return path


@pytest.fixture(scope="module")
def kill_reference(kill_spec):
    return run(load_spec(kill_spec), chunk_size=1000).load()


def _stop_at(kill_spec, store, done: int, sig) -> subprocess.Popen:
    proc = subprocess.Popen(_command(kill_spec, store), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if (done < 0 and store.exists()) or (done >= 0 and _marks(store) >= done):
            break
        time.sleep(0.002)
    proc.send_signal(sig)
    proc.communicate(timeout=120)
    return proc


@pytest.mark.parametrize("done", [-1, 1, pytest.param(0, marks=pytest.mark.slow), 7,
                                  pytest.param(25, marks=pytest.mark.slow)])
def test_a_sweep_killed_at_any_moment_resumes_bit_identical(kill_spec, kill_reference,
                                                             tmp_path, done):
    """-1: killed as soon as the store's directory appears (half made)."""
    store = tmp_path / "k.zarr"
    proc = _stop_at(kill_spec, store, done, signal.SIGKILL)
    assert proc.returncode in (-signal.SIGKILL, 0)
    again = subprocess.run(_command(kill_spec, store), cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0, again.stderr
    assert "4,000 points: " in again.stderr
    assert _partials(store) == []
    assert_bitwise(run(load_spec(kill_spec), store), kill_reference)


def test_an_interrupted_sweep_says_so_and_resumes(kill_spec, kill_reference, tmp_path):
    store = tmp_path / "i.zarr"
    proc = _stop_at(kill_spec, store, 3, signal.SIGINT)
    _, err = proc.communicate(timeout=120) if proc.returncode is None else ("", "")
    if proc.returncode == 0:
        pytest.skip("the sweep finished before it could be interrupted")
    assert proc.returncode == 130
    again = subprocess.run(_command(kill_spec, store), cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0 and "already done" in again.stderr, again.stderr
    assert_bitwise(run(load_spec(kill_spec), store), kill_reference)


# ---------------------------------------------------------------------------- the command line

def _cli(tmp_path, capsys, *args, spec_text=None, spec_bytes=None):
    spec = tmp_path / "c.toml"
    if spec_bytes is not None:
        spec.write_bytes(spec_bytes)
    else:
        spec.write_text(spec_text or '[sweep]\noutputs = ["pelvis.tilt_deg"]\n'
                                     '[axes]\n"both.wedge_deg" = [0, 5]\n')
    try:
        code = cli.main(["sweep", str(spec), *args])
    except SystemExit as e:          # the option parser's refusals exit from inside main()
        code = e.code
    err = capsys.readouterr().err
    return code, err


GOOD_OUT = ["--out", "OUT", "--quiet"]


@pytest.mark.parametrize("case, kwargs, args, match", [
    ("not utf-8", {"spec_bytes": b'[sweep]\n# caf\xe9\n[axes]\n"both.wedge_deg" = [0]\n'},
     GOOD_OUT, r"line 2: not UTF-8"),
    ("nested list", {"spec_text": '[sweep]\n[axes]\n"both.wedge_deg" = [[0, 1], [2]]\n'},
     GOOD_OUT, r"line 3, \[axes\] both.wedge_deg: an axis is a flat list"),
    ("deep key", {"spec_text": "[sweep]\n[axes]\n" + ".".join(["a"] * 3000) + " = [1]\n"},
     GOOD_OUT, r"\[axes\]: a key of more than 8 dotted parts"),
    ("max_iter", {"spec_text": '[sweep]\n[axes]\n"both.wedge_deg" = [0]\n[solver]\n'
                               'max_iter = 10000000000000000000000000\n'},
     GOOD_OUT, r"line 5, \[solver\] max_iter: max_iter must be a whole number from 1 to"),
    ("max_iter float", {"spec_text": '[sweep]\n[axes]\n"both.wedge_deg" = [0]\n[solver]\n'
                                     'max_iter = 1e25\n'},
     GOOD_OUT, r"max_iter must be a whole number"),
    ("threads 0", {}, GOOD_OUT + ["--threads", "0"], r"--threads: '0' is out of range"),
    ("threads too many", {}, GOOD_OUT + ["--threads", "100000"],
     r"threads must be a whole number from 1"),
    ("bad scheduler", {}, GOOD_OUT + ["--scheduler", "not a scheduler::"],
     r"scheduler 'not a scheduler::': cannot connect"),
    ("no scheduler", {}, GOOD_OUT + ["--scheduler", "tcp://127.0.0.1:9"],
     r"scheduler 'tcp://127.0.0.1:9': cannot connect"),
    ("long out", {}, ["--out", "x" * 300, "--quiet"], r"a name of 300 bytes"),
    ("out in proc", {}, ["--out", "/proc/chainsim.zarr", "--quiet"], r"cannot create"),
    ("out dot", {}, ["--out", ".", "--quiet"], r"not the current directory"),
    ("netcdf", {}, GOOD_OUT + ["--netcdf", "/proc/x/y.nc"], r"--netcdf '/proc/x/y.nc': the "),
    ("netcdf dir", {}, GOOD_OUT + ["--netcdf", "."], r"--netcdf"),
])
def test_cli_refusals_are_one_line_with_status_2(tmp_path, capsys, monkeypatch, case, kwargs,
                                                 args, match):
    monkeypatch.chdir(tmp_path)
    args = [str(tmp_path / "out.zarr") if a == "OUT" else a for a in args]
    t = time.perf_counter()
    code, err = _cli(tmp_path, capsys, *args, **kwargs)
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert __import__("re").search(match, err), err
    assert not (tmp_path / "out.zarr").exists()
    assert time.perf_counter() - t < 30


def test_a_failed_netcdf_check_comes_before_the_work(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if os.access(ro, os.W_OK):
        pytest.skip("running as a user who can write anywhere")
    code, err = _cli(tmp_path, capsys, "--out", str(tmp_path / "o.zarr"), "--netcdf",
                     str(ro / "r.nc"))
    assert code == 2 and "cannot write there" in err and not (tmp_path / "o.zarr").exists()


def test_sampled_parameters_are_hashed_too(tmp_path):
    spec = sample({"left.toe_extension_deg": (0, 20)}, 30, design="random", seed=3,
                  outputs=["pelvis.tilt_deg"], chunk_size=10)
    path = tmp_path / "r.zarr"
    first = run(spec, path).load()
    _flip(path / "param.left.toe_extension_deg" / "c" / "1")
    logged = []
    assert_bitwise(run(spec, path, log=logged.append), first)
    assert "1 damaged" in _head(logged)
    assert json.loads((path / "zarr.json").read_text())["attributes"]["sweep_spec"]


def test_a_store_killed_while_it_was_made_is_finished(spec, reference, tmp_path):
    """Only the marker group's directory (no metadata yet, no chunk done): resumed."""
    path = tmp_path / "half.zarr"
    (path / "sweep_store").mkdir(parents=True)
    assert_bitwise(run(spec, path), reference)


def test_a_store_of_the_older_layout_is_replaced_only_on_request(spec, reference, store):
    """A store without checksums (sweep_progress/done, parameters under their bare keys)."""
    import shutil

    shutil.rmtree(store / "sweep_store")
    shutil.rmtree(store / PROGRESS / "checksum")
    (store / PROGRESS / "done").mkdir()
    with pytest.raises(StoreError, match="older chainsim, without checksums.*--overwrite"):
        run(spec, store)
    assert_bitwise(run(spec, store, overwrite=True), reference)


def test_a_refused_overwrite_keeps_the_old_store(spec, reference, store, monkeypatch):
    monkeypatch.setenv(budget.DISK_VARIABLE, "0.000001")
    with pytest.raises(SpecError, match="of disk"):
        run(grid({"both.wedge_deg": [0.0, 5.0]}), store, overwrite=True)
    monkeypatch.delenv(budget.DISK_VARIABLE)
    assert_bitwise(run(spec, store), reference)


def test_more_threads_than_numba_has_are_refused():
    import numba

    spec = grid({"both.wedge_deg": [0.0]}, outputs=["pelvis.tilt_deg"])
    for threads in (0, numba.config.NUMBA_NUM_THREADS + 1, 2.5, True):
        with pytest.raises(ParameterError, match=f"threads must be .* got {threads!r}"):
            run(spec, threads=threads)


def test_changed_attributes_are_written_again_without_computing(spec, reference, store):
    import zarr

    arr = zarr.open_array(str(store / "pelvis.tilt_deg"), mode="r+")
    arr.attrs.update(units="furlongs", note="added")
    logged = []
    assert_bitwise(run(spec, store, log=logged.append), reference)
    assert "computing 0" in _head(logged)


def test_a_finished_store_opens_as_it_is_without_warnings(tmp_path):
    spec = grid({"both.wedge_deg": [0.0, 5.0, 10.0]}, outputs=["pelvis.tilt_deg"])
    path = tmp_path / "s.zarr"
    ran = run(spec, path, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opened = cs.sweep.open(path)
    assert opened["pelvis.tilt_deg"].values.tobytes() == ran["pelvis.tilt_deg"].values.tobytes()
    assert opened["param.both.wedge_deg"].values.tolist() == [0.0, 5.0, 10.0]
    for not_a_store in (tmp_path, tmp_path / "missing.zarr"):
        with pytest.raises(StoreError, match="not a chainsim sweep store"):
            cs.sweep.open(not_a_store)
