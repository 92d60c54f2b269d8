"""The ``indexlib changes`` command (the work is in :mod:`indexlib.publish.changes`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import add_build_inputs, output_folder, positive_int, year

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "changes"
HELP = "rank and score changes between two editions, scores rebased on the first"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib changes``."""
    p.add_argument("base_year", type=year, help="the earlier edition; scores are rebased on it")
    p.add_argument("year", type=year, help="the later edition")
    add_build_inputs(p)
    p.add_argument("--out", type=output_folder, help="folder for changes.csv and changes.txt")
    p.add_argument("--top", type=positive_int, default=10, help="moves listed each way (default 10)")


def run(args: argparse.Namespace) -> int:
    from indexlib.publish.changes import edition_changes

    changes = edition_changes(args.data, args.base_year, args.year, args.method, args.framework)
    print(changes.to_text(top=args.top), end="")
    if args.out:
        for path in changes.write(args.out):
            print(f"wrote {path}", file=sys.stderr)
    return 0
