"""Reading and validating a city panel (wide or long; CSV, TSV, Parquet, XLSX; COINr ``iData``).

Every problem is collected before raising, so ``indexlib validate`` can print them all. Messages name
the file, the row (as a spreadsheet shows it: header = row 1), the city and the indicator, and say
what was expected. Inputs are never modified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from indexlib.panel_file import ID_COLUMNS, MAX_LISTED, all_text, problems_error, quote, read_clean_csv, read_table
from indicators import Framework
from indicators._numbers import to_floats
from indicators.bounds import bound_problems, column_bound_problems, unit_problems
from indicators.errors import DataValidationError
from indicators.text import plural

__all__ = ["Panel", "read_panel", "panel_from_frame", "MISSING_MARKERS", "ATTRIBUTE_COLUMNS", "embedded_source",
           "embedded_file", "embedded_year", "embedded_panel", "city_level_share"]

#: Cell texts read as "no value". Anything else that is not a number is an error.
MISSING_MARKERS = frozenset({"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", ".."})

#: Non-indicator columns recognised in a wide panel (in addition to a framework's ``unit_columns``).
ATTRIBUTE_COLUMNS = (
    "city_id", "city_en", "city_zh", "name_en", "name_zh", "country", "country_zh", "iso2", "iso3",
    "continent", "lat", "lon", "population", "uCode", "uName", "Time", "year", "rank", "score",
)
_LONG_REQUIRED = ("city_id", "indicator_id", "value")
#: Columns that say which year a row belongs to (``Time`` is COINr's).
_YEAR_COLUMNS = ("year", "Time")


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
        SHA-256 of the input file's bytes (for the embedded panel, of the packaged file); for a
        DataFrame, of its CSV (``to_csv(index=False)``, ``\\n`` line ends).
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


def read_panel(data: str | Path | pd.DataFrame | None, framework: Framework, *, year: int | None = None) -> Panel:
    """Read and validate a panel for ``framework``.

    Parameters
    ----------
    data : path, DataFrame or None
        ``None`` loads the embedded 2025 panel from :mod:`city_data`. A DataFrame or file in long
        form has columns ``city_id, indicator_id, value`` (plus optional provenance columns); in wide
        form one row per city with ``city_id`` (or COINr's ``uCode``) and one column per indicator id.
    year : int, optional
        The year to use from a panel whose ``year`` (or COINr ``Time``) column holds several years (a
        panel holding several years without a chosen one is an error listing them); with ``data=None``,
        the packaged edition (:func:`city_data.available_years`).

    Raises
    ------
    DataValidationError
        With every problem found in ``.problems``.
    """
    if data is None:
        return embedded_panel(framework, year=year)
    if not isinstance(data, (str, Path, pd.DataFrame)):
        raise DataValidationError(f"a panel is a file path, a DataFrame or None (the embedded panel); got "
                                  f"{type(data).__name__} {data!r}")
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        frame.columns = [str(c) for c in frame.columns]
        text = frame.astype(object).where(frame.notna(), "")
        return panel_from_frame(text, framework, source="DataFrame", sha256=_frame_sha256(frame), year=year)
    path = Path(data)
    clean = read_clean_csv(path, framework.indicator_ids)
    if clean is not None:
        try:
            return panel_from_frame(clean.frame, framework, source=str(path),
                                    sha256=hashlib.sha256(clean.raw).hexdigest(), row_numbers=clean.rows, year=year)
        except DataValidationError:
            pass  # reported as the text reader reads the file, quoting each cell as written
    table = read_table(path)
    return panel_from_frame(table.frame, framework, source=str(path), sha256=hashlib.sha256(table.raw).hexdigest(),
                            row_numbers=table.rows, year=year)


def embedded_source(year: int) -> str:
    """``source`` of the packaged panel of ``year``."""
    return f"embedded {year} panel (city_data)"


def embedded_file(year: int) -> str:
    """The packaged panel's file of ``year`` in ``city_data/data``."""
    return f"panel_{year}.csv"


def embedded_year(source: str) -> int | None:
    """The year of a packaged panel's ``source``, or ``None`` for any other panel."""
    import city_data

    return next((year for year in city_data.available_years() if source == embedded_source(year)), None)


@lru_cache(maxsize=2)
def _embedded_panel(year: int) -> Panel:
    # The packaged panel never changes within a process, so it is parsed once.
    import city_data
    from indicators import load_framework

    if year not in city_data.available_years():
        raise DataValidationError(f"no panel is packaged for the year {year}; packaged years: "
                                  f"{', '.join(map(str, city_data.available_years()))} (pass a panel with --data)")
    long = city_data.load_panel(year)
    # Units are recorded per row as provenance; the packaged panel's are reported in a note, not refused.
    # Its hash is that of the packaged file's bytes: the same as --data on that file gives. The values are
    # given as the numbers they are (NaN missing), not written out as text to be parsed back.
    panel = panel_from_frame(long, load_framework("gctsi-2025"),
                             source=embedded_source(year), mixed_units="note",
                             sha256=city_data.file_sha256(embedded_file(year)))
    attributes = city_data.cities().set_index("city_id")
    attributes = attributes.rename(columns={"name_en": "city_en", "name_zh": "city_zh"})
    return Panel(panel.values, attributes.reindex(panel.values.index), panel.provenance, panel.source,
                 panel.sha256, panel.notes)


def embedded_panel(framework: Framework, *, year: int | None = None) -> Panel:
    """The packaged panel of ``year`` (default 2025) restricted to ``framework``'s indicators (which it must
    all have)."""
    import city_data

    panel = _embedded_panel(city_data.EDITION if year is None else int(year))
    unknown = [i for i in framework.indicator_ids if i not in panel.values.columns]
    if unknown:
        raise DataValidationError(
            f"the {panel.source} has no indicator(s) {unknown} of framework {framework.id!r}; "
            "pass a panel with --data"
        )
    return Panel(panel.values[framework.indicator_ids], panel.attributes, panel.provenance, panel.source,
                 panel.sha256, panel.notes)


def _cell_text(cells: pd.Series) -> pd.Series:
    """Cells as stripped text; an empty cell (``None`` or NaN, as a loaded frame has them) is ``""``."""
    if all_text(cells):
        return cells.str.strip() if len(cells) else cells.astype(object)
    return cells.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())


def _blank_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Where a cell is text of whitespace only (an empty attribute), column by column without a Python call per
    cell for the columns of text."""
    def blank(cells: pd.Series) -> np.ndarray:
        if all_text(cells):
            return cast(np.ndarray, (cells.str.strip() == "").to_numpy(dtype=bool))
        return cast(np.ndarray, cells.map(lambda v: isinstance(v, str) and v.strip() == "").to_numpy(dtype=bool))

    return pd.DataFrame({k: blank(frame.iloc[:, k]) for k in range(frame.shape[1])}, index=frame.index
                        ).set_axis(frame.columns, axis=1)


def _parse_numbers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Numbers from cells (strings or numbers). Returns values, a mask of unparseable cells, and the
    cells as text (for messages; of cells holding numbers already, only the values too large to compute
    with have a text, the only ones a message quotes, and the others are None)."""
    if isinstance(cells.dtype, np.dtype) and cells.dtype == np.float64:  # numbers already: no text but for messages
        numbers = cells.to_numpy(dtype=np.float64, copy=True)
        texts = np.empty(len(numbers), dtype=object)
        with np.errstate(invalid="ignore"):
            quoted = np.flatnonzero(np.abs(numbers) > LARGEST_VALUE)
        texts[quoted] = [repr(v) for v in numbers[quoted].tolist()]
        text = pd.Series(texts, index=cells.index, dtype=object, copy=False)
        return numbers, np.zeros(len(numbers), dtype=bool), text
    if all_text(cells):  # every cell of a text file: one vectorised strip, no Python call per cell
        text = cells.str.strip() if len(cells) else cells.astype(object)
    else:
        text = cells.map(lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v)).strip())
    missing = text.isin(MISSING_MARKERS).to_numpy()
    numbers = to_floats(text.where(~missing, ""))
    bad = np.isnan(numbers) & ~missing
    return numbers, bad, text


def _marker_hints(bad_texts: list[pd.Series], source: str) -> list[str]:
    """A text in many cells where numbers are expected is likely a missing-value marker the reader does not
    know (``-``, ``n.a.``): say so once, before the cells are listed."""
    counts = pd.concat(bad_texts).value_counts() if any(len(t) for t in bad_texts) else pd.Series(dtype=int)
    return [f"{source}: the text {quote(marker)} is in {count} cells where a number is expected; if it marks a "
            "missing value, leave those cells empty or write NA" for marker, count in counts[counts >= 10].items()]


def _value_problems(numbers: np.ndarray, bad: np.ndarray, text: pd.Series, where: Callable[[int], str]) -> list[str]:
    """Messages for unparseable, infinite and out-of-range cells; ``where(i)`` locates cell ``i``."""
    problems = [f"{where(i)}: non-numeric value {quote(text.iloc[i])}; expected a number or an empty cell"
                for i in np.flatnonzero(bad).tolist()]
    with np.errstate(invalid="ignore"):
        huge = np.abs(numbers) > LARGEST_VALUE
    for i in np.flatnonzero(huge).tolist():
        if np.isinf(numbers[i]):
            problems.append(f"{where(i)}: infinite value {quote(text.iloc[i])}; expected a finite number or an empty "
                            "cell")
        else:
            problems.append(f"{where(i)}: value {quote(text.iloc[i])} is too large to compute with (beyond "
                            f"±{LARGEST_VALUE:g}); expected a number in a realistic unit or an empty cell")
    return problems


def panel_from_frame(frame: pd.DataFrame, framework: Framework, *, source: str, sha256: str | None = None,
                     row_numbers: Sequence[int] | np.ndarray | None = None, year: int | None = None,
                     mixed_units: str = "error") -> Panel:
    """Validate an already-loaded table (cells as text or numbers) and build a :class:`Panel`.

    ``row_numbers`` gives each row's number as a spreadsheet shows it, for messages; by default the
    header is row 1 and the frame's rows are 2, 3, … ``year`` chooses the rows of one year (see
    :func:`read_panel`). ``mixed_units``: a long panel whose ``unit`` differs between rows of one
    indicator is an ``"error"``, or (for the packaged panel, whose units are provenance) a ``"note"``.
    """
    sha256 = sha256 or _frame_sha256(frame)
    frame = frame.reset_index(drop=True)
    rows = np.arange(2, len(frame) + 2) if row_numbers is None else np.asarray(row_numbers, dtype=int)
    indicator_columns = [c for c in frame.columns if c in set(framework.indicator_ids)]
    long = "indicator_id" in frame.columns or ("value" in frame.columns and not indicator_columns)
    key = ["city_id", "indicator_id"] if long else [c for c in ID_COLUMNS if c in frame.columns][:1]
    frame, rows, notes = _select_year(frame, rows, key, year, source)
    if long:
        panel = _from_long(frame, framework, source, sha256, rows, mixed_units)
    else:
        panel = _from_wide(frame, framework, source, sha256, rows)
    panel.notes[:0] = notes
    return panel


def _year_text(cells: pd.Series) -> pd.Series:
    """Years as text, ``"2025"`` also for the ``2025.0`` a spreadsheet or a float column gives."""
    text = _cell_text(cells)
    numbers = pd.Series(to_floats(text), index=text.index)
    whole = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 1e6)
    return text.where(~whole, numbers[whole].astype("int64").astype(str))


def _select_year(frame: pd.DataFrame, rows: np.ndarray, key: list[str], year: int | None, source: str
                 ) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """The rows of the chosen year; without a choice, a panel repeating a city (and indicator) in several
    years is refused with the years it holds."""
    column = next((c for c in _YEAR_COLUMNS if c in frame.columns), None)
    if year is None:
        if column is None or not key or any(k not in frame.columns for k in key):
            return frame, rows, []
        ids = frame[key].astype(str).apply(lambda c: c.str.strip())
        repeated = ids.duplicated(keep=False).to_numpy()
        if not repeated.any():  # no row repeats a city (and indicator): one year, whatever the column says
            return frame, rows, []
        years = _year_text(frame[column])
        held = sorted(set(years[repeated]) - {""})
        if len(held) < 2:
            return frame, rows, []  # repeated rows of one year: reported as duplicates
        first = np.flatnonzero(repeated & (ids == ids[repeated].iloc[0]).all(axis=1).to_numpy())
        what = ", ".join(f"{k} {quote(ids[k].iloc[first[0]])}" for k in key)
        raise DataValidationError(
            f"{source}, rows {', '.join(str(rows[k]) for k in first[:5])}: {what} has a row for each of several "
            f"years; the {column!r} column holds the years {', '.join(quote(y) for y in held[:MAX_LISTED])}"
            f"{' …' if len(held) > MAX_LISTED else ''}; choose one with --year (read_panel(..., year=...))"
        )
    if column is None:
        raise DataValidationError(f"{source}: year {year} was chosen, but the panel has no 'year' or 'Time' column; "
                                  "expected a panel holding several years, or no --year")
    years = _year_text(frame[column])
    keep = (years == str(year)).to_numpy()
    if not keep.any():
        held = sorted(set(years) - {""})
        more = " …" if len(held) > MAX_LISTED else ""
        raise DataValidationError(f"{source}: no row of year {year}; the {column!r} column holds "
                                  f"{', '.join(quote(y) for y in held[:MAX_LISTED])}{more}")
    note = [f"year {year}: {int(keep.sum())} of {len(keep)} rows of {source} kept (the rows whose {column!r} is "
            f"{year})"]
    return frame[keep].reset_index(drop=True), rows[keep], note


def _canonical_ids(labels: pd.Series, framework: Framework) -> pd.Series:
    """Indicator ids as the framework spells them: ``"1"`` is ``"01"`` when the framework has ``"01"``
    (and not ``"1"``) — spreadsheets and integer columns drop the leading zeros of numeric codes."""
    known = set(framework.indicator_ids)
    numeric: dict[int, list[str]] = {}
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


def _check_rows(frame: pd.DataFrame, id_column: str, ids: pd.Series, rows: np.ndarray, source: str,
                problems: list[str]) -> None:
    """Rows without a city id, rows repeating the header, and rows holding nothing but a city id."""
    blank = (ids.str.strip() == "").to_numpy()
    for i in np.flatnonzero(blank):
        problems.append(f"{source}, row {rows[i]}: empty city id; every row needs a city_id")
    for i in np.flatnonzero((ids == id_column).to_numpy()):
        problems.append(f"{source}, row {rows[i]}: repeats the header (city id {id_column!r}); expected one header "
                        "row (were two files joined?)")
    others = frame.drop(columns=[id_column])
    if others.shape[1]:
        empty = np.ones(len(frame), dtype=bool)
        for k in range(others.shape[1]):  # column by column, until every row is known to hold a value
            column = others.iloc[:, k]
            cells = column.isna() if column.dtype == np.float64 else _cell_text(column).eq("")
            empty &= cells.to_numpy(dtype=bool, na_value=True)  # as DataFrame.all, which skips a missing answer
            if not empty.any():
                break
        for i in np.flatnonzero(empty & ~blank):
            problems.append(f"{source}, row {rows[i]}, city {quote(ids.iloc[i])}: the row holds only a city id; "
                            "expected the city's values in the same row (or no row for the city)")


def _finish(values: pd.DataFrame, problems: list[str], source: str) -> None:
    if values.shape[0] < 3:
        problems.append(f"{source}: {values.shape[0]} cities; at least 3 are needed to normalise and rank")
    if problems:
        raise problems_error(source, problems)


def _from_wide(frame: pd.DataFrame, framework: Framework, source: str, sha256: str, rows: np.ndarray) -> Panel:
    problems: list[str] = []
    notes: list[str] = []
    id_column = next((c for c in ID_COLUMNS if c in frame.columns), None)
    if id_column is None:
        raise DataValidationError(
            f"{source}: no city id column; a wide panel needs a 'city_id' (or COINr 'uCode') column, "
            f"and a long panel the columns {', '.join(_LONG_REQUIRED)}; the header has "
            f"{', '.join(quote(c) for c in frame.columns[:8])}{', …' if frame.shape[1] > 8 else ''}",
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
                f"{source}, column {position} {quote(column)}: unknown indicator id; expected one of the framework "
                f"{framework.id!r} indicator ids ({', '.join(indicator_ids[:8])}"
                f"{', …' if len(indicator_ids) > 8 else ''}) "
                "or a city attribute column"
            )
    if unnamed_empty:
        notes.append(f"column(s) {unnamed_empty} of {source} have no name and no value; ignored")
        frame = frame.iloc[:, [k for k in range(frame.shape[1]) if k + 1 not in unnamed_empty]]
    named = frame.columns[frame.columns != ""]
    for column in dict.fromkeys(named[named.duplicated()]):
        positions = [str(k + 1) for k, c in enumerate(frame.columns) if c == column]
        problems.append(f"{source}, columns {', '.join(positions)}: column {quote(column)} appears more than once; "
                        "expected each indicator or attribute once")
    frame = frame.loc[:, ~frame.columns.duplicated()]
    ids = frame[id_column].astype(str).str.strip()
    _check_rows(frame, id_column, ids, rows, source, problems)
    repeated = ids.duplicated(keep=False) if not ids.is_unique else np.zeros(len(ids), dtype=bool)  # as a rule unique
    for city, members in ids[repeated & (ids != "")].groupby(ids).groups.items():
        rows_text = ", ".join(str(rows[int(r)]) for r in members)
        problems.append(f"{source}, rows {rows_text}: city {quote(city)} appears more than once; expected one row "
                        "per city")
    columns: dict[str, np.ndarray] = {}
    bad_texts: list[pd.Series] = []
    absent = [indicator for indicator in indicator_ids if indicator not in frame.columns]
    if absent:  # one line, however many: a panel of one dimension lacks most of the framework
        shown = ", ".join(map(repr, absent[:MAX_LISTED])) + (", …" if len(absent) > MAX_LISTED else "")
        notes.append(f"{plural(len(absent), 'indicator')} of the framework {plural(len(absent), 'has', number=False)} "
                     f"no column in {source} ({shown}); treated as missing for every city")
    for indicator in indicator_ids:
        if indicator not in frame.columns:
            columns[indicator] = np.full(len(ids), np.nan)
            continue
        numbers, bad, text = _parse_numbers(frame[indicator])
        # the message builders are called within this iteration, so closing over `indicator` is safe (B023)
        problems += _value_problems(numbers, bad, text, lambda i: f"{source}, row {rows[i]}, city "
                                                                  f"{quote(ids.iloc[i])}, indicator {indicator!r}")  # noqa: B023
        bad_texts.append(text[bad])
        # plausibility bounds of the framework (indicators/bounds.py)
        problems += column_bound_problems(framework, indicator, numbers,
                                          lambda i: f"{source}, row {rows[i]}, city {quote(ids.iloc[i])}, "
                                                    f"indicator {indicator!r}")  # noqa: B023
        columns[indicator] = numbers
    values = pd.DataFrame(columns, index=pd.Index(ids, name="city_id"), columns=indicator_ids)  # one table at once
    problems[:0] = _marker_hints(bad_texts, source)
    attribute_columns = [c for c in frame.columns if c not in indicator_ids and c != id_column]
    attributes = frame[attribute_columns].copy()
    attributes = attributes.where(~_blank_cells(attributes), np.nan)
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
        cells = _cell_text(frame[column]).reset_index(drop=True)
        given = pd.DataFrame({"city": ids.reset_index(drop=True), "value": cells})
        given = given[given["value"] != ""].drop_duplicates(["city", "value"])
        for city, group in given[given["city"].duplicated(keep=False)].groupby("city", sort=False):
            shown = ", ".join(f"{quote(v)} (row {rows[i]})" for i, v in zip(group.index[:3], group["value"][:3]))
            problems.append(f"{source}: city {quote(city)} has different {column!r} values: {shown}; expected one "
                            f"{column} per city")
    return problems


def _mixed_units(frame: pd.DataFrame, ids: pd.Series, indicators: pd.Series, framework: Framework) -> list[str]:
    """Indicators whose rows give different units, with the cities under each unit (values in two units,
    µg/m³ and an index say, cannot be normalised together).

    Only indicators without a unit in the framework: where the framework states the unit, each row
    is checked against it instead (:func:`indicators.bounds.unit_problems`), which also keeps the
    rows in one unit while letting them qualify it (``"ug/m3 annual mean PM2.5 (national)"``).
    """
    if "unit" not in frame.columns:
        return []
    declared = {indicator.id for indicator in framework.indicators if indicator.unit}
    units = _cell_text(frame["unit"]).reset_index(drop=True)
    given = pd.DataFrame({"city": ids.to_numpy(), "indicator": indicators.to_numpy(), "unit": units.to_numpy()})
    given = given[(given["unit"] != "") & ~given["indicator"].isin(declared)]
    counts = given.groupby("indicator", sort=False)["unit"].nunique()
    problems = []
    for indicator in counts.index[counts > 1]:
        rows = given[given["indicator"] == indicator]
        shown = []
        for unit, cities in rows.groupby("unit", sort=False)["city"]:
            listed = ", ".join(quote(c) for c in cities.iloc[:5])
            shown.append(f"{quote(unit)} for {plural(len(cities), 'city')} ({listed}"
                         f"{', …' if len(cities) > 5 else ''})")
        problems.append(f"indicator {quote(indicator)}: rows give different units: {'; '.join(shown)}")
    return problems


def _from_long(frame: pd.DataFrame, framework: Framework, source: str, sha256: str, rows: np.ndarray,
               mixed_units: str = "error") -> Panel:
    problems: list[str] = []
    wide_columns = [c for c in _canonical_ids(pd.Series(frame.columns, dtype=object), framework)
                    if c in set(framework.indicator_ids)]
    if wide_columns:
        raise DataValidationError(
            f"{source}, row 1: a long panel (columns city_id, indicator_id, value) that also has indicator column(s) "
            f"{', '.join(quote(c) for c in wide_columns[:MAX_LISTED])}; expected one form: long (one row per city "
            "and indicator) or wide (one row per city, one column per indicator)"
        )
    missing_columns = [c for c in _LONG_REQUIRED if c not in frame.columns]
    if missing_columns:
        raise DataValidationError(
            f"{source}: long panel lacks column(s) {missing_columns}; expected the columns "
            f"{', '.join(_LONG_REQUIRED)} (one row per city and indicator) — or, for a wide panel, a 'city_id' "
            "column and one column per indicator id"
        )
    duplicated = [c for c in dict.fromkeys(frame.columns[frame.columns.duplicated()])]
    if duplicated:
        raise DataValidationError(f"{source}, row 1: column(s) {', '.join(quote(c) for c in duplicated[:MAX_LISTED])} "
                                  "appear more than once; expected each once")
    ids = frame["city_id"].astype(str).str.strip()
    known = set(framework.indicator_ids)
    indicators = _canonical_ids(frame["indicator_id"].astype(str).str.strip(), framework)
    _check_rows(frame, "city_id", ids, rows, source, problems)
    for i in np.flatnonzero(~indicators.isin(known).to_numpy()):
        problems.append(
            f"{source}, row {rows[i]}, city {quote(ids.iloc[i])}: unknown indicator id {quote(indicators.iloc[i])}; "
            f"expected one of the framework {framework.id!r} indicator ids "
            f"({', '.join(framework.indicator_ids[:8])}{', …' if len(known) > 8 else ''})"
        )
    key = ids + "\x1f" + indicators
    for members in key[key.duplicated(keep=False)].groupby(key).groups.values():
        positions = [int(r) for r in members]
        problems.append(
            f"{source}, rows {', '.join(str(rows[k]) for k in positions)}: city {quote(ids.iloc[positions[0]])}, "
            "indicator "
            f"{quote(indicators.iloc[positions[0]])} has more than one value; expected one row per city and indicator"
        )
    numbers, bad, text = _parse_numbers(frame["value"])
    problems += _value_problems(numbers, bad, text, lambda i: f"{source}, row {rows[i]}, city {quote(ids.iloc[i])}, "
                                                              f"indicator {quote(indicators.iloc[i])}")
    problems[:0] = _marker_hints([text[bad]], source)
    # plausibility bounds and units of the framework (indicators/bounds.py)
    problems += bound_problems(framework, indicators.to_numpy(), numbers,
                               lambda i: f"{source}, row {rows[i]}, city {quote(ids.iloc[i])}, "
                                         f"indicator {quote(indicators.iloc[i])}")
    if "unit" in frame.columns and mixed_units == "error":
        known_rows = indicators.isin(known).to_numpy() & ~np.isnan(numbers)
        checked = np.flatnonzero(known_rows)
        problems += unit_problems(framework, indicators.to_numpy()[checked], frame["unit"].to_numpy()[checked],
                                  lambda k: f"{source}, row {rows[checked[k]]}, "
                                            f"city {quote(ids.iloc[checked[k]])}, "
                                            f"indicator {quote(indicators.iloc[checked[k]])}")
    problems += _attribute_conflicts(frame, ids, rows, source)
    mixed = _mixed_units(frame, ids, indicators, framework)
    if mixed_units == "error":
        problems += [f"{source}, {m}; expected one unit per indicator (convert the values to one unit)" for m in mixed]
    long = pd.DataFrame({"city_id": ids, "indicator_id": indicators, "value": numbers})
    long = long[long["indicator_id"].isin(known) & (long["city_id"] != "")]
    long = long.drop_duplicates(["city_id", "indicator_id"])
    city_order = list(dict.fromkeys(long["city_id"]))
    values = long.pivot(index="city_id", columns="indicator_id", values="value")
    values = values.reindex(index=city_order, columns=framework.indicator_ids)
    values.index.name = "city_id"
    values.columns.name = "indicator_id"
    provenance_columns = [c for c in ("unit", "year", "level", "source", "licence", "note", "flag")
                          if c in frame.columns]
    provenance = None
    if provenance_columns:
        provenance = frame[provenance_columns].copy()
        provenance.insert(0, "indicator_id", indicators.to_numpy())
        provenance.insert(0, "city_id", ids.to_numpy())
        provenance["has_value"] = ~np.isnan(numbers)
    attribute_columns = [c for c in ATTRIBUTE_COLUMNS if c in frame.columns and c != "city_id"]
    # each city's first non-empty value (they agree: conflicts are reported above)
    given = frame.assign(city_id=ids)[["city_id", *attribute_columns]]
    given = given.where(~(_blank_cells(given) | given.isna()), np.nan)
    attributes = given.groupby("city_id", sort=False).first().reindex(values.index)
    with_rows = set(long["indicator_id"].tolist())
    notes = [f"indicator {i!r} has no rows in {source}; it is treated as missing for every city"
             for i in framework.indicator_ids if i not in with_rows]
    if mixed_units == "note":
        notes += [f"{source}: {m}; the values are used as given" for m in mixed]
    _finish(values, problems, source)
    return Panel(values, attributes, provenance, source, sha256, notes)


def city_level_share(panel: Panel) -> pd.Series | None:
    """Share of each city's values that are city-level (not copied from the country), if known; counted from
    the columns it needs, not from a filtered copy of the whole provenance table."""
    if panel.provenance is None or "level" not in panel.provenance.columns:
        return None
    present = panel.provenance["has_value"].to_numpy(dtype=bool)
    city_level = (panel.provenance["level"].astype(str) == "city").to_numpy(dtype=bool)[present]
    codes, cities = pd.factorize(panel.provenance["city_id"].to_numpy(dtype=object)[present])
    known = codes >= 0  # a missing city id (code -1) is no city's, as groupby leaves it out
    counts = np.bincount(codes[known], minlength=len(cities))
    share = np.bincount(codes[known], weights=city_level[known], minlength=len(cities)) / counts
    return pd.Series(share, index=cities).reindex(panel.values.index).rename("city_level_share")

