"""The uncertainty preparation imputes once per imputation method and dropped indicator, not once per
treatment variant, and the shared imputation gives the same variants."""

from __future__ import annotations

import numpy as np

import indexlib.pipeline
from _support import small_framework, small_panel
from indexlib.impute.methods import MULTIVARIATE_METHODS
from indexlib.uncertainty import UncertaintyModel, UncertaintySpec

SPEC = UncertaintySpec.parse({"missing": [{"method": "group_median"}, {"method": "median"}],
                              "outliers": ["on", "off"], "exclusion": {"enabled": True}})


def gappy_panel():
    frame = small_panel(n=30, seed=4)
    frame.loc[[1, 7, 12], "i1"] = np.nan
    frame.loc[[3, 20], "i4"] = np.nan
    return frame


def test_imputation_is_computed_once_per_method_and_dropped_indicator(monkeypatch):
    calls = []
    impute = indexlib.pipeline.impute

    def counted(values, options, **kwargs):
        calls.append((options.method, tuple(values.columns)))
        return impute(values, options, **kwargs)

    monkeypatch.setattr(indexlib.pipeline, "impute", counted)
    model = UncertaintyModel(gappy_panel(), None, small_framework(), spec=SPEC)
    model.prepare_variants()
    methods = [model.options["missing"][k].method for k in model.drawn["missing"]]
    dropped = [model.options["exclusion"][k] for k in model.drawn["exclusion"]]
    expected = {(method, excluded if method in MULTIVARIATE_METHODS else None) for method in methods
                for excluded in dropped}
    expected.add((model.methodology.missing.method, None))  # the nominal build
    assert len(calls) == len(set(calls)) == len(expected)
    assert len(model._treated) > len(calls)  # the treatment variants share them


def test_shared_imputation_gives_the_variants_of_separate_builds():
    model = UncertaintyModel(gappy_panel(), None, small_framework(), spec=SPEC)
    for missing in range(len(model.options["missing"])):
        for outliers in range(len(model.options["outliers"])):
            shared = model.variant(missing, outliers, 0)
            meth = model.methodology.replace(missing=model.options["missing"][missing],
                                            outliers=model.options["outliers"][outliers],
                                            normalisation=model.options["normalisation"][0])
            treated, _, _, _, used, _ = indexlib.pipeline.impute_and_treat(model.prep, meth)
            separate = indexlib.pipeline.normalise_values(treated, used, meth)
            np.testing.assert_array_equal(shared.normalised, separate)
