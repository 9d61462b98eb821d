"""The input parameters: names, units, defaults, valid ranges and meanings, and their checks.

Names are flat dotted keys: ``subject.mass_kg``, ``left.wedge_deg``, ``right.wedge_deg``;
``both.X`` sets ``left.X`` and ``right.X`` together.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import numpy as np

from .anthropometry import REF_MALE_HEIGHT, REF_MALE_MASS
from .arch import STIFFNESS_DEFAULT as ARCH_STIFFNESS_DEFAULT
from .arguments import ParameterError, number, shown
from .geometry import unloaded_arch_m

SIDES = ("left", "right")


@dataclass(frozen=True)
class Param:
    """One input parameter (per side parameters are registered once, without the side)."""

    name: str
    default: object
    unit: str
    low: float | None
    high: float | None
    doc: str
    choices: tuple = ()
    optional: bool = False      # None allowed (meaning: not prescribed)

    def check(self, key: str, value):
        """Return ``value`` converted and validated, or raise ParameterError naming ``key``."""
        if self.choices:
            if not (isinstance(value, str) and value in self.choices):
                raise ParameterError(f"{key} = {shown(value)} is not allowed; choose one of "
                                     f"{', '.join(self.choices)}")
            return str(value)
        if value is None and self.optional:
            return None
        v = number(value, text=True)
        if v is None:
            raise ParameterError(f"{key} = {shown(value)} is not a number; {self.range_text()}")
        if not self.in_range(v):
            raise ParameterError(f"{key} = {shown(value)} is out of range; {self.range_text()}")
        return v

    def in_range(self, x):
        """Whether ``x`` (a number, or an array of them: elementwise) is finite and within
        ``low .. high``."""
        return np.isfinite(x) & (x >= self.low) & (x <= self.high)

    def range_text(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        txt = f"valid range {self.low:g} to {self.high:g} {self.unit}".rstrip()
        return txt + (" (or none)" if self.optional else "")


SUBJECT = (
    Param("mass_kg", REF_MALE_MASS, "kg", 30.0, 200.0,
          "Body mass (default: de Leva's male reference subject)."),
    Param("height_m", REF_MALE_HEIGHT, "m", 1.3, 2.2,
          "Stature (default: de Leva's male reference)."),
    Param("sex", "male", "", None, None, "Selects de Leva's male or female segment table.",
          choices=("male", "female")),
)

SIDE = (
    Param("arch_stiffness_n_per_mm", ARCH_STIFFNESS_DEFAULT, "N/mm", 15.0, 1000.0,
          "Secant vertical stiffness of the medial arch at half body weight (isolated arch, "
          "heel pad excluded); default: Ker et al. 1987's donor foot."),
    Param("pronation_deg", 0.0, "deg", -20.0, 20.0,
          "Structural rest angle of the subtalar joint; + = pronation/eversion."),
    Param("wedge_deg", 0.0, "deg", -20.0, 20.0,
          "Frontal tilt of the support under the foot; + = lateral side raised (pronating). "
          "Opposite sign to the insole posts (insole.rearfoot_post_deg, "
          "insole.forefoot_post_deg: + = medial side raised): a +10 deg wedge is the tilt "
          "of a -10 deg post."),
    Param("heel_lift_mm", 0.0, "mm", 0.0, 40.0, "Height of a lift under the heel."),
    Param("leg_length_diff_mm", 0.0, "mm", 0.0, 50.0,
          "This leg is structurally shorter by this much (taken in the shank)."),
    Param("hip_strength", 1.0, "", 0.2, 1.5,
          "Tone of the hip abductors and external rotators; 1 = normal, below 1 weaker."),
    Param("subtalar_inclination_deg", 42.0, "deg", 20.0, 65.0,
          "Subtalar axis inclination above the transverse plane (Isman & Inman 1969: ~42)."),
    Param("subtalar_deviation_deg", 23.0, "deg", 0.0, 45.0,
          "Subtalar axis medial deviation from the foot's long axis (Isman & Inman 1969: ~23)."),
    Param("subtalar_drive_deg", None, "deg", -25.0, 25.0,
          "Prescribe the subtalar eversion angle (kinematic driver) while the rest of the "
          "chain equilibrates; none = free.", optional=True),
    Param("arch_height_scale", 1.0, "", 0.6, 1.4,
          "Height of the unloaded arch relative to the generic foot (below 1: a low arch)."),
    Param("fascia_stiffness_scale", 1.0, "", 0.0, 3.0,
          "Plantar fascia stiffness relative to normal (0: released or ruptured)."),
    Param("first_ray_stiffness_scale", 1.0, "", 0.1, 3.0,
          "Stiffness of the support under the first metatarsal head relative to normal "
          "(below 1: a hypermobile first ray, as with a bunion)."),
    Param("toe_extension_deg", 0.0, "deg", 0.0, 45.0,
          "Structural rest angle of the toes at the metatarsophalangeal joints; + = dorsiflexed "
          "(clawing, as with hammertoes)."),
    Param("toe_drive_deg", None, "deg", 0.0, 60.0,
          "Prescribe the toes' dorsiflexion (e.g. the windlass test); none = free.",
          optional=True),
)

#: Insole fields, per side, under ``left.insole.X`` (the default is no insole).
INSOLE = (
    Param("arch_support_mm", 0.0, "mm", 0.0, 35.0,
          "Height above the insole base of a support under the medial arch (0: none); it "
          "carries load once the arch comes down to it."),
    Param("arch_support_stiffness_n_per_mm", 80.0, "N/mm", 5.0, 1000.0,
          "Stiffness of the arch support's material."),
    Param("rearfoot_post_deg", 0.0, "deg", -15.0, 15.0,
          "Frontal tilt of the insole under the heel; + = medial side raised (a varus post). "
          "Opposite sign to wedge_deg (+ = lateral side raised): a -10 deg post is the tilt "
          "of a +10 deg wedge."),
    Param("forefoot_post_deg", 0.0, "deg", -15.0, 15.0,
          "Frontal tilt of the insole under the forefoot; + = medial side raised. "
          "Opposite sign to wedge_deg (+ = lateral side raised): a -10 deg post is the tilt "
          "of a +10 deg wedge."),
    Param("heel_lift_mm", 0.0, "mm", 0.0, 30.0, "Height of the insole's heel lift."),
    Param("heel_cup", 0.0, "", 0.0, 1.0,
          "Heel cup depth, 0 (none) to 1 (deep): confines and stiffens the heel pad."),
    Param("cushioning_stiffness_n_per_mm", None, "N/mm", 20.0, 5000.0,
          "Stiffness of the cushioning layer under each contact region; none = no layer.",
          optional=True),
    Param("cushioning_damping_ns_per_m", 0.0, "Ns/m", 0.0, 5000.0,
          "Damping of the cushioning layer (impact dynamics; no effect in statics)."),
)

#: Every parameter by its full key, in a fixed order (subject first, then left, then right).
REGISTRY: dict[str, Param] = {f"subject.{p.name}": p for p in SUBJECT}
for _side in SIDES:
    REGISTRY.update({f"{_side}.{p.name}": p for p in SIDE})
    REGISTRY.update({f"{_side}.insole.{p.name}": p for p in INSOLE})
KEYS = tuple(REGISTRY)


def defaults() -> dict:
    """Default value of every parameter."""
    return {k: p.default for k, p in REGISTRY.items()}


def _suggest(key: str) -> str:
    names = (list(REGISTRY) + [f"both.{p.name}" for p in SIDE]
             + [f"both.insole.{p.name}" for p in INSOLE])
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    if not close:          # try the name without its prefix
        tail = key.split(".")[-1]
        close = difflib.get_close_matches(tail, [p.name for p in SUBJECT + SIDE + INSOLE], n=1,
                                          cutoff=0.5)
        close = [next(n for n in names if n.endswith("." + close[0]))] if close else []
    return f"; did you mean {close[0]}?" if close else ""


def expand(values: dict) -> dict:
    """Validate ``values`` (``both.X`` allowed) and return them under their full keys."""
    out = {}
    for key, value in values.items():
        for t in targets(key):
            out[t] = REGISTRY[t].check(key, value)
    return out


def targets(key) -> list:
    """The full keys that ``key`` sets (``both.X``: both sides); refuses an unknown key."""
    if not isinstance(key, str):
        raise ParameterError(f"parameter name {key!r} (a {type(key).__name__}) is not a str; "
                             "names are dotted text such as 'left.wedge_deg'")
    full = [f"{s}.{key[5:]}" for s in SIDES] if key.startswith("both.") else [key]
    if full[0] not in REGISTRY:
        raise ParameterError(f"unknown parameter {key!r}{_suggest(key)}")
    return full


def expand_columns(columns: dict) -> dict:
    """Validate arrays of values (a batch) and return them under their full keys.

    ``columns`` holds keys (``both.X`` allowed) and the values as given (arrays, lists or
    scalars); a refused value is named by the key as given, with the value as given and its
    position in the batch.
    """
    out = {}
    for key, arr in columns.items():
        full = targets(key)
        _check_array(key, REGISTRY[full[0]], arr)
        for k in full:
            out[k] = arr
    return out


def _check_array(key: str, p: Param, arr) -> None:
    """Refuse the first bad value of one parameter's array."""
    try:
        raw = np.asarray(arr, dtype=object if p.choices else None)
    except (TypeError, ValueError, OverflowError):      # ragged lists and the like
        raw = np.empty((0, 0))
    if raw.ndim > 1:
        raise ParameterError(f"{key}: expected one value or a 1-D array of values, got "
                             f"{shown(arr)}")
    flat = raw.reshape(-1)
    if p.choices:
        ok = np.isin(flat, p.choices)
    elif flat.dtype.kind in "iuf":             # numbers: checked at once (not booleans)
        a = flat.astype(float)
        ok = p.in_range(a)
        if p.optional:
            ok |= np.isnan(a)
    else:                                       # objects or text: one by one, as given
        flat = np.asarray(arr, dtype=object).reshape(-1)
        ok = np.array([_valid(p, v) for v in flat], dtype=bool)
    if not np.all(ok):
        i = int(np.flatnonzero(~ok)[0])
        v = flat[i].item() if isinstance(flat[i], np.generic) else flat[i]
        if p.choices:
            why = "is not allowed"
        else:
            why = "is out of range" if number(v, text=True) is not None else "is not a number"
        where = f" (point {i})" if raw.ndim else ""
        raise ParameterError(f"{key} = {shown(v)}{where} {why}; {p.range_text()}")


def check_combinations(values: dict) -> None:
    """Refuse physically impossible combinations of valid values (full keys, scalars or arrays).

    An arch support higher than the foot's unloaded arch would carry the foot off its heel
    and forefoot.
    """
    for side in SIDES:
        support = np.asarray(values[f"{side}.insole.arch_support_mm"], float)
        limit = unloaded_arch_m(values["subject.height_m"], values["subject.sex"],
                                values[f"{side}.arch_height_scale"]) * 1e3
        support, limit = np.broadcast_arrays(support, limit)
        bad = support > limit
        if np.any(bad):
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            where = f" (point {i})" if support.ndim else ""
            raise ParameterError(
                f"{side}.insole.arch_support_mm = {support.reshape(-1)[i]:g}{where} is higher than "
                f"this foot's unloaded arch, {limit.reshape(-1)[i]:.1f} mm for its stature, sex "
                f"and {side}.arch_height_scale; allowed: 0 to {limit.reshape(-1)[i]:.1f} mm")


def _valid(p: Param, v) -> bool:
    """Whether one value of a batch is valid for ``p`` (NaN or None mean "free" if optional)."""
    x = number(v, text=True)
    if p.optional and (v is None or (x is not None and math.isnan(x))):
        return True
    return x is not None and bool(p.in_range(x))
