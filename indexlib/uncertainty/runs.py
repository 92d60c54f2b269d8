"""The parameters of uncertainty runs: the discrete sections, the run table and the chunk sizes.

Shared by the model (:mod:`indexlib.uncertainty.model`), the Monte Carlo driver
(:mod:`indexlib.uncertainty.montecarlo`), the one-at-a-time scenarios
(:mod:`indexlib.uncertainty.scenarios`) and the Sobol' analysis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["SECTIONS", "SECTION_COLUMN", "DEFAULT_CHUNK_SIZE", "CHUNK_CELLS", "ProgressCallback", "RunTable",
           "option_index"]

#: The discrete sections, in the order of the grouping key and of the runs table.
SECTIONS = ("missing", "outliers", "normalisation", "aggregation", "exclusion")
SECTION_COLUMN = {"missing": "missing", "outliers": "outliers", "normalisation": "normalisation",
                   "aggregation": "aggregation", "exclusion": "excluded_indicator"}
DEFAULT_CHUNK_SIZE = 2_000
#: At most this many city scores (runs × cities) are computed at once, so that a chunk's working
#: memory (a few float64 arrays of this size per tree level) does not grow with the panel.
CHUNK_CELLS = 2_000_000


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


def option_index(u: np.ndarray, k: int) -> np.ndarray:
    """⌊u k⌋, clipped to k − 1 (u = 1 can only come from rounding)."""
    return np.minimum((u * k).astype(np.int64), k - 1)
