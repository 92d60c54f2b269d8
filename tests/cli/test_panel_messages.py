"""Properties of panel reading and of its messages (issue 8 §4, §8): a malformed row is always found and
named, a bad value is quoted to a bounded length, an error lists a bounded number of problems."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import indexlib
from _support import small_framework, small_panel
from indexlib.panel_file import MAX_LISTED, QUOTE_LIMIT, problems_error, quote

FRAMEWORK = small_framework()
LINES = small_panel().to_csv(index=False).splitlines()  # header + 12 cities, 8 fields each


@given(st.text())
def test_quote_keeps_short_text_and_cuts_long_text(text):
    quoted = quote(text)
    if len(text) <= QUOTE_LIMIT:
        assert quoted == repr(text)
    else:
        assert quoted == f"{text[:QUOTE_LIMIT]!r}… ({len(text):,} characters)"
        assert len(quoted) <= len(repr(text[:QUOTE_LIMIT])) + 30


@given(st.lists(st.text(alphabet="abc ,.", max_size=30), min_size=1, max_size=60))
def test_an_error_lists_at_most_the_first_problems_and_keeps_them_all(problems):
    error = problems_error("p.csv", problems)
    lines = str(error).splitlines()
    assert lines[0] == f"p.csv: {len(problems)} problem(s) in the panel:"
    assert lines[1:MAX_LISTED + 1] == [f"  - {p}" for p in problems[:MAX_LISTED]]
    assert len(lines) == 1 + min(len(problems), MAX_LISTED) + (len(problems) > MAX_LISTED)
    assert error.problems == problems


def _read(text: str) -> indexlib.Panel:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.csv"
        path.write_text(text, encoding="utf-8")
        return indexlib.read_panel(path, FRAMEWORK)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=st.integers(1, len(LINES) - 1), width=st.integers(1, 12).filter(lambda w: w != 8))
def test_a_row_of_any_other_width_is_named(row, width):
    """Any data row with fewer or more fields than the header is an error naming its row (never padded)."""
    fields = LINES[row].split(",")
    changed = ",".join((fields + ["1"] * width)[:width])
    text = "\n".join([*LINES[:row], changed, *LINES[row + 1:]]) + "\n"
    with pytest.raises(indexlib.DataValidationError) as error:
        _read(text)
    expected = f"p.csv, row {row + 1}, city '{fields[0]}': {width} field(s), but the header (row 1) has 8"
    assert expected in str(error.value)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 12))
def test_the_header_repeated_anywhere_is_named(at):
    text = "\n".join([*LINES[:at + 1], LINES[0], *LINES[at + 1:]]) + "\n"
    with pytest.raises(indexlib.DataValidationError, match=rf"p\.csv, row {at + 2}: repeats the header"):
        _read(text)
