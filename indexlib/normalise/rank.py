"""Rank normalisation: each value replaced by its competition rank among the reference values.

.. math:: y = 1 + \\#\\{k : s x_k < s x\\}

so the worst city gets 1 and higher is better; ties share the lowest rank. Reference: COINr ``n_rank``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserOptions, NormaliserSpec
from indexlib.normalise.percentile import percentile_fit, rank_within_reference

__all__ = ["RankOptions", "rank_apply"]


class RankOptions(NormaliserOptions):
    """Options of the rank normalisation."""

    on_constant: Literal["error", "midpoint"] = "error"


def rank_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], options: RankOptions
               ) -> np.ndarray:
    """Rank of each value among the reference values (1 = worst)."""
    return rank_within_reference(X, polarity, params)


NORMALISERS.register("rank")(NormaliserSpec("rank", percentile_fit, rank_apply, RankOptions, "RankNormaliser",
                                            bounded=False, description="Competition rank, 1 = worst."))
