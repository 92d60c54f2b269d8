"""Benchmark of the command line's start-up, as ratios to importing numpy, pandas and pydantic (a script, not a test).

Goals (issue 9 §4), each a ratio to ``python -c "import numpy, pandas, pydantic"`` measured in the
same run: ``indexlib --help`` and ``indexlib --version`` ≤ 1.2×, ``indexlib build`` on the
embedded 2025 panel ≤ 1.6×. Every command is a fresh interpreter; a figure is the least wall time
of ``--repeats`` runs, the commands interleaved. ``python -X importtime -m indexlib --help`` shows
where the time of an import goes. A row without a goal shows what importing scikit-learn alone would
cost on top of the baseline: the reason the build's default imputer (``knn``) does not use it.

    python benchmarks/bench_startup.py [--repeats 15]
"""

from __future__ import annotations

from _timing import interleaved_min_times  # benchmarks/ is on sys.path when a script runs

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: name → (arguments of ``python``, goal as a ratio to the baseline or None)
WORKLOADS: dict[str, tuple[list[str], float | None]] = {
    "python -c 'import numpy, pandas, pydantic' (baseline)": (["-c", "import numpy, pandas, pydantic"], None),
    "python -c 'import indexlib'": (["-c", "import indexlib"], None),
    "indexlib --help": (["-m", "indexlib", "--help"], 1.2),
    "indexlib --version": (["-m", "indexlib", "--version"], 1.2),
    "indexlib build (embedded 2025 panel)": (["-m", "indexlib", "build"], 1.6),
    "python -c 'import numpy, pandas, pydantic, sklearn.impute'": (
        ["-c", "import numpy, pandas, pydantic, sklearn.impute"], None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    commands = {name: [sys.executable, *arguments] for name, (arguments, _) in WORKLOADS.items()}
    times = interleaved_min_times(commands, args.repeats, env=env, cwd=ROOT)
    goals = {name: goal for name, (_, goal) in WORKLOADS.items()}
    baseline = times[next(iter(WORKLOADS))]
    print(f"{'command (least of ' + str(args.repeats) + ' runs, interleaved)':<56} {'time':>9} {'ratio':>7} "
          f"{'goal':>7}  verdict")
    met = True
    for name, goal in goals.items():
        ratio = times[name] / baseline
        verdict = "" if goal is None else ("pass" if ratio <= goal else "FAIL")
        met &= verdict != "FAIL"
        print(f"{name:<56} {times[name] * 1e3:>6.0f} ms {ratio:>6.2f}× {'' if goal is None else f'{goal:.1f}×':>7}  "
              f"{verdict}")
    print("every goal met" if met else "some goal NOT met")


if __name__ == "__main__":
    main()
