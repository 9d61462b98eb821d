"""The ``chainsim`` command: a thin layer over the Python API.

    chainsim solve --set both.wedge_deg=10 --set left.arch_stiffness_n_per_mm=60 --json
    chainsim solve --preset left=flat_foot --insole both=medium_arch --json
    chainsim compare --base-preset both=flat_foot --insole both=motion_control
    chainsim fit-insole --preset both=flat_foot --out insole.toml
    chainsim params | outputs | presets | insoles
    chainsim sweep | sensitivity SPEC.toml
    chainsim impact --preset running_heel_strike

A model is built from ``--set`` values, then ``--preset`` conditions (changes relative to
what is set), then ``--insole`` designs.  One module per group of commands: :mod:`.statics`
(one standing subject), :mod:`.sweep` (sweeps and sensitivity), :mod:`.impact` (dynamics);
what they share is in :mod:`.common`.
"""

from __future__ import annotations

import argparse
import sys

from ..params import ParameterError
from . import impact, statics, sweep


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"chainsim: error: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv=None) -> int:
    """Entry point of the ``chainsim`` command."""
    parser = _Parser(prog="chainsim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    statics.add_commands(sub)      # chainsim solve, compare, fit-insole, presets, insoles, ...
    sweep.add_commands(sub)        # chainsim sweep, chainsim sensitivity
    impact.add_commands(sub)       # chainsim impact
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ParameterError as e:
        print(f"chainsim: {e}", file=sys.stderr)
        return 2


__all__ = ["main"]
