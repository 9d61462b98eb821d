"""The results and inputs at home in Jupyter and pandas: one-line reprs, HTML views, and
``to_series`` / ``to_dataframe`` with the values bit for bit."""

from __future__ import annotations

import functools
import io
import sys
import warnings

import numpy as np
import pytest

import chainsim as cs
from chainsim import insoles
from chainsim._extras import MissingExtra
from chainsim.conditions import CONDITIONS
from chainsim.dynamics import SCALARS, impact, impact_batch
from chainsim.outputs import OUTPUTS, PUBLIC
from chainsim.params import REGISTRY
from chainsim.report import html_table
from chainsim.sweep import grid, sample
from chainsim.sweep.spec import SensitivitySpec

pd = pytest.importorskip("pandas")

MODELS = [cs.Model(both__wedge_deg=5.0), cs.Model(left__pronation_deg=3.0)]
COLUMNS = {"both.wedge_deg": np.array([0.0, 4.0, 8.0]), "subject.mass_kg": 80.0}
SHORT = {"duration_s": 0.05}        # (an impact's first 50 ms: the scalars' window)


@pytest.fixture(scope="module")
def static():
    return cs.solve(MODELS[0])


@pytest.fixture(scope="module")
def batch():
    return cs.solve_batch(MODELS)


@pytest.fixture(scope="module")
def column_batch():
    return cs.solve_columns(COLUMNS)


@pytest.fixture(scope="module")
def one_impact():
    return impact(MODELS[0], **SHORT)


@pytest.fixture(scope="module")
def impacts():
    return impact_batch(MODELS, **SHORT)


@functools.cache
def _specs():
    big = grid({"both.wedge_deg": np.linspace(-10, 10, 1000),
                "both.pronation_deg": np.linspace(-5, 5, 1000)})
    many = grid({k: [p.default, (p.default + p.high) / 2] for k, p in REGISTRY.items()
                 if k.startswith("left.") and "insole" not in k and p.high is not None
                 and isinstance(p.default, float) and p.default < p.high})
    sens = SensitivitySpec.from_dict({"sensitivity": {"method": "sobol", "n": 64, "seed": 1},
                                      "ranges": {"both.wedge_deg": [-5, 5]}})
    return {"grid 1000 x 1000": big, "grid of many axes": many, "sensitivity": sens,
            "sample": sample({"both.wedge_deg": [-5, 5]}, 64, seed=2),
            "categories": grid({"left.preset": list(CONDITIONS), "both.insole": ["none"]},
                               impact={"preset": "drop_landing"})}


def _objects(request):
    return {"StaticResult": request.getfixturevalue("static"),
            "BatchResult": request.getfixturevalue("batch"),
            "ImpactResult": request.getfixturevalue("one_impact"),
            "ImpactBatch": request.getfixturevalue("impacts"),
            "Model": MODELS[0], "Insole": insoles.get("low_arch"),
            "Condition": CONDITIONS["flat_foot"], **_specs()}


NAMES = ["StaticResult", "BatchResult", "ImpactResult", "ImpactBatch", "Model", "Insole",
         "Condition", "grid 1000 x 1000", "grid of many axes", "sensitivity", "sample",
         "categories"]


@pytest.mark.parametrize("name", NAMES)
def test_repr_is_one_short_line(request, name):
    text = repr(_objects(request)[name])
    assert "\n" not in text and len(text) <= 300, text


def test_a_grid_spec_is_summarised_not_listed():
    big = _specs()["grid 1000 x 1000"]
    text = repr(big)
    assert "1,000,000 points" in text and "1000 in -10 .. 10" in text
    assert "0.02002" not in text                    # (a value inside the axis)
    assert "(+" in repr(_specs()["grid of many axes"])      # the axes left out are counted


@pytest.mark.parametrize("name, status, unit", [
    ("StaticResult", "ok", "mm"), ("BatchResult", "2 ok", "deg"), ("ImpactResult", "ok", "BW"),
    ("ImpactBatch", "2 ok", "BW/s"), ("Model", "wedge_deg", "deg"), ("Insole", "low_arch", "N/mm"),
    ("Condition", "flat_foot", "arch_stiffness_n_per_mm"),
    ("grid 1000 x 1000", "1,000,000 points", "1000 in -10 .. 10")])
def test_html_view_shows_the_status_and_units(request, name, status, unit):
    html = _objects(request)[name]._repr_html_()
    assert html.startswith("<") and html.endswith("</div>") and "<table>" in html
    assert status in html and unit in html


def test_html_view_names_the_headline_outputs_and_how_to_get_everything(static, batch):
    html = static._repr_html_()
    for name in ("navicular_drop_mm", "rearfoot_eversion_deg", "tibial_rotation_deg",
                 "knee_flexion_deg", "hip_flexion_deg", "pelvis.tilt_deg",
                 "pelvis.obliquity_deg"):
        assert f"<td>{name}</td>" in html
    assert f"<td>{static['left.navicular_drop_mm']:.4g}</td>" in html
    assert ".to_series()" in html and ".to_dataframe()" in batch._repr_html_()


def test_html_view_escapes_text():
    html = insoles.Insole("a<b & c", "<script>").replace(arch_support_mm=4.0)._repr_html_()
    assert "a&lt;b &amp; c" in html and "&lt;script&gt;" in html and "<script>" not in html
    html = html_table("t<", ["h<"], [["x<y"]], note="n<")
    assert all(f"{s}&lt;" in html and f"{s}<" not in html for s in ("t", "h", "x", "n"))


def test_to_series_is_the_result_bit_for_bit(static):
    s = static.to_series()
    assert list(s.index) == list(PUBLIC) and s.dtype == np.float64
    assert np.array_equal(s.to_numpy(), [static[k] for k in PUBLIC], equal_nan=True)
    assert s.attrs["units"]["left.navicular_drop_mm"] == "mm"
    assert s.attrs["status"] == static.status
    full = static.to_series(checks=True)
    assert list(full.index) == list(OUTPUTS)


def test_batch_frame_has_the_models_changed_parameters_then_outputs(batch):
    df = batch.to_dataframe()
    inputs = [c for c in df.columns if c.startswith("param.")]
    assert set(inputs) == {"param.left.wedge_deg", "param.right.wedge_deg",
                           "param.left.pronation_deg"}
    assert list(df.columns) == [*inputs, *PUBLIC, "status", "iterations"]
    assert df["param.left.wedge_deg"].tolist() == [5.0, 0.0]
    assert df["param.left.pronation_deg"].tolist() == [0.0, 3.0]
    for k in PUBLIC:
        assert np.array_equal(df[k].to_numpy(), batch[k], equal_nan=True), k
    assert df["status"].tolist() == list(batch.status)
    assert np.array_equal(df["iterations"], batch.iterations)
    assert df.attrs["units"]["param.left.wedge_deg"] == "deg"
    assert df.attrs["units"]["left.knee_flexion_deg"] == "deg"


def test_batch_frame_has_the_columns_as_given(column_batch):
    df = column_batch.to_dataframe()
    assert [c for c in df.columns if c.startswith("param.")] == ["param.both.wedge_deg",
                                                                "param.subject.mass_kg"]
    assert df["param.both.wedge_deg"].tolist() == [0.0, 4.0, 8.0]
    assert df["param.subject.mass_kg"].tolist() == [80.0] * 3         # (a scalar repeated)
    assert df.attrs["units"]["param.subject.mass_kg"] == "kg"
    row = column_batch.result(1)
    assert np.array_equal(df.loc[1, list(PUBLIC)].to_numpy(float), [row[k] for k in PUBLIC],
                          equal_nan=True)


def test_impact_frames_are_the_scalars_bit_for_bit(one_impact, impacts):
    s = one_impact.to_series()
    assert np.array_equal(s.to_numpy(), [one_impact.scalars[k] for k in SCALARS],
                          equal_nan=True)
    assert s.attrs["units"]["loading_rate_bw_per_s"] == "BW/s"
    df = impacts.to_dataframe()
    assert list(df.columns) == [*SCALARS, "status"]
    for k in SCALARS:
        assert np.array_equal(df[k].to_numpy(), impacts.scalars[k], equal_nan=True), k
    assert df["status"].tolist() == list(impacts.scalars["status"])
    assert df.attrs["units"]["impact_peak_bw"] == "BW"


@pytest.mark.parametrize("name", ["batch", "column_batch", "impacts"])
def test_frames_round_trip_through_pandas_without_warnings(request, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = request.getfixturevalue(name).to_dataframe()
        back = pd.read_csv(io.StringIO(df.to_csv(index=False)))
        pd.testing.assert_frame_equal(back, df, check_dtype=False)
        buffer = io.BytesIO()
        df.to_pickle(buffer)
        buffer.seek(0)
        kept = pd.read_pickle(buffer)
        pd.testing.assert_frame_equal(kept, df, check_exact=True)
        assert kept.attrs == df.attrs
        assert df.describe().shape[1] > 0 and df.groupby("status").size().sum() == len(df)


def test_without_pandas_the_sweep_extra_is_named(monkeypatch, static, batch, impacts):
    monkeypatch.setitem(sys.modules, "pandas", None)
    for call in (static.to_series, batch.to_dataframe, impacts.to_dataframe):
        with pytest.raises(MissingExtra, match=r"chainsim\[sweep\]"):
            call()
