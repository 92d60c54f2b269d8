"""csv_text writes the bytes DataFrame.to_csv writes for every kind of column it handles itself, except that
float64 numbers are those of results.json: 15 decimal places, the same text in both files."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.csv_text import DECIMALS, TableText, csv_text
from indicators._numbers import EXACT_CSV

TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list('ab ,"\n\r;é\'x1-')), max_size=6))
FLOAT = st.floats(allow_nan=True, allow_infinity=True, width=64) | st.sampled_from(
    [0.0, -0.0, 1e16, 1e-5, 1e-4, 123456789.123456789, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 100.0])


@st.composite
def frames(draw):
    rows = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(["float", "int", "Int64", "UInt64", "bool", "boolean", "text", "object"]),
                          min_size=2, max_size=6))
    columns = {}
    for k, kind in enumerate(kinds):
        name = draw(st.sampled_from([f"c{k}", f"c,{k}", f'c"{k}', f"c {k}"]))
        if kind == "float":
            columns[name] = pd.Series(draw(st.lists(FLOAT, min_size=rows, max_size=rows)), dtype=float)
        elif kind == "int":
            columns[name] = pd.Series(draw(st.lists(st.integers(-2**63, 2**63 - 1), min_size=rows, max_size=rows)),
                                      dtype="int64")
        elif kind == "Int64":
            columns[name] = pd.array(draw(st.lists(st.none() | st.integers(-10**6, 10**6), min_size=rows,
                                                   max_size=rows)), dtype="Int64")
        elif kind == "UInt64":
            columns[name] = pd.array(draw(st.lists(st.none() | st.integers(0, 2**64 - 1), min_size=rows,
                                                   max_size=rows)), dtype="UInt64")
        elif kind == "bool":
            columns[name] = pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
        elif kind == "boolean":
            columns[name] = pd.array(draw(st.lists(st.none() | st.booleans(), min_size=rows, max_size=rows)),
                                     dtype="boolean")
        elif kind == "text":
            columns[name] = pd.Series(draw(st.lists(TEXT, min_size=rows, max_size=rows)), dtype="str")
        else:
            columns[name] = pd.Series(draw(st.lists(TEXT, min_size=rows, max_size=rows)), dtype=object)
    frame = pd.DataFrame({f"k{k}": v for k, v in enumerate(columns.values())})
    frame.columns = list(columns)
    return frame


def _reads_back(number: float | None, value: float) -> bool:
    """A JSON number is ``value``: exactly from 10 up, within 1e-15 below; ``null`` for a non-finite value."""
    if not np.isfinite(value):
        return number is None
    return number == value if abs(value) >= 10 else abs(number - value) <= 10.0 ** -DECIMALS


@settings(max_examples=300, deadline=None)
@given(frame=frames())
def test_the_text_is_that_of_pandas_to_csv_with_the_json_numbers(frame):
    """Every float64 field is its number's text in the JSON column (missing: empty, infinite: inf/-inf);
    the rest is byte for byte pandas' ``to_csv``."""
    table = TableText(frame)
    expected = frame.copy()
    for k in range(frame.shape[1]):
        column = frame.iloc[:, k]
        if column.dtype == np.float64 and frame.shape[1] > 1:
            texts = table.column_json(k)[1:-1].split(",") if len(column) else []
            values = column.tolist()
            numbers = json.loads(table.column_json(k))
            assert all(_reads_back(n, v) for n, v in zip(numbers, values)), frame.columns[k]
            expected.isetitem(k, pd.Series([t if np.isfinite(v) else ("" if np.isnan(v) else f"{v}")
                                            for t, v in zip(texts, values)], dtype=object, index=frame.index))
    assert table.csv() == expected.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["", "a", None]}),  # one column: the csv module quotes an empty field
    pd.DataFrame({"when": pd.to_datetime(["2025-01-01", None]), "x": [1.0, 2.0]}),
    pd.DataFrame({"mixed": ["a", 1], "x": [1.0, 2.0]}, dtype=object),
    pd.DataFrame({"f32": np.array([0.1, 0.2], dtype=np.float32), "x": [1, 2]}),
    pd.DataFrame(),
])
def test_other_tables_are_written_by_pandas(frame):
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\n")


def test_a_large_float_column_reads_back_exactly_from_10_up_and_within_1e_15_below():
    values = np.random.default_rng(0).standard_normal(10_000) * 10.0 ** np.arange(-8, 12).repeat(500)
    frame = pd.DataFrame({"city_id": [f"c{k}" for k in range(values.size)], "score": values})
    read = pd.read_csv(io.StringIO(csv_text(frame)), **EXACT_CSV)["score"].to_numpy()
    large = np.abs(values) >= 10
    np.testing.assert_array_equal(read[large], values[large])
    np.testing.assert_allclose(read[~large], values[~large], rtol=0, atol=1e-15)


@settings(max_examples=100, deadline=None)
@given(frame=frames(), block_rows=st.integers(1, 5))
def test_the_text_does_not_depend_on_the_block_size(frame, block_rows):
    whole, blocks = TableText(frame, block_rows=10**6), TableText(frame, block_rows=block_rows)
    assert blocks.csv() == whole.csv()
    columns = range(frame.shape[1])
    assert [blocks.column_json(k) for k in columns] == [whole.column_json(k) for k in columns]
