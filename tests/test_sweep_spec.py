"""Sweep specifications: the TOML format, and bad input refused before any work starts with
the line (or key path) and the reason."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from chainsim import cli
from chainsim.sweep import SpecError, grid, load_sensitivity, load_spec, sample
from chainsim.sweep.spec import SweepSpec

ROOT = Path(__file__).resolve().parent.parent


def _write(tmp_path, text, name="spec.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def _refused(tmp_path, text, line, *reasons, loader=load_spec):
    """The spec is refused with 'line N' and each reason (regular expressions)."""
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as e:
        loader(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}, line {line}, "), msg
    for r in reasons:
        assert re.search(r, msg), (r, msg)
    return msg


GOOD = """\
    [sweep]
    design = "grid"
    outputs = ["pelvis.tilt_deg"]

    [axes]
    "both.arch_stiffness_n_per_mm" = { start = 30, stop = 400, num = 5 }
    both.pronation_deg = [-10, 0, 15]          # a bare dotted key works too

    [axes.left]
    wedge_deg = { start = 1, stop = 100, num = 3, log = true }

    [fixed]
    "subject.mass_kg" = 80
    "subject.sex" = "female"
    right.subtalar_drive_deg = "free"

    [solver]
    max_iter = 60
"""


def test_a_good_spec(tmp_path):
    with pytest.raises(SpecError, match=r"line 10, \[axes\] left.wedge_deg: .*out of range"):
        load_spec(_write(tmp_path, GOOD))            # 100 deg is out of range ...
    spec = load_spec(_write(tmp_path, GOOD.replace("stop = 100", "stop = 16")))
    assert spec.design == "grid" and spec.dims == ("param.both.arch_stiffness_n_per_mm",
                                                    "param.both.pronation_deg",
                                                    "param.left.wedge_deg")
    assert spec.shape == (5, 3, 3) and spec.size == 45
    np.testing.assert_allclose(spec.params[2][1], [1.0, 4.0, 16.0])
    assert dict(spec.fixed) == {"subject.mass_kg": 80.0, "subject.sex": "female",
                                "right.subtalar_drive_deg": None}
    assert spec.max_iter == 60 and spec.outputs == ("pelvis.tilt_deg",)
    # the canonical form is re-readable and equal
    assert SweepSpec.from_json(spec.to_json()) == spec


def test_the_example_specs_are_valid():
    spec = load_spec(ROOT / "examples" / "sweep.toml")
    assert spec.size > 0
    sens = load_sensitivity(ROOT / "examples" / "sensitivity.toml")
    assert sens.method in ("sobol", "tornado")


def test_unknown_parameter_names_its_line_and_a_suggestion(tmp_path):
    _refused(tmp_path, """\
        [sweep]
        design = "grid"

        [axes]
        "both.arch_stifness_n_per_mm" = [60, 120]
        """, 5, r"\[axes\] both\.arch_stifness_n_per_mm", "unknown parameter",
             "did you mean both.arch_stiffness_n_per_mm")


def test_value_out_of_range(tmp_path):
    _refused(tmp_path, """\
        [axes]
        "both.pronation_deg" = [0, 10]
        "left.wedge_deg" = [0, 10, 25]
        [sweep]
        """, 3, r"left.wedge_deg = 25 \(point 2\)", "out of range", "valid range -20 to 20 deg")


def test_range_outside_the_valid_one(tmp_path):
    _refused(tmp_path, """\
        [sweep]
        design = "lhs"
        n = 100

        [ranges]
        "subject.mass_kg" = [50, 250]
        """, 6, r"\[ranges\] subject.mass_kg", "250", "out of range", "30 to 200 kg")


@pytest.mark.parametrize("axis", ["[]", "{ start = 0, stop = 10, num = 0 }"])
def test_empty_axis(tmp_path, axis):
    _refused(tmp_path, f"""\
        [sweep]

        [axes]
        "both.wedge_deg" = {axis}
        """, 4, "empty axis")


@pytest.mark.parametrize("text, line, reasons", [
    ('[sweep]\ndesign = "lhs"\nn = 8\n[ranges]\n"left.wedge_deg" = [5, 5]\n', 5,
     ["empty range", "low .5. must be below high .5."]),
    ('[sweep]\ndesign = "sobel"\n[axes]\n"left.wedge_deg" = [5]\n', 2,
     ["unknown design 'sobel'", "did you mean sobol"]),
    ('[sweep]\noutputs = ["pelvis.tilt"]\n[axes]\n"left.wedge_deg" = [5]\n', 2,
     ["unknown output 'pelvis.tilt'", "did you mean pelvis.tilt_deg"]),
    ('[sweep]\n[axis]\n"left.wedge_deg" = [5]\n', 2, [r"unknown table \[axis\]", "did you mean axes"]),
    ('[sweep]\nchunk = 5\n[axes]\n"left.wedge_deg" = [5]\n', 2, ["unknown setting 'chunk'",
                                                                "chunk_size"]),
    ('[sweep]\n[axes]\n"both.wedge_deg" = [0, 5]\n"left.wedge_deg" = [1]\n', 4,
     ["left.wedge_deg sets left.wedge_deg, already set by \\[axes\\] both.wedge_deg"]),
    ('[sweep]\n[axes]\n"both.wedge_deg" = [0, 5]\n[fixed]\n"right.wedge_deg" = 3\n', 3,
     [r"sets right.wedge_deg, already set by \[fixed\]"]),
    ('[sweep]\n[axes]\n"left.wedge_deg" = [0, 5]\n[fixed]\n"subject.mass_kg" = 500\n', 5,
     ["subject.mass_kg = 500", "out of range"]),
    ('[sweep]\ndesign = "random"\nn = 10\n[ranges]\n"subject.sex" = ["male", "female"]\n', 5,
     ["numeric range", "grid axis"]),
    ('[sweep]\ndesign = "random"\n[ranges]\n"left.wedge_deg" = [0, 5]\n', 1, ["needs n"]),
    ('[sweep]\nn = 10\n[axes]\n"left.wedge_deg" = [0, 5]\n', 2, ["n is for sampled designs"]),
    ('[sweep]\n[axes]\n"left.wedge_deg" = 5\n', 3, [r"\[fixed\]"]),
    ('[sweep]\n[axes]\n"left.wedge_deg" = { start = 0, stop = 5 }\n', 3, ["missing num"]),
    ('[sweep]\n[axes]\n"left.wedge_deg" = [0, "a"]\n', 3, ["'a'", "not a number"]),
    ('[sweep]\n[axes]\n"left.wedge_deg" = [0, true]\n', 3, ["true/false"]),
    ('[sweep]\n[solver]\nmax_iter = 0\n[axes]\n"left.wedge_deg" = [0]\n', 3, ["max_iter", "from 1 to"]),
])
def test_bad_specs(tmp_path, text, line, reasons):
    path = _write(tmp_path, text)
    with pytest.raises(SpecError) as e:
        load_spec(path)
    msg = str(e.value)
    assert msg.startswith(f"{path}, line {line}") or (line == 1 and msg.startswith(str(path))), msg
    for r in reasons:
        assert re.search(r, msg), (r, msg)


def test_toml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, '[sweep]\n\ndesign = grid\n[axes]\n"left.wedge_deg" = [0, 5]\n')
    with pytest.raises(SpecError, match=r"line 3, column \d+: not valid TOML"):
        load_spec(path)


def test_a_toml_error_at_the_end_of_the_document_names_the_last_line(tmp_path):
    path = _write(tmp_path, '[sweep]\noutputs = ["pelvis.tilt_deg"]\n[axes]\n"both.wedge_deg" = [0, 5\n')
    with pytest.raises(SpecError, match=r"line 5, column 1: not valid TOML: Unclosed array"):
        load_spec(path)


def test_a_sensitivity_spec_is_not_a_sweep(tmp_path):
    path = _write(tmp_path, '[sensitivity]\n[ranges]\n"left.wedge_deg" = [0, 5]\n')
    with pytest.raises(SpecError, match="chainsim sensitivity"):
        load_spec(path)
    assert load_sensitivity(path).ranges == (("left.wedge_deg", (0.0, 5.0)),)
    _refused(tmp_path, '[sensitivity]\nmethod = "morris"\n[ranges]\n"left.wedge_deg" = [0, 5]\n',
             2, "unknown method 'morris'", loader=load_sensitivity)


def test_python_api_errors_name_the_key():
    with pytest.raises(SpecError, match=r"^\[axes\] both.wedge_deg: empty axis"):
        grid({"both.wedge_deg": []})
    with pytest.raises(SpecError, match=r"^\[axes\] both.wedgedeg: unknown parameter"):
        grid({"both.wedgedeg": [1.0]})
    with pytest.raises(SpecError, match=r"^\[ranges\] left.wedge_deg: .*out of range"):
        sample({"left.wedge_deg": (-30, 0)}, 8)
    with pytest.warns(UserWarning, match="power of 2"):
        sample({"left.wedge_deg": (-10, 0)}, 10, design="sobol")
    spec = grid({"left.wedge_deg": np.linspace(0, 5, 3)})
    assert spec.params == (("left.wedge_deg", (0.0, 2.5, 5.0)),)


def test_cli_refuses_a_bad_spec_before_any_work(tmp_path, capsys):
    path = _write(tmp_path, '[sweep]\n[axes]\n"left.wedge_deg" = [0, 50]\n')
    store = tmp_path / "never.zarr"
    assert cli.main(["sweep", str(path), "--out", str(store)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 3, [axes] left.wedge_deg" in err and "out of range" in err
    assert not store.exists()
