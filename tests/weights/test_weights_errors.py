"""Bad input: every error is a clear IndexlibError naming the indicator, position, expert or id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import load_framework
from indicators.errors import (
    DataValidationError,
    DegenerateIndicatorError,
    DomainError,
    SpecificationError,
    UnknownMethodError,
    WeightsError,
)
from weights import (
    WeightScheme,
    ahp_group_weights,
    ahp_weights,
    bod_weights,
    budget_weights,
    combine_weights,
    critic_weights,
    entropy_weights,
    equal_weights,
    get_method,
    load_scheme,
    pca_weights,
    variation_weights,
)

X = pd.DataFrame(
    {"a": [1.0, 2, 3, 4], "b": [10.0, 20, 15, 30], "c": [3.0, 1, 2, 5]}, index=["LIS", "PAR", "ROM", "OSL"]
)
DATA_METHODS = [entropy_weights, critic_weights, variation_weights, pca_weights, bod_weights]


# ---------------------------------------------------------------- AHP
def test_ahp_not_reciprocal_names_position() -> None:
    with pytest.raises(WeightsError, match=r"not reciprocal.*\(0, 1\).*a\[0,1\]·a\[1,0\] = 1\.5"):
        ahp_weights([[1, 3], [1 / 2, 1]])


def test_ahp_not_positive_names_position_and_labels() -> None:
    matrix = pd.DataFrame([[1, -3, 1], [1 / 3, 1, 1], [1, 1, 1]], index=list("xyz"), columns=list("xyz"))
    with pytest.raises(WeightsError, match=r"positive.*\(0, 1\) \('x' vs 'y'\) = -3"):
        ahp_weights(matrix)


@pytest.mark.parametrize(
    ("matrix", "pattern"),
    [
        ([[1, 2, 3], [1 / 2, 1, 1]], "square"),
        ([[2, 1], [1, 1]], r"diagonal.*\(0, 0\)"),
        ([[1, 12], [1 / 12, 1]], r"Saaty's scale.*\(0, 1\) = 12"),
        ([[1, np.nan], [1, 1]], r"finite.*\(0, 1\)"),
        ([["1", "x"], ["1", "1"]], "numeric"),
    ],
)
def test_ahp_invalid_matrices(matrix, pattern) -> None:
    with pytest.raises(WeightsError, match=pattern):
        ahp_weights(matrix)


def test_ahp_inconsistent_raises_value_error_unless_allowed() -> None:
    cyclic = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    with pytest.raises(ValueError, match="inconsistent: consistency ratio"):
        ahp_weights(cyclic)
    with pytest.raises(WeightsError):
        ahp_weights(cyclic)
    result = ahp_weights(cyclic, allow_inconsistent=True)
    assert result.consistency_ratio > 0.1 and not result.is_consistent
    assert result.weights.tolist() == pytest.approx([1 / 3] * 3)


def test_ahp_needs_random_index_for_its_size() -> None:
    v = np.linspace(1, 2, 16)
    with pytest.raises(SpecificationError, match="no random index for n = 16"):
        ahp_weights(v[:, None] / v[None, :])
    assert ahp_weights(v[:, None] / v[None, :], random_index={16: 1.6}).consistency_ratio == pytest.approx(0, abs=1e-9)


def test_ahp_dataframe_labels_must_match() -> None:
    with pytest.raises(WeightsError, match="row labels"):
        ahp_weights(pd.DataFrame([[1, 2], [0.5, 1]], index=["x", "y"], columns=["x", "z"]))


def test_ahp_group_names_the_expert() -> None:
    with pytest.raises(WeightsError, match=r"expert 'B'.*not reciprocal"):
        ahp_group_weights({"A": [[1, 3], [1 / 3, 1]], "B": [[1, 3], [1, 1]]})
    with pytest.raises(WeightsError, match="no expert"):
        ahp_group_weights([])
    a = pd.DataFrame([[1, 2], [0.5, 1]], index=["x", "y"], columns=["x", "y"])
    b = pd.DataFrame([[1, 2], [0.5, 1]], index=["x", "z"], columns=["x", "z"])
    with pytest.raises(WeightsError, match="expert 1 compares"):
        ahp_group_weights([a, b])


# ---------------------------------------------------------------- data-driven methods
@pytest.mark.parametrize("method", DATA_METHODS)
def test_nan_is_rejected_naming_indicator_and_cities(method) -> None:
    bad = X.copy()
    bad.loc["PAR", "b"] = np.nan
    with pytest.raises(DataValidationError, match=r"indicator 'b' has NaN for 1 of 4 cities \('PAR'\)"):
        method(bad)


@pytest.mark.parametrize("method", DATA_METHODS)
def test_inf_is_rejected_naming_indicator(method) -> None:
    bad = X.copy()
    bad.loc["ROM", "c"] = np.inf
    with pytest.raises(DataValidationError, match=r"indicator 'c' has inf.*'ROM'") as info:
        method(bad)
    assert info.value.problems and "inf" in info.value.problems[0]


def test_every_non_finite_problem_is_listed() -> None:
    bad = X.copy()
    bad.loc["LIS", "a"] = np.nan
    bad.loc["OSL", "c"] = -np.inf
    with pytest.raises(DataValidationError) as info:
        entropy_weights(bad)
    assert len(info.value.problems) == 2
    assert "indicator 'a' has NaN" in str(info.value) and "indicator 'c' has inf" in str(info.value)


def test_unlabelled_array_names_the_column() -> None:
    with pytest.raises(DataValidationError, match="column 1 has NaN"):
        entropy_weights(np.array([[1.0, np.nan], [2.0, 3.0], [3.0, 1.0]]))


def test_variation_rejects_non_positive_data_naming_indicator() -> None:
    bad = X.copy()
    bad.loc["ROM", "b"] = -2.0
    with pytest.raises(DomainError, match=r"variation_weights: indicator 'b' has values ≤ 0 for 1 cities \('ROM'"):
        variation_weights(bad)


def test_critic_rejects_constant_indicator_naming_it() -> None:
    bad = X.assign(c=7.0)
    with pytest.raises(DegenerateIndicatorError, match=r"indicator 'c' is constant \(value 7\.0\)"):
        critic_weights(bad)


def test_pca_rejects_constant_indicator() -> None:
    with pytest.raises(DegenerateIndicatorError, match="indicator 'a' is constant"):
        pca_weights(X.assign(a=1.0))


def test_bod_rejects_negative_data() -> None:
    with pytest.raises(DomainError, match=r"indicator 'a' has values < 0"):
        bod_weights(X.assign(a=[-1.0, 0, 1, 2]))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"lower": -0.1}, "lower bounds must be ≥ 0"),
        ({"lower": 0.5, "upper": 0.2}, "lower bound above upper"),
        ({"lower": 1.0}, r"infeasible.*city 'OSL'"),
        ({"share_lower": 0.5}, "cannot add up to 1"),
        ({"share_upper": [0.2, 0.2, 0.2]}, "cannot add up to 1"),
        ({"share_lower": 0.6, "share_upper": 0.5}, "share_lower ≤ share_upper"),
        ({"upper": [1.0, 2.0]}, "2 values for 3 indicators"),
        ({"lower": {"zz": 0.1}}, r"unknown indicators \['zz'\]"),
    ],
)
def test_bod_rejects_bad_restrictions(kwargs, pattern) -> None:
    with pytest.raises(WeightsError, match=pattern):
        bod_weights(X / 30, **kwargs)


def test_bod_unknown_city() -> None:
    with pytest.raises(DataValidationError, match=r"unknown cities \['NYC'\]"):
        bod_weights(X, cities=["LIS", "NYC"])


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (pd.DataFrame({"a": ["x", "y", "z"]}), r"\['a'\] are not numeric"),
        (pd.DataFrame([[1.0, 2.0], [2.0, 1.0]], columns=["a", "a"]), "duplicated indicator columns"),
        (pd.DataFrame({"a": [1.0]}), "at least 2 cities"),
        (np.array([1.0, 2.0, 3.0]), "2-D"),
        (pd.Series([1.0, 2.0]), "Series"),
        (pd.DataFrame(index=[0, 1]), "no indicator columns"),
    ],
)
def test_malformed_data(data, pattern) -> None:
    with pytest.raises(DataValidationError, match=pattern):
        entropy_weights(data)


@pytest.mark.parametrize(
    ("polarity", "pattern"),
    [
        ({"a": 1, "b": 1}, r"missing for indicators \['c'\]"),
        ([1, 1], "2 values for 3 indicators"),
        ([1, 2, 1], "polarity of indicator 'b' is 2"),
        ("+", "not the string"),
    ],
)
def test_bad_polarity(polarity, pattern) -> None:
    with pytest.raises(SpecificationError, match=pattern):
        entropy_weights(X, polarity)


def test_polarity_by_id_needs_labelled_data() -> None:
    with pytest.raises(SpecificationError, match="unlabelled array"):
        critic_weights(X.to_numpy(), {"a": 1, "b": 1, "c": 1})


def test_entropy_bad_options() -> None:
    with pytest.raises(SpecificationError, match="zero_handling"):
        entropy_weights(X, zero_handling="epsilon")  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="shift"):
        entropy_weights(X, zero_handling="shift", shift=0.0)


def test_pca_bad_options() -> None:
    with pytest.raises(SpecificationError, match="n_factors"):
        pca_weights(X, n_factors=4)
    with pytest.raises(SpecificationError, match="min_variance_share"):
        pca_weights(X, min_variance_share=1.5)


def test_unknown_method_lists_valid_names_and_suggests() -> None:
    valid = r"valid names: critic, entropy, equal, pca, variation\. Did you mean 'entropy'\?"
    with pytest.raises(UnknownMethodError, match=valid):
        get_method("entrop")
    with pytest.raises(KeyError):
        get_method("topsis")


# ---------------------------------------------------------------- participatory and combination
def test_budget_negative_points_name_expert_and_element() -> None:
    with pytest.raises(WeightsError, match=r"expert 'B' gives negative points \(-5\) to 'y'"):
        budget_weights({"A": {"x": 50, "y": 50}, "B": {"x": 105, "y": -5}})


def test_budget_all_zero_expert() -> None:
    with pytest.raises(WeightsError, match="expert 'B' gives 0 points to every element"):
        budget_weights({"A": {"x": 50, "y": 50}, "B": {"x": 0, "y": 0}})


def test_budget_mismatched_elements_name_expert_and_elements() -> None:
    with pytest.raises(WeightsError, match=r"expert 'B'.*unknown elements: \['z'\]; expected but missing: \['y'\]"):
        budget_weights({"A": {"x": 50, "y": 50}, "B": {"x": 50, "z": 50}})


def test_budget_total_and_non_finite() -> None:
    with pytest.raises(WeightsError, match="allocates 90 points, not the budget of 100"):
        budget_weights({"A": {"x": 50, "y": 40}}, total=100)
    with pytest.raises(WeightsError, match="expert 'A' gives nan points to 'y'"):
        budget_weights({"A": {"x": 50, "y": float("nan")}})
    with pytest.raises(WeightsError, match="no experts"):
        budget_weights({})


def test_combine_mismatched_keys_lists_both_sides() -> None:
    with pytest.raises(WeightsError, match=r"only in w1: \['c'\]; only in w2: \['d'\]"):
        combine_weights({"a": 0.5, "c": 0.5}, {"a": 0.5, "d": 0.5})


HALVES = {"a": 0.5, "b": 0.5}


@pytest.mark.parametrize(
    ("w1", "w2", "kwargs", "error", "pattern"),
    [
        ({"a": 0.7, "b": 0.7}, HALVES, {}, WeightsError, "sums to 1.4, not 1"),
        ({"a": -0.5, "b": 1.5}, HALVES, {}, WeightsError, r"\['a'\] are negative"),
        ({"a": float("nan"), "b": 1.0}, HALVES, {}, WeightsError, "NaN or inf"),
        (HALVES, HALVES, {"alpha": 1.5}, SpecificationError, r"alpha must be in \[0, 1\]"),
        (HALVES, HALVES, {"alpha": 0.3, "method": "multiplicative"}, SpecificationError, "linear' only"),
        (HALVES, HALVES, {"method": "geometric"}, SpecificationError, "method must be"),
        ({"a": 1.0, "b": 0.0}, {"a": 0.0, "b": 1.0}, {"method": "multiplicative"}, WeightsError, "product is 0"),
    ],
)
def test_combine_rejects_bad_input(w1, w2, kwargs, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        combine_weights(w1, w2, **kwargs)


def test_equal_weights_rejects_nonsense() -> None:
    with pytest.raises(WeightsError, match="at least one element"):
        equal_weights(0)
    with pytest.raises(WeightsError, match="duplicated ids"):
        equal_weights(["a", "a"])
    with pytest.raises(WeightsError, match="positive int or a sequence"):
        equal_weights("abc")  # type: ignore[arg-type]


# ---------------------------------------------------------------- schemes
FW = load_framework("gctsi-2025")


def test_scheme_missing_and_extra_keys_are_listed() -> None:
    weights = load_scheme("equal-dimensions").weights.copy()
    del weights["05"]
    weights["99"] = 1.0
    scheme = WeightScheme(id="broken", framework="gctsi-2025", weights=weights)
    with pytest.raises(WeightsError, match=r"unknown ids: \['99'\]; expected but missing: \['05'\]"):
        scheme.apply(FW)


def test_scheme_root_is_not_weighted() -> None:
    weights = {**load_scheme("equal-dimensions").weights, "index": 1.0}
    with pytest.raises(WeightsError, match="'index' is the root"):
        WeightScheme(id="rooted", framework="gctsi-2025", weights=weights).apply(FW)


def test_scheme_all_zero_siblings_name_the_node() -> None:
    weights = {**load_scheme("equal-dimensions").weights, "14": 0.0, "15": 0.0, "16": 0.0}
    with pytest.raises(WeightsError, match=r"children of node\(s\) \['ecological_health'\] are zero"):
        WeightScheme(id="zeros", framework="gctsi-2025", weights=weights).apply(FW)


@pytest.mark.parametrize(
    ("value", "pattern"), [(-1.0, r"'05' is negative"), (float("nan"), r"'05' is nan; weights must be finite")]
)
def test_scheme_negative_or_nan_weight_names_the_id(value, pattern) -> None:
    data = load_scheme("equal-dimensions").to_dict()
    data["weights"]["05"] = value
    with pytest.raises(WeightsError, match=pattern):
        WeightScheme.parse(data)


def test_scheme_for_another_framework() -> None:
    other = load_framework("gctsi-2025-3pillar")
    scheme = load_scheme("equal-dimensions")
    with pytest.raises(WeightsError, match="made for framework 'gctsi-2025', not 'gctsi-2025-3pillar'"):
        scheme.apply(other)
    with pytest.raises(WeightsError, match=r"expected but missing: \['value_creation', 'environment', 'livability'\]"):
        scheme.apply(other, check_framework=False)


def test_scheme_unknown_field_and_unknown_name() -> None:
    data = {**load_scheme("equal-dimensions").to_dict(), "weigths": {}}
    with pytest.raises(WeightsError, match=r"unknown setting 'weigths'; did you mean 'weights'\?"):
        WeightScheme.parse(data)
    with pytest.raises(WeightsError, match=r"neither a built-in scheme .*equal-indicators"):
        load_scheme("equal-cities")


def test_scheme_elicitation_must_reproduce_weights() -> None:
    data = load_scheme("ahp-example").to_dict()
    data["weights"]["economic_foundation"] = 0.5
    with pytest.raises(WeightsError, match="do not reproduce the ahp elicitation"):
        WeightScheme.parse(data)
    data = load_scheme("expert-budget-example").to_dict()
    data["budget"]["experts"]["expert_1"]["public_life"] = -1.0
    with pytest.raises(WeightsError, match="expert 'expert_1' gives negative points"):
        WeightScheme.parse(data)


def test_scheme_bad_files(tmp_path) -> None:
    (tmp_path / "bad.toml").write_text("id = [", encoding="utf-8")
    with pytest.raises(WeightsError, match="not valid TOML"):
        WeightScheme.from_file(tmp_path / "bad.toml")
    with pytest.raises(WeightsError, match=r"must be .toml or .json"):
        WeightScheme.from_file(tmp_path / "scheme.yaml")
    with pytest.raises(WeightsError, match="not found"):
        WeightScheme.from_file(tmp_path / "missing.json")
