"""The normalisers as scikit-learn transformers (fit/transform, parameters checked, named learned state).

They run the kernels of :mod:`indexlib.normalise` and are kept apart from them so that the kernels,
the registry and a build need numpy only: ``indexlib.normalise.MinMaxNormaliser`` and
``NormaliserSpec.estimator`` import this module, and scikit-learn, on first use.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import validate_data

from indexlib.normalise._base import NORMALISERS, FitContext, NormaliserOptions, polarity_vector
from indicators.errors import DataValidationError, NotFittedError, SpecificationError

__all__ = ["BaseNormaliser", "MinMaxNormaliser", "ZScoreNormaliser", "PercentileNormaliser", "RankNormaliser",
           "GoalpostNormaliser", "ReferenceNormaliser", "BordaNormaliser", "FractionOfMaxNormaliser",
           "ScaledNormaliser", "TargetNormaliser"]


# scikit-learn ships no type information, so its bases are Any to mypy
class BaseNormaliser(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Base of the normalisers: validation at the boundary, kernels inside.

    NaN values are disregarded when fitting and kept in the output (scikit-learn's scaler policy);
    infinite values raise :class:`~indicators.errors.DataValidationError`.
    """

    method: str = ""

    def _option_values(self) -> dict[str, Any]:
        """The estimator's parameters as the method's options (same names unless overridden)."""
        fields = NORMALISERS.get(self.method).options.model_fields
        return {name: getattr(self, name) for name in fields if hasattr(self, name)}

    def _options(self) -> NormaliserOptions:
        """The parameters, checked (scikit-learn's ``_parameter_constraints``, through pydantic)."""
        values = self._option_values()
        if values.get("on_constant") == "exclude":
            raise SpecificationError(
                f"{type(self).__name__}: on_constant='exclude' drops an indicator from a build, which a transformer "
                "cannot do (it keeps its columns); use 'error' or 'midpoint', or drop the column before fitting"
            )
        try:
            return NORMALISERS.get(self.method).parse_options(values)
        except ValueError as exc:
            raise SpecificationError(f"{type(self).__name__}: {exc}") from None

    def _context(self, X: Any) -> FitContext:
        return FitContext(self._names())

    def _validate(self, X: Any, *, reset: bool) -> np.ndarray:
        try:
            return cast(np.ndarray,
                        validate_data(self, X, reset=reset, ensure_all_finite="allow-nan", dtype=np.float64))
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
        options = self._options()
        data = self._validate(X, reset=True)
        if data.shape[0] < 2:
            raise DataValidationError(
                f"{type(self).__name__} needs at least 2 cities to fit; got n_samples={data.shape[0]}"
            )
        self.polarity_ = polarity_vector(self.polarity, data.shape[1])
        learned = NORMALISERS.get(self.method).fit(data, self.polarity_, options, self._context(X))
        for name, value in learned.items():  # named state, scikit-learn style: data_min_, scale_, …
            setattr(self, f"{name}_", value)
        self._learned = tuple(learned)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Normalise a panel with the parameters learned by :meth:`fit`."""
        if not hasattr(self, "polarity_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with a reference panel first."
            )
        data = self._validate(X, reset=False)
        learned = {name: getattr(self, f"{name}_") for name in self._learned}
        return NORMALISERS.get(self.method).apply(data, self.polarity_, learned, self._options())

    def __sklearn_tags__(self) -> Any:
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

    Attributes
    ----------
    data_min_, data_max_ : ndarray
        Per-indicator minimum and maximum of the polarity-adjusted reference data.

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


class ZScoreNormaliser(BaseNormaliser):
    """z-score normaliser with polarity (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    mean, standard_deviation : float, default=0, 1
        Target location and scale (e.g. 100 and 10 for positive scores).
    on_constant : {'error', 'midpoint'}, default='error'

    Attributes
    ----------
    mean_, scale_ : ndarray
        Mean and sample standard deviation of the polarity-adjusted reference data.
    """

    method = "zscore"

    def __init__(self, *, polarity: Any = None, mean: float = 0.0, standard_deviation: float = 1.0,
                 on_constant: str = "error") -> None:
        self.polarity = polarity
        self.mean = mean
        self.standard_deviation = standard_deviation
        self.on_constant = on_constant


class PercentileNormaliser(BaseNormaliser):
    """Percentile-rank normaliser (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    feature_range : (float, float), default=(0, 100)
    on_constant : {'error', 'midpoint'}, default='error'

    Attributes
    ----------
    sorted_, count_ : ndarray
        Sorted polarity-adjusted reference values (NaN last) and the number of values per indicator.
    """

    method = "percentile"

    def __init__(self, *, polarity: Any = None, feature_range: tuple[float, float] = (0.0, 100.0),
                 on_constant: str = "error") -> None:
        self.polarity = polarity
        self.feature_range = feature_range
        self.on_constant = on_constant


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
    direction_adjusted : bool, default=False
        The goalposts are for the direction-adjusted values ``s·x``.

    Attributes
    ----------
    goalpost_low_, goalpost_high_ : ndarray
        The checked goalposts, one per indicator.
    """

    method = "goalposts"

    def __init__(self, *, goalposts: Any = None, polarity: Any = None,
                 feature_range: tuple[float, float] = (0.0, 100.0), truncate: bool = True,
                 direction_adjusted: bool = False) -> None:
        self.goalposts = goalposts
        self.polarity = polarity
        self.feature_range = feature_range
        self.truncate = truncate
        self.direction_adjusted = direction_adjusted

    def _option_values(self) -> dict[str, Any]:
        values = super()._option_values()
        if values["goalposts"] is not None and not isinstance(values["goalposts"], dict):
            values["goalposts"] = [tuple(pair) for pair in np.asarray(values["goalposts"], dtype=float).tolist()]
        return values


class ReferenceNormaliser(BaseNormaliser):
    """Distance-to-reference-city normaliser (scikit-learn transformer).

    Parameters
    ----------
    reference_city : str or int
        The reference city: an index label of the DataFrame passed to ``fit``, or a row position
        (the methodology's ``normalisation.reference_city``).
    polarity : sequence of {'+', '-', 1, -1}, optional
    feature_range : (float, float), default=(0, 100)
    cap : bool, default=True

    Attributes
    ----------
    reference_values_, data_min_ : ndarray
        The reference city's polarity-adjusted values and each indicator's worst value.
    reference_row_ : ndarray (0-d)
        Row of the reference city in the data passed to ``fit``.
    """

    method = "reference"

    def __init__(self, *, reference_city: str | int | None = None, polarity: Any = None,
                 feature_range: tuple[float, float] = (0.0, 100.0), cap: bool = True) -> None:
        self.reference_city = reference_city
        self.polarity = polarity
        self.feature_range = feature_range
        self.cap = cap

    def _option_values(self) -> dict[str, Any]:
        values = super()._option_values()
        if isinstance(self.reference_city, np.integer):  # pydantic reads a numpy integer as no int
            values["reference_city"] = int(self.reference_city)
        return values

    def _context(self, X: Any) -> FitContext:
        cities = [str(c) for c in X.index] if isinstance(X, pd.DataFrame) else None
        return FitContext(self._names(), cities)


class BordaNormaliser(BaseNormaliser):
    """Borda-score normaliser (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    on_constant : {'error', 'midpoint'}, default='error'
        With 'midpoint' a constant indicator scores 0 for every city.

    Attributes
    ----------
    sorted_, count_ : ndarray
        Sorted polarity-adjusted reference values (NaN last) and the number of values per indicator.

    Examples
    --------
    >>> BordaNormaliser().fit_transform([[3.0], [1.0], [3.0], [2.0]]).ravel().tolist()
    [2.0, 0.0, 2.0, 1.0]
    """

    method = "borda"

    def __init__(self, *, polarity: Any = None, on_constant: str = "error") -> None:
        self.polarity = polarity
        self.on_constant = on_constant


class FractionOfMaxNormaliser(BaseNormaliser):
    """Fraction-of-the-best normaliser (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    scale : float, default=1

    Attributes
    ----------
    best_ : ndarray
        Best value of each indicator in the reference data.

    Examples
    --------
    >>> FractionOfMaxNormaliser(polarity=["+", "-"]).fit_transform([[2.0, 4.0], [8.0, 2.0]]).tolist()
    [[0.25, 0.5], [1.0, 1.0]]
    """

    method = "fracmax"

    def __init__(self, *, polarity: Any = None, scale: float = 1.0) -> None:
        self.polarity = polarity
        self.scale = scale


class ScaledNormaliser(BaseNormaliser):
    """Fixed linear scaling (scikit-learn transformer).

    Parameters
    ----------
    polarity : sequence of {'+', '-', 1, -1}, optional
    bounds : (float, float), default=(0, 100)
    scale : float, default=100

    Examples
    --------
    >>> ScaledNormaliser(bounds=(0, 20)).fit_transform([[5.0], [30.0]]).ravel().tolist()
    [25.0, 150.0]
    """

    method = "scaled"

    def __init__(self, *, polarity: Any = None, bounds: tuple[float, float] = (0.0, 100.0),
                 scale: float = 100.0) -> None:
        self.polarity = polarity
        self.bounds = bounds
        self.scale = scale


class TargetNormaliser(BaseNormaliser):
    """Distance-to-target normaliser (scikit-learn transformer).

    Parameters
    ----------
    targets : sequence of float
        One target per indicator, in raw units.
    polarity : sequence of {'+', '-', 1, -1}, optional
    feature_range : (float, float), default=(0, 100)
    cap : bool, default=True

    Attributes
    ----------
    target_, worst_ : ndarray
        The targets and each indicator's worst reference value.

    Examples
    --------
    >>> TargetNormaliser(targets=[8.0], feature_range=(0, 1)).fit_transform([[2.0], [5.0], [10.0]]).ravel().tolist()
    [0.0, 0.5, 1.0]
    """

    method = "target"

    def __init__(self, *, targets: Any = None, polarity: Any = None,
                 feature_range: tuple[float, float] = (0.0, 100.0), cap: bool = True) -> None:
        self.targets = targets
        self.polarity = polarity
        self.feature_range = feature_range
        self.cap = cap

    def _option_values(self) -> dict[str, Any]:
        values = super()._option_values()
        if values["targets"] is not None and not isinstance(values["targets"], dict):
            values["targets"] = np.asarray(values["targets"], dtype=float).ravel().tolist()
        return values
