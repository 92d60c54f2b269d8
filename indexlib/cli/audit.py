"""The ``indexlib audit`` command (the work is in :mod:`indexlib.publish.audit`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import add_build_inputs, build_from_args, format_table, output_folder, print_notes

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "audit"
HELP = "statistical audit: coverage, treatment, correlations, consistency, flags, added value"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib audit``."""
    add_build_inputs(p)
    p.add_argument("--out", type=output_folder,
                   help="folder for the audit tables (CSV), flags.csv and correlation_heatmap.png/.svg")
    p.add_argument("--no-figures", action="store_true", help="do not draw the heatmap")


def run(args: argparse.Namespace) -> int:
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
