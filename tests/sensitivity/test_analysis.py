"""The index's Sobol' analysis: factor mapping, outputs, reproducibility (embedded 2025 panel, small N)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import indexlib
from indexlib.sensitivity import SHIFT_OUTPUT, sensitivity_analysis
from indexlib.uncertainty import UncertaintyModel, UncertaintySpec
from indicators import load_framework
from indicators.errors import SpecificationError

FIXED = {"weights": {"method": "fixed"}, "normalisation": [], "aggregation": [], "outliers": []}


@pytest.fixture(scope="module")
def panel():
    return indexlib.read_panel(None, load_framework())


@pytest.fixture(scope="module")
def default_result(panel):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sensitivity_analysis(panel, n_base=128, seed=3, num_resamples=20)


def analyse(panel, spec: dict, n_base: int = 64, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant outputs (cities whose rank never moves) warn
        return sensitivity_analysis(panel, spec=UncertaintySpec.parse(spec), n_base=n_base, seed=1,
                                    num_resamples=10, **kwargs)


def test_factors_outputs_and_shapes(default_result):
    dimensions = list(load_framework().children("index"))
    factors = default_result.factors["factor"].tolist()
    assert factors == [f"weight:{d}" for d in dimensions] + ["outliers", "normalisation", "aggregation"]
    outputs = default_result.sobol.outputs
    assert outputs[0] == SHIFT_OUTPUT and len(outputs) == 126
    model = default_result.model
    by_rank = [model.city_ids[c] for c in np.argsort(model.nominal_ranks, kind="stable")]
    assert list(outputs[1:]) == [f"rank:{c}" for c in by_rank]
    frame = default_result.to_frame()
    assert frame.columns.tolist() == ["output", "factor", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(frame) == 126 * 9 and default_result.design.n_runs == 128 * 11
    assert default_result.run_shift.shape == (128 * 11,)


def test_same_seed_is_identical(panel, default_result):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = sensitivity_analysis(panel, n_base=128, seed=3, num_resamples=20)
    assert again.to_frame().equals(default_result.to_frame())


def test_design_columns_drive_exactly_their_factor(default_result):
    """A_B^(i) runs differ from the A runs in factor i's parameters only."""
    design, table, model = default_result.design, default_result.runs, default_result.model
    unit = design.unit_samples
    for k, section in enumerate(model.varied_sections):
        column = len(model.weight_columns()) + k
        drawn = model.drawn[section]
        assert np.array_equal(table.choices[section], drawn[np.minimum((unit[:, column] * len(drawn)).astype(int),
                                                                       len(drawn) - 1)])
    a = design.a_rows
    for f, factor in enumerate(design.factors):
        ab = design.ab_rows(f)
        for section in model.varied_sections:
            same = np.array_equal(table.choices[section][a], table.choices[section][ab])
            assert same == (section != factor), (factor, section)
        if factor.startswith("weight:"):
            element = factor.removeprefix("weight:")
            i = model.weight_ids.index(element)
            raw = model.nominal_weights[i] * (1 + 0.25 * (2 * unit[ab, i] - 1))
            ratio = table.weights[ab][:, i] / raw  # the group rescaling is shared by all weights of a run
            others = [j for j in range(len(model.weight_ids)) if j != i]
            raw_others = model.nominal_weights[others] * (1 + 0.25 * (2 * unit[ab][:, others] - 1))
            assert np.allclose(table.weights[ab][:, others] / raw_others, ratio[:, None])
            assert np.allclose(unit[ab][:, others], unit[a][:, others])


def test_a_factor_that_cannot_change_ranks_has_zero_total_index(panel):
    # min-max to [0, 100] and to [1, 100] are affine maps of each other: identical arithmetic rankings.
    result = analyse(panel, {"normalisation": [{"method": "minmax"}, {"method": "minmax", "range": [1, 100]}],
                             "aggregation": [], "outliers": []})
    frame = result.to_frame()
    normalisation = frame[frame["factor"] == "normalisation"]
    assert (normalisation["ST"] == 0).all() and (normalisation["S1"] == 0).all()
    weights = result.for_output(SHIFT_OUTPUT)
    assert weights.loc[weights["factor"] != "normalisation", "ST"].sum() > 0.5


def test_only_weights_varying_gives_no_discrete_factor(panel):
    result = analyse(panel, {"normalisation": [], "aggregation": [], "outliers": []})
    assert all(f.startswith("weight:") for f in result.factors["factor"])


def test_a_single_varying_factor_explains_all_of_the_shift(panel):
    result = analyse(panel, {**FIXED, "aggregation": [{"method": "arithmetic"}, {"method": "harmonic"}],
                             "normalisation": [{"method": "minmax", "range": [1, 100]}]}, n_base=256)
    row = result.for_output(SHIFT_OUTPUT)
    assert row["factor"].tolist() == ["aggregation"]
    assert row["S1"].item() == pytest.approx(1.0, abs=0.05) and row["ST"].item() == pytest.approx(1.0, abs=0.05)


def test_indicator_weights_are_grouped_per_dimension(panel):
    model = UncertaintyModel(panel, spec=UncertaintySpec.parse({"weights": {"include_indicators": True}}))
    factors, groups = model.factor_layout()
    framework = load_framework()
    assert factors[:6] == [f"weight:{d}" for d in framework.children("index")]
    assert groups.count("weight:public_life") == 1 + len(framework.children("public_life"))
    result = analyse(panel, {"weights": {"include_indicators": True}, "normalisation": [], "aggregation": [],
                             "outliers": []}, model=None)
    assert result.design.unit_samples.shape[1] == len(model.weight_ids)
    assert len(result.factors) == 6


def test_dirichlet_and_alternative_weights_map_to_factors(panel):
    dirichlet = analyse(panel, {"weights": {"method": "dirichlet", "concentration": 20}, "normalisation": [],
                                "aggregation": [], "outliers": []})
    assert (dirichlet.runs.weights > 0).all() and np.allclose(dirichlet.runs.weights.sum(axis=1), 6.0)
    alternatives = analyse(panel, {**FIXED, "weights": {"method": "alternatives", "alternatives": [
        {"economic_foundation": 2.0}, {"public_life": 2.0}, {"cultural_openness": 0.5}]}})
    assert alternatives.factors["factor"].tolist() == ["weights"]
    assert set(alternatives.runs.weight_choice) == {0, 1, 2}


def test_nothing_varying_is_an_error(panel):
    with pytest.raises(SpecificationError, match="varies nothing"):
        analyse(panel, FIXED)


def test_write_outputs(default_result, tmp_path):
    paths = default_result.write(tmp_path)
    assert [p.name for p in paths] == ["sobol.csv", "sensitivity.json"]
    assert paths[0].read_text(encoding="utf-8").splitlines()[0] == "output,factor,S1,S1_conf,ST,ST_conf"
