"""Rank normalisation: each value replaced by its competition rank among the reference values.

.. math:: y = 1 + \\#\\{k : s x_k < s x\\}

so the worst city gets 1 and higher is better; ties share the lowest rank. Reference: COINr ``n_rank``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexlib.normalise._base import NORMALISERS, BaseNormaliser, NormaliserSpec
from indexlib.normalise.percentile import percentile_fit, rank_within_reference

__all__ = ["rank_apply", "RankNormaliser"]


def rank_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], **_: Any) -> np.ndarray:
    """Rank of each value among the reference values (1 = worst)."""
    return rank_within_reference(X, polarity, params)


class RankNormaliser(BaseNormaliser):
    """Rank normaliser (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    on_constant : {'error', 'midpoint'}, default='error'
        With 'midpoint' a constant indicator gives every city rank 1.
    """

    method = "rank"

    def __init__(self, *, polarity: Any = None, on_constant: str = "error") -> None:
        self.polarity = polarity
        self.on_constant = on_constant

    def _kernel_options(self) -> dict[str, Any]:
        return {"on_constant": self.on_constant}


NORMALISERS.register("rank")(NormaliserSpec("rank", percentile_fit, rank_apply, RankNormaliser, bounded=False))
