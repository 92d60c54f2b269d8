"""The ``indexlib compare-published`` command (the work is in :mod:`indexlib.compare_published`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from indexlib.cli._args import add_build_inputs, add_year, build_from_args, format_table, print_notes, year

__all__ = ["NAME", "HELP", "parser", "run", "published_year"]

NAME = "compare-published"
HELP = "compare the build's ranking with the report's published ranking"


def published_year(text: str) -> int:
    """``--year``: an edition whose published ranking is packaged with :mod:`city_data`."""
    import city_data

    edition = year(text)
    try:
        city_data.published(edition)
    except ValueError as exc:  # the message ends with the packaged years
        available = str(exc).rpartition("; ")[2]
        raise argparse.ArgumentTypeError(f"no published ranking is packaged for {edition}; {available}") from None
    return edition


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib compare-published``."""
    add_build_inputs(p)
    add_year(p, year_type=published_year,
             help_text="edition of the published ranking (default 2025), and the panel's year (see build --year)")


def run(args: argparse.Namespace) -> int:
    from indexlib.compare_published import compare_with_published

    result = build_from_args(args)
    print_notes(result)
    comparison = compare_with_published(result, args.year)
    out: Any = sys.stdout
    print(f"Published {comparison.year} ranking vs this build ({comparison.cities} cities in both)", file=out)
    print(f"  Spearman rank correlation: {comparison.spearman:.3f}", file=out)
    print(f"  Kendall rank correlation:  {comparison.kendall:.3f}", file=out)
    print(f"  Top-10 overlap:            {comparison.top10_overlap} of 10", file=out)
    print("\nThe 10 cities with the largest rank differences (ours − published), with our dimension scores:",
          file=out)
    print(format_table(comparison.largest_differences, floats=1), file=out)
    print("\nPublished dimension scores beside ours (where the report publishes them):", file=out)
    print(format_table(comparison.dimensions, floats=2), file=out)
    return 0
