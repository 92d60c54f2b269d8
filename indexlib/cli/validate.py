"""The ``indexlib validate`` command: every check a build runs, and every problem of a panel."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import add_build_inputs, add_year, panel_input, print_note

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "validate"
HELP = "run every check a build runs (same message, exit 2); print every problem of a panel"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib validate``."""
    p.add_argument("data", nargs="?", metavar="FILE", help="panel file to check; default: the packaged panel")
    add_build_inputs(p, data=False)
    add_year(p)
    p.add_argument("--all", action="store_true", help="list every problem of the panel (by default the first 20)")


def run(args: argparse.Namespace) -> int:
    import indexlib
    from indicators.errors import DataValidationError
    from indicators.text import plural

    try:
        checked = indexlib.validate(panel_input(args), args.method, args.framework)
    except DataValidationError as exc:
        if not args.all or len(exc.problems) < 2:
            raise  # printed by main() exactly as a build prints it
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    panel = checked.prepared.panel
    values = panel.values
    present = int(values.notna().to_numpy().sum())
    print(f"{panel.source}: OK — {plural(values.shape[0], 'city')} × {plural(values.shape[1], 'indicator')}, "
          f"{plural(present, 'value')} ({present / values.size:.0%} coverage); a build ranks "
          f"{plural(len(checked.values), 'city')} on {plural(len(checked.framework.indicator_ids), 'indicator')}")
    for note in checked.notes:
        print_note(note, file=sys.stdout)
    return 0
