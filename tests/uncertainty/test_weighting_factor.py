"""The weighting scheme as a factor of the uncertainty analysis: alternatives drawn per run like the
other discrete choices, each scheme's weights computed once per treated variant, runs rebuilt exactly."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import indexlib
import indexlib.uncertainty.model as model_module
from indexlib.cli import main
from indexlib.uncertainty import UncertaintySpec, uncertainty_analysis
from indexlib.uncertainty.spec import weighting_label
from indicators.errors import SpecificationError

SPEC = {"weighting": ["equal", "entropy", {"method": "pca", "options": {"n_factors": 2}}],
        "weights": {"method": "fixed"}}


@pytest.fixture(scope="module")
def result():
    return uncertainty_analysis(None, spec=UncertaintySpec.parse(SPEC), runs=120, seed=4)


def test_the_run_table_records_the_drawn_scheme(result):
    chosen = result.parameters["weighting"]
    assert set(chosen) == {"equal", "entropy", "pca(n_factors=2)"}
    assert result.model.varied_sections == ["outliers", "normalisation", "aggregation", "weighting"]
    assert "weighting" in result.model.factor_layout()[0]


def test_the_same_seed_gives_identical_results(result):
    again = uncertainty_analysis(None, spec=UncertaintySpec.parse(SPEC), runs=120, seed=4)
    pd.testing.assert_frame_equal(again.parameters, result.parameters, check_exact=True)
    pd.testing.assert_frame_equal(again.rank_intervals, result.rank_intervals, check_exact=True)
    assert np.array_equal(again.ranks, result.ranks)
    other = uncertainty_analysis(None, spec=UncertaintySpec.parse(SPEC), runs=120, seed=5)
    assert not other.parameters["weighting"].equals(result.parameters["weighting"])


@pytest.mark.parametrize("scheme", ["equal", "entropy", "pca(n_factors=2)"])
def test_a_run_rebuilt_with_its_scheme_gives_its_ranks(result, scheme):
    run = int(np.flatnonzero(result.parameters["weighting"].to_numpy() == scheme)[0])
    methodology = result.methodology_for_run(run)
    assert weighting_label(methodology.weighting) == scheme
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = indexlib.build(None, methodology, result.framework_for_run(run))
    expected = built.ranks["index"].reindex(result.model.city_ids).to_numpy()
    assert np.array_equal(expected, result.ranks[run])


def test_each_scheme_is_computed_once_per_treated_variant_not_per_run(monkeypatch):
    calls = []
    original = model_module.apply_weighting

    def counting(framework, methodology, values):
        calls.append(methodology.weighting.method)
        return original(framework, methodology, values)

    monkeypatch.setattr(model_module, "apply_weighting", counting)
    spec = UncertaintySpec.parse({"weighting": ["entropy", "critic"], "outliers": ["on", "off"]})
    uncertainty_analysis(None, spec=spec, runs=400, seed=0)
    # two schemes × two treated variants (outliers on/off; normalisation does not change the treated values)
    assert sorted(calls) == ["critic", "critic", "entropy", "entropy"]


def test_a_misspelt_scheme_is_an_error_with_a_suggestion(tmp_path, capsys):
    with pytest.raises(SpecificationError, match="unknown weighting method 'entropie'; did you mean 'entropy'"):
        UncertaintySpec.parse({"weighting": ["equal", "entropie"]})
    with pytest.raises(SpecificationError, match="unknown option 'n_factor' of weighting method 'pca'"):
        UncertaintySpec.parse({"weighting": [{"method": "pca", "options": {"n_factor": 2}}]})
    with pytest.raises(SpecificationError, match="weighting alternatives 0 and 1 are identical"):
        UncertaintySpec.parse({"weighting": ["pca", {"method": "pca"}]})
    spec = tmp_path / "spec.toml"
    spec.write_text('weighting = ["equal", "entropie"]\n')
    assert main(["uncertainty", "--spec", str(spec), "--runs", "10", "--out", str(tmp_path / "out"),
                 "--no-figures"]) == 2
    assert "did you mean 'entropy'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_perturbed_weights_win_over_the_scheme_as_methodology_weights_do_in_a_build():
    spec = UncertaintySpec.parse({"weighting": ["entropy", "pca"], "weights": {"spread": 0.2}})
    result = uncertainty_analysis(None, spec=spec, runs=60, seed=2)
    for scheme in ("entropy", "pca"):
        run = int(np.flatnonzero(result.parameters["weighting"].to_numpy() == scheme)[0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built = indexlib.build(None, result.methodology_for_run(run), result.framework_for_run(run))
        assert np.array_equal(built.ranks["index"].reindex(result.model.city_ids).to_numpy(), result.ranks[run])
