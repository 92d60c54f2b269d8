"""Values read from text are the doubles nearest their decimal text, under every supported pandas."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators._numbers import EXACT_CSV, to_floats

doubles = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=300, deadline=None)
@given(st.lists(doubles, min_size=1, max_size=50))
def test_every_double_reads_back_from_its_shortest_text(values):
    texts = [repr(v) for v in values]
    np.testing.assert_array_equal(to_floats(texts), np.array(values))
    frame = pd.read_csv(io.StringIO("v\n" + "\n".join(texts) + "\n"), **EXACT_CSV)
    np.testing.assert_array_equal(frame["v"].to_numpy(dtype=float), np.array(values))


def test_text_that_is_not_a_number_is_nan_and_numbers_pass_through():
    got = to_floats(["1,5", "", None, "abc", "1e999", " 2.5 ", 3, 0.1])
    assert np.isnan(got[:4]).all() and np.isinf(got[4]) and got[5:].tolist() == [2.5, 3.0, 0.1]


def test_a_decimal_pandas_2_misreads_is_read_exactly():
    # 1.0000076293945312 is read one unit in the last place off by pandas 2's fast parser
    texts = [repr(float(np.nextafter(1.0000076293945312, 2.0))), "0.30000000000000004", "1.00000763"]
    assert to_floats(texts).tolist() == [float(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.builds(repr, doubles), st.sampled_from(
    ["", " ", " 2.5 ", "abc", "1,5", "1e999", "-1E999", "inf", "-Infinity", "nan", "1_000", "0x10", "+.5", "7."])),
    max_size=40))
def test_a_column_of_text_reads_as_its_cells_one_by_one(cells):
    """The vectorised path of a string column (a file's cells) gives what the cells give as a list."""
    expected = to_floats(cells)
    for dtype in ("str", "string", object):
        column = pd.Series(cells, dtype=dtype, index=range(10, 10 + len(cells)))
        np.testing.assert_array_equal(to_floats(column), expected)
