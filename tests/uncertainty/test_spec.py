"""The uncertainty spec: defaults, TOML/JSON round trips, weight files and clear errors for bad specs."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from indexlib.methodology import Aggregation, AggregationRule, MissingData, Normalisation, OutlierTreatment
from indexlib.uncertainty.spec import (
    UncertaintySpec,
    aggregation_label,
    load_spec,
    missing_label,
    normalisation_label,
    outlier_label,
    read_weight_mapping,
)
from indicators.errors import SpecificationError

RICH = {
    "runs": 500,
    "seed": 7,
    "top": 5,
    "weights": {"method": "uniform", "spread": 0.4, "include_indicators": True},
    "normalisation": [{"method": "minmax", "range": [1, 100]}, {"method": "rank"},
                      {"method": "zscore", "zscore_mean": 100, "zscore_standard_deviation": 10}],
    "aggregation": [{"method": "arithmetic"},
                    {"method": "geometric", "by_level": {"2": {"method": "arithmetic"}}},
                    {"method": "generalised", "p": 0.5}],
    "missing": [{"method": "group_median"}, {"method": "median"}],
    "outliers": ["on", "off", {"method": "jrc", "skew_threshold": 2.25}],
    "exclusion": {"enabled": True, "candidates": ["05", "06"], "include_none": False},
}


def test_default_spec_is_the_issue_benchmark():
    spec = UncertaintySpec()
    assert (spec.runs, spec.seed, spec.top) == (10_000, 0, 10)
    assert spec.weights.method == "uniform" and spec.weights.spread == 0.25 and not spec.weights.include_indicators
    assert [normalisation_label(n) for n in spec.normalisation] == ["minmax[1,100]", "zscore(100,10)"]
    assert [aggregation_label(a) for a in spec.aggregation] == ["arithmetic", "geometric"]
    assert spec.outliers == ("on", "off") and spec.missing == () and not spec.exclusion.enabled


@pytest.mark.parametrize("data", [{}, RICH], ids=["default", "rich"])
def test_toml_and_json_round_trip(data):
    spec = UncertaintySpec.parse(data)
    assert UncertaintySpec.from_toml(spec.to_toml()) == spec
    assert UncertaintySpec.from_json(spec.to_json()) == spec


def test_rich_spec_parses_every_section():
    spec = UncertaintySpec.parse(RICH)
    assert spec.aggregation[1].by_level[2] == AggregationRule(method="arithmetic")
    assert isinstance(spec.outliers[2], OutlierTreatment) and spec.outliers[2].skew_threshold == 2.25
    assert spec.exclusion.candidates == ("05", "06")
    assert aggregation_label(spec.aggregation[1]) == "geometric (level 2: arithmetic)"
    assert aggregation_label(spec.aggregation[2]) == "generalised(p=0.5)"
    assert missing_label(spec.missing[0]) == "group_median(country>continent)"
    assert outlier_label(OutlierTreatment(method="none")) == "off"
    assert outlier_label(spec.outliers[2]) == "on(skew_threshold=2.25)"


def test_load_spec_reads_toml_and_json_and_resolves_weight_files(tmp_path):
    (tmp_path / "schemes").mkdir()
    (tmp_path / "schemes" / "a.toml").write_text('[weights]\neconomic_foundation = 2.0\n', encoding="utf-8")
    (tmp_path / "spec.toml").write_text(
        'runs = 50\n[weights]\nmethod = "alternatives"\nalternatives = ["schemes/a.toml", {public_life = 3.0}]\n',
        encoding="utf-8")
    spec = load_spec(tmp_path / "spec.toml")
    first = spec.weights.alternatives[0]
    assert isinstance(first, str) and first == str((tmp_path / "schemes" / "a.toml").resolve())
    assert read_weight_mapping(first) == {"economic_foundation": 2.0}
    assert read_weight_mapping(spec.weights.alternatives[1]) == {"public_life": 3.0}
    (tmp_path / "spec.json").write_text(json.dumps({"runs": 9}), encoding="utf-8")
    assert load_spec(tmp_path / "spec.json").runs == 9
    assert load_spec(None) == UncertaintySpec()


def test_weight_file_at_top_level_and_bad_weight_files(tmp_path):
    top = tmp_path / "top.json"
    top.write_text(json.dumps({"05": 2, "06": 0.5}), encoding="utf-8")
    assert read_weight_mapping(top) == {"05": 2.0, "06": 0.5}
    bad = tmp_path / "bad.toml"
    bad.write_text('weights = { "05" = -1 }\n', encoding="utf-8")
    with pytest.raises(SpecificationError, match="non-negative numbers"):
        read_weight_mapping(bad)
    with pytest.raises(SpecificationError, match="not found"):
        read_weight_mapping(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"weights": {"spread": 1.0}}, r"weights.spread: must be below 1"),
        ({"weights": {"spread": 1.5}}, r"must be below 1"),
        ({"weights": {"spread": -0.1}}, r"weights.spread: Input should be greater than or equal to 0"),
        ({"normalisation": [{"method": "minmaxx"}]},
         r"normalisation.0.method: unknown normaliser 'minmaxx'; did you mean 'minmax'\?"),
        ({"aggregation": [{"method": "median"}]},
         r"aggregation.0.method: unknown aggregator 'median' \(valid: arithmetic"),
        ({"outliers": ["maybe"]}, r"outliers.0"),
        ({"weights": {"method": "alternatives"}}, r"method 'alternatives' needs alternatives"),
        ({"weights": {"alternatives": [{"05": 1.0}]}}, r"only used with method 'alternatives'"),
        ({"weights": {"method": "alternatives", "alternatives": [{}]}}, r"weight alternative 0 is empty"),
        ({"normalisation": [{"method": "rank"}, {"method": "rank"}]},
         r"normalisation alternatives 0 and 1 are identical"),
        ({"runs": 0}, r"runs: Input should be greater than or equal to 1"),
        ({"sampels": 3}, r"unknown setting 'sampels' \(valid: runs, seed"),
        ({"weights": {"concentration": 0}}, r"concentration: Input should be greater than 0"),
    ],
)
def test_bad_specs_raise_clear_errors(data, message):
    with pytest.raises(SpecificationError, match=message):
        UncertaintySpec.parse(data)


def test_bad_files_raise_specification_errors(tmp_path):
    with pytest.raises(SpecificationError, match="not found"):
        load_spec(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("runs = = 3\n", encoding="utf-8")
    with pytest.raises(SpecificationError, match="not valid TOML"):
        load_spec(broken)
    typo = tmp_path / "typo.toml"
    typo.write_text('[weights]\nspread = 2\n', encoding="utf-8")
    with pytest.raises(SpecificationError, match=rf"{typo.name}: weights.spread: must be below 1"):
        load_spec(typo)


def test_spec_is_frozen_and_replace_validates():
    spec = UncertaintySpec()
    with pytest.raises(ValidationError, match="frozen"):
        spec.runs = 3  # type: ignore[misc]
    assert spec.replace(runs=5).runs == 5
    with pytest.raises(SpecificationError):
        spec.replace(runs=-1)


def test_labels_of_other_methods():
    assert normalisation_label(Normalisation(method="percentile")) == "percentile[0,100]"
    assert normalisation_label(Normalisation(method="rank")) == "rank"
    assert missing_label(MissingData(method="none")) == "none"
    assert aggregation_label(Aggregation(method="harmonic", by_node={"public_life": AggregationRule()})) == \
        "harmonic (public_life: arithmetic)"


def test_the_new_imputation_methods_are_uncertainty_alternatives():
    spec = UncertaintySpec.parse({"missing": [{"method": "knn", "neighbours": 3}, {"method": "nearest"},
                                              {"method": "iterative", "seed": 2}]})
    assert [missing_label(m) for m in spec.missing] == ["knn(k=3)", "nearest(k=5)", "iterative(seed=2)"]
