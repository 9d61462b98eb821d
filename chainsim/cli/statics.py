"""``chainsim solve``, ``compare``, ``fit-insole``, ``presets``, ``insoles``, ``params`` and
``outputs``: one standing subject (registered by :mod:`chainsim.cli`).
"""

from __future__ import annotations

import difflib
import math
import textwrap

from ..outputs import OUTPUTS, PUBLIC
from ..params import INSOLE, REGISTRY, SIDE, SIDES, SUBJECT, ParameterError
from .common import (add_command, add_model_options, build_model, check_out_file, int_option,
                     json_result, model_inputs)

#: the unit of every output
OUTPUT_UNITS = {k: OUTPUTS[k].unit for k in PUBLIC}


def _cmd_solve(args) -> int:
    from ..statics import solve

    model = build_model(args.set, args.preset, args.insole)
    result = solve(model)
    print(json_result(result.to_dict(), OUTPUT_UNITS, model_inputs(args, model)) if args.json
          else result.table())
    return 0 if result.ok else 1


def _cmd_compare(args) -> int:
    from ..compare import compare

    base = build_model(args.base_set, args.base_preset, args.base_insole)
    altered = build_model((args.base_set or []) + (args.set or []),
                          (args.base_preset or []) + (args.preset or []),
                          (args.base_insole or []) + (args.insole or []))
    c = compare(base, altered)
    if args.json:
        d = c.to_dict()
        inputs = {"baseline": model_inputs(args, base, "base_"),
                  "altered": {**model_inputs(args), **model_inputs(args, altered)}}
        print(json_result(d, {k: v["unit"] for k, v in d["outputs"].items()}, inputs))
    else:
        print(c.table())
    return 0 if c.baseline.ok and c.altered.ok else 1


def _cmd_fit_insole(args) -> int:
    from ..fitting import design_insole

    weights = parse_weights(args.weight) if args.weight else None
    if args.out is not None:                    # before the search, not after it
        check_out_file(args.out, "--out", (".toml",))
    model = build_model(args.set, args.preset, args.insole)
    d = design_insole(model, sides=args.side, weights=weights, seed=args.seed)
    if args.out is not None:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(d.to_toml())
    if args.json:
        inputs = {**model_inputs(args, model), "side": args.side, "weight": args.weight or [],
                  "seed": args.seed}
        print(json_result({"objective": d.score, "scores": d.scores,
                           "evaluations": d.evaluations,
                           "insoles": {s: i.values() for s, i in d.insoles.items()}},
                          {p.name: p.unit for p in INSOLE}, inputs))
    else:
        print(d.table())
        if args.out:
            print(f"\nwritten to {args.out}")
    return 0


def parse_weights(pairs) -> dict:
    """``--weight OUTPUT=WEIGHT`` pairs as a dict, each checked: an output (``chainsim
    outputs``; a side output without left./right. counts on both sides) and a finite number
    >= 0, at least one of them > 0."""
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


def _change_text(ch) -> str:
    """A preset's change as text: ``x 0.4``, ``+ 6`` (``SIZE`` for the preset's size)."""
    value = "SIZE" if ch.value is None else f"{ch.value:g}"
    return f"x {value}" if ch.op == "scale" else f"+ {value}"


def _preset_dict(c) -> dict:
    """One condition preset as plain data: its summary, description, size and changes."""
    return {"name": c.name, "summary": c.summary, "description": c.doc,
            "size_unit": c.size_unit, "default_size": c.default_size,
            "changes": [{"parameter": ch.param, "op": ch.op, "value": ch.value,
                         "change": _change_text(ch), "unit": REGISTRY[f"left.{ch.param}"].unit,
                         "source": ch.source} for ch in c.changes]}


def _change_units(conditions) -> dict:
    """The unit of each side parameter that ``conditions`` change."""
    return {ch.param: REGISTRY[f"left.{ch.param}"].unit for c in conditions for ch in c.changes}


def _preset_text(c) -> str:
    """One condition preset as text: its summary, description, changes and sources."""
    size = f" (SIZE in {c.size_unit or 'units'}, default {c.default_size:g})" \
        if c.default_size is not None else ""
    lines = [f"{c.name}: {c.summary}{size}", "", textwrap.fill(c.doc, 79), ""]
    if c.changes:
        lines.append(f"{'parameter (per side)':32s} {'change':9s} unit")
        lines += [f"{ch.param:32s} {_change_text(ch):9s} {REGISTRY[f'left.{ch.param}'].unit}"
                  for ch in c.changes]
        lines += ["", "sources:"] + [textwrap.fill(src, 79, initial_indent="  - ",
                                                   subsequent_indent="    ")
                                     for src in dict.fromkeys(ch.source for ch in c.changes)]
    else:
        lines.append("no changes")
    return "\n".join(lines)


def _cmd_presets(args) -> int:
    from ..conditions import CONDITIONS, listing

    if args.name is None:
        print(json_result({"presets": {k: _preset_dict(c) for k, c in CONDITIONS.items()}},
                          _change_units(CONDITIONS.values())) if args.json else listing())
        return 0
    if args.name not in CONDITIONS:
        close = difflib.get_close_matches(args.name, list(CONDITIONS), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ParameterError(f"presets {args.name!r}: unknown preset{hint}; valid presets: "
                             f"{', '.join(CONDITIONS)}")
    c = CONDITIONS[args.name]
    if args.json:
        print(json_result(_preset_dict(c), _change_units([c]), {"name": args.name}))
    else:
        print(_preset_text(c))
    return 0


def _cmd_insoles(args) -> int:
    from ..insoles import CATALOGUE, listing

    if args.json:
        print(json_result({"insoles": {k: {"description": i.description, "values": i.values()}
                                       for k, i in CATALOGUE.items()}},
                          {p.name: p.unit for p in INSOLE}))
    else:
        print(listing())
    return 0


#: the groups of parameters: (how a key starts, the group, the table's heading)
PARAM_GROUPS = (("subject.", SUBJECT, "subject."), ("both.", SIDE, "left. / right. / both."),
                ("both.insole.", INSOLE, "left. / right. / both.insole."))


def _cmd_params(args) -> int:
    if args.json:
        params = {prefix + p.name: {"default": p.default, "unit": p.unit, "low": p.low,
                                    "high": p.high, "choices": list(p.choices),
                                    "meaning": p.doc}
                  for prefix, group, _ in PARAM_GROUPS for p in group}
        print(json_result({"parameters": params}, {k: v["unit"] for k, v in params.items()}))
        return 0
    print(f"{'parameter':40s} {'default':>10s} {'unit':6s} {'valid range':22s} meaning")
    for _, group, heading in PARAM_GROUPS:
        pre = "insole." if group is INSOLE else ""
        print(f"-- {heading}")
        for p in group:
            d = "none" if p.default is None else (
                p.default if isinstance(p.default, str) else f"{p.default:g}")
            rng = ", ".join(p.choices) if p.choices else f"{p.low:g} .. {p.high:g}"
            print(f"{pre + p.name:40s} {d:>10s} {p.unit:6s} {rng:22s} {p.doc}")
    return 0


def _cmd_outputs(args) -> int:
    from ..statics import STATUS_HELP

    if args.json:
        print(json_result({"outputs": {k: {"unit": OUTPUTS[k].unit, "sign": OUTPUTS[k].sign}
                                       for k in PUBLIC}, "status": dict(STATUS_HELP)},
                          OUTPUT_UNITS))
        return 0
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


def _json_option(p, what: str = "the result") -> None:
    p.add_argument("--json", action="store_true", help=f"{what} as one JSON object (with "
                   "units, inputs and chainsim_version)")


def add_commands(sub) -> None:
    """Add the commands on one standing subject to ``chainsim``'s subparsers."""
    p = add_command(sub, "solve", "solve one standing subject and print every output",
                    "chainsim solve --preset left=flat_foot --insole both=medium_arch --json")
    add_model_options(p)
    _json_option(p, "every output and the status")
    p.set_defaults(func=_cmd_solve)
    p = add_command(sub, "compare", "compare a baseline with changes, level by level from the "
                    "foot to the lumbar spine",
                    "chainsim compare --base-preset both=flat_foot --insole both=motion_control")
    add_model_options(p, "base-", " in the baseline")
    add_model_options(p, "", " on top of the baseline")
    _json_option(p, "the comparison")
    p.set_defaults(func=_cmd_compare)
    p = add_command(sub, "fit-insole", "design the insole that brings this body's chain "
                    "closest to the same body with normal feet",
                    "chainsim fit-insole --preset both=flat_foot --out insole.toml")
    add_model_options(p)
    p.add_argument("--side", choices=("both", "left", "right"), default="both")
    p.add_argument("--weight", action="append", metavar="OUTPUT=WEIGHT",
                   help="objective weight (repeatable; replaces the defaults); side outputs "
                   "without left./right. count on both sides")
    p.add_argument("--seed", type=int_option(0), default=0,
                   help="random seed of the search (an integer >= 0)")
    p.add_argument("--out", metavar="FILE.toml", help="write the designed insole(s) as TOML "
                   "(a file --insole SIDE=FILE.toml reads)")
    _json_option(p)
    p.set_defaults(func=_cmd_fit_insole)
    p = add_command(sub, "presets", "list the condition presets, or show one: its changes and "
                    "their sources", "chainsim presets\nchainsim presets flat_foot")
    p.add_argument("name", nargs="?", metavar="NAME", help="the preset to show")
    _json_option(p, "the preset(s)")
    p.set_defaults(func=_cmd_presets)
    p = add_command(sub, "insoles", "list the catalogue insoles",
                    "chainsim insoles\nchainsim solve --insole both=medium_arch")
    _json_option(p, "the insoles and their values")
    p.set_defaults(func=_cmd_insoles)
    p = add_command(sub, "params", "list every parameter: default, unit, valid range, meaning",
                    "chainsim params --json")
    _json_option(p, "the parameters")
    p.set_defaults(func=_cmd_params)
    p = add_command(sub, "outputs", "list every output: unit, sign convention, status values",
                    "chainsim outputs")
    _json_option(p, "the outputs")
    p.set_defaults(func=_cmd_outputs)


__all__ = ["add_commands"]
