"""``chainsim`` never shows a traceback for bad input, bad files or bad paths: each reproducer
of a refusal that used to be a traceback (or silently accepted) runs the real program in a
subprocess and must exit 2 with one line on stderr; output paths are checked before any
computing; a closed stdout and Ctrl-C have their own exit codes; and a fuzz of random argument
lists, drawn from the real subcommands and options and junk values, runs ``cli.main``
in-process with the heavy computations replaced by a stop (exit 0, 1 with a status or 2, never
a traceback): 60 examples, 500 in the slow one (``CHAINSIM_FUZZ_EXAMPLES=N`` for more)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainsim import cli
from chainsim.cli import EXIT_CODES, build_parser

ROOT = Path(__file__).resolve().parent.parent


def run(*args, timeout=300):
    """``python -m chainsim ARGS`` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "chainsim", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def assert_refused(p, *fragments):
    """Exit 2, nothing on stdout, one line on stderr holding every fragment, no traceback."""
    assert p.returncode == 2, (p.returncode, p.stdout[-500:], p.stderr[-2000:])
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    for f in fragments:
        assert str(f) in lines[0], (f, lines[0])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Insole files, good and bad."""
    d = tmp_path_factory.mktemp("insoles")
    texts = {"syntax.toml": "[insole]\narch_support_mm = \n",
             "eod.toml": '[insole]\narch_support_mm = 5\nname = "unterminated',
             "range.toml": "[insole]\nname = 'mine'\narch_support_mm = 500\n",
             "unknown.toml": "[insole]\narch_support_mm = 5\narch_hieght = 3\n",
             "string.toml": "[insole]\nheel_lift_mm = 'high'\n",
             "notable.toml": "insole = 5\n",
             "empty.toml": "",
             "tall.toml": "[insole]\narch_support_mm = 30\n",
             "good.toml": "[insole]\nname = 'mine'\narch_support_mm = 10\n"}
    for name, text in texts.items():
        (d / name).write_text(text)
    (d / "latin1.toml").write_bytes(b"[insole]\nname = 'caf\xe9'\n")
    (d / "folder.toml").mkdir()
    return d


# ---------------------------------------------------------------------------- insole files

@pytest.mark.parametrize("name, fragments", [
    ("syntax.toml", ["syntax.toml", "line 2", "column 19", "TOML"]),
    ("eod.toml", ["eod.toml", "line 3", "TOML", "Unterminated string"]),  # at end of document
    ("latin1.toml", ["latin1.toml", "line 2", "not UTF-8", "0xe9"]),
    ("folder.toml", ["folder.toml", "is a directory"]),
    ("missing.toml", ["missing.toml", "does not exist"]),
    ("range.toml", ["range.toml", "line 3", "insole.arch_support_mm", "500", "0 to 35"]),
    ("unknown.toml", ["unknown.toml", "line 3", "arch_hieght", "arch_support_mm"]),
    ("string.toml", ["string.toml", "line 2", "heel_lift_mm", "'high'"]),
    ("notable.toml", ["notable.toml", "line 1", "table"]),
    ("empty.toml", ["empty.toml", "[insole]"]),
    ("tall.toml", ["tall.toml", "left", "arch_support_mm = 30", "unloaded arch"]),
])
def test_a_bad_insole_file_is_named_with_its_line(files, name, fragments):
    assert_refused(run("solve", "--insole", f"both={files / name}"), *fragments)


def test_a_good_insole_file_still_goes_in(files, capsys):
    assert cli.main(["solve", "--insole", f"left={files / 'good.toml'}", "--json"]) in (0, 1)
    assert '"status"' in capsys.readouterr().out


# ---------------------------------------------------------------------------- fit-insole

@pytest.mark.parametrize("weight, fragments", [
    ("tibial_rotation_deg=abc", ["--weight", "abc", "finite number >= 0"]),
    ("tibial_rotation_deg=nan", ["--weight", "nan", "finite number >= 0"]),
    ("tibial_rotation_deg=inf", ["--weight", "inf", "finite number >= 0"]),
    ("tibial_rotation_deg=-1", ["--weight", "-1", "finite number >= 0"]),
    ("X=abc", ["--weight", "'X'", "not an output", "chainsim outputs"]),
    ("tibial_rotation=1", ["--weight", "did you mean tibial_rotation_deg"]),
    ("tibial_rotation_deg", ["--weight", "OUTPUT=WEIGHT"]),
    ("tibial_rotation_deg=0", ["--weight", "at least one must be > 0"]),
])
def test_fit_insole_weights_are_parsed_strictly(weight, fragments):
    assert_refused(run("fit-insole", "--weight", weight), *fragments)


def test_fit_insole_seed_must_be_a_non_negative_integer():
    assert_refused(run("fit-insole", "--seed", "-1"), "--seed", "-1", ">= 0")


# ---------------------------------------------------------------------------- impact options

def test_impact_refuses_threads_and_names_the_valid_options():
    assert_refused(run("impact", "--option", "threads=7"), "threads", "velocity_m_per_s",
                   "ankle_dorsiflexion_deg")


def test_impact_refuses_an_unknown_option_naming_the_valid_ones(capsys):
    assert cli.main(["impact", "--option", "spin=1"]) == 2
    err = capsys.readouterr().err
    assert "'spin'" in err and "velocity_m_per_s" in err and "threads" not in err


# ---------------------------------------------------------------------------- output paths

def _bad_out_paths(tmp):
    (tmp / "plain").write_text("")
    return [(tmp / "no_such_folder" / "x.out", ["no_such_folder", "does not exist"]),
            (tmp, ["is a directory"]),
            (tmp / "plain" / "x.out", ["plain", "not a folder"]),
            (tmp / ("n" * 256 + ".out"), ["260 bytes", "at most 255"]),
            ("/proc/chainsim-test.out", ["/proc/chainsim-test.out", "cannot be written"]),
            ("", ["empty path"])]


@pytest.mark.parametrize("command, compute", [
    (["fit-insole"], "chainsim.fitting.design_insole"),
    (["impact", "--option", "duration_s=0.01"], "chainsim.dynamics.impact"),
])
def test_an_unwritable_out_is_refused_before_any_computing(tmp_path, capsys, command, compute):
    for path, fragments in _bad_out_paths(tmp_path):
        with mock.patch(compute, side_effect=AssertionError("computed before checking --out")):
            rc = cli.main(command + ["--out", str(path)])
        _, err = capsys.readouterr()
        assert rc == 2, (path, err)
        assert len(err.strip().splitlines()) == 1 and "--out" in err, err
        for f in fragments:
            assert f in err, (f, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain"]     # nothing left behind


@pytest.mark.parametrize("command, compute", [
    (["sensitivity", str(ROOT / "examples" / "sensitivity.toml")],
     "chainsim.sweep.sensitivity.run_sensitivity"),
    (["sweep", str(ROOT / "examples" / "sweep.toml"), "--out", "unused.zarr"],
     "chainsim.sweep.runner.run"),
])
def test_an_unwritable_netcdf_is_refused_before_any_computing(tmp_path, capsys, command,
                                                               compute):
    for path, fragments in _bad_out_paths(tmp_path):
        with mock.patch(compute, side_effect=AssertionError("computed before checking")):
            rc = cli.main(command + ["--netcdf", str(path)])
        _, err = capsys.readouterr()
        assert rc == 2 and len(err.strip().splitlines()) == 1 and "--netcdf" in err, err
        for f in fragments:
            assert f in err, (f, err)
    assert not (ROOT / "unused.zarr").exists()


def test_an_unwritable_out_exits_2_in_the_real_program(tmp_path):
    assert_refused(run("impact", "--out", tmp_path / "nowhere" / "run.nc"), "--out", "nowhere")
    assert_refused(run("fit-insole", "--out", "/proc/insole.toml"), "--out", "/proc/insole.toml")


def test_a_writable_out_is_checked_without_leaving_a_file(tmp_path):
    from chainsim.cli.common import check_out_path

    check_out_path(str(tmp_path / "new.nc"))
    assert not (tmp_path / "new.nc").exists()
    (tmp_path / "old.nc").write_text("kept")
    check_out_path(str(tmp_path / "old.nc"))
    assert (tmp_path / "old.nc").read_text() == "kept"


# ---------------------------------------------------------------------------- --threads

@pytest.mark.parametrize("value", ["0", "-3", "100000", "two", "1.5"])
def test_threads_out_of_range_is_refused(value, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["sensitivity", str(ROOT / "examples" / "sensitivity.toml"), "--threads", value])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "--threads" in err and repr(value) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_threads_zero_exits_2_in_the_real_program():
    assert_refused(run("sensitivity", "examples/sensitivity.toml", "--threads", "0"),
                   "--threads", "'0'", "from 1 to")


# ---------------------------------------------------------------------------- pipes, Ctrl-C

@pytest.mark.parametrize("args", [["solve", "--json"], ["solve"], ["params"]])
def test_a_closed_stdout_exits_141_without_a_traceback(args):
    p = subprocess.Popen([sys.executable, "-m", "chainsim", *args], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()                     # the reader is gone before anything is written
    err = p.stderr.read().decode()
    assert p.wait(timeout=300) == 141, err
    assert err == ""


def test_head_1_reads_the_first_line_cleanly():
    p = subprocess.run(f"{sys.executable} -m chainsim outputs | head -1; "
                       "echo rc=${PIPESTATUS[0]} >&2", shell=True, executable="/bin/bash",
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.stdout.startswith("output")
    assert "Traceback" not in p.stderr and "BrokenPipe" not in p.stderr
    assert p.stderr.strip() in ("rc=0", "rc=141"), p.stderr


def test_ctrl_c_exits_130(capsys):
    with mock.patch("chainsim.statics.solve", side_effect=KeyboardInterrupt):
        assert cli.main(["solve"]) == 130
    assert capsys.readouterr().err.strip() == "chainsim: interrupted"


def test_an_internal_error_is_not_hidden_as_bad_input():
    # an unexpected error is not turned into exit 2: it propagates (python -m chainsim then
    # shows its traceback and exits 1)
    with mock.patch("chainsim.statics.solve", side_effect=RuntimeError("a bug")):
        with pytest.raises(RuntimeError, match="a bug"):
            cli.main(["solve"])


def test_exit_codes_are_documented():
    p = run("--help")
    assert p.returncode == 0
    text = p.stdout.split("exit codes:", 1)[1]
    for code in EXIT_CODES:
        assert f"  {code} " in text, code
    assert set(EXIT_CODES) == {0, 1, 2, 130, 141}
    readme = (ROOT / "README.md").read_text()
    for code in ("0 success", "2 bad input", "130 interrupted", "141"):
        assert code in readme, code


def test_a_spec_file_that_is_not_utf8_or_a_folder_is_refused(tmp_path):
    (tmp_path / "latin1.toml").write_bytes(b"[sweep]\ndesign = 'caf\xe9'\n")
    p = run("sensitivity", tmp_path / "latin1.toml")
    assert_refused(p, "latin1.toml", "UTF-8")
    assert_refused(run("sensitivity", tmp_path), str(tmp_path))


# ---------------------------------------------------------------------------- the fuzz

class _Reached(Exception):
    """The arguments passed every check and the computing started (stopped here)."""


#: the computations too slow for a fuzz: replaced by a stop, so that the checks before them
#: are what is fuzzed (solve and compare run for real: a solve takes milliseconds)
_HEAVY = ["chainsim.fitting.design_insole", "chainsim.dynamics.impact",
          "chainsim.sweep.runner.run", "chainsim.sweep.sensitivity.run_sensitivity"]

JUNK = ["", " ", "=", "abc", "nan", "-nan", "inf", "-1", "0", "1", "1e400", "-0", "0x10",
        "3.5", "none", "free", "True", "both", "left=", "=x", "x=1", "a=b=c", "é", "\x7f",
        "--json", "-", "/", "/proc/self/status", "/proc/chainsim.toml", "/dev/null",
        "/nonexistent/x.toml", "n" * 300]

VALUES = {
    "--set": ["left.wedge_deg=3", "both.wedge_deg=99", "subject.mass_kg=abc", "subject.sex=male",
              "left.pronation_deg=nan", "both.arch_stiffness_n_per_mm=60", "left.nope=1",
              "left.subtalar_drive_deg=none", "both.insole.arch_support_mm=5"],
    "--preset": ["left=flat_foot", "both=flat_foot+weak_hips", "right=leg_length_discrepancy:10",
                 "left=leg_length_discrepancy:abc", "left=nothing", "running_heel_strike",
                 "drop_landing", "jogging", "middle=flat_foot"],
    "--insole": ["both=medium_arch", "left=heel_lift", "left=nothing", "up=medium_arch"],
    "--option": ["duration_s=0.01", "threads=2", "shod=maybe", "shod=yes", "spin=1",
                 "velocity_m_per_s=9", "step_s=abc", "record_s=0.005"],
    "--weight": ["tibial_rotation_deg=1", "pelvis.obliquity_deg=abc", "x=1", "left.=1",
                 "tibial_rotation_deg=-2", "knee_adduction_moment_nm=nan"],
    "--side": ["both", "left", "right", "up"],
    "--seed": ["0", "7", "-1", "1.5", "1" * 30],
    "--threads": ["1", "2", "0", "-1", "1000", "x"],
    "--chunk-size": ["1", "0", "-5", "x", "64"],
    "--scheduler": ["tcp://127.0.0.1:1", "junk"],
}


def _commands():
    """{command: ([required option or positional], [other options])}, each ``(option, takes a
    value)``, from the real parser (a positional as option None)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    out = {}
    for name, p in sub.choices.items():
        required, optional = [], []
        for a in p._actions:
            if a.dest == "help":
                continue
            option = (a.option_strings[0] if a.option_strings else None, a.nargs != 0)
            (required if a.required or not a.option_strings else optional).append(option)
        out[name] = (required, optional)
    return out


COMMANDS = _commands()


@st.composite
def argv(draw, paths):
    """A command (now and then a misspelt one), mostly with its required arguments, some of its
    options with values from their own pools, the paths or junk, and now and then a stray word."""
    command = draw(st.sampled_from(sorted(COMMANDS) * 4 + ["solv"]))
    required, optional = COMMANDS.get(command, ([], [("--bogus", True)]))
    args = [command]
    junk = st.sampled_from(JUNK + paths)
    chosen = [o for o in required if draw(st.integers(0, 9)) > 0]
    for option, takes_value in chosen + draw(st.lists(st.sampled_from(optional or [("--x", 0)]),
                                                      max_size=4)):
        if not takes_value:
            args.append(option)
            continue
        pool = VALUES.get(option, [])
        if option is None or option in ("--out", "--netcdf"):
            pool = paths
        value = draw(st.one_of(st.sampled_from(pool), junk) if pool else junk)
        args += [value] if option is None else [option, value]
    if draw(st.integers(0, 5)) == 0:
        args.append(draw(junk))                      # a stray word
    return args


@pytest.fixture(scope="module")
def fuzz_paths(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    names = ["syntax.toml", "eod.toml", "latin1.toml", "folder.toml", "range.toml", "good.toml",
             "empty.toml", "notable.toml", "missing.toml"]
    specs = {"sweep_syntax.toml": "[sweep]\ndesign = \n", "sweep_eod.toml": "[sweep]\nkind = 'x",
             "sweep_keys.toml": "[sweep]\nbogus = 1\n[axes]\n'left.wedge_deg' = [1, 2]\n",
             "sweep_range.toml": "[sweep]\n[axes]\n'left.wedge_deg' = [1, 99]\n",
             "sens_method.toml": "[sensitivity]\nmethod = 'magic'\n"}
    for name, text in specs.items():
        (out / name).write_text(text)
    examples = [str(ROOT / "examples" / n) for n in ("sweep.toml", "sensitivity.toml",
                                                     "impact_sweep.toml")]
    return ([str(files / n) for n in names] + [f"both={files / n}" for n in names]
            + [str(out / n) for n in specs] + examples * 3
            + [str(out / "result.nc"), str(out / "store.zarr"), str(out), str(out / "a" / "b")])


def _check_one(args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        for target in _HEAVY:
            stack.enter_context(mock.patch(target, side_effect=_Reached))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        try:
            rc = cli.main(args)
        except SystemExit as e:                      # argparse: --help (0) or a refusal (2)
            rc = e.code
        except _Reached:
            rc = 0
    out, err = out.getvalue(), err.getvalue()
    assert "Traceback" not in err and "Traceback" not in out, (args, err)
    assert rc in (0, 1, 2), (args, rc, err)
    if rc == 1:                                      # ran, and said what was not solved
        assert "status" in out and err == "", (args, out, err)
    if rc == 2:
        assert len(err.strip().splitlines()) == 1, (args, err)


_FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None,
                 derandomize=True)


@settings(_FUZZ, max_examples=60)
@given(data=st.data())
def test_fuzz_never_a_traceback(fuzz_paths, data):
    _check_one(data.draw(argv(fuzz_paths)))


@pytest.mark.slow
@settings(_FUZZ, max_examples=int(os.environ.get("CHAINSIM_FUZZ_EXAMPLES", 500)))
@given(data=st.data())
def test_fuzz_never_a_traceback_long(fuzz_paths, data):
    _check_one(data.draw(argv(fuzz_paths)))
