"""The vectorised group statistics (one sort of the candidate groups' cells for every indicator) give
bit for bit what the per-indicator implementation they replaced gave: values, rules and levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.impute.methods import ALL_CITIES, ALL_CITIES_MEAN, _group_codes, _group_fill
from indexlib.impute.options import GroupOptions


# ------------------------------------------- the reference: the per-indicator implementation, verbatim
def _reference_statistics(columns: np.ndarray, todo: np.ndarray, value_order: np.ndarray, codes: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Per group (code ≥ 0) and indicator: donors, cells to fill, distinct donor values, median and mean.

    ``columns`` and ``todo`` are indicators × cities; ``value_order`` sorts each indicator's cities by
    value, missing last. A stable sort of that order by group (a radix sort of small integers) puts
    each group's values in order, missing last, so the median is
    :math:`(x_{(\lfloor (c-1)/2 \rfloor)} + x_{(\lfloor c/2 \rfloor)})/2` of the group's :math:`c` sorted
    values, as ``numpy.nanmedian`` computes it, and the mean :math:`\sum_i x_i / c` is summed in that
    order too (so it does not depend on the order of the cities), with no pass over all cities per group.
    """
    groups = int(codes.max()) + 1
    small = codes.astype(np.int16 if groups < 2**15 else np.int64)
    sorted_codes = np.sort(small)
    offset = int(np.searchsorted(sorted_codes, 0))  # cities without a label sort first and are left out
    starts = np.searchsorted(sorted_codes, np.arange(groups)) - offset
    first = np.zeros(len(codes) - offset, dtype=bool)
    first[starts] = True
    shape = (groups, columns.shape[0])
    count, recipients, distinct = (np.zeros(shape, dtype=np.intp) for _ in range(3))
    median = np.full(shape, np.nan)
    mean = np.full(shape, np.nan)
    for j in range(columns.shape[0]):  # one stable radix sort per indicator, every group at once
        order = value_order[j][np.argsort(small[value_order[j]], kind="stable")][offset:]
        ordered = columns[j, order]
        new = ~np.isnan(ordered)
        count[:, j] = np.add.reduceat(new, starts, dtype=np.intp)
        recipients[:, j] = np.add.reduceat(todo[j, order], starts, dtype=np.intp)
        new[1:] &= (ordered[1:] != ordered[:-1]) | first[1:]
        distinct[:, j] = np.add.reduceat(new, starts, dtype=np.intp)
        present = count[:, j] > 0
        low = ordered[starts[present] + (count[present, j] - 1) // 2]
        high = ordered[starts[present] + count[present, j] // 2]
        median[present, j] = (low + high) / 2
        total = np.add.reduceat(np.where(np.isnan(ordered), 0.0, ordered), starts)
        mean[present, j] = total[present] / count[present, j]
    return count, recipients, distinct, median, mean


def _reference_fill(data: np.ndarray, options: GroupOptions, attributes: pd.DataFrame | None, statistic: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    filled = data.copy()
    rules = np.full(data.shape, "", dtype=object)
    levels = np.full(data.shape, "", dtype=object)
    todo = np.isnan(data)
    columns = np.ascontiguousarray(data.T)
    value_order = np.argsort(columns, axis=1, kind="stable")  # shared by every group level
    for group, needed, distinct_needed in zip(options.groups, options.min_values, options.min_distinct):
        codes = _group_codes(attributes, group)
        if codes is None or codes.max(initial=-1) < 0:
            continue
        count, recipients, distinct, median, mean = _reference_statistics(columns, np.ascontiguousarray(todo.T),
                                                                      value_order, codes)
        value = median if statistic == "median" else mean
        accepted = ((recipients > 0) & (count >= needed) & (distinct >= distinct_needed)
                    & (recipients <= options.max_copies))
        if not accepted.any():
            continue
        usable = todo & (codes >= 0)[:, None] & accepted[np.maximum(codes, 0)]
        rows, columns_used = np.nonzero(usable)
        filled[rows, columns_used] = value[codes[rows], columns_used]
        labels = np.full(accepted.shape, "", dtype=object)
        chosen_groups, chosen_columns = np.nonzero(accepted)  # one label per group and indicator, not per cell
        labels[chosen_groups, chosen_columns] = [f"{statistic} of {group} ({c} cities, {d} distinct values)" for c, d in
                                                 zip(count[chosen_groups, chosen_columns],
                                                     distinct[chosen_groups, chosen_columns])]
        rules[rows, columns_used] = labels[codes[rows], columns_used]
        levels[rows, columns_used] = f"{statistic} of {group}"
        todo &= ~usable
    if todo.any():
        # the mean is summed in value order, so that it does not depend on the order of the cities
        overall = np.nanmedian(data, axis=0) if statistic == "median" else np.nanmean(np.sort(data, axis=0), axis=0)
        rows, columns_used = np.nonzero(todo)
        filled[rows, columns_used] = overall[columns_used]
        rules[rows, columns_used] = ALL_CITIES if statistic == "median" else ALL_CITIES_MEAN
        levels[rows, columns_used] = ALL_CITIES if statistic == "median" else ALL_CITIES_MEAN
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
