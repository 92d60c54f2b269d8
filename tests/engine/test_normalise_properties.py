"""Hypothesis property tests for every normaliser: bounds, monotonicity, polarity, unit invariance,
permutation equivariance, constant-column and NaN policies, fit/transform consistency."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indexlib.errors import DataValidationError, DegenerateIndicatorError, NotFittedError
from indexlib.normalise import (
    NORMALISERS,
    GoalpostNormaliser,
    MinMaxNormaliser,
    PercentileNormaliser,
    RankNormaliser,
    ReferenceNormaliser,
    ZScoreNormaliser,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def panels(draw, min_rows=3, max_rows=25, columns=3):
    """Finite matrices whose columns are not constant (relative spread well above rounding)."""
    n = draw(st.integers(min_rows, max_rows))
    data = draw(arrays(np.float64, (n, columns), elements=finite))
    for j in range(columns):
        assume(np.ptp(data[:, j]) > 1e-6 * max(1.0, np.abs(data[:, j]).max()))
    return data


polarities = st.lists(st.sampled_from(["+", "-"]), min_size=3, max_size=3)
affine = st.tuples(st.floats(0.01, 1000), st.floats(-1000, 1000))

SCALE_FREE = [MinMaxNormaliser, ZScoreNormaliser, PercentileNormaliser, RankNormaliser]


@given(panels(), polarities)
def test_bounded_methods_stay_in_range(data, polarity):
    for estimator in (MinMaxNormaliser(polarity=polarity, feature_range=(1, 100)),
                      PercentileNormaliser(polarity=polarity, feature_range=(1, 100))):
        y = estimator.fit_transform(data)
        assert np.all(y >= 1 - 1e-9) and np.all(y <= 100 + 1e-9)
    y = MinMaxNormaliser(polarity=polarity).fit_transform(data)
    assert np.allclose(y.min(axis=0), 0) and np.allclose(y.max(axis=0), 100)


@given(panels(), polarities)
def test_monotone_in_the_direction_of_polarity(data, polarity):
    sign = np.array([1.0 if p == "+" else -1.0 for p in polarity])
    for cls in SCALE_FREE:
        y = cls(polarity=polarity).fit_transform(data)
        for j in range(data.shape[1]):
            order = np.argsort(sign[j] * data[:, j], kind="stable")
            assert np.all(np.diff(y[order, j]) >= -1e-9), cls.__name__


@given(panels())
def test_polarity_reversal_gives_the_mirror_image(data):
    plus, minus = ["+"] * 3, ["-"] * 3
    lo, hi = 0.0, 100.0
    a = MinMaxNormaliser(polarity=plus).fit_transform(data)
    b = MinMaxNormaliser(polarity=minus).fit_transform(data)
    assert np.allclose(a + b, lo + hi, atol=1e-7)
    z_plus = ZScoreNormaliser(polarity=plus).fit_transform(data)
    z_minus = ZScoreNormaliser(polarity=minus).fit_transform(data)
    assert np.allclose(z_plus, -z_minus, atol=1e-9)
    if all(len(np.unique(data[:, j])) == data.shape[0] for j in range(3)):  # no ties: exact mirror
        p_plus = PercentileNormaliser(polarity=plus).fit_transform(data)
        p_minus = PercentileNormaliser(polarity=minus).fit_transform(data)
        assert np.allclose(p_plus + p_minus, 100.0)


@given(panels(), affine)
def test_invariant_to_positive_affine_change_of_units(data, ab):
    a, b = ab
    changed = a * data + b
    assume(all(np.ptp(changed[:, j]) > 1e-6 * max(1.0, np.abs(changed[:, j]).max()) for j in range(3)))
    for cls in SCALE_FREE:
        original = cls(polarity=["+", "-", "+"]).fit_transform(data)
        rescaled = cls(polarity=["+", "-", "+"]).fit_transform(changed)
        if cls in (RankNormaliser, PercentileNormaliser):
            # ranks compare values; rounding in a*x+b may merge or split near-ties
            assume(all(len(np.unique(changed[:, j])) == len(np.unique(data[:, j])) for j in range(3)))
            assert np.array_equal(original, rescaled), cls.__name__
        else:
            assert np.allclose(original, rescaled, atol=1e-6), cls.__name__


@given(panels(), st.randoms(use_true_random=False))
def test_permutation_equivariant_over_cities(data, random):
    order = list(range(data.shape[0]))
    random.shuffle(order)
    for cls in SCALE_FREE:
        y = cls().fit_transform(data)
        y_permuted = cls().fit_transform(data[order])
        assert np.allclose(y[order], y_permuted, atol=1e-9), cls.__name__


@given(panels())
def test_ties_share_the_lowest_rank(data):
    data = np.vstack([data, data[:1]])  # duplicate the first city: a guaranteed tie
    ranks = RankNormaliser().fit_transform(data)
    assert np.array_equal(ranks[0], ranks[-1])
    for j in range(3):
        assert ranks[0, j] == 1 + np.sum(data[:, j] < data[0, j])


@given(panels(), panels())
def test_fit_then_transform_equals_fit_transform_and_applies_to_new_years(reference, other):
    for cls in SCALE_FREE:
        fitted = cls().fit(reference)
        assert np.allclose(fitted.transform(reference), cls().fit_transform(reference), equal_nan=True)
        assert fitted.transform(other).shape == other.shape


def test_constant_column_policy():
    data = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    for cls in (MinMaxNormaliser, ZScoreNormaliser, PercentileNormaliser):
        with pytest.raises(DegenerateIndicatorError, match="x1"):
            cls().fit(data)
        y = cls(on_constant="midpoint").fit_transform(data)
        assert np.all(y[:, 1] == y[0, 1])
    assert np.all(MinMaxNormaliser(on_constant="midpoint").fit_transform(data)[:, 1] == 50.0)


def test_constant_column_error_names_the_indicator_of_a_dataframe():
    frame = pd.DataFrame({"05": [1.0, 2.0, 3.0], "21": [4.0, 4.0, 4.0]})
    with pytest.raises(DegenerateIndicatorError, match="'21'"):
        MinMaxNormaliser().fit(frame)


def test_nan_is_ignored_in_fit_and_kept_in_transform():
    data = np.array([[1.0, 10.0], [np.nan, 20.0], [3.0, 30.0], [2.0, np.nan]])
    for cls in SCALE_FREE:
        y = cls().fit_transform(data)
        assert np.isnan(y[1, 0]) and np.isnan(y[3, 1])
        complete = cls().fit(data[[0, 2, 3]][:, :1]).transform(data[[0, 2, 3]][:, :1])
        assert np.allclose(y[[0, 2, 3], 0], complete[:, 0])


def test_infinite_values_raise_a_clear_error():
    with pytest.raises(DataValidationError, match="inf"):
        MinMaxNormaliser().fit([[1.0, np.inf], [2.0, 3.0], [3.0, 4.0]])


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError, match="not fitted"):
        MinMaxNormaliser().transform([[1.0]])


def test_pandas_output_and_feature_names():
    frame = pd.DataFrame({"05": [1.0, 2.0, 4.0], "21": [3.0, 1.0, 2.0]}, index=["a", "b", "c"])
    est = MinMaxNormaliser(polarity=["+", "-"]).set_output(transform="pandas")
    out = est.fit_transform(frame)
    assert list(out.columns) == ["05", "21"] and list(est.get_feature_names_out()) == ["05", "21"]
    assert out.loc["b", "21"] == 100.0 and out.loc["c", "05"] == 100.0


def test_goalposts_are_fixed_and_truncated():
    est = GoalpostNormaliser(goalposts=[[0, 10], [0, 100]], polarity=["+", "-"])
    y = est.fit_transform([[5.0, 25.0], [20.0, -5.0], [0.0, 100.0]])
    assert y.tolist() == [[50.0, 75.0], [100.0, 100.0], [0.0, 0.0]]
    with pytest.raises(DataValidationError, match="low < high"):
        GoalpostNormaliser(goalposts=[[1, 1], [0, 1]]).fit([[1.0, 1.0], [2.0, 2.0]])


def test_distance_to_reference_city():
    # a (+): worst 1, reference 3 → (x − 1)/(3 − 1); b (−): adjusted −b, worst −20, reference −5.
    frame = pd.DataFrame({"a": [1.0, 3.0, 5.0], "b": [10.0, 5.0, 20.0]}, index=["x", "ref", "z"])
    y = ReferenceNormaliser(reference_city="ref", polarity=["+", "-"]).fit_transform(frame)
    assert y[1].tolist() == [100.0, 100.0]
    assert y[0, 0] == 0.0 and y[2, 0] == 100.0  # z is better than the reference: capped
    assert y[0, 1] == pytest.approx(100 * 10 / 15) and y[2, 1] == 0.0
    with pytest.raises(DegenerateIndicatorError, match="worst"):
        ReferenceNormaliser(reference_city="x").fit(frame)


def test_registry_lists_every_method_and_suggests_names():
    assert NORMALISERS.names() == ["borda", "fracmax", "goalposts", "minmax", "percentile", "rank", "reference",
                                "scaled", "target", "zscore"]
    with pytest.raises(KeyError, match=r"did you mean 'minmax'|Did you mean 'minmax'"):
        NORMALISERS.get("minmx")
