"""The JRC outlier rule: the winsorising limit counts distinct points moved (methods.md §1.3, COINr ``nwin``).

Columns are built by hand so that the rule needs exactly k distinct points: ``k`` outliers at distinct high
values above a uniform bulk fail the skew/kurtosis test until the last of them is pulled into the bulk.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import indexlib
from _support import small_framework, small_panel
from indexlib.methodology import Methodology
from indexlib.treat import skew_kurtosis, treat_indicator


def with_outliers(values: list[float], bulk: int = 45) -> np.ndarray:
    """A uniform bulk in [0, 1] followed by the given outliers."""
    return np.r_[np.linspace(0.0, 1.0, bulk), np.asarray(values, dtype=float)]


def coinr_winsorise(x: np.ndarray, winmax: int = 5, skew_threshold: float = 2.0, kurtosis_threshold: float = 3.5):
    """An independent transcription of COINr 1.1.14 ``winsorise``: ``nwin = length(imax) + length(imin)``,
    the tie groups at the extremes after the last move. Returns the vector, nwin and whether it passes."""
    x = x.copy()

    def passes(v):
        skew, kurtosis = skew_kurtosis(v)
        return np.isnan(skew) or abs(skew) < skew_threshold or kurtosis < kurtosis_threshold

    imax = imin = np.array([], dtype=int)
    nwin = 0
    while not passes(x) and nwin < winmax:
        present = x[~np.isnan(x)]
        if skew_kurtosis(x)[0] >= 0:
            imax = np.flatnonzero(x == present.max())
            x[imax] = np.max(np.delete(x, imax)[~np.isnan(np.delete(x, imax))])
        else:
            imin = np.flatnonzero(x == present.min())
            x[imin] = np.min(np.delete(x, imin)[~np.isnan(np.delete(x, imin))])
        nwin = imax.size + imin.size
    return x, nwin, passes(x)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5])
def test_exactly_k_distinct_points_are_winsorised(count):
    x = with_outliers([10.0 + k for k in range(count)], bulk=10 * count + 5)
    treated, record, flags = treat_indicator(x)
    assert record["action"] == "winsorised"
    assert record["points"] == count
    assert np.count_nonzero(flags == "winsorised_high") == count
    assert treated.max() == 1.0  # every outlier pulled down to the bulk's maximum
    assert record["passes_after"]


def test_four_points_need_four_steps_not_a_log():
    # The old cumulative counter added 1 + 2 + 3 = 6 >= 5 after three steps and fell back to the log.
    x = with_outliers([10.0, 11.0, 12.0, 13.0])
    _, record, _ = treat_indicator(x)
    assert (record["action"], record["points"]) == ("winsorised", 4)


def test_ties_at_the_extreme_move_and_count_together():
    x = with_outliers([11.0, 12.0, 13.0, 13.0])
    _treated, record, flags = treat_indicator(x)
    assert (record["action"], record["points"]) == ("winsorised", 4)
    assert set(np.flatnonzero(flags != "")) == set(range(45, 49))
    # with a limit of 3 distinct points the four outliers cannot all be moved: revert and log
    _, limited, log_flags = treat_indicator(x, max_winsorised=3)
    assert limited["action"] == "log"
    assert set(log_flags) == {"log_ct_plus"}


def test_six_outliers_exceed_the_limit_and_fall_back_to_the_log():
    x = with_outliers([10.0, 11.0, 12.0, 13.0, 14.0, 15.0], bulk=60)
    treated, record, _flags = treat_indicator(x)
    assert record["action"] == "log" and record["transform"] == "log_ct_plus"
    low, high = x.min(), x.max()
    np.testing.assert_allclose(treated, np.log(x - low + 0.01 * (high - low)), rtol=0, atol=1e-12)
    assert record["passes_after"] == (abs(record["skew_after"]) < 2 or record["kurtosis_after"] < 3.5)


#: 46 equal values and six outliers spread over a decade: winsorising one point and the log both fail.
STILL_FAILING = np.r_[np.ones(46), 1e6, 2e6, 3e6, 4e6, 5e6, 6e6]


def test_an_indicator_still_failing_after_the_log_is_reported():
    _, record, _ = treat_indicator(STILL_FAILING, max_winsorised=1)
    assert record["action"] == "log" and record["passes_after"] is False
    assert record["skew_after"] == pytest.approx(2.5895, abs=1e-4)
    assert record["kurtosis_after"] == pytest.approx(5.0937, abs=1e-4)
    _, passing, _ = treat_indicator(with_outliers([10.0]))
    assert passing["passes_after"] is True


def test_build_notes_and_records_indicators_still_failing():
    panel = small_panel(n=STILL_FAILING.size)
    panel["i4"] = STILL_FAILING + np.arange(STILL_FAILING.size) * 1e-6  # not constant among the bulk
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(panel, Methodology.parse({"outliers": {"max_winsorised": 1}}), small_framework())
    failing = result.treatment_log.loc[~result.treatment_log["passes_after"].astype(bool), "indicator_id"]
    assert failing.tolist() == ["i4"]
    assert [n for n in result.notes if "the outlier rule" in n] == [
        next(n for n in result.notes if "i4 (after log" in n)]
    note = next(n for n in result.notes if "the outlier rule" in n)
    assert note.startswith("1 indicator still fails the outlier rule")
    log = result.to_dict()["treatment_log"]  # columns of values, as in results.json
    assert [i for i, passes in zip(log["indicator_id"], log["passes_after"]) if passes is False] == ["i4"]


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(bulk=arrays(float, st.integers(8, 40), elements=finite),
       outliers=st.lists(st.floats(1e6, 1e9), min_size=1, max_size=8),
       winmax=st.integers(0, 6))
def test_the_winsorising_count_equals_coinr_nwin(bulk, outliers, winmax):
    x = np.r_[bulk, outliers]
    treated, record, _flags = treat_indicator(x, max_winsorised=winmax)
    expected, nwin, passes = coinr_winsorise(x, winmax=winmax)
    if record["action"] == "winsorised":
        assert passes and record["points"] == nwin
        np.testing.assert_array_equal(treated, expected)
    elif record["action"] == "log":
        assert not passes
    else:
        assert nwin == 0


@settings(max_examples=100, deadline=None)
@given(bulk=arrays(float, st.integers(8, 40), elements=finite),
       outliers=st.lists(st.floats(1e3, 1e9), min_size=0, max_size=8),
       seed=st.integers(0, 2**32 - 1))
def test_treatment_is_invariant_to_city_order(bulk, outliers, seed):
    x = np.r_[bulk, outliers]
    order = np.random.default_rng(seed).permutation(x.size)
    treated, record, flags = treat_indicator(x)
    shuffled, record_shuffled, flags_shuffled = treat_indicator(x[order])
    np.testing.assert_array_equal(shuffled, treated[order])
    np.testing.assert_array_equal(flags_shuffled, flags[order])
    assert record["action"] == record_shuffled["action"] and record["points"] == record_shuffled["points"]


def test_uncertainty_nominal_run_uses_the_same_treatment():
    """The analyses reuse impute_and_treat: their nominal ranks follow the corrected rule."""
    from indexlib.uncertainty import uncertainty_analysis

    panel = small_panel()
    n = len(panel)
    panel["i1"] = np.r_[np.linspace(0, 1, n - 4), 10.0, 11.0, 12.0, 13.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nominal = indexlib.build(panel, None, small_framework())
        analysis = uncertainty_analysis(panel, framework=small_framework(), runs=20, seed=1)
    ranks = analysis.rank_intervals.set_index("city_id")["nominal_rank"]
    assert ranks.reindex(nominal.ranks.index).astype(int).tolist() == nominal.ranks[nominal.root].astype(int).tolist()
