"""Fixed goalposts: scale each indicator between a fixed worst and best value (time-comparable).

.. math:: y = l + (u - l)\\,\\frac{x - g_{low}}{g_{high} - g_{low}} \\;(+),\\qquad
          y = l + (u - l)\\,\\frac{g_{high} - x}{g_{high} - g_{low}} \\;(-)

optionally truncated to ``[l, u]``. Goalposts are in raw units, ``g_low < g_high``; because they do
not depend on the panel, scores stay comparable across editions (HDI practice; COINr ``n_goalposts``).
With ``direction_adjusted`` the goalposts are for ``s x`` (COINr's convention, which flips the values
before ``n_goalposts``): :math:`y = l + (u - l)(s x - g_{low})/(g_{high} - g_{low})` for every indicator.
"""

from __future__ import annotations


import numpy as np
from pydantic import Field, model_validator

from indexlib.normalise._base import (
    NORMALISERS,
    FitContext,
    NormaliserSpec,
    RangeOptions,
    per_indicator,
    to_range,
)
from indicators.errors import DataValidationError

__all__ = ["GoalpostOptions", "goalposts_fit", "goalposts_apply"]


class GoalpostOptions(RangeOptions):
    """Options of the goalposts: ``{indicator_id: (low, high)}`` in raw units (or one pair per column)."""

    goalposts: dict[str, tuple[float, float]] | list[tuple[float, float]] | None = Field(
        None, description="Goalposts (low, high) in raw units per indicator id.")
    truncate: bool = Field(True, description="Clip values beyond the goalposts to the ends of the range.")
    direction_adjusted: bool = Field(
        False, description="Goalposts are for the direction-adjusted values s·x (COINr's convention: for a '-' "
                           "indicator, (-high, -low) of the raw goalposts), not the raw values.")

    @model_validator(mode="after")
    def _present(self) -> GoalpostOptions:
        if not self.goalposts:
            raise ValueError("method 'goalposts' needs goalposts: {indicator_id: [low, high]}")
        return self


def goalposts_fit(X: np.ndarray, polarity: np.ndarray, options: GoalpostOptions, context: FitContext
                  ) -> dict[str, np.ndarray]:
    """Check and store the goalposts (one ``(low, high)`` pair per indicator)."""
    names = context.names
    goalposts = per_indicator(options.goalposts, names, "normalisation.goalposts", "one [low, high] pair")
    posts = np.asarray(goalposts, dtype=float)
    if posts.shape != (X.shape[1], 2):
        raise DataValidationError(f"goalposts must have shape ({X.shape[1]}, 2), one (low, high) per indicator; "
                                  f"got {posts.shape}")
    bad = [str(names[j]) for j in range(X.shape[1]) if not (np.isfinite(posts[j]).all() and posts[j, 0] < posts[j, 1])]
    if bad:
        raise DataValidationError(f"goalposts for indicator(s) {bad} must be finite with low < high")
    return {"goalpost_low": posts[:, 0], "goalpost_high": posts[:, 1]}


def goalposts_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: GoalpostOptions
                    ) -> np.ndarray:
    """Scale between the goalposts, flipping ``-`` indicators; truncate outside them if asked."""
    low, high = learned["goalpost_low"], learned["goalpost_high"]
    if options.direction_adjusted:
        share = (X * polarity - low) / (high - low)
    else:
        share = (X - low) / (high - low)
        share = np.where(polarity > 0, share, 1.0 - share)
    if options.truncate:
        share = np.clip(share, 0.0, 1.0)
    return to_range(share, options.feature_range)


NORMALISERS.register("goalposts")(
    NormaliserSpec("goalposts", goalposts_fit, goalposts_apply, GoalpostOptions, "GoalpostNormaliser", bounded=True,
                   description="Fixed goalposts (low, high) per indicator, in raw units.",
                   example_options={"goalposts": [(0.0, 10.0), (2.0, 8.0), (-5.0, 20.0)]})
)
