"""One-at-a-time scenarios: each assumption alone against the nominal build, on the embedded panel."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import indexlib
from indexlib.uncertainty import UncertaintySpec, one_at_a_time
from indicators import load_framework
from indicators.errors import SpecificationError


@pytest.fixture(scope="module")
def panel():
    return indexlib.read_panel(None, load_framework())


@pytest.fixture(scope="module")
def scenarios(panel):
    spec = UncertaintySpec.parse({"missing": [{"method": "median"}]})
    return one_at_a_time(panel, spec=spec)


def test_table_has_every_scenario_and_column(scenarios):
    table = scenarios.table
    assert list(table.columns) == ["scenario", "factor", "option", "mean_abs_shift", "max_abs_shift", "spearman",
                                   "top10_overlap"]
    names = set(table["scenario"])
    used = scenarios.model.options["exclusion"][1:]
    assert {"normalisation=minmax[1,100]", "normalisation=zscore(100,10)", "outliers=off", "missing=median",
            "aggregation=geometric + normalisation=minmax[1,100]"} <= names
    assert {f"exclude={i}" for i in used} <= names
    assert {"weight:public_life+25%", "weight:public_life-25%"} <= names
    assert table["top10_overlap"].between(0, 10).all() and table["spearman"].between(-1, 1).all()
    assert (table["max_abs_shift"] >= table["mean_abs_shift"]).all()


def test_affine_normalisation_leaves_the_ranking_unchanged(scenarios):
    row = scenarios.table.set_index("scenario").loc["normalisation=minmax[1,100]"]
    assert row["mean_abs_shift"] == 0 and row["spearman"] == pytest.approx(1.0) and row["top10_overlap"] == 10


@pytest.mark.parametrize("scenario", ["aggregation=geometric + normalisation=minmax[1,100]", "outliers=off",
                                      "missing=median", "exclude=05", "weight:public_life+25%",
                                      "normalisation=zscore(100,10)"])
def test_scenario_ranks_equal_the_build_of_its_methodology(panel, scenarios, scenario):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = indexlib.build(panel, scenarios.methodology_for(scenario), scenarios.framework_for(scenario))
    ranks = scenarios.ranks[scenario]
    assert (built.ranks[built.root].reindex(ranks.index) == ranks).all()
    row = scenarios.table.set_index("scenario").loc[scenario]
    assert row["mean_abs_shift"] == pytest.approx((ranks - scenarios.ranks["nominal"]).abs().mean())


def test_ranks_table_is_ordered_by_nominal_rank(scenarios):
    ranks = scenarios.ranks
    assert ranks.columns[0] == "nominal" and list(ranks["nominal"]) == sorted(ranks["nominal"])
    assert ranks.shape == (125, 1 + len(scenarios.table))


def test_write_is_byte_identical(panel, scenarios, tmp_path):
    first = scenarios.write(tmp_path / "a")
    second = one_at_a_time(panel, spec=UncertaintySpec.parse({"missing": [{"method": "median"}]})).write(tmp_path / "b")
    assert [p.name for p in first] == ["scenarios.csv", "scenario_ranks.csv"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    assert pd.read_csv(tmp_path / "a" / "scenarios.csv").shape[0] == len(scenarios.table)


def test_unknown_scenario_is_an_error(scenarios):
    with pytest.raises(SpecificationError, match="unknown scenario"):
        scenarios.methodology_for("aggregation=median")


def test_scenarios_without_a_positive_normalisation_are_skipped_with_a_note(panel):
    spec = UncertaintySpec.parse({"normalisation": [], "aggregation": [{"method": "geometric"}]})
    result = one_at_a_time(panel, spec=spec)
    assert not result.table["scenario"].str.startswith("aggregation=").any()
    assert any("aggregation=geometric skipped" in note for note in result.notes)
    assert np.isfinite(result.table["mean_abs_shift"]).all()
