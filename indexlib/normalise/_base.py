"""Shared machinery of the normalisers: the registry and polarity handling (numpy only).

Each normaliser module holds a pure numpy kernel pair (``fit_params`` learns what the method needs
from a reference panel, ``apply`` maps any panel with those parameters) and one registry entry; the
thin scikit-learn transformers around the kernels are in :mod:`indexlib.normalise.estimators`, which
only an estimator's user imports (scikit-learn takes about a second to import).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from indicators.errors import DataValidationError, DegenerateIndicatorError
from indicators.registry import Registry

if TYPE_CHECKING:
    from indexlib.normalise.estimators import BaseNormaliser

__all__ = ["NormaliserSpec", "NORMALISERS", "polarity_vector", "check_not_constant"]


@dataclass(frozen=True)
class NormaliserSpec:
    """A registered normalisation method: its kernels and its transformer class."""

    name: str
    fit_params: Callable[..., dict[str, np.ndarray]]
    apply: Callable[..., np.ndarray]
    estimator_name: str  # the scikit-learn transformer: a class of indexlib.normalise.estimators
    bounded: bool  # output lies in feature_range

    @property
    def estimator(self) -> type[BaseNormaliser]:
        """The transformer class, imported on first use (it loads scikit-learn, which the kernels do not need)."""
        from indexlib.normalise import estimators

        return getattr(estimators, self.estimator_name)  # type: ignore[no-any-return]


NORMALISERS: Registry[NormaliserSpec] = Registry("normaliser")


def polarity_vector(polarity: Sequence[Any] | np.ndarray | None, n_features: int) -> np.ndarray:
    """Turn ``None``, ``±1`` or ``"+"/"-"`` entries into a float vector of ``±1``."""
    if polarity is None:
        return np.ones(n_features)
    values = []
    for i, p in enumerate(np.asarray(polarity, dtype=object).ravel()):
        if p in ("+", 1, 1.0, True):
            values.append(1.0)
        elif p in ("-", -1, -1.0):
            values.append(-1.0)
        else:
            raise DataValidationError(f"polarity of feature {i} must be '+', '-', 1 or -1; got {p!r}")
    if len(values) != n_features:
        raise DataValidationError(f"polarity has {len(values)} entries but the data has {n_features} features")
    return np.array(values)


def check_not_constant(low: np.ndarray, high: np.ndarray, names: Sequence[str], method: str) -> None:
    """Raise :class:`DegenerateIndicatorError` naming every feature whose range is zero."""
    constant = [str(names[j]) for j in np.flatnonzero(~(high > low))]
    if constant:
        raise DegenerateIndicatorError(
            f"{method} normalisation is undefined for constant indicator(s) {constant}: every city has the same "
            "value. Exclude the indicator (methodology on_constant='exclude') or use on_constant='midpoint'."
        )
