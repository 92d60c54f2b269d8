"""The statistical audit: hand-built panels whose alpha, correlations, shares, flags and added value
are known by hand; properties of Cronbach's alpha; the command line on the 2025 panel."""

from __future__ import annotations

import json
import sys
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import indexlib
from _support import small_framework
from indexlib.publish.audit import THRESHOLDS, added_value, cronbach_alpha, first_component_share
from indexlib.cli import main
from indexlib.methodology import Methodology
from indicators.errors import SpecificationError

N = 12
#: city k lies in country K{k // 3}: four countries of three cities
COUNTRY = [k // 3 for k in range(N)]
PLAIN = Methodology().replace(outliers={"method": "none"}, presentation={"scale": "none"})


def long_panel(wide: dict[str, list[float]], levels: dict[str, str]) -> pd.DataFrame:
    """A long panel with provenance (level, source, unit, year) for :func:`small_framework`."""
    rows = []
    for k in range(N):
        for indicator, values in wide.items():
            rows.append({"city_id": f"c{k:02d}", "city_en": f"City {k}", "country": f"K{COUNTRY[k]}",
                         "continent": "X", "indicator_id": indicator, "value": values[k],
                         "level": levels[indicator], "source": f"source of {indicator}", "unit": "u",
                         "year": "2024"})
    return pd.DataFrame(rows)


def national(per_country: list[float]) -> list[float]:
    return [per_country[c] for c in COUNTRY]


T = list(range(N))
#: A: three indicators with identical normalised values; B: national figures of four countries
COHERENT = {"i1": T, "i2": [-t for t in T], "i3": [2 * t + 1 for t in T],
            "i4": national([1, 3, 2, 5]), "i5": national([4, 1, 3, 2])}
LEVELS = {"i1": "city", "i2": "city", "i3": "city", "i4": "country", "i5": "country"}


@pytest.fixture(scope="module")
def coherent():
    result = indexlib.build(long_panel(COHERENT, LEVELS), PLAIN, small_framework())
    return result, indexlib.audit(result)


def test_cronbach_alpha_by_hand():
    # items (4, 5, 4), (3, 4, 3), (5, 5, 5), (2, 3, 2): item variances 5/3, 11/12, 5/3; totals 13, 10, 15, 7
    # with variance 49/4: alpha = 3/2 (1 - (17/4) / (49/4)) = 48/49
    items = np.array([[4, 5, 4], [3, 4, 3], [5, 5, 5], [2, 3, 2]], dtype=float)
    expected = Fraction(3, 2) * (1 - (Fraction(5, 3) + Fraction(11, 12) + Fraction(5, 3)) / Fraction(49, 4))
    assert expected == Fraction(48, 49)
    assert cronbach_alpha(items) == pytest.approx(float(expected), abs=1e-12)
    assert np.isnan(cronbach_alpha(items[:, :1]))  # one item: undefined
    assert np.isnan(cronbach_alpha(np.array([[1.0, -1.0], [2.0, -2.0]])))  # constant total


@given(arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(2, 5)),
              elements=st.floats(-100, 100, allow_nan=False, width=32)), st.randoms(use_true_random=False))
def test_cronbach_alpha_properties(items, random):
    spread = items.std(axis=0)
    total = items.sum(axis=1)
    if (spread < 1e-3).any() or total.std() < 1e-3 * spread.max():
        return  # near-constant columns or totals: alpha is not defined
    alpha = cronbach_alpha(items)
    # the same by the covariance form k/(k-1) (1 - tr C / sum C)
    covariance = np.cov(items, rowvar=False)
    k = items.shape[1]
    assert alpha == pytest.approx(k / (k - 1) * (1 - np.trace(covariance) / covariance.sum()), rel=1e-7, abs=1e-7)
    assert alpha <= 1 + 1e-9
    rows, columns = list(range(items.shape[0])), list(range(k))
    random.shuffle(rows)
    random.shuffle(columns)
    assert cronbach_alpha(items[rows][:, columns]) == pytest.approx(alpha, rel=1e-7, abs=1e-7)
    share = first_component_share(items)
    assert 1 / k - 1e-9 <= share <= 1 + 1e-9


def test_identical_indicators_are_consistent_and_redundant(coherent):
    _result, report = coherent
    consistency = report["consistency"].set_index("dimension")
    assert consistency.at["A", "cronbach_alpha"] == pytest.approx(1.0, abs=1e-12)
    assert consistency.at["A", "pc1_variance_share"] == pytest.approx(1.0, abs=1e-12)
    within = report["correlations_within"]
    a = within[within["dimension"] == "A"]
    assert a[["indicator_a", "indicator_b"]].values.tolist() == [["i1", "i2"], ["i1", "i3"], ["i2", "i3"]]
    assert np.allclose(a["pearson"], 1.0) and np.allclose(a["spearman"], 1.0)
    redundant = report.flags[report.flags["flag"] == "redundant_pair"]
    assert redundant["subject"].tolist() == ["i1~i2", "i1~i3", "i2~i3"]


def test_negative_correlation_within_a_dimension(coherent):
    _result, report = coherent
    within = report["correlations_within"].set_index(["indicator_a", "indicator_b"])
    # per country (1, 3, 2, 5) against (4, 1, 3, 2), each copied to three cities: r = -4.5 / sqrt(8.75 * 5)
    r = -4.5 / np.sqrt(8.75 * 5)
    assert within.at[("i4", "i5"), "pearson"] == pytest.approx(r, abs=1e-12)
    negative = report.flags[report.flags["flag"] == "negative_within_dimension"]
    assert negative["subject"].tolist() == ["i4~i5"] and negative["value"].iloc[0] < THRESHOLDS["negative_r"]
    # normalised per country: i4 (0, 50, 25, 100), i5 (100, 0, 200/3, 100/3); two items: alpha =
    # 4 cov / (var4 + var5 + 2 cov) (population moments suffice: equal groups, and the ratio is free of n)
    x = [Fraction(v) for v in (0, 50, 25, 100)]
    y = [Fraction(100), Fraction(0), Fraction(200, 3), Fraction(100, 3)]
    mx, my = sum(x) / 4, sum(y) / 4
    vx, vy = sum((v - mx) ** 2 for v in x) / 4, sum((v - my) ** 2 for v in y) / 4
    c = sum((a - mx) * (b - my) for a, b in zip(x, y)) / 4
    assert (vx, vy, c) == (Fraction(21875, 16), Fraction(12500, 9), Fraction(-1875, 2))
    consistency = report["consistency"].set_index("dimension")
    assert consistency.at["B", "cronbach_alpha"] == pytest.approx(float(4 * c / (vx + vy + 2 * c)), abs=1e-12)
    assert consistency.at["B", "pc1_variance_share"] == pytest.approx((1 + abs(r)) / 2, abs=1e-12)


def test_a_dimension_of_national_figures_is_flagged(coherent):
    _result, report = coherent
    consistency = report["consistency"].set_index("dimension")
    assert consistency.at["B", "distinct_scores"] == 4  # one score per country
    assert consistency.at["B", "city_level_values"] == 0 and consistency.at["A", "country_level_values"] == 0
    flags = report.flags.set_index("flag")
    assert flags.loc[["few_distinct_values"], "subject"].tolist() == ["B"]
    assert flags.loc[["national_figures_only"], "subject"].tolist() == ["B"]


def test_dimension_and_index_correlations_match_numpy(coherent):
    result, report = coherent
    by = report["correlations_indicator_dimension"].set_index(["indicator_id", "dimension"])
    for indicator in result.framework.indicator_ids:
        for dimension in ("A", "B"):
            r = np.corrcoef(result.normalised[indicator], result.raw_scores[dimension])[0, 1]
            assert by.at[(indicator, dimension), "pearson"] == pytest.approx(r, abs=1e-12)
    to_index = report["correlations_dimension_index"].set_index("dimension")
    r = np.corrcoef(result.raw_scores["A"], result.raw_scores[result.root])[0, 1]
    assert to_index.at["A", "pearson"] == pytest.approx(r, abs=1e-12)


def test_an_indicator_closer_to_another_dimension_is_flagged():
    s = [5, 2, 9, 0, 7, 11, 1, 4, 10, 3, 8, 6]
    wide = {"i1": T, "i2": [-t for t in T], "i3": s, "i4": s, "i5": s}
    result = indexlib.build(long_panel(wide, LEVELS), PLAIN, small_framework())
    report = indexlib.audit(result)
    closer = report.flags[report.flags["flag"] == "closer_to_other_dimension"]
    # i3 duplicates B's single pattern: r(i3, B) = 1 > r(i3, A); the others are closest to their own
    assert closer["subject"].tolist() == ["i3"]
    assert closer["value"].iloc[0] == pytest.approx(1.0)


def test_coverage_imputed_and_country_level_shares():
    wide = {k: list(map(float, v)) for k, v in COHERENT.items()}
    wide["i1"][0] = np.nan  # c00: 1/6 of its weight imputed
    wide["i1"][1] = wide["i3"][1] = np.nan  # c01: 1/3 (> 25%: flagged)
    wide["i4"][2] = np.nan  # c02: 1/4 (not above 25%: not flagged)
    result = indexlib.build(long_panel(wide, LEVELS), PLAIN.replace(missing={"method": "median"}),
                            small_framework())
    report = indexlib.audit(result)
    cities = report["coverage_cities"].set_index("city_id")
    assert cities.loc[["c00", "c01", "c02", "c03"], "imputed_weight_share"].tolist() == pytest.approx(
        [1 / 6, 1 / 3, 1 / 4, 0])
    # i4 and i5 (weight 1/4 each) are national figures; c02's i4 was imputed, so only i5 counts
    assert cities.loc[["c00", "c02"], "country_level_weight_share"].tolist() == pytest.approx([1 / 2, 1 / 4])
    assert cities.loc[["c00", "c01", "c03"], "city_level_weight_share"].tolist() == pytest.approx([1 / 3, 1 / 6, 1 / 2])
    shares = cities[["imputed_weight_share", "country_level_weight_share", "city_level_weight_share"]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert cities.loc[["c00", "c01", "c03"], "coverage"].tolist() == pytest.approx([4 / 5, 3 / 5, 1.0])
    indicators = report["coverage_indicators"].set_index("indicator_id")
    assert indicators.loc[["i1", "i3", "i5"], "cities_with_value"].tolist() == [N - 2, N - 1, N]
    assert indicators.loc[["i1", "i5"], "imputed_values"].tolist() == [2, 0]
    flagged = report.flags[report.flags["flag"] == "imputed_weight_above_threshold"]
    assert flagged["subject"].tolist() == ["c01"]


def test_added_value_by_hand():
    ranks = pd.DataFrame({"index": [1, 2, 3, 4], "A": [1, 4, 3, 2], "B": [3, 1, 4, 2]},
                         index=["w", "x", "y", "z"])
    table = added_value(ranks, "index", ["A", "B"], gap=2)
    # gaps to (A, B): w (0, 2), x (2, 1), y (0, 1), z (2, 2): only z differs from both by >= 2
    assert table["min_rank_gap"].tolist() == [0, 1, 0, 2]
    assert table["closest_dimension"].tolist() == ["A", "B", "A", "A"]
    assert table["differs_from_every_dimension"].tolist() == [False, False, False, True]


@given(st.integers(2, 30).flatmap(lambda n: st.tuples(st.permutations(range(1, n + 1)),
                                                       st.permutations(range(1, n + 1)),
                                                       st.permutations(range(1, n + 1)))),
       st.integers(1, 12))
def test_added_value_property(permutations, gap):
    overall, a, b = (np.array(p) for p in permutations)
    ranks = pd.DataFrame({"index": overall, "A": a, "B": b}, index=[f"c{k:02d}" for k in range(len(a))])
    table = added_value(ranks, "index", ["A", "B"], gap=gap).set_index("city_id").loc[ranks.index]
    expected = (np.abs(overall - a) >= gap) & (np.abs(overall - b) >= gap)
    assert table["differs_from_every_dimension"].tolist() == expected.tolist()
    assert table["min_rank_gap"].tolist() == np.minimum(np.abs(overall - a), np.abs(overall - b)).tolist()


def test_audit_added_value_share_and_weights_reuse_importance(coherent):
    result, report = coherent
    table = report["added_value"]
    overall = result.ranks[result.root]
    differs = ((overall - result.ranks["A"]).abs() >= 10) & ((overall - result.ranks["B"]).abs() >= 10)
    assert report.added_value_share == pytest.approx(differs.mean())
    assert len(table) == N
    from indexlib.importance import importance_table

    expected = importance_table(result, "indicator")
    assert report["weights_indicators"]["importance"].tolist() == pytest.approx(expected["importance"].tolist())
    assert report["weights_indicators"]["dimension"].tolist() == ["A", "A", "A", "B", "B"]


def test_treatment_table_reports_the_rule():
    rng = np.random.default_rng(3)
    wide = {f"i{j}": list(rng.normal(10, 1, N)) for j in range(1, 6)}
    wide["i4"][0] = 1000.0  # one far outlier: skew and kurtosis fail the rule
    panel = long_panel(wide, LEVELS)
    result = indexlib.build(panel, Methodology(), small_framework())
    treatment = indexlib.audit(result)["treatment"].set_index("indicator_id")
    log = result.treatment_log.set_index("indicator_id")
    assert bool(treatment.at["i4", "failed_rule_before"]) and treatment.at["i4", "action"] != "none"
    assert treatment.at["i4", "skew_before"] == pytest.approx(log.at["i4", "skew_before"])
    from scipy import stats

    after = result.values["i4"].to_numpy()
    skew, kurt = stats.skew(after, bias=False), stats.kurtosis(after, bias=False)
    assert treatment.at["i4", "skew_after"] == pytest.approx(skew)
    assert bool(treatment.at["i4", "still_failing"]) == (abs(skew) >= 2 and kurt >= 3.5)
    untreated = indexlib.audit(indexlib.build(panel, PLAIN, small_framework()))["treatment"].set_index("indicator_id")
    assert untreated.at["i4", "action"] == "none (treatment off)"
    assert bool(untreated.at["i4", "still_failing"]) and bool(untreated.at["i4", "failed_rule_before"])


def test_to_dict_is_json_ready_and_write_is_reproducible(coherent, tmp_path):
    result, report = coherent
    data = report.to_dict()
    text = json.dumps(data, allow_nan=False)  # NaN (e.g. an undefined alpha) is null, never NaN
    assert {"flags", "tables"} <= set(data) and "consistency" in data["tables"]
    first = report.write(tmp_path / "one")
    second = indexlib.audit(result).write(tmp_path / "two")
    names = sorted(p.name for p in first)
    assert {"consistency.csv", "flags.csv", "correlations_within.csv", "correlation_heatmap.png",
            "correlation_heatmap.svg"} <= set(names)
    for path in first:
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes(), path.name
    assert sorted(p.name for p in second) == names
    assert json.loads(text) == data


def test_missing_matplotlib_is_a_clear_error_and_writes_nothing(coherent, tmp_path, monkeypatch, capsys):
    _result, report = coherent
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(SpecificationError, match=r"indexlib\[plots\]"):
        report.write(tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert report.write(tmp_path / "tables", figures=False) and not list((tmp_path / "tables").glob("*.png"))
    assert main(["audit", "--out", str(tmp_path / "cli")]) == 2
    assert "pip install 'indexlib[plots]'" in capsys.readouterr().err
    assert not (tmp_path / "cli").exists()


def test_cli_audit_on_the_2025_panel(tmp_path, capsys):
    out = tmp_path / "audit"
    assert main(["audit", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in ("consistency", "flags", "correlations_within", "correlations_indicator_dimension",
                 "correlations_dimension_index", "coverage_cities", "treatment", "added_value"):
        assert (out / f"{name}.csv").is_file(), name
    flags = pd.read_csv(out / "flags.csv", dtype=str)
    consistency = pd.read_csv(out / "consistency.csv").set_index("dimension")
    share = consistency["country_level_values"] / consistency["values_present"]
    only = sorted(share.index[consistency["city_level_values"] == 0])
    mostly = sorted(share.index[(consistency["city_level_values"] > 0) & (share > 0.5)])
    assert sorted(flags.loc[flags["flag"] == "national_figures_only", "subject"]) == only
    assert sorted(flags.loc[flags["flag"] == "mostly_national_figures", "subject"]) == mostly
    # economic foundation: 02 (labour productivity) and 04 (broadband speed) are national figures; only
    # 01 (night-time lights, GHSL) is city-level, for 80 cities
    assert "economic_foundation" in only + mostly
    assert "country-level" in printed


@settings(max_examples=15)
@given(st.lists(st.tuples(st.integers(0, N - 1), st.sampled_from(["i1", "i2", "i3", "i4", "i5"])), max_size=8),
       st.dictionaries(st.sampled_from(["i1", "i2", "i3", "i4", "i5"]), st.sampled_from(["city", "country"])))
def test_weight_shares_add_up_for_any_gaps_and_levels(gaps, levels):
    rng = np.random.default_rng(len(gaps))
    wide = {f"i{j}": list(rng.normal(10, 2, N)) for j in range(1, 6)}
    for city, indicator in gaps:
        wide[indicator][city] = np.nan
    result = indexlib.build(long_panel(wide, {**LEVELS, **levels}), PLAIN.replace(missing={"method": "median"}),
                            small_framework())
    cities = indexlib.audit(result)["coverage_cities"].set_index("city_id")
    shares = cities[["imputed_weight_share", "country_level_weight_share", "city_level_weight_share"]]
    assert np.allclose(shares.sum(axis=1), 1.0) and (shares.to_numpy() >= -1e-12).all()
    weights = result.effective_weights()
    imputed = result.imputed
    assert np.allclose(cities["imputed_weight_share"], (imputed * weights).sum(axis=1).reindex(cities.index))


def test_stale_values_and_series_breaks_are_counted_per_city_and_indicator():
    import warnings

    import indexlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build()
    report = indexlib.audit(result)
    provenance = result.panel.provenance
    flags = provenance[provenance["has_value"].astype(bool)].assign(
        flags=lambda f: f["flag"].fillna("").astype(str).str.split(";"))
    used = set(result.values.columns)
    for flag in ("stale", "series_break"):
        chosen = flags[flags["flags"].map(lambda found: flag in found) & flags["indicator_id"].isin(used)  # noqa: B023
                       & flags["city_id"].isin(result.values.index)]
        by_indicator = report["coverage_indicators"].set_index("indicator_id")[f"{flag}_values"]
        assert by_indicator.to_dict() == {i: int((chosen["indicator_id"] == i).sum()) for i in by_indicator.index}
        by_city = report["coverage_cities"].set_index("city_id")[f"{flag}_values"]
        assert int(by_city.sum()) == len(chosen)
    assert report["coverage_indicators"]["stale_values"].sum() > 0
