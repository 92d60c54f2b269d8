"""The large-panel paths of a build give bit for bit what the simple formulations they replace gave.

Each reference below is the former implementation, kept here as the specification: the skew and
kurtosis of the compressed, sorted values with ``numpy.ptp`` and the largest absolute deviation;
the outlier treatment of a table as :func:`~indexlib.treat.treat_indicator` column by column; the
ranking table's order by ``DataFrame.sort_values``; label positions by ``Index.get_indexer``; a
table's rows by ``DataFrame.reindex``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import indexlib
from _support import small_framework, small_panel
from indexlib.methodology import Methodology, MissingData
from indexlib.panel import Panel
from indexlib.pipeline import IMPUTATION_ATTRIBUTES, imputation_attributes
from indexlib.result import _by_rank_and_id, imputed_mask, label_positions
from indexlib.treat import skew_kurtosis, treat_indicator, treat_outliers


# ---------------------------------------------------------------------------------------------- references
def reference_skew_kurtosis(x: np.ndarray) -> tuple[float, float]:
    x = np.sort(x[~np.isnan(x)])
    n = x.size
    if n < 4 or np.ptp(x) == 0:
        return float("nan"), float("nan")
    d = x - x.mean()
    d = d / np.abs(d).max()
    m2 = float(np.mean(d * d))
    if m2 <= 1e-300:
        return float("nan"), float("nan")
    d2 = d * d
    m3 = float(np.mean(d2 * d))
    m4 = float(np.mean(d2 * d2))
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3.0
    skew = np.sqrt(n * (n - 1.0)) / (n - 2.0) * g1
    kurtosis = (n - 1.0) * ((n + 1.0) * g2 + 6.0) / ((n - 2.0) * (n - 3.0))
    return float(skew), float(kurtosis)


def reference_treat_outliers(values: pd.DataFrame, **options: object
                             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    data = values.to_numpy(dtype=float)
    treated = np.empty_like(data)
    flags = np.empty(data.shape, dtype=object)
    rows = []
    for j, column in enumerate(values.columns):
        treated[:, j], record, flags[:, j] = treat_indicator(data[:, j], **options)  # type: ignore[arg-type]
        rows.append({"indicator_id": column, **record})
    log = pd.DataFrame(rows, columns=["indicator_id", "skew_before", "kurtosis_before", "action", "points",
                                      "transform", "skew_after", "kurtosis_after", "passes_after"])
    return (pd.DataFrame(treated, index=values.index, columns=values.columns), log,
            pd.DataFrame(flags, index=values.index, columns=values.columns, dtype=object))


def reference_imputation_attributes(panel: Panel, methodology: Methodology, cities: pd.Index) -> pd.DataFrame:
    attributes = panel.attributes.reindex(cities).copy()
    wanted = dict.fromkeys([*methodology.missing.groups, *IMPUTATION_ATTRIBUTES])
    lacking = [a for a in wanted if a not in attributes.columns or attributes[a].isna().any()]
    if lacking:
        import city_data

        known = city_data.cities().set_index("city_id")
        for column in lacking:
            if column in known.columns:
                current = attributes[column] if column in attributes.columns else pd.Series(np.nan, index=cities)
                attributes[column] = current.astype(object).fillna(known[column].reindex(cities).astype(object))
    return attributes


# ---------------------------------------------------------------------------------------------- strategies
#: few values, both zeros, infinities and NaN: ties, equal values of different bits, undefined moments
CELLS = st.one_of(st.sampled_from([0.0, -0.0, 1.0, 2.5, -3.0, np.nan, np.inf, -np.inf, 1e300, 1e-300]),
                  st.floats(-1e6, 1e6, allow_nan=False))


def _bits(value: float) -> int:
    return int(np.float64(value).view(np.int64))


# ---------------------------------------------------------------------------------------------- tests
@settings(max_examples=300, deadline=None)
@given(arrays(float, st.integers(0, 60), elements=CELLS))
def test_skew_kurtosis_equals_the_reference_bit_for_bit(x):
    with np.errstate(all="ignore"):  # infinities: inf - inf
        got, expected = skew_kurtosis(x), reference_skew_kurtosis(x)
    assert [_bits(v) for v in got] == [_bits(v) for v in expected]


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    """Columns that pass, fail and are winsorised or log-transformed: a bulk with outliers of both signs."""
    n = draw(st.integers(1, 60))
    m = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    data = rng.standard_normal((n, m))
    for j in range(m):
        if draw(st.booleans()):  # heavy tailed: winsorising five points is not enough
            data[:, j] = rng.lognormal(0.0, 3.0, n)
        outliers = draw(st.lists(st.sampled_from([1e3, -1e3, 5e4, -7e5, 0.0]), max_size=min(n, 8)))
        data[:len(outliers), j] = outliers
        data[rng.random(n) < draw(st.sampled_from([0.0, 0.2]))] = np.nan
    return pd.DataFrame(data, index=[f"c{k}" for k in range(n)], columns=[f"i{k}" for k in range(m)])


@settings(max_examples=150, deadline=None)
@given(values=tables(), max_winsorised=st.integers(0, 6), log_transform=st.sampled_from(["log_ct", "log_ct_plus"]))
def test_treat_outliers_equals_treating_each_column(values, max_winsorised, log_transform):
    options = {"max_winsorised": max_winsorised, "log_transform": log_transform}
    with np.errstate(all="ignore"):
        got = treat_outliers(values, **options)  # type: ignore[arg-type]
        expected = reference_treat_outliers(values, **options)
    for actual, wanted in zip(got, expected):
        pd.testing.assert_frame_equal(actual, wanted, check_exact=True)


# ---------------------------------------------------------------------------------------------- result tables
IDS = st.sampled_from(["a", "b", "c", "aa", "B", "é", "z1", "z10", "z2", " a"])


@settings(max_examples=200, deadline=None)
@given(ids=st.lists(IDS, min_size=0, max_size=10, unique=True),
       labels=st.lists(IDS, max_size=30))
def test_label_positions_are_those_get_indexer_finds(ids, labels):
    index = pd.Index(ids, dtype=object)
    found = label_positions(index, pd.Series(labels, dtype=object))
    np.testing.assert_array_equal(found, index.get_indexer(pd.Index(labels, dtype=object)))


def test_an_index_with_repeated_labels_has_no_label_positions_and_its_mask_is_refused_as_before():
    assert label_positions(pd.Index(["a", "b", "a"]), pd.Series(["a"])) is None
    log = pd.DataFrame({"city_id": ["a"], "indicator_id": ["i"]})
    with pytest.raises(pd.errors.InvalidIndexError):
        imputed_mask(log, pd.Index(["a", "b", "a"]), pd.Index(["i"]))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(IDS, st.one_of(st.none(), st.integers(1, 4))), max_size=25),
       ties=st.sampled_from(["Int64", "Float64"]), half=st.booleans())
def test_ranking_order_is_sort_values_by_rank_and_city_id(rows, ties, half):
    """Ranks with ties and gaps, ids repeated and in any order, unranked cities: the order of
    ``sort_values(["rank", "city_id"], kind="stable")``."""
    rank = pd.array([None if r is None else r + (0.5 if half and ties == "Float64" else 0) for _, r in rows],
                    dtype=ties)
    table = pd.DataFrame({"city_id": pd.Series([c for c, _ in rows], dtype=object), "rank": rank})
    expected = table.sort_values(["rank", "city_id"], kind="stable").index.to_numpy()
    np.testing.assert_array_equal(_by_rank_and_id(table), expected)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), unknown=st.lists(st.sampled_from(["new-1", "new-2"]), max_size=2, unique=True))
def test_imputation_attributes_are_the_panels_reindexed_to_the_cities(seed, unknown):
    """The panel's attributes taken by position are what reindexing gave, cities in any order, some of them
    unknown to the panel (NaN attributes)."""
    framework = small_framework()
    panel = indexlib.read_panel(small_panel(12), framework)
    rng = np.random.default_rng(seed)
    chosen = list(rng.permutation(panel.attributes.index.to_numpy())[:rng.integers(1, 13)])
    cities = pd.Index(chosen + unknown, name=panel.attributes.index.name)
    methodology = Methodology(missing=MissingData(method="group_median"))
    expected = reference_imputation_attributes(panel, methodology, cities)
    pd.testing.assert_frame_equal(imputation_attributes(panel, methodology, cities), expected, check_exact=True)
