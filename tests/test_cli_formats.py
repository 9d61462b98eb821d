"""The command line's edges: ``--version``, output files by extension, ``--json`` with units,
inputs and version everywhere, ``presets NAME`` and plain ``--help`` texts."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from unittest import mock

import pytest

import chainsim as cs
from chainsim import cli
from chainsim.conditions import CONDITIONS

ROOT = Path(__file__).resolve().parent.parent
IMPACT = ["impact", "--preset", "drop_landing", "--option", "duration_s=0.05",
          "--set", "both.arch_stiffness_n_per_mm=100"]


def _main(capsys, *argv):
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _json(out) -> dict:
    d = json.loads(out)
    assert d["chainsim_version"] == cs.__version__
    assert isinstance(d["inputs"], dict) and isinstance(d["units"], dict)
    return d


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out == f"chainsim {cs.__version__}\n"


# ------------------------------------------------------------------- files by extension

def test_impact_out_csv_has_one_header_row_with_units(tmp_path, capsys):
    path = tmp_path / "run.csv"
    rc, out, _ = _main(capsys, *IMPACT, "--out", str(path))
    assert rc == 0 and "written to" in out
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[0] == "time [s]" and "left.grf_bw [BW]" in header
    assert "left.arch_deflection_mm [mm]" in header
    assert len(rows) > 100 and all(len(r) == len(header) for r in rows)
    values = [[float(x) for x in r] for r in rows[1:]]        # the second row is numbers
    assert values[0][0] > 0 and values[-1][0] == pytest.approx(0.05)


def test_impact_out_json_has_units_inputs_and_version(tmp_path, capsys):
    path = tmp_path / "run.json"
    rc, _, _ = _main(capsys, *IMPACT, "--out", str(path))
    assert rc == 0
    d = _json(path.read_text(encoding="utf-8"))
    assert d["units"]["left.grf_bw"] == "BW" and d["units"]["time"] == "s"
    assert d["units"]["impact_peak_bw"] == "BW"
    assert d["inputs"]["option"] == ["duration_s=0.05"]
    assert d["inputs"]["impact_preset"] == "drop_landing"
    assert d["inputs"]["changed_parameters"] == {"left.arch_stiffness_n_per_mm": 100.0,
                                                 "right.arch_stiffness_n_per_mm": 100.0}
    assert d["scalars"]["status"] == "ok"
    assert len(d["series"]["time"]) == len(d["series"]["left.grf_bw"]) > 100


def test_impact_out_netcdf(tmp_path, capsys):
    xr = pytest.importorskip("xarray")
    path = tmp_path / "run.nc"
    assert _main(capsys, *IMPACT, "--out", str(path))[0] == 0
    with xr.open_dataset(path) as ds:
        assert ds["left.grf_bw"].attrs["units"] == "BW"


@pytest.mark.parametrize("command, option, name, compute, allowed", [
    (IMPACT, "--out", "run.txt", "chainsim.dynamics.impact", ".nc, .csv, .json"),
    (IMPACT, "--out", "run", "chainsim.dynamics.impact", ".nc, .csv, .json"),
    (IMPACT, "--out", "run.zarr", "chainsim.dynamics.impact", ".nc, .csv, .json"),
    (["fit-insole"], "--out", "insole.json", "chainsim.fitting.design_insole", ".toml"),
    (["sweep", str(ROOT / "examples" / "sweep.toml"), "--out", "STORE"], "--netcdf", "r.csv",
     "chainsim.sweep.runner.run", ".nc"),
    (["sensitivity", str(ROOT / "examples" / "sensitivity.toml")], "--netcdf", "r.csv",
     "chainsim.sweep.sensitivity.run_sensitivity", ".nc"),
])
def test_an_unknown_extension_is_refused_before_computing(tmp_path, capsys, command, option,
                                                          name, compute, allowed):
    argv = [str(tmp_path / "store.zarr") if a == "STORE" else a for a in command]
    with mock.patch(compute, side_effect=AssertionError("computed before checking")):
        rc, out, err = _main(capsys, *argv, option, str(tmp_path / name))
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert option in err and name in err and f"allowed: {allowed}" in err, err
    assert list(tmp_path.iterdir()) == []                     # nothing written


# ------------------------------------------------------------------- --json everywhere

def test_compare_json_has_units_and_both_inputs(capsys):
    rc, out, _ = _main(capsys, "compare", "--base-preset", "both=flat_foot", "--set",
                       "left.wedge_deg=4", "--json")
    assert rc == 0
    d = _json(out)
    assert d["units"]["left.rearfoot_eversion_deg"] == "deg"
    assert d["inputs"]["baseline"]["base_preset"] == ["both=flat_foot"]
    assert d["inputs"]["altered"]["set"] == ["left.wedge_deg=4"]
    assert d["inputs"]["altered"]["changed_parameters"]["left.wedge_deg"] == 4.0
    assert "outputs" in d and "status" in d                   # the keys from before


@pytest.mark.parametrize("command, key", [(["params"], "parameters"),
                                          (["outputs"], "outputs"), (["presets"], "presets"),
                                          (["insoles"], "insoles")])
def test_listings_as_json(capsys, command, key):
    rc, out, _ = _main(capsys, *command, "--json")
    assert rc == 0
    d = _json(out)
    assert d[key]
    if key in ("parameters", "outputs"):
        assert all(d["units"][k] == v["unit"] for k, v in d[key].items())
    if key == "insoles":
        assert d["units"]["heel_lift_mm"] == "mm"
        assert "heel_lift_mm" in d[key]["medium_arch"]["values"]


def test_impact_json_has_units_and_inputs(capsys):
    rc, out, _ = _main(capsys, *IMPACT, "--json")
    assert rc == 0
    d = _json(out)
    assert d["status"] == "ok" and d["impact_peak_bw"] > 0         # the keys from before
    assert d["units"]["loading_rate_bw_per_s"] == "BW/s"
    assert d["inputs"]["set"] == ["both.arch_stiffness_n_per_mm=100"]


# ------------------------------------------------------------------- presets NAME

def test_presets_name_shows_changes_units_and_sources(capsys):
    rc, out, _ = _main(capsys, "presets", "flat_foot")
    assert rc == 0
    assert out.startswith("flat_foot: " + CONDITIONS["flat_foot"].summary)
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.split()}
    assert rows["arch_stiffness_n_per_mm"] == ["x", "0.4", "N/mm"]
    assert rows["pronation_deg"] == ["+", "6", "deg"]
    assert "sources:" in out and "Zifchock et al." in out and "Nielsen et al. 2009" in out


def test_presets_name_as_json(capsys):
    rc, out, _ = _main(capsys, "presets", "leg_length_discrepancy", "--json")
    assert rc == 0
    d = _json(out)
    assert d["inputs"] == {"name": "leg_length_discrepancy"}
    assert d["changes"] == [{"parameter": "leg_length_diff_mm", "op": "add", "value": None,
                             "change": "+ SIZE", "unit": "mm",
                             "source": "size given by the user"}]
    assert d["default_size"] == 10.0 and d["units"] == {"leg_length_diff_mm": "mm"}


def test_an_unknown_preset_name_exits_2_with_a_suggestion(capsys):
    rc, out, err = _main(capsys, "presets", "flat_fot")
    assert rc == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "did you mean flat_foot?" in err and "high_arch" in err


# ------------------------------------------------------------------- --help

def _help(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as e:
        cli.main([*argv, "--help"])
    assert e.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [[]] + [[name] for name in
                                            cli.build_parser()._subparsers._group_actions[0]
                                            .choices])
def test_help_is_plain_text_with_an_example(capsys, command):
    text = _help(capsys, *command)
    for markup in ("``", ":func:", ":data:", ":mod:", ":class:", ":meth:"):
        assert markup not in text, (command, markup)
    assert "example" in text and "  chainsim " in text
