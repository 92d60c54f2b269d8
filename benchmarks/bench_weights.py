"""Timing of every weighting method in :mod:`weights` (a script, not a test).

Usage::

    PYTHONPATH=. python benchmarks/bench_weights.py [--quick]

Two workloads:

* ``125 x 24``: the size of the 2025 index (125 cities, 24 indicators), lognormal data.
  Goal: at most 10 ms per call.
* ``10,000 x 200``: a synthetic stress size, lognormal data with a five-factor structure (so that
  PCA has something to find). Goal: at most 1 s per call.

Each figure is the median of repeated ``time.perf_counter`` timings, for the public function
(DataFrame in, labelled result out, validation included) and for its numpy kernel. Pass/fail is
judged on the public function. The participatory methods do not take a data matrix, so they run
at the sizes stated in the table (AHP at 6 and 15 elements, the largest order in Saaty's random
index table; budget allocation with 3 experts over 24 elements and 1,000 experts over 200).

Benefit-of-the-Doubt solves one linear programme per city and has no goal: its figure is
reported only. At 10,000 x 200 it is timed on a few cities and extrapolated to all 10,000 (the
table says so).
"""

from __future__ import annotations

from _timing import median_time  # benchmarks/ is on sys.path when a script runs

import argparse
import warnings
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import DataQualityWarning
from weights import (
    ahp_kernel,
    ahp_weights,
    bod_kernel,
    bod_weights,
    budget_weights,
    combine_weights,
    critic_kernel,
    critic_weights,
    entropy_kernel,
    entropy_weights,
    equal_kernel,
    equal_weights,
    pca_kernel,
    pca_weights,
    variation_kernel,
    variation_weights,
)

SMALL_GOAL = 0.010
LARGE_GOAL = 1.0




def small_panel(rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        rng.lognormal(mean=0.0, sigma=1.0, size=(125, 24)),
        columns=[f"{j + 1:02d}" for j in range(24)],
        index=[f"city{i:03d}" for i in range(125)],
    )


def large_panel(rng: np.random.Generator) -> pd.DataFrame:
    n, m, factors = 10_000, 200, 5
    latent = rng.normal(size=(n, factors))
    loadings = np.zeros((factors, m))
    loadings[np.arange(m) % factors, np.arange(m)] = rng.uniform(0.6, 1.0, size=m)
    X = np.exp(0.6 * (latent @ loadings) + 0.4 * rng.normal(size=(n, m)))
    return pd.DataFrame(X, columns=[f"i{j:03d}" for j in range(m)], index=[f"c{i:05d}" for i in range(n)])


def consistent_matrix(n: int, rng: np.random.Generator) -> np.ndarray:
    v = rng.uniform(1.0, 3.0, size=n)
    return v[:, None] / v[None, :]


def allocations(experts: int, elements: int, rng: np.random.Generator) -> pd.DataFrame:
    points = rng.dirichlet(np.ones(elements), size=experts) * 100
    return pd.DataFrame(points, index=[f"e{i}" for i in range(experts)], columns=[f"x{j}" for j in range(elements)])


def run(quick: bool) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = []

    def record(method: str, size: str, public: float, kernel: float | None, goal: float | None, note: str = "") -> None:
        rows.append({"method": method, "size": size, "public": public, "kernel": kernel, "goal": goal, "note": note})
        print(f"  timed {method:<12} {size:<14} {public * 1e3:10.3f} ms", flush=True)

    for label, data, goal, repeats in (
        ("125 x 24", small_panel(rng), SMALL_GOAL, 20 if quick else 100),
        ("10,000 x 200", large_panel(rng), LARGE_GOAL, 2 if quick else 7),
    ):
        X = data.to_numpy()
        m = X.shape[1]
        polarity = np.where(np.arange(m) % 4 == 3, -1.0, 1.0)
        record("equal", label, median_time(lambda: equal_weights(data.columns), repeats),
               median_time(lambda: equal_kernel(m), repeats), goal)
        record("entropy", label, median_time(lambda: entropy_weights(data, polarity), repeats),
               median_time(lambda: entropy_kernel(X, polarity), repeats), goal)
        record("critic", label, median_time(lambda: critic_weights(data, polarity), repeats),
               median_time(lambda: critic_kernel(X, polarity), repeats), goal)
        record("variation", label, median_time(lambda: variation_weights(data), repeats),
               median_time(lambda: variation_kernel(X), repeats), goal)
        record("pca", label, median_time(lambda: pca_weights(data), repeats),
               median_time(lambda: pca_kernel(X), repeats), goal)

        w1 = pd.Series(rng.dirichlet(np.ones(m)), index=data.columns)
        w2 = pd.Series(rng.dirichlet(np.ones(m)), index=data.columns)
        record("combination", f"{m} elements", median_time(lambda: combine_weights(w1, w2, alpha=0.3), repeats),
               None, goal)

        # Benefit of the Doubt: normalised data in [0, 1], one linear programme per city.
        Y = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
        frame = pd.DataFrame(Y, index=data.index, columns=data.columns)
        if X.shape[0] <= 1000:
            bod_repeats = 2 if quick else 5
            public = median_time(lambda: bod_weights(frame), bod_repeats)
            kernel = median_time(lambda: bod_kernel(Y), bod_repeats)
            record("bod", label, public, kernel, None, "all cities; reported only")
        else:
            sample = 2 if quick else 5
            cities = list(frame.index[:sample])
            public = median_time(lambda: bod_weights(frame, cities=cities), 1) * X.shape[0] / sample
            kernel = median_time(lambda: bod_kernel(Y, cities=np.arange(sample)), 1) * X.shape[0] / sample
            record("bod", label, public, kernel, None,
                   f"timed on {sample} cities, extrapolated to {X.shape[0]:,}; reported only")

    for n, goal in ((6, SMALL_GOAL), (15, LARGE_GOAL)):
        A = consistent_matrix(n, rng)
        record("ahp", f"{n} x {n} matrix", median_time(lambda: ahp_weights(A), 200),
               median_time(lambda: ahp_kernel(A), 200), goal)
    for experts, elements, goal in ((3, 24, SMALL_GOAL), (1000, 200, LARGE_GOAL)):
        table = allocations(experts, elements, rng)
        record("budget", f"{experts} x {elements}",
               median_time(lambda: budget_weights(table), 5 if experts > 100 else 50), None, goal)
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    def ms(seconds: float | None) -> str:
        if seconds is None:
            return "-"
        return f"{seconds * 1e3:,.3f} ms" if seconds < 10 else f"{seconds:,.0f} s"

    header = f"| {'method':<12} | {'size':<14} | {'public':>14} | {'kernel':>14} | {'goal':>8} | {'result':<6} | note"
    print()
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:]))
    for row in rows:
        goal = row["goal"]
        verdict = "-" if goal is None else ("pass" if row["public"] <= goal else "FAIL")
        goal_text = "-" if goal is None else ("≤ 10 ms" if goal == SMALL_GOAL else "≤ 1 s")
        print(
            f"| {row['method']:<12} | {row['size']:<14} | {ms(row['public']):>14} | {ms(row['kernel']):>14} | "
            f"{goal_text:>8} | {verdict:<6} | {row['note']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for a smoke run)")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        # Synthetic data can trip the PCA retention warnings; they are not what is measured.
        warnings.simplefilter("ignore", DataQualityWarning)
        rows = run(args.quick)
    print_table(rows)
    failed = [r for r in rows if r["goal"] is not None and r["public"] > r["goal"]]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
