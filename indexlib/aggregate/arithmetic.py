"""Weighted arithmetic mean: :math:`\\sum_j w_j y_j / \\sum_j w_j` (fully compensatory).

Reference: OECD/JRC (2008) Handbook, §6.1; COINr ``a_amean``.
"""

from __future__ import annotations

import numpy as np

from indexlib.aggregate._base import AGGREGATORS, AggregatorSpec, quasi_arithmetic_mean

__all__ = ["arithmetic_mean"]


def arithmetic_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Batched weighted arithmetic mean over the last axis (see :mod:`indexlib.aggregate._base`).

    >>> arithmetic_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0])).tolist()
    [50.0]
    """
    return quasi_arithmetic_mean(values, weights, None, None)


AGGREGATORS.register("arithmetic")(AggregatorSpec("arithmetic", arithmetic_mean, needs_positive=False))
