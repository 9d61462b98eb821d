"""Comparisons: every level from the foot to the lumbar spine, as a table and as data."""

from __future__ import annotations

import pytest

import chainsim as cs
from chainsim.compare import LEVELS, compare
from chainsim.conditions import apply_presets
from chainsim.model import Model


@pytest.fixture(scope="module")
def flat():
    return compare(Model(), apply_presets(Model(), "left=flat_foot"), ("normal", "flat"))


def test_every_level_is_reported_in_chain_order(flat):
    levels = [r.level for r in flat.rows]
    order = [name for name, _ in LEVELS]
    assert [lv for i, lv in enumerate(levels) if i == 0 or levels[i - 1] != lv] == order
    for want in ("left.rearfoot_eversion_deg", "left.navicular_drop_mm", "left.tibial_rotation_deg",
                 "left.knee_valgus_deg", "left.knee_adduction_moment_nm_per_kg",
                 "left.hip_rotation_deg", "left.hip_adduction_deg", "pelvis.tilt_deg",
                 "pelvis.obliquity_deg", "lumbar.lordosis_deg", "left.knee_force_bw"):
        assert want in [r.name for r in flat.rows], want


def test_values_are_the_solved_ones(flat):
    a, b = cs.solve(Model()), cs.solve(apply_presets(Model(), "left=flat_foot"))
    for r in flat.rows:
        assert r.baseline == a[r.name] and r.altered == b[r.name]
        assert r.change == pytest.approx(b[r.name] - a[r.name])
    assert flat["left.navicular_drop_mm"].change > 3.0


def test_table_and_data_agree(flat):
    text = flat.table()
    d = flat.to_dict()
    assert d["labels"] == ["normal", "flat"] and d["status"] == {"normal": "ok", "flat": "ok"}
    df = flat.to_dataframe()
    for r in flat.rows:
        line = next(ln for ln in text.splitlines() if f" {r.name} " in ln)
        assert f"{r.change:+9.3f}" in line and line.split()[0] == r.level
        assert d["outputs"][r.name]["change"] == pytest.approx(r.change)
        assert df.loc[r.name, "change"] == pytest.approx(r.change)


def test_results_can_be_compared_without_solving_again():
    a = cs.solve(Model())
    c = compare(a, Model(both__pronation_deg=5.0))
    assert c.baseline is a and c.altered.ok
