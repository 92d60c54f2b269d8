"""Benchmark of the build and of batched scoring on the embedded 2025 panel (a script, not a test).

Goals (issue 2 §9): ``build()`` ≤ 20 ms in-process after import (panel already parsed once), and
scoring 10,000 weight vectors in one batched call ≤ 50 ms. Figures are medians of repeated runs in
one process, with ratios to a plain Python loop that scores one weight vector per call.

    python benchmarks/bench_build.py [--repeats 7]
"""

from __future__ import annotations

from _timing import median_time  # benchmarks/ is on sys.path when a script runs

import argparse
import time
import tracemalloc
import warnings

import numpy as np




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import indexlib
    from indexlib.rank import rank_scores
    from indexlib.scoring import ScoringPlan

    start = time.perf_counter()
    result = indexlib.build()  # first call parses the packaged panel
    first = time.perf_counter() - start
    build_time = median_time(indexlib.build, args.repeats)

    plan = ScoringPlan.compile(result.framework, result.methodology.aggregation)
    normalised = result.normalised[plan.indicator_ids].to_numpy()
    rng = np.random.default_rng(0)
    stack = plan.nominal_weights * rng.uniform(0.75, 1.25, size=(10_000, plan.nominal_weights.size))

    def scored() -> np.ndarray:
        return plan.root_scores(normalised, stack)

    def batched() -> np.ndarray:
        return rank_scores(plan.root_scores(normalised, stack))

    def looped() -> np.ndarray:
        return np.stack([rank_scores(plan.root_scores(normalised, w)) for w in stack[:500]])

    score_time = median_time(scored, args.repeats)
    batched_time = median_time(batched, args.repeats)
    loop_time = median_time(looped, max(1, args.repeats // 3)) * (len(stack) / 500)
    assert np.array_equal(batched()[:500], looped())
    tracemalloc.start()
    batched()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(f"{'workload':<58} {'median':>10} {'goal':>8}  verdict")
    print(f"{'build(), first call (parses the packaged panel)':<58} {first * 1e3:>8.1f} ms {'—':>8}")
    print(f"{'build(), embedded 2025 panel, after the first call':<58} {build_time * 1e3:>8.1f} ms {'20 ms':>8}  "
          f"{'pass' if build_time <= 0.020 else 'FAIL'}")
    print(f"{'score 10,000 weight vectors, one batched call':<58} {score_time * 1e3:>8.1f} ms "
          f"{'50 ms':>8}  {'pass' if score_time <= 0.050 else 'FAIL'}")
    print(f"{'score and rank (ties) 10,000 weight vectors':<58} {batched_time * 1e3:>8.1f} ms {'—':>8}")
    print(f"{'  same, score and rank one vector per call (from 500)':<58} {loop_time * 1e3:>8.1f} ms")
    print(f"{'  ratio per-call loop / batched (score and rank)':<58} {loop_time / batched_time:>8.1f} ×")
    print(f"{'  peak memory of the batched call (tracemalloc)':<58} {peak / 2**20:>8.1f} MiB")


if __name__ == "__main__":
    main()
