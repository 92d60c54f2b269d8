"""The ``indexlib build`` command: compute the index and print the ranking."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import (add_build_inputs, add_year, build_from_args, format_table, output_folder,
                                positive_int, print_notes)

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "build"
HELP = "compute the index and print the ranking"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib build``."""
    add_build_inputs(p)
    add_year(p)
    p.add_argument("--out", type=output_folder,
                   help="folder for ranking.csv, indicator_scores.csv, results.json, manifest.json")
    p.add_argument("--top", type=positive_int, default=None, help="print only the first N cities")
    p.add_argument("--open-only", action="store_true",
                   help="use only the openly licensed values of the embedded panel (a dimension "
                        "without open data is dropped, with a note)")


def run(args: argparse.Namespace) -> int:
    from indicators.text import plural

    result = build_from_args(args)
    print_notes(result)
    ranking = result.ranking
    from indexlib.result import IMPUTED_WEIGHT_THRESHOLD

    columns = ["rank", "city_id", "score", *result.framework.dimension_ids]
    top = ranking if args.top is None else ranking.head(args.top)
    shown = top[columns].rename(columns={"city_id": "city"})
    # the share of a city's weight resting on imputed values; '*' above the documented threshold
    shown["imputed"] = [f"{share:.0%}{' *' if flag else ''}"
                        for share, flag in zip(top["imputed_weight_share"], top["imputed_weight_flag"])]
    print(format_table(shown))
    flagged = int(ranking["imputed_weight_flag"].sum())
    if flagged:
        print(f"\n* {plural(flagged, 'city')} with more than {IMPUTED_WEIGHT_THRESHOLD:.0%} of "
              "the effective weight on imputed values: read their rank with care")
    if len(result.excluded_cities):
        print(f"\nexcluded by the coverage screen ({len(result.excluded_cities)}):")
        for row in result.excluded_cities.itertuples(index=False):
            print(f"  {row.city_id}: {row.reason}")
    if args.out:
        written = result.write(args.out)
        print(f"\nwrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0
