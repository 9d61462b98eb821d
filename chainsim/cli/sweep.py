"""``chainsim sweep`` and ``chainsim sensitivity`` (registered by :mod:`chainsim.cli`)."""

from __future__ import annotations

import sys

from ..sweep.spec import DEFAULT_CHUNK
from .common import add_command


def add_commands(sub) -> None:
    """Add the ``sweep`` and ``sensitivity`` subcommands to ``chainsim``'s subparsers."""
    p = add_command(sub, "sweep", "run a parameter sweep from a TOML spec into a Zarr store "
                    "(resumable: run it again to finish an interrupted sweep)",
                    "chainsim sweep examples/sweep.toml --out sweep.zarr --netcdf sweep.nc")
    p.add_argument("spec", help="the sweep's TOML file (see examples/sweep.toml)")
    p.add_argument("--out", required=True, metavar="STORE", help="Zarr store (a directory)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="compute on a Dask cluster (scheduler address, e.g. tcp://host:8786)")
    p.add_argument("--threads", type=int,
                   help="numba threads per chunk (default: all here, 1 per task on Dask)")
    p.add_argument("--chunk-size", type=int, help=f"points per chunk (default {DEFAULT_CHUNK})")
    p.add_argument("--overwrite", action="store_true",
                   help="replace a store that holds a different sweep (or a damaged one)")
    p.add_argument("--verify", action="store_true",
                   help="check an existing store: read every finished chunk back against its "
                        "checksum and compute again those missing, unreadable or damaged")
    p.add_argument("--netcdf", metavar="FILE.nc", help="also export the result to one netCDF file")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)
    q = add_command(sub, "sensitivity", "Sobol' or one-at-a-time sensitivity from a TOML spec",
                    "chainsim sensitivity examples/sensitivity.toml --netcdf indices.nc")
    q.add_argument("spec", help="the analysis' TOML file (see examples/sensitivity.toml)")
    q.add_argument("--threads", type=int, help="numba threads")
    q.add_argument("--netcdf", metavar="FILE.nc", help="also save the indices to a netCDF file")
    q.set_defaults(func=cmd_sensitivity)


def _refuse(e) -> int:
    print(f"chainsim: {e}", file=sys.stderr)
    return 2


def cmd_sweep(args) -> int:
    from ..sweep.spec import load_spec

    spec = load_spec(args.spec)                  # a SpecError is reported by chainsim.cli
    from ..sweep.runner import run
    from ..sweep.store import StoreError, check_path, to_netcdf

    try:
        out = check_path(args.out)
        if args.verify and not (out.is_dir() and any(out.iterdir())):
            return _refuse(f"--verify: {args.out} is not a store (nothing to verify); run the "
                           "sweep without --verify to compute it")
        ds = run(spec, args.out, scheduler=args.scheduler, threads=args.threads,
                 chunk_size=args.chunk_size, overwrite=args.overwrite, progress=not args.quiet,
                 log=lambda msg: print(msg, file=sys.stderr))
    except StoreError as e:
        return _refuse(e)
    except OSError as e:
        return _refuse(f"{args.out}: {e.strerror or e}")
    except KeyboardInterrupt:
        print(f"chainsim: interrupted; run the same command again to finish the sweep "
              f"(finished chunks are kept in {args.out})", file=sys.stderr)
        return 130
    if args.netcdf:
        try:
            to_netcdf(ds, args.netcdf)
        except OSError as e:
            return _refuse(f"--netcdf {args.netcdf}: cannot write it ({e.strerror or e}); the "
                           f"sweep is complete in {args.out}")
        print(f"wrote {args.netcdf}", file=sys.stderr)
    return 0


def cmd_sensitivity(args) -> int:
    from ..sweep.spec import load_sensitivity

    spec = load_sensitivity(args.spec)
    from ..sweep.sensitivity import run_sensitivity, sobol_table, tornado_table

    ds = run_sensitivity(spec, threads=args.threads)
    print(sobol_table(ds) if spec.method == "sobol" else tornado_table(ds))
    if args.netcdf:
        ds.to_netcdf(args.netcdf, engine="scipy")
    return 0
