"""The touchdowns an impact starts from (presets: posture, velocity, shoe) and the options of
an impact, checked (:func:`check_options`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .params import ParameterError
from .tissues import GRAVITY

#: Default fixed step (s): 25 us.  At this step every preset's scalars are within 1% of the
#: converged values (3.125 us), the impact times within one recording interval, and the
#: step-doubling check passes (tests/test_dynamics_convergence.py).  The former 0.2 ms step
#: missed the forefoot strike's first force peak (it appears below 0.1 ms) and put the drop
#: landing's impact peak 3.6% high.  The step is first-order accurate.
STEP_S = 2.5e-5
#: Recording interval (s): 2.5 kHz (every 16th step at the default step).
RECORD_S = 4e-4


@dataclass(frozen=True)
class Preset:
    """A touchdown: posture of the landing and the swing leg (degrees), velocity, shoe."""

    doc: str
    velocity_m_per_s: float
    landing: dict
    swing: dict | None          # None: both legs land with the landing posture
    shod: bool
    source: str = ""


#: Touchdown postures and velocities (assumption: round values of the order of those in gait
#: textbooks, e.g. Novacheck 1998, Gait Posture 7:77 for running; not fitted to any output).
PRESETS = {
    "walking_heel_strike": Preset(
        "heel strike in walking, shod: leg nearly straight, foot 20 deg toe-up",
        0.3, {"hip_flexion": 20.0, "knee_flexion": 2.0, "ankle_dorsiflexion": 0.0},
        {"hip_flexion": -10.0, "knee_flexion": 40.0, "ankle_dorsiflexion": -10.0}, True),
    "running_heel_strike": Preset(
        "rearfoot strike in running, shod (Lieberman et al. 2010's habitually shod runners)",
        0.7, {"hip_flexion": 25.0, "knee_flexion": 10.0, "ankle_dorsiflexion": 5.0},
        {"hip_flexion": -15.0, "knee_flexion": 90.0, "ankle_dorsiflexion": 0.0}, True),
    "running_forefoot_strike": Preset(
        "forefoot strike in running, barefoot (Lieberman et al. 2010's habitually barefoot "
        "runners)",
        0.7, {"hip_flexion": 20.0, "knee_flexion": 20.0, "ankle_dorsiflexion": -30.0},
        {"hip_flexion": -15.0, "knee_flexion": 90.0, "ankle_dorsiflexion": 0.0}, False),
    "drop_landing": Preset(
        "both feet land from a 0.30 m drop, barefoot, on the forefoot",
        math.sqrt(2 * GRAVITY * 0.30),
        {"hip_flexion": 20.0, "knee_flexion": 20.0, "ankle_dorsiflexion": -25.0}, None, False),
}


#: the options of an impact (``impact(model, preset, **options)``)
#: (the thread count is an argument of the batches, ``threads``: one impact runs on one thread)
OPTIONS = ("velocity_m_per_s", "duration_s", "step_s", "record_s", "shod", "hip_flexion_deg",
           "knee_flexion_deg", "ankle_dorsiflexion_deg")


def _check(name, value, low, high):
    if isinstance(value, (bool, np.bool_)) or np.ndim(value) != 0:
        raise ParameterError(f"{name} must be a number (one value), got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    if not (low <= x <= high):
        raise ParameterError(f"{name} = {value!r} is outside its valid range {low:g} .. {high:g}")
    return x


def _flag(name, value):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if (isinstance(value, (int, float, np.integer, np.floating)) and np.ndim(value) == 0
            and value in (0, 1)):
        return bool(value)
    raise ParameterError(f"{name} = {value!r} must be true or false (1 or 0)")


def check_options(preset: str, options: Mapping) -> dict:
    """An impact preset's settings with ``options`` applied, each checked against its range."""
    if not isinstance(preset, str) or preset not in PRESETS:
        raise ParameterError(f"unknown impact preset {preset!r}; choose one of "
                             f"{', '.join(PRESETS)}")
    for k in options:
        if k not in OPTIONS:
            raise ParameterError(f"unknown impact option {k!r}; choose from {', '.join(OPTIONS)}")
    p = PRESETS[preset]
    o = {"preset": preset,
         "velocity_m_per_s": _check("velocity_m_per_s",
                                    options.get("velocity_m_per_s", p.velocity_m_per_s), 0.0, 6.0),
         "duration_s": _check("duration_s", options.get("duration_s", 0.2), 0.005, 2.0),
         "step_s": _check("step_s", options.get("step_s", STEP_S), 1e-6, 1e-3),
         "shod": _flag("shod", options.get("shod", p.shod))}
    o["record_s"] = _check("record_s", options.get("record_s", max(RECORD_S, o["step_s"])),
                           o["step_s"], 0.01)
    if o["record_s"] > o["duration_s"]:
        raise ParameterError(f"record_s = {options.get('record_s')!r} is longer than duration_s "
                             f"= {o['duration_s']:g}: nothing would be recorded; choose "
                             f"record_s between step_s ({o['step_s']:g}) and duration_s")
    landing = dict(p.landing)
    for j, (low, high) in (("hip_flexion", (-30.0, 90.0)), ("knee_flexion", (0.0, 90.0)),
                           ("ankle_dorsiflexion", (-45.0, 30.0))):
        if f"{j}_deg" in options:
            landing[j] = _check(f"{j}_deg", options[f"{j}_deg"], low, high)
    o["landing"], o["swing"] = landing, p.swing
    return o


__all__ = ["Preset", "PRESETS", "OPTIONS", "STEP_S", "RECORD_S", "check_options"]
