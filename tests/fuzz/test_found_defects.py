"""One test per defect the fuzzing found, each on a hand-built case (the fuzz run is random)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from _support import small_framework, small_panel
from indexlib import build
from indexlib.methodology import Methodology
from indexlib.treat import skew_kurtosis
from indicators import Framework
from indicators.errors import DegenerateIndicatorError, DomainError


def quiet_build(*args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build(*args)


def two_indicator_framework(weights=(1.0, 1.0)) -> Framework:
    return Framework.parse({"id": "two", "name_en": "Two", "nodes": [{"id": "root", "name_en": "Index"}],
                            "indicators": [{"id": f"x{k}", "name_en": f"x{k}", "polarity": "+", "parent": "root",
                                            "weight": w} for k, w in enumerate(weights)]})


def test_average_ties_give_half_ranks_in_the_ranking_table():
    # was: TypeError "cannot safely cast non-equivalent object to int64" from the Int64 rank column
    frame = pd.DataFrame({"city_id": ["a", "b", "c", "d"], "x0": [1.0, 2.0, 2.0, 3.0], "x1": [1.0, 2.0, 2.0, 3.0]})
    result = quiet_build(frame, Methodology.parse({"ties": "average", "missing": {"method": "median"}}),
                         two_indicator_framework())
    assert result.ranking["rank"].tolist() == [1.0, 2.5, 2.5, 4.0]


def test_a_city_whose_values_are_all_on_a_constant_indicator_is_excluded_and_listed():
    # was: ranked with a NaN score under missing.method = "none"
    frame = pd.DataFrame({"city_id": ["a", "b", "c", "d"], "x0": [5.0, 5.0, 5.0, 5.0],
                          "x1": [1.0, 2.0, 3.0, np.nan]})
    method = Methodology.parse({"missing": {"method": "none"}, "screening": {"min_overall": 0.0}})
    result = quiet_build(frame, method, two_indicator_framework())
    assert list(result.excluded_cities["city_id"]) == ["d"]
    assert "no value on any indicator used" in result.excluded_cities["reason"].iloc[0]
    assert result.ranks[result.root].notna().all() and sorted(result.values.index) == ["a", "b", "c"]


def test_skewness_and_kurtosis_of_a_tiny_spread_are_computed_not_a_zero_division():
    # was: ZeroDivisionError (m2**1.5 and m2**2 underflow to 0 for values near 1e-100)
    values = np.array([0.0, 0.0, 0.0, 8.5e-100, 0.0, 1e-100, 0.0])
    expected = scipy.stats.skew(values * 1e100, bias=False), scipy.stats.kurtosis(values * 1e100, bias=False)
    np.testing.assert_allclose(skew_kurtosis(values), expected, rtol=1e-12)


def test_a_constant_indicator_leaving_only_zero_weights_is_named():
    # was: a FrameworkError about "framework 'two' without ['x0']" that did not say why x0 was removed
    frame = pd.DataFrame({"city_id": ["a", "b", "c"], "x0": [1.0, 1.0, 1.0], "x1": [1.0, 2.0, 3.0]})
    with pytest.raises(DegenerateIndicatorError, match=r"\['x0'\] are constant .* zero"):
        quiet_build(frame, Methodology.parse({"missing": {"method": "median"}}), two_indicator_framework((1.0, 0.0)))


def test_a_power_mean_with_positive_p_refuses_negative_values():
    # was: NaN scores from (-y)**0.5 for z-scores under a generalised mean with p = 0.5
    method = Methodology.parse({"normalisation": {"method": "zscore"}, "missing": {"method": "median"},
                                "aggregation": {"method": "generalised", "p": 0.5}})
    with pytest.raises(DomainError, match="needs non-negative normalised values"):
        quiet_build(small_panel(), method, small_framework())
    # zeros stay allowed for p > 0 (min-max [0, 100] has them)
    ok = Methodology.parse({"missing": {"method": "median"}, "aggregation": {"method": "generalised", "p": 0.5}})
    assert quiet_build(small_panel(), ok, small_framework()).ranks["index"].notna().all()


def test_the_result_does_not_depend_on_the_order_of_the_input_rows():
    panel = small_panel(n=10, seed=4)
    reordered = panel.iloc[::-1].reset_index(drop=True)
    method = Methodology.parse({"normalisation": {"method": "zscore", "zscore_mean": 100,
                                                  "zscore_standard_deviation": 10}})
    first, second = quiet_build(panel, method, small_framework()), quiet_build(reordered, method, small_framework())
    assert list(first.values.index) == sorted(panel["city_id"])  # canonical order: by city id
    pd.testing.assert_frame_equal(first.raw_scores, second.raw_scores, check_exact=True)
