"""Benchmark: indexlib's vectorised Sobol' design and estimators against SALib 1.6.

Not a test. Run with ``PYTHONPATH=. python benchmarks/bench_sobol.py [--repeats 5]``.

Workload (the index's sensitivity analysis): D = 8 factors (dimension weights), N = 4096, so
N (D + 2) = 40,960 runs; K = 126 outputs (the rank of each of 125 cities plus one scalar, the
mean absolute rank shift against equal weights); 100 bootstrap resamples. SALib analyses one
output per ``analyze`` call, so its cost for 126 outputs is extrapolated from 10 calls.
Timings are medians of ``time.perf_counter`` over the repeats, in one process. SALib is optional:
its rows are skipped when it is not installed.
"""

from __future__ import annotations

from _timing import median_time  # benchmarks/ is on sys.path when a script runs

import argparse
import platform
import warnings

import numpy as np

from indexlib.sensitivity import sobol_design, sobol_indices

try:  # optional oracle
    from SALib.analyze import sobol as salib_analyze
    from SALib.sample import sobol as salib_sample
except ImportError:  # pragma: no cover - depends on the environment
    salib_analyze = salib_sample = None

N_BASE, N_FACTORS, N_CITIES, N_RESAMPLES = 4096, 8, 125, 100
SALIB_OUTPUTS = 10  # SALib is timed on this many outputs and extrapolated to all




def city_model(unit: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Ranks of every city plus the mean absolute rank shift, for each run: shape (runs, K + 1).

    The factors are raw dimension weights ~ U[0.5, 1.5], renormalised inside the model (the
    usual workaround for weights that must sum to 1, SALib#610).
    """
    w = 0.5 + unit
    w /= w.sum(axis=1, keepdims=True)
    composite = w @ scores.T  # (runs, cities)
    ranks = np.argsort(np.argsort(-composite, axis=1), axis=1) + 1.0
    nominal = np.argsort(np.argsort(-scores.mean(axis=1))) + 1.0
    shift = np.abs(ranks - nominal).mean(axis=1, keepdims=True)
    return np.hstack([ranks, shift])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per row (median)")
    args = parser.parse_args()
    repeats = max(1, args.repeats)

    names = [f"dim{i}" for i in range(N_FACTORS)]
    problem = {"num_vars": N_FACTORS, "names": names, "bounds": [[0.0, 1.0]] * N_FACTORS}
    rows: list[tuple[str, float, str]] = []

    t_design = median_time(lambda: sobol_design(names, N_BASE, seed=1), repeats)
    rows.append((f"indexlib sobol_design (D={N_FACTORS}, N={N_BASE})", t_design, ""))
    design = sobol_design(names, N_BASE, seed=1)
    if salib_sample is not None:
        t_salib_design = median_time(
            lambda: salib_sample.sample(problem, N_BASE, calc_second_order=False, seed=1), repeats
        )
        same = np.array_equal(
            design.unit_samples,
            salib_sample.sample(problem, N_BASE, calc_second_order=False, seed=1),
        )
        rows.append(
            (
                "SALib sample.sobol.sample (same design)",
                t_salib_design,
                f"{t_salib_design / t_design:.0f}x slower; bit-identical: {same}",
            )
        )

    scores = np.random.default_rng(2026).uniform(20.0, 80.0, size=(N_CITIES, N_FACTORS))
    t_model = median_time(lambda: city_model(design.unit_samples, scores), repeats)
    Y = city_model(design.unit_samples, scores)
    n_out = Y.shape[1]
    rows.append((f"(model: {design.n_runs} runs x {n_out} outputs, for scale)", t_model, ""))

    t_ours = median_time(
        lambda: sobol_indices(design, Y, num_resamples=N_RESAMPLES, seed=7), repeats
    )
    rows.append(
        (
            f"indexlib sobol_indices, {n_out} outputs, {N_RESAMPLES} resamples",
            t_ours,
            "target <= 2 s",
        )
    )
    t_ours_one = median_time(
        lambda: sobol_indices(design, Y[:, -1], num_resamples=N_RESAMPLES, seed=7), repeats
    )
    rows.append((f"indexlib sobol_indices, 1 output, {N_RESAMPLES} resamples", t_ours_one, ""))

    if salib_analyze is not None:

        def salib_some() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # constant-rank cities
                for k in range(SALIB_OUTPUTS):
                    salib_analyze.analyze(
                        problem, Y[:, k], calc_second_order=False,
                        num_resamples=N_RESAMPLES, seed=7,
                    )

        t_salib_some = median_time(salib_some, max(1, repeats // 2))
        t_salib_all = t_salib_some / SALIB_OUTPUTS * n_out
        rows.append(
            (
                f"SALib analyze.sobol, 1 output ({SALIB_OUTPUTS}-call mean)",
                t_salib_some / SALIB_OUTPUTS,
                f"{t_salib_some / SALIB_OUTPUTS / t_ours_one:.1f}x ours for 1 output",
            )
        )
        rows.append(
            (
                f"SALib analyze.sobol x {n_out} outputs (extrapolated)",
                t_salib_all,
                f"{t_salib_all / t_ours:.1f}x slower than indexlib",
            )
        )
        # Agreement on the outputs SALib was run on.
        ours = sobol_indices(design, Y[:, :SALIB_OUTPUTS], num_resamples=N_RESAMPLES, seed=7)
        worst = {"S1": 0.0, "ST": 0.0, "S1_conf": 0.0, "ST_conf": 0.0}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for k in range(SALIB_OUTPUTS):
                ref = salib_analyze.analyze(
                    problem, Y[:, k], calc_second_order=False, num_resamples=N_RESAMPLES, seed=7
                )
                for key in worst:
                    gap = float(np.abs(getattr(ours, key)[k] - ref[key]).max())
                    worst[key] = max(worst[key], gap)
    else:
        worst = None
        rows.append(("SALib rows skipped", float("nan"), "SALib not installed"))

    print(
        f"Sobol benchmark: D={N_FACTORS}, N={N_BASE}, runs={design.n_runs}, outputs={n_out}, "
        f"resamples={N_RESAMPLES}, repeats={repeats} (median)"
    )
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'median':>10}  note")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 40}")
    for label, seconds, note in rows:
        shown = "n/a" if seconds != seconds else f"{seconds * 1e3:8.1f} ms"
        print(f"{label:<{width}}  {shown:>10}  {note}")
    if worst is not None:
        print(
            "max |indexlib - SALib| over the compared outputs: "
            + ", ".join(f"{k} {v:.1e}" for k, v in worst.items())
        )


if __name__ == "__main__":
    main()
