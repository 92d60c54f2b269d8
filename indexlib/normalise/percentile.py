"""Percentile-rank normalisation (ties share the lowest rank).

.. math:: y = l + (u - l)\\,\\frac{r - 1}{n - 1},\\qquad r = 1 + \\#\\{k : s x_k < s x\\}

where the count runs over the ``n`` non-missing values of the reference panel, so the worst city gets
``l`` and the best ``u``; a value outside the reference panel is placed among the reference values.
Robust to outliers; loses distances. Reference: COINr ``n_prank``; OECD/JRC (2008) Handbook, §5.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from indexlib.normalise._base import (
    NORMALISERS,
    FitContext,
    NormaliserSpec,
    RangeOptions,
    check_not_constant,
)

__all__ = ["PercentileOptions", "percentile_fit", "percentile_apply",
           "rank_within_reference"]


class PercentileOptions(RangeOptions):
    """Options of the percentile rank."""

    on_constant: Literal["error", "midpoint"] = "error"


def percentile_fit(X: np.ndarray, polarity: np.ndarray, options: Any, context: FitContext
                   ) -> dict[str, np.ndarray]:
    """Store the sorted polarity-adjusted reference values of each indicator (NaN last)."""
    adjusted = np.sort(X * polarity, axis=0)
    if options.on_constant == "error":
        check_not_constant(np.nanmin(adjusted, axis=0), np.nanmax(adjusted, axis=0), context.names, "percentile")
    return {"sorted": adjusted, "count": np.sum(~np.isnan(X), axis=0).astype(float)}


def rank_within_reference(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray]) -> np.ndarray:
    """Competition rank (1 = lowest) of each value among the reference values; NaN stays NaN."""
    adjusted = X * polarity
    ranks = np.empty_like(adjusted)
    for j in range(adjusted.shape[1]):  # one searchsorted per indicator: columns have their own reference
        n = int(params["count"][j])
        ranks[:, j] = np.searchsorted(params["sorted"][:n, j], adjusted[:, j], side="left") + 1.0
    return np.where(np.isnan(adjusted), np.nan, ranks)


def percentile_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], options: PercentileOptions
                     ) -> np.ndarray:
    """Percentile rank scaled to ``feature_range``; a constant indicator maps to the middle."""
    lower, upper = options.feature_range
    ranks = rank_within_reference(X, polarity, params)
    span = params["count"] - 1.0
    constant = params["sorted"][0] == np.nanmax(params["sorted"], axis=0)
    y = lower + (upper - lower) * (ranks - 1.0) / np.where(span > 0, span, 1.0)
    return np.where(constant, np.where(np.isnan(X), np.nan, (lower + upper) / 2.0), np.minimum(y, upper))


NORMALISERS.register("percentile")(
    NormaliserSpec("percentile", percentile_fit, percentile_apply, PercentileOptions, "PercentileNormaliser",
                   bounded=True, description="Percentile rank scaled to feature_range.")
)
