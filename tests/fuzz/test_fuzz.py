"""Fuzzing: random frameworks, panels and methodologies either build with every invariant kept or
raise an IndexlibError; the loaders read what was written or raise an IndexlibError."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.strategies import broken_frameworks, frameworks, methodologies, panels
from indexlib import build, read_panel
from indexlib.methodology import Methodology
from indicators import Framework, _toml, load_framework
from indicators.errors import FrameworkError, IndexlibError

fuzz_settings = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.function_scoped_fixture])


def expected_ranks(scores: np.ndarray, ties: str) -> np.ndarray:
    """Ranks from their definitions (1 = highest score), one city at a time."""
    higher = (scores[None, :] > scores[:, None]).sum(axis=1)
    if ties == "min":  # competition ranking: 1, 2, 2, 4
        return 1.0 + higher
    if ties == "dense":
        return np.array([1.0 + np.unique(scores[scores > s]).size for s in scores])
    equal = (scores[None, :] == scores[:, None]).sum(axis=1)
    return higher + (equal + 1) / 2.0


def check_invariants(result, frame: pd.DataFrame, method: dict) -> None:
    cities = set(frame["city_id"])
    included = list(result.values.index)
    excluded = list(result.excluded_cities["city_id"])
    # excluded cities listed: every city is ranked or listed as excluded (with a reason), never both
    assert set(included) | set(excluded) == cities and not set(included) & set(excluded)
    assert result.excluded_cities["reason"].str.len().gt(0).all()
    root = result.root
    raw = result.raw_scores[root].to_numpy()
    # no NaN for included cities: every ranked city has an overall score and rank
    assert np.isfinite(raw).all()
    assert result.ranks[root].notna().all() and result.scores[root].notna().all()
    # ranks a permutation with ties, exactly as the methodology's tie rule defines it
    for node in result.framework.node_ids:
        present = result.raw_scores[node].notna().to_numpy()
        if method["missing"]["method"] != "none":
            assert present.all(), f"node {node} has no score for some city although every value was imputed"
        np.testing.assert_array_equal(result.ranks[node].to_numpy()[present],
                                      expected_ranks(result.raw_scores[node].to_numpy()[present], method["ties"]))
    # scores within their range
    scores = result.scores.to_numpy()
    scores = scores[~np.isnan(scores)]
    if method["presentation"]["scale"] == "50-100":
        assert ((scores >= 50.0) & (scores <= 100.0)).all()
    elif method["aggregation"]["method"] == "copeland":
        assert (np.abs(scores) <= len(included) - 1).all()
    elif method["normalisation"]["method"] in {"minmax", "percentile"}:
        low, high = method["normalisation"]["range"]
        span = high - low
        assert ((scores >= low - 1e-9 * span) & (scores <= high + 1e-9 * span)).all()
    else:
        assert np.isfinite(scores).all()
    # the ranking table: best first, one row per ranked city
    table = result.ranking
    assert list(table["rank"]) == sorted(table["rank"]) and len(table) == len(included)


@fuzz_settings
@given(st.data())
def test_build_keeps_its_invariants_or_raises_an_indexlib_error(data):
    framework_data = data.draw(frameworks(), label="framework")
    framework = Framework.parse(framework_data)
    frame = data.draw(panels(framework_data), label="panel")
    method = data.draw(methodologies(), label="methodology")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = build(frame, Methodology.parse(method), framework)
    except IndexlibError:
        return
    check_invariants(result, frame, method)


@fuzz_settings
@given(frameworks())
def test_a_written_framework_file_loads_back_equal(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fw") / "framework.toml"
    framework = Framework.parse(data)
    path.write_text(framework.to_toml(), encoding="utf-8")
    assert load_framework(path) == framework


@fuzz_settings
@given(broken_frameworks())
def test_a_broken_framework_file_is_a_framework_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fw") / "framework.toml"
    path.write_text(_toml.dumps(data), encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"framework.toml"):
        load_framework(path)


@fuzz_settings
@given(st.data())
def test_a_written_panel_file_reads_back_or_raises_an_indexlib_error(tmp_path_factory, data):
    framework_data = data.draw(frameworks(), label="framework")
    framework = Framework.parse(framework_data)
    frame = data.draw(panels(framework_data), label="panel")
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    frame.to_csv(path, index=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            panel = read_panel(path, framework)
    except IndexlibError as error:
        assert "panel.csv" in str(error)
        return
    expected = frame.set_index("city_id")[framework.indicator_ids]
    got = panel.values.loc[expected.index, framework.indicator_ids]
    np.testing.assert_array_equal(got.to_numpy(dtype=float), expected.to_numpy(dtype=float))
