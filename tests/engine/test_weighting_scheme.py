"""A weight scheme (AHP, budget allocation or plain weights, built-in or a file) chosen in a methodology
file (``weighting.method = "scheme"``) and drawn as an alternative of the uncertainty analysis; it gives
the ranking ``indexlib compare`` gives for the same scheme."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import indexlib
from indexlib.cli import main
from indexlib.compare import compare_weightings
from indexlib.methodology import Methodology
from indexlib.uncertainty import UncertaintySpec, uncertainty_analysis
from indicators.errors import IndexlibError, SpecificationError, WeightsError


def _build(methodology):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return indexlib.build(None, methodology)


@pytest.fixture(scope="module")
def ahp():
    return _build(Methodology.parse({"weighting": {"method": "scheme", "options": {"scheme": "ahp-example"}}}))


def test_a_scheme_in_the_methodology_ranks_as_compare_does(ahp):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comparison = compare_weightings(["ahp:ahp-example"])
    expected = comparison.ranks.set_index("city_id")["ahp:ahp-example"]
    assert ahp.ranks["index"].reindex(expected.index).tolist() == expected.tolist()


def test_the_scheme_weights_are_the_schemes_among_the_used_elements(ahp):
    import weights

    scheme = weights.load_scheme("ahp-example")
    used = ahp.framework
    dimensions = used.children(used.root)
    share = np.array([scheme.weights[d] for d in dimensions])
    got = np.array([used.element(d).weight for d in dimensions])
    # relative among siblings: the scheme's proportions survive the build's normalisation of weights
    assert np.allclose(got / got.sum(), share / share.sum(), rtol=1e-12, atol=0)
    assert _build(None).ranks["index"].tolist() != ahp.ranks["index"].tolist()


def test_methodology_weights_still_override_a_scheme():
    import weights

    scheme = weights.load_scheme("ahp-example")
    built = _build(Methodology.parse({"weighting": {"method": "scheme", "options": {"scheme": "ahp-example"}},
                                      "weights": {"public_life": 5.0}}))
    used = built.framework
    ratio = used.element("public_life").weight / used.element("economic_foundation").weight
    assert ratio == pytest.approx(5.0 / scheme.weights["economic_foundation"], rel=1e-12)


def test_a_scheme_from_a_file(tmp_path):
    import weights

    scheme = weights.load_scheme("equal-dimensions")
    path = tmp_path / "mine.toml"
    path.write_text(scheme.to_toml(), encoding="utf-8")
    from_file = _build(Methodology.parse({"weighting": {"method": "scheme", "options": {"scheme": str(path)}}}))
    builtin = _build(Methodology.parse({"weighting": {"method": "scheme",
                                                      "options": {"scheme": "equal-dimensions"}}}))
    assert from_file.ranks["index"].tolist() == builtin.ranks["index"].tolist()


@pytest.mark.parametrize("weighting, message", [
    ({"method": "scheme"}, r"scheme"),
    ({"method": "scheme", "options": {"shceme": "ahp-example"}}, r"did you mean 'scheme'"),
    ({"method": "shceme"}, r"did you mean 'scheme'"),
])
def test_a_misspelt_scheme_setting_is_an_error_with_a_suggestion(weighting, message):
    with pytest.raises(SpecificationError, match=message):
        Methodology.parse({"weighting": weighting})


def test_an_unknown_scheme_is_an_error_naming_it():
    with pytest.raises(WeightsError, match="no-such-scheme"):
        _build(Methodology.parse({"weighting": {"method": "scheme", "options": {"scheme": "no-such-scheme"}}}))


def test_the_command_line_takes_a_scheme_and_exits_2_on_a_bad_one(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text('[weighting]\nmethod = "scheme"\noptions = {scheme = "ahp-example"}\n', encoding="utf-8")
    assert main(["build", "--method", str(good), "--top", "3"]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('[weighting]\nmethod = "scheme"\noptions = {scheme = "missing.toml"}\n', encoding="utf-8")
    assert main(["build", "--method", str(bad)]) == 2
    assert "missing.toml" in capsys.readouterr().err


def test_a_scheme_is_a_weighting_alternative_of_the_uncertainty_analysis():
    spec = UncertaintySpec.parse({"weighting": ["framework", {"method": "scheme",
                                                              "options": {"scheme": "ahp-example"}}],
                                  "weights": {"method": "fixed"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = uncertainty_analysis(None, spec=spec, runs=40, seed=1)
        chosen = result.parameters["weighting"].to_numpy()
        run = int(np.flatnonzero(chosen != "framework")[0])
        rebuilt = indexlib.build(None, result.methodology_for_run(run), result.framework_for_run(run))
    assert rebuilt.ranks["index"].reindex(result.model.city_ids).tolist() == result.ranks[run].tolist()


def test_analyses_that_perturb_weights_refuse_a_scheme_methodology_with_what_to_do():
    methodology = Methodology.parse({"weighting": {"method": "scheme", "options": {"scheme": "ahp-example"}}})
    with pytest.raises(IndexlibError, match="takes them from a weight scheme"):
        uncertainty_analysis(None, methodology, runs=4, seed=1)
