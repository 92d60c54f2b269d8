"""Unit tests of the individual methods beyond the golden values: options, diagnostics, policies."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from indicators import load_framework
from indicators.errors import DataQualityWarning
from weights import (
    SAATY_RI,
    ahp_group_weights,
    ahp_weights,
    bod_weights,
    budget_weights,
    combine_weights,
    critic_weights,
    entropy_kernel,
    entropy_weights,
    equal_weights,
    get_method,
    pca_weights,
    variation_weights,
    varimax,
)

X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [10.0, 20, 15, 30], "c": [3.0, 1, 2, 5]})


# ---------------------------------------------------------------- equal
def test_equal_weights_by_count_and_by_ids() -> None:
    assert equal_weights(4).tolist() == [0.25] * 4
    by_ids = equal_weights(["x", "y", "z"])
    assert list(by_ids.index) == ["x", "y", "z"] and by_ids.sum() == pytest.approx(1.0)
    assert get_method("equal")(X).tolist() == pytest.approx([1 / 3] * 3)


# ---------------------------------------------------------------- polarity handling
def test_polarity_forms_agree() -> None:
    expected = entropy_weights(X, [1, -1, 1])
    for polarity in ({"a": "+", "b": "-", "c": "+", "extra": "-"}, ["+", "-", "+"], np.array([1.0, -1.0, 1.0]),
                     pd.Series({"c": 1, "b": -1, "a": 1}), ["higher_is_better", "lower_is_better", "higher_is_better"]):
        pd.testing.assert_series_equal(entropy_weights(X, polarity), expected)
    assert not np.allclose(expected, entropy_weights(X))


def test_polarity_from_framework() -> None:
    fw = load_framework("gctsi-2025")
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.lognormal(size=(30, 24)), columns=fw.indicator_ids)
    signs = [1 if i.polarity == "+" else -1 for i in fw.indicators]
    pd.testing.assert_series_equal(critic_weights(data, fw), critic_weights(data, signs))


def test_inputs_are_not_modified() -> None:
    data = X.copy()
    values = data.to_numpy().copy()
    entropy_weights(data, [1, -1, 1], zero_handling="shift")
    critic_weights(data, [1, -1, 1])
    array = values.copy()
    entropy_kernel(array, np.array([1.0, -1.0, 1.0]), zero_handling="shift")
    np.testing.assert_array_equal(data.to_numpy(), values)
    np.testing.assert_array_equal(array, values)


# ---------------------------------------------------------------- entropy
def test_entropy_shift_mode_changes_weights_but_stays_a_simplex() -> None:
    limit = entropy_weights(X)
    shifted = entropy_weights(X, zero_handling="shift", shift=0.01)
    assert shifted.sum() == pytest.approx(1.0)
    assert not np.allclose(limit, shifted)
    # A tiny shift approaches the limit convention.
    assert entropy_weights(X, zero_handling="shift", shift=1e-12).tolist() == pytest.approx(limit.tolist(), abs=1e-6)


def test_entropy_constant_indicator_gets_zero_with_warning() -> None:
    with pytest.warns(DataQualityWarning, match=r"indicator 'c' constant across cities, so weight 0"):
        weights = entropy_weights(X.assign(c=5.0))
    assert weights["c"] == 0.0 and weights.sum() == pytest.approx(1.0)
    assert weights[["a", "b"]].tolist() == pytest.approx(entropy_weights(X[["a", "b"]]).tolist())


def test_entropy_all_constant_gives_equal_weights_with_warning() -> None:
    with pytest.warns(DataQualityWarning, match="every indicator is constant"):
        weights = entropy_weights(pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]}))
    assert weights.tolist() == [0.5, 0.5]


def test_entropy_shift_constant_column_still_zero() -> None:
    with pytest.warns(DataQualityWarning):
        weights = entropy_weights(X.assign(c=5.0), zero_handling="shift")
    assert weights["c"] == 0.0


# ---------------------------------------------------------------- CRITIC and variation
def test_critic_perfectly_correlated_falls_back_to_equal_with_warning() -> None:
    data = pd.DataFrame({"a": [1.0, 2, 3], "b": [2.0, 4, 6], "c": [0.0, 5, 10]})
    with pytest.warns(DataQualityWarning, match="perfectly positively correlated"):
        assert critic_weights(data).tolist() == pytest.approx([1 / 3] * 3)


def test_critic_single_indicator_is_one() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert critic_weights(X[["a"]]).tolist() == [1.0]


def test_critic_rewards_conflict() -> None:
    # c is anti-correlated with a and b, which move together: c carries the most information.
    data = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.1, 2.0, 3.2, 3.9], "c": [4.0, 3, 2, 1]})
    weights = critic_weights(data)
    assert weights.idxmax() == "c"


def test_variation_is_scale_invariant_not_shift_invariant() -> None:
    base = variation_weights(X)
    assert variation_weights(X.assign(b=X["b"] * 7)).tolist() == pytest.approx(base.tolist())
    assert variation_weights(X.assign(b=X["b"] + 100)).tolist() != pytest.approx(base.tolist())


def test_variation_constant_indicator_warns() -> None:
    with pytest.warns(DataQualityWarning, match="indicator 'a' constant"):
        assert variation_weights(X.assign(a=3.0))["a"] == 0.0


# ---------------------------------------------------------------- PCA
def test_pca_noisier_indicator_gets_less_weight() -> None:
    rng = np.random.default_rng(4)
    f = rng.normal(size=(500, 2))
    noise = np.array([0.05, 0.05, 0.8, 0.05, 0.05, 0.05])
    data = pd.DataFrame(np.repeat(f, 3, axis=1) + noise * rng.normal(size=(500, 6)), columns=list("abcdef"))
    result = pca_weights(data)
    assert result.weights.idxmin() == "c"
    assert result.weights.sum() == pytest.approx(1.0)


def test_pca_diagnostics_are_consistent() -> None:
    rng = np.random.default_rng(5)
    f = rng.normal(size=(300, 3))
    data = pd.DataFrame(np.repeat(f, [3, 3, 2], axis=1) + 0.3 * rng.normal(size=(300, 8)))
    result = pca_weights(data)
    assert result.n_retained == 3
    assert result.eigenvalues.sum() == pytest.approx(8.0)
    assert result.variance_share.sum() == pytest.approx(1.0)
    assert result.cumulative_share == pytest.approx(result.variance_share.iloc[:3].sum())
    assert (np.diff(result.eigenvalues.to_numpy()) <= 1e-12).all()
    # Rotation keeps each indicator's communality and the total explained variance.
    np.testing.assert_allclose((result.rotated_loadings**2).sum(axis=1), (result.loadings**2).sum(axis=1), rtol=1e-10)
    assert result.factor_shares.sum() == pytest.approx(1.0)
    assert "eigenvalue > 1" in result.retention_rule and result.converged


def test_pca_weak_structure_warns() -> None:
    rng = np.random.default_rng(6)
    data = pd.DataFrame(rng.normal(size=(200, 12)))
    with pytest.warns(DataQualityWarning, match="less than the 60%"):
        pca_weights(data)


def test_pca_n_factors_override_and_no_rotation() -> None:
    rng = np.random.default_rng(7)
    data = pd.DataFrame(rng.normal(size=(100, 5)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = pca_weights(data, n_factors=1, rotate=False)
    assert result.n_retained == 1 and result.retention_rule == "n_factors=1 given"
    # One unrotated factor: weights are the squared loadings of PC1, normalised.
    squared = result.loadings["PC1"] ** 2
    assert result.weights.tolist() == pytest.approx((squared / squared.sum()).tolist())


def test_varimax_improves_criterion_and_is_orthogonal() -> None:
    rng = np.random.default_rng(8)
    loadings = rng.normal(size=(10, 3))
    rotated, converged = varimax(loadings, kaiser_normalise=False)
    assert converged

    def criterion(L: np.ndarray) -> float:
        return float(((L**2).var(axis=0)).sum())

    assert criterion(rotated) > criterion(loadings)
    rotation, *_ = np.linalg.lstsq(loadings, rotated, rcond=None)
    np.testing.assert_allclose(rotation.T @ rotation, np.eye(3), atol=1e-8)


# ---------------------------------------------------------------- BoD
def test_bod_scores_invariant_to_indicator_scale_weights_absorb_it() -> None:
    Y = pd.DataFrame({"x": [1.0, 0.5, 0.4, 0.2], "y": [0.5, 1.0, 0.4, 0.9]}, index=list("ABCD"))
    base = bod_weights(Y)
    scaled = bod_weights(Y.assign(x=Y["x"] * 1000))
    np.testing.assert_allclose(scaled.scores, base.scores, atol=1e-9)
    np.testing.assert_allclose(scaled.contributions, base.contributions, atol=1e-9)


def test_bod_tiny_magnitudes_are_handled() -> None:
    Y = pd.DataFrame({"x": [1e-12, 0.5e-12, 0.0]})
    assert bod_weights(Y).scores.tolist() == pytest.approx([1.0, 0.5, 0.0])


def test_bod_lower_bound_keeps_every_indicator() -> None:
    Y = pd.DataFrame({"x": [1.0, 0.5, 0.4], "y": [0.5, 1.0, 0.4]}, index=list("ABC"))
    result = bod_weights(Y, lower={"x": 0.2, "y": 0.2})
    assert (result.weights.to_numpy() >= 0.2 - 1e-12).all()
    assert (result.scores <= bod_weights(Y).scores + 1e-12).all()


def test_bod_subset_of_cities() -> None:
    Y = pd.DataFrame({"x": [1.0, 0.5, 0.4], "y": [0.5, 1.0, 0.4]}, index=list("ABC"))
    part = bod_weights(Y, cities=["C"])
    assert list(part.scores.index) == ["C"]
    assert part.scores["C"] == pytest.approx(8 / 15)


# ---------------------------------------------------------------- budget, AHP group, combination
def test_budget_weights_and_spread() -> None:
    result = budget_weights(
        {"A": {"x": 50, "y": 30, "z": 20}, "B": {"x": 30, "y": 30, "z": 40}, "C": {"x": 10, "y": 10, "z": 0}}
    )
    assert result.weights.to_dict() == pytest.approx({"x": (0.5 + 0.3 + 0.5) / 3, "y": (0.3 + 0.3 + 0.5) / 3, "z": 0.2})
    assert result.spread.loc["x"].to_dict() == pytest.approx(
        {"std": np.std([0.5, 0.3, 0.5]), "min": 0.3, "max": 0.5}
    )
    assert result.normalised.sum(axis=1).tolist() == pytest.approx([1, 1, 1])


def test_budget_from_dataframe_and_single_expert() -> None:
    frame = pd.DataFrame({"x": [60.0], "y": [40.0]}, index=["only"])
    result = budget_weights(frame, total=100)
    assert result.weights.tolist() == pytest.approx([0.6, 0.4])
    assert result.spread["std"].tolist() == [0.0, 0.0]


def test_ahp_group_geometric_mean() -> None:
    a = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]
    b = [[1, 1, 3], [1, 1, 2], [1 / 3, 1 / 2, 1]]
    result = ahp_group_weights({"A": a, "B": b}, labels=["p", "q", "r"])
    expected = np.sqrt(np.array(a) * np.array(b))
    np.testing.assert_allclose(result.matrix.to_numpy(), expected)
    assert result.weights.tolist() == pytest.approx(ahp_weights(expected).weights.tolist())
    assert list(result.expert_consistency_ratios.index) == ["A", "B"]
    assert result.expert_consistency_ratios["A"] == pytest.approx(0.0332, abs=5e-5)


def test_ahp_small_matrices_and_fraction_tolerance() -> None:
    assert ahp_weights([[1]]).weights.tolist() == [1.0]
    two = ahp_weights([[1, 4], [0.25, 1]])
    assert two.weights.tolist() == pytest.approx([0.8, 0.2]) and two.consistency_ratio == 0.0
    # Hand-typed 0.333 for 1/3 is accepted.
    assert ahp_weights([[1, 3], [0.333, 1]]).weights.iloc[0] == pytest.approx(0.75, abs=1e-3)
    assert SAATY_RI[6] == 1.24


def test_combine_linear_and_multiplicative() -> None:
    subjective = pd.Series({"a": 0.6, "b": 0.3, "c": 0.1})
    objective = {"c": 0.5, "b": 0.25, "a": 0.25}
    linear = combine_weights(subjective, objective, alpha=0.4)
    assert list(linear.index) == ["a", "b", "c"]
    assert linear.tolist() == pytest.approx([0.4 * 0.6 + 0.6 * 0.25, 0.4 * 0.3 + 0.6 * 0.25, 0.4 * 0.1 + 0.6 * 0.5])
    product = combine_weights(subjective, objective, method="multiplicative")
    raw = np.array([0.6 * 0.25, 0.3 * 0.25, 0.1 * 0.5])
    assert product.tolist() == pytest.approx((raw / raw.sum()).tolist())
    assert combine_weights(subjective, objective).tolist() == pytest.approx(
        combine_weights(subjective, objective, alpha=0.5).tolist()
    )


def test_combine_renormalise_on_request() -> None:
    combined = combine_weights({"a": 2.0, "b": 2.0}, {"a": 1.0, "b": 3.0}, renormalise=True)
    assert combined.tolist() == pytest.approx([0.375, 0.625])
