"""The normalisers as scikit-learn transformers: thin estimators around the numpy kernels.

Each class validates its input at the boundary and calls its method's kernel pair through
:data:`~indexlib.normalise.NORMALISERS`. This module imports scikit-learn; the pipeline uses the
kernels directly and never imports it (``import indexlib`` stays fast).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from indexlib.normalise._base import NORMALISERS, polarity_vector
from indicators.errors import DataValidationError, NotFittedError

__all__ = ["BaseNormaliser", "MinMaxNormaliser", "ZScoreNormaliser", "PercentileNormaliser", "RankNormaliser",
           "GoalpostNormaliser", "ReferenceNormaliser"]


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


class MinMaxNormaliser(BaseNormaliser):
    """Min-max normaliser with polarity (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
        One per indicator; ``'-'`` flips the indicator so lower raw values score higher.
    feature_range : (float, float), default=(0, 100)
    on_constant : {'error', 'midpoint'}, default='error'
        A constant indicator raises :class:`~indicators.errors.DegenerateIndicatorError`, or maps
        to the middle of ``feature_range``.

    Examples
    --------
    >>> MinMaxNormaliser(polarity=["+", "-"]).fit_transform([[1.0, 10.0], [3.0, 20.0]]).tolist()
    [[0.0, 100.0], [100.0, 0.0]]
    """

    method = "minmax"

    def __init__(self, *, polarity: Any = None, feature_range: tuple[float, float] = (0.0, 100.0),
                 on_constant: str = "error") -> None:
        self.polarity = polarity
        self.feature_range = feature_range
        self.on_constant = on_constant

    def _kernel_options(self) -> dict[str, Any]:
        return {"feature_range": tuple(self.feature_range), "on_constant": self.on_constant}


class ZScoreNormaliser(BaseNormaliser):
    """z-score normaliser with polarity (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    mean, standard_deviation : float, default=0, 1
        Target location and scale (e.g. 100 and 10 for positive scores).
    on_constant : {'error', 'midpoint'}, default='error'
    """

    method = "zscore"

    def __init__(self, *, polarity: Any = None, mean: float = 0.0, standard_deviation: float = 1.0,
                 on_constant: str = "error") -> None:
        self.polarity = polarity
        self.mean = mean
        self.standard_deviation = standard_deviation
        self.on_constant = on_constant

    def _kernel_options(self) -> dict[str, Any]:
        return {"mean": self.mean, "standard_deviation": self.standard_deviation, "on_constant": self.on_constant}


class PercentileNormaliser(BaseNormaliser):
    """Percentile-rank normaliser (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    feature_range : (float, float), default=(0, 100)
    on_constant : {'error', 'midpoint'}, default='error'
    """

    method = "percentile"

    def __init__(self, *, polarity: Any = None, feature_range: tuple[float, float] = (0.0, 100.0),
                 on_constant: str = "error") -> None:
        self.polarity = polarity
        self.feature_range = feature_range
        self.on_constant = on_constant

    def _kernel_options(self) -> dict[str, Any]:
        return {"feature_range": tuple(self.feature_range), "on_constant": self.on_constant}


class RankNormaliser(BaseNormaliser):
    """Rank normaliser (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    on_constant : {'error', 'midpoint'}, default='error'
        With 'midpoint' a constant indicator gives every city rank 1.
    """

    method = "rank"

    def __init__(self, *, polarity: Any = None, on_constant: str = "error") -> None:
        self.polarity = polarity
        self.on_constant = on_constant

    def _kernel_options(self) -> dict[str, Any]:
        return {"on_constant": self.on_constant}


class GoalpostNormaliser(BaseNormaliser):
    """Fixed-goalpost normaliser (scikit-learn transformer).

    Parameters
    ----------
    goalposts : array-like of shape (n_indicators, 2)
        ``(low, high)`` per indicator in raw units.
    polarity : sequence of {'+', '-', 1, -1}, optional
    feature_range : (float, float), default=(0, 100)
    truncate : bool, default=True
        Clip values beyond the goalposts to the ends of the range.
    """

    method = "goalposts"

    def __init__(self, *, goalposts: Any = None, polarity: Any = None,
                 feature_range: tuple[float, float] = (0.0, 100.0), truncate: bool = True) -> None:
        self.goalposts = goalposts
        self.polarity = polarity
        self.feature_range = feature_range
        self.truncate = truncate

    def _kernel_options(self) -> dict[str, Any]:
        return {"goalposts": self.goalposts, "feature_range": tuple(self.feature_range), "truncate": self.truncate}


class ReferenceNormaliser(BaseNormaliser):
    """Distance-to-reference-city normaliser (scikit-learn transformer).

    Parameters
    ----------
    reference : str or int
        The reference city: an index label of the DataFrame passed to ``fit``, or a row position.
    polarity : sequence of {'+', '-', 1, -1}, optional
    feature_range : (float, float), default=(0, 100)
    cap : bool, default=True
    """

    method = "reference"

    def __init__(self, *, reference: str | int | None = None, polarity: Any = None,
                 feature_range: tuple[float, float] = (0.0, 100.0), cap: bool = True) -> None:
        self.reference = reference
        self.polarity = polarity
        self.feature_range = feature_range
        self.cap = cap

    def fit(self, X: Any, y: Any = None) -> ReferenceNormaliser:
        if isinstance(X, pd.DataFrame) and self.reference in X.index:
            self.reference_row_ = int(X.index.get_loc(self.reference))
        elif isinstance(self.reference, (int, np.integer)):
            self.reference_row_ = int(self.reference)
        else:
            raise DataValidationError(f"reference city {self.reference!r} is not in the panel's index")
        return super().fit(X, y)  # type: ignore[return-value]

    def _kernel_options(self) -> dict[str, Any]:
        return {"reference_row": getattr(self, "reference_row_", None), "feature_range": tuple(self.feature_range),
                "cap": self.cap}
