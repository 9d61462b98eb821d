"""``chainsim impact``: one impact of the chain with the ground, from the command line.

    chainsim impact --preset running_heel_strike --set both.arch_stiffness_n_per_mm=100 --json
    chainsim impact --preset drop_landing --option velocity_m_per_s=3 --out run.nc

``--out`` writes the time series in the format its extension names (:data:`OUT_FORMATS`).
"""

from __future__ import annotations

import textwrap

import numpy as np

from ..params import ParameterError
from .common import (add_command, add_model_options, build_model, check_out_file, json_result,
                     model_inputs, parse_settings, write_csv)

#: the formats of ``impact --out``, by extension
OUT_FORMATS = {".nc": "netCDF (needs the sweep extra)", ".csv": "CSV, one header row "
               "'name [unit]'", ".json": "JSON with units, the scalars and the inputs"}


def impact_options() -> tuple:
    """The ``--option`` names of ``chainsim impact``: the options of one impact
    (:data:`chainsim.dynamics.OPTIONS`)."""
    from ..dynamics import OPTIONS

    return OPTIONS


def add_commands(sub) -> None:
    """Add the ``impact`` subcommand to ``chainsim``'s subparsers."""
    from ..dynamics import PRESETS

    formats = "\n".join(f"  {k:6s} {v}" for k, v in OUT_FORMATS.items())
    p = add_command(sub, "impact", "simulate an impact (heel strike, forefoot strike, drop "
                    "landing) and print the impact peak, loading rate and joint peaks",
                    "chainsim impact --preset drop_landing --option velocity_m_per_s=3 "
                    "--out run.csv",
                    textwrap.fill(f"--preset takes an impact preset ({', '.join(PRESETS)}; "
                                  "default running_heel_strike) as well as conditions "
                                  "(SIDE=NAME).", 79) + "\n\n"
                    f"--out formats, by extension:\n{formats}")
    add_model_options(p)
    p.add_argument("--option", action="append", metavar="NAME=VALUE",
                   help=f"impact option (repeatable): {', '.join(impact_options())} "
                   "(shod: 1/0, true/false)")
    p.add_argument("--json", action="store_true", help="the scalars as one JSON object (with "
                   "units, inputs and chainsim_version)")
    p.add_argument("--out", metavar="FILE", help="write the time series: "
                   f"{', '.join(OUT_FORMATS)} by extension")
    p.set_defaults(func=cmd_impact)


def _split_presets(values):
    """``--preset`` takes an impact preset (no '=') or a condition (SIDE=NAME)."""
    from ..dynamics import PRESETS

    impact, conditions = None, []
    for v in values or []:
        if "=" in v:
            conditions.append(v)
        elif v in PRESETS:
            if impact not in (None, v):
                raise ParameterError(f"--preset {impact!r} and --preset {v!r}: one impact "
                                     f"preset at a time ({', '.join(PRESETS)})")
            impact = v
        else:
            raise ParameterError(f"--preset {v!r}: not an impact preset ({', '.join(PRESETS)}) "
                                 "nor a condition SIDE=NAME")
    return impact, conditions


def parse_options(pairs) -> dict:
    """``--option NAME=VALUE`` pairs as a dict, each name one of :func:`impact_options` (the
    values are checked by :func:`chainsim.dynamics.check_options`)."""
    valid = impact_options()
    for pair in pairs or []:
        name = pair.partition("=")[0].strip()
        if "=" not in pair or not name:
            raise ParameterError(f"--option {pair!r}: expected NAME=VALUE with NAME one of "
                                 f"{', '.join(valid)}")
        if name == "threads":
            raise ParameterError(f"--option {pair!r}: one impact runs on one thread, so threads "
                                 f"is not an option of `chainsim impact`; valid options: "
                                 f"{', '.join(valid)}")
        if name not in valid:
            raise ParameterError(f"--option {pair!r}: unknown impact option {name!r}; valid "
                                 f"options: {', '.join(valid)}")
    options = parse_settings(pairs)
    if isinstance(options.get("shod"), str):
        options["shod"] = {"true": True, "yes": True, "on": True, "false": False, "no": False,
                           "off": False}.get(options["shod"].lower(), options["shod"])
    return options


def cmd_impact(args) -> int:
    from ..dynamics import check_options, impact

    preset, conditions = _split_presets(args.preset)
    options = parse_options(args.option)
    check_options(preset or "running_heel_strike", options)
    model = build_model(args.set, conditions, args.insole)
    if args.out is not None:                    # before the simulation, not after it
        fmt = check_out_file(args.out, "--out", tuple(OUT_FORMATS))
    r = impact(model, preset or "running_heel_strike", **options)
    inputs = {**model_inputs(args, model), "option": args.option or [],
              "impact_preset": preset or "running_heel_strike"}
    if args.out is not None:
        write_series(r, args.out, fmt, inputs)
    if args.json:
        print(json_result(r.scalars, scalar_units(), inputs))
    else:
        for k, v in r.scalars.items():
            print(f"{k:24s} {v:.4g}" if isinstance(v, float) else f"{k:24s} {v}")
        if args.out:
            print(f"\ntime series written to {args.out}")
    return 0 if r.status == "ok" else 1


def scalar_units() -> dict:
    """The unit of each scalar of an impact."""
    from ..impact_measures import SCALARS

    return {k: unit for k, (unit, _) in SCALARS.items()}


def write_series(r, path, fmt: str, inputs: dict) -> None:
    """The time series of the impact ``r`` written to ``path`` as ``fmt`` (an extension of
    :data:`OUT_FORMATS`)."""
    if fmt == ".nc":
        r.dataset.to_netcdf(path)
        return
    from .._generated.layout import IMPACT_CHANNELS

    units = {"time": "s", **{key: unit for key, unit, _ in IMPACT_CHANNELS if key is not None}}
    columns = {k: np.asarray(r[k]).tolist() for k in units}     # (no xarray needed)
    if fmt == ".csv":
        write_csv(path, columns, units)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(json_result({"scalars": r.scalars, "series": columns},
                            {**scalar_units(), **units}, inputs) + "\n")


__all__ = ["add_commands", "cmd_impact", "impact_options", "parse_options", "OUT_FORMATS",
           "scalar_units", "write_series"]
