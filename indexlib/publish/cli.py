"""The publication commands: ``audit``, ``profile`` and ``release`` (argument parsing only; the work is in
:mod:`indexlib.publish`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli import (
    add_build_inputs,
    add_year,
    arguments,
    build_from_args,
    command,
    format_table,
    non_negative_int,
    output_folder,
    positive_int,
    print_notes,
    year,
)

__all__ = ["run_audit", "run_changes", "run_profile", "run_release"]


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_build_inputs(parser)
    add_year(parser, help_text="edition of the packaged panel (default: the embedded panel); "
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


# ---------------------------------------------------------------------------------------------- audit
@arguments(lambda p: (add_build_inputs(p),
                      p.add_argument("--out", type=output_folder, help="folder for the audit tables (CSV), flags.csv "
                                                                       "and correlation_heatmap.png/.svg"),
                      p.add_argument("--no-figures", action="store_true", help="do not draw the heatmap")))
@command("audit", "statistical audit: coverage, treatment, correlations, consistency, flags, added value")
def run_audit(args: argparse.Namespace) -> int:
    from indexlib.publish.audit import audit, require_matplotlib

    if args.out and not args.no_figures:
        require_matplotlib()  # before the build: a missing extra fails at once
    result = build_from_args(args)
    print_notes(result)
    report = audit(result)
    summary = report["summary"]
    print("Audit summary")
    for metric, value in summary.itertuples(index=False):
        print(f"  {metric}: {value:.3f}" if isinstance(value, float) else f"  {metric}: {value}")
    print("\nConsistency per dimension")
    print(format_table(report["consistency"], floats=3))
    print("\nDimension–index correlations")
    print(format_table(report["correlations_dimension_index"], floats=3))
    print(f"\nFlags ({len(report.flags)})")
    for row in report.flags.itertuples(index=False):
        print(f"  [{row.flag}] {row.detail}")
    if args.out:
        for path in report.write(args.out, figures=not args.no_figures):
            print(f"wrote {path}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------------------- profile
@arguments(lambda p: (p.add_argument("city", help="city id or English name, e.g. london"),
                      add_build_inputs(p),
                      p.add_argument("--intervals", help="rank_intervals.csv from 'indexlib uncertainty --out': "
                                                         "adds the city's rank interval"),
                      p.add_argument("--out", type=output_folder, help="folder for profile.json, profile.txt, "
                                                                       "dimensions.csv, indicators.csv, peers.csv "
                                                                       "and dimensions.png/.svg"),
                      p.add_argument("--no-figures", action="store_true", help="do not draw the dimension chart")))
@command("profile", "the profile of one city: scores, ranks, every value with its source, strengths, peers")
def run_profile(args: argparse.Namespace) -> int:
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


# ---------------------------------------------------------------------------------------------- changes
def _add_changes_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base_year", type=year, help="the earlier edition; scores are rebased on it")
    parser.add_argument("year", type=year, help="the later edition")
    add_build_inputs(parser)
    parser.add_argument("--out", type=output_folder, help="folder for changes.csv and changes.txt")
    parser.add_argument("--top", type=positive_int, default=10, help="moves listed each way (default 10)")


@arguments(_add_changes_arguments)
@command("changes", "rank and score changes between two editions, scores rebased on the first")
def run_changes(args: argparse.Namespace) -> int:
    from indexlib.publish.changes import edition_changes

    changes = edition_changes(args.data, args.base_year, args.year, args.method, args.framework)
    print(changes.to_text(top=args.top), end="")
    if args.out:
        for path in changes.write(args.out):
            print(f"wrote {path}", file=sys.stderr)
    return 0
