"""The vectorised uncertainty analysis against build(): exact ranks, statistics, seeds and chunking.

Everything runs on the embedded 2025 panel (``indexlib.build()``'s default) with small N.
"""

from __future__ import annotations

import gzip
import io
import warnings

import numpy as np
import pandas as pd
import pytest

import indexlib
from _support import small_framework, small_panel
from indexlib.methodology import Methodology
from indexlib.uncertainty import UncertaintyModel, UncertaintySpec, histogram_percentile, uncertainty_analysis
from indexlib.uncertainty.spec import aggregation_label, missing_label, normalisation_label
from indicators import load_framework
from indicators.errors import SpecificationError

#: Every kind of uncertain input at once: the hardest case for rebuilding runs exactly.
WIDE = UncertaintySpec.parse({
    "weights": {"spread": 0.3, "include_indicators": True},
    "missing": [{"method": "group_median"}, {"method": "median"}, {"method": "none"}],
    "exclusion": {"enabled": True},
})


@pytest.fixture(scope="module")
def panel():
    return indexlib.read_panel(None, load_framework())


@pytest.fixture(scope="module")
def nominal(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return indexlib.build(panel)


@pytest.fixture(scope="module")
def default_result(panel):
    return uncertainty_analysis(panel, runs=400, seed=1)


@pytest.fixture(scope="module")
def wide_result(panel):
    return uncertainty_analysis(panel, spec=WIDE, runs=300, seed=5)


def build_ranks(*args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(*args)
    return result.ranks[result.root]


def test_same_seed_gives_identical_results_and_another_seed_does_not(panel, default_result):
    again = uncertainty_analysis(panel, runs=400, seed=1)
    pd.testing.assert_frame_equal(again.rank_intervals, default_result.rank_intervals)
    pd.testing.assert_frame_equal(again.parameters, default_result.parameters)
    assert np.array_equal(again.ranks, default_result.ranks)
    other = uncertainty_analysis(panel, runs=400, seed=2)
    assert not other.parameters.equals(default_result.parameters)


def test_intervals_are_ordered_and_top10_probabilities_sum_to_10(default_result):
    table = default_result.rank_intervals
    assert len(table) == 125 and table["city_id"].is_unique
    assert (table.p05_rank <= table.median_rank).all() and (table.median_rank <= table.p95_rank).all()
    assert (table.interval_width == table.p95_rank - table.p05_rank).all()
    assert table.p_top10.between(0, 1).all()
    assert table.p_top10.sum() == pytest.approx(10, abs=0.05)  # exactly 10 unless cities tie at rank 10
    assert list(table.nominal_rank) == sorted(table.nominal_rank)


def test_nominal_ranks_equal_the_build(default_result, nominal):
    expected = nominal.ranks[nominal.root]
    table = default_result.rank_intervals.set_index("city_id")
    assert (table["nominal_rank"] == expected.reindex(table.index)).all()
    assert set(table.index) == set(nominal.values.index)


def test_statistics_follow_their_definitions(default_result):
    ranks = default_result.ranks.astype(float)
    model = default_result.model
    table = default_result.rank_intervals.set_index("city_id").loc[model.city_ids]
    for q, column in ((5, "p05_rank"), (50, "median_rank"), (95, "p95_rank")):
        expected = np.percentile(ranks, q, axis=0, method="inverted_cdf")
        assert np.array_equal(table[column].to_numpy(dtype=float), expected), column
    shift = np.abs(ranks - model.nominal_ranks)
    assert np.allclose(table["mean_abs_shift"], shift.mean(axis=0))
    assert np.allclose(default_result.run_shift, shift.mean(axis=1))
    assert default_result.mean_abs_shift == pytest.approx(shift.mean())
    assert np.allclose(table["p_top10"], (ranks <= 10).mean(axis=0))
    assert np.allclose(table["mean_rank"], ranks.mean(axis=0))
    assert default_result.histogram is None  # 400 × 125 ranks fit: statistics come from them


@pytest.mark.parametrize("total", [1, 2, 3, 19, 20, 21, 400])
def test_histogram_percentile_is_numpy_inverted_cdf(total):
    rng = np.random.default_rng(total)
    values = rng.integers(1, 9, size=(total, 5)).astype(float)
    histogram = np.zeros((5, 19), dtype=np.int64)
    for city in range(5):
        histogram[city] = np.bincount((2 * values[:, city]).astype(int), minlength=19)
    for q in (0, 5, 25, 50, 95, 100):
        assert np.array_equal(histogram_percentile(histogram, q),
                              np.percentile(values, q, axis=0, method="inverted_cdf"))


def test_parameters_record_every_choice_and_weight(default_result):
    frame = default_result.parameters
    dimensions = load_framework().children("index")
    assert list(frame.columns) == ["run", "outliers", "normalisation", "aggregation",
                                   *(f"w:{d}" for d in dimensions), "mean_abs_shift"]
    assert set(frame["normalisation"]) == {"minmax[1,100]", "zscore(100,10)"}
    assert set(frame["aggregation"]) == {"arithmetic", "geometric"} and set(frame["outliers"]) == {"on", "off"}
    weights = frame[[f"w:{d}" for d in dimensions]].to_numpy()
    assert np.allclose(weights.sum(axis=1), 6.0)  # rescaled to the nominal sum of six weights of 1
    raw_ratio = weights.max(axis=1) / weights.min(axis=1)
    assert (raw_ratio <= 1.25 / 0.75 + 1e-12).all()


@pytest.mark.parametrize("run", [0, 1, 2, 3, 97, 151, 299])
def test_rebuilding_a_run_with_build_gives_its_ranks_exactly(panel, wide_result, run):
    methodology = wide_result.methodology_for_run(run)
    framework = wide_result.framework_for_run(run)
    expected = build_ranks(panel, methodology, framework)
    got = pd.Series(wide_result.ranks[run], index=wide_result.model.city_ids)
    assert (expected.reindex(got.index) == got).all()


def test_wide_spec_draws_exclusions_and_rebuilds_them(wide_result):
    excluded = wide_result.parameters["excluded_indicator"]
    runs = [int(k) for k in np.flatnonzero(excluded.to_numpy() != "none")[:3]]
    assert runs, "the wide spec should drop an indicator in some runs"
    for run in runs:
        framework = wide_result.framework_for_run(run)
        assert excluded[run] not in framework.indicator_ids
        assert excluded[run] not in (wide_result.methodology_for_run(run).weights or {})
        assert (wide_result.rebuild(run).ranks["index"].reindex(wide_result.model.city_ids).to_numpy()
                == wide_result.ranks[run]).all()


def _reference_methodology(row: pd.Series, spec: UncertaintySpec, base: Methodology) -> Methodology:
    """A run's methodology rebuilt from the runs table alone (independent of the engine's options)."""
    def pick(options, label_of, label):
        return next(o for o in options if label_of(o) == label)

    outliers = {"on": base.outliers, "off": base.outliers.model_copy(update={"method": "none"})}[row["outliers"]]
    weights = {c.removeprefix("w:"): float(row[c]) for c in row.index if c.startswith("w:")}
    if row.get("excluded_indicator", "none") != "none":
        weights.pop(row["excluded_indicator"], None)
    return base.replace(
        normalisation=pick(spec.normalisation, normalisation_label, row["normalisation"]),
        aggregation=pick(spec.aggregation, aggregation_label, row["aggregation"]),
        missing=pick(spec.missing, missing_label, row["missing"]) if "missing" in row.index else base.missing,
        outliers=outliers,
        weights=weights,
    )


def test_vectorised_ranks_equal_a_slow_loop_of_builds(panel, wide_result):
    base = Methodology()
    framework = load_framework()
    for run in (4, 5, 6, 200):
        row = wide_result.parameters.iloc[run]
        methodology = _reference_methodology(row, WIDE, base)
        excluded = row["excluded_indicator"]
        used = framework if excluded == "none" else framework.without_indicators([excluded])
        expected = build_ranks(panel, methodology, used)
        assert (expected.reindex(wide_result.model.city_ids).to_numpy() == wide_result.ranks[run]).all(), run


def test_chunk_size_does_not_change_anything(panel):
    model = UncertaintyModel(panel, spec=WIDE)
    small = uncertainty_analysis(model=model, runs=150, seed=3, chunk_size=7)
    large = uncertainty_analysis(model=model, runs=150, seed=3, chunk_size=10_000)
    pd.testing.assert_frame_equal(small.rank_intervals, large.rank_intervals)
    assert np.array_equal(small.ranks, large.ranks) and np.array_equal(small.run_shift, large.run_shift)
    lean_small = uncertainty_analysis(model=model, runs=150, seed=3, chunk_size=7, keep_ranks=False)
    lean_large = uncertainty_analysis(model=model, runs=150, seed=3, chunk_size=10_000, keep_ranks=False)
    assert np.array_equal(lean_small.histogram.dense(), lean_large.histogram.dense())
    assert lean_small.histogram.totals().tolist() == [150] * len(model.city_ids)


def test_runs_without_kept_ranks_give_the_same_statistics(panel, default_result):
    lean = uncertainty_analysis(panel, runs=400, seed=1, keep_ranks=False)
    assert lean.ranks is None and lean.histogram is not None
    pd.testing.assert_frame_equal(lean.rank_intervals, default_result.rank_intervals)
    assert lean.manifest()["rank_statistics"] != default_result.manifest()["rank_statistics"]


def test_progress_reports_every_run(panel):
    calls = []
    uncertainty_analysis(panel, runs=50, seed=1, chunk_size=8, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (50, 50) and all(t == 50 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_dirichlet_and_alternative_weights(panel):
    dirichlet = uncertainty_analysis(panel, spec=UncertaintySpec.parse({"weights": {"method": "dirichlet",
                                                                                   "concentration": 40}}),
                                     runs=60, seed=2)
    weights = dirichlet.parameters.filter(like="w:").to_numpy()
    assert (weights > 0).all() and np.allclose(weights.sum(axis=1), 6.0)
    spec = UncertaintySpec.parse({"weights": {"method": "alternatives", "alternatives": [
        {"economic_foundation": 3.0}, {"public_life": 0.0, "05": 4.0}]}, "normalisation": [], "aggregation": [],
        "outliers": []})
    alternatives = uncertainty_analysis(panel, spec=spec, runs=40, seed=2)
    chosen = alternatives.parameters["weights_alternative"]
    assert set(chosen) == {0, 1}
    for run in (int(np.argmax(chosen == 0)), int(np.argmax(chosen == 1))):
        assert (build_ranks(panel, alternatives.methodology_for_run(run), alternatives.framework_for_run(run))
                .reindex(alternatives.model.city_ids).to_numpy() == alternatives.ranks[run]).all()
    weights = alternatives.methodology_for_run(int(np.argmax(chosen == 1))).weights
    assert weights["public_life"] == 0.0 and weights["05"] == 4.0


def test_nothing_varying_reproduces_the_nominal_ranks(panel):
    spec = UncertaintySpec.parse({"weights": {"method": "fixed"}, "normalisation": [], "aggregation": [],
                                  "outliers": []})
    result = uncertainty_analysis(panel, spec=spec, runs=5, seed=0)
    assert result.mean_abs_shift == 0 and (result.ranks == result.model.nominal_ranks).all()
    assert list(result.parameters.columns) == ["run", "mean_abs_shift"]


def test_a_positive_only_aggregator_on_non_positive_values_names_alternative_city_and_indicator(panel):
    spec = UncertaintySpec.parse({"normalisation": [{"method": "minmax"}], "aggregation": [{"method": "geometric"}]})
    with pytest.raises(SpecificationError, match=r"aggregation alternative 'geometric' needs strictly positive.*"
                                                 r"minmax\[0,100\] city '[^']+' has 0 on indicator '\d+'"):
        uncertainty_analysis(panel, spec=spec, runs=10)


def test_an_exclusion_changing_the_screened_cities_is_refused():
    data = small_panel()
    data.loc[0, ["i2", "i3"]] = np.nan  # c00 keeps 3 of 5 indicators: 60%, exactly the threshold
    methodology = Methodology.parse({"screening": {"min_overall": 0.6}, "missing": {"method": "median"}})
    spec = UncertaintySpec.parse({"exclusion": {"enabled": True}, "normalisation": [], "aggregation": []})
    with pytest.raises(SpecificationError, match=r"dropping indicator\(s\) 'i1' changes the ranked cities "
                                                 r"\(drops \['c00'\]\)"):
        uncertainty_analysis(data, methodology, small_framework(), spec=spec, runs=10)


def test_unknown_exclusion_candidates_and_run_numbers_are_errors(panel, default_result):
    spec = UncertaintySpec.parse({"exclusion": {"enabled": True, "candidates": ["99"]}})
    with pytest.raises(SpecificationError, match="unknown indicator"):
        uncertainty_analysis(panel, spec=spec, runs=10)
    with pytest.raises(SpecificationError, match="run 400 does not exist"):
        default_result.methodology_for_run(400)


def test_write_is_byte_identical_and_the_runs_file_rebuilds_weights_exactly(panel, default_result, tmp_path):
    first = default_result.write(tmp_path / "a")
    second = uncertainty_analysis(panel, runs=400, seed=1).write(tmp_path / "b")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    runs = pd.read_csv(io.BytesIO(gzip.decompress((tmp_path / "a" / "runs.csv.gz").read_bytes())))
    pd.testing.assert_frame_equal(runs, default_result.parameters, check_dtype=False)
    intervals = pd.read_csv(tmp_path / "a" / "rank_intervals.csv")
    assert {"city_id", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_abs_shift",
            "p_top10"} <= set(intervals.columns)


def test_a_deeper_framework_perturbs_the_root_children_and_rebuilds_exactly():
    framework = load_framework("gctsi-2025-3pillar")
    panel = indexlib.read_panel(None, framework)
    spec = UncertaintySpec.parse({"weights": {"include_indicators": True}, "exclusion": {"enabled": True}})
    result = uncertainty_analysis(panel, framework=framework, spec=spec, runs=60, seed=4)
    weights = [c for c in result.parameters.columns if c.startswith("w:")]
    assert weights[:3] == [f"w:{p}" for p in framework.children("index")]
    for run in (0, 17, 59):
        expected = build_ranks(panel, result.methodology_for_run(run), result.framework_for_run(run))
        assert (expected.reindex(result.model.city_ids).to_numpy() == result.ranks[run]).all()


def test_multivariate_imputation_with_a_dropped_indicator_rebuilds_exactly():
    # knn and iterative read the other indicators: a run that drops one must impute without it
    data = small_panel(n=20, seed=6)
    data.loc[[1, 4, 9], "i1"] = np.nan
    data.loc[[2, 8], "i4"] = np.nan
    framework = small_framework()
    spec = UncertaintySpec.parse({"missing": [{"method": "knn", "neighbours": 2}, {"method": "iterative"},
                                              {"method": "nearest"}], "exclusion": {"enabled": True}})
    result = uncertainty_analysis(data, framework=framework, spec=spec, runs=30, seed=3)
    assert set(result.parameters["excluded_indicator"]) - {"none"}
    for run in range(30):
        expected = build_ranks(result.panel, result.methodology_for_run(run), result.framework_for_run(run))
        assert (expected.reindex(result.model.city_ids).to_numpy() == result.ranks[run]).all(), run
