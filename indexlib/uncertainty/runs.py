"""The parameters of uncertainty runs: the discrete sections, the run table and the chunk sizes.

Shared by the model (:mod:`indexlib.uncertainty.model`), the Monte Carlo driver
(:mod:`indexlib.uncertainty.montecarlo`), the one-at-a-time scenarios
(:mod:`indexlib.uncertainty.scenarios`) and the Sobol' analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from dataclasses import dataclass

import numpy as np

__all__ = ["SECTIONS", "SECTION_COLUMN", "DEFAULT_CHUNK_SIZE", "CHUNK_CELLS", "STREAM_RUNS", "ProgressCallback",
           "RunTable", "option_index", "stream_blocks", "unit_draws"]

#: The discrete sections, in the order of the grouping key and of the runs table.
SECTIONS = ("missing", "outliers", "normalisation", "aggregation", "exclusion", "weighting")
SECTION_COLUMN = {"missing": "missing", "outliers": "outliers", "normalisation": "normalisation",
                   "aggregation": "aggregation", "exclusion": "excluded_indicator", "weighting": "weighting"}
DEFAULT_CHUNK_SIZE = 2_000
#: At most this many city scores (runs × cities) are computed at once, so that a chunk's working
#: memory (a few float64 arrays of this size per tree level) does not grow with the panel.
CHUNK_CELLS = 2_000_000
#: Runs drawn from one random stream. Fixed, so that the runs a seed gives never depend on the engine,
#: the number of workers or the memory-driven chunk size.
STREAM_RUNS = 10_000


ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunTable:
    """The parameters of a set of runs.

    Attributes
    ----------
    choices : dict of str to ndarray of int
        For every section of :data:`SECTIONS`, the option index of each run (0 = the
        methodology's own choice; see :attr:`UncertaintyModel.options`).
    weights : ndarray of shape (R, P)
        Weight of each perturbed element (:attr:`UncertaintyModel.weight_ids`) in each run.
    weight_choice : ndarray of int or None
        Index of the weight alternative of each run, when the weights are drawn from alternatives.
    """

    choices: dict[str, np.ndarray]
    weights: np.ndarray
    weight_choice: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    @classmethod
    def concatenate(cls, tables: list[RunTable]) -> RunTable:
        """The runs of ``tables``, one after the other."""
        choices = {s: np.concatenate([t.choices[s] for t in tables]) for s in tables[0].choices}
        weight_choice = (None if tables[0].weight_choice is None
                         else np.concatenate([t.weight_choice for t in tables]))
        return cls(choices, np.concatenate([t.weights for t in tables]), weight_choice)


def option_index(u: np.ndarray, k: int) -> np.ndarray:
    """⌊u k⌋, clipped to k − 1 (u = 1 can only come from rounding)."""
    return np.minimum((u * k).astype(np.int64), k - 1)


def stream_blocks(runs: int, first: int = 0) -> list[tuple[int, int]]:
    """The ``(start, stop)`` run ranges of the random streams that cover runs ``first … runs - 1``."""
    edges = [first, *range((first // STREAM_RUNS + 1) * STREAM_RUNS, runs, STREAM_RUNS), runs]
    return [(lo, hi) for lo, hi in pairwise(edges) if lo < hi]


def unit_draws(columns: int, seed: int, start: int, stop: int) -> np.ndarray:
    r"""Uniform draws (stop − start, columns) in [0, 1) of runs ``start … stop − 1``.

    Run :math:`r` is row :math:`r \bmod S` of stream :math:`\lfloor r / S \rfloor` (:math:`S` =
    :data:`STREAM_RUNS`), the generator ``numpy.random.default_rng`` of child
    :math:`\lfloor r / S \rfloor` of ``numpy.random.SeedSequence(seed).spawn(k)``: independent
    streams (O'Neill 2015, PCG), so any range of runs is drawn alone, on any worker, identically.
    """
    if stop <= start:
        return np.empty((0, columns))
    children = np.random.SeedSequence(seed).spawn((stop - 1) // STREAM_RUNS + 1)
    parts = []
    for lo, hi in stream_blocks(stop, start):
        stream = lo // STREAM_RUNS
        offset = stream * STREAM_RUNS
        # A generator fills rows in order, so the first rows of a stream do not depend on how many follow.
        parts.append(np.random.default_rng(children[stream]).random((hi - offset, columns))[lo - offset:])
    return np.concatenate(parts) if len(parts) > 1 else parts[0]
