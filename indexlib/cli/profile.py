"""The ``indexlib profile`` command (the work is in :mod:`indexlib.publish.profile`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import add_build_inputs, build_from_args, output_folder, print_notes

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "profile"
HELP = "the profile of one city: scores, ranks, every value with its source, strengths, peers"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib profile``."""
    p.add_argument("city", help="city id or English name, e.g. london")
    add_build_inputs(p)
    p.add_argument("--intervals", help="rank_intervals.csv from 'indexlib uncertainty --out': "
                                       "adds the city's rank interval")
    p.add_argument("--out", type=output_folder, help="folder for profile.json, profile.txt, dimensions.csv, "
                                                     "indicators.csv, peers.csv and dimensions.png/.svg")
    p.add_argument("--no-figures", action="store_true", help="do not draw the dimension chart")


def run(args: argparse.Namespace) -> int:
    from indexlib.publish.audit import require_matplotlib
    from indexlib.publish.profile import profile, read_intervals

    if args.out and not args.no_figures:
        require_matplotlib()
    intervals = read_intervals(args.intervals) if args.intervals else None
    result = build_from_args(args)
    print_notes(result)
    city_profile = profile(result, args.city, intervals)
    print(city_profile.to_text(), end="")
    if args.out:
        for path in city_profile.write(args.out, figures=not args.no_figures):
            print(f"wrote {path}", file=sys.stderr)
    return 0
