"""Hypothesis property tests and golden values for the batched aggregators."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indexlib.aggregate import (
    AGGREGATORS,
    arithmetic_mean,
    copeland_score,
    generalised_mean,
    geometric_mean,
    harmonic_mean,
    outranking_matrix,
)

#: the weighted means (Copeland is ordinal and has its own tests below)
MEANS = [name for name in AGGREGATORS if name != "copeland"]

def _kernel(name):
    """The registered kernel with ``p`` passed only to a method that has it (a kernel takes its own
    options and nothing else)."""
    spec = AGGREGATORS.get(name)
    takes_p = "p" in spec.options.model_fields
    return lambda values, weights, p: spec.kernel(values, weights, **({"p": p} if takes_p else {}))


positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)
weight = st.floats(min_value=0.0, max_value=10.0, allow_nan=False)


@st.composite
def problems(draw):
    n, k = draw(st.integers(1, 12)), draw(st.integers(1, 6))
    values = draw(arrays(np.float64, (n, k), elements=positive))
    weights = draw(arrays(np.float64, (k,), elements=weight))
    weights[draw(st.integers(0, k - 1))] += 0.5  # at least one positive weight
    return values, weights


def test_golden_values():
    # methods.md §9: y = (20, 80), equal weights
    y, w = np.array([[20.0, 80.0]]), np.array([1.0, 1.0])
    assert arithmetic_mean(y, w)[0] == pytest.approx(50)
    assert geometric_mean(y, w)[0] == pytest.approx(40)
    assert harmonic_mean(y, w)[0] == pytest.approx(32)
    assert generalised_mean(y, w, p=2)[0] == pytest.approx(58.3095, abs=1e-4)


@given(problems())
def test_means_lie_between_min_and_max_of_weighted_values(problem):
    values, weights = problem
    used = values[:, weights > 0]
    for name in MEANS:
        result = _kernel(name)(values, weights, p=0.5)
        assert np.all(result >= used.min(axis=1) * (1 - 1e-9)) and np.all(result <= used.max(axis=1) * (1 + 1e-9))


@given(problems(), st.lists(st.floats(-5, 5), min_size=2, max_size=5))
def test_generalised_mean_is_non_decreasing_in_p(problem, exponents):
    values, weights = problem
    results = [generalised_mean(values, weights, p=p) for p in sorted(exponents)]
    for lower, higher in itertools.pairwise(results):
        assert np.all(lower <= higher * (1 + 1e-9) + 1e-12)


@given(problems())
def test_arithmetic_geometric_harmonic_inequality(problem):
    values, weights = problem
    a, g, h = (f(values, weights) for f in (arithmetic_mean, geometric_mean, harmonic_mean))
    assert np.all(a >= g * (1 - 1e-9)) and np.all(g >= h * (1 - 1e-9))


@given(problems(), st.floats(0.1, 100))
def test_invariant_to_scaling_all_weights(problem, factor):
    values, weights = problem
    for name in MEANS:
        kernel = _kernel(name)
        assert np.allclose(kernel(values, weights, p=2), kernel(values, weights * factor, p=2))


@given(problems(), st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_a_stack_of_weights_equals_one_call_per_vector(problem, runs, seed):
    values, weights = problem
    stack = np.random.default_rng(seed).uniform(0.1, 2.0, size=(runs, weights.size))
    for name in MEANS:
        kernel = _kernel(name)
        batched = kernel(values, stack, p=-0.5)
        looped = np.stack([kernel(values, w, p=-0.5) for w in stack])
        assert batched.shape == (runs, values.shape[0])
        assert np.allclose(batched, looped)
        per_run_values = np.broadcast_to(values, (runs, *values.shape))
        assert np.allclose(kernel(per_run_values, stack, p=-0.5), looped)


@given(problems())
def test_missing_values_are_skipped_with_weights_renormalised(problem):
    values, weights = problem
    if values.shape[1] < 2:
        return
    holed = values.copy()
    holed[0, 0] = np.nan
    for name in MEANS:
        kernel = _kernel(name)
        expected = kernel(values[:1, 1:], weights[1:], p=3)[0] if weights[1:].sum() > 0 else np.nan
        got = kernel(holed, weights, p=3)[0]
        assert (np.isnan(got) and np.isnan(expected)) or got == pytest.approx(expected)


def test_city_with_no_value_gets_nan_not_a_number():
    result = arithmetic_mean(np.array([[np.nan, np.nan], [1.0, 3.0]]), np.array([1.0, 1.0]))
    assert np.isnan(result[0]) and result[1] == 2.0


def test_copeland_dominance_pair_golden():
    # methods.md §9: two indicators, equal weights, a dominates b on both → e_ab = 1
    shares = outranking_matrix(np.array([[5.0, 7.0], [1.0, 2.0]]), np.array([1.0, 1.0]))
    assert shares[0, 1] == 1.0 and shares[1, 0] == 0.0
    assert copeland_score(np.array([[5.0, 7.0], [1.0, 2.0]]), np.array([1.0, 1.0])).tolist() == [1.0, -1.0]


@given(problems())
def test_copeland_is_zero_sum_and_bounded(problem):
    values, weights = problem
    scores = copeland_score(values, weights)
    n = values.shape[0]
    assert scores.sum() == 0 and np.all(np.abs(scores) <= n - 1)


@given(problems())
def test_copeland_depends_only_on_the_order_within_each_indicator(problem):
    values, weights = problem
    transformed = np.log(values) * 3 + 7  # strictly increasing in every column, in exact arithmetic
    # in floating point two values one ulp apart can round to one: then the order is not kept
    assume(np.array_equal(np.sign(values[:, None] - values[None]), np.sign(transformed[:, None] - transformed[None])))
    assert np.array_equal(copeland_score(values, weights), copeland_score(transformed, weights))


@given(problems(), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_copeland_stack_equals_one_call_per_vector(problem, runs, seed):
    values, weights = problem
    stack = np.random.default_rng(seed).uniform(0.1, 2.0, size=(runs, weights.size))
    looped = np.stack([copeland_score(values, w) for w in stack])
    assert np.array_equal(copeland_score(values, stack), looped)
    assert np.array_equal(copeland_score(np.broadcast_to(values, (runs, *values.shape)), stack), looped)


def test_copeland_weights_are_votes_and_missing_values_are_skipped():
    values = np.array([[3.0, 1.0, 1.0], [1.0, 3.0, 3.0]])
    assert copeland_score(values, np.array([3.0, 1.0, 1.0])).tolist() == [1.0, -1.0]  # 3 votes beat 2
    assert copeland_score(values, np.array([1.0, 1.0, 1.0])).tolist() == [-1.0, 1.0]
    holed = np.array([[3.0, np.nan], [1.0, 5.0]])
    assert outranking_matrix(holed, np.array([1.0, 1.0]))[0, 1] == 1.0  # only the shared indicator votes


def test_a_kernel_rejects_an_option_it_does_not_have():
    with pytest.raises(TypeError):
        arithmetic_mean(np.array([[1.0, 2.0]]), np.array([1.0, 1.0]), p=2)


def test_aggregation_threshold_golden():
    # COINr dat_thresh: a node is NA when the share of its children with a value is below the threshold
    from indexlib.scoring import thresholded

    values = np.array([[10.0, np.nan, np.nan], [10.0, 20.0, np.nan], [10.0, 20.0, 30.0]])
    scores = thresholded(arithmetic_mean, 0.5, values, np.ones(3))
    assert np.isnan(scores[0]) and scores[1:].tolist() == [15.0, 20.0]
    assert thresholded(arithmetic_mean, 2 / 3, values, np.ones(3))[1] == 15.0  # 2 of 3 is enough
    batched = thresholded(arithmetic_mean, 0.5, values, np.ones((4, 3)))
    assert batched.shape == (4, 3) and np.isnan(batched[:, 0]).all() and (batched[:, 1] == 15.0).all()
