"""The ``indexlib`` command line.

Exit codes: 0 ok, 2 bad input (any :class:`~indicators.errors.IndexlibError`, or a usage error),
1 internal error. Messages go to stderr as one line (or a list of problems), never a traceback
unless ``--debug`` is given.

Each command is one module of this package with ``NAME``, ``HELP``, ``parser(p)`` adding its
options and ``run(args)`` returning the exit code (SALib's ``cli_parse``/``cli_action``); the
shared option types and helpers are in :mod:`indexlib.cli._args`. The command modules import the
library only inside ``run``, so that ``indexlib --help`` starts fast. Library modules never import
from this package.
"""

from __future__ import annotations

from argparse import Action
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import ArgumentParser
    from collections.abc import Sequence
    from types import ModuleType

__all__ = ["main", "run_command_line", "COMMAND_MODULES", "DESCRIPTION", "command_modules"]

#: The command modules, in the order ``indexlib --help`` lists them.
COMMAND_MODULES = ("build", "validate", "schema", "compare_published", "compare", "importance", "uncertainty",
                   "sensitivity", "impute_check", "release", "audit", "profile", "changes")

#: The first line of the top-level help (plain text: argparse prints it as it is).
DESCRIPTION = "The indexlib command line: build the Global City Talent Retention Index and analyse it."


def command_modules() -> list[ModuleType]:
    """The command modules of :data:`COMMAND_MODULES`, imported."""
    import importlib

    return [importlib.import_module(f"indexlib.cli.{name}") for name in COMMAND_MODULES]


def _parser() -> ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(prog="indexlib", description=DESCRIPTION,
                                     epilog="exit codes: 0 ok, 2 bad input or usage, 1 internal error; "
                                            "'indexlib COMMAND --help' lists a command's options")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action=_VersionAction,
                        help="print the versions of indexlib, Python and the core dependencies, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in command_modules():
        child = sub.add_parser(module.NAME, help=module.HELP)
        module.parser(child)
        child.set_defaults(run=module.run)
    return parser


class _VersionAction(Action):
    """``--version``: one unwrapped line, e.g. ``indexlib 0.1.0 (python 3.11.7, numpy 2.1.0, …)``."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        import argparse

        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: ArgumentParser, *args: object) -> None:
        from indexlib.provenance import environment

        versions = environment()
        rest = ", ".join(f"{name} {version}" for name, version in versions.items() if name != "indexlib")
        print(f"indexlib {versions['indexlib']} ({rest})")
        parser.exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    import sys
    import traceback

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    from indexlib.cli._args import warnings_as_notes
    from indicators.errors import IndexlibError  # here, not above: `indexlib --help` need not load the library

    try:
        with warnings_as_notes():
            return int(args.run(args))
    except IndexlibError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: exit 1, no traceback by default
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback; please report it)",
              file=sys.stderr)
        return 1


def run_command_line() -> None:
    """The ``indexlib`` command (console script, ``python -m indexlib``): :func:`main` as a process of its own.

    numpy asks the kernel for transparent huge pages for every array of 4 MB or more
    (``NUMPY_MADVISE_HUGEPAGE``). Where the kernel defragments memory for such requests (the default
    ``defrag = madvise``), filling a fresh array can stall while the kernel compacts memory: on the
    2-core benchmark VM a fresh 19 MB array took 65–250 ms to fill, against 9 ms without the request
    (``benchmarks/bench_large_panel.py`` times the 100,000-city build command both ways). A command
    is one short run whose arrays are all fresh, so the command line turns the request off unless the
    environment sets it; :func:`main` called in a process that has already imported numpy, as the
    tests do, changes nothing.
    """
    import os
    import sys

    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    sys.exit(main())


# Imported to define the module, not part of its API (the package's names are exactly __all__).
del TYPE_CHECKING, Action

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
