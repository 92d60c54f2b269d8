"""Borda scores: the number of reference cities with a worse value.

.. math:: y = \\#\\{k : s x_k < s x\\} = \\operatorname{rank}(s x) - 1

(competition ranks, ties share the lowest), so the worst city scores 0. Reference: COINr ``n_borda``
(``rank(x, ties.method = "min") - 1``); methods.md §1.2.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserOptions, NormaliserSpec
from indexlib.normalise.percentile import percentile_fit, rank_within_reference

__all__ = ["BordaOptions", "borda_apply"]


class BordaOptions(NormaliserOptions):
    """Options of the Borda score."""

    on_constant: Literal["error", "midpoint"] = "error"


def borda_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: BordaOptions
                ) -> np.ndarray:
    """Rank among the reference values minus one (0 = worst)."""
    return rank_within_reference(X, polarity, learned) - 1.0


NORMALISERS.register("borda")(NormaliserSpec("borda", percentile_fit, borda_apply, BordaOptions, "BordaNormaliser",
                                             bounded=False, description="Borda score: rank − 1, 0 = worst."))
