"""``chainsim impact``: one impact of the chain with the ground, from the command line.

    chainsim impact --preset running_heel_strike --set both.arch_stiffness_n_per_mm=100 --json
    chainsim impact --preset drop_landing --option velocity_m_per_s=3 --out run.nc
"""

from __future__ import annotations

from ..params import ParameterError
from .common import add_model_options, build_model, parse_settings, to_json


def add_commands(sub) -> None:
    """Add the ``impact`` subcommand to ``chainsim``'s subparsers."""
    from ..dynamics import PRESETS

    p = sub.add_parser("impact", help="simulate an impact (heel strike, forefoot strike, drop "
                       "landing) and print the impact peak, loading rate and joint peaks")
    add_model_options(p)
    p.epilog = (f"--preset takes an impact preset ({', '.join(PRESETS)}; default "
                "running_heel_strike) as well as conditions (SIDE=NAME).")
    p.add_argument("--option", action="append", metavar="NAME=VALUE",
                   help="impact option (repeatable): velocity_m_per_s, duration_s, step_s, "
                   "record_s, shod (0/1), hip_flexion_deg, knee_flexion_deg, "
                   "ankle_dorsiflexion_deg")
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
            impact = v
        else:
            raise ParameterError(f"--preset {v!r}: not an impact preset ({', '.join(PRESETS)}) "
                                 "nor a condition SIDE=NAME")
    return impact, conditions


def cmd_impact(args) -> int:
    from ..dynamics import impact

    preset, conditions = _split_presets(args.preset)
    options = parse_settings(args.option)
    if isinstance(options.get("shod"), str):
        options["shod"] = {"true": True, "yes": True, "on": True, "false": False, "no": False,
                           "off": False}.get(options["shod"].lower(), options["shod"])
    r = impact(build_model(args.set, conditions, args.insole), preset or "running_heel_strike",
               **options)
    if args.out:
        r.dataset.to_netcdf(args.out)
    if args.json:
        print(to_json(r.scalars))
    else:
        for k, v in r.scalars.items():
            print(f"{k:24s} {v:.4g}" if isinstance(v, float) else f"{k:24s} {v}")
        if args.out:
            print(f"\ntime series written to {args.out}")
    return 0 if r.status == "ok" else 1


__all__ = ["add_commands", "cmd_impact"]
