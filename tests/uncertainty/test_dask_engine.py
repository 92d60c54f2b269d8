"""The Dask engine gives byte-identical results to the local engine, whatever the workers and chunking.

The cluster is a ``distributed.LocalCluster`` of 2 workers with ``processes=False``: the workers are
threads of this process, but every task still goes through the distributed scheduler (scatter,
submit, gather), and the model and the design are serialised as for remote workers
(``scatter(..., hash=False)`` with a broadcast).
"""

from __future__ import annotations

import sys

import pytest

from indexlib.distributed import DaskUnavailableError, dask_client
from indexlib.sensitivity import sensitivity_analysis
from indexlib.uncertainty import UncertaintyModel, uncertainty_analysis
from indexlib.uncertainty.runs import STREAM_RUNS
from indicators.errors import IndexlibError

def needs_dask():
    return pytest.importorskip("distributed", reason="the Dask engine needs the dask extra (pip install "
                                                     "'indexlib[dask]')")


@pytest.fixture(scope="module")
def client():
    distributed = needs_dask()
    with (distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                   dashboard_address=None) as cluster,
          distributed.Client(cluster) as client):
        yield client


@pytest.fixture(scope="module")
def model():
    return UncertaintyModel()


def test_uncertainty_on_dask_equals_local_byte_for_byte(model, client):
    runs = 2 * STREAM_RUNS + 500  # three streams: both workers take part
    local = uncertainty_analysis(model=model, runs=runs, seed=3)
    remote = uncertainty_analysis(model=model, runs=runs, seed=3, engine="dask", scheduler=client, chunk_size=333)
    assert remote.files() == local.files()
    assert (remote.ranks == local.ranks).all()
    assert len(client.scheduler_info()["workers"]) == 2


def test_sensitivity_on_dask_equals_local_byte_for_byte(model, client):
    local = sensitivity_analysis(model=model, n_base=64, seed=2, num_resamples=10)
    remote = sensitivity_analysis(model=model, n_base=64, seed=2, num_resamples=10, engine="dask", scheduler=client,
                                  chunk_size=50)
    assert remote.files()["sobol.csv"] == local.files()["sobol.csv"]


def test_without_the_extra_the_error_says_how_to_install(model, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    with pytest.raises(DaskUnavailableError, match=r'pip install "indexlib\[dask\]"'):
        uncertainty_analysis(model=model, runs=10, seed=0, engine="dask")
    assert issubclass(DaskUnavailableError, IndexlibError)


def test_unknown_engine_is_refused(model):
    with pytest.raises(IndexlibError, match="unknown engine 'spark'"):
        uncertainty_analysis(model=model, runs=10, seed=0, engine="spark")


def test_a_scheduler_that_is_not_an_address_is_refused():
    needs_dask()
    with pytest.raises(IndexlibError, match="scheduler must be an address"), dask_client(42):
        pass


def test_cli_without_the_extra_exits_2(monkeypatch, capsys):
    from indexlib.cli import main

    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["uncertainty", "--runs", "10", "--engine", "dask"]) == 2
    assert 'pip install "indexlib[dask]"' in capsys.readouterr().err
    assert main(["uncertainty", "--runs", "10", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
