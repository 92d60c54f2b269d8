"""Reading and validating a city panel (wide or long; CSV, TSV, Parquet, XLSX; COINr ``iData``).

Every problem is collected before raising, so ``indexlib validate`` can print them all. Messages name
the file, the row (as a spreadsheet shows it: header = row 1), the city and the indicator, and say
what was expected. Inputs are never modified.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from indicators import Framework
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


def _read_table(path: Path) -> tuple[pd.DataFrame, bytes]:
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataValidationError(f"{path}: panel file not found") from None
    except IsADirectoryError:
        raise DataValidationError(f"{path}: is a folder; expected a panel file (CSV, TSV, Parquet or XLSX)") from None
    try:
        if suffix in {".csv", ".tsv", ".txt"}:
            sep = "\t" if suffix == ".tsv" else ","
            text = raw.decode("utf-8-sig")
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        elif suffix == ".parquet":
            try:
                frame = pd.read_parquet(io.BytesIO(raw))
            except ImportError:
                raise DataValidationError(
                    f"{path}: reading Parquet needs pyarrow; install it with: pip install 'indexlib[parquet]'"
                ) from None
            frame = frame.astype(object).where(frame.notna(), "")
            frame = frame.map(lambda v: v if isinstance(v, str) else repr(v) if isinstance(v, float) else str(v))
        elif suffix in {".xlsx", ".xlsm"}:
            try:
                frame = pd.read_excel(io.BytesIO(raw), dtype=str, keep_default_na=False, engine="openpyxl")
            except ImportError:
                raise DataValidationError(
                    f"{path}: reading Excel needs openpyxl; install it with: pip install 'indexlib[excel]'"
                ) from None
        else:
            raise DataValidationError(f"{path}: unsupported panel format {suffix!r}; expected .csv, .tsv, .parquet or .xlsx")
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (pd.errors.ParserError, ValueError) as exc:
        if isinstance(exc, DataValidationError):
            raise
        raise DataValidationError(f"{path}: cannot be read as a table: {exc}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, raw


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
    frame, raw = _read_table(path)
    return panel_from_frame(frame, framework, source=str(path), sha256=hashlib.sha256(raw).hexdigest())


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


def _parse_numbers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from cells (strings or numbers). Returns values and a mask of unparseable cells."""
    text = cells.map(lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v)).strip())
    missing = text.isin(MISSING_MARKERS).to_numpy()
    numbers = pd.to_numeric(text.where(~missing, None), errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(numbers) & ~missing
    return numbers, bad


def panel_from_frame(frame: pd.DataFrame, framework: Framework, *, source: str, sha256: str | None = None) -> Panel:
    """Validate an already-loaded table (cells as text or numbers) and build a :class:`Panel`."""
    sha256 = sha256 or _frame_sha256(frame)
    if "indicator_id" in frame.columns and "value" in frame.columns:
        return _from_long(frame, framework, source, sha256)
    return _from_wide(frame, framework, source, sha256)


def _row(i: int) -> int:
    return i + 2  # header is row 1 of the file


def _check_cities(ids: pd.Series, source: str, problems: list[str]) -> None:
    blank = ids.str.strip() == ""
    for i in np.flatnonzero(blank.to_numpy()):
        problems.append(f"{source}, row {_row(i)}: empty city id; every row needs a city_id")


def _finish(values: pd.DataFrame, problems: list[str], source: str) -> None:
    if values.shape[0] < 3:
        problems.append(f"{source}: {values.shape[0]} cities; at least 3 are needed to normalise and rank")
    if problems:
        head = f"{source}: {len(problems)} problem(s) in the panel"
        raise DataValidationError(head + ":\n" + "\n".join(f"  - {p}" for p in problems), problems)


def _from_wide(frame: pd.DataFrame, framework: Framework, source: str, sha256: str) -> Panel:
    problems: list[str] = []
    id_column = next((c for c in _ID_COLUMNS if c in frame.columns), None)
    if id_column is None:
        raise DataValidationError(
            f"{source}: no city id column; a wide panel needs a 'city_id' (or COINr 'uCode') column, "
            f"and a long panel the columns {', '.join(_LONG_REQUIRED)}",
            None,
        )
    indicator_ids = framework.indicator_ids
    known = set(indicator_ids) | set(ATTRIBUTE_COLUMNS) | set(framework.unit_columns)
    for position, column in enumerate(frame.columns, start=1):
        if column not in known:
            problems.append(
                f"{source}, column {position} {column!r}: unknown indicator id; expected one of the framework "
                f"{framework.id!r} indicator ids ({', '.join(indicator_ids[:8])}{', …' if len(indicator_ids) > 8 else ''}) "
                "or a city attribute column"
            )
    duplicated_columns = frame.columns[frame.columns.duplicated()].tolist()
    for column in duplicated_columns:
        problems.append(f"{source}: column {column!r} appears more than once")
    frame = frame.loc[:, ~frame.columns.duplicated()]
    ids = frame[id_column].astype(str).str.strip()
    _check_cities(ids, source, problems)
    for city, rows in ids[ids.duplicated(keep=False) & (ids != "")].groupby(ids).groups.items():
        rows_text = ", ".join(str(_row(int(r))) for r in rows)
        problems.append(f"{source}, rows {rows_text}: city {city!r} appears more than once; expected one row per city")
    values = pd.DataFrame(index=pd.Index(ids, name="city_id"))
    notes: list[str] = []
    for indicator in indicator_ids:
        if indicator not in frame.columns:
            values[indicator] = np.nan
            notes.append(f"indicator {indicator!r} has no column in {source}; it is treated as missing for every city")
            continue
        numbers, bad = _parse_numbers(frame[indicator])
        for i in np.flatnonzero(bad):
            problems.append(
                f"{source}, row {_row(i)}, city {ids.iloc[i]!r}, indicator {indicator!r}: "
                f"non-numeric value {frame[indicator].iloc[i]!r}; expected a number or an empty cell"
            )
        for i in np.flatnonzero(np.isinf(numbers)):
            problems.append(
                f"{source}, row {_row(i)}, city {ids.iloc[i]!r}, indicator {indicator!r}: "
                f"infinite value (inf); expected a finite number or an empty cell"
            )
        values[indicator] = numbers
    attribute_columns = [c for c in frame.columns if c not in indicator_ids and c != id_column]
    attributes = frame[attribute_columns].copy()
    attributes.index = values.index
    if id_column == "uCode" and "uName" in attributes.columns:
        attributes = attributes.rename(columns={"uName": "city_en"})
    _finish(values, problems, source)
    values.columns.name = "indicator_id"
    return Panel(values, attributes, None, source, sha256, notes)


def _from_long(frame: pd.DataFrame, framework: Framework, source: str, sha256: str) -> Panel:
    problems: list[str] = []
    missing_columns = [c for c in _LONG_REQUIRED if c not in frame.columns]
    if missing_columns:
        raise DataValidationError(f"{source}: long panel lacks column(s) {missing_columns}")
    ids = frame["city_id"].astype(str).str.strip()
    indicators = frame["indicator_id"].astype(str).str.strip()
    # "1" and "01" are the same indicator when the framework uses zero-padded numeric codes
    known = set(framework.indicator_ids)
    padded = indicators.where(indicators.isin(known) | ~indicators.str.fullmatch(r"\d"), indicators.str.zfill(2))
    indicators = padded.where(padded.isin(known), indicators)
    _check_cities(ids, source, problems)
    for i in np.flatnonzero(~indicators.isin(known).to_numpy()):
        problems.append(
            f"{source}, row {_row(i)}, city {ids.iloc[i]!r}: unknown indicator id {indicators.iloc[i]!r}; "
            f"expected one of the framework {framework.id!r} indicator ids"
        )
    key = ids + "\x1f" + indicators
    for _, rows in key[key.duplicated(keep=False)].groupby(key).groups.items():
        first = int(rows[0])
        problems.append(
            f"{source}, rows {', '.join(str(_row(int(r))) for r in rows)}: city {ids.iloc[first]!r}, indicator "
            f"{indicators.iloc[first]!r} has more than one value; expected one row per city and indicator"
        )
    numbers, bad = _parse_numbers(frame["value"])
    for i in np.flatnonzero(bad):
        problems.append(
            f"{source}, row {_row(i)}, city {ids.iloc[i]!r}, indicator {indicators.iloc[i]!r}: non-numeric value "
            f"{frame['value'].iloc[i]!r}; expected a number or an empty cell"
        )
    for i in np.flatnonzero(np.isinf(numbers)):
        problems.append(
            f"{source}, row {_row(i)}, city {ids.iloc[i]!r}, indicator {indicators.iloc[i]!r}: infinite value (inf); "
            "expected a finite number or an empty cell"
        )
    long = pd.DataFrame({"city_id": ids, "indicator_id": indicators, "value": numbers})
    long = long[long["indicator_id"].isin(known) & (long["city_id"] != "")]
    long = long.drop_duplicates(["city_id", "indicator_id"])
    city_order = list(dict.fromkeys(long["city_id"]))
    values = long.pivot(index="city_id", columns="indicator_id", values="value")
    values = values.reindex(index=city_order, columns=framework.indicator_ids)
    values.index.name = "city_id"
    values.columns.name = "indicator_id"
    provenance_columns = [c for c in ("unit", "year", "level", "source", "licence", "note") if c in frame.columns]
    provenance = None
    if provenance_columns:
        provenance = frame[provenance_columns].copy()
        provenance.insert(0, "indicator_id", indicators.to_numpy())
        provenance.insert(0, "city_id", ids.to_numpy())
        provenance["has_value"] = ~np.isnan(numbers)
    attribute_columns = [c for c in ATTRIBUTE_COLUMNS if c in frame.columns and c != "city_id"]
    attributes = (
        frame.assign(city_id=ids)[["city_id", *attribute_columns]].drop_duplicates("city_id").set_index("city_id")
        .reindex(values.index)
    )
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

