"""Shared machinery of the normalisers: the registry, typed options, the scikit-learn transformer
contract and polarity handling.

Each normaliser module holds a pydantic model of its options, a pure numpy kernel pair (``fit``
learns what the method needs from a reference panel, ``apply`` maps any panel with those parameters),
a thin scikit-learn transformer around them, and one registry line. The methodology, the uncertainty
spec, ``indexlib schema`` and the error messages all read the registry (see CONTRIBUTING.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator

from indicators.errors import DataValidationError, DegenerateIndicatorError, SpecificationError
from indicators.polarity import parse_polarity
from indicators.registry import MethodOptions, Registry, parse_options

__all__ = ["to_range", "NormaliserSpec", "NORMALISERS", "NormaliserOptions", "RangeOptions", "FitContext", "OnConstant",
           "ordered_pair", "per_indicator",
           "polarity_vector", "check_not_constant"]

#: What happens to an indicator with the same value for every city, in one vocabulary for the
#: methodology and the transformers: ``error`` raises; ``exclude`` drops it from a build (a
#: build-level choice: a transformer keeps its columns, so it rejects ``exclude``); ``midpoint``
#: keeps it, mapped to the middle of the range (z-score: the target mean; rank: 1).
OnConstant = Literal["error", "exclude", "midpoint"]


class NormaliserOptions(MethodOptions):
    """Base of a normaliser's options: unknown or misspelt options and inf/NaN are errors."""


def ordered_pair(value: tuple[float, float], name: str, note: str = "") -> tuple[float, float]:
    """``value`` if it is ``(low, high)`` with ``low < high``, else ``ValueError`` naming ``name``."""
    if not value[0] < value[1]:
        raise ValueError(f"{name} must be (low, high) with low < high; got {value}{note}")
    return value


def per_indicator(values: Any, names: Sequence[str], setting: str, expected: str) -> Any:
    """A ``{indicator_id: value}`` setting as a list in ``names`` order (other forms unchanged); an
    indicator of the build without an entry raises :class:`SpecificationError` naming it."""
    if not isinstance(values, dict):
        return values
    lacking = [i for i in names if i not in values]
    if lacking:
        raise SpecificationError(f"{setting} lacks indicator(s) {lacking} used in this build; expected {expected} "
                                 "per indicator")
    return [values[i] for i in names]


class RangeOptions(NormaliserOptions):
    """Options of a method whose output lies in ``feature_range``."""

    feature_range: tuple[float, float] = Field((0.0, 100.0), description="Output range (low, high), low < high.")

    @field_validator("feature_range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        return ordered_pair(value, "feature_range", " (a reversed range would silently reverse the scale: polarity "
                                                    "is the way to flip an indicator)")


@dataclass(frozen=True)
class FitContext:
    """What a kernel may need besides the data: indicator names and, when known, the city ids (rows)."""

    names: Sequence[str]
    cities: Sequence[str] | None = None


@dataclass(frozen=True)
class NormaliserSpec:
    """A registered normalisation method.

    ``fit(X, polarity, options, context) -> dict`` learns named arrays (exposed by the transformer
    as attributes with a trailing underscore); ``apply(X, polarity, learned, options)`` maps data.
    """

    name: str
    fit: Callable[[np.ndarray, np.ndarray, Any, FitContext], dict[str, np.ndarray]]
    apply: Callable[[np.ndarray, np.ndarray, dict[str, np.ndarray], Any], np.ndarray]
    options: type[NormaliserOptions]
    #: Its scikit-learn transformer: a class name in :mod:`indexlib.normalise.estimators` (loaded on
    #: first use, so that the kernels, and a build, need numpy only), or the class itself.
    estimator_ref: str | type | None
    bounded: bool  # output lies in feature_range
    description: str = ""
    #: Options valid for the conformance suite's panel (3 indicators, polarity +, +, -, values in [1, 10], cities
    #: 'c0'…'c7'), needed only when some option has no default.
    example_options: dict[str, Any] = field(default_factory=dict)

    @property
    def estimator(self) -> Any:
        """The scikit-learn transformer class (imports scikit-learn)."""
        if not isinstance(self.estimator_ref, str):
            return self.estimator_ref
        import importlib

        return getattr(importlib.import_module("indexlib.normalise.estimators"), self.estimator_ref)

    def parse_options(self, values: dict[str, Any]) -> NormaliserOptions:
        """Validate ``values`` as this method's options.

        Raises
        ------
        SpecificationError
            One line per problem; a misspelt option names the closest valid one.
        """
        return parse_options(self.options, values, kind="normaliser", method=self.name)


NORMALISERS: Registry[NormaliserSpec] = Registry("normaliser")


def to_range(share: np.ndarray, feature_range: tuple[float, float]) -> np.ndarray:
    """``lower + (upper - lower) * share``: a share of the way from worst to best (0 to 1, or beyond when
    not capped) on the output scale ``feature_range = (lower, upper)``."""
    lower, upper = feature_range
    return np.asarray(lower + (upper - lower) * share, dtype=float)


def polarity_vector(polarity: Sequence[Any] | np.ndarray | None, n_features: int) -> np.ndarray:
    """Turn ``None`` or polarity entries (:func:`indicators.polarity.parse_polarity`) into a float vector of ``±1``."""
    if polarity is None:
        return np.ones(n_features)
    values = [float(parse_polarity(p, where=f"polarity of feature {i}"))
              for i, p in enumerate(np.asarray(polarity, dtype=object).ravel())]
    if len(values) != n_features:
        raise DataValidationError(f"polarity has {len(values)} entries but the data has {n_features} features")
    return np.array(values)


def check_not_constant(low: np.ndarray, high: np.ndarray, names: Sequence[str], method: str) -> None:
    """Raise :class:`DegenerateIndicatorError` naming every feature whose range is zero."""
    constant = [str(names[j]) for j in np.flatnonzero(~(high > low)).tolist()]
    if constant:
        raise DegenerateIndicatorError(
            f"{method} normalisation is undefined for constant indicator(s) {constant}: every city has the same "
            "value. Exclude the indicator (methodology on_constant='exclude') or use on_constant='midpoint'."
        )
