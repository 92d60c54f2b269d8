"""Distance to a target: progress from the worst city towards a target value, per indicator.

.. math:: y = l + (u - l)\\,\\frac{x - \\min x}{t - \\min x} \\;(+),\\qquad
          y = l + (u - l)\\,\\frac{\\max x - x}{\\max x - t} \\;(-)

capped at ``u`` by default (a city past the target has reached it). The targets ``t`` are in raw
units, one per indicator, and must be better than the worst city. With ``range = [0, 1]`` and
``cap = false`` this is COINr ``n_dist2targ`` (1.1.14, with its ``direction`` argument); WEF GCI 4.0
"progress score" (100 = the target). Reference: methods.md §1.2.
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
from indicators.errors import DegenerateIndicatorError, SpecificationError

__all__ = ["TargetOptions", "target_fit", "target_apply"]


class TargetOptions(RangeOptions):
    """Options of the distance to a target."""

    targets: dict[str, float] | list[float] | None = Field(
        None, description="Target in raw units per indicator id (or one per column).")
    cap: bool = Field(True, description="A city past the target scores the top of the range.")

    @model_validator(mode="after")
    def _present(self) -> TargetOptions:
        if not self.targets:
            raise ValueError("method 'target' needs targets: {indicator_id: target} in normalisation.options")
        return self


def target_fit(X: np.ndarray, polarity: np.ndarray, options: TargetOptions, context: FitContext
               ) -> dict[str, np.ndarray]:
    """Store each indicator's target and worst value; the target must be better than the worst."""
    targets = per_indicator(options.targets, context.names, "normalisation.options.targets", "one target")
    target = np.asarray(targets, dtype=float)
    if target.shape != (X.shape[1],):
        raise SpecificationError(f"targets must have one value per indicator ({X.shape[1]}); got {target.size}")
    worst = np.where(polarity > 0, np.nanmin(X, axis=0), np.nanmax(X, axis=0))
    bad = [str(context.names[j]) for j in np.flatnonzero(~(polarity * (target - worst) > 0)).tolist()]
    if bad:
        raise DegenerateIndicatorError(f"distance to a target is undefined for indicator(s) {bad}: the target is not "
                                       "better than the worst city's value")
    return {"target": target, "worst": worst}


def target_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: TargetOptions
                 ) -> np.ndarray:
    """Share of the way from the worst value to the target, scaled to ``feature_range``."""
    share = (X - learned["worst"]) / (learned["target"] - learned["worst"])
    if options.cap:
        share = np.minimum(share, 1.0)
    return to_range(share, options.feature_range)


NORMALISERS.register("target")(
    NormaliserSpec("target", target_fit, target_apply, TargetOptions, "TargetNormaliser", bounded=False,
                   description="Distance from the worst city to a target per indicator (raw units).",
                   example_options={"targets": [9.0, 10.0, 1.0]})
)
