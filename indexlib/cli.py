"""The ``indexlib`` command line.

Exit codes: 0 ok, 2 bad input (any :class:`~indicators.errors.IndexlibError`, or a usage error),
1 internal error. Messages go to stderr as one line (or a list of problems), never a traceback
unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from indicators.errors import DataValidationError, IndexlibError, SpecificationError

__all__ = ["main", "COMMANDS"]

#: name → run function; each command module contributes entries with :func:`command` and :func:`arguments`.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str, help_text: str) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """Register ``run`` as subcommand ``name``; options come from :func:`arguments` (applied above it)."""

    def decorate(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        run.help_text = help_text  # type: ignore[attr-defined]
        COMMANDS[name] = run
        return run

    return decorate


def arguments(add: Callable[[argparse.ArgumentParser], None]) -> Callable[[Callable[..., int]], Callable[..., int]]:
    def decorate(run: Callable[..., int]) -> Callable[..., int]:
        run.arguments = add  # type: ignore[attr-defined]
        return run

    return decorate


# ---------------------------------------------------------------------------------------------- argument types
# Checked when the command line is parsed, so a bad option fails at once (exit 2, usage message
# naming the option), not after a long computation.
def positive_int(text: str) -> int:
    """An integer >= 1 (argparse ``type``)."""
    return _bounded_int(text, 1, "a positive integer (1, 2, …)")


def non_negative_int(text: str) -> int:
    """An integer >= 0 (argparse ``type``)."""
    return _bounded_int(text, 0, "an integer >= 0")


def _bounded_int(text: str, low: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer; expected {expected}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"{value} is out of range; expected {expected}")
    return value


def output_folder(text: str) -> str:
    """A folder for outputs (argparse ``type``): checked by :func:`indexlib.io.check_output_folder`.

    Refused before any computing (exit 2, naming the path): an empty path, a file or a path below
    one, a dangling symbolic link, a name too long, a place that cannot be written, a non-empty
    folder that indexlib did not write, the current folder. Nothing is created here.
    """
    from indexlib.io import check_output_folder
    from indicators.errors import OutputError

    try:
        check_output_folder(text)
    except OutputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def year(text: str) -> int:
    """A year such as 2025 (argparse ``type``)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; expected e.g. 2025") from None


def add_build_inputs(parser: argparse.ArgumentParser, *, data: bool = True) -> None:
    """The options every command that builds the index shares (``data=False``: the panel is given otherwise)."""
    if data:
        parser.add_argument("--data", help="panel file (CSV/TSV/Parquet/XLSX, wide or long); default: embedded "
                                           "2025 panel")
    parser.add_argument("--framework", help="built-in framework id, TOML/JSON file or COINr iMeta CSV; "
                                            "default: gctsi-2025")
    parser.add_argument("--method", help="methodology TOML/JSON file; default: the built-in default methodology")


def add_year(parser: argparse.ArgumentParser, *, year_type: Callable[[str], int] = year, help_text: str = "") -> None:
    """``--year`` of a command reading a panel, which :func:`panel_input` honours."""
    parser.add_argument("--year", type=year_type, help=help_text or "the year to use from a panel holding several "
                        "(its 'year' or 'Time' column); without --data, the packaged edition")


def panel_input(args: argparse.Namespace) -> Any:
    """The panel argument of a build: the ``--data`` path, or with ``--year`` the panel read for that year."""
    if getattr(args, "year", None) is None:
        return args.data
    from indexlib.panel import read_panel
    from indicators import load_framework

    return read_panel(args.data, load_framework(args.framework), year=args.year)


def build_from_args(args: argparse.Namespace) -> Any:
    import indexlib

    if getattr(args, "open_only", False):
        return _build_open_only(args)
    return indexlib.build(panel_input(args), args.method, args.framework)


def _build_open_only(args: argparse.Namespace) -> Any:
    """Build on the openly licensed values of the embedded panel (``city_data.load_panel(open_only=True)``).

    A dimension without open data can only be dropped: unless the methodology file sets
    ``missing_dimensions`` itself, ``--open-only`` sets it to ``'drop'`` and says so.
    """
    import city_data
    import indexlib
    from indexlib.methodology import load_methodology
    from indexlib.panel import panel_from_frame
    from indicators import load_framework

    if args.data:
        raise SpecificationError("--open-only selects the openly licensed values of the embedded 2025 panel; "
                                 "it cannot be combined with --data")
    methodology = load_methodology(args.method)
    if "missing_dimensions" not in methodology.model_fields_set:
        methodology = methodology.replace(missing_dimensions="drop")
        print("note: --open-only sets methodology.missing_dimensions = 'drop': a dimension without open data is "
              "dropped from the build (listed in the notes)", file=sys.stderr)
    framework = load_framework(args.framework)
    names = city_data.cities()[["city_id", "name_en", "country", "continent"]].rename(columns={"name_en": "city_en"})
    frame = city_data.load_panel(2025, open_only=True).drop(columns=["licence_open"]).merge(names, on="city_id")
    panel = panel_from_frame(frame.astype(object).where(frame.notna(), ""), framework,
                             source="embedded 2025 panel, open licences only (city_data)")
    return indexlib.build(panel, methodology, framework)


def print_notes(result: Any) -> None:
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)


def format_table(frame: pd.DataFrame, floats: int = 2) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.{floats}f}")


# ---------------------------------------------------------------------------------------------- build
@arguments(lambda p: (add_build_inputs(p), add_year(p),
                      p.add_argument("--out", type=output_folder,
                                     help="folder for ranking.csv, indicator_scores.csv, results.json, manifest.json"),
                      p.add_argument("--top", type=positive_int, default=None, help="print only the first N cities"),
                      p.add_argument("--open-only", action="store_true",
                                     help="use only the openly licensed values of the embedded panel (a dimension "
                                          "without open data is dropped, with a note)")))
@command("build", "compute the index and print the ranking")
def run_build(args: argparse.Namespace) -> int:
    result = build_from_args(args)
    print_notes(result)
    ranking = result.ranking
    from indexlib.result import IMPUTED_WEIGHT_THRESHOLD

    columns = ["rank", "city_id", "score", *result.framework.dimension_ids]
    shown = ranking[columns].rename(columns={"city_id": "city"})
    # the share of a city's weight resting on imputed values; '*' above the documented threshold
    shown["imputed"] = [f"{share:.0%}{' *' if flag else ''}"
                        for share, flag in zip(ranking["imputed_weight_share"], ranking["imputed_weight_flag"])]
    if args.top is not None:
        shown = shown.head(args.top)
    print(format_table(shown))
    flagged = int(ranking["imputed_weight_flag"].sum())
    if flagged:
        print(f"\n* {flagged} cit{'y' if flagged == 1 else 'ies'} with more than {IMPUTED_WEIGHT_THRESHOLD:.0%} of "
              "the effective weight on imputed values: read their rank with care")
    if len(result.excluded_cities):
        print(f"\nexcluded by the coverage screen ({len(result.excluded_cities)}):")
        for row in result.excluded_cities.itertuples(index=False):
            print(f"  {row.city_id}: {row.reason}")
    if args.out:
        written = result.write(args.out)
        print(f"\nwrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------------------- validate
@arguments(lambda p: (p.add_argument("data", nargs="?", metavar="FILE",
                                     help="panel file to check; default: the packaged panel"),
                      add_build_inputs(p, data=False), add_year(p),
                      p.add_argument("--all", action="store_true",
                                     help="list every problem of the panel (by default the first 20)")))
@command("validate", "run every check a build runs (same message, exit 2); print every problem of a panel")
def run_validate(args: argparse.Namespace) -> int:
    import indexlib

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
    print(f"{panel.source}: OK — {values.shape[0]} cities × {values.shape[1]} indicators, {present} values "
          f"({present / values.size:.0%} coverage); a build ranks {len(checked.values)} cities on "
          f"{len(checked.framework.indicator_ids)} indicators")
    for note in checked.notes:
        print(f"note: {note}")
    return 0


# ---------------------------------------------------------------------------------------------- schema
@arguments(lambda p: p.add_argument("--which", choices=["framework", "methodology", "both"], default="both"))
@command("schema", "print the JSON Schema of the framework and of the methodology")
def run_schema(args: argparse.Namespace) -> int:
    from indexlib.methodology import Methodology
    from indicators import Framework

    schemas = {"framework": Framework.model_json_schema(), "methodology": Methodology.model_json_schema()}
    if args.which != "both":
        schemas = {args.which: schemas[args.which]}
    print(json.dumps(schemas, ensure_ascii=False, indent=2))
    return 0


def _parser() -> argparse.ArgumentParser:
    _load_command_modules()
    parser = argparse.ArgumentParser(prog="indexlib", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser.add_argument("--version", action=_VersionAction,
                        help="print the versions of indexlib, Python and the core dependencies, and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, run in COMMANDS.items():
        child = sub.add_parser(name, help=getattr(run, "help_text", None))
        getattr(run, "arguments", lambda parser: None)(child)
        child.set_defaults(run=run)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: one unwrapped line, e.g. ``indexlib 0.1.0 (python 3.11.7, numpy 2.1.0, …)``."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from indexlib.provenance import environment

        versions = environment()
        rest = ", ".join(f"{name} {version}" for name, version in versions.items() if name != "indexlib")
        print(f"indexlib {versions['indexlib']} ({rest})")
        parser.exit(0)


def _load_command_modules() -> None:
    """Import the modules that register further commands (comparison, uncertainty, sensitivity, audit,
    profile)."""
    import importlib

    for module in ("indexlib.compare_published", "indexlib.compare", "indexlib.importance", "indexlib.uncertainty.cli",
                   "indexlib.sensitivity.cli", "indexlib.impute.cli", "indexlib.publish.cli"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # notes are printed from the result instead
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
    except Exception as exc:  # noqa: BLE001 - the last line of defence: exit 1, no traceback by default
        if args.debug:
            traceback.print_exc()
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback; please report it)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
