"""Golden values of the COINr normalisations added through the registry (methods.md §1.2), worked by
hand on x = (2, 5, 10, 4); their properties are checked by the registry's conformance suite."""

from __future__ import annotations

import numpy as np
import pytest

from indexlib.methodology import Methodology
from indexlib.normalise import BordaNormaliser, FractionOfMaxNormaliser, ScaledNormaliser, TargetNormaliser
from indicators.errors import DataValidationError, DegenerateIndicatorError, SpecificationError

X = np.array([[2.0, 2.0], [5.0, 5.0], [10.0, 10.0], [4.0, 4.0]])  # the same values, polarity '+' then '-'
POLARITY = ["+", "-"]


def test_borda_is_rank_minus_one():
    # COINr n_borda: rank(x, ties.method = "min") - 1; '-' reverses the order
    y = BordaNormaliser(polarity=POLARITY).fit_transform(X)
    assert y[:, 0].tolist() == [0, 2, 3, 1] and y[:, 1].tolist() == [3, 1, 0, 2]


def test_fraction_of_max():
    # '+': x / max x (COINr n_fracmax); '-': min x / x, so the best city scores 1
    y = FractionOfMaxNormaliser(polarity=POLARITY).fit_transform(X)
    np.testing.assert_allclose(y[:, 0], [0.2, 0.5, 1.0, 0.4], rtol=1e-15)
    np.testing.assert_allclose(y[:, 1], [1.0, 0.4, 0.2, 0.5], rtol=1e-15)
    np.testing.assert_allclose(FractionOfMaxNormaliser(scale=100).fit_transform(X[:, :1]).ravel(), [20, 50, 100, 40])
    with pytest.raises(DataValidationError, match="needs values > 0"):
        FractionOfMaxNormaliser().fit([[0.0], [1.0]])


def test_distance_to_target():
    # COINr n_dist2targ(x, targ = 8): (x − min)/(8 − min); direction −1, targ = 3: (max − x)/(max − 3)
    uncapped = TargetNormaliser(targets=[8.0, 3.0], polarity=POLARITY, feature_range=(0, 1), cap=False).fit_transform(X)
    np.testing.assert_allclose(uncapped[:, 0], [0.0, 0.5, 4 / 3, 1 / 3], rtol=1e-15)
    np.testing.assert_allclose(uncapped[:, 1], [8 / 7, 5 / 7, 0.0, 6 / 7], rtol=1e-15)
    capped = TargetNormaliser(targets=[8.0, 3.0], polarity=POLARITY).fit_transform(X)
    np.testing.assert_allclose(capped[:, 0], [0.0, 50.0, 100.0, 100 / 3], rtol=1e-15)
    np.testing.assert_allclose(capped[:, 1], [100.0, 500 / 7, 0.0, 600 / 7], rtol=1e-15)
    with pytest.raises(DegenerateIndicatorError, match="not better than the worst"):
        TargetNormaliser(targets=[1.0]).fit(X[:, :1])


def test_scaled():
    # COINr n_scaled with npara = c(0, 20): 100 (x − 0)/(20 − 0); '-' measures from the upper bound
    y = ScaledNormaliser(polarity=POLARITY, bounds=(0, 20)).fit_transform(X)
    np.testing.assert_allclose(y[:, 0], [10.0, 25.0, 50.0, 20.0], rtol=1e-15)
    np.testing.assert_allclose(y[:, 1], [90.0, 75.0, 50.0, 80.0], rtol=1e-15)
    with pytest.raises(SpecificationError, match=r"bounds must be \(low, high\) with low < high"):
        ScaledNormaliser(bounds=(20, 0)).fit(X)


def test_methodology_options_of_the_new_methods():
    m = Methodology.parse({"normalisation": {"method": "target", "options": {"targets": {"i1": 8.0}}}})
    assert m.normalisation.method_options().targets == {"i1": 8.0}
    assert m.normalisation.method_options().cap is True  # from the flat key normalisation.cap
    with pytest.raises(SpecificationError, match="method 'target' needs targets"):
        Methodology.parse({"normalisation": {"method": "target"}})
    with pytest.raises(SpecificationError, match="did you mean 'targets'"):
        Methodology.parse({"normalisation": {"method": "target", "options": {"target": {"i1": 8.0}}}})


def test_goalposts_for_direction_adjusted_values():
    # a '-' indicator with raw goalposts (2, 10) is the same as goalposts (-10, -2) on s·x = -x
    from indexlib.normalise import GoalpostNormaliser

    x = X[:, 1:]
    raw = GoalpostNormaliser(goalposts=[(2.0, 10.0)], polarity=["-"]).fit_transform(x)
    adjusted = GoalpostNormaliser(goalposts=[(-10.0, -2.0)], polarity=["-"], direction_adjusted=True).fit_transform(x)
    np.testing.assert_allclose(adjusted.ravel(), [100.0, 62.5, 0.0, 75.0], rtol=1e-15)
    np.testing.assert_array_equal(adjusted, raw)
    m = Methodology.parse({"normalisation": {"method": "goalposts", "goalposts": {"i1": [-10, -2]},
                                             "options": {"direction_adjusted": True}}})
    assert m.normalisation.method_options().direction_adjusted is True
