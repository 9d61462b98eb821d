"""``chainsim solve``, ``compare``, ``fit-insole``, ``presets``, ``insoles``, ``params`` and
``outputs``: one standing subject (registered by :mod:`chainsim.cli`).
"""

from __future__ import annotations

from ..outputs import OUTPUTS, PUBLIC
from ..params import INSOLE, SIDE, SIDES, SUBJECT, ParameterError
from .common import add_model_options, build_model, check_out_path, int_option, to_json


def _cmd_solve(args) -> int:
    from ..statics import solve

    result = solve(build_model(args.set, args.preset, args.insole))
    print(to_json(result.to_dict()) if args.json else result.table())
    return 0 if result.ok else 1


def _cmd_compare(args) -> int:
    from ..compare import compare

    base = build_model(args.base_set, args.base_preset, args.base_insole)
    altered = build_model((args.base_set or []) + (args.set or []),
                          (args.base_preset or []) + (args.preset or []),
                          (args.base_insole or []) + (args.insole or []))
    c = compare(base, altered)
    print(to_json(c.to_dict()) if args.json else c.table())
    return 0 if c.baseline.ok and c.altered.ok else 1


def _cmd_fit_insole(args) -> int:
    from ..fitting import design_insole

    weights = parse_weights(args.weight) if args.weight else None
    if args.out is not None:
        check_out_path(args.out)                # before the search, not after it
    d = design_insole(build_model(args.set, args.preset, args.insole), sides=args.side,
                      weights=weights, seed=args.seed)
    if args.out is not None:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(d.to_toml())
    if args.json:
        print(to_json({"objective": d.score, "scores": d.scores, "evaluations": d.evaluations,
                       "insoles": {s: i.values() for s, i in d.insoles.items()}}))
    else:
        print(d.table())
        if args.out:
            print(f"\nwritten to {args.out}")
    return 0


def parse_weights(pairs) -> dict:
    """``--weight OUTPUT=WEIGHT`` pairs as a dict, each checked: an output (``chainsim
    outputs``; a side output without left./right. counts on both sides) and a finite number
    >= 0, at least one of them > 0."""
    import difflib
    import math

    names = set(OUTPUTS) | {k.split(".", 1)[1] for k in OUTPUTS if k.startswith(SIDES)}
    out = {}
    for pair in pairs:
        name, eq, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not eq or not name:
            raise ParameterError(f"--weight {pair!r}: expected OUTPUT=WEIGHT, e.g. "
                                 "pelvis.obliquity_deg=1")
        if name not in names:
            close = difflib.get_close_matches(name, sorted(names), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ParameterError(f"--weight {pair!r}: {name!r} is not an output{hint}; see "
                                 "`chainsim outputs`")
        try:
            w = float(text)
        except ValueError:
            w = None
        if w is None or not math.isfinite(w) or w < 0:
            raise ParameterError(f"--weight {pair!r}: the weight {text!r} is not allowed; "
                                 "it must be a finite number >= 0")
        out[name] = w
    if not any(out.values()):
        raise ParameterError(f"--weight: every weight is 0 ({', '.join(out)}); at least one "
                             "must be > 0")
    return out


def _cmd_presets(args) -> int:
    from ..conditions import listing

    print(listing())
    return 0


def _cmd_insoles(args) -> int:
    from ..insoles import listing

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
    from ..statics import STATUS_HELP

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


def add_commands(sub) -> None:
    """Add the commands on one standing subject to ``chainsim``'s subparsers."""
    p = sub.add_parser("solve", help="solve one standing subject and print every output")
    add_model_options(p)
    p.add_argument("--json", action="store_true", help="one flat JSON object")
    p.set_defaults(func=_cmd_solve)
    p = sub.add_parser("compare", help="compare a baseline with changes, level by level from the "
                       "foot to the lumbar spine")
    add_model_options(p, "base-", " in the baseline")
    add_model_options(p, "", " on top of the baseline")
    p.add_argument("--json", action="store_true", help="the comparison as JSON")
    p.set_defaults(func=_cmd_compare)
    p = sub.add_parser("fit-insole", help="design the insole that brings this body's chain "
                       "closest to the same body with normal feet")
    add_model_options(p)
    p.add_argument("--side", choices=("both", "left", "right"), default="both")
    p.add_argument("--weight", action="append", metavar="OUTPUT=WEIGHT",
                   help="objective weight (repeatable; replaces the defaults); side outputs "
                   "without left./right. count on both sides")
    p.add_argument("--seed", type=int_option(0), default=0,
                   help="random seed of the search (an integer >= 0)")
    p.add_argument("--out", metavar="FILE.toml", help="write the designed insole(s) as TOML")
    p.add_argument("--json", action="store_true", help="the result as JSON")
    p.set_defaults(func=_cmd_fit_insole)
    sub.add_parser("presets", help="list the condition presets").set_defaults(func=_cmd_presets)
    sub.add_parser("insoles", help="list the catalogue insoles").set_defaults(func=_cmd_insoles)
    sub.add_parser("params", help="list every parameter").set_defaults(func=_cmd_params)
    sub.add_parser("outputs", help="list every output").set_defaults(func=_cmd_outputs)


__all__ = ["add_commands"]
