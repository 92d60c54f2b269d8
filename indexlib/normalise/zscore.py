"""z-score standardisation.

.. math:: y = m + d\\,\\frac{s x - \\overline{s x}}{\\operatorname{sd}(s x)}

with the sample standard deviation (``n − 1``), target mean ``m`` (default 0) and standard deviation
``d`` (default 1). Reference: OECD/JRC (2008) Handbook, §5; COINr ``n_zscore``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from indexlib.normalise._base import NORMALISERS, NormaliserSpec, check_not_constant

__all__ = ["zscore_fit", "zscore_apply"]


def zscore_fit(X: np.ndarray, polarity: np.ndarray, *, names: Sequence[str], on_constant: str = "error",
               **_: Any) -> dict[str, np.ndarray]:
    """Learn the mean and sample standard deviation of the polarity-adjusted data (NaN ignored)."""
    adjusted = X * polarity
    mean = np.nanmean(adjusted, axis=0)
    sd = np.nanstd(adjusted, axis=0, ddof=1)
    if on_constant == "error":
        check_not_constant(np.zeros_like(sd), sd, names, "z-score")
    return {"mean": mean, "sd": sd}


def zscore_apply(X: np.ndarray, polarity: np.ndarray, params: dict[str, np.ndarray], *,
                 mean: float = 0.0, standard_deviation: float = 1.0, **_: Any) -> np.ndarray:
    """Standardise with learned parameters; a constant indicator maps to the target mean."""
    sd = params["sd"]
    safe = np.where(sd > 0, sd, 1.0)
    y = mean + standard_deviation * (X * polarity - params["mean"]) / safe
    return np.where(sd > 0, y, mean)


NORMALISERS.register("zscore")(NormaliserSpec("zscore", zscore_fit, zscore_apply, "ZScoreNormaliser", bounded=False))
