"""csv_text writes the bytes DataFrame.to_csv writes, for every kind of column it handles itself."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.csv_text import csv_text
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


@settings(max_examples=300, deadline=None)
@given(frame=frames(), float_format=st.sampled_from([None, "%.6f", "%.3g"]))
def test_the_text_is_that_of_pandas_to_csv(frame, float_format):
    expected = frame.to_csv(index=False, lineterminator="\n", float_format=float_format)
    assert csv_text(frame, float_format=float_format) == expected


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["", "a", None]}),  # one column: the csv module quotes an empty field
    pd.DataFrame({"when": pd.to_datetime(["2025-01-01", None]), "x": [1.0, 2.0]}),
    pd.DataFrame({"mixed": ["a", 1], "x": [1.0, 2.0]}, dtype=object),
    pd.DataFrame({"f32": np.array([0.1, 0.2], dtype=np.float32), "x": [1, 2]}),
    pd.DataFrame(),
])
def test_other_tables_are_written_by_pandas(frame):
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\n")


def test_a_large_float_column_is_written_at_full_precision():
    values = np.random.default_rng(0).standard_normal(10_000) * 10.0 ** np.arange(-8, 12).repeat(500)
    frame = pd.DataFrame({"city_id": [f"c{k}" for k in range(values.size)], "score": values})
    text = csv_text(frame)
    assert text == frame.to_csv(index=False, lineterminator="\n")
    read = pd.read_csv(io.StringIO(text), **EXACT_CSV)
    np.testing.assert_array_equal(read["score"].to_numpy(), values)
