"""The ``chainsim`` command: a thin layer over the Python API.

    chainsim solve --set both.wedge_deg=10 --set left.arch_stiffness_n_per_mm=60 --json
    chainsim solve --preset left=flat_foot --insole both=medium_arch --json
    chainsim compare --base-preset both=flat_foot --insole both=motion_control
    chainsim fit-insole --preset both=flat_foot --out insole.toml
    chainsim params | outputs | presets | insoles

A model is built from ``--set`` values, then ``--preset`` conditions (changes relative to
what is set), then ``--insole`` designs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from .model import Model
from .outputs import OUTPUTS, PUBLIC
from .params import INSOLE, SIDE, SUBJECT, ParameterError


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"chainsim: error: {message}", file=sys.stderr)
        sys.exit(2)


def _settings(pairs) -> dict:
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


def _model(settings, presets, insoles) -> Model:
    """``--set`` values, then ``--preset`` conditions, then ``--insole`` designs."""
    from .conditions import apply_presets
    from .insoles import with_insoles

    return with_insoles(apply_presets(Model(_settings(settings)), presets or []), insoles or [])


def _json(d) -> str:
    """JSON with NaN and infinities as null."""
    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        return None if isinstance(v, float) and not math.isfinite(v) else v
    return json.dumps(clean(d), indent=None)


def _model_options(p, prefix="", what="") -> None:
    p.add_argument(f"--{prefix}set", action="append", metavar="NAME=VALUE",
                   help=f"set a parameter{what} (repeatable); see `chainsim params`")
    p.add_argument(f"--{prefix}preset", action="append", metavar="SIDE=NAME[+NAME][:SIZE]",
                   help=f"apply a condition{what} (repeatable); see `chainsim presets`")
    p.add_argument(f"--{prefix}insole", action="append", metavar="SIDE=NAME|FILE.toml",
                   help=f"put in an insole{what} (repeatable); see `chainsim insoles`")


def _cmd_solve(args) -> int:
    from .statics import solve

    result = solve(_model(args.set, args.preset, args.insole))
    print(_json(result.to_dict()) if args.json else result.table())
    return 0 if result.ok else 1


def _cmd_compare(args) -> int:
    from .compare import compare

    base = _model(args.base_set, args.base_preset, args.base_insole)
    altered = _model((args.base_set or []) + (args.set or []),
                     (args.base_preset or []) + (args.preset or []),
                     (args.base_insole or []) + (args.insole or []))
    c = compare(base, altered)
    print(_json(c.to_dict()) if args.json else c.table())
    return 0 if c.baseline.ok and c.altered.ok else 1


def _cmd_fit_insole(args) -> int:
    from .fitting import design_insole

    weights = None
    if args.weight:
        weights = {k: float(v) for k, v in _settings(args.weight).items()}
    d = design_insole(_model(args.set, args.preset, args.insole), sides=args.side,
                      weights=weights, seed=args.seed)
    if args.out:
        with open(args.out, "w") as f:
            f.write(d.to_toml())
    if args.json:
        print(_json({"objective": d.score, "scores": d.scores, "evaluations": d.evaluations,
                     "insoles": {s: i.values() for s, i in d.insoles.items()}}))
    else:
        print(d.table())
        if args.out:
            print(f"\nwritten to {args.out}")
    return 0


def _cmd_presets(args) -> int:
    from .conditions import listing

    print(listing())
    return 0


def _cmd_insoles(args) -> int:
    from .insoles import listing

    print(listing())
    return 0


def _cmd_params(args) -> int:
    print(f"{'parameter':40s} {'default':>10s} {'unit':6s} {'valid range':22s} meaning")
    for prefix, group, pre in (("subject.", SUBJECT, ""), ("left. / right. / both.", SIDE, ""),
                               ("left. / right. / both.", INSOLE, "insole.")):
        print(f"-- {prefix}{pre}")
        for p in group:
            d = "none" if p.default is None else (
                p.default if isinstance(p.default, str) else f"{p.default:g}")
            rng = ", ".join(p.choices) if p.choices else f"{p.low:g} .. {p.high:g}"
            print(f"{pre + p.name:40s} {d:>10s} {p.unit:6s} {rng:22s} {p.doc}")
    return 0


def _cmd_outputs(args) -> int:
    from .statics import STATUS_HELP

    print(f"{'output':48s} {'unit':7s} sign convention")
    for k in PUBLIC:
        if k.startswith("right."):
            continue
        o = OUTPUTS[k]
        name = k.replace("left.", "left|right.", 1)
        print(f"{name:48s} {o.unit:7s} {o.sign}")
    print("\nstatus values:")
    for k, v in STATUS_HELP.items():
        print(f"  {k:14s} {v}")
    return 0


def main(argv=None) -> int:
    """Entry point of the ``chainsim`` command."""
    parser = _Parser(prog="chainsim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("solve", help="solve one standing subject and print every output")
    _model_options(p)
    p.add_argument("--json", action="store_true", help="one flat JSON object")
    p.set_defaults(func=_cmd_solve)
    p = sub.add_parser("compare", help="compare a baseline with changes, level by level from the "
                       "foot to the lumbar spine")
    _model_options(p, "base-", " in the baseline")
    _model_options(p, "", " on top of the baseline")
    p.add_argument("--json", action="store_true", help="the comparison as JSON")
    p.set_defaults(func=_cmd_compare)
    p = sub.add_parser("fit-insole", help="design the insole that brings this body's chain "
                       "closest to the same body with normal feet")
    _model_options(p)
    p.add_argument("--side", choices=("both", "left", "right"), default="both")
    p.add_argument("--weight", action="append", metavar="OUTPUT=WEIGHT",
                   help="objective weight (repeatable; replaces the defaults); side outputs "
                   "without left./right. count on both sides")
    p.add_argument("--seed", type=int, default=0, help="random seed of the search")
    p.add_argument("--out", metavar="FILE.toml", help="write the designed insole(s) as TOML")
    p.add_argument("--json", action="store_true", help="the result as JSON")
    p.set_defaults(func=_cmd_fit_insole)
    sub.add_parser("presets", help="list the condition presets").set_defaults(func=_cmd_presets)
    sub.add_parser("insoles", help="list the catalogue insoles").set_defaults(func=_cmd_insoles)
    sub.add_parser("params", help="list every parameter").set_defaults(func=_cmd_params)
    sub.add_parser("outputs", help="list every output").set_defaults(func=_cmd_outputs)
    from .dynamics_cli import add_commands as _impact_commands
    from .sweep.cli import add_commands as _sweep_commands

    _sweep_commands(sub)                         # chainsim sweep, chainsim sensitivity
    _impact_commands(sub)                        # chainsim impact
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as e:
        print(f"chainsim: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
