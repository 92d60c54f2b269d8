"""Min-max normalisation to a chosen range (default 0–100).

.. math:: y = l + (u - l)\\,\\frac{s x - \\min(s x)}{\\max(s x) - \\min(s x)}

with ``s = ±1`` the indicator's polarity, so the best city gets ``u`` and the worst ``l``.
Reference: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, §5; COINr ``n_minmax``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from indexlib.normalise._base import (
    NORMALISERS,
    FitContext,
    NormaliserSpec,
    RangeOptions,
    check_not_constant,
)

__all__ = ["MinMaxOptions", "minmax_fit", "minmax_apply"]


class MinMaxOptions(RangeOptions):
    """Options of min-max normalisation."""

    on_constant: Literal["error", "midpoint"] = "error"


def minmax_fit(X: np.ndarray, polarity: np.ndarray, options: MinMaxOptions, context: FitContext
               ) -> dict[str, np.ndarray]:
    """Learn the per-indicator minimum and maximum of the polarity-adjusted data (NaN ignored)."""
    adjusted = X * polarity
    low, high = np.nanmin(adjusted, axis=0), np.nanmax(adjusted, axis=0)
    if options.on_constant == "error":
        check_not_constant(low, high, context.names, "min-max")
    return {"data_min": low, "data_max": high}


def minmax_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: MinMaxOptions
                 ) -> np.ndarray:
    """Map data with the learned ``data_min``/``data_max``; a constant indicator maps to the middle of the range.

    Preconditions: ``X`` is 2-D float, finite or NaN (not validated here).
    """
    lower, upper = options.feature_range
    span = learned["data_max"] - learned["data_min"]
    safe = np.where(span > 0, span, 1.0)
    y = lower + (upper - lower) * (X * polarity - learned["data_min"]) / safe
    return np.where(span > 0, y, (lower + upper) / 2.0)


NORMALISERS.register("minmax")(NormaliserSpec("minmax", minmax_fit, minmax_apply, MinMaxOptions, "MinMaxNormaliser",
                                              bounded=True, description="Min-max to feature_range."))
