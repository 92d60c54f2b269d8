"""Memory of the large analyses, measured with tracemalloc (allocations, not time: no machine-dependent bound).

Issue 12: 1,000 runs on 10,000 cities within 0.5 GB, memory linear in the cities. The budgets below
are linear in the cities ``n``; a structure quadratic in the cities (a dense rank histogram, a full
city × city distance matrix) exceeds them.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from _support import synthetic_inputs
from indexlib.impute import methods
from indexlib.methodology import Methodology, MissingData
from indexlib.uncertainty import UncertaintyModel, UncertaintySpec, uncertainty_analysis
from indexlib.uncertainty.runs import CHUNK_CELLS

MiB = 2**20


def traced_peak(function) -> tuple[object, int]:
    """``function()`` and the peak of the memory allocated while it ran (bytes, tracemalloc)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        out = function()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_1000_runs_on_10000_cities_stay_within_a_budget_linear_in_the_cities():
    n, runs = 10_000, 1_000
    frame, framework = synthetic_inputs(units=n, indicators=24, dimensions=6, uniform=True)  # bench_dask's 'cities'
    spec = UncertaintySpec(runs=runs, seed=1)  # weights ±25%, 2 normalisations, 2 aggregations, outliers on/off
    model = UncertaintyModel(frame, Methodology(missing=MissingData(method="median")), framework, spec)
    model.prepare_variants()
    result, peak = traced_peak(lambda: uncertainty_analysis(model=model, runs=runs, seed=1))
    assert len(result.rank_intervals) == n and len(result.run_shift) == runs
    nodes = 1 + 6
    # A chunk scores at most CHUNK_CELLS city scores at every node (float64) and ranks them; the kept
    # ranks are runs × n int16; the banded histogram and the per-city statistics a few kB per city.
    budget = 8 * CHUNK_CELLS * (nodes + 3) + 2 * runs * n + 4_096 * n
    assert peak <= budget, f"peak {peak / MiB:.0f} MiB > budget {budget / MiB:.0f} MiB"
    assert peak <= 0.5 * 2**30
    dense_histogram = 8 * n * (2 * n + 1)  # what a histogram of every half-rank per city would take
    assert peak < dense_histogram / 4


def test_knn_imputation_computes_its_distances_in_chunks_of_bounded_memory(monkeypatch):
    """scikit-learn's default working memory (1 GiB) holds every city × city distance at once
    (10,000 cities peaked at 1.2 GB); the imputation runs under a bounded one, with identical results."""
    n = 2_000
    frame, _ = synthetic_inputs(units=n, indicators=8, dimensions=2, uniform=True)
    values = frame.drop(columns=["country", "continent"]).set_index("city_id")
    options = MissingData(method="knn")
    (reference, _), _ = traced_peak(lambda: methods.impute(values, options))
    monkeypatch.setattr(methods, "KNN_WORKING_MEMORY_MIB", 1)
    (filled, log), peak = traced_peak(lambda: methods.impute(values, options))
    pd.testing.assert_frame_equal(filled, reference)
    assert len(log) == int(values.isna().to_numpy().sum())
    distance_matrix = 8 * n * n  # 32 MB: what one chunk of the default working memory holds
    budget = 1 * MiB * 4 + 200 * values.size  # the chunks, and the panel's copies (8-byte cells)
    assert peak <= budget < distance_matrix / 2, f"peak {peak / MiB:.1f} MiB > budget {budget / MiB:.1f} MiB"


@pytest.mark.parametrize("working_memory", [1, methods.KNN_WORKING_MEMORY_MIB])
def test_the_knn_chunking_changes_no_imputed_value(monkeypatch, working_memory):
    frame, _ = synthetic_inputs(units=1_500, indicators=6, dimensions=2, seed=4)
    values = frame.drop(columns=["country", "continent"]).set_index("city_id")
    monkeypatch.setattr(methods, "KNN_WORKING_MEMORY_MIB", 1024)  # scikit-learn's default: one chunk
    default, _ = methods.impute(values, "knn")
    monkeypatch.setattr(methods, "KNN_WORKING_MEMORY_MIB", working_memory)
    chunked, _ = methods.impute(values, "knn")
    np.testing.assert_array_equal(chunked.to_numpy(), default.to_numpy())
