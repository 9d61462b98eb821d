"""The input parameters: names, units, defaults, valid ranges and meanings, and their checks.

Names are flat dotted keys: ``subject.mass_kg``, ``left.wedge_deg``, ``right.wedge_deg``;
``both.X`` sets ``left.X`` and ``right.X`` together.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

import numpy as np

from .tissues import ARCH_STIFFNESS_DEFAULT

SIDES = ("left", "right")


class ParameterError(ValueError):
    """A parameter name or value that chainsim refuses, with the reason in the message."""


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
            if value not in self.choices:
                raise ParameterError(
                    f"{key} = {value!r} is not allowed; choose one of {', '.join(self.choices)}")
            return value
        if value is None and self.optional:
            return None
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{key} = {value!r} is not a number; {self.range_text()}") from None
        if not math.isfinite(v) or not (self.low <= v <= self.high):
            raise ParameterError(f"{key} = {value!r} is out of range; {self.range_text()}")
        return v

    def range_text(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        txt = f"valid range {self.low:g} to {self.high:g} {self.unit}".rstrip()
        return txt + (" (or none)" if self.optional else "")


SUBJECT = (
    Param("mass_kg", 73.0, "kg", 30.0, 200.0,
          "Body mass (default: de Leva's male reference subject)."),
    Param("height_m", 1.741, "m", 1.3, 2.2, "Stature (default: de Leva's male reference)."),
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
          "Frontal tilt of the support under the foot; + = lateral side raised (pronating)."),
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
)

#: Every parameter by its full key, in a fixed order (subject first, then left, then right).
REGISTRY: dict[str, Param] = {f"subject.{p.name}": p for p in SUBJECT}
for _side in SIDES:
    REGISTRY.update({f"{_side}.{p.name}": p for p in SIDE})
KEYS = tuple(REGISTRY)


def defaults() -> dict:
    """Default value of every parameter."""
    return {k: p.default for k, p in REGISTRY.items()}


def _suggest(key: str) -> str:
    names = list(REGISTRY) + [f"both.{p.name}" for p in SIDE]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    if not close:          # try the name without its prefix
        tail = key.split(".")[-1]
        close = difflib.get_close_matches(tail, [p.name for p in SUBJECT + SIDE], n=1, cutoff=0.5)
        close = [next(n for n in names if n.endswith("." + close[0]))] if close else []
    return f"; did you mean {close[0]}?" if close else ""


def expand(values: dict) -> dict:
    """Validate ``values`` (``both.X`` allowed) and return them under their full keys."""
    out = {}
    for key, value in values.items():
        if key.startswith("both."):
            targets = [f"{s}.{key[5:]}" for s in SIDES]
        else:
            targets = [key]
        for t in targets:
            if t not in REGISTRY:
                raise ParameterError(f"unknown parameter {key!r}{_suggest(key)}")
            out[t] = REGISTRY[t].check(key, value)
    return out


def expand_columns(columns: dict) -> dict:
    """Validate arrays of values (a batch) and return them under their full keys.

    ``columns`` holds keys (``both.X`` allowed) and the values as given (arrays, lists or
    scalars); a refused value is named by the key as given, with the value as given and its
    position in the batch.
    """
    out = {}
    for key, arr in columns.items():
        full = [f"{s}.{key[5:]}" for s in SIDES] if key.startswith("both.") else [key]
        if full[0] not in REGISTRY:
            raise ParameterError(f"unknown parameter {key!r}{_suggest(key)}")
        _check_array(key, REGISTRY[full[0]], arr)
        for k in full:
            out[k] = arr
    return out


def _check_array(key: str, p: Param, arr) -> None:
    """Refuse the first bad value of one parameter's array."""
    raw = np.asarray(arr, dtype=object if p.choices else None)
    if raw.ndim > 1:
        raise ParameterError(
            f"{key}: expected one value or a 1-D array of values, got shape {raw.shape}")
    flat = raw.reshape(-1)
    if p.choices:
        ok = np.isin(flat, p.choices)
    elif flat.dtype.kind in "biuf":            # numbers: checked at once
        a = flat.astype(float)
        ok = np.isfinite(a) & (a >= p.low) & (a <= p.high)
        if p.optional:
            ok |= np.isnan(a)
    else:                                       # objects or text: one by one
        ok = np.array([_valid(p, v) for v in flat], dtype=bool)
    if not np.all(ok):
        i = int(np.flatnonzero(~ok)[0])
        v = flat[i].item() if isinstance(flat[i], np.generic) else flat[i]
        if p.choices:
            why = "is not allowed"
        else:
            why = "is out of range" if _number(v) is not None else "is not a number"
        where = f" (point {i})" if raw.ndim else ""
        raise ParameterError(f"{key} = {v!r}{where} {why}; {p.range_text()}")


def _number(v):
    """``float(v)``, or None if ``v`` is not a number."""
    if v is None or isinstance(v, (complex, np.complexfloating)):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _valid(p: Param, v) -> bool:
    """Whether one value of a batch is valid for ``p`` (NaN or None mean "free" if optional)."""
    x = _number(v)
    if p.optional and (v is None or (x is not None and math.isnan(x))):
        return True
    return x is not None and math.isfinite(x) and p.low <= x <= p.high
