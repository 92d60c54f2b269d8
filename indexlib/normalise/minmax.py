"""Min-max normalisation to a chosen range (default 0–100).

.. math:: y = l + (u - l)\\,\\frac{s x - \\min(s x)}{\\max(s x) - \\min(s x)}

with ``s = ±1`` the indicator's polarity, so the best city gets ``u`` and the worst ``l``.
Reference: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, §5; COINr ``n_minmax``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserSpec, check_not_constant

__all__ = ["minmax_fit", "minmax_apply"]


def minmax_fit(X: np.ndarray, polarity: np.ndarray, *, names: Sequence[str], on_constant: str = "error",
               **_: Any) -> dict[str, np.ndarray]:
    """Learn the per-indicator minimum and maximum of the polarity-adjusted data (NaN ignored)."""
    adjusted = X * polarity
    low, high = np.nanmin(adjusted, axis=0), np.nanmax(adjusted, axis=0)
    if on_constant == "error":
        check_not_constant(low, high, names, "min-max")
    return {"low": low, "high": high}


def minmax_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], *,
                 feature_range: tuple[float, float] = (0.0, 100.0), **_: Any) -> np.ndarray:
    """Map data with learned ``low``/``high``; a constant indicator maps to the middle of the range.

    Preconditions: ``X`` is 2-D float, finite or NaN (not validated here).
    """
    lower, upper = feature_range
    span = params["high"] - params["low"]
    safe = np.where(span > 0, span, 1.0)
    y = lower + (upper - lower) * (X * polarity - params["low"]) / safe
    return np.where(span > 0, y, (lower + upper) / 2.0)


NORMALISERS.register("minmax")(NormaliserSpec("minmax", minmax_fit, minmax_apply, "MinMaxNormaliser", bounded=True))
