"""Rank normalisation: each value replaced by its competition rank among the reference values.

.. math:: y = 1 + \\#\\{k : s x_k < s x\\}

so the worst city gets 1 and higher is better; ties share the lowest rank. Reference: COINr ``n_rank``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserSpec
from indexlib.normalise.percentile import percentile_fit, rank_within_reference

__all__ = ["rank_apply"]


def rank_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], **_: Any) -> np.ndarray:
    """Rank of each value among the reference values (1 = worst)."""
    return rank_within_reference(X, polarity, params)


NORMALISERS.register("rank")(NormaliserSpec("rank", percentile_fit, rank_apply, "RankNormaliser", bounded=False))
