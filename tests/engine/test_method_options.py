"""Imputers, outlier rules and weighting methods are registries of specs with typed options, like the
normalisers: a misspelt method or option is an error with a suggestion (exit 2 from the command line),
no kernel swallows unknown options, and a method added through a registry alone is usable."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from pydantic import Field

import indexlib
from indexlib.aggregate import AGGREGATORS
from indexlib.cli import main
from indexlib.impute import impute
from indexlib.impute.options import IMPUTERS, ImputerSpec
from indexlib.methodology import Methodology
from indexlib.normalise import NORMALISERS
from indexlib.treat import OUTLIER_RULES
from indicators.errors import SpecificationError
from indicators.registry import MethodOptions
from weights import METHODS, get_method, pca_weights

REGISTRIES = {"imputation method": IMPUTERS, "outlier rule": OUTLIER_RULES, "weighting method": METHODS}
SPECS = [(kind, name) for kind, registry in REGISTRIES.items() for name in registry]


@pytest.mark.parametrize("kind, name", SPECS)
def test_every_method_owns_a_closed_options_model(kind, name):
    spec = REGISTRIES[kind].get(name)
    assert issubclass(spec.options, MethodOptions) and spec.options.model_config["extra"] == "forbid"
    spec.parse_options({})  # every option has a default
    field = next(iter(spec.options.model_fields), None)
    if field is None:
        with pytest.raises(ValueError, match=rf"unknown option 'x' of {kind} '{name}' \(valid options: none\)"):
            spec.parse_options({"x": 1})
    else:
        with pytest.raises(ValueError, match=rf"unknown option '{field}x' of {kind} '{name}'; did you mean "
                                             rf"'{field}'"):
            spec.parse_options({f"{field}x": 1})


def _callables():
    for registry, attributes in ((IMPUTERS, ("kernel",)), (OUTLIER_RULES, ("treat",)), (METHODS, ("function",)),
                                 (NORMALISERS, ("fit", "apply")), (AGGREGATORS, ("kernel",))):
        for name in registry:
            for attribute in attributes:
                function = getattr(registry.get(name), attribute)
                if function is not None:
                    yield f"{registry.kind} {name}.{attribute}", function


@pytest.mark.parametrize("label, function", list(_callables()), ids=lambda v: v if isinstance(v, str) else "")
def test_no_kernel_swallows_unknown_options(label, function):
    kinds = {p.kind for p in inspect.signature(function).parameters.values()}
    assert inspect.Parameter.VAR_KEYWORD not in kinds, f"{label} takes **kwargs"


@pytest.mark.parametrize("section, message", [
    ({"missing": {"method": "group_meen"}}, "unknown imputation method 'group_meen'; did you mean 'group_mean'"),
    ({"missing": {"method": "knn", "options": {"neighbors": 3}}},
     "unknown option 'neighbors' of imputation method 'knn'; did you mean 'neighbours'"),
    ({"missing": {"method": "knn", "options": {"neighbours": 3}}}, r"set missing.neighbours"),
    ({"missing": {"method": "group_mean", "groups": []}}, "needs at least one group column"),
    ({"outliers": {"method": "jcr"}}, "unknown outlier rule 'jcr'; did you mean 'jrc'"),
    ({"outliers": {"method": "jrc", "options": {"max_winsorized": 3}}},
     "unknown option 'max_winsorized' of outlier rule 'jrc'; did you mean 'max_winsorised'"),
    ({"outliers": {"method": "none", "skew_threshold": 3}}, "skew_threshold is a setting of method\\(s\\) jrc"),
    ({"weighting": {"method": "entropi"}}, "unknown weighting method 'entropi'; did you mean 'entropy'"),
    ({"weighting": {"method": "pca", "options": {"n_factor": 2}}},
     "unknown option 'n_factor' of weighting method 'pca'; did you mean 'n_factors'"),
    ({"weighting": {"method": "entropy", "options": {"zero_handling": "limits"}}}, "zero_handling"),
    ({"weighting": {"method": "framework", "options": {"n_factors": 2}}}, "'framework' has no options"),
])
def test_a_misspelt_method_or_option_is_an_error_with_a_suggestion(section, message):
    with pytest.raises(SpecificationError, match=message):
        Methodology.parse(section)


@pytest.mark.parametrize("text", [
    '[missing]\nmethod = "knn"\n[missing.options]\nneighbors = 3\n',
    '[outliers]\nmethod = "jrc"\n[outliers.options]\nskew_treshold = 3\n',
    '[weighting]\nmethod = "critc"\n',
])
def test_the_command_line_exits_2_on_a_misspelt_option(tmp_path, capsys, text):
    path = tmp_path / "m.toml"
    path.write_text(text)
    assert main(["build", "--method", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "did you mean" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_weighting_options_reach_the_method():
    X = pd.DataFrame(np.random.default_rng(0).lognormal(size=(30, 4)), columns=list("abcd"))
    expected = pca_weights(X, n_factors=1, rotate=False).weights
    pd.testing.assert_series_equal(get_method("pca")(X, options={"n_factors": 1, "rotate": False}), expected)
    assert not np.allclose(get_method("pca")(X), expected)
    with pytest.raises(SpecificationError, match="did you mean 'rotate'"):
        get_method("pca")(X, options={"rotat": False})


def test_a_build_uses_the_weighting_options():
    def effective(options):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            meth = Methodology.parse({"weighting": {"method": "pca", "options": options}})
            return indexlib.build(None, meth).framework

    one, default = effective({"n_factors": 1}), effective({})
    weights_one = [one.element(i).weight for i in one.indicator_ids]
    assert weights_one != [default.element(i).weight for i in default.indicator_ids]


class _ShiftOptions(MethodOptions):
    offset: float = Field(0.0, description="Added to the column minimum.")


def _minimum_plus(data, options, attributes):
    filled = np.where(np.isnan(data), np.nanmin(data, axis=0) + options.offset, data)
    labels = np.where(np.isnan(data), "minimum plus offset", "").astype(object)
    return filled, labels, labels


@pytest.fixture
def toy_imputer():
    IMPUTERS.register("minimum_plus")(ImputerSpec("minimum_plus", _minimum_plus, _ShiftOptions))
    yield
    IMPUTERS.unregister("minimum_plus")


def test_a_toy_imputer_is_usable_through_the_registry_alone(toy_imputer):
    meth = Methodology.parse({"missing": {"method": "minimum_plus", "options": {"offset": 0.5}}})
    values = pd.DataFrame({"x": [1.0, np.nan, 3.0]}, index=["a", "b", "c"])
    filled, log = impute(values, meth.missing)
    assert filled["x"].tolist() == [1.0, 1.5, 3.0] and log["rule"].tolist() == ["minimum plus offset"]
    with pytest.raises(SpecificationError, match="unknown option 'ofset' of imputation method 'minimum_plus'; did "
                                                 "you mean 'offset'"):
        Methodology.parse({"missing": {"method": "minimum_plus", "options": {"ofset": 0.5}}})
    with pytest.raises(SpecificationError, match="neighbours is a setting of method\\(s\\) knn, nearest"):
        Methodology.parse({"missing": {"method": "minimum_plus", "neighbours": 3}})


def test_the_schema_lists_every_registered_method_with_its_options(toy_imputer, capsys):
    import json

    assert main(["schema", "--which", "methodology"]) == 0
    defs = json.loads(capsys.readouterr().out)["methodology"]["$defs"]
    missing, outliers, weighting = defs["MissingData"], defs["OutlierTreatment"], defs["Weighting"]
    assert "minimum_plus" in missing["properties"]["method"]["enum"]
    assert missing["x-method-options"]["minimum_plus"]["properties"]["offset"]["default"] == 0.0
    assert missing["x-method-options"]["group_mean"]["properties"]["max_copies"]["minimum"] == 1
    assert outliers["properties"]["method"]["enum"] == ["jrc", "none"]
    assert outliers["x-method-options"]["jrc"]["properties"]["skew_threshold"]["exclusiveMinimum"] == 0
    assert weighting["properties"]["method"]["enum"] == ["framework", "scheme", *METHODS.names()]
    assert weighting["x-method-options"]["scheme"]["required"] == ["scheme"]
    assert weighting["x-method-options"]["pca"]["properties"]["n_factors"]["anyOf"][0]["minimum"] == 1
    assert main(["schema", "--which", "methods"]) == 0
    methods = json.loads(capsys.readouterr().out)
    assert set(methods) == {"normaliser", "aggregator", "imputation method", "outlier rule", "weighting method"}
    assert methods["imputation method"]["minimum_plus"]["additionalProperties"] is False
    assert set(methods["weighting method"]["entropy"]["properties"]) == {"zero_handling", "shift"}
    assert set(methods["weighting method"]["scheme"]["properties"]) == {"scheme"}
