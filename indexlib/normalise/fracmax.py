"""Fraction of the best value: each value as a share of the best city's.

.. math:: y = u \\, \\frac{x}{\\max x} \\;(+),\\qquad y = u \\, \\frac{\\min x}{x} \\;(-)

so the best city scores ``u`` (default 1) and a city scores less the further it is from the best, in
proportion. Values must be positive. For '+' indicators this is COINr ``n_fracmax`` (``x / max x``);
COINr flips a '-' indicator to ``-x`` first, whose ratio is not a fraction, so here a '-' indicator
scores the best (lowest) value as a fraction of its own. Reference: methods.md §1.2; COINr ``n_fracmax``.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from pydantic import Field

from indexlib.normalise._base import NORMALISERS, FitContext, NormaliserOptions, NormaliserSpec
from indicators.errors import DataValidationError

__all__ = ["FractionOfMaxOptions", "fracmax_fit", "fracmax_apply"]


class FractionOfMaxOptions(NormaliserOptions):
    """Options of the fraction of the best value."""

    scale: float = Field(1.0, gt=0, description="Score of the best city (1, or 100 for percent).")


def fracmax_fit(X: np.ndarray, polarity: np.ndarray, options: FractionOfMaxOptions, context: FitContext
                ) -> dict[str, np.ndarray]:
    """Learn each indicator's best value (largest for '+', smallest for '-'); values must be > 0."""
    bad = [str(context.names[j]) for j in np.flatnonzero(np.nanmin(X, axis=0) <= 0).tolist()]
    if bad:
        raise DataValidationError(f"fraction-of-max normalisation needs values > 0; indicator(s) {bad} have a value "
                                  "<= 0 (use min-max or a distance to a target)")
    return {"best": np.where(polarity > 0, np.nanmax(X, axis=0), np.nanmin(X, axis=0))}


def fracmax_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray],
                  options: FractionOfMaxOptions) -> np.ndarray:
    """``scale · x / best`` for '+', ``scale · best / x`` for '-'."""
    with np.errstate(divide="ignore"):
        share = np.where(polarity > 0, X / learned["best"], learned["best"] / X)
    return cast(np.ndarray, options.scale * share)


NORMALISERS.register("fracmax")(
    NormaliserSpec("fracmax", fracmax_fit, fracmax_apply, FractionOfMaxOptions, "FractionOfMaxNormaliser",
                   bounded=False, description="Fraction of the best value (values > 0).",
                   example_options={})
)
