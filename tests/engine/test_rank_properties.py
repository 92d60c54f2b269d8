"""Ranking: competition ranks, ties, batches, invariance to city order and monotone transforms."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import rankdata

from indexlib.rank import rank_scores

scores = arrays(np.float64, st.integers(1, 30), elements=st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 7.0, -1.0]))


def test_competition_ranking_example():
    assert rank_scores(np.array([0.3, 0.9, 0.3, 0.1])).tolist() == [2, 1, 2, 4]
    assert rank_scores(np.array([0.3, 0.9, 0.3, 0.1]), "dense").tolist() == [2, 1, 2, 3]
    assert rank_scores(np.array([0.3, 0.9, 0.3, 0.1]), "average").tolist() == [2.5, 1, 2.5, 4]


@given(scores)
def test_matches_scipy_for_every_tie_method(s):
    for ties, method in (("min", "min"), ("dense", "dense"), ("average", "average")):
        assert np.array_equal(rank_scores(s, ties), rankdata(-s, method=method))


@given(scores, st.randoms(use_true_random=False))
def test_ranks_follow_cities_when_reordered(s, random):
    order = list(range(s.size))
    random.shuffle(order)
    assert np.array_equal(rank_scores(s)[order], rank_scores(s[order]))


@given(scores)
def test_strictly_increasing_transform_leaves_ranks_unchanged(s):
    assert np.array_equal(rank_scores(s), rank_scores(np.exp(s) * 3 + 1))


@given(st.integers(1, 6), st.integers(2, 20), st.integers(0, 1000))
def test_batched_rows_equal_one_call_per_row(runs, n, seed):
    stack = np.random.default_rng(seed).integers(0, 4, size=(runs, n)).astype(float)
    assert np.array_equal(rank_scores(stack), np.stack([rank_scores(row) for row in stack]))


def test_missing_scores_get_no_rank():
    ranks = rank_scores(np.array([1.0, np.nan, 3.0]))
    assert ranks[0] == 2 and ranks[2] == 1 and np.isnan(ranks[1])
