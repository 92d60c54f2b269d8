"""Benchmark: reading, building and ranking a synthetic 100,000-city panel (issue 12 §1; a script, not a test).

Goals: read + build + ranking of 100,000 cities × 24 indicators ≤ 1.5 s in-process and ≤ 2.5 s
through the command line, within 4 GB. Because absolute times depend on the machine, every figure
is also given as a ratio to two baselines measured in the same run: ``pandas.read_csv`` of the same
file (the C parser alone, no validation) and a bare ``numpy.argsort`` of as many floats as cities.

Workload: the ``gctsi-2025`` framework (24 indicators), values drawn within each indicator's
plausibility bounds (``tests/_support.py:plausible_panel``), 5% of the cells missing at random, a
country per 5 cities on average (so that country medians fill cells), 6 continents, latitude and
longitude. Imputation by ``group_median``, which is linear in cities. The default ``knn``
(:mod:`indexlib.impute.knn`) compares every city with every other: it is timed on smaller panels
and its growth exponent is reported instead.

Timings are medians of ``time.perf_counter`` over the repeats after one warm-up call
(``_timing.median_time``); the command line is the least of as many runs of a child process
(:func:`cli_runs`, interleaved with the same command under numpy's own huge-page default), whose
peak resident memory (``ru_maxrss``) is the memory figure.

    PYTHONPATH=. python benchmarks/bench_large_panel.py [--cities 100000] [--repeats 3]
"""

from __future__ import annotations

from _timing import median_time  # benchmarks/ is on sys.path when a script runs

import argparse
import dataclasses
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def synthetic_panel(cities: int, seed: int = 7) -> pd.DataFrame:
    """A valid wide gctsi-2025 panel with gaps, countries, continents and coordinates."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _support import plausible_panel

    from indicators import load_framework

    rng = np.random.default_rng(seed)
    frame = plausible_panel(load_framework("gctsi-2025"), cities, seed)
    values = frame.columns[1:]
    frame[values] = frame[values].mask(rng.random((cities, len(values))) < 0.05)
    frame.insert(1, "country", [f"K{k}" for k in rng.integers(0, max(cities // 5, 1), cities)])
    frame.insert(2, "continent", [f"C{k}" for k in rng.integers(0, 6, cities)])
    frame.insert(3, "lat", rng.uniform(-60, 70, cities).round(4))
    frame.insert(4, "lon", rng.uniform(-180, 180, cities).round(4))
    return frame


def cli_runs(data: Path, method: Path, folder: Path, repeats: int, variants: dict[str, dict[str, str]]
             ) -> dict[str, tuple[float, int]]:
    """Per variant (name → extra environment), the least wall time of ``repeats`` runs of ``indexlib build
    --data … --out …`` in a child process and the fewest minor page faults (fresh memory pages touched)
    of a run. The variants' runs are interleaved, each into a new folder (the previous one removed).

    The least, not the median: on this VM the first run after a while pays for bringing the memory of
    its 150 MB of output into the guest (a plain ``write`` of 150 MB takes 1.1 s then, 0.04 s after).
    """
    times: dict[str, list[float]] = {name: [] for name in variants}
    faults: dict[str, list[int]] = {name: [] for name in variants}
    for k in range(repeats):
        for name, env in variants.items():
            out = folder / f"out{k}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
            start = time.perf_counter()
            run = subprocess.run([sys.executable, "-m", "indexlib", "build", "--data", str(data), "--method",
                                  str(method), "--out", str(out), "--top", "1"],
                                 env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            times[name].append(time.perf_counter() - start)
            faults[name].append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before)
            if run.returncode:
                raise SystemExit(f"indexlib build exited {run.returncode}:\n{run.stderr}")
            shutil.rmtree(out)
    return {name: (min(times[name]), min(faults[name])) for name in variants}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import indexlib
    from indexlib.methodology import Methodology, MissingData
    from indicators import load_framework

    framework = load_framework("gctsi-2025")
    group_median = Methodology(missing=MissingData(method="group_median"))
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "panel.csv"
        synthetic_panel(args.cities).to_csv(data, index=False)
        method = Path(folder) / "group_median.toml"
        method.write_text('[missing]\nmethod = "group_median"\n', encoding="utf-8")

        read_csv = median_time(lambda: pd.read_csv(data), args.repeats)
        scores = np.random.default_rng(0).random(args.cities)
        argsort = median_time(lambda: np.argsort(scores), max(args.repeats, 5))
        read = median_time(lambda: indexlib.read_panel(data, framework), args.repeats)
        panel = indexlib.read_panel(data, framework)
        build = median_time(lambda: indexlib.build(panel, group_median), args.repeats)
        result = indexlib.build(panel, group_median)
        # a result computes its ranking once: time the first call, on a fresh copy of the result
        ranking = median_time(lambda: dataclasses.replace(result).ranking, args.repeats)
        total = median_time(lambda: indexlib.build(indexlib.read_panel(data, framework), group_median).ranking,
                            args.repeats)
        # the command as it runs, and with numpy's own default, which it turns off (indexlib.cli.run_command_line)
        commands = cli_runs(data, method, Path(folder), args.repeats, {"default": {},
                                                                      "huge pages": {"NUMPY_MADVISE_HUGEPAGE": "1"}})
        (cli_time, faults), (huge_pages, _) = commands["default"], commands["huge pages"]
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest of any run

        # what formatting one number costs: the writer's encoder (indexlib.csv_text) against Python's own
        numbers = result.normalised.to_numpy().ravel()
        formats = {
            "float.__repr__ (shortest round-trip text)": lambda: list(map(float.__repr__, numbers.tolist())),
            "'%.6f' %": lambda: list(map("%.6f".__mod__, numbers.tolist())),
            "pandas' JSON encoder, 15 decimals (the writer's)":
                lambda: pd.Series(numbers).to_json(orient="values", double_precision=15),
        }
        per_number = {name: median_time(make, args.repeats) / numbers.size for name, make in formats.items()}

        knn = {}
        for size in (2_000, 4_000, 8_000):
            small = indexlib.read_panel(synthetic_panel(size), framework)
            start = time.perf_counter()
            indexlib.build(small)
            knn[size] = time.perf_counter() - start
    exponent = float(np.polyfit(np.log(list(knn)), np.log(list(knn.values())), 1)[0])
    knn_projected = knn[8_000] * (args.cities / 8_000) ** exponent

    def row(what: str, seconds: float, goal: float | None = None) -> None:
        verdict = "" if goal is None else f"{goal:>6.1f} s  {'pass' if seconds <= goal else 'FAIL'}"
        print(f"{what:<52} {seconds:>8.3f} s {seconds / read_csv:>8.1f} × {seconds / argsort:>9.0f} ×  {verdict}")

    print(f"{args.cities:,} cities × {len(framework.indicator_ids)} indicators, group_median; "
          f"ratios to pandas.read_csv and to numpy.argsort of {args.cities:,} floats")
    print(f"{'workload':<52} {'median':>10} {'/read_csv':>10} {'/argsort':>11}  {'goal':>8}")
    row("pandas.read_csv of the file (baseline)", read_csv)
    row("numpy.argsort of as many floats (baseline)", argsort)
    row("read_panel (validated)", read)
    row("build (screen, impute, treat, normalise, rank)", build)
    row("IndexResult.ranking (first call)", ranking)
    row("read + build + ranking, in-process", total, 1.5)
    row("indexlib build --data --out (command line)", cli_time, 2.5)
    row("  the same with NUMPY_MADVISE_HUGEPAGE=1", huge_pages)
    print(f"{'fresh memory pages the command line touches':<52} {faults:>8,} (minor page faults, fewest of a run)")
    print(f"{'peak resident memory of the command line':<52} {peak:>8.0f} MiB  (goal 4096 MiB: "
          f"{'pass' if peak <= 4096 else 'FAIL'})")
    for name, seconds in per_number.items():
        print(f"{'format one number: ' + name:<70} {seconds * 1e6:>6.3f} µs")
    print(f"default knn build: {', '.join(f'{n:,} cities {t:.2f} s' for n, t in knn.items())}; time grows as "
          f"cities^{exponent:.2f}, projected {knn_projected:,.0f} s for {args.cities:,} cities")


if __name__ == "__main__":
    main()
