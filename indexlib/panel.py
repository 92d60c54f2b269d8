"""Reading and validating a city panel (wide or long; CSV, TSV, Parquet, XLSX; COINr ``iData``).

Every problem is collected before raising, so ``indexlib validate`` can print them all. Messages name
the file, the row (as a spreadsheet shows it: header = row 1), the city and the indicator, and say
what was expected. Inputs are never modified.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators import Framework
from indicators._config import decode_utf8, read_input_bytes
from indicators.bounds import bound_problems, unit_problems
from indicators.errors import DataValidationError

__all__ = ["Panel", "read_panel", "panel_from_frame", "MISSING_MARKERS", "ATTRIBUTE_COLUMNS"]

#: Cell texts read as "no value". Anything else that is not a number is an error.
MISSING_MARKERS = frozenset({"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", ".."})

#: Non-indicator columns recognised in a wide panel (in addition to a framework's ``unit_columns``).
ATTRIBUTE_COLUMNS = (
    "city_id", "city_en", "city_zh", "name_en", "name_zh", "country", "country_zh", "iso2", "iso3",
    "continent", "lat", "lon", "population", "uCode", "uName", "Time", "year", "rank", "score",
)
_ID_COLUMNS = ("city_id", "uCode")
_LONG_REQUIRED = ("city_id", "indicator_id", "value")


@dataclass(frozen=True)
class Panel:
    """A validated panel: numeric values (cities × indicators), city attributes and provenance.

    Attributes
    ----------
    values : DataFrame
        Float values indexed by ``city_id``, one column per framework indicator (all columns present,
        NaN where missing).
    attributes : DataFrame
        Non-indicator columns per city (name, country, continent, groups…), same index.
    provenance : DataFrame or None
        Long-form metadata per city × indicator when the input had it (unit, year, level, source,
        licence).
    source : str
        Where the panel came from (file path or description).
    sha256 : str
        Hash of the input bytes (or of a canonical CSV of the frame).
    """

    values: pd.DataFrame
    attributes: pd.DataFrame
    provenance: pd.DataFrame | None
    source: str
    sha256: str
    notes: list[str] = field(default_factory=list)

    @property
    def city_ids(self) -> list[str]:
        return [str(c) for c in self.values.index]


def _frame_sha256(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


#: Largest magnitude accepted in a panel. Skewness and kurtosis raise deviations to the fourth power
#: and min-max divides by the range, so values near the float limit (about 1.8e308) overflow into inf or
#: NaN; no real indicator comes near this bound, so a value beyond it is a unit or entry error.
LARGEST_VALUE = 1e50

_TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": ","}


@dataclass(frozen=True)
class _Table:
    """A table as read from a file: text cells, the header as written, and each row's row number."""

    frame: pd.DataFrame
    rows: np.ndarray  # row number of each frame row as a spreadsheet shows it (header = its own row)
    raw: bytes


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataValidationError(f"{path}: the file is UTF-16 text; expected UTF-8 (in Excel: Save As "
                                  "'CSV UTF-8 (Comma delimited)')")
    if b"\x00" in raw[:65536]:
        raise DataValidationError(f"{path}: the file holds binary data (NUL bytes), not text; expected a UTF-8 "
                                  f"{path.suffix.lstrip('.').upper()} file")
    return decode_utf8(raw, path, error=DataValidationError,
                       expected="a UTF-8 file (in Excel: Save As 'CSV UTF-8'; elsewhere re-save it with encoding UTF-8)")


def _parse_text(path: Path, text: str, sep: str) -> pd.DataFrame:
    try:
        # header=None: the header row is read as written (pandas would rename a duplicate 'x' to 'x.1',
        # and take an extra first field of every row as an index); skip_blank_lines=False keeps the row
        # numbers of the file.
        return pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                           skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            expected, line, saw = found.groups()
            raise DataValidationError(
                f"{path}, row {line}: {saw} fields, but the first row (the header) has {expected}; expected one "
                "field per column (a value containing the separator must be quoted)"
            ) from None
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:  # pandas counts lines from 0
            raise DataValidationError(
                f"{path}, row {int(unclosed.group(1)) + 1}: a quoted value is never closed (the file ends inside "
                "it); expected a closing '\"'"
            ) from None
        raise DataValidationError(f"{path}: cannot be read as a table: {exc}") from None


def _read_table(path: Path) -> _Table:
    suffix = path.suffix.lower()
    raw = read_input_bytes(path, what="panel", expected="a panel file (CSV, TSV, Parquet or XLSX)",
                           error=DataValidationError)
    if suffix not in {*_TEXT_SUFFIXES, ".parquet", ".xlsx", ".xlsm"}:
        raise DataValidationError(f"{path}: unsupported panel format {suffix!r}; expected .csv, .tsv, .parquet or .xlsx")
    if not raw.strip():
        raise DataValidationError(f"{path}: the file is empty; expected a header row (city_id and the indicator "
                                  "ids) and one row per city")
    if suffix in _TEXT_SUFFIXES:
        text = _decode(path, raw)
        header = next(line for line in text.splitlines() if line.strip())
        _check_separator(path, header, _TEXT_SUFFIXES[suffix])
        cells = _parse_text(path, text, _TEXT_SUFFIXES[suffix])
    elif suffix == ".parquet":
        try:
            frame = pd.read_parquet(io.BytesIO(raw))
        except ImportError:
            raise DataValidationError(
                f"{path}: reading Parquet needs pyarrow; install it with: pip install 'indexlib[parquet]'"
            ) from None
        except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError, ArrowIOError an OSError
            raise DataValidationError(f"{path}: cannot be read as a Parquet table: {exc}") from None
        frame = frame.astype(object).where(frame.notna(), "")
        frame = frame.map(lambda v: v if isinstance(v, str) else repr(v) if isinstance(v, float) else str(v))
        header = pd.DataFrame([[str(c) for c in frame.columns]], columns=range(frame.shape[1]))
        cells = pd.concat([header, frame.set_axis(range(frame.shape[1]), axis=1)], ignore_index=True)
    else:
        try:
            from openpyxl.utils.exceptions import InvalidFileException
        except ImportError:
            raise DataValidationError(
                f"{path}: reading Excel needs openpyxl; install it with: pip install 'indexlib[excel]'"
            ) from None
        try:
            cells = pd.read_excel(io.BytesIO(raw), header=None, dtype=str, keep_default_na=False, engine="openpyxl")
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, InvalidFileException) as exc:
            # not a zip archive, a zip without a workbook (KeyError naming the missing part), or a
            # workbook openpyxl cannot parse
            raise DataValidationError(f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
                                      "expected an .xlsx file saved by Excel or LibreOffice") from None
    cells = cells.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = (cells == "").all(axis=1).to_numpy() if cells.shape[1] else np.ones(len(cells), dtype=bool)
    filled = np.flatnonzero(~blank)
    if not filled.size:
        raise DataValidationError(f"{path}: the file holds no table (only blank rows); expected a header row "
                                  "(city_id and the indicator ids) and one row per city")
    header_at = int(filled[0])
    keep = filled[filled > header_at]
    frame = cells.iloc[keep].copy()
    frame.columns = [str(c) for c in cells.iloc[header_at]]
    frame.index = pd.RangeIndex(len(frame))
    return _Table(frame, keep + 1, raw)


def _check_separator(path: Path, header: str, sep: str) -> None:
    """A header without the expected separator but with another one was saved with the wrong separator."""
    if sep in header:
        return
    names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
    for other in (";", "\t", "|", ","):
        if other != sep and other in header:
            fix = ("save it with ',' as separator (and '.' as decimal mark)" if sep == ","
                   else "save it tab-separated, or name it .csv if it is comma-separated")
            raise DataValidationError(
                f"{path}, row 1: the header {header[:60]!r} has no {names[sep][:-1]}; the file seems separated by "
                f"{names[other]}, but a {path.suffix.lower()} panel is expected to be separated by {names[sep]}; {fix}"
            )


def read_panel(data: str | Path | pd.DataFrame | None, framework: Framework) -> Panel:
    """Read and validate a panel for ``framework``.

    Parameters
    ----------
    data : path, DataFrame or None
        ``None`` loads the embedded 2025 panel from :mod:`city_data`. A DataFrame or file in long
        form has columns ``city_id, indicator_id, value`` (plus optional provenance columns); in wide
        form one row per city with ``city_id`` (or COINr's ``uCode``) and one column per indicator id.

    Raises
    ------
    DataValidationError
        With every problem found in ``.problems``.
    """
    if data is None:
        return embedded_panel(framework)
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        frame.columns = [str(c) for c in frame.columns]
        text = frame.astype(object).where(frame.notna(), "")
        return panel_from_frame(text, framework, source="DataFrame", sha256=_frame_sha256(frame))
    path = Path(data)
    table = _read_table(path)
    return panel_from_frame(table.frame, framework, source=str(path), sha256=hashlib.sha256(table.raw).hexdigest(),
                            row_numbers=table.rows)


@lru_cache(maxsize=1)
def _embedded_panel() -> Panel:
    # The packaged panel never changes within a process, so it is parsed once.
    import city_data
    from indicators import load_framework

    long = city_data.load_panel(2025)
    panel = panel_from_frame(long.astype({"value": object}).fillna({"value": ""}), load_framework("gctsi-2025"),
                             source="embedded 2025 panel (city_data)")
    attributes = city_data.cities().set_index("city_id")
    attributes = attributes.rename(columns={"name_en": "city_en", "name_zh": "city_zh"})
    return Panel(panel.values, attributes.reindex(panel.values.index), panel.provenance, panel.source,
                 panel.sha256, panel.notes)


def embedded_panel(framework: Framework) -> Panel:
    """The packaged 2025 panel restricted to ``framework``'s indicators (which it must all have)."""
    panel = _embedded_panel()
    unknown = [i for i in framework.indicator_ids if i not in panel.values.columns]
    if unknown:
        raise DataValidationError(
            f"the embedded 2025 panel has no indicator(s) {unknown} of framework {framework.id!r}; "
            "pass a panel with --data"
        )
    return Panel(panel.values[framework.indicator_ids], panel.attributes, panel.provenance, panel.source,
                 panel.sha256, panel.notes)


def _parse_numbers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Numbers from cells (strings or numbers). Returns values, a mask of unparseable cells, and the
    cells as text (for messages)."""
    text = cells.map(lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v)).strip())
    missing = text.isin(MISSING_MARKERS).to_numpy()
    numbers = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(numbers) & ~missing
    return numbers, bad, text


def _value_problems(numbers: np.ndarray, bad: np.ndarray, text: pd.Series, where: Callable[[int], str]) -> list[str]:
    """Messages for unparseable, infinite and out-of-range cells; ``where(i)`` locates cell ``i``."""
    problems = [f"{where(i)}: non-numeric value {text.iloc[i]!r}; expected a number or an empty cell"
                for i in np.flatnonzero(bad)]
    with np.errstate(invalid="ignore"):
        huge = np.abs(numbers) > LARGEST_VALUE
    for i in np.flatnonzero(huge):
        if np.isinf(numbers[i]):
            problems.append(f"{where(i)}: infinite value {text.iloc[i]!r}; expected a finite number or an empty cell")
        else:
            problems.append(f"{where(i)}: value {text.iloc[i]!r} is too large to compute with (beyond "
                            f"±{LARGEST_VALUE:g}); expected a number in a realistic unit or an empty cell")
    return problems


def panel_from_frame(frame: pd.DataFrame, framework: Framework, *, source: str, sha256: str | None = None,
                     row_numbers: Sequence[int] | None = None) -> Panel:
    """Validate an already-loaded table (cells as text or numbers) and build a :class:`Panel`.

    ``row_numbers`` gives each row's number as a spreadsheet shows it, for messages; by default the
    header is row 1 and the frame's rows are 2, 3, …
    """
    sha256 = sha256 or _frame_sha256(frame)
    frame = frame.reset_index(drop=True)
    rows = np.arange(2, len(frame) + 2) if row_numbers is None else np.asarray(row_numbers, dtype=int)
    indicator_columns = [c for c in frame.columns if c in set(framework.indicator_ids)]
    if "indicator_id" in frame.columns or ("value" in frame.columns and not indicator_columns):
        return _from_long(frame, framework, source, sha256, rows)
    return _from_wide(frame, framework, source, sha256, rows)


def _canonical_ids(labels: pd.Series, framework: Framework) -> pd.Series:
    """Indicator ids as the framework spells them: ``"1"`` is ``"01"`` when the framework has ``"01"``
    (and not ``"1"``) — spreadsheets and integer columns drop the leading zeros of numeric codes."""
    known = set(framework.indicator_ids)
    numeric = {}
    for i in framework.indicator_ids:
        if i.isdigit():
            numeric.setdefault(int(i), []).append(i)
    by_number = {n: ids[0] for n, ids in numeric.items() if len(ids) == 1}
    if not by_number:
        return labels

    def canonical(label: str) -> str:
        if label in known or not label.isdigit():
            return label
        return by_number.get(int(label), label)

    return labels.map(canonical)


def _check_cities(ids: pd.Series, rows: np.ndarray, source: str, problems: list[str]) -> None:
    blank = ids.str.strip() == ""
    for i in np.flatnonzero(blank.to_numpy()):
        problems.append(f"{source}, row {rows[i]}: empty city id; every row needs a city_id")


def _finish(values: pd.DataFrame, problems: list[str], source: str) -> None:
    if values.shape[0] < 3:
        problems.append(f"{source}: {values.shape[0]} cities; at least 3 are needed to normalise and rank")
    if problems:
        head = f"{source}: {len(problems)} problem(s) in the panel"
        raise DataValidationError(head + ":\n" + "\n".join(f"  - {p}" for p in problems), problems)


def _from_wide(frame: pd.DataFrame, framework: Framework, source: str, sha256: str, rows: np.ndarray) -> Panel:
    problems: list[str] = []
    notes: list[str] = []
    id_column = next((c for c in _ID_COLUMNS if c in frame.columns), None)
    if id_column is None:
        raise DataValidationError(
            f"{source}: no city id column; a wide panel needs a 'city_id' (or COINr 'uCode') column, "
            f"and a long panel the columns {', '.join(_LONG_REQUIRED)}; the header has "
            f"{', '.join(repr(c) for c in frame.columns[:8])}{', …' if frame.shape[1] > 8 else ''}",
            None,
        )
    frame = frame.set_axis(list(_canonical_ids(pd.Series(frame.columns, dtype=object), framework)), axis=1)
    indicator_ids = framework.indicator_ids
    known = set(indicator_ids) | set(ATTRIBUTE_COLUMNS) | set(framework.unit_columns)
    unnamed_empty = []
    for position, column in enumerate(frame.columns, start=1):
        if column == "":
            cells = frame.iloc[:, position - 1].astype(str).str.strip()
            if (cells == "").all():
                unnamed_empty.append(position)  # e.g. a trailing separator on every line: nothing is lost
            else:
                problems.append(f"{source}, column {position}: holds values but has no name in the header; "
                                "expected an indicator id or a city attribute column name")
        elif column not in known:
            problems.append(
                f"{source}, column {position} {column!r}: unknown indicator id; expected one of the framework "
                f"{framework.id!r} indicator ids ({', '.join(indicator_ids[:8])}{', …' if len(indicator_ids) > 8 else ''}) "
                "or a city attribute column"
            )
    if unnamed_empty:
        notes.append(f"column(s) {unnamed_empty} of {source} have no name and no value; ignored")
        frame = frame.iloc[:, [k for k in range(frame.shape[1]) if k + 1 not in unnamed_empty]]
    named = frame.columns[frame.columns != ""]
    for column in dict.fromkeys(named[named.duplicated()]):
        positions = [str(k + 1) for k, c in enumerate(frame.columns) if c == column]
        problems.append(f"{source}, columns {', '.join(positions)}: column {column!r} appears more than once; "
                        "expected each indicator or attribute once")
    frame = frame.loc[:, ~frame.columns.duplicated()]
    ids = frame[id_column].astype(str).str.strip()
    _check_cities(ids, rows, source, problems)
    for city, members in ids[ids.duplicated(keep=False) & (ids != "")].groupby(ids).groups.items():
        rows_text = ", ".join(str(rows[int(r)]) for r in members)
        problems.append(f"{source}, rows {rows_text}: city {city!r} appears more than once; expected one row per city")
    values = pd.DataFrame(index=pd.Index(ids, name="city_id"))
    for indicator in indicator_ids:
        if indicator not in frame.columns:
            values[indicator] = np.nan
            notes.append(f"indicator {indicator!r} has no column in {source}; it is treated as missing for every city")
            continue
        numbers, bad, text = _parse_numbers(frame[indicator])
        problems += _value_problems(numbers, bad, text, lambda i: f"{source}, row {rows[i]}, city {ids.iloc[i]!r}, "
                                                                  f"indicator {indicator!r}")
        # plausibility bounds of the framework (indicators/bounds.py)
        problems += bound_problems(framework, [indicator] * len(numbers), numbers,
                                   lambda i: f"{source}, row {rows[i]}, city {ids.iloc[i]!r}, indicator {indicator!r}")
        values[indicator] = numbers
    attribute_columns = [c for c in frame.columns if c not in indicator_ids and c != id_column]
    attributes = frame[attribute_columns].copy()
    attributes = attributes.where(attributes.map(lambda v: not (isinstance(v, str) and v.strip() == "")), np.nan)
    attributes.index = values.index  # an empty cell is a missing attribute, not a group named ''
    if id_column == "uCode" and "uName" in attributes.columns:
        attributes = attributes.rename(columns={"uName": "city_en"})
    _finish(values, problems, source)
    values.columns.name = "indicator_id"
    return Panel(values, attributes, None, source, sha256, notes)


#: Columns of a long panel that vary by row (they describe the value, not the city).
_PER_ROW_COLUMNS = ("year", "Time", "rank", "score")


def _attribute_conflicts(frame: pd.DataFrame, ids: pd.Series, rows: np.ndarray, source: str) -> list[str]:
    """A long panel repeats each city's attributes on every row; they must agree (imputation groups by them)."""
    problems = []
    for column in ATTRIBUTE_COLUMNS:
        if column == "city_id" or column in _PER_ROW_COLUMNS or column not in frame.columns:
            continue
        cells = frame[column].map(lambda v: "" if v is None else str(v).strip()).reset_index(drop=True)
        given = pd.DataFrame({"city": ids.reset_index(drop=True), "value": cells})
        given = given[given["value"] != ""].drop_duplicates(["city", "value"])
        for city, group in given[given["city"].duplicated(keep=False)].groupby("city", sort=False):
            shown = ", ".join(f"{v!r} (row {rows[i]})" for i, v in zip(group.index[:3], group["value"][:3]))
            problems.append(f"{source}: city {city!r} has different {column!r} values: {shown}; expected one "
                            f"{column} per city")
    return problems


def _from_long(frame: pd.DataFrame, framework: Framework, source: str, sha256: str, rows: np.ndarray) -> Panel:
    problems: list[str] = []
    missing_columns = [c for c in _LONG_REQUIRED if c not in frame.columns]
    if missing_columns:
        raise DataValidationError(
            f"{source}: long panel lacks column(s) {missing_columns}; expected the columns "
            f"{', '.join(_LONG_REQUIRED)} (one row per city and indicator) — or, for a wide panel, a 'city_id' "
            "column and one column per indicator id"
        )
    duplicated = [c for c in dict.fromkeys(frame.columns[frame.columns.duplicated()])]
    if duplicated:
        raise DataValidationError(f"{source}: column(s) {duplicated} appear more than once; expected each once")
    ids = frame["city_id"].astype(str).str.strip()
    known = set(framework.indicator_ids)
    indicators = _canonical_ids(frame["indicator_id"].astype(str).str.strip(), framework)
    _check_cities(ids, rows, source, problems)
    for i in np.flatnonzero(~indicators.isin(known).to_numpy()):
        problems.append(
            f"{source}, row {rows[i]}, city {ids.iloc[i]!r}: unknown indicator id {indicators.iloc[i]!r}; "
            f"expected one of the framework {framework.id!r} indicator ids "
            f"({', '.join(framework.indicator_ids[:8])}{', …' if len(known) > 8 else ''})"
        )
    key = ids + "\x1f" + indicators
    for _, members in key[key.duplicated(keep=False)].groupby(key).groups.items():
        positions = [int(r) for r in members]
        problems.append(
            f"{source}, rows {', '.join(str(rows[k]) for k in positions)}: city {ids.iloc[positions[0]]!r}, indicator "
            f"{indicators.iloc[positions[0]]!r} has more than one value; expected one row per city and indicator"
        )
    numbers, bad, text = _parse_numbers(frame["value"])
    problems += _value_problems(numbers, bad, text, lambda i: f"{source}, row {rows[i]}, city {ids.iloc[i]!r}, "
                                                              f"indicator {indicators.iloc[i]!r}")
    # plausibility bounds and units of the framework (indicators/bounds.py)
    problems += bound_problems(framework, indicators.to_numpy(), numbers,
                               lambda i: f"{source}, row {rows[i]}, city {ids.iloc[i]!r}, indicator {indicators.iloc[i]!r}")
    if "unit" in frame.columns:
        known_rows = indicators.isin(known).to_numpy() & ~np.isnan(numbers)
        positions = np.flatnonzero(known_rows)
        problems += unit_problems(framework, indicators.to_numpy()[positions], frame["unit"].to_numpy()[positions],
                                  lambda k: f"{source}, row {rows[positions[k]]}, city {ids.iloc[positions[k]]!r}, "
                                            f"indicator {indicators.iloc[positions[k]]!r}")
    problems += _attribute_conflicts(frame, ids, rows, source)
    long = pd.DataFrame({"city_id": ids, "indicator_id": indicators, "value": numbers})
    long = long[long["indicator_id"].isin(known) & (long["city_id"] != "")]
    long = long.drop_duplicates(["city_id", "indicator_id"])
    city_order = list(dict.fromkeys(long["city_id"]))
    values = long.pivot(index="city_id", columns="indicator_id", values="value")
    values = values.reindex(index=city_order, columns=framework.indicator_ids)
    values.index.name = "city_id"
    values.columns.name = "indicator_id"
    provenance_columns = [c for c in ("unit", "year", "level", "source", "licence", "note", "flag") if c in frame.columns]
    provenance = None
    if provenance_columns:
        provenance = frame[provenance_columns].copy()
        provenance.insert(0, "indicator_id", indicators.to_numpy())
        provenance.insert(0, "city_id", ids.to_numpy())
        provenance["has_value"] = ~np.isnan(numbers)
    attribute_columns = [c for c in ATTRIBUTE_COLUMNS if c in frame.columns and c != "city_id"]
    # each city's first non-empty value (they agree: conflicts are reported above)
    given = frame.assign(city_id=ids)[["city_id", *attribute_columns]]
    given = given.where(given.map(lambda v: not (v is None or (isinstance(v, str) and v.strip() == ""))), np.nan)
    attributes = given.groupby("city_id", sort=False).first().reindex(values.index)
    notes = [f"indicator {i!r} has no rows in {source}; it is treated as missing for every city"
             for i in framework.indicator_ids if not (long["indicator_id"] == i).any()]
    _finish(values, problems, source)
    return Panel(values, attributes, provenance, source, sha256, notes)


def city_level_share(panel: Panel) -> pd.Series | None:
    """Share of each city's values that are city-level (not copied from the country), if known."""
    if panel.provenance is None or "level" not in panel.provenance.columns:
        return None
    present = panel.provenance[panel.provenance["has_value"]]
    share = (present["level"].astype(str) == "city").groupby(present["city_id"]).mean()
    return share.reindex(panel.values.index).rename("city_level_share")

