"""The registry of data-driven weighting methods (private; use :func:`weights.get_method`).

Each method module registers one callable with the uniform signature
``method(data: DataFrame, polarity=None) -> Series`` (one weight per column, summing to 1), so that
the command line and :func:`weights.scheme.scheme_within_nodes` can look methods up by name.
"""

from __future__ import annotations

from collections.abc import Callable
import pandas as pd

from indicators.registry import Registry

__all__ = ["WeightingMethod", "METHODS", "register_method", "get_method", "method_names"]

#: ``method(data, polarity=None) -> Series`` of non-negative weights summing to 1, indexed by the
#: columns of ``data``.
WeightingMethod = Callable[..., pd.Series]

METHODS: Registry[WeightingMethod] = Registry("weighting method")


def register_method(name: str) -> Callable[[WeightingMethod], WeightingMethod]:
    """Decorator registering a data-driven weighting method under ``name``."""
    return METHODS.register(name)


def get_method(name: str) -> WeightingMethod:
    """Return the weighting method registered as ``name``.

    Parameters
    ----------
    name : str
        One of :func:`method_names` (``"critic"``, ``"entropy"``, ``"equal"``, ``"pca"``,
        ``"variation"``).

    Returns
    -------
    callable
        ``method(data: DataFrame, polarity=None) -> Series`` indexed by ``data.columns``.

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
    """
    return METHODS.get(name)


def method_names() -> list[str]:
    """Names of the registered data-driven weighting methods, sorted."""
    return METHODS.names()

