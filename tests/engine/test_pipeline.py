"""build(): steps, records, determinism and bad input on a small synthetic panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import indexlib
from indexlib import Methodology
from indexlib.methodology import MissingData
from indexlib.errors import DataValidationError, DegenerateIndicatorError, DomainError, SpecificationError, WeightsError
from indexlib.impute import impute
from indexlib.treat import skew_kurtosis, treat_indicator
from _support import small_framework


def test_build_scores_and_ranks_every_level(framework, panel):
    result = indexlib.build(panel, framework=framework)
    ranking = result.ranking
    assert len(ranking) == len(panel)
    assert ranking["score"].max() == 100 and ranking["score"].min() == 50
    for node in ("A", "B"):
        assert ranking[node].between(50, 100).all() and ranking[f"{node}_rank"].notna().all()
    assert list(ranking["rank"]) == sorted(ranking["rank"])


def test_raw_scores_follow_the_formulas(framework, panel):
    result = indexlib.build(panel, Methodology.parse({"outliers": {"method": "none"}}), framework)
    data = panel.set_index("city_id")[["i1", "i2", "i3", "i4", "i5"]]
    minmax = (data - data.min()) / (data.max() - data.min()) * 100
    minmax["i2"] = 100 - minmax["i2"]  # polarity '-'
    a = minmax[["i1", "i2", "i3"]].mean(axis=1)
    b = minmax[["i4", "i5"]].mean(axis=1)
    assert np.allclose(result.raw_scores["A"], a) and np.allclose(result.raw_scores["index"], (a + b) / 2)
    presented = 50 + 50 * (result.raw_scores["A"] - a.min()) / (a.max() - a.min())
    assert np.allclose(result.scores["A"], presented)


def test_geometric_and_weights_from_methodology(framework, panel):
    method = Methodology.parse({"normalisation": {"range": [1, 100]},
                                "aggregation": {"method": "geometric"}, "weights": {"A": 3, "B": 1}})
    result = indexlib.build(panel, method, framework)
    a, b = result.raw_scores["A"], result.raw_scores["B"]
    assert np.allclose(result.raw_scores["index"], np.exp(0.75 * np.log(a) + 0.25 * np.log(b)))


def test_build_is_deterministic(framework, panel):
    first = indexlib.build(panel, framework=framework)
    second = indexlib.build(panel, framework=framework)
    pd.testing.assert_frame_equal(first.ranking, second.ranking)
    assert first.manifest() == second.manifest()


def test_coverage_screen_lists_excluded_cities(framework, panel):
    panel.loc[0, ["i1", "i2", "i3", "i4"]] = np.nan
    result = indexlib.build(panel, Methodology.parse({"screening": {"min_overall": 0.5}}), framework)
    assert result.excluded_cities["city_id"].tolist() == ["c00"]
    assert "1 of 5 indicators" in result.excluded_cities["reason"].iloc[0]
    assert "c00" not in result.ranking["city_id"].tolist()
    per_dimension = Methodology.parse({"screening": {"min_overall": 0.0, "min_per_dimension": 0.5}})
    assert "'A'" in indexlib.build(panel, per_dimension, framework).excluded_cities["reason"].iloc[0]


def test_every_imputed_cell_is_flagged(framework, panel):
    panel.loc[[0, 1], "i4"] = np.nan  # c00 (country K0) and c01 (K1): three others each have a value
    panel.loc[[3, 6, 9], "i5"] = np.nan  # with c00, K0 keeps one i5 value: continent median instead
    group_median = Methodology.parse({"missing": {"method": "group_median", "min_distinct": [3, 3]}})
    result = indexlib.build(panel, group_median, framework)
    log = result.imputation_log.set_index(["city_id", "indicator_id"])
    assert set(log.index) == {("c00", "i4"), ("c01", "i4"), ("c03", "i5"), ("c06", "i5"), ("c09", "i5")}
    assert log.loc[("c00", "i4"), "rule"] == "median of country (3 cities, 3 distinct values)"
    assert log.loc[("c03", "i5"), "rule"].startswith("median of continent")
    assert log.loc[("c00", "i4"), "value"] == panel.loc[[3, 6, 9], "i4"].median()
    assert result.ranking.set_index("city_id").loc["c00", "imputed_values"] == 1


def test_group_median_falls_back_from_country_to_continent_to_all():
    values = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan, 10.0, 20.0, np.nan, 100.0]},
                          index=list("abcdefgh"))
    attributes = pd.DataFrame({"country": ["K", "K", "K", "K", "L", "L", "M", "M"],
                               "continent": ["P", "P", "P", "P", "Q", "Q", "R", "R"]}, index=values.index)
    options = MissingData(method="group_median", groups=("country", "continent"), min_values=(3, 2),
                          min_distinct=(3, 1))
    filled, log = impute(values, options, attributes=attributes)
    assert filled.loc["d", "x"] == 2.0  # three K cities with values
    assert filled.loc["g", "x"] == 6.5  # M and continent R have 1 value each → median of all six values
    assert log.set_index("city_id").loc["g", "rule"] == "median of all cities"


def test_missing_none_aggregates_over_available_indicators(framework, panel):
    panel.loc[0, "i1"] = np.nan
    method = Methodology.parse({"missing": {"method": "none"}, "outliers": {"method": "none"}})
    result = indexlib.build(panel, method, framework)
    normalised = result.normalised.loc["c00"]
    assert np.isnan(normalised["i1"])
    assert result.raw_scores.loc["c00", "A"] == pytest.approx(normalised[["i2", "i3"]].mean())
    assert any("renormalised per city" in note for note in result.notes)


def test_indicator_without_data_is_excluded_with_a_note(framework, panel):
    panel["i3"] = np.nan
    result = indexlib.build(panel, framework=framework)
    assert result.excluded_indicators["indicator_id"].tolist() == ["i3"]
    assert "i3" not in result.normalised.columns
    assert any("'i3'" in note for note in result.notes)


def test_whole_dimension_without_data_is_an_error(framework, panel):
    panel[["i4", "i5"]] = np.nan
    with pytest.raises(DataValidationError, match=r"node\(s\) \['B'\] have no data"):
        indexlib.build(panel, framework=framework)


def test_constant_indicator_policy(framework, panel):
    panel["i5"] = 7.0
    result = indexlib.build(panel, framework=framework)
    assert "i5" in result.excluded_indicators["indicator_id"].tolist()
    with pytest.raises(DegenerateIndicatorError, match="'i5'"):
        indexlib.build(panel, Methodology.parse({"normalisation": {"on_constant": "error"}}), framework)
    kept = indexlib.build(panel, Methodology.parse({"normalisation": {"on_constant": "midpoint"}}), framework)
    assert "i5" in kept.normalised.columns and (kept.normalised["i5"] == 50.0).all()
    assert "i5" not in kept.excluded_indicators["indicator_id"].tolist()


def test_geometric_mean_of_zero_is_a_domain_error(framework, panel):
    with pytest.raises(DomainError, match=r"strictly positive.*range"):
        indexlib.build(panel, Methodology.parse({"aggregation": {"method": "geometric"}}), framework)


def test_fewer_than_three_cities(framework, panel):
    with pytest.raises(DataValidationError, match="at least 3"):
        indexlib.build(panel.head(2), framework=framework)


@pytest.mark.parametrize("weights, message", [({"A": -1.0}, r"weights must be >= 0; got \{'A': -1.0\}"),
                                              ({"A": float("nan")}, "weights.A: Input should be a finite number")])
def test_negative_or_nan_weights_are_rejected_when_the_methodology_is_read(weights, message):
    with pytest.raises(SpecificationError, match=message):
        Methodology.parse({"weights": weights})


def test_all_zero_sibling_weights(framework, panel):
    with pytest.raises(WeightsError, match="all weights among the children of 'index' are zero"):
        indexlib.build(panel, Methodology.parse({"weights": {"A": 0.0, "B": 0.0}}), framework)


def test_bad_methodology_is_a_specification_error(tmp_path):
    with pytest.raises(SpecificationError, match=r"normalisation.method"):
        Methodology.parse({"normalisation": {"method": "minmaxx"}})
    path = tmp_path / "m.toml"
    path.write_text("[screening]\nmin_overall = 2\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match=r"m.toml: screening.min_overall"):
        indexlib.load_methodology(path)


def test_methodology_round_trips_through_toml_and_json():
    method = Methodology.parse({"aggregation": {"method": "generalised", "p": 0.5,
                                                "by_level": {3: {"method": "geometric"}},
                                                "by_node": {"A": {"method": "harmonic"}}},
                                "weights": {"A": 2.0}})
    assert Methodology.from_toml(method.to_toml()) == method
    assert Methodology.parse(__import__("json").loads(method.to_json())) == method


def test_normalisation_alternatives_build(framework, panel):
    for options in ({"method": "zscore"}, {"method": "percentile"}, {"method": "rank"},
                    {"method": "reference", "reference_city": "c03"},
                    {"method": "goalposts", "goalposts": {i: [0, 10] for i in ["i1", "i2", "i3", "i4", "i5"]}}):
        result = indexlib.build(panel, Methodology.parse({"normalisation": options}), framework)
        assert result.ranking["rank"].min() == 1


def test_skew_and_kurtosis_anchor():
    # methods.md §9: x = (1, …, 10, 30, 100) → G1 = 3.06324, G2 = 9.74139 (fails the JRC test)
    skew, kurtosis = skew_kurtosis(np.r_[np.arange(1.0, 11.0), 30.0, 100.0])
    assert skew == pytest.approx(3.06324, abs=1e-5) and kurtosis == pytest.approx(9.74139, abs=1e-5)


def test_jrc_rule_winsorises_then_logs():
    x = np.r_[np.arange(1.0, 11.0), 30.0, 100.0]
    treated, record, flags = treat_indicator(x)
    assert record["action"] == "winsorised" and record["points"] == 1
    assert treated[-1] == 30.0 and flags[-1] == "winsorised_high"
    heavy = np.r_[np.ones(20), np.arange(2.0, 8.0) ** 4]
    treated, record, flags = treat_indicator(heavy, max_winsorised=1)
    assert record["action"] == "log"
    assert np.array_equal(np.argsort(treated, kind="stable"), np.argsort(heavy, kind="stable"))
    untouched, record, _ = treat_indicator(np.arange(20.0))
    assert record["action"] == "none" and np.array_equal(untouched, np.arange(20.0))


def test_three_level_framework_and_node_overrides(panel):
    fw = small_framework()
    data = fw.to_dict()
    data["nodes"] = [{"id": "index", "name_en": "I"}, {"id": "P", "name_en": "P", "parent": "index"},
                     {"id": "A", "name_en": "A", "parent": "P"}, {"id": "B", "name_en": "B", "parent": "P"}]
    deep = indexlib.Framework.parse(data)
    method = Methodology.parse({"normalisation": {"range": [1, 100]},
                                "aggregation": {"by_node": {"B": {"method": "geometric"}}}})
    result = indexlib.build(panel, method, deep)
    assert {"P", "P_rank", "A", "B"} <= set(result.ranking.columns)
    b = result.normalised[["i4", "i5"]]
    assert np.allclose(result.raw_scores["B"], np.sqrt(b["i4"] * b["i5"]))


def test_distance_to_target_from_a_methodology(framework, panel):
    data = panel.set_index("city_id")[["i1", "i2", "i3", "i4", "i5"]]
    best = {i: float(data[i].min() if i == "i2" else data[i].max()) for i in data.columns}
    targets = {**best, "i1": float(data["i1"].median())}
    method = Methodology.parse({"outliers": {"method": "none"},
                                "normalisation": {"method": "target", "range": [0, 1], "cap": False,
                                                  "options": {"targets": targets}}})
    result = indexlib.build(panel, method, framework)
    i1 = (data["i1"] - data["i1"].min()) / (targets["i1"] - data["i1"].min())
    i2 = (data["i2"].max() - data["i2"]) / (data["i2"].max() - targets["i2"])
    np.testing.assert_allclose(result.normalised["i1"], i1.loc[result.normalised.index], rtol=1e-12)
    np.testing.assert_allclose(result.normalised["i2"], i2.loc[result.normalised.index], rtol=1e-12)
    assert result.normalised["i1"].max() > 1  # uncapped: past the target
    with pytest.raises(SpecificationError, match=r"targets lacks indicator\(s\) \['i5'\]"):
        indexlib.build(panel, Methodology.parse({"normalisation": {"method": "target", "options": {
            "targets": {k: v for k, v in targets.items() if k != "i5"}}}}), framework)


def test_a_weighting_method_from_the_methodology(framework, panel):
    import weights

    method = Methodology.parse({"outliers": {"method": "none"}, "weights": {"method": "entropy"}})
    assert method.weighting.method == "entropy" and method.weights is None
    result = indexlib.build(panel, method, framework)
    treated = result.values[list(framework.indicator_ids)]
    expected = weights.entropy_weights(treated, pd.Series(framework.polarity, index=framework.indicator_ids))
    np.testing.assert_allclose(result.effective_weights()[expected.index], expected, rtol=1e-12)
    assert Methodology.from_toml(method.to_toml()) == method
    # explicit weights still win over the data-driven ones
    pinned = indexlib.build(panel, Methodology.parse({"weighting": {"method": "entropy"}, "weights": {"A": 3.0}}),
                            framework)
    assert pinned.framework.element("A").weight == 3.0
    with pytest.raises(SpecificationError, match="unknown weighting method 'entorpy'; did you mean 'entropy'"):
        Methodology.parse({"weights": {"method": "entorpy"}})
    from indexlib.uncertainty import uncertainty_analysis

    with pytest.raises(SpecificationError, match="computes them from the data"):
        uncertainty_analysis(panel, method, framework, runs=4)


def test_aggregation_threshold_from_the_methodology(framework, panel):
    panel = panel.copy()
    city = panel["city_id"].iloc[0]
    panel.loc[panel["city_id"] == city, ["i1", "i2"]] = np.nan  # 1 of A's 3 indicators left
    lenient = indexlib.build(panel, Methodology.parse({"missing": {"method": "none"},
                                                       "screening": {"min_overall": 0.5}}), framework)
    strict = indexlib.build(panel, Methodology.parse({"missing": {"method": "none"}, "screening": {"min_overall": 0.5},
                                                      "aggregation": {"min_share": 0.5}}), framework)
    assert not np.isnan(lenient.raw_scores.loc[city, "A"])
    assert np.isnan(strict.raw_scores.loc[city, "A"])
    # the index aggregates the city's available dimension (B) alone
    assert strict.raw_scores.loc[city, "index"] == pytest.approx(strict.raw_scores.loc[city, "B"])
    other = strict.raw_scores.index[1]
    assert strict.raw_scores.loc[other, "A"] == pytest.approx(lenient.raw_scores.loc[other, "A"])


def test_an_uncertainty_aggregation_alternative_keeps_the_threshold(framework, panel):
    from indexlib.uncertainty import UncertaintySpec, uncertainty_analysis

    method = Methodology.parse({"missing": {"method": "none"}, "aggregation": {"min_share": 0.5}})
    with pytest.raises(SpecificationError, match=r"alternative\(s\) \['arithmetic', 'geometric'\] have a different "
                                                 "min_share"):
        uncertainty_analysis(panel, method, framework, runs=4)
    spec = UncertaintySpec.parse({"aggregation": [{"method": "arithmetic", "min_share": 0.5}], "outliers": ["off"],
                                  "normalisation": [{"method": "minmax"}]})
    assert len(uncertainty_analysis(panel, method, framework, spec=spec, runs=4).rank_intervals) == len(panel)


def test_effective_indicator_weights_as_methodology_weights_are_refused_with_what_to_do():
    import warnings

    import weights

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build()
        w = weights.entropy_weights(result.values[result.framework.indicator_ids], result.framework)
        # as given, these would reweigh indicators within each dimension and keep the dimensions equal
        with pytest.raises(WeightsError, match=r"22 indicator weights of 6 parent nodes sum to 1.*"
                                               r"scheme_from_indicator_weights"):
            indexlib.build(methodology=Methodology.parse({"weights": dict(w)}))
        # what the message says to do gives exactly the effective weights asked for
        scheme = weights.scheme_from_indicator_weights(result.framework, w, id="entropy")
        meant = indexlib.build(methodology=Methodology.parse({"weights": dict(scheme.weights)}))
        assert np.allclose(meant.effective_weights().reindex(w.index), w, rtol=0, atol=1e-12)
        # weights within one dimension, or that do not sum to 1, are relative among siblings as documented
        indexlib.build(methodology=Methodology.parse({"weights": {"01": 2.0, "02": 1.0}}))
        indexlib.build(methodology=Methodology.parse({"weights": {k: 2 * v for k, v in w.items()}}))
