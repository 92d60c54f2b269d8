"""The banded rank histogram: exact against numpy, mergeable, and linear in the cities for bounded spreads."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.rank import rank_scores
from indicators.errors import SpecificationError
from indexlib.uncertainty.rank_statistics import RankHistogram, histogram_percentile

QUANTILES = (0, 1, 5, 25, 50, 75, 95, 99, 100)


def ranks_of(rng: np.random.Generator, runs: int, n: int, noise: float, ties: str = "min") -> np.ndarray:
    base = np.linspace(0.0, 1.0, n)
    scores = base + noise * rng.standard_normal((runs, n))
    if ties != "none":
        scores = np.round(scores, 1)  # ties between cities
    return rank_scores(scores, "min" if ties == "none" else ties)


@settings(max_examples=60, deadline=None)
@given(runs=st.integers(1, 60), n=st.integers(1, 30), noise=st.floats(0.0, 2.0), seed=st.integers(0, 2**32 - 1),
       ties=st.sampled_from(["min", "average", "dense"]), chunks=st.integers(1, 5))
def test_percentiles_and_means_equal_numpy_for_any_chunking(runs, n, noise, seed, ties, chunks):
    ranks = ranks_of(np.random.default_rng(seed), runs, n, noise, ties)
    histogram = RankHistogram(n)
    for part in np.array_split(ranks, chunks):
        histogram.add(np.rint(2 * part).astype(np.int64))
    assert histogram.runs == runs
    assert histogram.totals().tolist() == [runs] * n
    for q in QUANTILES:
        np.testing.assert_array_equal(histogram.percentile(q), np.percentile(ranks, q, axis=0, method="inverted_cdf"))
        np.testing.assert_array_equal(histogram.percentile(q), histogram_percentile(histogram.dense(), q))
    np.testing.assert_allclose(histogram.mean(), ranks.mean(axis=0), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(split=st.integers(0, 40), n=st.integers(1, 20), seed=st.integers(0, 2**32 - 1))
def test_merging_two_histograms_counts_both_sets_of_runs_exactly(split, n, seed):
    rng = np.random.default_rng(seed)
    ranks = ranks_of(rng, 40, n, float(rng.uniform(0, 1)))
    half = np.rint(2 * ranks).astype(np.int64)
    whole, first, second = RankHistogram(n), RankHistogram(n), RankHistogram(n)
    whole.add(half)
    first.add(half[:split])
    second.add(half[split:])
    for merged in (first.merge(second), second.merge(first)):
        np.testing.assert_array_equal(merged.dense(), whole.dense())
        assert merged.runs == whole.runs
        for q in QUANTILES:
            np.testing.assert_array_equal(merged.percentile(q), whole.percentile(q))


def test_memory_follows_the_rank_spread_not_the_square_of_the_cities():
    """1,000 runs on 10,000 cities whose ranks move by tens of places: the dense histogram would hold
    10,000 × 20,001 int64 counts (1.6 GB); the banded one holds a few hundred per city."""
    n, runs = 10_000, 1_000
    rng = np.random.default_rng(3)
    histogram = RankHistogram(n)
    base = np.arange(n, dtype=float)
    for _ in range(runs // 250):
        scores = base + 20.0 * rng.standard_normal((250, n))
        histogram.add(np.rint(2 * rank_scores(scores, "min")).astype(np.int64))
    dense_bytes = n * (2 * n + 1) * 8
    assert histogram.runs == runs
    assert histogram.nbytes < dense_bytes / 20
    assert histogram.nbytes < 64 * 2**20
    assert (histogram.percentile(5) <= histogram.percentile(50)).all()
    assert (histogram.percentile(50) <= histogram.percentile(95)).all()


def test_an_empty_histogram_has_no_counts():
    histogram = RankHistogram(3)
    assert histogram.counts.size == 0 and histogram.runs == 0
    histogram.add(np.zeros((0, 3), dtype=np.int64))
    assert histogram.runs == 0
    with pytest.raises(SpecificationError, match="no run"):
        RankHistogram(3).percentile(50)
