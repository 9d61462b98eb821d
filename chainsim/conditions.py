"""Foot and leg conditions as named presets: documented bundles of parameter changes.

A preset is a list of *changes from normal*, applied to one side of a model: stiffnesses and
scales are multiplied, angles and lengths added.  So presets compose (a flat left foot with a
weak right hip, or ``flat_foot+weak_hips`` on one side) and apply on top of any subject.

Every number names its source; where the mechanics of a condition are uncertain, the preset
models the best-supported mechanism and its docstring says so.  ``chainsim presets`` lists them.

Examples
--------
>>> from chainsim import Model
>>> m = apply_presets(Model(), ["left=flat_foot", "right=weak_hips"])
>>> m["left.pronation_deg"], m["right.hip_strength"]
(6.0, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .arguments import check_choice, check_float, check_instance, check_text, check_texts
from .model import Model
from .params import REGISTRY, SIDES, ParameterError


@dataclass(frozen=True)
class Change:
    """One change of a side parameter: ``op`` is ``"scale"`` (multiply) or ``"add"``.

    ``value`` None means the preset's size (e.g. the millimetres of a leg-length difference).
    """

    param: str
    op: str
    value: float | None
    source: str


@dataclass(frozen=True)
class Condition:
    """A named condition: a one-line summary, its changes and the reasoning behind them."""

    name: str
    summary: str
    changes: tuple
    doc: str
    size_unit: str = ""          # a sized preset: ``name:size`` (e.g. leg_length_discrepancy:15)
    default_size: float | None = None

    def __repr__(self):
        n = len(self.changes)
        return f"<Condition {self.name}: {self.summary} ({n} change{'' if n == 1 else 's'})>"

    def _repr_html_(self):
        from .report import html_table

        return html_table(f"Condition {self.name}: {self.summary}",
                          ("parameter", "change", "source"),
                          ((c.param, f"{c.op} {'SIZE' if c.value is None else f'{c.value:g}'}",
                            c.source) for c in self.changes), ".doc: the reasoning")


_NIELSEN = "navicular drop: normal 3.6-8.1 mm, over 10 mm abnormal (Nielsen et al. 2009, J Foot Ankle Res 2:12)"
_ZIFCHOCK = "planus feet mostly very flexible, cavus feet very stiff (Zifchock et al. 2017, JAPMA 107:119)"
_RCSP = ("relaxed calcaneal stance: normal vertical to 2-3 deg everted, pronated beyond; cavus "
         "inverted over 3 deg (clinical convention; Sobel et al. 1999: healthy adults 6.1 +- 2.7 deg)")

CONDITIONS: dict[str, Condition] = {c.name: c for c in (
    Condition(
        "normal", "the reference foot and leg: no change", (),
        "The generic foot: Ker's donor arch stiffness, neutral subtalar rest angle, normal fascia "
        "and toes.  Useful as an explicit baseline or target."),
    Condition(
        "flat_foot", "low, flexible arch that overpronates",
        (Change("arch_stiffness_n_per_mm", "scale", 0.4, _ZIFCHOCK + "; " + _NIELSEN),
         Change("arch_height_scale", "scale", 0.8, "low unloaded arch (assumption: 20% lower)"),
         Change("pronation_deg", "add", 6.0, _RCSP)),
        "Flexible pes planus: a soft arch (40% of normal, which drops the navicular beyond the "
        "10 mm limit of normal), a lower unloaded arch and a subtalar joint that rests pronated. "
        "The sizes are assumptions chosen inside the clinical descriptions, not fitted."),
    Condition(
        "high_arch", "high, stiff arch, supinated; absorbs shock poorly",
        (Change("arch_stiffness_n_per_mm", "scale", 2.5, _ZIFCHOCK),
         Change("arch_height_scale", "scale", 1.2, "high unloaded arch (assumption: 20% higher)"),
         Change("pronation_deg", "add", -4.0, _RCSP),
         Change("fascia_stiffness_scale", "scale", 1.5,
                "stiffer plantar fascia in cavus feet (assumption: the fascia tightens the arch)")),
        "Pes cavus: a stiff, high arch with a supinated rearfoot.  Its navicular drops less than "
        "normal; its poorer shock absorption shows in the impact dynamics.  Sizes are "
        "assumptions."),
    Condition(
        "overpronation", "rearfoot rests everted; arch normal",
        (Change("pronation_deg", "add", 8.0, _RCSP),),
        "A subtalar joint resting 8 deg pronated (a calcaneal stance angle about one standard "
        "deviation beyond Sobel's healthy mean); the arch itself is normal."),
    Condition(
        "supination", "rearfoot rests inverted",
        (Change("pronation_deg", "add", -6.0, _RCSP),),
        "A subtalar joint resting 6 deg supinated (a calcaneal stance angle of about 3 deg "
        "inverted, the cavus threshold of the clinical convention)."),
    Condition(
        "plantar_fasciitis", "degenerated, softer plantar fascia (mechanism uncertain)",
        (Change("fascia_stiffness_scale", "scale", 0.65,
                "shear-wave speed 3.8 vs 4.7 m/s in patients vs controls; modulus ~ speed^2 "
                "(Baur et al. 2021, J Clin Med 10:2351)"),),
        "Uncertain mechanics.  The best-supported structural finding is a degenerated fascia: "
        "shear-wave elastography shows it softer (modulus about 0.65 of normal, Baur et al. "
        "2021) and ultrasound thicker (over 4 mm against 2-4 mm; Aggarwal et al. 2020, Pol J "
        "Radiol 85:e375).  The thickening may offset the softening in the fascia's axial "
        "stiffness, which is what the model uses, so the net change is uncertain; this preset "
        "models the softening alone.  The strongest risk factors (limited ankle dorsiflexion, "
        "body mass; Riddle et al. 2003, JBJS 85:872) are set through the subject."),
    Condition(
        "bunion", "hallux valgus: hypermobile first ray, mild pronation",
        (Change("first_ray_stiffness_scale", "scale", 0.4,
                "first-ray hypermobility accompanies hallux valgus (e.g. Glasoe et al. 1999, "
                "Phys Ther 79:854; size an assumption)"),
         Change("pronation_deg", "add", 3.0, "pronated foot posture often accompanies hallux "
                "valgus (assumption for the size)")),
        "Hallux valgus modelled through what it does to loading: a first metatarsal that "
        "yields under load (less stiff support under the first metatarsal head), so load moves "
        "laterally, and a mildly pronated rearfoot.  The toe deformity itself is not modelled."),
    Condition(
        "hammertoe", "toes held dorsiflexed at the MTP joints; off the ground",
        (Change("toe_extension_deg", "add", 25.0,
                "MTP hyperextension of hammer and claw toes (clinical description; 25 deg an "
                "assumption)"),),
        "Lesser-toe deformity in which the metatarsophalangeal joints rest dorsiflexed: the toes "
        "stop bearing load and the windlass pre-tensions the fascia, moving load onto the "
        "metatarsal heads."),
    Condition(
        "leg_length_discrepancy", "this leg structurally shorter by SIZE mm",
        (Change("leg_length_diff_mm", "add", None, "size given by the user"),),
        "A structural leg-length difference, taken in the shank of this side.", "mm", 10.0),
    Condition(
        "weak_hips", "weak hip abductors and external rotators (SIZE = remaining strength)",
        (Change("hip_strength", "scale", None, "size given by the user"),),
        "Hip abductor and external-rotator tone scaled to SIZE (default half of normal); the "
        "femur then adducts and rotates inward more easily under the pelvis.", "", 0.5),
)}


def parse(spec: str) -> list[tuple[str, str, float | None]]:
    """``"left=flat_foot+weak_hips"`` -> [(side, name, size), ...]; ``both=`` gives two sides.

    Raises
    ------
    ParameterError
        For a malformed spec, an unknown side or an unknown preset (listing the valid ones).
    """
    side, eq, names = check_text("spec", spec).partition("=")
    if not eq or not names:
        raise ParameterError(f"preset {spec!r}: expected SIDE=NAME, e.g. left=flat_foot")
    sides = SIDES if side == "both" else (side,)
    if side not in SIDES + ("both",):
        raise ParameterError(f"preset {spec!r}: side {side!r} is not left, right or both")
    out = []
    for item in names.split("+"):
        name, colon, size = item.partition(":")
        c, _ = _preset(sides[0], name, None)
        if colon and c.default_size is None:
            raise ParameterError(f"preset {name!r} takes no size (got {item!r})")
        try:
            value = float(size) if colon else c.default_size
        except ValueError:
            raise ParameterError(f"preset {item!r}: size {size!r} is not a number") from None
        out += [(s, name, value) for s in sides]
    return out


def apply(model: Model, side: str, name: str, size: float | None = None) -> Model:
    """Return ``model`` with condition ``name`` applied to ``side``.

    Parameters
    ----------
    model : Model
    side : {"left", "right"}
    name : str
        A key of :data:`CONDITIONS`.
    size : float, optional
        For sized presets (default: the preset's default size).
    """
    check_instance("model", model, Model, "a chainsim.Model")
    c, _ = _preset(side, name, size)
    keys = {f"{side}.{ch.param}" for ch in c.changes}
    new = apply_columns({k: model[k] for k in keys}, side, name, size)
    return model.replace({k: float(v) for k, v in new.items()}) if new else model


def apply_presets(model: Model, specs) -> Model:
    """Apply preset specs such as ``["left=flat_foot", "both=weak_hips:0.6"]`` in order.

    Parameters
    ----------
    model : Model
    specs : str or list of str
        ``SIDE=NAME`` (``SIDE`` left, right or both; ``NAME`` a key of :data:`CONDITIONS`,
        several joined by ``+``, a sized one as ``NAME:SIZE``).

    Returns
    -------
    Model

    Raises
    ------
    ParameterError
        For a malformed spec, an unknown preset or a change out of a parameter's range.
    """
    check_instance("model", model, Model, "a chainsim.Model")
    for spec in check_texts("specs", specs):
        for side, name, size in parse(spec):
            model = apply(model, side, name, size)
    return model


def _preset(side, name, size):
    """The condition ``name`` and its size (the default if None), checked with ``side``."""
    check_choice("side", side, SIDES)
    if not isinstance(name, str) or name not in CONDITIONS:
        raise ParameterError(f"unknown preset {name!r}; valid presets: {', '.join(CONDITIONS)}")
    c = CONDITIONS[name]
    if size is None:
        return c, c.default_size
    return c, check_float("size", size, -math.inf, math.inf, c.size_unit)


def listing() -> str:
    """One line per preset (for ``chainsim presets``)."""
    return "\n".join(f"{c.name + (':SIZE' if c.default_size is not None else ''):28s} {c.summary}"
                     for c in CONDITIONS.values())


def apply_columns(columns: dict, side: str, name: str, size: float | None = None) -> dict:
    """Condition ``name`` applied to ``side`` of a batch given as parameter columns.

    The array counterpart of :func:`apply`: the same operations in the same order, so each
    point gets bit for bit the values :func:`apply` gives its model.

    Parameters
    ----------
    columns : dict of str -> array_like
        Full parameter keys (``left.pronation_deg``) to values (scalars or arrays); missing
        keys take their defaults.
    side : {"left", "right"}
    name : str
        A key of :data:`CONDITIONS`.
    size : float, optional
        For sized presets (default: the preset's default size).

    Returns
    -------
    dict of str -> numpy.ndarray
        The changed parameters only (new float arrays shaped like the values they come from;
        ``columns`` is not modified).

    Raises
    ------
    ParameterError
        If a change takes a value outside its valid range (naming the first such point).
    """
    c, size = _preset(side, name, size)
    new = {}
    for ch in c.changes:
        key = f"{side}.{ch.param}"
        value = size if ch.value is None else ch.value
        p = REGISTRY[key]
        old = new[key] if key in new else np.asarray(columns.get(key, p.default), dtype=float)
        x = old * value if ch.op == "scale" else old + value
        bad = ~((p.low <= x) & (x <= p.high))
        if np.any(bad):
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            where = f" (point {i})" if x.ndim else ""
            raise ParameterError(
                f"preset {name} takes {key} from {old.reshape(-1)[i]:g} to {x.reshape(-1)[i]:g}"
                f"{where}, outside its valid range {p.low:g} to {p.high:g} {p.unit}".rstrip())
        new[key] = x
    return new
