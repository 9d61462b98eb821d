"""What the ``chainsim`` commands share: the model options, ``--set`` values, JSON, CSV and
output files by extension, the subcommands' help."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
from pathlib import Path

from .. import __version__
from ..model import Model
from ..params import REGISTRY, ParameterError
from ..sweep.folder import NAME_MAX


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
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return None if isinstance(v, float) and not math.isfinite(v) else v
    return json.dumps(clean(d), indent=None)


def changed_parameters(model: Model) -> dict:
    """The parameters of ``model`` that differ from their defaults."""
    return {k: model[k] for k in model if model[k] != REGISTRY[k].default}


def model_inputs(args, model: Model | None = None, prefix: str = "") -> dict:
    """The model options given (``--set``, ``--preset``, ``--insole``; with ``prefix``, e.g.
    ``base_``) and, with ``model``, its changed parameters: the ``inputs`` of a JSON result."""
    out = {f"{prefix}{k}": getattr(args, f"{prefix}{k}", None) or [] for k in
           ("set", "preset", "insole")}
    if model is not None:
        out["changed_parameters"] = changed_parameters(model)
    return out


def json_result(result: dict, units: dict, inputs: dict | None = None) -> str:
    """``result`` as one JSON line with ``chainsim_version``, ``inputs`` and ``units`` added."""
    return to_json({**result, "chainsim_version": __version__, "inputs": inputs or {},
                    "units": units})


def csv_header(name: str, unit: str) -> str:
    """A CSV column name with its unit: ``name [unit]`` (the name alone without a unit)."""
    return f"{name} [{unit}]" if unit else name


def write_csv(path, columns: dict, units: dict) -> None:
    """Equal-length ``columns`` (name -> values) as CSV: one header row ``name [unit]``."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([csv_header(k, units.get(k, "")) for k in columns])
        w.writerows(zip(*columns.values()))


def check_out_file(path: str, option: str, formats) -> str:
    """``path`` checked before any computing: as a writable file (:func:`check_out_path`),
    then its extension one of ``formats`` (e.g. ``(".nc", ".csv")``); returns the extension."""
    check_out_path(path, option)
    ext = Path(path).suffix.lower()
    if ext not in formats:
        what = f"the extension {ext!r}" if ext else "no extension"
        raise ParameterError(f"{option} {path!r}: {what} is not an output format here; "
                             f"allowed: {', '.join(formats)}")
    return ext


def add_command(sub, name: str, help: str, example: str, more: str = ""):
    """A subcommand with a one-line ``help`` (also its description) and an example (its
    epilog, followed by ``more``)."""
    epilog = "example:\n  " + example.replace("\n", "\n  ") + (f"\n\n{more}" if more else "")
    return sub.add_parser(name, help=help, description=help, epilog=epilog,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


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


__all__ = ["parse_settings", "build_model", "to_json", "changed_parameters", "model_inputs",
           "json_result", "csv_header", "write_csv", "check_out_file", "add_command",
           "add_model_options", "check_out_path", "int_option", "threads_option", "NAME_MAX"]
