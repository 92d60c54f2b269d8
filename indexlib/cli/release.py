"""The ``indexlib release`` command (the work is in :mod:`indexlib.publish.release`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import add_build_inputs, add_year, non_negative_int, output_folder, positive_int

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "release"
HELP = "write a release folder: ranking CSV and XLSX, results.json, report.html, manifest.json"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib release``."""
    add_build_inputs(p)
    add_year(p, help_text="edition of the packaged panel (default: the embedded panel); not with --data")
    p.add_argument("--out", type=output_folder, required=True,
                   help="release folder; it must not exist unless --force is given")
    p.add_argument("--force", action="store_true", help="replace an existing release folder as a whole")
    p.add_argument("--uncertainty-runs", type=positive_int,
                   help="run an uncertainty analysis of N runs and publish its rank intervals")
    p.add_argument("--seed", type=non_negative_int, help="seed of the uncertainty analysis (default: the spec's, 0)")


def run(args: argparse.Namespace) -> int:
    from indexlib.publish.release import release

    out = release(args.out, data=args.data, methodology=args.method, framework=args.framework, year=args.year,
                  force=args.force, uncertainty_runs=args.uncertainty_runs, seed=args.seed)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    print(f"wrote {out}: {', '.join(names)}", file=sys.stderr)
    return 0
