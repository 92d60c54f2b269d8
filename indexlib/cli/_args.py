"""Argument helpers shared by the command modules: option types, the build options, printing.

Checked when the command line is parsed, so a bad option fails at once (exit 2, usage message
naming the option), not after a long computation. Nothing here imports the heavy parts of indexlib.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["positive_int", "non_negative_int", "positive_number", "unit_fraction", "output_folder", "year",
           "add_build_inputs", "add_year", "panel_input", "build_from_args", "print_note", "print_notes",
           "format_table", "warnings_as_notes"]

#: Third-party warnings known to be harmless in indexlib's use, as (message regex, category, why);
#: every other warning is shown (one line), so that a new problem in a dependency is not hidden.
#: None is known today: the commands run on the 2025 panel emit no third-party warning.
KNOWN_HARMLESS_WARNINGS: tuple[tuple[str, type[Warning], str], ...] = ()

# The notes printed in this run of the command line: a library warning that a result also keeps in
# its notes (and a command prints from there) is shown once.
_shown_notes: set[str] = set()


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


def positive_number(text: str) -> float:
    """A finite number > 0, such as 0.1 for 10 % (argparse ``type``)."""
    return _open_interval(text, 0.0, float("inf"), "a number > 0 such as 0.1")


def unit_fraction(text: str) -> float:
    """A number strictly between 0 and 1, such as a confidence level 0.95 (argparse ``type``)."""
    return _open_interval(text, 0.0, 1.0, "a level strictly between 0 and 1, e.g. 0.95")


def _open_interval(text: str, low: float, high: float, expected: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:80]!r} is not a number; expected {expected}") from None
    if not low < value < high:
        raise argparse.ArgumentTypeError(f"{value:g} is out of range; expected {expected}")
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
    from indicators.errors import SpecificationError
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
    frame = (city_data.load_panel(city_data.EDITION, open_only=True).drop(columns=["licence_open"])
             .merge(names, on="city_id"))
    panel = panel_from_frame(frame.astype(object).where(frame.notna(), ""), framework,
                             source=f"embedded {city_data.EDITION} panel, open licences only (city_data)")
    return indexlib.build(panel, methodology, framework)


def print_note(note: str, file: Any = None) -> None:
    """Print ``note: …`` (to stderr by default) unless this run has printed the same note already."""
    if note not in _shown_notes:
        _shown_notes.add(note)
        print(f"note: {note}", file=sys.stderr if file is None else file)


def print_notes(result: Any) -> None:
    for note in result.notes:
        print_note(note)


@contextlib.contextmanager
def warnings_as_notes() -> Iterator[None]:
    """Run a command with indexlib's warnings shown as ``note:`` lines and other warnings as one
    ``warning:`` line each (no source line, no traceback), except :data:`KNOWN_HARMLESS_WARNINGS`.

    The library's notes are printed when the command ends (after the notes the command printed from
    its result, each once), so that a note kept in a result is not printed twice.
    """
    from indicators.errors import IndexlibWarning

    _shown_notes.clear()
    pending: list[str] = []

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None,
             line: str | None = None) -> None:
        if issubclass(category, IndexlibWarning):
            pending.append(str(message))
        else:
            print(f"warning: {category.__name__}: {message}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.simplefilter("always", IndexlibWarning)
        for message, category, _why in KNOWN_HARMLESS_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        warnings.showwarning = show
        try:
            yield
        finally:
            for note in pending:
                print_note(note)


def format_table(frame: pd.DataFrame, floats: int = 2) -> str:
    return cast(str, frame.to_string(index=False, float_format=lambda v: f"{v:.{floats}f}"))
