"""Insoles: what each support does to the chain (the issue's checks), TOML files, refusals."""

from __future__ import annotations

import pytest

import chainsim as cs
from chainsim.conditions import apply_presets
from chainsim.insoles import CATALOGUE, FIELDS, Insole, get, listing, with_insoles
from chainsim.model import Model
from conftest import solved

FLAT = apply_presets(Model(), "both=flat_foot")


def _pair(model, **insole):
    """The model without and with an insole of these fields on both feet."""
    b = cs.solve_batch([model, with_insoles(model, {"left": Insole(**insole),
                                                    "right": Insole(**insole)})])
    assert b.ok.all(), b.status
    return b.result(0), b.result(1)


def test_an_arch_support_reduces_the_flat_foots_navicular_drop():
    bare, supported = _pair(FLAT, arch_support_mm=15.0, arch_support_stiffness_n_per_mm=150.0)
    assert supported["left.navicular_drop_mm"] < bare["left.navicular_drop_mm"] - 1.0
    assert supported["left.midfoot_load_share"] > 0.1 > bare["left.midfoot_load_share"]


def test_higher_supports_hold_the_arch_higher():
    models = [with_insoles(FLAT, [f"both={n}"]) for n in
              ("flat_factory", "medium_arch", "high_arch", "extra_high_arch")]
    drops = cs.solve_batch(models)["left.navicular_drop_mm"]
    assert all(drops[i + 1] < drops[i] for i in range(3)), drops


def test_a_medial_post_reduces_rearfoot_eversion_and_tibial_internal_rotation():
    bare, posted = _pair(FLAT, rearfoot_post_deg=5.0)
    assert posted["left.rearfoot_eversion_deg"] < bare["left.rearfoot_eversion_deg"] - 0.3
    assert posted["left.tibial_rotation_deg"] < bare["left.tibial_rotation_deg"] - 0.1
    # the catalogue's motion-control insole (posted under heel and forefoot) does more
    mc = cs.solve(with_insoles(FLAT, "both=motion_control"))
    assert mc["left.rearfoot_eversion_deg"] < posted["left.rearfoot_eversion_deg"]
    assert mc["left.tibial_rotation_deg"] < bare["left.tibial_rotation_deg"] - 0.5


def test_a_lateral_wedge_lowers_the_knee_adduction_moment():
    """Lateral wedges lower the external knee adduction moment (e.g. 0.380 -> 0.299 N m/kg in
    walking, Kang et al. 2013, Orthopedics; 5-6% in Felson's OA patients): here in standing."""
    bare, wedged = _pair(Model(), rearfoot_post_deg=-5.0, forefoot_post_deg=-5.0)
    assert wedged["left.knee_adduction_moment_nm_per_kg"] < bare["left.knee_adduction_moment_nm_per_kg"]
    assert wedged["left.rearfoot_eversion_deg"] > bare["left.rearfoot_eversion_deg"]


def test_a_heel_lift_under_the_short_leg_reduces_the_pelvic_obliquity():
    short = apply_presets(Model(), "left=leg_length_discrepancy:15")
    b = cs.solve_batch([short, with_insoles(short, {"left": Insole(heel_lift_mm=10.0)}),
                        with_insoles(short, {"right": Insole(heel_lift_mm=10.0)})])
    oblq = abs(b["pelvis.obliquity_deg"])
    assert oblq[1] < 0.7 * oblq[0]           # under the short leg: less
    assert oblq[2] > oblq[0]                 # under the long one: more


def test_cushioning_and_a_heel_cup_act_where_they_should(neutral):
    soft = solved(both__insole__cushioning_stiffness_n_per_mm=50.0)
    assert soft["left.navicular_drop_mm"] > neutral["left.navicular_drop_mm"]   # sinks in
    cup = solved(both__insole__heel_cup=1.0)
    assert cup["left.heel_load_share"] != neutral["left.heel_load_share"]


def test_insole_toml_round_trip(tmp_path):
    for ins in CATALOGUE.values():
        path = tmp_path / f"{ins.name}.toml"
        ins.save(path)
        back = Insole.load(path)
        assert back == ins and back.name == ins.name and back.description == ins.description
        assert get(str(path)) == ins


def test_insoles_from_files_go_under_the_feet(tmp_path):
    path = tmp_path / "mine.toml"
    Insole("mine", arch_support_mm=11.0, rearfoot_post_deg=3.0).save(path)
    m = with_insoles(Model(), [f"right={path}"])
    assert m["right.insole.arch_support_mm"] == 11.0 and m["left.insole.arch_support_mm"] == 0.0


def test_unknown_insoles_fields_and_files_are_refused_clearly(tmp_path):
    with pytest.raises(cs.ParameterError, match="unknown insole 'medum'.*medium_arch.*heel_lift"):
        with_insoles(Model(), "both=medum")
    with pytest.raises(cs.ParameterError, match="does not exist"):
        get(str(tmp_path / "nothing.toml"))
    with pytest.raises(cs.ParameterError, match="unknown insole field.*arch_height"):
        Insole(arch_height=3)
    with pytest.raises(cs.ParameterError, match="insole.heel_lift_mm.*-5.*0 to 30"):
        Insole(heel_lift_mm=-5)
    with pytest.raises(cs.ParameterError, match="SIDE=NAME"):
        with_insoles(Model(), "medium_arch")
    bad = tmp_path / "bad.toml"
    bad.write_text("[shoe]\nsize = 42\n")
    with pytest.raises(cs.ParameterError, match=r"\[insole\]"):
        get(str(bad))


def test_an_arch_support_higher_than_the_arch_is_refused():
    """Issue 3: physically impossible combinations are refused with a clear message."""
    with pytest.raises(cs.ParameterError) as err:
        Model(left__insole__arch_support_mm=30.0)
    msg = str(err.value)
    assert "left.insole.arch_support_mm = 30" in msg and "unloaded arch" in msg and "0 to 23" in msg
    # the same support fits a taller foot with a higher arch
    Model(left__insole__arch_support_mm=30.0, subject__height_m=2.1, left__arch_height_scale=1.3)
    # and in a batch the failing point is named
    with pytest.raises(cs.ParameterError, match="point 1"):
        cs.solve_columns({"left.insole.arch_support_mm": [5.0, 30.0]})
    with pytest.raises(cs.ParameterError, match="extra_high_arch|unloaded arch"):
        with_insoles(apply_presets(Model(), "left=flat_foot+flat_foot"), "left=extra_high_arch")


def test_the_catalogue_is_listed_and_every_design_fits_a_normal_foot():
    lines = listing().splitlines()
    assert [ln.split()[0] for ln in lines] == list(CATALOGUE)
    b = cs.solve_batch([with_insoles(Model(), [f"both={n}"]) for n in CATALOGUE])
    assert b.ok.all()
    assert set(FIELDS) == set(CATALOGUE["medium_arch"].values())
