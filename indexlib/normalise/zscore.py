"""z-score standardisation.

.. math:: y = m + d\\,\\frac{s x - \\overline{s x}}{\\operatorname{sd}(s x)}

with the sample standard deviation (``n − 1``), target mean ``m`` (default 0) and standard deviation
``d`` (default 1). Reference: OECD/JRC (2008) Handbook, §5; COINr ``n_zscore``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from indexlib.normalise._base import (
    NORMALISERS,
    FitContext,
    NormaliserOptions,
    NormaliserSpec,
    check_not_constant,
)

__all__ = ["ZScoreOptions", "zscore_fit", "zscore_apply"]


class ZScoreOptions(NormaliserOptions):
    """Options of the z-score: target mean and standard deviation."""

    mean: float = 0.0
    standard_deviation: float = Field(1.0, gt=0)
    on_constant: Literal["error", "midpoint"] = "error"


def zscore_fit(X: np.ndarray, polarity: np.ndarray, options: ZScoreOptions, context: FitContext
               ) -> dict[str, np.ndarray]:
    """Learn the mean and sample standard deviation of the polarity-adjusted data (NaN ignored)."""
    adjusted = X * polarity
    mean = np.nanmean(adjusted, axis=0)
    sd = np.nanstd(adjusted, axis=0, ddof=1)
    if options.on_constant == "error":
        check_not_constant(np.zeros_like(sd), sd, context.names, "z-score")
    return {"mean": mean, "scale": sd}


def zscore_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: ZScoreOptions
                 ) -> np.ndarray:
    """Standardise with the learned ``mean``/``scale``; a constant indicator maps to the target mean."""
    sd = learned["scale"]
    safe = np.where(sd > 0, sd, 1.0)
    y = options.mean + options.standard_deviation * (X * polarity - learned["mean"]) / safe
    return np.where(sd > 0, y, options.mean)


NORMALISERS.register("zscore")(NormaliserSpec("zscore", zscore_fit, zscore_apply, ZScoreOptions, "ZScoreNormaliser",
                                              bounded=False, description="z-score with a target mean and sd."))
