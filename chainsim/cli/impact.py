"""``chainsim impact``: one impact of the chain with the ground, from the command line.

    chainsim impact --preset running_heel_strike --set both.arch_stiffness_n_per_mm=100 --json
    chainsim impact --preset drop_landing --option velocity_m_per_s=3 --out run.nc
"""

from __future__ import annotations

from ..params import ParameterError
from .common import add_model_options, build_model, check_out_path, parse_settings, to_json


def impact_options() -> tuple:
    """The ``--option`` names of ``chainsim impact``: the options of one impact
    (:data:`chainsim.dynamics.OPTIONS`)."""
    from ..dynamics import OPTIONS

    return OPTIONS


def add_commands(sub) -> None:
    """Add the ``impact`` subcommand to ``chainsim``'s subparsers."""
    from ..dynamics import PRESETS

    p = sub.add_parser("impact", help="simulate an impact (heel strike, forefoot strike, drop "
                       "landing) and print the impact peak, loading rate and joint peaks")
    add_model_options(p)
    p.epilog = (f"--preset takes an impact preset ({', '.join(PRESETS)}; default "
                "running_heel_strike) as well as conditions (SIDE=NAME).")
    p.add_argument("--option", action="append", metavar="NAME=VALUE",
                   help=f"impact option (repeatable): {', '.join(impact_options())} "
                   "(shod: 1/0, true/false)")
    p.add_argument("--json", action="store_true", help="the scalars as one JSON object")
    p.add_argument("--out", metavar="FILE.nc", help="write the time series as netCDF")
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
    if args.out is not None:
        check_out_path(args.out)                # before the simulation, not after it
    r = impact(model, preset or "running_heel_strike", **options)
    if args.out is not None:
        r.dataset.to_netcdf(args.out)
    if args.json:
        print(to_json(r.scalars))
    else:
        for k, v in r.scalars.items():
            print(f"{k:24s} {v:.4g}" if isinstance(v, float) else f"{k:24s} {v}")
        if args.out:
            print(f"\ntime series written to {args.out}")
    return 0 if r.status == "ok" else 1


__all__ = ["add_commands", "cmd_impact", "impact_options", "parse_options"]
