"""The vectorised large-panel paths give exactly what the per-cell code they replace gave.

Each reference below is the former per-cell implementation, kept here as the specification: group
medians (one pass over all cities per group), the imputed mask (one cell set at a time), number
parsing, blank attributes and field widths (a Python call per cell or record).
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from indexlib.impute.methods import ALL_CITIES, _group_median
from indexlib.methodology import MissingData
from indexlib.panel import MISSING_MARKERS, _blank_cells, _parse_numbers
from indexlib.panel_file import _width_problems
from indexlib.result import imputed_mask


# ---------------------------------------------------------------------------------------------- references
def reference_group_median(data: np.ndarray, options: MissingData, attributes: pd.DataFrame
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    filled = data.copy()
    rules = np.full(data.shape, "", dtype=object)
    levels = np.full(data.shape, "", dtype=object)
    observed = ~np.isnan(data)
    todo = ~observed
    for group, needed, distinct_needed in zip(options.groups, options.min_values, options.min_distinct):
        labels = attributes[group].astype(object)
        blank = labels.map(lambda v: isinstance(v, str) and not v.strip())
        codes, _ = pd.factorize(labels.where(~blank, None), use_na_sentinel=True)
        for code in range(int(codes.max(initial=-1)) + 1):
            members = codes == code
            count = observed[members].sum(axis=0)
            recipients = (todo & members[:, None]).sum(axis=0)
            block = data[members]
            ordered = np.sort(block, axis=0)
            new = ~np.isnan(ordered)
            new[1:] &= ordered[1:] != ordered[:-1]
            distinct = new.sum(axis=0)
            accepted = ((recipients > 0) & (count >= needed) & (distinct >= distinct_needed)
                        & (recipients <= options.max_copies))
            if not accepted.any():
                continue
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                median = np.nanmedian(block, axis=0)
            usable = todo & members[:, None] & accepted[None, :]
            rows, columns = np.nonzero(usable)
            filled[rows, columns] = median[columns]
            rules[rows, columns] = [f"median of {group} ({count[c]} cities, {distinct[c]} distinct values)"
                                    for c in columns]
            levels[rows, columns] = f"median of {group}"
            todo &= ~usable
    if todo.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            overall = np.nanmedian(data, axis=0)
        rows, columns = np.nonzero(todo)
        filled[rows, columns] = overall[columns]
        rules[rows, columns] = ALL_CITIES
        levels[rows, columns] = ALL_CITIES
    return filled, rules, levels


def reference_parse_numbers(cells: pd.Series) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    text = cells.map(lambda v: "" if v is None else (repr(v) if isinstance(v, float) else str(v)).strip())
    missing = text.isin(MISSING_MARKERS).to_numpy()
    numbers = np.array(pd.to_numeric(text.where(~missing, None), errors="coerce"), dtype=float)
    # the values by Python's float, one cell at a time: correctly rounded under every pandas
    parsed = ~np.isnan(numbers)
    numbers[parsed] = [float(v) for v in text[parsed]]
    bad = np.isnan(numbers) & ~missing
    overflow = bad & text.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+").to_numpy(dtype=bool)
    numbers[overflow] = [float(v) for v in text[overflow]]
    return numbers, bad & ~overflow, text


def reference_widths(text: str, sep: str) -> list[int]:
    """Rows (1-based lines of records) whose field count differs from the header's."""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    filled = [k for k, record in enumerate(records) if "".join(record).strip()]
    if not filled:
        return []
    width = len(records[filled[0]])
    return [k + 1 for k in filled[1:] if len(records[k]) != width]


# ---------------------------------------------------------------------------------------------- strategies
LABELS = st.sampled_from(["a", "b", "c", " ", "", None, "a "])


@st.composite
def grouped_panels(draw: st.DrawFn) -> tuple[np.ndarray, pd.DataFrame, MissingData]:
    n = draw(st.integers(1, 40))
    m = draw(st.integers(1, 4))
    # few distinct values: ties within groups; NaN: cells to fill and groups without donors
    cells = draw(st.lists(st.sampled_from([0.0, 1.0, 2.5, -3.0, np.nan]), min_size=n * m, max_size=n * m))
    data = np.array(cells).reshape(n, m)
    attributes = pd.DataFrame({"country": draw(st.lists(LABELS, min_size=n, max_size=n)),
                               "continent": draw(st.lists(LABELS, min_size=n, max_size=n))}, dtype=object)
    options = MissingData(method="group_median", min_values=[draw(st.integers(1, 3)), draw(st.integers(1, 3))],
                          min_distinct=[draw(st.integers(1, 3)), draw(st.integers(1, 3))],
                          max_copies=draw(st.integers(1, 6)))
    return data, attributes, options


# ---------------------------------------------------------------------------------------------- tests
@given(grouped_panels())
def test_group_median_equals_the_per_group_passes(case: tuple[np.ndarray, pd.DataFrame, MissingData]) -> None:
    data, attributes, options = case
    expected = reference_group_median(data, options, attributes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        actual = _group_median(data, options, attributes)
    missing = np.isnan(data)  # the kernel gives the missing cells, city by city
    np.testing.assert_array_equal(actual[0], expected[0][missing])
    assert actual[1].tolist() == expected[1][missing].tolist()
    assert actual[2].tolist() == expected[2][missing].tolist()


def test_group_median_takes_the_middle_of_an_even_group() -> None:
    data = np.array([[1.0], [2.0], [4.0], [10.0], [np.nan], [7.0]])
    attributes = pd.DataFrame({"country": ["k"] * 5 + ["j"], "continent": ["x"] * 6})
    options = MissingData(method="group_median", min_values=[2, 2], min_distinct=[2, 2])
    filled, rules, _ = _group_median(data, options, attributes)  # the one missing cell
    assert filled.tolist() == [3.0]  # (2 + 4) / 2 of the four donors of country k
    assert rules.tolist() == ["median of country (4 cities, 4 distinct values)"]


@given(st.integers(1, 12), st.integers(1, 5), st.data())
def test_imputed_mask_equals_setting_each_cell(n: int, m: int, data: st.DataObject) -> None:
    cities = pd.Index([f"c{k}" for k in range(n)], name="city_id")
    indicators = pd.Index([f"i{k}" for k in range(m)])
    cells = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, m)), max_size=3 * n))
    log = pd.DataFrame({"city_id": [cities[r] for r, _ in cells],
                        "indicator_id": [indicators[c] if c < m else "dropped" for _, c in cells]})
    expected = pd.DataFrame(False, index=cities, columns=indicators)
    for city, indicator in zip(log["city_id"], log["indicator_id"]):
        if indicator in expected.columns:
            expected.at[city, indicator] = True
    pd.testing.assert_frame_equal(imputed_mask(log, cities, indicators), expected)


CELLS = st.one_of(st.sampled_from(sorted(MISSING_MARKERS)), st.sampled_from(["  ", " 1.5 ", "1e999", "-1E999", "abc",
                                                                             "1,5", "0x10", "+.5", "7.", "1e-400"]),
                  st.floats(allow_nan=False, allow_infinity=False).map(repr), st.integers(-10**6, 10**6).map(str))


@given(st.lists(CELLS, max_size=30))
def test_number_parsing_of_text_cells_equals_the_per_cell_path(cells: list[str]) -> None:
    series = pd.Series(cells, dtype=object)
    numbers, bad, text = _parse_numbers(series)
    expected_numbers, expected_bad, expected_text = reference_parse_numbers(series)
    np.testing.assert_array_equal(numbers, expected_numbers)
    np.testing.assert_array_equal(bad, expected_bad)
    assert text.tolist() == expected_text.tolist()


@given(st.lists(st.lists(st.sampled_from(["x", "", " ", "  y ", None, 3.0]), min_size=2, max_size=2), max_size=10))
def test_blank_attribute_cells_equal_the_per_cell_check(rows: list[list[object]]) -> None:
    frame = pd.DataFrame(rows, columns=["country", "continent"], dtype=object)
    text_only = frame.fillna("").astype(str)
    for table in (frame, text_only):
        expected = table.map(lambda v: isinstance(v, str) and v.strip() == "")
        pd.testing.assert_frame_equal(_blank_cells(table), expected.astype(bool))


@given(st.text(alphabet=st.sampled_from(list("ab, \n\r\"")), max_size=60))
def test_field_widths_counted_with_numpy_equal_the_csv_records(text: str) -> None:
    rows = [int(problem.split("row ")[1].split(":")[0].split(",")[0])
            for problem in _width_problems(Path("p.csv"), text, ",")]
    assert rows == reference_widths(text, ",")
