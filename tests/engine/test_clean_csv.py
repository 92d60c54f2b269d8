"""The fast reader of a plain CSV (numbers parsed by pandas' C parser) gives exactly what the text reader gives.

``read_panel`` of a file tries :func:`indexlib.panel_file.read_clean_csv` first; whatever it reads,
the panel (values bit for bit, attributes, notes, hash) or the error (its message) must be the text
reader's.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _support import small_framework
from indexlib.panel import panel_from_frame, read_panel
from indexlib.panel_file import read_clean_csv, read_table
from indicators.errors import DataValidationError

CELLS = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(repr),
    st.sampled_from(["", "", "-0", "-0.0", " 2.5 ", "1e5", "+.5", "7.", "NA", "nan", "abc", "1e999", "Infinity",
                     "1_000", "  ", "1e60", "0x10", "5e-400"]),
)
INDICATORS = ["i1", "i2", "i3", "i4", "i5"]


def text_reader(path, framework):
    table = read_table(path)
    return panel_from_frame(table.frame, framework, source=str(path), sha256=hashlib.sha256(table.raw).hexdigest(),
                            row_numbers=table.rows)


def outcome(read):
    try:
        return read(), None
    except DataValidationError as exc:
        return None, str(exc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(CELLS, min_size=5, max_size=5), min_size=3, max_size=6),
       country=st.sampled_from(["K1", " K1 ", "", "K,2", "São Paulo", "\udcff"]),
       shape=st.sampled_from(["plain", "blank line", "spaces line", "blank last line", "short and long row",
                              "long first row"]),
       crlf=st.booleans(), bom=st.booleans())
def test_the_fast_reader_gives_the_panel_or_the_error_of_the_text_reader(tmp_path, cells, country, shape, crlf, bom):
    framework = small_framework()
    lines = ["city_id,country," + ",".join(INDICATORS)]
    lines += [f"c{k},{country if k else 'K0'}," + ",".join(row) for k, row in enumerate(cells)]
    if shape in ("blank line", "spaces line"):
        lines.insert(2, "" if shape == "blank line" else "  ")
    elif shape == "blank last line":
        lines.append("")
    elif shape == "short and long row":  # as many separators as a plain file: a field moved from one row to another
        lines[1], lines[2] = lines[1].rsplit(",", 1)[0], lines[2] + ",9"
    elif shape == "long first row":  # pandas takes the first field of every row as an index; a short row evens it
        lines[1], lines[2] = "x," + lines[1], lines[2].rsplit(",", 1)[0]
    path = tmp_path / "panel.csv"
    text = ("\r\n" if crlf else "\n").join(lines).encode("utf-8", errors="surrogateescape")  # \udcff: a bad byte
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text + b"\n")
    fast, fast_error = outcome(lambda: read_panel(path, framework))
    slow, slow_error = outcome(lambda: text_reader(path, framework))
    assert fast_error == slow_error
    if slow is not None:
        pd.testing.assert_frame_equal(fast.values, slow.values)
        assert np.array_equal(np.signbit(fast.values.to_numpy()), np.signbit(slow.values.to_numpy()))
        pd.testing.assert_frame_equal(fast.attributes, slow.attributes)
        assert (fast.notes, fast.sha256, fast.source) == (slow.notes, slow.sha256, slow.source)


def test_a_plain_file_is_read_by_the_fast_reader(tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text("city_id,country,i1,i2,i3,i4,i5\na, K1 ,1,2,3,4,5\nb,K2,,-0,3.5,4,5\nc,K2,1e2,2,3,4,\n")
    table = read_clean_csv(path, INDICATORS)
    assert table is not None
    assert table.frame["i2"].dtype == np.float64 and table.frame["country"].tolist() == ["K1", "K2", "K2"]
    assert table.rows.tolist() == [2, 3, 4]
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # Windows line ends: as plain
    windows = read_clean_csv(path, INDICATORS)
    assert windows is not None and windows.frame.equals(table.frame)


@pytest.mark.parametrize("text", [
    'city_id,i1\n"a",1\n',  # quotes
    "city_id,i1\na,1\n\nb,2\n",  # a blank line
    "city_id,i1\na,NA\n",  # a missing-value marker
    "city_id, i1\na,1\n",  # a header name with a space
    "city_id,i1,i1\na,1,2\n",  # a repeated column
    "city_id,i1\ra,1\n",  # a carriage return that ends no line
    "city_id,i1\r\na,1\r\n\r\nb,2\r\n",  # a blank line between Windows line ends
    "city_id,i1\na,1,2\n",  # a row wider than the header
    "city_id,i1,i2\na,1\nb,2,3,4\nc,5,6\n",  # a narrower and a wider row, as many separators as a plain file
    "city_id,i1,i2\nx,a,1,2\nb,3\nc,4,5\n",  # a wider first row (pandas would take its first field as an index)
    "city_id,i1\na,1\n  \nb,2\n",  # a line of spaces
    "city_id,i1\na,1\nb,2\n\n",  # a blank last line
    "city_id\na\nb\nc\n",  # one column: no separator to count
])
def test_anything_but_a_plain_file_is_left_to_the_text_reader(tmp_path, text):
    path = tmp_path / "panel.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert read_clean_csv(path, INDICATORS) is None
