"""Timing helper shared by the benchmark scripts (run as ``python benchmarks/<script>.py``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(function: Callable[[], Any], repeats: int) -> float:
    """Median wall time in seconds of ``repeats`` calls, after one untimed warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_min_times(commands: dict[str, list[str]], repeats: int, **options: Any) -> dict[str, float]:
    """Least wall time in seconds of ``repeats`` runs of each command (a subprocess), the runs interleaved.

    Interleaving (a, b, c, a, b, c, …) spreads a busy moment of the machine over every command, and the
    minimum is the run least disturbed by it: the fairest figure for a ratio between commands.
    """
    import subprocess

    best = dict.fromkeys(commands, float("inf"))
    for _ in range(repeats):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)
            best[name] = min(best[name], time.perf_counter() - start)
    return best
