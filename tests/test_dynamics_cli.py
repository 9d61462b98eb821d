"""``chainsim impact`` on the command line."""

import json

import pytest

from chainsim.cli import main


def test_json_scalars(capsys):
    assert main(["impact", "--preset", "running_heel_strike", "--set",
                 "both.arch_stiffness_n_per_mm=100", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "ok" and d["impact_peak_bw"] > 0.5 and "loading_rate_bw_per_s" in d


def test_out_netcdf(tmp_path, capsys):
    import xarray as xr

    out = tmp_path / "run.nc"
    assert main(["impact", "--preset", "drop_landing", "--option", "duration_s=0.05",
                 "--out", str(out)]) == 0
    ds = xr.open_dataset(out)
    assert ds["left.grf_bw"].attrs["units"] == "BW" and ds.sizes["time"] > 100
    assert "written to" in capsys.readouterr().out


@pytest.mark.parametrize("argv, words", [
    (["--preset", "jogging"], ["jogging", "running_heel_strike"]),
    (["--option", "velocity_m_per_s=9"], ["velocity_m_per_s", "9", "0 .. 6"]),
    (["--set", "both.arch_stiffness_n_per_mm=1"], ["arch_stiffness_n_per_mm", "15"]),
    (["--option", "spin=1"], ["spin"]),
    (["--option", "shod=maybe"], ["shod", "maybe", "true or false"]),
    (["--option", "threads=4"], ["threads", "velocity_m_per_s", "one thread"]),
    (["--option", "duration_s"], ["--option", "NAME=VALUE"]),
    (["--preset", "drop_landing", "--preset", "walking_heel_strike"],
     ["drop_landing", "walking_heel_strike", "one impact preset"]),
])
def test_bad_input_exits_2(argv, words, capsys):
    assert main(["impact"] + argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    for w in words:
        assert w in err
