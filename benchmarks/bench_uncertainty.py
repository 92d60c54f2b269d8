"""Benchmark: the vectorised uncertainty and sensitivity analyses against a loop of ``build()`` calls.

Not a test. Run with ``PYTHONPATH=. python benchmarks/bench_uncertainty.py [--repeats 5]``.

Workload: the embedded 2025 panel (125 cities, 21 indicators with data, 6 dimensions) and the
default :class:`~indexlib.uncertainty.UncertaintySpec` — dimension weights ±25%, normalisation
∈ {min-max [1, 100], z-score (100, 10)}, aggregation ∈ {arithmetic, geometric}, outlier treatment
∈ {on, off}: 8 variants.

What each timed row includes:

* ``read panel``: :func:`indexlib.read_panel` of the packaged ``panel_2025.csv`` from its file (a
  ``build()`` from a file pays this every time; an analysis pays it once). ``read_panel(None)``
  caches the embedded panel after its first call, so that is not what is timed.
* ``prepare variants``: :class:`~indexlib.uncertainty.UncertaintyModel` on the read panel (screen,
  nominal build) and ``prepare_variants()`` (every imputation × treatment × normalisation variant
  and every group's plan and fixed-level scores).
* ``uncertainty N runs``: :func:`~indexlib.uncertainty.uncertainty_analysis` given the prepared model —
  drawing the runs, mapping them to parameters, grouping, batched scoring, ranking, the streaming
  rank statistics, the runs table and the rank-interval table. Ranks of every run are kept (int16).
* ``Sobol N = 4096``: :func:`~indexlib.sensitivity.sensitivity_analysis` given the prepared model —
  the Saltelli design (scipy.stats.qmc), N (D + 2) = 45,056 runs ranked, and S1/ST with 100
  bootstrap resamples for all 126 outputs (the mean absolute rank shift and every city's rank).
* ``build() loop``: :func:`indexlib.build` called once per run with the run's methodology and
  framework, given the read panel (it would be slower still if each call read the file); 20 runs
  are timed and the time is extrapolated linearly to N runs (a build has no warm-up effect).

Timings are medians of ``time.perf_counter`` over the repeats, in one process, after one untimed
warm-up call. Peak memory is measured in a separate call under :mod:`tracemalloc` (which sees
numpy's allocations).
"""

from __future__ import annotations

from _timing import median_time  # benchmarks/ is on sys.path when a script runs

import argparse
import platform
import tracemalloc
import warnings
from collections.abc import Callable
from importlib.resources import files

import numpy as np

import indexlib
from indexlib.sensitivity import sensitivity_analysis
from indexlib.uncertainty import UncertaintyModel, uncertainty_analysis
from indicators import load_framework

LOOP_RUNS = 20
TARGETS = {"uncertainty 10,000 runs": 0.25, "uncertainty 100,000 runs": 2.5, "Sobol N = 4,096, 100 resamples": 5.0}
MEMORY_LIMIT_MIB = 1024.0




def peak_mib(func: Callable[[], object]) -> float:
    """Peak traced memory of one call of ``func()``, in MiB."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # the build's data notes and constant Sobol outputs

    framework = load_framework()
    panel_file = str(files("city_data") / "data" / "panel_2025.csv")
    read_time = median_time(lambda: indexlib.read_panel(panel_file, framework), args.repeats)
    panel = indexlib.read_panel(None, framework)

    def prepare() -> UncertaintyModel:
        model = UncertaintyModel(panel)
        model.prepare_variants()
        return model

    prepare_time = median_time(prepare, args.repeats)
    model = prepare()

    # The loop baseline: build() per run, on the runs of a real analysis.
    sample = uncertainty_analysis(model=model, runs=LOOP_RUNS, seed=1)

    def loop() -> None:
        for run in range(LOOP_RUNS):
            indexlib.build(panel, sample.methodology_for_run(run), sample.framework_for_run(run))

    per_build = median_time(loop, max(1, args.repeats // 2)) / LOOP_RUNS
    check = indexlib.build(panel, sample.methodology_for_run(3), sample.framework_for_run(3))
    assert np.array_equal(check.ranks["index"].reindex(model.city_ids).to_numpy(), sample.ranks[3])

    rows = []
    for runs in (10_000, 100_000):
        task = f"uncertainty {runs:,} runs"
        seconds = median_time(lambda: uncertainty_analysis(model=model, runs=runs, seed=1), args.repeats)
        memory = peak_mib(lambda: uncertainty_analysis(model=model, runs=runs, seed=1))
        rows.append((task, seconds, memory, runs * per_build))
    sobol_runs = 4096 * (len(model.factor_layout()[0]) + 2)
    task = "Sobol N = 4,096, 100 resamples"
    seconds = median_time(lambda: sensitivity_analysis(model=model, n_base=4096, seed=1, num_resamples=100),
                          max(1, args.repeats // 2))
    memory = peak_mib(lambda: sensitivity_analysis(model=model, n_base=4096, seed=1, num_resamples=100))
    rows.append((task, seconds, memory, sobol_runs * per_build))

    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
          f"median of {args.repeats} repeats (Sobol and the loop: {max(1, args.repeats // 2)})")
    print(f"read panel (panel_2025.csv from its file; once per analysis): {read_time * 1e3:.1f} ms")
    print(f"prepare variants (model + 8 variants, given the panel): {prepare_time * 1e3:.1f} ms")
    print(f"build() per run, given the panel: {per_build * 1e3:.1f} ms (median loop of {LOOP_RUNS} runs)\n")
    header = (f"{'task':<32} {'median':>9} {'target':>8} {'ok':>3} {'peak MiB':>9} {'build() loop':>13} "
              f"{'speed-up':>9}")
    print(header)
    print("-" * len(header))
    for task, seconds, memory, loop_seconds in rows:
        ok = seconds <= TARGETS[task] and memory <= MEMORY_LIMIT_MIB
        print(f"{task:<32} {seconds:>8.3f}s {TARGETS[task]:>7.2f}s {'yes' if ok else 'NO':>3} {memory:>9.1f} "
              f"{loop_seconds:>12.1f}s {loop_seconds / seconds:>8.0f}×")
    print("\nbuild() loop: extrapolated from the per-run time above; peak memory limit "
          f"{MEMORY_LIMIT_MIB:.0f} MiB (tracemalloc).")


if __name__ == "__main__":
    main()
