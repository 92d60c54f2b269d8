"""Reading a panel file into a table of text cells (CSV, TSV, Parquet, XLSX), and the shape of panel messages.

A file that cannot be a table is refused here with the file and the row: binary data (a NUL byte
anywhere), a text encoding other than UTF-8, the wrong separator, a row with fewer or more fields than
the header, a quoted value never closed. Messages quote at most :data:`QUOTE_LIMIT` characters of a
value and list at most :data:`MAX_LISTED` problems.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicators._config import decode_utf8, read_input_bytes
from indicators._numbers import EXACT_CSV
from indicators.errors import DataValidationError

__all__ = ["quote", "problems_error", "read_table", "read_clean_csv", "Table", "QUOTE_LIMIT", "MAX_LISTED",
           "ID_COLUMNS", "strip_cells", "all_text"]

#: Columns naming the city of a row (``uCode`` is COINr's).
ID_COLUMNS = ("city_id", "uCode")

#: Characters of a bad value quoted in a message; a longer value is cut with an ellipsis.
QUOTE_LIMIT = 80
#: Problems listed in an error message; the rest are counted (``DataValidationError.problems`` has them all).
MAX_LISTED = 20


def quote(value: object) -> str:
    """``repr`` of ``value`` as text, cut to :data:`QUOTE_LIMIT` characters with an ellipsis and its length."""
    text = str(value)
    if len(text) <= QUOTE_LIMIT:
        return repr(text)
    return f"{text[:QUOTE_LIMIT]!r}… ({len(text):,} characters)"


def problems_error(source: str, problems: list[str]) -> DataValidationError:
    """One error for every problem found: the first :data:`MAX_LISTED` are listed, the rest counted."""
    lines = [f"  - {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        lines.append(f"  … and {len(problems) - MAX_LISTED} more ('indexlib validate FILE --all' lists every "
                     "problem)")
    return DataValidationError(f"{source}: {len(problems)} problem(s) in the panel:\n" + "\n".join(lines), problems)



_TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": ","}


def all_text(cells: pd.Series) -> bool:
    """Whether every cell is a ``str`` (as the text reader gives them), checked in C by pandas."""
    return pd.api.types.infer_dtype(cells, skipna=False) in ("string", "empty")


def strip_cells(cells: pd.Series) -> pd.Series:
    """Text cells without surrounding whitespace; other cells unchanged.

    A column of text only (every CSV column) is stripped by one vectorised call rather than a
    Python function per cell, which dominated reading a large panel.
    """
    if all_text(cells):
        return cells.str.strip() if len(cells) else cells
    return cells.map(lambda v: v.strip() if isinstance(v, str) else v)


@dataclass(frozen=True)
class Table:
    """A table as read from a file: text cells, the header as written, and each row's row number."""

    frame: pd.DataFrame
    rows: np.ndarray  # row number of each frame row as a spreadsheet shows it (header = its own row)
    raw: bytes


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataValidationError(f"{path}: the file is UTF-16 text; expected UTF-8 (in Excel: Save As "
                                  "'CSV UTF-8 (Comma delimited)')")
    nul = raw.find(b"\x00")  # anywhere: a NUL byte past the first block is as binary as one in it
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        raise DataValidationError(f"{path}, line {line}: the file holds binary data (a NUL "
                                  f"byte at offset {nul}), not text; expected a UTF-8 "
                                  f"{path.suffix.lstrip('.').upper()} file")
    return decode_utf8(raw, path, error=DataValidationError,
                       expected="a UTF-8 file (in Excel: Save As 'CSV UTF-8'; "
                                "elsewhere re-save it with encoding UTF-8)")


def _same_widths(text: str, sep: str) -> bool:
    """Whether every non-empty line of an unquoted text has as many separators as every other.

    Counted by the bytes' own C methods, one call per line, so that a well-formed large file is not
    split into Python records; anything else (quotes, a lone carriage return, differing widths) returns
    False and is checked record by record.
    """
    return _same_widths_bytes(text.encode("utf-8"), sep)


def _same_widths_bytes(data: bytes, sep: str) -> bool:
    """:func:`_same_widths` of UTF-8 text given as bytes."""
    if b'"' in data:
        return False
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:  # a carriage return that ends no line
            return False
    lines = [line for line in data.split(b"\n") if line]  # an empty line is no record
    separator = sep.encode("utf-8")
    return len({line.count(separator) for line in lines}) <= 1


def _width_problems(path: Path, text: str, sep: str) -> list[str]:
    """Rows with fewer or more fields than the header (pandas would pad a short row with empty cells)."""
    if _same_widths(text, sep):
        return []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # a long cell is reported by the checks, not refused here
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    finally:
        csv.field_size_limit(limit)
    filled = [k for k, record in enumerate(records) if "".join(record).strip()]
    if not filled:
        return []
    header = [name.strip() for name in records[filled[0]]]
    id_at = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    problems = []
    for k in filled[1:]:
        record = records[k]
        if len(record) != len(header):
            city = (f", city {quote(record[id_at].strip())}" if id_at is not None and id_at < len(record) else "")
            problems.append(f"{path}, row {k + 1}{city}: {len(record)} field(s), but the header (row {filled[0] + 1}) "
                            f"has {len(header)}; expected one field per column (a value containing the separator "
                            "must be quoted)")
    return problems


def _parse_text(path: Path, text: str, sep: str) -> pd.DataFrame:
    # pandas takes a blank first line as the width: the leading blank lines are cut (found without splitting
    # the whole text into lines), and a text of blank lines only is read as it is
    blank_lines = re.match(r"(?:[^\S\n]*\n)*", text)
    cut = blank_lines.end() if blank_lines else 0
    if cut and text.find("\n", cut) < 0 and not text[cut:].strip():
        cut = 0
    lead = text.count("\n", 0, cut)
    try:
        # header=None: the header row is read as written (pandas would rename a duplicate 'x' to 'x.1',
        # and take an extra first field of every row as an index); skip_blank_lines=False keeps the row
        # numbers of the file. Bytes, not a StringIO, which would hold four bytes per character.
        cells = pd.read_csv(io.BytesIO(text[cut:].encode("utf-8")), sep=sep, header=None, dtype=str,
                            keep_default_na=False, skip_blank_lines=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        problems = _width_problems(path, text, sep)
        if problems and re.search(r"Expected \d+ fields in line \d+", str(exc)):
            raise problems_error(str(path), problems) from None
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:  # pandas counts lines from 0
            raise DataValidationError(
                f"{path}, row {int(unclosed.group(1)) + lead + 1}: a quoted value is never closed (the file ends "
                "inside it); expected a closing '\"'"
            ) from None
        raise DataValidationError(f"{path}: cannot be read as a table: {exc}") from None
    problems = _width_problems(path, text, sep)
    if problems:
        raise problems_error(str(path), problems)
    if not lead:
        return cells
    blank = pd.DataFrame("", index=range(lead), columns=cells.columns)
    return pd.concat([blank, cells], ignore_index=True)


def read_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    raw = read_input_bytes(path, what="panel", expected="a panel file (CSV, TSV, Parquet or XLSX)",
                           error=DataValidationError)
    if suffix not in {*_TEXT_SUFFIXES, ".parquet", ".xlsx", ".xlsm"}:
        raise DataValidationError(f"{path}: unsupported panel format {suffix!r}; "
                                  "expected .csv, .tsv, .parquet or .xlsx")
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
    if cells.shape[1]:
        cells = pd.concat([strip_cells(cells.iloc[:, k]) for k in range(cells.shape[1])], axis=1)
    blank = (cells == "").all(axis=1).to_numpy() if cells.shape[1] else np.ones(len(cells), dtype=bool)
    filled = np.flatnonzero(~blank)
    if not filled.size:
        raise DataValidationError(f"{path}: the file holds no table (only blank rows); expected a header row "
                                  "(city_id and the indicator ids) and one row per city")
    header_at = int(filled[0])
    keep = filled[filled > header_at]
    # no blank row below the header (the usual file): a slice, not a gather of every cell
    frame = (cells.iloc[header_at + 1:] if len(keep) == len(cells) - header_at - 1 else cells.iloc[keep]).copy()
    frame.columns = [str(c) for c in cells.iloc[header_at]]
    frame.index = pd.RangeIndex(len(frame))
    return Table(frame, keep + 1, raw)


def read_clean_csv(path: Path, numeric: Sequence[str]) -> Table | None:
    """A well-formed CSV or TSV read with the ``numeric`` columns parsed as numbers by pandas' C parser.

    A file of 100,000 cities is read several times faster than by :func:`read_table`, which makes a
    Python string of every cell. Only a plain file qualifies: UTF-8 without quotes (line ends ``\\n``
    or ``\\r\\n``), the header on its first line, at least two columns, no blank line, every line as
    wide as the header, header names without surrounding spaces or repeats, and every cell of the
    ``numeric`` columns empty or a number (read exactly, :data:`~indicators._numbers.EXACT_CSV`).
    Anything else returns ``None``: the caller reads the file with :func:`read_table`, whose checks
    report its problems. The other columns are text, stripped as :func:`read_table` strips them.
    """
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        return None
    sep = _TEXT_SUFFIXES[path.suffix.lower()]
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    data = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw  # a BOM is not content
    # each test a scan in C for one byte; carriage returns are counted only in a file that has one
    if (not data or data.startswith((b"\n", b"\r")) or b"\x00" in data or b'"' in data
            or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n"))):
        return None
    end = data.find(b"\n")
    try:
        names = (data if end < 0 else data[:end]).rstrip(b"\r").decode("utf-8").split(sep)
    except UnicodeDecodeError:
        return None
    if len(names) < 2 or len(set(names)) < len(names) or any(not name or name != name.strip() for name in names):
        return None  # one column: no separator shows a blank line
    columns = set(names) & set(numeric)
    text = _text_dtype()
    try:
        # skip_blank_lines=False: a blank line is a row, found by the width check below
        frame = pd.read_csv(io.BytesIO(data), sep=sep, header=0, keep_default_na=False, encoding="utf-8",
                            skip_blank_lines=False,
                            dtype={name: (np.float64 if name in columns else text) for name in names},
                            na_values={name: [""] for name in columns}, **EXACT_CSV)
    except (ValueError, pd.errors.ParserError):  # a cell that is not a number, or not UTF-8: read as text
        return None
    # Every line as wide as the header. pandas raises on a wider line, or takes the first fields of a wider
    # first row as an index (not a RangeIndex then), but pads a narrower one with empty cells, and a blank
    # line is a row without separators: the separators of all lines add up to the header's count per line
    # only if every line has them all.
    if (list(frame.columns) != names or len(frame) == 0 or not isinstance(frame.index, pd.RangeIndex)
            or _count_byte(data, sep) != (len(frame) + 1) * (len(names) - 1)):
        return None
    for name in names:
        if name not in columns:
            frame[name] = strip_cells(frame[name] if text is str else frame[name].astype(str))
    return Table(frame, np.arange(2, len(frame) + 2), raw)


def _text_dtype() -> object:
    """The dtype in which ``read_csv`` gives text cells that become pandas' ``str`` at least cost.

    Where ``str`` is Arrow-backed (pandas 3 with pyarrow), pandas' C parser builds an Arrow column directly
    for an Arrow string dtype, rather than a Python string per cell as for ``str`` itself; the
    conversion to ``str`` then keeps the Arrow data.
    """
    target = pd.Series([], dtype=str).dtype
    if isinstance(target, pd.StringDtype) and target.storage == "pyarrow":
        import pyarrow as pa

        return pd.ArrowDtype(pa.large_string())
    return str


def _count_byte(data: bytes, character: str) -> int:
    """How often the one-byte ``character`` occurs in ``data``: numpy compares blocks of a megabyte, several
    times faster than ``bytes.count`` for one byte, without a boolean copy of the whole file."""
    codes = np.frombuffer(data, dtype=np.uint8)
    code = ord(character)
    block = 1 << 20
    return sum(int(np.count_nonzero(codes[k:k + block] == code)) for k in range(0, len(codes), block))


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
