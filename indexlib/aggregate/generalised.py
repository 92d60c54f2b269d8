"""Weighted generalised (power) mean with exponent p.

.. math:: M_p = \\Big(\\sum_j w_j y_j^{p} / \\sum_j w_j\\Big)^{1/p},\\quad M_0 = \\text{geometric mean}

p = 1 is arithmetic, p = −1 harmonic, p → 0 geometric, p → +∞ the maximum and p → −∞ the minimum
(of the values with a positive weight); M_p is non-decreasing in p and lies between the minimum and
maximum of the values. Values must be > 0 (≥ 0 suffices for p > 0).

For large |p|, y**p overflows (p = 400 on a 0–100 scale gives inf for every city), so the mean is
computed scaled by the largest value m (p > 0) or the smallest (p < 0), an exact identity:

.. math:: M_p = m \\Big(\\sum_j w_j (y_j / m)^{p} / \\sum_j w_j\\Big)^{1/p},

whose terms lie in [0, 1] and whose sum is at least the weight share of m, so it neither overflows
nor underflows to 0. ``p = ±inf`` gives the limits directly. (A methodology file cannot set
``p = inf``, since methodologies forbid inf and NaN everywhere and a manifest must stay valid JSON;
a large finite p serves: since M_p ≥ max · s^(1/p), with s the weight share of the maximum, p = 1000
is within 0.5% of the maximum whenever s ≥ 1/150.)
Reference: Hardy, Littlewood & Pólya (1934) *Inequalities*, ch. 2; COINr ``a_genmean``.
"""

from __future__ import annotations

import numpy as np

from indexlib.aggregate._base import AGGREGATORS, AggregatorOptions, AggregatorSpec, quasi_arithmetic_mean
from indexlib.aggregate.geometric import geometric_mean
from indicators.errors import SpecificationError

__all__ = ["GeneralisedOptions", "generalised_mean"]


class GeneralisedOptions(AggregatorOptions):
    """Options of the generalised mean: the exponent ``p`` (methodology key ``aggregation.p``)."""

    p: float = 1.0

#: Below this max |p ln y|, y**p and its weighted sum stay far from overflow (e**709) and underflow
#: (e**-708); the plain formula is then used, since scaling by the maximum could push small
#: values into subnormal numbers and lose their digits.
_EXPONENT_LIMIT = 600.0


def _extreme(values: np.ndarray, weights: np.ndarray, largest: bool) -> np.ndarray:
    """Largest (or smallest) present value with a positive weight, per city: (n,) or (R, n).

    NaN where a city has no such value (its mean is NaN anyway).
    """
    fill = -np.inf if largest else np.inf
    counted = ~np.isnan(values)
    if not (weights > 0).all():  # a zero-weight child must not set the scale (or be the limit)
        positive = weights > 0 if weights.ndim == 1 else (weights > 0)[..., None, :]
        counted = counted & positive
    reduce = np.max if largest else np.min
    extreme = reduce(np.where(counted, values, fill), axis=-1)
    return np.where(np.isinf(extreme) & (extreme == fill), np.nan, extreme)


def generalised_mean(values: np.ndarray, weights: np.ndarray, *, p: float = 1.0) -> np.ndarray:
    """Batched weighted power mean with exponent ``p`` over the last axis.

    >>> round(float(generalised_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0]), p=2)[0]), 2)
    58.31
    >>> generalised_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0]), p=np.inf).tolist()
    [80.0]
    >>> round(float(generalised_mean(np.array([[20.0, 80.0]]), np.array([1.0, 1.0]), p=400)[0]), 2)
    79.86
    """
    p = float(p)
    if np.isnan(p):
        raise SpecificationError("the exponent p of the generalised mean must be a number, not NaN")
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if abs(p) < 1e-12:
        # M_p = M_0 · (1 + p·Var(ln y)/2 + O(p²)): below this |p| the difference from the geometric
        # mean is under double precision, while p·ln y would underflow into subnormal numbers.
        return geometric_mean(values, weights)
    if np.isinf(p):
        limit = _extreme(values, weights, largest=p > 0)
        if weights.ndim == 2 and limit.ndim == 1:  # one limit per run, as the other kernels return
            limit = np.broadcast_to(limit, (weights.shape[0], limit.size)).copy()
        return limit
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # fmax skips NaN without nanmax's warning on an all-missing table; a zero (p > 0) is exact
        exponent = np.where(values > 0, np.abs(p * np.log(values)), np.nan if p > 0 else np.inf)
        exponent_scale = np.fmax.reduce(exponent, axis=None) if np.size(values) else 0.0
    if exponent_scale < 1.0:
        # Near p = 0, y**p → 1 and (·)**(1/p) loses every digit; exp(log1p(mean(expm1(p ln y))) / p)
        # is the same mean computed without that cancellation.
        return quasi_arithmetic_mean(
            values, weights, lambda y: np.expm1(p * np.log(y)), lambda m: np.exp(np.log1p(m) / p)
        )
    if exponent_scale < _EXPONENT_LIMIT:
        return quasi_arithmetic_mean(values, weights, lambda y: np.power(y, p), lambda m: np.power(m, 1.0 / p))
    scale = _extreme(values, weights, largest=p > 0)
    # (R, n) scales need (R, n, k) values; a (n, k) table against (R, k) weights is broadcast
    expand = scale.ndim == 2 and values.ndim == 2
    if expand:
        values = np.broadcast_to(values, (scale.shape[0], *values.shape))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        safe = np.where(scale > 0, scale, 1.0)  # all-zero city (p > 0): every term 0, mean 0
        # clipping changes only zero-weight children beyond the scale, whose y**p could be inf (inf·0 = NaN)
        scaled = (np.minimum if p > 0 else np.maximum)(values / safe[..., None], 1.0)
        mean = quasi_arithmetic_mean(scaled, weights, lambda y: np.power(y, p), lambda m: np.power(m, 1.0 / p))
        return np.where(scale > 0, mean * scale, np.where(np.isnan(scale), np.nan, 0.0))


AGGREGATORS.register("generalised")(AggregatorSpec("generalised", generalised_mean, needs_positive=True,
                                                                   options=GeneralisedOptions))
