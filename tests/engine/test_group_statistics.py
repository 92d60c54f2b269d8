"""The vectorised group statistics (the candidate groups' cells sorted in blocks of similar size, for
every indicator at once) give bit for bit what the rules computed one group and indicator at a time
give: values, rules and levels of the missing cells."""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.impute.methods import ALL_CITIES, ALL_CITIES_MEAN, _group_codes, _group_fill
from indexlib.impute.options import GroupOptions


# ------------------------------------------------------- the reference: one group and indicator at a time
def _reference_fill(data: np.ndarray, options: GroupOptions, attributes: pd.DataFrame, statistic: str
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rules of :mod:`indexlib.impute` written out per group level, group and indicator: a group's
    values sorted (stable, missing last), median of the middle two donors, mean summed in that order."""
    filled = data.copy()
    rules = np.full(data.shape, "", dtype=object)
    levels = np.full(data.shape, "", dtype=object)
    todo = np.isnan(data)
    for group, needed, distinct_needed in zip(options.groups, options.min_values, options.min_distinct):
        codes = _group_codes(attributes, group)
        if codes is None:
            continue
        done = np.zeros(data.shape, dtype=bool)
        for g in range(int(codes.max()) + 1):
            members = codes == g
            for j in range(data.shape[1]):
                cells = members & todo[:, j]
                ordered = np.sort(data[members, j], kind="stable")
                donors = ordered[~np.isnan(ordered)]
                c, d = len(donors), len(np.unique(donors))
                if not (0 < cells.sum() <= options.max_copies and c >= needed and d >= distinct_needed):
                    continue
                if statistic == "median":
                    value = (donors[(c - 1) // 2] + donors[c // 2]) / 2
                else:
                    value = np.add.reduceat(np.where(np.isnan(ordered), 0.0, ordered), [0])[0] / c
                filled[cells, j] = value
                rules[cells, j] = f"{statistic} of {group} ({c} cities, {d} distinct values)"
                levels[cells, j] = f"{statistic} of {group}"
                done[cells, j] = True
        todo &= ~done
    fallback = np.nanmedian(data, axis=0) if statistic == "median" else np.nanmean(np.sort(data, axis=0), axis=0)
    for j in range(data.shape[1]):
        filled[todo[:, j], j] = fallback[j]
        rules[todo[:, j], j] = levels[todo[:, j], j] = ALL_CITIES if statistic == "median" else ALL_CITIES_MEAN
    return filled, rules, levels


def _missing_cells(data: np.ndarray, tables: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The missing cells of each table, city by city: what the kernel returns."""
    return tuple(table[np.isnan(data)] for table in tables)


# ---------------------------------------------------------------------------------------------- tests
def _case(seed: int, cities: int, indicators: int, distinct_values: int, missing_share: float,
          countries: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Values with ties (few distinct values) and NaN, countries of all sizes (some above 8, where
    sums are pairwise), a continent per city and labels missing or blank."""
    rng = np.random.default_rng(seed)
    data = rng.integers(0, distinct_values, (cities, indicators)) * rng.choice([0.1, 1 / 3, -7.25], indicators)
    data[:, 0] = rng.standard_normal(cities)  # one column of distinct values
    data[1:][rng.random((cities - 1, indicators)) < missing_share] = np.nan  # every indicator keeps a value
    country = np.array([f"K{k}" for k in rng.zipf(1.6, cities) % countries], dtype=object)
    country[rng.random(cities) < 0.05] = None
    country[rng.random(cities) < 0.03] = "  "
    continent = np.array([f"C{k}" for k in rng.integers(0, 3, cities)], dtype=object)
    continent[rng.random(cities) < 0.05] = None
    return data, pd.DataFrame({"country": country, "continent": continent})


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), cities=st.integers(1, 300), indicators=st.integers(1, 6),
       distinct_values=st.integers(1, 8), missing_share=st.sampled_from([0.0, 0.05, 0.3, 0.8]),
       countries=st.integers(1, 60), statistic=st.sampled_from(["median", "mean"]),
       min_values=st.integers(1, 4), min_distinct=st.integers(1, 4), max_copies=st.integers(1, 40))
def test_the_vectorised_group_fill_equals_the_per_indicator_reference(seed, cities, indicators, distinct_values,
                                                                     missing_share, countries, statistic,
                                                                     min_values, min_distinct, max_copies):
    data, attributes = _case(seed, cities, indicators, distinct_values, missing_share, countries)
    options = GroupOptions(min_values=(min_values, 1), min_distinct=(min_distinct, 2), max_copies=max_copies)
    expected = _missing_cells(data, _reference_fill(data, options, attributes, statistic))
    got = _group_fill(data, options, attributes, statistic)
    np.testing.assert_array_equal(got[0].view(np.int64), expected[0].view(np.int64))  # bits, -0.0 and NaN too
    assert got[1].tolist() == expected[1].tolist() and got[2].tolist() == expected[2].tolist()


def test_a_large_panel_with_every_level_in_use_matches_the_reference_bit_for_bit():
    data, attributes = _case(11, 5_000, 5, 50, 0.1, 900)
    options = GroupOptions(min_values=(2, 1), min_distinct=(2, 2), max_copies=400)
    for statistic in ("median", "mean"):
        expected = _missing_cells(data, _reference_fill(data, options, attributes, statistic))
        got = _group_fill(data, options, attributes, statistic)
        np.testing.assert_array_equal(got[0].view(np.int64), expected[0].view(np.int64))
        assert got[1].tolist() == expected[1].tolist()
        levels = pd.Series(got[2]).value_counts()
        assert {f"{statistic} of country", f"{statistic} of continent"} <= set(levels.index)


@pytest.mark.parametrize("statistic", ["median", "mean"])
@pytest.mark.parametrize("pattern", [[0.0, 0.0, -0.0], [-0.0, -0.0, 0.0], [0.0, -0.0]])
@pytest.mark.parametrize("size", [17, 81])
def test_equal_values_of_both_signs_of_zero_keep_the_city_order_of_the_reference(statistic, pattern, size):
    """0.0 and -0.0 are equal but differ in their bits: the median picks the one a stable sort puts in
    the middle, as the reference does (groups long enough for numpy's unstable sorts to reorder them:
    17 zeros in the pattern 0, 0, -0 do)."""
    data = np.concatenate([np.resize(pattern, size), [np.nan, 1.0, 2.0, 3.0, np.nan]])[:, None]
    attributes = pd.DataFrame({"country": ["k"] * (size + 1) + ["j"] * 4, "continent": ["x"] * (size + 5)})
    options = GroupOptions(min_values=(1, 1), min_distinct=(1, 1))
    expected = _missing_cells(data, _reference_fill(data, options, attributes, statistic))
    got = _group_fill(data, options, attributes, statistic)
    np.testing.assert_array_equal(got[0].view(np.int64), expected[0].view(np.int64))
    assert got[1].tolist() == expected[1].tolist()


def _string_dtypes() -> list[pd.StringDtype]:
    dtypes = [pd.StringDtype("python")]
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return dtypes
    return [*dtypes, pd.StringDtype("pyarrow")]


@settings(max_examples=40, deadline=None)
@given(labels=st.lists(st.sampled_from(["a", "b", "a ", " ", "", "Ä", None]), min_size=1, max_size=30),
       dtype=st.sampled_from(_string_dtypes()))
def test_group_codes_of_a_string_column_are_those_of_its_python_strings(labels, dtype):
    """A column of pandas strings is factorised as stored: the same groups, blank labels and numbering as
    the Python strings compared one by one."""
    as_objects = _group_codes(pd.DataFrame({"country": pd.Series(labels, dtype=object)}), "country")
    as_strings = _group_codes(pd.DataFrame({"country": pd.Series(labels, dtype=dtype)}), "country")
    np.testing.assert_array_equal(as_strings, as_objects)
