"""Read COINr's framework table ``iMeta`` as a :class:`~indicators.schema.Framework`.

COINr (Becker et al., the JRC's R package for composite indicators) describes a framework as one row
per element: ``Level, iCode, iName, Direction (±1), Weight, Parent, Type`` with ``Type`` one of
``Indicator``, ``Aggregate``, ``Group`` or ``Denominator``. Group and denominator rows name columns
of the matching ``iData`` table; they become the framework's ``unit_columns``.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import overload

import numpy as np
import pandas as pd

from indicators._config import decode_utf8, read_input_bytes
from indicators.errors import FrameworkError
from indicators.schema import Framework

__all__ = ["read_coinr_meta", "looks_like_coinr_meta"]

_REQUIRED = ("iCode", "Parent", "Type", "Direction", "Weight")


def looks_like_coinr_meta(path: str | Path) -> bool:
    """True when ``path`` is a CSV/TSV file: the only tabular framework format is COINr's iMeta.

    The header is checked by :func:`read_coinr_meta`, which says what is missing — a CSV with a
    misspelt column or in the wrong encoding gets that message rather than a generic "not a framework
    file".
    """
    return Path(path).suffix.lower() in {".csv", ".tsv", ".txt"}


_DIRECTION = "1 (more is better) or -1 (more is worse)"
_MISSING = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"}


def _read_meta(path: Path) -> pd.DataFrame:
    raw = read_input_bytes(path, what="COINr iMeta", expected="a COINr iMeta CSV file", error=FrameworkError)
    text = decode_utf8(raw, path, expected="a UTF-8 COINr iMeta CSV (re-save it with encoding UTF-8)",
                       error=FrameworkError)
    if not text.strip():
        raise FrameworkError(f"{path}: the COINr iMeta file is empty; expected a header with the columns "
                             f"{', '.join(_REQUIRED)} and one row per indicator or aggregate")
    header = text.lstrip().splitlines()[0]
    sep = max((",", ";", "\t"), key=header.count)  # COINr writes commas; spreadsheets may use ';' or tabs
    try:
        # every cell as text: the checks below say which row and column is wrong
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        where = f", row {found.group(2)}: {found.group(3)} fields, but the header has {found.group(1)}" if found else \
            f": {exc}"
        raise FrameworkError(f"{path}{where}; expected a COINr iMeta table with one field per column") from None


@overload
def _number(path: Path, row_number: int, element: str, column: str, text: str, default: float) -> float: ...
@overload
def _number(path: Path, row_number: int, element: str, column: str, text: str, default: None) -> float | None: ...
def _number(path: Path, row_number: int, element: str, column: str, text: str, default: float | None) -> float | None:
    """A numeric cell of the iMeta table; ``default`` for an empty or NA cell."""
    text = text.strip()
    if text in _MISSING:
        return default
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        raise FrameworkError(f"{path}, row {row_number}, {element}: {column} {text!r} is not a finite number; "
                             f"expected {_DIRECTION if column == 'Direction' else 'a number >= 0'}")
    return value


def read_coinr_meta(path: str | Path, *, framework_id: str | None = None) -> Framework:
    """Build a framework from a COINr ``iMeta`` CSV.

    Parameters
    ----------
    path : path-like
        The iMeta table (CSV or TSV).
    framework_id : str, optional
        Id for the framework; defaults to the file stem.

    Raises
    ------
    FrameworkError
        The file is unreadable, a required column is missing, a code is empty or repeated, a
        direction is not ±1, a weight is not a number >= 0, or the tree is invalid; messages name
        the file and the row.
    """
    path = Path(path)
    meta = _read_meta(path)
    meta.columns = [str(c).strip() for c in meta.columns]
    missing = [c for c in _REQUIRED if c not in meta.columns]
    if missing:
        raise FrameworkError(f"{path}: not a COINr iMeta table; missing columns {missing}; expected the columns "
                             f"{', '.join(_REQUIRED)} (and optionally iName, Unit, Level, Denominator)")
    meta = meta.map(lambda v: v.strip() if isinstance(v, str) else v)
    codes = meta["iCode"]
    empty = [i + 2 for i in range(len(meta)) if codes.iloc[i] in _MISSING]
    if empty:
        raise FrameworkError(f"{path}, row {empty[0]}: empty iCode; expected a code for every row")
    repeated = codes[codes.duplicated(keep=False)]
    if len(repeated):
        code = repeated.iloc[0]
        rows = ", ".join(str(i + 2) for i in np.flatnonzero((codes == code).to_numpy()))
        raise FrameworkError(f"{path}, rows {rows}: iCode {code!r} appears more than once; expected unique codes")
    nodes, indicators, unit_columns = [], [], []
    for row_number, row in enumerate(meta.to_dict("records"), start=2):
        kind = row["Type"]
        code = row["iCode"]
        name = row.get("iName", "") or code
        name = code if name in _MISSING else name
        parent = None if row["Parent"] in _MISSING else row["Parent"]
        if kind == "Indicator":
            if parent is None:
                raise FrameworkError(f"{path}, row {row_number}, indicator {code!r}: no Parent; expected the iCode of "
                                     "an Aggregate row")
            direction = _number(path, row_number, f"indicator {code!r}", "Direction", row["Direction"], None)
            if direction not in (1.0, -1.0):
                raise FrameworkError(f"{path}, row {row_number}, indicator {code!r}: Direction {row['Direction']!r}; "
                                     f"expected {_DIRECTION}")
            weight = _number(path, row_number, f"indicator {code!r}", "Weight", row["Weight"], 1.0)
            if weight < 0:
                raise FrameworkError(f"{path}, row {row_number}, indicator {code!r}: Weight {row['Weight']!r} is "
                                     "negative; expected a number >= 0")
            unit = row.get("Unit", "")
            denominator = row.get("Denominator", "")
            indicators.append(
                {
                    "id": code,
                    "name_en": name,
                    "unit": "" if unit in _MISSING else unit,
                    "polarity": "+" if direction > 0 else "-",
                    "parent": parent,
                    "weight": weight,
                    # COINr's Denominator column names a Denominator row: the iData column to divide by
                    "denominator": None if denominator in _MISSING else denominator,
                }
            )
        elif kind == "Aggregate":
            weight = _number(path, row_number, f"aggregate {code!r}", "Weight", row["Weight"], 1.0)
            if weight < 0:
                raise FrameworkError(f"{path}, row {row_number}, aggregate {code!r}: Weight {row['Weight']!r} is "
                                     "negative; expected a number >= 0")
            nodes.append({"id": code, "name_en": name, "parent": parent, "weight": weight})
        elif kind in {"Group", "Denominator"}:
            unit_columns.append(code)
        else:
            raise FrameworkError(
                f"{path}, row {row_number}: Type {kind!r} for {code!r}; "
                "expected Indicator, Aggregate, Group or Denominator"
            )
    data = {
        "id": framework_id or path.stem.replace(" ", "_"),
        "name_en": f"COINr framework from {path.name}",
        "nodes": nodes,
        "indicators": indicators,
        "unit_columns": unit_columns,
    }
    return Framework.parse(data, source=str(path))
