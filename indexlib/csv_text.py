"""The text of a table, column by column: CSV for spreadsheets and JSON columns for ``results.json``, each
number formatted once, by one writer.

Every float64 number is written to :data:`DECIMALS` decimal places by pandas' JSON writer in C: the
same text in ``ranking.csv``, ``indicator_scores.csv`` and ``results.json``. A value read back is
within 1e-15 of the build's below 10 and equal to it from 10 up (17 significant digits; from 1e15,
where pandas' writer keeps only 15, the shortest round-trip repr). ``float.__repr__`` (the shortest
round-trip text), ``%.6f`` and numpy's Dragon4 cost 0.3–0.6 µs a number on the 2-core benchmark
machine, pandas' JSON writer 0.06 µs: for 100,000 cities, formatting the two CSV files took longer
than the build.

The CSV is that of ``frame.to_csv(index=False, lineterminator="\\n")`` except for the float64 cells
(tests compare the two): integers by the same JSON writer, booleans by numpy, text fields quoted
only where the :mod:`csv` module would quote them, missing cells empty, infinities ``inf``/``-inf``;
the rows are joined once.
A column of any other kind (dates, categories, float32, objects that are not text) or a table of one
column (where the :mod:`csv` module quotes an empty field) is written by pandas itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import cast

import numpy as np
import pandas as pd

__all__ = ["csv_text", "TableText", "DECIMALS", "REPR_FROM", "BLOCK_ROWS"]

#: Decimal places of every float64 number of a table's text (pandas' ``double_precision``, at its maximum).
DECIMALS = 15
#: From this magnitude up pandas' writer keeps 15 significant digits (1.7976931348623157e308 would read
#: back as infinity): such numbers are written as their shortest round-trip repr instead.
REPR_FROM = 1e15
#: Rows of a table formatted at a time (:class:`TableText`): the memory of a table's text in pieces.
BLOCK_ROWS = 8_192
#: Characters that make the csv module quote a field (QUOTE_MINIMAL, ``lineterminator="\n"``).
_SPECIAL = '[,"\r\n]'
_SPECIAL_CHARACTERS = ',"\r\n'


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV (module docstring): :meth:`TableText.csv` of a new :class:`TableText`.

    Examples
    --------
    >>> table = pd.DataFrame({"city": ["a", "b, c"], "score": [0.1, float("nan")], "rank": [1, 2]})
    >>> print(csv_text(table), end="")
    city,score,rank
    a,0.1,1
    "b, c",,2
    """
    return TableText(frame).csv()


class TableText:
    """The CSV text and the JSON columns of one table; each float column is formatted once for both, in
    blocks of :data:`BLOCK_ROWS` rows, so that a large table's CSV can be made and written block by
    block (:meth:`csv_chunks`) instead of as one text holding a string per cell.

    Parameters
    ----------
    frame : DataFrame
        Columns of float, integer (also nullable ``Int64``), boolean or text cells (missing as NaN/NA).
    block_rows : int, optional
        Rows per block (default :data:`BLOCK_ROWS`); the text does not depend on it.
    """

    def __init__(self, frame: pd.DataFrame, *, block_rows: int | None = None) -> None:
        self.frame = frame
        self.block_rows = BLOCK_ROWS if block_rows is None else max(1, int(block_rows))
        self._blocks: dict[int, list[str]] = {}

    def _starts(self) -> range:
        return range(0, len(self.frame), self.block_rows)

    def json_blocks(self, k: int) -> list[str]:
        """Column ``k`` block by block: each block's values as the inside of a JSON array (no brackets)."""
        if k not in self._blocks:
            column = self.frame.iloc[:, k]
            self._blocks[k] = [_json_inside(column.iloc[a:a + self.block_rows]) for a in self._starts()]
        return self._blocks[k]

    def column_json(self, k: int) -> str:
        """Column ``k`` as a JSON array by pandas' JSON writer: numbers to :data:`DECIMALS` places,
        missing and non-finite numbers ``null``; from :data:`REPR_FROM` up their shortest repr."""
        return "[" + ",".join(self.json_blocks(k)) + "]"

    def csv(self) -> str:
        """The CSV text (module docstring)."""
        return "".join(self.csv_chunks())

    def csv_chunks(self) -> Iterator[str]:
        """The CSV text in pieces: the header line, then the lines of each block of rows."""
        frame = self.frame
        if frame.shape[1] < 2 or not all(self._handled(k) for k in range(frame.shape[1])):
            yield str(frame.to_csv(index=False, lineterminator="\n"))
            return
        yield ",".join(_quoted([str(c) for c in frame.columns])) + "\n"
        for block, start in enumerate(self._starts()):
            fields = [self._fields(k, block, start) for k in range(frame.shape[1])]
            yield "\n".join(map(",".join, zip(*fields))) + "\n"

    def _handled(self, k: int) -> bool:
        """Whether column ``k`` is of a kind written here (else pandas writes the table)."""
        column = self.frame.iloc[:, k]
        dtype = column.dtype
        if isinstance(dtype, np.dtype) and (dtype == np.float64 or dtype.kind in "iub"):
            return True
        if isinstance(column.array, (pd.arrays.IntegerArray, pd.arrays.BooleanArray)):
            return True
        if isinstance(dtype, pd.StringDtype):  # text or missing by construction
            return True
        if isinstance(dtype, np.dtype) and dtype.kind == "O":
            present = column.notna().to_numpy()
            return all(isinstance(v, str) for v in column.to_numpy(dtype=object)[present].tolist())
        return False

    def _fields(self, k: int, block: int, start: int) -> list[str]:
        """The field texts of column ``k`` in the block of rows from ``start`` (a kind :meth:`_handled`)."""
        column = self.frame.iloc[start:start + self.block_rows, k]
        dtype = column.dtype
        if isinstance(dtype, np.dtype) and (dtype == np.float64 or dtype.kind in "iu"):
            text = self.json_blocks(k)[block].split(",")
            if dtype == np.float64:
                values = column.to_numpy()
                for j in np.flatnonzero(~np.isfinite(values)).tolist():  # ``null`` in the JSON text
                    text[j] = "" if np.isnan(values[j]) else ("inf" if values[j] > 0 else "-inf")
            return text
        if isinstance(dtype, np.dtype) and dtype.kind == "b":
            return cast(list[str], np.where(column.to_numpy(), "True", "False").tolist())
        if isinstance(column.array, pd.arrays.IntegerArray):  # e.g. ranks: missing is ``null`` in the JSON text
            text = self.json_blocks(k)[block].split(",")
            for j in np.flatnonzero(column.isna().to_numpy()).tolist():
                text[j] = ""
            return text
        if isinstance(column.array, pd.arrays.BooleanArray):
            fields = np.where(column.to_numpy(dtype=bool, na_value=False), "True", "False").astype(object)
            fields[column.isna().to_numpy()] = ""
            return cast(list[str], fields.tolist())
        present = column.notna().to_numpy()
        return _quoted([v if p else "" for v, p in zip(column.to_numpy(dtype=object).tolist(), present.tolist())])


def _json_inside(column: pd.Series) -> str:
    """The values of ``column`` as the inside of a JSON array (:meth:`TableText.column_json`'s rules)."""
    text = str(column.to_json(orient="values", double_precision=DECIMALS, force_ascii=False))[1:-1]
    if isinstance(column.dtype, np.dtype) and column.dtype == np.float64:
        values = column.to_numpy()
        with np.errstate(invalid="ignore"):
            large = np.flatnonzero(np.isfinite(values) & (np.abs(values) >= REPR_FROM))
        if large.size:
            fields = text.split(",")
            for j in large.tolist():
                fields[j] = repr(float(values[j]))
            text = ",".join(fields)
    return text


def _quoted(text: list[str]) -> list[str]:
    """Fields quoted where the csv module quotes them (a separator, a quote or a line break inside)."""
    joined = "".join(text)
    if not any(c in joined for c in _SPECIAL_CHARACTERS):  # the common case, decided at once
        return text
    special = pd.Series(text, dtype=object).str.contains(_SPECIAL, regex=True).to_numpy(dtype=bool)
    if special.any():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for k in np.flatnonzero(special).tolist():
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([text[k]])
            text[k] = buffer.getvalue()[:-1]
    return text
