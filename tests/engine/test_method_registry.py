"""The method registries are the one source of truth: a conformance suite over every registered
normaliser, checked estimator parameters, and a toy normaliser added through the registry alone
that is usable from a methodology file, from an uncertainty spec and in ``indexlib schema``."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pydantic import Field

import indexlib
from indexlib.cli import main
from indexlib.methodology import Methodology
from indexlib.normalise import (
    NORMALISERS,
    FitContext,
    MinMaxNormaliser,
    NormaliserOptions,
    NormaliserSpec,
    ZScoreNormaliser,
)
from indexlib.uncertainty import UncertaintySpec, uncertainty_analysis
from indicators.errors import SpecificationError

CITIES = [f"c{i}" for i in range(8)]
NAMES = ["a", "b", "c"]
POLARITY = np.array([1.0, 1.0, -1.0])


@st.composite
def conformance_panels(draw):
    """8 cities × 3 indicators in [1, 10]: c1 lowest and c2 highest everywhere, c3 in the middle
    (so a reference city is never the worst), one missing value."""
    data = draw(arrays(np.float64, (8, 3), elements=st.floats(1.5, 9.5, allow_nan=False)))
    data[1], data[2], data[3] = 1.0, 10.0, 5.0
    data[7, 0] = np.nan
    return data


def _options(spec: NormaliserSpec):
    return spec.parse_options(dict(spec.example_options))


@pytest.mark.parametrize("name", NORMALISERS.names())
@settings(max_examples=25, deadline=None)
@given(data=conformance_panels(), order=st.permutations(range(8)))
def test_every_registered_normaliser_conforms(name, data, order):
    spec = NORMALISERS.get(name)
    options = _options(spec)
    learned = spec.fit(data, POLARITY, options, FitContext(NAMES, CITIES))
    y = spec.apply(data, POLARITY, learned, options)
    assert y.shape == data.shape
    assert np.array_equal(np.isnan(y), np.isnan(data)), "NaN in, NaN out; nothing else missing"
    present = ~np.isnan(data)
    assert np.isfinite(y[present]).all()
    for j, sign in enumerate(POLARITY):  # better raw value (by polarity) never scores lower
        keep = present[:, j]
        by_raw = np.argsort(sign * data[keep, j], kind="stable")
        scores = y[keep, j][by_raw]
        assert np.all(np.diff(scores) >= -1e-9 * (1 + np.abs(scores[1:])))
    if spec.bounded:
        low, high = options.feature_range
        assert np.all(y[present] >= low - 1e-9) and np.all(y[present] <= high + 1e-9)
    # the city order does not matter
    permuted = data[list(order)]
    again = spec.apply(permuted, POLARITY, spec.fit(permuted, POLARITY, options,
                                                    FitContext(NAMES, [CITIES[i] for i in order])), options)
    np.testing.assert_allclose(again, y[list(order)], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NORMALISERS.names())
def test_every_normaliser_rejects_a_misspelt_option_with_a_suggestion(name):
    spec = NORMALISERS.get(name)
    field = next(iter(spec.options.model_fields), None)
    if field is None:
        pytest.skip(f"{name} has no options")
    with pytest.raises(ValueError, match=rf"unknown option '{field}x' of normaliser '{name}'; did you mean '{field}'"):
        spec.parse_options({**spec.example_options, f"{field}x": 1})


@pytest.mark.parametrize("name", [n for n in NORMALISERS.names() if NORMALISERS.get(n).estimator is not None])
def test_every_transformer_matches_its_kernels(name):
    spec = NORMALISERS.get(name)
    data = np.array([[1.0, 10.0, 3.0], [10.0, 1.0, 4.0], [5.0, 5.0, 9.0], [2.0, 7.0, 1.0]])
    estimator = spec.estimator(polarity=["+", "+", "-"])
    params = estimator.get_params()
    # a transformer takes its method's options under the same names (no method is skipped)
    assert all(key in params for key in spec.example_options), f"{name}'s transformer names its options differently"
    estimator.set_params(**{k: v for k, v in spec.example_options.items()})
    if "goalposts" in spec.example_options:
        data = np.clip(data, 2.0, 8.0)
    options = _options(spec)
    if "on_constant" in spec.options.model_fields:
        options = options.model_copy(update={"on_constant": "error"})
    cities, names = [f"c{i}" for i in range(len(data))], ["x0", "x1", "x2"]
    expected = spec.apply(data, POLARITY, spec.fit(data, POLARITY, options, FitContext(names, cities)), options)
    np.testing.assert_array_equal(estimator.fit_transform(pd.DataFrame(data, index=cities, columns=names)), expected)


# ------------------------------------------------------------------ estimator parameters are checked
@pytest.mark.parametrize("params, message", [
    ({"on_constant": "exclude"}, "on_constant='exclude' drops an indicator from a build"),
    ({"on_constant": "midpiont"}, "on_constant: Input should be 'error' or 'midpoint'"),
    ({"feature_range": (100, 0)}, r"feature_range must be \(low, high\) with low < high"),
    ({"feature_range": (0, np.inf)}, "feature_range"),
])
def test_minmax_parameters_are_checked(params, message):
    with pytest.raises(SpecificationError, match=message):
        MinMaxNormaliser(**params).fit([[1.0], [2.0]])


def test_zscore_scale_must_be_positive():
    with pytest.raises(SpecificationError, match="standard_deviation: Input should be greater than 0"):
        ZScoreNormaliser(standard_deviation=0).fit([[1.0], [2.0]])


def test_learned_state_is_named_attributes():
    est = MinMaxNormaliser(polarity=["+", "-"]).fit([[1.0, 10.0], [3.0, 20.0]])
    assert est.data_min_.tolist() == [1.0, -20.0] and est.data_max_.tolist() == [3.0, -10.0]
    assert not hasattr(est, "params_")
    z = ZScoreNormaliser().fit([[1.0], [3.0]])
    assert z.mean_.tolist() == [2.0] and z.scale_ == pytest.approx([np.sqrt(2.0)])


# ------------------------------------------------------------------ a toy normaliser through the registry alone
class ToyOptions(NormaliserOptions):
    factor: float = Field(1.0, gt=0)


def toy_fit(X, polarity, options, context):
    return {"data_max": np.nanmax(X * polarity, axis=0)}


def toy_apply(X, polarity, learned, options):
    return options.factor * X * polarity / learned["data_max"]


@pytest.fixture
def toy():
    NORMALISERS.register("toy")(NormaliserSpec("toy", toy_fit, toy_apply, ToyOptions, None, bounded=False))
    yield NORMALISERS.get("toy")
    NORMALISERS.unregister("toy")


def test_a_toy_normaliser_is_usable_from_a_methodology_file(toy, tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[normalisation]\nmethod = "toy"\n[normalisation.options]\nfactor = 2.0\n')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(None, indexlib.load_methodology(path))
    values = result.values[result.normalised.columns]
    polarity = np.array(result.framework.polarity)
    expected = 2.0 * values * polarity / (values * polarity).max()
    np.testing.assert_allclose(result.normalised.to_numpy(), expected.to_numpy(), rtol=1e-12)
    path.write_text('[normalisation]\nmethod = "toy"\n[normalisation.options]\nfactr = 2.0\n')
    assert main(["build", "--method", str(path), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_a_misspelt_toy_option_names_the_right_one(toy):
    with pytest.raises(SpecificationError, match="unknown option 'factr' of normaliser 'toy'; did you mean 'factor'"):
        Methodology.parse({"normalisation": {"method": "toy", "options": {"factr": 2}}})


def test_a_toy_normaliser_is_usable_from_an_uncertainty_spec(toy):
    spec = UncertaintySpec.parse({"normalisation": [{"method": "minmax"}, {"method": "toy", "options": {"factor": 3}}],
                                  "aggregation": [{"method": "arithmetic"}]})
    result = uncertainty_analysis(None, spec=spec, runs=40, seed=3)
    assert set(result.parameters["normalisation"]) == {"minmax[0,100]", "toy"}


def test_a_toy_normaliser_appears_in_the_schema(toy, capsys):
    assert main(["schema", "--which", "methodology"]) == 0
    schema = json.loads(capsys.readouterr().out)["methodology"]
    normalisation = schema["$defs"]["Normalisation"]
    assert "toy" in normalisation["properties"]["method"]["enum"]
    assert normalisation["x-method-options"]["toy"]["properties"]["factor"]["exclusiveMinimum"] == 0


# ------------------------------------------------------------------ imputation: names and settings from the registry
def test_imputation_method_and_settings_are_checked():
    with pytest.raises(SpecificationError, match="unknown imputation method 'kn'; did you mean 'knn'"):
        Methodology.parse({"missing": {"method": "kn"}})
    with pytest.raises(SpecificationError, match="neighbours is a setting of method\\(s\\) knn, nearest, not of "
                                                 "'group_median'"):
        Methodology.parse({"missing": {"method": "group_median", "neighbours": 7}})
    assert Methodology.parse({"missing": {"method": "nearest", "neighbours": 7}}).missing.neighbours == 7
