"""Designing an insole: it beats no insole and the whole catalogue on its own objective,
stays inside its bounds, and is reproducible."""

from __future__ import annotations

import numpy as np
import pytest

import chainsim as cs
from chainsim.conditions import apply_presets
from chainsim.fitting import BOUNDS, design_insole, normal_target, objective_terms, score
from chainsim.insoles import CATALOGUE, Insole
from chainsim.model import Model


@pytest.fixture(scope="module")
def flat_design():
    return design_insole(apply_presets(Model(), "both=flat_foot"), n_initial=128, rounds=5,
                         n_local=64)


def test_the_design_beats_no_insole_and_every_catalogue_insole(flat_design):
    d = flat_design
    assert set(d.scores) == {"no insole", *CATALOGUE}
    for name, s in d.scores.items():
        assert d.score < s, (name, d.score, s)
    # and the reported score is the objective of the reported result
    assert d.score == pytest.approx(float(score(d.result, d.target, d.terms)))


def test_the_design_respects_its_bounds_and_the_foot(flat_design):
    for ins in flat_design.insoles.values():
        for k, (lo, hi) in BOUNDS.items():
            assert lo <= getattr(ins, k) <= hi, k
    assert flat_design.result.ok
    # a symmetric body gets one design for both feet
    left, right = flat_design.insoles["left"], flat_design.insoles["right"]
    assert left == right


def test_a_one_sided_design_for_a_short_leg():
    """Only the short side is designed; it gets a heel lift and the obliquity falls."""
    m = apply_presets(Model(), "left=leg_length_discrepancy:15")
    d = design_insole(m, sides="left", weights={"pelvis.obliquity_deg": 1.0},
                      n_initial=64, rounds=4, n_local=48)
    assert set(d.insoles) == {"left"}
    assert d.insoles["left"].heel_lift_mm > 5.0
    assert abs(d.result["pelvis.obliquity_deg"]) < 0.5 * abs(cs.solve(m)["pelvis.obliquity_deg"])
    assert d.score < d.scores["heel_lift"] and d.score < d.scores["no insole"]


def test_the_search_is_reproducible_and_the_objective_is_the_users():
    m = apply_presets(Model(), "left=overpronation")
    kw = dict(n_initial=32, rounds=2, n_local=16)
    a = design_insole(m, weights={"rearfoot_eversion_deg": 1.0}, seed=3, **kw)
    b = design_insole(m, weights={"rearfoot_eversion_deg": 1.0}, seed=3, **kw)
    assert a.insoles == b.insoles and a.score == b.score
    assert set(a.terms) == {"left.rearfoot_eversion_deg", "right.rearfoot_eversion_deg"}
    assert a.evaluations == 32 + 1 + len(CATALOGUE) + 2 * 16


def test_the_default_target_is_the_same_subject_with_normal_feet():
    m = apply_presets(Model(subject__mass_kg=90.0), ["both=flat_foot", "left=weak_hips"])
    t = normal_target(m)
    assert t["subject.mass_kg"] == 90.0 and t == Model(subject__mass_kg=90.0)


def test_bad_objectives_and_bounds_are_refused():
    m = Model()
    with pytest.raises(cs.ParameterError, match="knee_angle"):
        objective_terms({"knee_angle": 1.0})
    with pytest.raises(cs.ParameterError, match="heel_height.*designed"):
        design_insole(m, bounds={"heel_height": (0, 1)})
    with pytest.raises(cs.ParameterError, match="sides"):
        design_insole(m, sides="middle")


def test_the_design_file_loads_back(tmp_path, flat_design):
    path = tmp_path / "design.toml"
    path.write_text(flat_design.to_toml())
    for side, ins in flat_design.insoles.items():
        assert Insole.load(path, side) == ins
    assert np.isfinite(flat_design.score)
