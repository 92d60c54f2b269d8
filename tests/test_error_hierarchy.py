"""Every public function of the public API answers bad input with an IndexlibError.

The public functions are enumerated from the packages (``__all__`` of ``indexlib``, ``indicators``,
``weights`` and ``city_data``, and of the analysis modules below), so a new public function without
an entry in :data:`BAD_CALLS` (or :data:`NOT_CHECKED`, with the reason) fails
:func:`test_every_public_function_has_an_entry`.
"""

from __future__ import annotations

import importlib
import inspect
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from indicators.errors import IndexlibError

#: Modules whose ``__all__`` is the public API checked here.
PUBLIC_MODULES = ("indexlib", "indicators", "weights", "city_data", "indexlib.agreement", "indexlib.compare",
                  "indexlib.compare_published", "indexlib.uncertainty", "indexlib.sensitivity")


def _framework() -> Any:
    from indicators import load_framework

    return load_framework("gctsi-2025")


def _result() -> Any:
    import indexlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return indexlib.build()


MISSING = "no/such/file.csv"
X = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 1.0, 2.0]}, index=["p", "q", "r"])

#: ``module.function`` → calls with bad input: each a function of no argument making the call
#: (lazily, so that building a result happens only in the tests that need it).
BAD_CALLS: dict[str, list[Callable[[], Any]]] = {
    "indexlib.build": [lambda: __import__("indexlib").build(MISSING), lambda: __import__("indexlib").build(42),
                       lambda: __import__("indexlib").build(methodology="no/such/method.toml"),
                       lambda: __import__("indexlib").build(framework="no-such-framework")],
    "indexlib.validate": [lambda: __import__("indexlib").validate(MISSING),
                          lambda: __import__("indexlib").validate(pd.DataFrame({"x": [1]}))],
    "indexlib.audit": [lambda: __import__("indexlib").audit("not a result"),
                       lambda: __import__("indexlib").audit(None)],
    "indexlib.profile": [lambda: __import__("indexlib").profile(_result(), "atlantis"),
                         lambda: __import__("indexlib").profile(_result(), "london", top=-1),
                         lambda: __import__("indexlib").profile("not a result", "london")],
    "indexlib.load_methodology": [lambda: __import__("indexlib").load_methodology("no/such/method.toml"),
                                  lambda: __import__("indexlib").load_methodology(42)],
    "indexlib.load_framework": [lambda: __import__("indexlib").load_framework("no-such-framework"),
                                lambda: __import__("indexlib").load_framework(42)],
    "indexlib.read_panel": [lambda: __import__("indexlib").read_panel(MISSING, _framework()),
                            lambda: __import__("indexlib").read_panel(42, _framework()),
                            lambda: __import__("indexlib").read_panel(None, _framework(), year=1900)],
    "indicators.load_framework": [lambda: __import__("indicators").load_framework("no-such-framework")],
    "indicators.read_coinr_meta": [lambda: __import__("indicators").read_coinr_meta(MISSING)],
    "weights.equal_weights": [lambda: __import__("weights").equal_weights(0),
                              lambda: __import__("weights").equal_weights("ab"),
                              lambda: __import__("weights").equal_weights(None)],
    "weights.budget_weights": [lambda: __import__("weights").budget_weights({"e1": {"a": -1.0, "b": 2.0}}),
                               lambda: __import__("weights").budget_weights(42)],
    "weights.ahp_weights": [lambda: __import__("weights").ahp_weights([[1, 2], [3, 1]]),
                            lambda: __import__("weights").ahp_weights("matrix")],
    "weights.ahp_group_weights": [lambda: __import__("weights").ahp_group_weights([]),
                                  lambda: __import__("weights").ahp_group_weights(42)],
    "weights.entropy_weights": [lambda: __import__("weights").entropy_weights(X, ["+", "down"]),
                                lambda: __import__("weights").entropy_weights("data")],
    "weights.critic_weights": [lambda: __import__("weights").critic_weights(X.iloc[:1]),
                               lambda: __import__("weights").critic_weights(None)],
    "weights.variation_weights": [lambda: __import__("weights").variation_weights(-X),
                                  lambda: __import__("weights").variation_weights(42)],
    "weights.pca_weights": [lambda: __import__("weights").pca_weights(X, n_factors=5),
                            lambda: __import__("weights").pca_weights([["a"]])],
    "weights.bod_weights": [lambda: __import__("weights").bod_weights(X, lower=2.0),
                            lambda: __import__("weights").bod_weights("data")],
    "weights.combine_weights": [lambda: __import__("weights").combine_weights({"a": 1.0}, {"b": 1.0}, alpha=0.5),
                                lambda: __import__("weights").combine_weights({"a": 1.0}, {"a": 1.0}, alpha=2.0),
                                lambda: __import__("weights").combine_weights(42, None)],
    "weights.varimax": [lambda: __import__("weights").varimax(np.ones(3)),
                        lambda: __import__("weights").varimax(np.ones((3, 2)), max_sweeps=0)],
    "weights.get_method": [lambda: __import__("weights").get_method("entrophy"),
                           lambda: __import__("weights").get_method(42)],
    "weights.register_method": [lambda: __import__("weights").register_method("entropy")(lambda X, polarity: X)],
    "weights.load_scheme": [lambda: __import__("weights").load_scheme("no-such-scheme"),
                            lambda: __import__("weights").load_scheme(MISSING.replace(".csv", ".toml")),
                            lambda: __import__("weights").load_scheme(42)],
    "weights.scheme_from_indicator_weights": [
        lambda: __import__("weights").scheme_from_indicator_weights(_framework(), {"nope": 1.0}),
        lambda: __import__("weights").scheme_from_indicator_weights(_framework(), 42)],
    "weights.scheme_within_nodes": [
        lambda: __import__("weights").scheme_within_nodes(_framework(), "entrophy", X),
        lambda: __import__("weights").scheme_within_nodes(_framework(), "entropy", X)],
    "city_data.load_panel": [lambda: __import__("city_data").load_panel(1900),
                             lambda: __import__("city_data").load_panel("2025")],
    "city_data.published": [lambda: __import__("city_data").published(1900)],
    "city_data.published_dimensions": [lambda: __import__("city_data").published_dimensions(1900)],
    "city_data.file_sha256": [lambda: __import__("city_data").file_sha256("no_such_file.csv"),
                              lambda: __import__("city_data").file_sha256("../__init__.py")],
    "indexlib.agreement.rank_agreement": [
        lambda: importlib.import_module("indexlib.agreement").rank_agreement([1, 2, 3], [1, 2]),
        lambda: importlib.import_module("indexlib.agreement").rank_agreement([1, 2], [2, 1], k=0)],
    "indexlib.compare.compare_weightings": [
        lambda: importlib.import_module("indexlib.compare").compare_weightings(["entrophy"]),
        lambda: importlib.import_module("indexlib.compare").compare_weightings(["magic:thing"])],
    "indexlib.compare.scheme_weights": [
        lambda: importlib.import_module("indexlib.compare").scheme_weights("scheme:no-such-scheme", _result())],
    "indexlib.compare.rank_agreement": [
        lambda: importlib.import_module("indexlib.compare").rank_agreement([1, 2], [[1, 2, 3]])],
    "indexlib.sensitivity.sobol_design": [
        lambda: importlib.import_module("indexlib.sensitivity").sobol_design(["a", "b"], 3, seed=0),
        lambda: importlib.import_module("indexlib.sensitivity").sobol_design([], 8, seed=0)],
    "indexlib.sensitivity.sobol_indices": [
        lambda: importlib.import_module("indexlib.sensitivity").sobol_indices(
            importlib.import_module("indexlib.sensitivity").sobol_design(["a", "b"], 8, seed=0), np.ones(3))],
    "indexlib.compare_published.compare_with_published": [
        lambda: importlib.import_module("indexlib.compare_published").compare_with_published(_result(), 1900)],
    "indexlib.uncertainty.uncertainty_analysis": [
        lambda: importlib.import_module("indexlib.uncertainty").uncertainty_analysis(runs=0),
        lambda: importlib.import_module("indexlib.uncertainty").uncertainty_analysis(spec="no/such/spec.toml"),
        lambda: importlib.import_module("indexlib.uncertainty").uncertainty_analysis(runs=10, engine="spark")],
    "indexlib.uncertainty.one_at_a_time": [
        lambda: importlib.import_module("indexlib.uncertainty").one_at_a_time(spec="no/such/spec.toml")],
    "indexlib.uncertainty.load_spec": [
        lambda: importlib.import_module("indexlib.uncertainty").load_spec("no/such/spec.toml")],
    "indexlib.sensitivity.sensitivity_analysis": [
        lambda: importlib.import_module("indexlib.sensitivity").sensitivity_analysis(n_base=3),
        lambda: importlib.import_module("indexlib.sensitivity").sensitivity_analysis(n_base=8, num_resamples=1)],
}

#: Public functions that take no argument, or whose argument cannot be bad, with the reason.
NOT_CHECKED = {
    "indicators.builtin_frameworks": "no argument",
    "weights.method_names": "no argument",
    "weights.builtin_schemes": "no argument",
    "city_data.available_years": "no argument",
    "city_data.cities": "no argument",
    "city_data.is_open_licence": "any object is an answer (False for what is not an open-licence name)",
    "indicators.Polarity": "a type (typing.Literal), not a function",
    "indexlib.uncertainty.histogram_percentile": "a numpy kernel over a RankHistogram's validated counts",
    # the kernels trust their input by design: the <name>_weights functions check it once and call them
    **{f"weights.{name}_kernel": "a numpy kernel for validated input; weights.<name>_weights checks it"
       for name in ("ahp", "bod", "critic", "entropy", "equal", "pca", "variation")},
}


def public_functions() -> dict[str, Callable[..., Any]]:
    """Every public function (not class) of :data:`PUBLIC_MODULES`, by ``module.name``."""
    found = {}
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if callable(value) and not inspect.isclass(value):
                found.setdefault(f"{module_name}.{name}", value)
    return found


def test_every_public_function_has_an_entry():
    functions = public_functions()
    missing = sorted(set(functions) - set(BAD_CALLS) - set(NOT_CHECKED))
    assert not missing, f"add bad calls to BAD_CALLS (or a reason to NOT_CHECKED) for {missing}"
    stale = sorted((set(BAD_CALLS) | set(NOT_CHECKED)) - set(functions))
    assert not stale, f"entries for functions that are no longer public: {stale}"


@pytest.mark.parametrize(("name", "k"), [(name, k) for name, calls in BAD_CALLS.items() for k in range(len(calls))])
def test_bad_input_raises_an_indexlib_error(name, k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(IndexlibError) as caught:
            BAD_CALLS[name][k]()
    assert str(caught.value).strip(), f"{name}: an empty message"
