"""Net joint reaction forces in symmetric stance against the de Leva-derived values.

docs/references.md §1 (D, from de Leva 1996 Table 4): gravity alone puts about 0.30 BW on each
hip, 0.44 BW on each knee and 0.49 BW on each ankle in symmetric double stance.
"""

from __future__ import annotations

import pytest

from conftest import solved


def test_net_joint_reactions_match_de_leva(neutral):
    for side in ("left", "right"):
        # docs/references.md §1: 0.30 / 0.44 / 0.49 BW (two-digit values, male table)
        assert neutral[f"{side}.hip_force_bw"] == pytest.approx(0.30, abs=0.005)
        assert neutral[f"{side}.knee_force_bw"] == pytest.approx(0.44, abs=0.005)
        assert neutral[f"{side}.ankle_force_bw"] == pytest.approx(0.49, abs=0.005)


def test_net_joint_reactions_female_table():
    # the same arithmetic with de Leva's female shares: thigh .1478, shank .0481, foot .0129
    thigh, shank, foot = 0.1478, 0.0481, 0.0129
    r = solved(subject__sex="female")
    assert r["left.hip_force_bw"] == pytest.approx((1 - 2 * (thigh + shank + foot)) / 2, abs=0.002)
    assert r["left.knee_force_bw"] == pytest.approx((1 - 2 * (shank + foot)) / 2, abs=0.002)
    assert r["left.ankle_force_bw"] == pytest.approx((1 - 2 * foot) / 2, abs=0.002)


def test_l5s1_carries_the_head_arms_and_trunk(neutral):
    # de Leva: head 0.0694 + arms 2 x 0.0494 + upper 0.1596 + mid trunk 0.1633 = 0.4911 BW
    assert neutral["lumbar.l5s1_force_bw"] == pytest.approx(0.4911, abs=1e-4)
