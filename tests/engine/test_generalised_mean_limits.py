"""The generalised mean for large |p| (scaled by the extreme value) and its limits p → ±inf."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import indexlib
from _support import small_framework, small_panel
from indexlib.aggregate import generalised_mean
from indexlib.methodology import Methodology
from indicators.errors import SpecificationError

magnitude = st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=0.01, max_value=1e4, allow_nan=False)
weight = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=10.0))
exponent = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([np.inf, -np.inf, 400.0, -400.0]))


@st.composite
def problems(draw, elements=magnitude):
    n, k = draw(st.integers(1, 8)), draw(st.integers(1, 6))
    values = draw(arrays(np.float64, (n, k), elements=elements))
    weights = draw(arrays(np.float64, (k,), elements=weight))
    weights[draw(st.integers(0, k - 1))] += 0.5  # at least one positive weight
    return values, weights


@given(problems(), exponent)
def test_between_min_and_max_of_weighted_values_for_any_p(problem, p):
    values, weights = problem
    used = values[:, weights > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, underflow or invalid-value warning either
        result = generalised_mean(values, weights, p=p)
    assert np.isfinite(result).all()
    assert np.all(result >= used.min(axis=1) * (1 - 1e-9)) and np.all(result <= used.max(axis=1) * (1 + 1e-9))


@given(problems(), st.lists(exponent, min_size=2, max_size=5))
def test_non_decreasing_in_p_over_the_whole_range(problem, exponents):
    values, weights = problem
    results = [generalised_mean(values, weights, p=p) for p in sorted(exponents)]
    for lower, higher in itertools.pairwise(results):
        assert np.all(lower <= higher * (1 + 1e-9))


@given(problems(moderate), st.floats(-5, 5).filter(lambda p: abs(p) > 1e-3))
def test_matches_the_plain_formula_for_moderate_p(problem, p):
    values, weights = problem
    plain = (values ** p @ weights / weights.sum()) ** (1 / p)
    np.testing.assert_allclose(generalised_mean(values, weights, p=p), plain, rtol=1e-9)


@given(problems(st.floats(1.0, 100.0)))
def test_p_400_is_finite_and_close_to_the_maximum(problem):
    values, weights = problem
    result = generalised_mean(values, weights, p=400)
    used = np.where(weights > 0, values, -np.inf)
    top = used.max(axis=1)
    share_of_top = np.where(used == top[:, None], weights, 0.0).sum(axis=1) / weights.sum()
    # Σ w y^p ≥ w_top·top^p gives M_p ≥ top·share^(1/p)
    assert np.all(result <= top * (1 + 1e-12))
    assert np.all(result >= top * share_of_top ** (1 / 400) * (1 - 1e-12))


def test_limits_are_the_weighted_maximum_and_minimum():
    values = np.array([[20.0, 80.0, 500.0], [3.0, np.nan, 1.0]])
    weights = np.array([1.0, 2.0, 0.0])  # the zero-weight 500 is neither the scale nor the limit
    assert generalised_mean(values, weights, p=np.inf).tolist() == [80.0, 3.0]
    assert generalised_mean(values, weights, p=-np.inf).tolist() == [20.0, 3.0]
    assert generalised_mean(values, weights, p=1e300).tolist() == [80.0, 3.0]
    assert np.isnan(generalised_mean(np.array([[np.nan, np.nan]]), np.ones(2), p=400)).all()


@given(problems(), exponent, st.integers(1, 4))
def test_batched_weights_match_one_vector_at_a_time(problem, p, runs):
    values, weights = problem
    stack = np.stack([np.roll(weights, r) for r in range(runs)])
    batched = generalised_mean(values, stack, p=p)
    for r in range(runs):
        np.testing.assert_allclose(batched[r], generalised_mean(values, stack[r], p=p), rtol=1e-12)


def test_build_with_p_400_ranks_cities_apart():
    method = Methodology.parse({"aggregation": {"method": "generalised", "p": 400}, "missing": {"method": "median"}})
    result = indexlib.build(small_panel(), method, small_framework())
    scores = result.raw_scores[result.root]
    assert np.isfinite(scores).all() and scores.nunique() == len(scores)
    assert result.ranks[result.root].min() == 1 and result.ranks[result.root].max() == len(scores)


def test_a_methodology_cannot_set_an_infinite_exponent():
    with pytest.raises(SpecificationError, match="p"):
        Methodology.parse({"aggregation": {"method": "generalised", "p": float("inf")}})
