"""Batched weighted means: the one shape-handling routine behind every aggregator.

Shapes: ``values`` is (n, k) — n cities, k children — or (R, n, k) for R runs; ``weights`` is (k,)
or (R, k). The result is (n,) or (R, n). A stack of R weight vectors against shared values is one
matrix product, which is what lets the uncertainty analysis score thousands of runs in one call.
Missing values (NaN) are skipped and the remaining weights renormalised per city (COINr's
``a_amean`` convention); a city with no value at all gets NaN, which callers must handle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from indicators.errors import SpecificationError
from indicators.registry import Registry

__all__ = ["AggregatorSpec", "AggregatorOptions", "AGGREGATORS", "quasi_arithmetic_mean"]


class AggregatorOptions(BaseModel):
    """Base of an aggregator's options (none for the plain means): unknown options are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class AggregatorSpec:
    """A registered aggregator: its batched kernel ``kernel(values, weights, **options)``, its
    options model and its domain."""

    name: str
    kernel: Callable[..., np.ndarray]
    needs_positive: bool  # values must be > 0 (geometric, harmonic, generalised with p <= 0)
    options: type[AggregatorOptions] = AggregatorOptions


AGGREGATORS: Registry[AggregatorSpec] = Registry("aggregator")


def quasi_arithmetic_mean(
    values: np.ndarray,
    weights: np.ndarray,
    forward: Callable[[np.ndarray], np.ndarray] | None,
    inverse: Callable[[np.ndarray], np.ndarray] | None,
) -> np.ndarray:
    """Weighted quasi-arithmetic mean ``inverse(Σ w f(y) / Σ w)`` over the last axis, batched.

    Preconditions (not validated): weights finite, ≥ 0, each weight vector with a positive sum;
    values inside the domain of ``forward``.
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    missing = np.isnan(values)
    has_missing = bool(missing.any())
    transformed = forward(values) if forward is not None else values
    if has_missing:
        transformed = np.where(missing, 0.0, transformed)
        present = (~missing).astype(float)
    if values.ndim == 2 and weights.ndim == 1:
        numerator = transformed @ weights
        denominator = present @ weights if has_missing else weights.sum()
    elif values.ndim == 2 and weights.ndim == 2:
        numerator = weights @ transformed.T
        denominator = weights @ present.T if has_missing else weights.sum(axis=1)[:, None]
    elif values.ndim == 3 and weights.ndim == 1:
        numerator = transformed @ weights
        denominator = present @ weights if has_missing else weights.sum()
    elif values.ndim == 3 and weights.ndim == 2:
        numerator = np.einsum("rnk,rk->rn", transformed, weights)
        denominator = np.einsum("rnk,rk->rn", present, weights) if has_missing else weights.sum(axis=1)[:, None]
    else:
        raise SpecificationError(f"values must be 2-D or 3-D and weights 1-D or 2-D; got {values.shape} and "
                                 f"{weights.shape}")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = numerator / denominator
        if has_missing:
            mean = np.where(denominator > 0, mean, np.nan)
        return inverse(mean) if inverse is not None else mean
