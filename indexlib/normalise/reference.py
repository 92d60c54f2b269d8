"""Distance to a reference city: the reference scores the top of the range, the worst city the bottom.

.. math:: y = l + (u - l)\\,\\frac{s x - \\min(s x)}{s x_{ref} - \\min(s x)}

capped at ``u`` by default (cities better than the reference score ``u``). Reference: COINr
``n_dist2ref``; OECD/JRC (2008) Handbook, §5 ("distance to a reference").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserSpec
from indicators.errors import DataValidationError, DegenerateIndicatorError

__all__ = ["reference_fit", "reference_apply"]


def reference_fit(X: np.ndarray, polarity: np.ndarray, *, names: Sequence[str], reference_row: int | None = None,
                  **_: Any) -> dict[str, np.ndarray]:
    """Store the reference city's polarity-adjusted values and each indicator's worst value."""
    if reference_row is None or not 0 <= reference_row < X.shape[0]:
        raise DataValidationError(f"reference city row {reference_row!r} is not a row of the panel")
    adjusted = X * polarity
    ref = adjusted[reference_row]
    low = np.nanmin(adjusted, axis=0)
    missing = [str(names[j]) for j in np.flatnonzero(np.isnan(ref))]
    if missing:
        raise DataValidationError(f"the reference city has no value for indicator(s) {missing}")
    worst = [str(names[j]) for j in np.flatnonzero(~(ref > low))]
    if worst:
        raise DegenerateIndicatorError(
            f"distance to the reference city is undefined for indicator(s) {worst}: the reference city is the worst"
        )
    return {"reference": ref, "low": low}


def reference_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], *,
                    feature_range: tuple[float, float] = (0.0, 100.0), cap: bool = True, **_: Any) -> np.ndarray:
    """Scale so the reference city's value maps to the top of the range."""
    lower, upper = feature_range
    share = (X * polarity - params["low"]) / (params["reference"] - params["low"])
    if cap:
        share = np.minimum(share, 1.0)
    return lower + (upper - lower) * share


NORMALISERS.register("reference")(
    NormaliserSpec("reference", reference_fit, reference_apply, "ReferenceNormaliser", bounded=True)
)
