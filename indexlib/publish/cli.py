"""The ``indexlib release`` command: the release folder of :func:`indexlib.publish.release`."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli import add_build_inputs, arguments, command, non_negative_int, output_folder, positive_int

__all__ = ["run_release"]


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; expected e.g. 2025") from None


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_build_inputs(parser)
    parser.add_argument("--year", type=_year, help="edition of the packaged panel (default: the embedded panel); "
                                                   "not with --data")
    parser.add_argument("--out", type=output_folder, required=True,
                        help="release folder; it must not exist unless --force is given")
    parser.add_argument("--force", action="store_true", help="replace an existing release folder as a whole")
    parser.add_argument("--uncertainty-runs", type=positive_int,
                        help="run an uncertainty analysis of N runs and publish its rank intervals")
    parser.add_argument("--seed", type=non_negative_int, help="seed of the uncertainty analysis (default: the spec's, 0)")


@arguments(_add_arguments)
@command("release", "write a release folder: ranking CSV and XLSX, results.json, report.html, manifest.json")
def run_release(args: argparse.Namespace) -> int:
    from indexlib.publish.release import release

    out = release(args.out, data=args.data, methodology=args.method, framework=args.framework, year=args.year,
                  force=args.force, uncertainty_runs=args.uncertainty_runs, seed=args.seed)
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    print(f"wrote {out}: {', '.join(names)}", file=sys.stderr)
    return 0
