"""Weights versus importance: the correlation ratio, the table, the weight optimisation."""

from __future__ import annotations

import numpy as np
import pytest

import indexlib
from _support import small_framework, small_panel
from indexlib.importance import correlation_ratio, importance_table, optimise_weights


def test_correlation_ratio_bounds_and_known_cases():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=400)
    assert correlation_ratio(x, 3 * x + 1) == pytest.approx(1.0, abs=1e-6)
    assert correlation_ratio(x, (x - 0.5) ** 2) > 0.95  # non-linear: Pearson r² would be ~0
    assert np.corrcoef(x, (x - 0.5) ** 2)[0, 1] ** 2 < 0.05
    assert correlation_ratio(x, rng.normal(size=400)) < 0.05
    # linear model y = x1 + x2 with independent uniforms: S_i = 1/2 each
    x2 = rng.uniform(size=400)
    assert correlation_ratio(x, x + x2) == pytest.approx(0.5, abs=0.1)


def test_correlation_ratio_handles_ties_and_discrete_values():
    x = np.repeat([0.0, 1.0, 2.0], 20)
    y = x * 2 + np.tile(np.linspace(-0.1, 0.1, 20), 3)
    assert correlation_ratio(x, y) > 0.99


def test_importance_table_shares_and_flags():
    result = indexlib.build(small_panel(40), framework=small_framework())
    table = importance_table(result)
    assert table["weight_share"].sum() == pytest.approx(1) and table["importance_share"].sum() == pytest.approx(1)
    expected = (table["ratio"] > 2) | (table["ratio"] < 0.5)
    assert table["flagged"].tolist() == expected.tolist()
    assert table.set_index("id")["nominal_weight"]["i1"] == pytest.approx(1 / 6)
    dims = importance_table(result, "dimension")
    assert dims["id"].tolist() == ["A", "B"]


def test_optimised_weights_move_importance_toward_the_target():
    result = indexlib.build(small_panel(60, seed=3), framework=small_framework())
    linear = importance_table(result, "dimension").set_index("id")["linear_importance"]
    before = linear / linear.sum()  # the optimiser's own (linear) measure at the nominal weights
    optimised = optimise_weights(result, "dimension")
    gap_before = float(((before - optimised.target) ** 2).sum())
    assert optimised.loss <= gap_before + 1e-12
    assert optimised.weights.sum() == pytest.approx(1) and (optimised.weights >= 0).all()
    assert optimised.after is not None and len(optimised.after) == 2
