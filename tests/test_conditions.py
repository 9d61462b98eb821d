"""Condition presets: their navicular drops against the literature, composition, one-sided
presets coupling both sides through the pelvis, and mirror symmetry."""

from __future__ import annotations

import numpy as np
import pytest

import chainsim as cs
from chainsim.conditions import CONDITIONS, apply, apply_presets, listing, parse
from chainsim.model import Model
from chainsim.outputs import OUTPUTS, PUBLIC

PRESETS = [n for n in CONDITIONS if n != "normal"]


@pytest.fixture(scope="module")
def both_sides():
    """Every preset on both feet, solved in one batch."""
    models = [apply_presets(Model(), f"both={n}") for n in CONDITIONS]
    return dict(zip(CONDITIONS, (b := cs.solve_batch(models)) and [b.result(i) for i in range(len(models))]))


def test_every_preset_stands_and_changes_something(both_sides):
    for name, r in both_sides.items():
        assert r.ok, (name, r.status)
    normal = both_sides["normal"]
    for name in PRESETS:
        diff = max(abs(both_sides[name][k] - normal[k]) for k in PUBLIC)
        assert diff > 1e-3, name


def test_navicular_drop_normal_flat_and_high_arch(both_sides):
    """Issue 3: normal 4-9 mm (Nielsen et al. 2009: means 3.6-8.1 mm); flat foot above the
    10 mm upper limit of normal (Mueller 1993, via Nielsen 2009); a high arch below normal."""
    nd = {n: both_sides[n]["left.navicular_drop_mm"] for n in ("normal", "flat_foot", "high_arch")}
    assert 4.0 < nd["normal"] < 9.0
    assert nd["flat_foot"] > 10.0
    assert nd["high_arch"] < nd["normal"]


def test_presets_move_the_foot_the_way_their_names_say(both_sides):
    n = both_sides["normal"]
    ev = "left.rearfoot_eversion_deg"
    for name in ("flat_foot", "overpronation", "bunion"):
        assert both_sides[name][ev] > n[ev] + 0.5, name
    for name in ("high_arch", "supination"):
        assert both_sides[name][ev] < n[ev] - 0.5, name
    # a low arch has a low arch height index, a high one a high index
    ahi = "left.arch_height_index"
    assert both_sides["flat_foot"][ahi] < n[ahi] < both_sides["high_arch"][ahi]
    # clawed toes carry nothing; a softer fascia carries less; a hypermobile first ray
    # lets load move off the first metatarsal head toward the lateral side
    assert both_sides["hammertoe"]["left.toe_load_share"] == 0.0 < n["left.toe_load_share"]
    assert both_sides["plantar_fasciitis"]["left.fascia_tension_bw"] < n["left.fascia_tension_bw"]
    assert both_sides["weak_hips"]["left.hip_rotation_deg"] > n["left.hip_rotation_deg"]


def test_a_shorter_leg_drops_the_pelvis_on_its_side():
    r = cs.solve(apply_presets(Model(), "left=leg_length_discrepancy:15"))
    assert r["pelvis.obliquity_deg"] < -3.0          # + = left higher
    assert r["pelvis.functional_lld_mm"] < -10.0


@pytest.mark.parametrize("name", PRESETS)
def test_a_one_sided_preset_changes_both_sides(name):
    """The pelvis couples the legs: a condition of the left foot or leg moves the right."""
    if name == "weak_hips":        # symmetric stance loads no hip: add a pronated foot to load it
        base = Model(both__pronation_deg=8.0)
    else:
        base = Model()
    a, b = cs.solve(base), cs.solve(apply(base, "left", name))
    assert a.ok and b.ok
    moved = max(abs(b[f"right.{k}"] - a[f"right.{k}"]) for k in
                ("hip_adduction_deg", "hip_rotation_deg", "knee_flexion_deg", "grf_bw",
                 "rearfoot_eversion_deg", "ankle_dorsiflexion_deg"))
    assert moved > 0.01, (name, moved)


def _mirror_key(k):
    side, _, name = k.partition(".")
    other = {"left": "right", "right": "left"}.get(side)
    return f"{other}.{name}" if other else k


FLIPS = {k for k in PUBLIC if not k.startswith(("left.", "right.")) and "left" in OUTPUTS[k].sign}


def test_mirrored_presets_give_mirrored_results():
    left = apply_presets(Model(), ["left=flat_foot", "right=weak_hips", "left=hammertoe"])
    right = apply_presets(Model(), ["right=flat_foot", "left=weak_hips", "right=hammertoe"])
    assert right == left.mirrored()
    b = cs.solve_batch([left, right])
    for k in PUBLIC:
        x, y = b[k][0], b[_mirror_key(k)][1]
        assert np.isclose(x, -y if k in FLIPS else y, rtol=1e-7, atol=1e-7), (k, x, y)


def test_presets_compose_as_changes_from_normal():
    m = apply_presets(Model(both__arch_stiffness_n_per_mm=100.0), ["left=flat_foot+overpronation"])
    flat, over = CONDITIONS["flat_foot"], CONDITIONS["overpronation"]
    pron = sum(c.value for c in flat.changes + over.changes if c.param == "pronation_deg")
    assert m["left.pronation_deg"] == pytest.approx(pron)
    assert m["left.arch_stiffness_n_per_mm"] == pytest.approx(40.0)      # scaled, not set
    assert m["right.arch_stiffness_n_per_mm"] == 100.0
    # the same twice is twice the change; sizes are given after a colon
    twice = apply_presets(Model(), ["left=overpronation", "left=overpronation"])
    assert twice["left.pronation_deg"] == pytest.approx(16.0)
    assert apply_presets(Model(), "right=leg_length_discrepancy:12")["right.leg_length_diff_mm"] == 12.0
    assert apply_presets(Model(), "both=weak_hips:0.7")["left.hip_strength"] == pytest.approx(0.7)


@pytest.mark.parametrize("spec, words", [
    ("left=flat_fot", ["flat_fot", "valid presets", "flat_foot", "weak_hips"]),
    ("middle=flat_foot", ["middle", "left, right or both"]),
    ("flat_foot", ["SIDE=NAME"]),
    ("left=flat_foot:3", ["takes no size"]),
    ("left=leg_length_discrepancy:abc", ["abc", "not a number"]),
    ("left=leg_length_discrepancy:80", ["leg_length_diff_mm", "80", "0 to 50"]),
])
def test_bad_presets_are_refused_with_the_valid_choices(spec, words):
    with pytest.raises(cs.ParameterError) as err:
        apply_presets(Model(), spec)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_a_preset_that_would_leave_the_valid_range_says_so():
    soft = Model(both__arch_stiffness_n_per_mm=20.0)
    with pytest.raises(cs.ParameterError, match="arch_stiffness_n_per_mm.*20.*8"):
        apply(soft, "left", "flat_foot")


def test_listing_has_one_line_per_preset_with_its_summary():
    lines = listing().splitlines()
    assert len(lines) == len(CONDITIONS)
    for line, c in zip(lines, CONDITIONS.values()):
        assert line.startswith(c.name) and c.summary in line


def test_every_change_names_its_source_and_every_preset_its_reasoning():
    for c in CONDITIONS.values():
        assert c.doc.strip()
        for ch in c.changes:
            assert ch.source.strip() and ch.op in ("scale", "add")
    assert parse("both=normal") == [("left", "normal", None), ("right", "normal", None)]
