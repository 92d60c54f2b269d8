"""The default run: the embedded 2025 panel with the default methodology (no ../shared needed)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import indexlib
from indexlib.cli import main
from indexlib.compare_published import compare_with_published
from indexlib.result import results_tables
from indicators._numbers import EXACT_CSV

DIMENSIONS = ["economic_foundation", "innovation_potential", "cultural_openness", "ecological_health",
              "social_welfare", "public_life"]


@pytest.fixture(scope="module")
def result():
    return indexlib.build()


def test_all_125_cities_ranked_on_the_50_to_100_scale(result):
    ranking = result.ranking
    assert len(ranking) == 125 and result.excluded_cities.empty
    assert ranking["score"].max() == 100 and ranking["score"].min() == 50
    assert ranking["rank"].tolist() == sorted(ranking["rank"].tolist()) and ranking["rank"].iloc[0] == 1
    for dimension in DIMENSIONS:
        assert ranking[dimension].notna().all() and ranking[f"{dimension}_rank"].notna().all()
        assert ranking[dimension].min() == 50 and ranking[dimension].max() == 100


def test_indicators_without_source_are_excluded_and_recorded(result):
    assert result.excluded_indicators["indicator_id"].tolist() == ["03", "11"]
    manifest = result.manifest()
    assert [row["indicator_id"] for row in manifest["excluded_indicators"]] == ["03", "11"]
    # siblings renormalised: economic foundation keeps 1/6, shared by its three remaining indicators
    assert result.effective_weights()["02"] == pytest.approx(1 / 18)


def test_imputation_and_city_level_share_are_exposed(result):
    ranking = result.ranking.set_index("city_id")
    assert ranking["imputed_values"].sum() == len(result.imputation_log) > 0
    assert ranking["city_level_share"].between(0, 1).all()
    assert ranking.loc["paris", "imputed_values"] == 0


def test_manifest_reproduces_the_build(result, tmp_path):
    manifest = result.manifest()
    method = indexlib.Methodology.parse(manifest["methodology"])
    framework = indexlib.Framework.parse(manifest["framework"])
    again = indexlib.build(None, method, framework)
    pd.testing.assert_frame_equal(again.ranking, result.ranking)
    assert again.input_sha256 == manifest["input"]["sha256"]


def test_build_command_outputs_are_byte_identical_across_runs(tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["build", "--out", str(tmp_path / name)]) == 0
    for file in ("ranking.csv", "indicator_scores.csv", "results.json", "manifest.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    ranking = pd.read_csv(tmp_path / "a" / "ranking.csv")
    assert len(ranking) == 125 and {f"{d}_rank" for d in DIMENSIONS} <= set(ranking.columns)
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["cities_ranked"] == 125


def test_compare_published_reports_the_agreement_as_it_is(result, capsys):
    comparison = compare_with_published(result)
    assert comparison.cities == 125 and -1 <= comparison.spearman <= 1
    assert 0 <= comparison.top10_overlap <= 10 and len(comparison.largest_differences) == 10
    assert comparison.largest_differences["rank_difference"].abs().is_monotonic_decreasing
    assert main(["compare-published"]) == 0
    assert "Spearman rank correlation" in capsys.readouterr().out


def test_three_pillar_framework_on_the_embedded_panel():
    result = indexlib.build(framework="gctsi-2025-3pillar")
    assert {"value_creation", "environment", "livability"} <= set(result.ranking.columns)
    assert len(result.ranking) == 125


def test_open_only_panel_builds_with_fewer_indicators():
    import city_data

    panel = city_data.load_panel(2025, open_only=True)
    open_values = panel[["city_id", "indicator_id", "value"]].merge(
        city_data.cities()[["city_id", "country", "continent"]], on="city_id")
    with pytest.raises(indexlib.DataValidationError, match="no data for any city"):
        indexlib.build(open_values)  # whole dimensions lack open data: a clear error, not a silent result
    assert np.isfinite(panel["value"]).sum() < city_data.load_panel(2025)["value"].notna().sum()


def test_ranking_csv_has_the_numbers_of_results_json_to_15_decimals(result, tmp_path):
    """Both files carry one text per number (indexlib.csv_text): exact from 10 up, within 5e-16 below."""
    result.write(tmp_path)
    ranking = pd.read_csv(tmp_path / "ranking.csv", **EXACT_CSV)
    tables = results_tables(json.loads((tmp_path / "results.json").read_bytes()))
    expected = result.ranking.reset_index(drop=True)
    for column in expected.select_dtypes("float").columns:
        written, exact = ranking[column].to_numpy(dtype=float), expected[column].to_numpy()
        np.testing.assert_array_equal(written, tables["ranking"][column].to_numpy(dtype=float))
        np.testing.assert_allclose(written, exact, rtol=0, atol=5e-16 * (1 + 1e-9))
        large = np.abs(exact) >= 10
        np.testing.assert_array_equal(written[large], exact[large])


