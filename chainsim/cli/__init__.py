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
import os
import sys
import textwrap

try:
    import tomllib
except ModuleNotFoundError:          # Python 3.10
    import tomli as tomllib

from .. import __version__
from .._extras import MissingExtra, missing_extra
from ..params import ParameterError
from . import impact, statics, sweep
from .common import check_out_file, int_option, threads_option

#: what ``chainsim`` exits with (shown by ``chainsim --help``)
EXIT_CODES = {
    0: "success",
    1: "the model was not solved (a status other than ok: the output says which), or an "
       "unexpected internal error (with its traceback: please report it)",
    2: "bad input: a bad option, value, file or path (one line on stderr names it, its value "
       "and what is allowed); output paths are checked before any computing",
    130: "interrupted (Ctrl-C)",
    141: "the output was closed early (e.g. `chainsim solve | head -1`); nothing more is printed",
}
#: the options, of any command, that name one file to write, and the extensions they take:
#: checked by :func:`main` before the command runs (``impact --out`` and ``fit-insole --out``
#: are checked by their commands; ``sweep --out`` is a Zarr store, a directory)
OUTPUT_FILES = {"netcdf": ("--netcdf", (".nc",))}

#: ``chainsim --help``'s description (plain text: no reST markup)
DESCRIPTION = ("chainsim: the human lower body as a linked chain, from the command line.\n\n"
               "examples:\n"
               "  chainsim solve --preset left=flat_foot --insole both=medium_arch --json\n"
               "  chainsim compare --base-preset both=flat_foot --insole both=motion_control\n"
               "  chainsim presets flat_foot\n"
               "  chainsim impact --preset running_heel_strike --out run.csv\n"
               "  chainsim sweep examples/sweep.toml --out sweep.zarr --netcdf sweep.nc")

EPILOG = "exit codes:\n" + "\n".join(
    textwrap.fill(v, 79, initial_indent=f"  {k:<5d}", subsequent_indent=" " * 7)
    for k, v in EXIT_CODES.items())


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        """One line on stderr (the option, the value, what is allowed) and exit 2."""
        print(f"{self.prog}: error: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    """The ``chainsim`` argument parser with every subcommand."""
    parser = _Parser(prog="chainsim", description=DESCRIPTION, epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"chainsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    statics.add_commands(sub)      # chainsim solve, compare, fit-insole, presets, insoles, ...
    sweep.add_commands(sub)        # chainsim sweep, chainsim sensitivity
    impact.add_commands(sub)       # chainsim impact
    # every --threads that runs here takes 1 .. what numba can start here; sweep's, at least 1
    # (with --scheduler its threads are the Dask workers', which may have more)
    for name, command in sub.choices.items():
        for action in command._actions:
            if action.dest == "threads" and action.type is int:
                action.type = int_option(1) if name == "sweep" else threads_option
    return parser


def _refuse(message) -> int:
    print(f"chainsim: {' '.join(str(message).split())}", file=sys.stderr)
    return 2


def _os_error(e: OSError) -> str:
    what = e.strerror or str(e)
    if e.filename is not None:
        return f"{e.filename!r}: {what}" + (f" (to {e.filename2!r})" if e.filename2 else "")
    return what


def _stdout_closed() -> int:
    """The reader of stdout went away: send what is left of stdout to /dev/null (so Python's
    final flush stays quiet) and exit 141 (128 + SIGPIPE, as a shell reports a piped program
    that SIGPIPE ended)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):      # not a real file (captured in tests)
        pass
    return 141


def main(argv=None) -> int:
    """Entry point of the ``chainsim`` command; returns the exit code (see :data:`EXIT_CODES`).

    Bad input, from the project's own checks (:class:`chainsim.ParameterError`, the sweeps'
    ``SpecError``, a ``StoreError``) or from the files and paths given (``OSError``, text that
    is not UTF-8, TOML that does not parse), is one line on stderr and exit code 2; argparse's
    refusals exit 2 too (``SystemExit``). Anything else is an internal error: its traceback
    shows and the exit code is 1.
    """
    from ..sweep.store import StoreError

    parser = build_parser()
    args = None
    try:
        args = parser.parse_args(argv)
        for dest, (option, formats) in OUTPUT_FILES.items():       # before any computing
            if getattr(args, dest, None) is not None:
                check_out_file(getattr(args, dest), option, formats)
        rc = args.func(args)
        sys.stdout.flush()               # a closed pipe shows here, not at the exit
        return rc
    except BrokenPipeError:
        return _stdout_closed()
    except (ParameterError, StoreError, MissingExtra) as e:
        return _refuse(e)
    except ModuleNotFoundError as e:          # an optional dependency: name the extra
        extra = missing_extra(e)
        if extra is None:
            raise
        return _refuse(extra)
    except tomllib.TOMLDecodeError as e:
        return _refuse(f"TOML syntax error: {e}")
    except UnicodeDecodeError as e:
        spec = getattr(args, "spec", None)       # the input file of sweep and sensitivity
        what = repr(spec) if spec else "a file"
        return _refuse(f"{what} is not UTF-8 text (byte "
                       f"0x{e.object[e.start]:02x} at offset {e.start})")
    except OSError as e:
        return _refuse(_os_error(e))
    except KeyboardInterrupt:
        print("chainsim: interrupted", file=sys.stderr)
        return 130


__all__ = ["main", "build_parser", "EXIT_CODES"]
