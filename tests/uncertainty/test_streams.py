"""Chunked seeded streams and bounded memory: the same runs whatever the chunking, streamed to disk when large."""

from __future__ import annotations

import gzip
import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexlib
from indexlib.io import write_folder
from indexlib.uncertainty import UncertaintyModel, uncertainty_analysis
from indexlib.uncertainty import montecarlo, rank_statistics
from indexlib.uncertainty.rank_statistics import RankStatistics
from indexlib.uncertainty.runs import STREAM_RUNS, stream_blocks, unit_draws


@pytest.fixture(scope="module")
def model():
    return UncertaintyModel()


@pytest.fixture(scope="module")
def reference(model):
    """More than two streams, kept in memory."""
    return uncertainty_analysis(model=model, runs=2 * STREAM_RUNS + 123, seed=11)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(1, 3 * STREAM_RUNS), min_size=1, max_size=4),
       st.integers(1, 4))
def test_any_split_of_the_runs_draws_the_same_rows(seed, cuts, columns):
    stop = max(cuts) + 1
    edges = sorted({0, *cuts, stop})
    pieces = [unit_draws(columns, seed, lo, hi) for lo, hi in itertools.pairwise(edges)]
    assert np.array_equal(np.concatenate(pieces), unit_draws(columns, seed, 0, stop))


def test_streams_are_spawned_from_the_seed_sequence():
    whole = unit_draws(2, 5, 0, STREAM_RUNS + 3)
    child = np.random.SeedSequence(5).spawn(2)[1]
    assert np.array_equal(whole[STREAM_RUNS:], np.random.default_rng(child).random((3, 2)))
    assert stream_blocks(2 * STREAM_RUNS + 1) == [(0, STREAM_RUNS), (STREAM_RUNS, 2 * STREAM_RUNS),
                                                  (2 * STREAM_RUNS, 2 * STREAM_RUNS + 1)]


def test_chunk_size_and_kept_ranks_change_no_output(model, reference):
    other = uncertainty_analysis(model=model, runs=2 * STREAM_RUNS + 123, seed=11, chunk_size=997, keep_ranks=False)
    assert other.ranks is None and reference.ranks is not None
    for name in ("rank_intervals.csv", "runs.csv.gz"):  # uncertainty.json names the method
        assert other.files()[name] == reference.files()[name]


def test_the_runs_file_is_the_parameters_table(reference):
    text = gzip.decompress(reference.files()["runs.csv.gz"]).decode("utf-8")
    assert text == reference.parameters.to_csv(index=False, lineterminator="\n")


def test_streamed_runs_and_ranks_on_disk_give_the_same_files(model, reference, monkeypatch, tmp_path):
    monkeypatch.setattr(montecarlo, "RUN_TABLE_BUDGET", 1000)
    monkeypatch.setattr(rank_statistics, "KEPT_RANKS_BUDGET", 1000)
    streamed = uncertainty_analysis(model=model, runs=2 * STREAM_RUNS + 123, seed=11, keep_ranks=True)
    assert streamed.parameters is None and streamed.table is None
    assert isinstance(streamed.ranks, np.memmap) and streamed.histogram is not None
    assert np.array_equal(streamed.ranks, reference.ranks)
    files = streamed.files()
    spilled = files["runs.csv.gz"]
    assert spilled.exists()
    written = write_folder(tmp_path / "out", files)
    expected = reference.files()
    contents = {p.name: p.read_bytes() for p in written}
    assert contents["runs.csv.gz"] == expected["runs.csv.gz"]
    assert contents["rank_intervals.csv"] == expected["rank_intervals.csv"].encode("utf-8")
    # A streamed run is redrawn from its stream and rebuilt exactly.
    run = STREAM_RUNS + 57
    assert streamed.methodology_for_run(run) == reference.methodology_for_run(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        built = indexlib.build(streamed.panel, streamed.methodology_for_run(run), streamed.framework_for_run(run))
    ranks = built.ranks[built.root].reindex(model.city_ids).to_numpy()
    assert np.array_equal(ranks, streamed.ranks[run])
    del streamed, files
    import gc

    gc.collect()
    assert not spilled.exists()  # the temporary runs file goes with its result


def test_merged_statistics_equal_one_pass(model):
    rng = np.random.default_rng(0)
    n = len(model.city_ids)
    ranks = np.argsort(rng.random((300, n)), axis=1) + 1.0
    whole = RankStatistics(model.nominal_ranks, 300, 10, False, "min")
    whole.add(np.arange(300), ranks)
    merged = RankStatistics(model.nominal_ranks, 300, 10, False, "min")
    for lo, hi in ((200, 300), (0, 7), (7, 200)):  # any order
        part = RankStatistics(model.nominal_ranks, hi - lo, 10, False, "min", histogram=True)
        part.add(np.arange(hi - lo), ranks[lo:hi])
        merged.merge(part, lo)
    for q in (5, 50, 95):
        assert np.array_equal(merged.percentile(q), whole.percentile(q))
    assert np.array_equal(merged.mean_rank(), whole.mean_rank())
    assert np.array_equal(merged.run_shift, whole.run_shift)
    assert np.array_equal(merged.top_count, whole.top_count)
