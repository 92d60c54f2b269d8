"""Tables for publication: CSV and an Excel workbook that no cell can turn into a formula.

A spreadsheet evaluates a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula, so a city
name such as ``=HYPERLINK(…)`` in a published file could run on a reader's machine (CSV or formula
injection, OWASP). Every text cell so beginning is therefore

* in CSV, prefixed with an apostrophe (OWASP's recommended escape; spreadsheets display the rest);
* in XLSX, stored as a text cell with Excel's "quote prefix" set, its value unchanged.

Numbers are never touched: a negative score stays a number.

The workbook is byte-identical from run to run: the document's created and modified times are fixed
and every zip entry carries the same date (openpyxl would write the current time into both).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import pandas as pd

from indicators.errors import OutputError

__all__ = ["FORMULA_PREFIXES", "guard_csv_text", "csv_text", "xlsx_bytes"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")

#: The fixed timestamp of every workbook: the zip format's earliest date (1980-01-01).
_FIXED_TIME = datetime.datetime(1980, 1, 1)

#: Excel's limit on sheet names, and the characters it refuses in them.
_SHEET_NAME_LENGTH = 31
_SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def guard_csv_text(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text beginning with ``= + - @``; else unchanged.

    >>> guard_csv_text("=1+1"), guard_csv_text("-3"), guard_csv_text(-3.5), guard_csv_text("Paris")
    ("'=1+1", "'-3", -3.5, 'Paris')
    """
    return f"'{value}" if _is_formula_like(value) else value


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as UTF-8 CSV text: full-precision floats (shortest repr), ``\\n`` line ends, guarded text.

    Only text cells are guarded (numeric columns are skipped, and in others only ``str`` cells
    change), so numbers keep their values, negative ones included.
    """
    guarded = frame.copy()
    for column in guarded.columns:
        if not pd.api.types.is_numeric_dtype(guarded[column]):
            guarded[column] = guarded[column].map(guard_csv_text)
    return cast(str, guarded.to_csv(index=False, lineterminator="\n"))


def _sheet_name(name: str, used: set[str]) -> str:
    base = str(name).translate(_SHEET_NAME_FORBIDDEN)[:_SHEET_NAME_LENGTH] or "sheet"
    candidate, counter = base, 2
    while candidate.lower() in used:
        suffix = f"~{counter}"
        candidate, counter = base[:_SHEET_NAME_LENGTH - len(suffix)] + suffix, counter + 1
    used.add(candidate.lower())
    return candidate


def _cell_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def xlsx_bytes(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per table (header row, then one row per record), reproducibly.

    Parameters
    ----------
    tables : mapping of sheet name to DataFrame
        Written in order; names are cut to Excel's 31 characters and made unique.

    Returns
    -------
    bytes
        The ``.xlsx`` file. Text beginning with ``= + - @`` is a text cell with the quote prefix.

    Raises
    ------
    OutputError
        openpyxl is not installed (``pip install 'indexlib[excel]'``).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.writer.excel import ExcelWriter
    except ImportError:
        raise OutputError("writing ranking.xlsx needs openpyxl: pip install 'indexlib[excel]'") from None
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for name, frame in tables.items():
        sheet = workbook.create_sheet(_sheet_name(name, used))
        sheet.append([str(c) for c in frame.columns])
        for record in frame.itertuples(index=False, name=None):
            sheet.append([_cell_value(v) for v in record])
        for row in sheet.iter_rows():
            for cell in row:
                if _is_formula_like(cell.value):
                    cell.data_type = "s"  # openpyxl would store "=…" as a formula
                    cell.quotePrefix = True  # and Excel keeps it text if the cell is edited
        sheet.freeze_panes = "A2"
    workbook.properties.creator = "indexlib"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter directly: openpyxl's save_workbook would reset ``modified`` to now
        ExcelWriter(workbook, archive).write_data()
    return _fixed_zip_dates(buffer.getvalue())


def _fixed_zip_dates(data: bytes) -> bytes:
    """The same zip with every entry dated ``_FIXED_TIME`` (zipfile stamps entries with the clock)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=_FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = entry.external_attr
            target.writestr(fixed, source.read(entry.filename))
    return out.getvalue()
