"""Alternative weightings side by side (library function and command line)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from _support import small_framework, small_panel
from indexlib.cli import main
from indexlib.compare import compare_weightings, rank_agreement
from indexlib.errors import SpecificationError, UnknownMethodError


def test_nominal_scheme_reproduces_the_nominal_ranking():
    comparison = compare_weightings(["nominal", "equal", "entropy", "critic"], small_panel(30),
                                    framework=small_framework())
    summary = comparison.summary.set_index("scheme")
    assert summary.loc["nominal", "spearman"] == 1.0 and summary.loc["nominal", "max_abs_shift"] == 0
    assert list(summary.index) == ["nominal", "equal", "entropy", "critic"]
    assert comparison.ranks.shape == (30, 5)  # city_id, nominal (the reference) and three other schemes
    # equal data-driven weights = 1/5 per indicator, i.e. dimension A weighs 3/5
    assert comparison.weights.loc["i1", "equal"] == pytest.approx(0.2)
    assert comparison.weights["entropy"].sum() == pytest.approx(1.0)


def test_rank_agreement_statistics():
    reference = pd.Series([1, 2, 3, 4], index=list("abcd"))
    other = pd.Series([2, 1, 3, 4], index=list("abcd"))
    stats = rank_agreement(reference, other, k=2)
    assert stats["mean_abs_shift"] == 0.5 and stats["max_abs_shift"] == 1 and stats["top_k_overlap"] == 2
    # a Series is aligned by city, not by position
    assert rank_agreement(reference, other[::-1], k=2) == stats


def test_top_k_is_every_city_ranked_at_most_k():
    # ties at rank 2 ('min' ranks): both tied cities are in the top 2, whatever their order
    reference = np.array([1, 2, 2, 4])
    assert rank_agreement(reference, np.array([1, 2, 2, 4]), k=2)["top_k_overlap"] == 3
    assert rank_agreement(reference, np.array([1, 4, 2, 2]), k=2)["top_k_overlap"] == 2
    assert rank_agreement(reference[::-1], np.array([1, 2, 2, 4])[::-1], k=2)["top_k_overlap"] == 3


def test_rank_agreement_of_many_rankings_equals_each_alone():
    rng = np.random.default_rng(5)
    reference = rng.permutation(30) + 1.0
    others = np.array([rng.permutation(30) + 1.0 for _ in range(4)] + [np.full(30, 1.0)])
    batch = rank_agreement(reference, others, k=10)
    for j, row in enumerate(others):
        one = rank_agreement(reference, row, k=10)
        for name, value in one.items():
            assert value == batch[name][j] or (np.isnan(value) and np.isnan(batch[name][j]))
    assert np.isnan(batch["spearman"][-1]) and np.isnan(batch["kendall"][-1])  # a constant ranking
    assert batch["spearman"][0] == pytest.approx(scipy_stats.spearmanr(reference, others[0]).statistic)
    assert batch["kendall"][0] == pytest.approx(scipy_stats.kendalltau(reference, others[0]).statistic)


def test_rank_agreement_bad_arguments():
    with pytest.raises(SpecificationError, match="k must be"):
        rank_agreement([1, 2], [2, 1], k=0)
    with pytest.raises(SpecificationError, match="shape"):
        rank_agreement([1, 2, 3], [2, 1], k=1)


def test_unknown_schemes_are_clear_errors():
    with pytest.raises(UnknownMethodError, match="valid names"):
        compare_weightings(["entrophy"], small_panel(), framework=small_framework())
    with pytest.raises(SpecificationError, match="unknown scheme kind"):
        compare_weightings(["magic:thing"], small_panel(), framework=small_framework())


def test_compare_command_writes_one_row_per_scheme(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "--weights", "equal,entropy,critic,pca,ahp:ahp-example", "--out", str(out)]) == 0
    summary = pd.read_csv(out / "comparison.csv")
    assert summary["scheme"].tolist() == ["equal", "entropy", "critic", "pca", "ahp:ahp-example"]
    assert {"spearman", "kendall", "mean_abs_shift", "max_abs_shift", "top10_overlap"} <= set(summary.columns)
    assert len(pd.read_csv(out / "ranks_by_scheme.csv")) == 125
    assert main(["compare", "--weights", "nope"]) == 2


def test_scheme_for_another_framework_is_refused():
    from indexlib.errors import WeightsError

    with pytest.raises(WeightsError, match="gctsi-2025"):
        compare_weightings(["ahp:ahp-example"], small_panel(), framework=small_framework())


def test_compare_published_needs_common_cities():
    import indexlib
    from indexlib.compare_published import compare_with_published
    from indexlib.errors import DataValidationError

    result = indexlib.build(small_panel(), framework=small_framework())
    with pytest.raises(DataValidationError, match="only 0 of its ranked cities"):
        compare_with_published(result)
