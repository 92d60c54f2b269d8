"""Fixed goalposts: scale each indicator between a fixed worst and best value (time-comparable).

.. math:: y = l + (u - l)\\,\\frac{x - g_{low}}{g_{high} - g_{low}} \\;(+),\\qquad
          y = l + (u - l)\\,\\frac{g_{high} - x}{g_{high} - g_{low}} \\;(-)

optionally truncated to ``[l, u]``. Goalposts are in raw units, ``g_low < g_high``; because they do
not depend on the panel, scores stay comparable across editions (HDI practice; COINr ``n_goalposts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserSpec
from indicators.errors import DataValidationError

__all__ = ["goalposts_fit", "goalposts_apply"]


def goalposts_fit(X: np.ndarray, polarity: np.ndarray, *, names: Sequence[str], goalposts: Any = None,
                  **_: Any) -> dict[str, np.ndarray]:
    """Check and store the goalposts (one ``(low, high)`` pair per indicator)."""
    if goalposts is None:
        raise DataValidationError("goalpost normalisation needs goalposts: one (low, high) pair per indicator")
    posts = np.asarray(goalposts, dtype=float)
    if posts.shape != (X.shape[1], 2):
        raise DataValidationError(f"goalposts must have shape ({X.shape[1]}, 2), one (low, high) per indicator; "
                                  f"got {posts.shape}")
    bad = [str(names[j]) for j in range(X.shape[1]) if not (np.isfinite(posts[j]).all() and posts[j, 0] < posts[j, 1])]
    if bad:
        raise DataValidationError(f"goalposts for indicator(s) {bad} must be finite with low < high")
    return {"low": posts[:, 0], "high": posts[:, 1]}


def goalposts_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], *,
                    feature_range: tuple[float, float] = (0.0, 100.0), truncate: bool = True,
                    **_: Any) -> np.ndarray:
    """Scale between the goalposts, flipping ``-`` indicators; truncate outside them if asked."""
    lower, upper = feature_range
    share = (X - params["low"]) / (params["high"] - params["low"])
    share = np.where(polarity > 0, share, 1.0 - share)
    if truncate:
        share = np.clip(share, 0.0, 1.0)
    return lower + (upper - lower) * share


NORMALISERS.register("goalposts")(
    NormaliserSpec("goalposts", goalposts_fit, goalposts_apply, "GoalpostNormaliser", bounded=True)
)
