"""Weighted harmonic mean: :math:`\\sum_j w_j / \\sum_j (w_j / y_j)`, values > 0.

Reference: COINr ``a_hmean``; the generalised mean with p = −1.
"""

from __future__ import annotations

import numpy as np

from indexlib.aggregate._base import AGGREGATORS, AggregatorSpec, quasi_arithmetic_mean

__all__ = ["harmonic_mean"]


def harmonic_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Batched weighted harmonic mean over the last axis; precondition: values > 0.

    >>> round(float(harmonic_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0]))[0]), 10)
    32.0
    """
    return quasi_arithmetic_mean(values, weights, np.reciprocal, np.reciprocal)


AGGREGATORS.register("harmonic")(AggregatorSpec("harmonic", harmonic_mean, needs_positive=True))
