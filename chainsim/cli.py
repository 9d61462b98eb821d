"""The ``chainsim`` command: a thin layer over the Python API.

    chainsim solve --set both.wedge_deg=10 --set left.arch_stiffness_n_per_mm=60 --json
    chainsim params
    chainsim outputs
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from .model import Model
from .outputs import OUTPUTS, PUBLIC
from .params import REGISTRY, SUBJECT, SIDE, ParameterError


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


def _cmd_solve(args) -> int:
    from .statics import solve

    model = Model(_settings(args.set))
    result = solve(model)
    if args.json:
        d = result.to_dict()
        print(json.dumps({k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                          for k, v in d.items()}, indent=None))
    else:
        print(result.table())
    return 0 if result.ok else 1


def _cmd_params(args) -> int:
    print(f"{'parameter':40s} {'default':>10s} {'unit':6s} {'valid range':22s} meaning")
    for prefix, group in (("subject.", SUBJECT), ("left. / right. / both.", SIDE)):
        print(f"-- {prefix}")
        for p in group:
            d = "none" if p.default is None else (
                p.default if isinstance(p.default, str) else f"{p.default:g}")
            rng = ", ".join(p.choices) if p.choices else f"{p.low:g} .. {p.high:g}"
            print(f"{p.name:40s} {d:>10s} {p.unit:6s} {rng:22s} {p.doc}")
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
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="set a parameter (repeatable); see `chainsim params`")
    p.add_argument("--json", action="store_true", help="one flat JSON object")
    p.set_defaults(func=_cmd_solve)
    sub.add_parser("params", help="list every parameter").set_defaults(func=_cmd_params)
    sub.add_parser("outputs", help="list every output").set_defaults(func=_cmd_outputs)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as e:
        print(f"chainsim: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
