"""The vectorised group statistics (one sort of the candidate groups' cells for every indicator) give
bit for bit what the rules computed one group and indicator at a time give: values, rules and levels."""

from __future__ import annotations

import numpy as np
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
    expected = _reference_fill(data, options, attributes, statistic)
    got = _group_fill(data, options, attributes, statistic)
    np.testing.assert_array_equal(got[0].view(np.int64), expected[0].view(np.int64))  # bits, -0.0 and NaN too
    assert got[1].tolist() == expected[1].tolist() and got[2].tolist() == expected[2].tolist()


def test_a_large_panel_with_every_level_in_use_matches_the_reference_bit_for_bit():
    data, attributes = _case(11, 5_000, 5, 50, 0.1, 900)
    options = GroupOptions(min_values=(2, 1), min_distinct=(2, 2), max_copies=400)
    for statistic in ("median", "mean"):
        expected = _reference_fill(data, options, attributes, statistic)
        got = _group_fill(data, options, attributes, statistic)
        np.testing.assert_array_equal(got[0].view(np.int64), expected[0].view(np.int64))
        assert got[1].tolist() == expected[1].tolist()
        levels = pd.Series(got[2][np.isnan(data)]).value_counts()
        assert {f"{statistic} of country", f"{statistic} of continent"} <= set(levels.index)
