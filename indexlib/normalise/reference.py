"""Distance to a reference city: the reference scores the top of the range, the worst city the bottom.

.. math:: y = l + (u - l)\\,\\frac{s x - \\min(s x)}{s x_{ref} - \\min(s x)}

capped at ``u`` by default (cities better than the reference score ``u``). Reference: COINr
``n_dist2ref``; OECD/JRC (2008) Handbook, §5 ("distance to a reference").
"""

from __future__ import annotations


import numpy as np
from pydantic import Field, model_validator

from indexlib.normalise._base import NORMALISERS, FitContext, NormaliserSpec, RangeOptions, to_range
from indicators.errors import DataValidationError, DegenerateIndicatorError

__all__ = ["ReferenceOptions", "reference_fit", "reference_apply"]


class ReferenceOptions(RangeOptions):
    """Options of the distance to a reference city."""

    reference_city: str | int | None = Field(None, description="City id (or row position) of the reference.")
    cap: bool = Field(True, description="Cities better than the reference score the top of the range.")

    @model_validator(mode="after")
    def _present(self) -> ReferenceOptions:
        if self.reference_city is None:
            raise ValueError("method 'reference' needs reference_city")
        return self


def reference_fit(X: np.ndarray, polarity: np.ndarray, options: ReferenceOptions, context: FitContext
                  ) -> dict[str, np.ndarray]:
    """Store the reference city's polarity-adjusted values and each indicator's worst value."""
    names, reference = context.names, options.reference_city
    if isinstance(reference, str):
        if context.cities is None or reference not in context.cities:
            raise DataValidationError(f"reference city {reference!r} is not in the panel's index")
        reference_row = list(context.cities).index(reference)
    else:
        reference_row = int(reference)  # type: ignore[arg-type]
    if not 0 <= reference_row < X.shape[0]:
        raise DataValidationError(f"reference city row {reference_row!r} is not a row of the panel")
    adjusted = X * polarity
    ref = adjusted[reference_row]
    low = np.nanmin(adjusted, axis=0)
    missing = [str(names[j]) for j in np.flatnonzero(np.isnan(ref)).tolist()]
    if missing:
        raise DataValidationError(f"the reference city has no value for indicator(s) {missing}")
    worst = [str(names[j]) for j in np.flatnonzero(~(ref > low)).tolist()]
    if worst:
        raise DegenerateIndicatorError(
            f"distance to the reference city is undefined for indicator(s) {worst}: the reference city is the worst"
        )
    return {"reference_values": ref, "data_min": low, "reference_row": np.array(reference_row)}


def reference_apply(X: np.ndarray, polarity: np.ndarray, learned: dict[str, np.ndarray], options: ReferenceOptions
                    ) -> np.ndarray:
    """Scale so the reference city's value maps to the top of the range."""
    share = (X * polarity - learned["data_min"]) / (learned["reference_values"] - learned["data_min"])
    if options.cap:
        share = np.minimum(share, 1.0)
    return to_range(share, options.feature_range)


NORMALISERS.register("reference")(
    NormaliserSpec("reference", reference_fit, reference_apply, ReferenceOptions, "ReferenceNormaliser", bounded=True,
                   description="Distance to a reference city, which scores the top of the range.",
                   example_options={"reference_city": "c3"})
)
