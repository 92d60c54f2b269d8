"""Weight schemes: round trips, built-ins, and the constructors from indicator weights and from
data-driven methods within dimensions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicators import load_framework
from indicators.errors import DataValidationError, WeightsError
from weights import (
    WeightScheme,
    ahp_weights,
    builtin_schemes,
    entropy_weights,
    get_method,
    load_scheme,
    scheme_from_indicator_weights,
    scheme_within_nodes,
)

FW = load_framework("gctsi-2025")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(2025)
    return pd.DataFrame(
        rng.lognormal(size=(125, 24)), columns=FW.indicator_ids, index=[f"city{i:03d}" for i in range(125)]
    )


def test_builtin_schemes_are_listed() -> None:
    assert builtin_schemes() == ["ahp-example", "equal-dimensions", "equal-indicators", "expert-budget-example"]


@pytest.mark.parametrize("name", builtin_schemes())
def test_every_builtin_scheme_applies_to_gctsi_2025(name: str) -> None:
    scheme = load_scheme(name)
    assert scheme.id == name and scheme.framework == "gctsi-2025"
    effective = scheme.apply(FW).effective_weights()
    assert list(effective.index) == FW.indicator_ids
    assert effective.sum() == pytest.approx(1.0, abs=1e-12)
    assert (effective > 0).all()


@pytest.mark.parametrize("name", builtin_schemes())
def test_builtin_schemes_round_trip_toml_and_json(name: str, tmp_path) -> None:
    scheme = load_scheme(name)
    assert WeightScheme.from_toml(scheme.to_toml()) == scheme
    assert WeightScheme.from_json(scheme.to_json()) == scheme
    for suffix in (".toml", ".json"):
        path = scheme.save(tmp_path / f"{name}{suffix}")
        assert WeightScheme.from_file(path) == scheme
        assert load_scheme(path) == scheme


def test_equal_dimensions_is_the_framework_default() -> None:
    scheme = load_scheme("equal-dimensions")
    assert scheme.weights == WeightScheme.from_framework(FW).weights
    pd.testing.assert_series_equal(scheme.apply(FW).effective_weights(), FW.effective_weights())
    # METHODS.md §9: 1/6 dimensions; 4 indicators → 1/24 each, 3 indicators → 1/18.
    effective = scheme.effective_weights(FW)
    assert effective["01"] == pytest.approx(1 / 24) and effective["14"] == pytest.approx(1 / 18)


def test_equal_indicators_gives_one_in_24() -> None:
    scheme = load_scheme("equal-indicators")
    assert scheme.effective_weights(FW).tolist() == pytest.approx([1 / 24] * 24)
    assert scheme.weights["innovation_potential"] == 5.0


def test_expert_budget_example_is_labelled_and_reproduces_its_allocation() -> None:
    scheme = load_scheme("expert-budget-example")
    assert scheme.illustrative and "ILLUSTRATIVE" in scheme.description and "not a real survey" in scheme.description
    assert scheme.budget is not None and len(scheme.budget.experts) == 3
    result = scheme.budget.result()
    assert (result.normalised.sum(axis=1) == 1).all()
    dims = FW.dimension_ids
    stored = pd.Series({d: scheme.weights[d] for d in dims})
    assert (stored / stored.sum()).tolist() == pytest.approx(result.weights[dims].tolist(), abs=1e-12)


def test_ahp_example_is_consistent_and_recomputable() -> None:
    scheme = load_scheme("ahp-example")
    assert scheme.illustrative and "ILLUSTRATIVE" in scheme.description
    assert scheme.ahp is not None and list(scheme.ahp.elements) == FW.dimension_ids
    result = ahp_weights(np.array(scheme.ahp.matrix), labels=list(scheme.ahp.elements))
    assert result.consistency_ratio < 0.1
    stored = pd.Series({d: scheme.weights[d] for d in FW.dimension_ids})
    assert (stored / stored.sum()).tolist() == pytest.approx(result.weights.tolist(), abs=1e-12)
    # The file writes judgements as fractions; they are read exactly.
    assert scheme.ahp.matrix[0][2] == 4.0 and scheme.ahp.matrix[2][0] == 0.25 and scheme.ahp.matrix[2][1] == 1 / 3


def test_generated_scheme_round_trip(tmp_path) -> None:
    rng = np.random.default_rng(0)
    w = pd.Series(rng.dirichlet(np.ones(24)), index=FW.indicator_ids)
    scheme = scheme_from_indicator_weights(FW, w, id="random-dirichlet", description="test")
    path = scheme.save(tmp_path / "random.toml")
    assert WeightScheme.from_file(path) == scheme
    assert WeightScheme.from_json(scheme.to_json()) == scheme


def test_scheme_from_indicator_weights_reproduces_effective_weights(panel) -> None:
    w = entropy_weights(panel, FW)
    scheme = scheme_from_indicator_weights(FW, w, id="entropy-all")
    effective = scheme.apply(FW).effective_weights()
    np.testing.assert_allclose(effective.to_numpy(), w.to_numpy(), rtol=1e-12, atol=1e-15)
    assert scheme.weights["economic_foundation"] == pytest.approx(w[FW.indicators_under("economic_foundation")].sum())


def test_scheme_from_indicator_weights_on_nested_framework() -> None:
    nested = load_framework("gctsi-2025-3pillar")
    rng = np.random.default_rng(3)
    w = pd.Series(rng.dirichlet(np.ones(24)), index=nested.indicator_ids)
    effective = scheme_from_indicator_weights(nested, w).apply(nested).effective_weights()
    np.testing.assert_allclose(effective.to_numpy(), w.to_numpy(), rtol=1e-12)


def test_scheme_from_indicator_weights_with_an_empty_dimension() -> None:
    w = pd.Series(1.0, index=FW.indicator_ids)
    w[FW.indicators_under("ecological_health")] = 0.0
    w = w / w.sum()
    scheme = scheme_from_indicator_weights(FW, w)
    assert scheme.weights["ecological_health"] == 0.0 and scheme.weights["14"] == 1.0
    np.testing.assert_allclose(scheme.apply(FW).effective_weights().to_numpy(), w.to_numpy(), atol=1e-15)


def test_scheme_from_indicator_weights_rejects_mismatches() -> None:
    w = {i: 1 / 24 for i in FW.indicator_ids}
    with pytest.raises(WeightsError, match=r"unknown ids: \['25'\]; expected but missing: \['24'\]"):
        scheme_from_indicator_weights(FW, {**{k: v for k, v in w.items() if k != "24"}, "25": 1 / 24})
    with pytest.raises(WeightsError, match=r"sum to 2.0, not 1"):
        scheme_from_indicator_weights(FW, {k: 2 * v for k, v in w.items()})
    doubled = scheme_from_indicator_weights(FW, {k: 2 * v for k, v in w.items()}, renormalise=True)
    assert doubled.effective_weights(FW).tolist() == pytest.approx([1 / 24] * 24)


def test_scheme_within_nodes_keeps_node_weights(panel) -> None:
    scheme = scheme_within_nodes(FW, "entropy", panel)
    assert scheme.id == "entropy-within-dimensions"
    for node in FW.dimension_ids:
        assert scheme.weights[node] == 1.0
        children = list(FW.children(node))
        expected = entropy_weights(panel[children], FW)
        assert [scheme.weights[c] for c in children] == pytest.approx(expected.tolist(), abs=1e-15)
    effective = scheme.apply(FW).effective_weights()
    for node in FW.dimension_ids:
        assert effective[FW.indicators_under(node)].sum() == pytest.approx(1 / 6)


def test_scheme_within_nodes_uses_framework_polarity(panel) -> None:
    with_polarity = scheme_within_nodes(FW, "critic", panel)
    without = scheme_within_nodes(FW, "critic", panel, polarity=None)
    # Public life mixes "-" and "+" indicators, so polarity matters there.
    children = list(FW.children("public_life"))
    assert [with_polarity.weights[c] for c in children] != pytest.approx([without.weights[c] for c in children])


def test_scheme_within_nodes_accepts_a_callable_and_checks_it(panel) -> None:
    scheme = scheme_within_nodes(FW, get_method("equal"), panel, id="equal-again")
    assert scheme.effective_weights(FW).tolist() == pytest.approx(FW.effective_weights().tolist())

    def broken(data: pd.DataFrame, polarity: object = None) -> pd.Series:
        return pd.Series(1.0, index=["x"])

    with pytest.raises(WeightsError, match="returned weights for"):
        scheme_within_nodes(FW, broken, panel)


def test_scheme_within_nodes_needs_every_indicator(panel) -> None:
    with pytest.raises(DataValidationError, match=r"no column for indicators \['24'\]"):
        scheme_within_nodes(FW, "entropy", panel.drop(columns="24"))
