"""What the ``chainsim`` commands share: the model options, ``--set`` values, JSON output."""

from __future__ import annotations

import argparse
import json
import math
import os
from pathlib import Path

from ..model import Model
from ..params import ParameterError

#: the longest file name (one path component) most file systems take
NAME_MAX = 255


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


def check_out_path(path: str, option: str = "--out") -> Path:
    """``path`` checked before any computing as a file that can be written: not empty, not a
    directory, its name at most :data:`NAME_MAX` characters, its folder existing and writable
    (tried by creating the file, then removing it when it did not exist before)."""
    if not path or not path.strip():
        raise ParameterError(f"{option} {path!r}: an empty path; give a file name")
    p = Path(path)
    too_long = next((part for part in p.parts if len(os.fsencode(part)) > NAME_MAX), None)
    if too_long is not None:
        raise ParameterError(f"{option} {path!r}: the name {too_long[:20]}... is "
                             f"{len(os.fsencode(too_long))} bytes long; at most {NAME_MAX}")
    if path.endswith(("/", os.sep)) or p.is_dir():
        raise ParameterError(f"{option} {path!r} is a directory; give a file name")
    parent = p.parent
    if not parent.exists():
        raise ParameterError(f"{option} {path!r}: the folder {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise ParameterError(f"{option} {path!r}: {str(parent)!r} is not a folder")
    if p.exists() and not p.is_file():
        raise ParameterError(f"{option} {path!r} is not a regular file")
    existed = p.exists()
    try:
        with open(p, "ab"):
            pass
    except OSError as e:
        raise ParameterError(f"{option} {path!r} cannot be written: "
                             f"{e.strerror or e}") from None
    if not existed:
        try:
            p.unlink()
        except OSError:
            pass
    return p


def int_option(low: int, high: int | None = None):
    """An argparse ``type``: an integer from ``low`` to ``high`` (no upper bound when None);
    anything else is refused with the value and the range (argparse adds the option)."""
    def parse(text):
        allowed = f"an integer from {low} to {high}" if high is not None else \
            f"an integer >= {low}"
        try:
            value = int(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer; allowed: "
                                             f"{allowed}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"{text!r} is out of range; allowed: {allowed}")
        return value
    return parse


def threads_option(text: str) -> int:
    """An argparse ``type`` for a numba thread count: 1 to the number numba can start."""
    import numba

    return int_option(1, numba.config.NUMBA_NUM_THREADS)(text)


__all__ = ["parse_settings", "build_model", "to_json", "add_model_options", "check_out_path",
           "int_option", "threads_option", "NAME_MAX"]
