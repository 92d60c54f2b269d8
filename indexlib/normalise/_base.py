"""Shared machinery of the normalisers: the scikit-learn transformer contract and polarity handling.

Each normaliser module holds a pure numpy kernel pair (``fit_params`` learns what the method needs
from a reference panel, ``apply`` maps any panel with those parameters), a thin scikit-learn
transformer around them, and one registry entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from indicators.errors import DataValidationError, DegenerateIndicatorError, NotFittedError
from indicators.registry import Registry

__all__ = ["NormaliserSpec", "NORMALISERS", "polarity_vector", "BaseNormaliser", "check_not_constant"]


@dataclass(frozen=True)
class NormaliserSpec:
    """A registered normalisation method: its kernels and its transformer class."""

    name: str
    fit_params: Callable[..., dict[str, np.ndarray]]
    apply: Callable[..., np.ndarray]
    estimator: type[BaseNormaliser]
    bounded: bool  # output lies in feature_range


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


class BaseNormaliser(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Base of the normalisers: validation at the boundary, kernels inside.

    NaN values are disregarded when fitting and kept in the output (scikit-learn's scaler policy);
    infinite values raise :class:`~indicators.errors.DataValidationError`.
    """

    method: str = ""

    def _validate(self, X: Any, *, reset: bool) -> np.ndarray:
        try:
            return validate_data(self, X, reset=reset, ensure_all_finite="allow-nan", dtype=np.float64)
        except ValueError as exc:
            if isinstance(exc, DataValidationError):
                raise
            message = str(exc)
            if "infinity" in message:
                message = f"{type(self).__name__}: input contains inf (±infinity); every value must be finite or NaN"
            raise DataValidationError(f"{type(self).__name__}: {message}") from None

    def _names(self) -> list[str]:
        if hasattr(self, "feature_names_in_"):
            return [str(n) for n in self.feature_names_in_]
        return [f"x{j}" for j in range(self.n_features_in_)]

    def fit(self, X: Any, y: Any = None) -> BaseNormaliser:
        """Learn the normalisation parameters from a reference panel (cities × indicators)."""
        data = self._validate(X, reset=True)
        if data.shape[0] < 2:
            raise DataValidationError(
                f"{type(self).__name__} needs at least 2 cities to fit; got n_samples={data.shape[0]}"
            )
        self.polarity_ = polarity_vector(self.polarity, data.shape[1])
        spec = NORMALISERS.get(self.method)
        self.params_ = spec.fit_params(data, self.polarity_, names=self._names(), **self._kernel_options())
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Normalise a panel with the parameters learned by :meth:`fit`."""
        try:
            check_is_fitted(self, "params_")
        except Exception:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with a reference panel first."
            ) from None
        data = self._validate(X, reset=False)
        return NORMALISERS.get(self.method).apply(data, self.polarity_, self.params_, **self._kernel_options())

    def _kernel_options(self) -> dict[str, Any]:
        return {}

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
