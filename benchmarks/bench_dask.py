"""Benchmark: the uncertainty analysis on the local engine and on Dask (1 and 2 workers).

Not a test. Run with ``PYTHONPATH=. python benchmarks/bench_dask.py [--workload panel|large|all]``
(needs ``pip install ".[dask]"``).

Workloads:

* ``panel``: 1,000,000 runs on the embedded 2025 panel (125 cities) with the default spec;
* ``cities``: 1,000 runs on a synthetic panel of 10,000 units × 24 indicators (6 dimensions, uniform
  values);
* ``large``: 10,000 runs on a synthetic panel of 10,000 units × 200 indicators (10 dimensions of
  20 indicators, uniform values, 5% missing at random), default spec (log-normal values would put a
  z-score more than 10 standard deviations below the mean on 10,000 units, which the default spec's
  geometric alternative refuses).

Each engine runs in a fresh process (``--child``), so that peak memory is that run's alone:

* ``local``: :func:`~indexlib.uncertainty.uncertainty_analysis` in the process; peak memory is the
  process's peak resident set (``ru_maxrss``);
* ``dask k``: a ``distributed.LocalCluster`` of ``k`` worker processes of one thread; the model is
  prepared in the client and scattered once; peak memory per worker is the largest worker's
  ``ru_maxrss``, and the client's own peak is reported too.

Throughput is runs divided by the wall time of the analysis call (the model's preparation and the
cluster's start excluded; scatter, tasks, merge and ``runs.csv.gz`` compression included).
The scatter size is the pickled model's size.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path


WORKLOADS = {"panel": 1_000_000, "large": 10_000, "cities": 1_000}


def _model(workload: str):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from _support import synthetic_inputs

    from indexlib.uncertainty import UncertaintyModel

    if workload == "panel":
        model = UncertaintyModel()
    elif workload == "cities":  # issue 12's goal: 1,000 runs on 10,000 cities within 0.5 GB
        frame, framework = synthetic_inputs(units=10_000, indicators=24, dimensions=6, uniform=True)
        model = UncertaintyModel(frame, None, framework)
    else:
        frame, framework = synthetic_inputs(uniform=True)
        model = UncertaintyModel(frame, None, framework)
    model.prepare_variants()
    return model


def child(workload: str, engine: str, workers: int) -> dict:
    """One measurement, in this (fresh) process."""
    from indexlib.uncertainty import uncertainty_analysis

    runs = WORKLOADS[workload]
    model = _model(workload)
    row = {"workload": workload, "engine": engine, "workers": workers, "runs": runs,
           "cities": len(model.city_ids), "scatter_mib": len(pickle.dumps(model)) / 2**20}
    if engine == "local":
        start = time.perf_counter()
        uncertainty_analysis(model=model, runs=runs, seed=1).files()
        row["seconds"] = time.perf_counter() - start
        row["worker_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row["client_peak_mib"] = row["worker_peak_mib"]
    else:
        import distributed

        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            start = time.perf_counter()
            uncertainty_analysis(model=model, runs=runs, seed=1, engine="dask", scheduler=client).files()
            row["seconds"] = time.perf_counter() - start
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            row["worker_peak_mib"] = max(peaks.values())
        row["client_peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row["runs_per_s"] = runs / row["seconds"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=[*WORKLOADS, "all"], default="all")
    parser.add_argument("--runs", type=int, help="override the workload's number of runs")
    parser.add_argument("--engines", choices=["all", "local"], default="all",
                        help="'local': the local engine only (no Dask needed)")
    parser.add_argument("--child", nargs=3, metavar=("WORKLOAD", "ENGINE", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs:
        WORKLOADS.update({k: args.runs for k in WORKLOADS})
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]))))
        return
    rows = []
    for workload in WORKLOADS if args.workload == "all" else [args.workload]:
        engines = (("local", 1), ("dask", 1), ("dask", 2)) if args.engines == "all" else (("local", 1),)
        for engine, workers in engines:
            out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", workload, engine,
                                  str(workers), *(["--runs", str(args.runs)] if args.runs else [])],
                                 check=True, capture_output=True, text=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            row = rows[-1]
            print(f"{workload:>5} {row['runs']:>9,} runs × {row['cities']:>6,} cities  {engine:>5} × {workers}: "
                  f"{row['runs_per_s']:>9,.0f} runs/s  ({row['seconds']:.1f} s)  peak per worker "
                  f"{row['worker_peak_mib']:.0f} MiB, client {row['client_peak_mib']:.0f} MiB, "
                  f"scatter {row['scatter_mib']:.1f} MiB", flush=True)


if __name__ == "__main__":
    main()
