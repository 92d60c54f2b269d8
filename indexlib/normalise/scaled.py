"""Linear scaling between fixed bounds, not truncated ("GII scaled").

.. math:: y = a\\,\\frac{x - l}{u - l} \\;(+),\\qquad y = a\\,\\frac{u - x}{u - l} \\;(-)

with the same bounds ``(l, u)`` in raw units for every indicator and scale factor ``a`` (default
100). Unlike min-max it does not depend on the panel; unlike goalposts it is never truncated.
Reference: COINr ``n_scaled`` (``npara = c(l, u)``), documented as a GII 2020 method; methods.md §1.2.
"""

from __future__ import annotations


import numpy as np
from pydantic import Field, field_validator

from indexlib.normalise._base import (
    NORMALISERS,
    FitContext,
    NormaliserOptions,
    NormaliserSpec,
    ordered_pair,
)

__all__ = ["ScaledOptions", "scaled_fit", "scaled_apply"]


class ScaledOptions(NormaliserOptions):
    """Options of the fixed linear scaling."""

    bounds: tuple[float, float] = Field((0.0, 100.0), description="(l, u) in raw units, l < u.")
    scale: float = Field(100.0, gt=0, description="Scale factor a.")

    @field_validator("bounds")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        return ordered_pair(value, "bounds")


def scaled_fit(X: np.ndarray, polarity: np.ndarray, options: ScaledOptions, context: FitContext
               ) -> dict[str, np.ndarray]:
    """Nothing is learned from the data: the bounds are fixed."""
    return {}


def scaled_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: ScaledOptions
                 ) -> np.ndarray:
    """``a (x − l)/(u − l)``, or ``a (u − x)/(u − l)`` for '-' indicators."""
    low, high = options.bounds
    share = (X - low) / (high - low)
    return options.scale * np.where(polarity > 0, share, 1.0 - share)


NORMALISERS.register("scaled")(
    NormaliserSpec("scaled", scaled_fit, scaled_apply, ScaledOptions, "ScaledNormaliser", bounded=False,
                   description="a (x − l)/(u − l) with fixed bounds, not truncated.")
)
