"""Weighted generalised (power) mean with exponent p.

.. math:: M_p = \\Big(\\sum_j w_j y_j^{p} / \\sum_j w_j\\Big)^{1/p},\\quad M_0 = \\text{geometric mean}

p = 1 is arithmetic, p = −1 harmonic, p → 0 geometric; M_p is non-decreasing in p and lies between
the minimum and maximum of the values. Values must be > 0 (≥ 0 suffices for p > 0).
Reference: Hardy, Littlewood & Pólya (1934) *Inequalities*, ch. 2; COINr ``a_genmean``.
"""

from __future__ import annotations

import numpy as np

from indexlib.aggregate._base import AGGREGATORS, AggregatorSpec, quasi_arithmetic_mean
from indexlib.aggregate.geometric import geometric_mean

__all__ = ["generalised_mean"]


def generalised_mean(values: np.ndarray, weights: np.ndarray, *, p: float = 1.0, **_: object) -> np.ndarray:
    """Batched weighted power mean with exponent ``p`` over the last axis.

    >>> round(float(generalised_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0]), p=2)[0]), 2)
    58.31
    """
    if abs(p) < 1e-12:
        # M_p = M_0 · (1 + p·Var(ln y)/2 + O(p²)): below this |p| the difference from the geometric
        # mean is under double precision, while p·ln y would underflow into subnormal numbers.
        return geometric_mean(values, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent_scale = np.nanmax(np.abs(p * np.log(values))) if np.size(values) else 0.0
    if exponent_scale < 1.0:
        # Near p = 0, y**p → 1 and (·)**(1/p) loses every digit; exp(log1p(mean(expm1(p ln y))) / p)
        # is the same mean computed without that cancellation.
        return quasi_arithmetic_mean(
            values, weights, lambda y: np.expm1(p * np.log(y)), lambda m: np.exp(np.log1p(m) / p)
        )
    return quasi_arithmetic_mean(values, weights, lambda y: np.power(y, p), lambda m: np.power(m, 1.0 / p))


AGGREGATORS.register("generalised")(AggregatorSpec("generalised", generalised_mean, needs_positive=True))
