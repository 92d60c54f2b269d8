"""Weighted geometric mean: :math:`\\exp(\\sum_j w_j \\ln y_j / \\sum_j w_j)`, values > 0.

Partially compensatory: it rewards balanced profiles. Normalise to e.g. [1, 100] first, since a
min-max 0 would zero the whole score. Reference: OECD/JRC (2008) Handbook, §6.2; COINr ``a_gmean``.
"""

from __future__ import annotations

import numpy as np

from indexlib.aggregate._base import AGGREGATORS, AggregatorSpec, quasi_arithmetic_mean

__all__ = ["geometric_mean"]


def geometric_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Batched weighted geometric mean over the last axis; precondition: values > 0.

    >>> round(float(geometric_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0]))[0]), 10)
    40.0
    """
    return quasi_arithmetic_mean(values, weights, np.log, np.exp)


AGGREGATORS.register("geometric")(AggregatorSpec("geometric", geometric_mean, needs_positive=True))
