"""Compare a baseline with altered feet or insoles, level by level from the foot to the spine.

Examples
--------
>>> from chainsim import Model
>>> from chainsim.conditions import apply_presets
>>> c = compare(Model(), apply_presets(Model(), ["both=flat_foot"]))
>>> c["left.navicular_drop_mm"].change > 4
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .arguments import check_instance, check_texts, refuse
from .model import Model
from .outputs import OUTPUTS
from .statics import StaticResult, solve_batch

#: The chain from the ground up: each level and the outputs that describe it (per side unless
#: they are the pelvis's or the spine's).
LEVELS = (
    ("foot", ("rearfoot_eversion_deg", "subtalar_eversion_deg", "forefoot_eversion_deg",
              "navicular_drop_mm", "arch_height_index", "fascia_tension_bw", "heel_load_share",
              "forefoot_load_share", "midfoot_load_share", "toe_load_share", "cop_ml_mm")),
    ("ankle", ("ankle_dorsiflexion_deg", "ankle_force_bw")),
    ("knee", ("tibial_rotation_deg", "knee_valgus_deg", "knee_flexion_deg", "knee_rotation_deg",
              "knee_adduction_moment_nm_per_kg", "knee_force_bw")),
    ("hip", ("hip_rotation_deg", "hip_adduction_deg", "hip_flexion_deg",
             "hip_adduction_moment_nm_per_kg", "hip_force_bw")),
    ("pelvis", ("pelvis.tilt_deg", "pelvis.obliquity_deg", "pelvis.rotation_deg",
                "pelvis.functional_lld_mm")),
    ("lumbar", ("lumbar.lordosis_deg", "lumbar.lateral_bend_deg", "lumbar.rotation_deg",
                "lumbar.l5s1_force_bw")),
)


@dataclass(frozen=True)
class Row:
    """One output: its level, the baseline and altered values and their change."""

    level: str
    name: str
    unit: str
    baseline: float
    altered: float

    @property
    def change(self) -> float:
        return self.altered - self.baseline


class Comparison:
    """The change at every level of the chain between two equilibria.

    Attributes
    ----------
    baseline, altered : StaticResult
    rows : list of Row
        In chain order (foot to lumbar spine; left before right).
    """

    def __init__(self, baseline: StaticResult, altered: StaticResult, labels=("baseline", "altered")):
        self.baseline, self.altered, self.labels = baseline, altered, tuple(labels)
        self.rows = []
        for level, names in LEVELS:
            for n in names:
                keys = [n] if "." in n else [f"left.{n}", f"right.{n}"]
                for k in keys:
                    self.rows.append(Row(level, k, OUTPUTS[k].unit, baseline[k], altered[k]))
        self._by_name = {r.name: r for r in self.rows}

    def __getitem__(self, name) -> Row:
        return self._by_name[name]

    def to_dict(self) -> dict:
        """Plain data: ``{name: {level, unit, baseline, altered, change}}`` plus both statuses."""
        return {"labels": list(self.labels),
                "status": {self.labels[0]: self.baseline.status, self.labels[1]: self.altered.status},
                "outputs": {r.name: {"level": r.level, "unit": r.unit, "baseline": r.baseline,
                                     "altered": r.altered, "change": r.change} for r in self.rows}}

    def to_dataframe(self):
        """The rows as a pandas DataFrame indexed by output name."""
        import pandas as pd

        return pd.DataFrame([{"level": r.level, "output": r.name, "unit": r.unit,
                              self.labels[0]: r.baseline, self.labels[1]: r.altered,
                              "change": r.change} for r in self.rows]).set_index("output")

    def table(self) -> str:
        """Text table, grouped by level from the foot up."""
        a, b = self.labels
        lines = [f"{a}: {self.baseline.status}   {b}: {self.altered.status}",
                 f"{'level':7s} {'output':44s} {a[:10]:>10s} {b[:10]:>10s} {'change':>9s}  unit"]
        for r in self.rows:
            lines.append(f"{r.level:7s} {r.name:44s} {r.baseline:10.3f} {r.altered:10.3f} "
                         f"{r.change:+9.3f}  {r.unit}")
        return "\n".join(lines)

    def __repr__(self):
        return f"Comparison({self.labels[0]!r} -> {self.labels[1]!r}, {len(self.rows)} outputs)"


def compare(baseline: Model | StaticResult, altered: Model | StaticResult,
            labels=("baseline", "altered")) -> Comparison:
    """Solve (if needed) and compare two models level by level.

    Parameters
    ----------
    baseline, altered : Model or StaticResult
    labels : pair of str
        Column names in the table and data.

    Returns
    -------
    Comparison
    """
    for name, m in (("baseline", baseline), ("altered", altered)):
        check_instance(name, m, (Model, StaticResult), "a chainsim.Model or a StaticResult")
    labels = check_texts("labels", labels)
    if len(labels) != 2 or labels[0] == labels[1]:
        refuse("labels", labels, "two different str: the baseline's and the altered's names")
    todo = [m for m in (baseline, altered) if isinstance(m, Model)]
    if todo:
        b = solve_batch(todo, keep_theta=True, keep_state=True)  # each to a result
        solved = iter([b.result(i) for i in range(len(todo))])
    a, b = (m if isinstance(m, StaticResult) else next(solved) for m in (baseline, altered))
    return Comparison(a, b, labels)
