"""What the ``chainsim`` commands share: the model options, ``--set`` values, JSON output."""

from __future__ import annotations

import json
import math

from ..model import Model
from ..params import ParameterError


def parse_settings(pairs) -> dict:
    """``NAME=VALUE`` pairs as a dict: numbers as floats, ``none`` / ``free`` as None."""
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ParameterError(f"--set expects NAME=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        key = key.strip()
        value = value.strip()
        if not key:
            raise ParameterError(f"--set expects NAME=VALUE, got {pair!r}")
        if value.lower() in ("none", "free"):
            out[key] = None
            continue
        try:
            out[key] = float(value)
        except ValueError:
            out[key] = value
    return out


def build_model(settings, presets, insoles) -> Model:
    """``--set`` values, then ``--preset`` conditions, then ``--insole`` designs."""
    from ..conditions import apply_presets
    from ..insoles import with_insoles

    return with_insoles(apply_presets(Model(parse_settings(settings)), presets or []),
                        insoles or [])


def to_json(d) -> str:
    """JSON with NaN and infinities as null."""
    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        return None if isinstance(v, float) and not math.isfinite(v) else v
    return json.dumps(clean(d), indent=None)


def add_model_options(p, prefix="", what="") -> None:
    """``--set``, ``--preset`` and ``--insole`` (each with ``prefix``, help ending in ``what``)."""
    p.add_argument(f"--{prefix}set", action="append", metavar="NAME=VALUE",
                   help=f"set a parameter{what} (repeatable); see `chainsim params`")
    p.add_argument(f"--{prefix}preset", action="append", metavar="SIDE=NAME[+NAME][:SIZE]",
                   help=f"apply a condition{what} (repeatable); see `chainsim presets`")
    p.add_argument(f"--{prefix}insole", action="append", metavar="SIDE=NAME|FILE.toml",
                   help=f"put in an insole{what} (repeatable); see `chainsim insoles`")


__all__ = ["parse_settings", "build_model", "to_json", "add_model_options"]
