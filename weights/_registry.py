"""The registry of data-driven weighting methods (private; use :func:`weights.get_method`).

Each method module registers a function ``method(data, polarity, **options) -> Series`` (one weight
per column, summing to 1) with its options model, so that the methodology, the uncertainty spec,
``indexlib schema``, the command line and :func:`weights.scheme.scheme_within_nodes` look methods
up by name and check their options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.registry import MethodOptions, Registry, parse_options

__all__ = ["WeightingMethod", "WeightingSpec", "NoWeightingOptions", "METHODS", "register_method", "get_method",
           "method_names"]

#: ``method(data, polarity=None, **options) -> Series`` of non-negative weights summing to 1, indexed
#: by the columns of ``data``; ``options`` are the fields of the method's options model.
WeightingMethod = Callable[..., pd.Series]


class NoWeightingOptions(MethodOptions):
    """A weighting method without options."""


@dataclass(frozen=True)
class WeightingSpec:
    """A registered weighting method: its function and its options model.

    Calling the spec, ``spec(data, polarity=None, options=None)``, validates ``options`` (a mapping
    or the options model) and returns the weights.
    """

    name: str
    function: WeightingMethod
    options: type[MethodOptions] = NoWeightingOptions

    def parse_options(self, values: Mapping[str, Any]) -> MethodOptions:
        """Validate ``values`` as this method's options (``ValueError`` naming a misspelt option)."""
        return parse_options(self.options, values, kind="weighting method", method=self.name)

    def __call__(self, data: Any, polarity: Any = None, options: MethodOptions | Mapping[str, Any] | None = None
                 ) -> pd.Series:
        if not isinstance(options, self.options):
            from indicators.errors import SpecificationError

            try:
                given = options.model_dump() if isinstance(options, MethodOptions) else options
                options = self.parse_options(given or {})
            except ValueError as exc:
                raise SpecificationError(str(exc)) from None
        return self.function(data, polarity, **dict(options))

    @property
    def __name__(self) -> str:
        return self.name


METHODS: Registry[WeightingSpec] = Registry("weighting method")


def register_method(name: str, options: type[MethodOptions] = NoWeightingOptions
                    ) -> Callable[[WeightingMethod], WeightingMethod]:
    """Decorator registering a data-driven weighting method under ``name`` with its ``options`` model."""

    def decorate(function: WeightingMethod) -> WeightingMethod:
        METHODS.register(name)(WeightingSpec(name, function, options))
        return function

    return decorate


def get_method(name: str) -> WeightingSpec:
    """Return the weighting method registered as ``name``.

    Parameters
    ----------
    name : str
        One of :func:`method_names` (``"critic"``, ``"entropy"``, ``"equal"``, ``"pca"``,
        ``"variation"``).

    Returns
    -------
    WeightingSpec
        Callable as ``method(data: DataFrame, polarity=None, options=None) -> Series`` indexed by
        ``data.columns``; ``.options`` is its options model.

    Raises
    ------
    UnknownMethodError
        If ``name`` is not registered; the message lists the valid names and suggests the closest.

    Examples
    --------
    >>> import pandas as pd
    >>> from weights import get_method
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [10.0, 20, 15, 30], "c": [3.0, 1, 2, 5]})
    >>> get_method("entropy")(X).round(4).tolist()
    [0.3033, 0.3484, 0.3484]
    >>> get_method("entropy")(X, options={"zero_handling": "shift"}).round(4).tolist()
    [0.3033, 0.3484, 0.3484]
    """
    return METHODS.get(name)


def method_names() -> list[str]:
    """Names of the registered data-driven weighting methods, sorted."""
    return METHODS.names()
