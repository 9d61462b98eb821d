"""Design an insole for a given foot: the support that brings the chain closest to a target.

The objective is a weighted sum of squared deviations of chosen outputs from a target
equilibrium (by default the same subject with normal feet and legs), each deviation in units
of a meaningful step (:data:`STEP`: 1 deg, 1 mm, 0.02 N m/kg, 0.01 BW).  The search runs on the batch
kernel: a seeded Latin hypercube over the manufacturable bounds (plus the catalogue designs),
then rounds of local sampling in a shrinking box around the best point.  A few thousand
equilibria: seconds.

Examples
--------
>>> from chainsim import Model
>>> from chainsim.conditions import apply_presets
>>> d = design_insole(apply_presets(Model(), ["both=flat_foot"]), n_initial=64, rounds=2)
>>> d.score < d.scores["no insole"]
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import qmc

from .arguments import (check_bool, check_choice, check_float, check_instance, check_int,
                        check_mapping, refuse)
from .geometry import unloaded_arch_m
from .insoles import CATALOGUE, Insole, with_insoles
from .model import Model, columns
from .outputs import OUTPUTS
from .params import INSOLE, SIDES, ParameterError
from .statics import StaticResult, solve, solve_batch, solve_columns

#: Manufacturable ranges of the designed fields (user units); the arch support is further
#: kept below each foot's unloaded arch.
BOUNDS = {"arch_support_mm": (0.0, 22.0), "rearfoot_post_deg": (-8.0, 8.0),
          "forefoot_post_deg": (-8.0, 8.0), "heel_lift_mm": (0.0, 15.0)}
_FIELDS = {p.name: p for p in INSOLE}
#: Default objective weights: side outputs count on both sides.
WEIGHTS = {"rearfoot_eversion_deg": 1.0, "tibial_rotation_deg": 1.0, "navicular_drop_mm": 1.0,
           "knee_adduction_moment_nm_per_kg": 1.0, "pelvis.tilt_deg": 1.0,
           "pelvis.obliquity_deg": 1.0}
#: The step each deviation is measured in, by unit: 1 deg, 1 mm; moments in 0.02 N m/kg (about
#: 5% of the walking knee adduction moment peak, 0.38 N m/kg, Kang et al. 2013, the size of a
#: lateral wedge's effect); forces and shares in hundredths.
STEP = {"deg": 1.0, "mm": 1.0, "N m/kg": 0.02, "BW": 0.01, "1": 0.01, "BW m": 0.01, "N m": 1.0}
#: The largest objective weight (weights are relative: a larger one only risks overflow).
MAX_WEIGHT = 1e6
#: The largest search: points of the initial design or of a round, and rounds.
MAX_SAMPLES = 100_000
MAX_ROUNDS = 100
#: Materials of the designed insole (the catalogue's semi-custom shell and foam).
MATERIAL = {k: v for k, v in CATALOGUE["medium_arch"].values().items() if k not in BOUNDS}


def objective_terms(weights=None) -> dict:
    """Full output name -> (weight, step) for a weights mapping (side names expand to both)."""
    out = {}
    weights = WEIGHTS if weights is None else check_mapping("weights", weights)
    for name, w in weights.items():
        keys = [name] if name in OUTPUTS else [f"{s}.{name}" for s in SIDES]
        for k in keys:
            if k not in OUTPUTS:
                raise ParameterError(f"objective output {name!r} is not an output; see "
                                     "`chainsim outputs`")
            out[k] = (check_float(f"weights[{name!r}]", w, 0.0, MAX_WEIGHT),
                      STEP[OUTPUTS[k].unit])
    if not any(w > 0 for w, _ in out.values()):
        refuse("weights", weights, "at least one weight above zero (the objective would be 0 "
                                   "for every design)")
    return out


def score(values, target, terms) -> np.ndarray:
    """Weighted squared deviation (arrays of outputs against target values); NaN -> inf."""
    total = 0.0
    for k, (w, step) in terms.items():
        total = total + w * ((np.asarray(values[k]) - target[k]) / step) ** 2
    return np.where(np.isfinite(total), total, np.inf)


def normal_target(model: Model) -> Model:
    """The same subject with normal feet and legs (every side parameter at its default)."""
    check_instance("model", model, Model, "a chainsim.Model")
    return Model({k: model[k] for k in model if k.startswith("subject.")})


@dataclass
class InsoleDesign:
    """What :func:`design_insole` found.

    Attributes
    ----------
    insoles : dict side -> Insole
        The designed insole of each designed side.
    score : float
        Its objective (lower is better; 0 = the target).
    scores : dict
        The objective with no insole and with every catalogue insole on the designed sides
        (``inf`` where that insole does not fit the foot or the chain does not stand).
    result, target : StaticResult
        The chain with the designed insoles, and the target's.
    evaluations : int
        Equilibria solved by the search.
    """

    insoles: dict
    score: float
    scores: dict
    result: StaticResult
    target: StaticResult
    terms: dict = field(repr=False)
    evaluations: int = 0

    def table(self) -> str:
        """Objective of the design against no insole and the catalogue, and the outputs."""
        lines = [f"{'insole':20s} {'objective':>10s}"]
        for name, s in sorted(self.scores.items(), key=lambda kv: kv[1]):
            lines.append(f"{name:20s} {s:10.3f}" + ("   (does not fit)" if s == np.inf else ""))
        lines.append(f"{'designed':20s} {self.score:10.3f}")
        lines.append("")
        for side, ins in self.insoles.items():
            lines.append(f"{side}: " + ", ".join(f"{k} = {getattr(ins, k):.2f}" for k in BOUNDS))
        lines.append("")
        lines.append(f"{'output':44s} {'target':>9s} {'designed':>9s}  weight")
        for k, (w, _) in self.terms.items():
            lines.append(f"{k:44s} {self.target[k]:9.3f} {self.result[k]:9.3f}  {w:g}")
        return "\n".join(lines)

    def to_toml(self) -> str:
        """The designed insoles as TOML: one ``[insole]`` table, or ``[left]``/``[right]``."""
        import tomli_w

        if len(self.insoles) == 1:
            return next(iter(self.insoles.values())).to_toml()
        return tomli_w.dumps({side: {"name": i.name, "description": i.description,
                                     **{k: v for k, v in i.values().items() if v is not None}}
                              for side, i in self.insoles.items()})


def design_insole(model: Model, sides="both", target: Model | None = None, weights=None,
                  bounds=None, symmetric: bool | None = None, n_initial: int = 256,
                  rounds: int = 6, n_local: int = 96, seed: int = 0) -> InsoleDesign:
    """Find the insole parameters that bring ``model``'s chain closest to ``target``.

    Parameters
    ----------
    model : Model
        The subject and feet to design for (its own insoles are replaced).
    sides : {"both", "left", "right"}
        Design an insole for each foot, or for one (the other keeps what ``model`` has).
    target : Model, optional
        Default: :func:`normal_target` (same subject, normal feet and legs, no insoles).
    weights : dict, optional
        Output name -> weight from 0 to :data:`MAX_WEIGHT`, at least one above zero (see
        :data:`WEIGHTS`; side names apply to both sides).
    bounds : dict, optional
        Field -> (low, high), overriding :data:`BOUNDS`, within the field's valid range.
    symmetric : bool, optional
        One design for both feet (default: when both are designed and the model is its own
        mirror image).
    n_initial, rounds, n_local, seed
        The search: Latin-hypercube size and points per round (1 to :data:`MAX_SAMPLES`),
        local rounds (0 to :data:`MAX_ROUNDS`), random seed (a whole number >= 0).

    Returns
    -------
    InsoleDesign
    """
    check_instance("model", model, Model, "a chainsim.Model")
    designed = list(SIDES) if check_choice("sides", sides, ("both",) + SIDES) == "both" else [sides]
    if target is not None:
        check_instance("target", target, Model, "a chainsim.Model or None")
    symmetric = check_bool("symmetric", symmetric, optional=True)
    n_initial = check_int("n_initial", n_initial, 1, MAX_SAMPLES)
    rounds = check_int("rounds", rounds, 0, MAX_ROUNDS)
    n_local = check_int("n_local", n_local, 1, MAX_SAMPLES)
    seed = check_int("seed", seed, 0)
    if symmetric is None:
        symmetric = len(designed) == 2 and model == model.mirrored()
    blocks = [0] * len(designed) if symmetric else list(range(len(designed)))
    terms = objective_terms(weights)
    b = dict(BOUNDS)
    for k, v in check_mapping("bounds", bounds, optional=True).items():
        if k not in BOUNDS:
            raise ParameterError(f"bounds: {k!r} is not a designed field; designed: {', '.join(BOUNDS)}")
        p = _FIELDS[k]
        allowed = f"a pair (low, high) within {p.range_text()}, low <= high"
        if not isinstance(v, (list, tuple)) or len(v) != 2:
            refuse(f"bounds[{k!r}]", v, allowed)
        lo, hi = (check_float(f"bounds[{k!r}]", x, p.low, p.high, p.unit) for x in v)
        if lo > hi:
            refuse(f"bounds[{k!r}]", v, allowed)
        b[k] = (lo, hi)
    low = np.array([b[k][0] for _ in set(blocks) for k in b])
    high = np.array([b[k][1] for _ in set(blocks) for k in b])
    for i, side in zip(blocks, designed):        # the support must stay under the arch
        j = i * len(b) + list(b).index("arch_support_mm")
        arch = float(unloaded_arch_m(model["subject.height_m"], model["subject.sex"],
                                     model[f"{side}.arch_height_scale"])) * 1e3
        high[j] = min(high[j], np.floor(arch * 10) / 10)
    if np.any(low > high):
        raise ParameterError(f"bounds: empty design range (low {low}, high {high})")

    tgt = solve(target or normal_target(model))
    if not tgt.ok:
        raise ParameterError(f"the target does not stand (status {tgt.status})")
    base = {k: v[0] for k, v in columns([model]).items()}
    for side in designed:                          # the designed sides: our materials
        base.update({f"{side}.insole.{k}": v for k, v in MATERIAL.items() if v is not None})

    def evaluate(x):
        cols = dict(base)
        x = low + np.clip(x, 0.0, 1.0) * (high - low)
        for i, side in zip(blocks, designed):
            for j, k in enumerate(b):
                cols[f"{side}.insole.{k}"] = x[:, i * len(b) + j]
        res = solve_columns(cols)
        return np.where(res.ok, score(res, tgt, terms), np.inf)

    rng = np.random.default_rng(seed)
    d = low.size
    seeds = [np.zeros(d)]                          # a flat insole, and the catalogue's shapes
    for ins in CATALOGUE.values():
        seeds.append(np.concatenate([[getattr(ins, k) for k in b] for _ in set(blocks)]))
    x = np.vstack([qmc.LatinHypercube(d=d, seed=rng).random(n_initial),
                   (np.clip(np.array(seeds), low, high) - low) / np.where(high > low, high - low, 1)])
    f = evaluate(x)
    best, fbest, n = x[np.argmin(f)], float(np.min(f)), len(x)
    radius = 0.25
    for _ in range(rounds):
        cand = np.clip(best + rng.uniform(-radius, radius, (n_local, d)), 0.0, 1.0)
        fc = evaluate(cand)
        n += n_local
        if fc.min() < fbest:
            best, fbest = cand[np.argmin(fc)], float(fc.min())
        radius *= 0.5

    xb = low + best * (high - low)
    insoles = {side: Insole("designed", f"designed for {side} by chainsim fit-insole",
                            **MATERIAL, **{k: float(xb[i * len(b) + j]) for j, k in enumerate(b)})
               for i, side in zip(blocks, designed)}
    final = with_insoles(model, insoles)
    result = solve(final)
    return InsoleDesign(insoles, float(score(result, tgt, terms)), _reference_scores(
        model, designed, tgt, terms), result, tgt, terms, n)


def _reference_scores(model, designed, tgt, terms) -> dict:
    """Objective with no insole and with each catalogue insole on the designed sides."""
    bare = Insole("none")
    models, names = [], []
    for name, ins in [("no insole", bare)] + list(CATALOGUE.items()):
        try:
            models.append(with_insoles(model, {s: ins for s in designed}))
            names.append(name)
        except ParameterError:                     # does not fit this foot
            pass
    res = solve_batch(models)
    s = np.where(res.ok, score(res, tgt, terms), np.inf)
    out = {name: np.inf for name in ["no insole"] + list(CATALOGUE)}
    out.update({n: float(v) for n, v in zip(names, s)})
    return out
