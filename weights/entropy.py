"""Entropy weight method (熵权法): indicators whose normalised values are spread more unevenly
across cities carry more weight."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from indicators.errors import DataQualityWarning, SpecificationError
from indicators.registry import MethodOptions
from weights._registry import register_method
from weights._validation import (
    FloatArray,
    PolarityLike,
    as_matrix,
    constant_columns,
    labelled_series,
    minmax_columns,
    polarity_vector,
    shares_or_equal,
)

__all__ = ["entropy_kernel", "entropy_weights", "EntropyOptions"]

ZeroHandling = Literal["limit", "shift"]


class EntropyOptions(MethodOptions):
    """Options of the entropy method (see :func:`entropy_weights`)."""

    zero_handling: ZeroHandling = Field("limit", description="'limit' takes 0 ln 0 = 0; 'shift' adds shift first.")
    shift: float = Field(1e-4, gt=0, description="Constant added to every normalised value under 'shift'.")


def entropy_kernel(
    X: FloatArray,
    polarity: FloatArray | None = None,
    *,
    zero_handling: ZeroHandling = "limit",
    shift: float = 1e-4,
) -> FloatArray:
    """Entropy weights of the columns of ``X`` (numpy kernel, no validation).

    See :func:`entropy_weights` for the method.

    Parameters
    ----------
    X : ndarray of shape (n_cities, n_indicators)
        Raw data.
    polarity : ndarray of shape (n_indicators,) or None
        +1 (more is better) or −1 (more is worse) per column; ``None`` means all +1.
    zero_handling : {"limit", "shift"}
        ``"limit"`` uses 0·ln 0 = 0; ``"shift"`` adds ``shift`` to every normalised value first.
    shift : float
        The constant added under ``"shift"``.

    Returns
    -------
    ndarray of shape (n_indicators,)
        Non-negative weights summing to 1. Constant columns get 0; if every column is constant
        the weights are equal (:func:`entropy_weights` warns about both).

    Notes
    -----
    Preconditions, not checked here: ``X`` is 2-D float64 and finite with at least 2 rows;
    ``polarity`` holds only ±1; ``zero_handling`` is valid and ``shift > 0``. The input is not
    modified. Cost O(n·m).
    """
    n = X.shape[0]
    normalised, constant = minmax_columns(X, polarity)
    if zero_handling == "shift":
        normalised += shift
    totals = normalised.sum(axis=0)
    proportions = normalised / np.where(totals > 0, totals, 1.0)
    # 0·ln 0 is taken as its limit 0; the `where` keeps log away from the zeros.
    logs = np.log(proportions, out=np.zeros_like(proportions), where=proportions > 0)
    entropy = -(proportions * logs).sum(axis=0) / np.log(n)
    divergence = np.clip(1.0 - entropy, 0.0, None)
    # A constant column carries no information (e = 1 by convention), whatever the arithmetic
    # above produced for its all-zero (or all-shift) column.
    divergence[constant] = 0.0
    return shares_or_equal(divergence)


@register_method("entropy", EntropyOptions)
def entropy_weights(
    X: pd.DataFrame | Any,
    polarity: PolarityLike = None,
    *,
    zero_handling: ZeroHandling = "limit",
    shift: float = 1e-4,
) -> pd.Series:
    r"""Entropy weights, one per indicator.

    Each indicator is min-max normalised (a "more is worse" indicator is flipped), turned into
    shares of its column total, and scored by its Shannon entropy; the weight is proportional to
    the divergence :math:`1 - e_j`:

    .. math::

        z_{cj} = \frac{x_{cj} - \min_c x_{cj}}{\max_c x_{cj} - \min_c x_{cj}} \;(\text{polarity } +1),
        \qquad z_{cj} = \frac{\max_c x_{cj} - x_{cj}}{\max_c x_{cj} - \min_c x_{cj}} \;(-1)

        p_{cj} = \frac{z_{cj}}{\sum_c z_{cj}}, \qquad
        e_j = -\frac{1}{\ln n} \sum_c p_{cj} \ln p_{cj}, \qquad
        w_j = \frac{1 - e_j}{\sum_k (1 - e_k)}

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_cities, n_indicators)
        Raw data; the DataFrame's columns are the indicator ids. At least 2 cities.
    polarity : framework, mapping, Series or sequence, default=None
        +1/"+" (higher is better) or −1/"-" (lower is better) per indicator; a framework or a
        mapping keyed by indicator id may cover more indicators than ``X`` has. ``None``: all +1.
    zero_handling : {"limit", "shift"}, default="limit"
        ``"limit"`` takes 0·ln 0 = 0 (the usual convention). ``"shift"`` adds ``shift`` to every
        normalised value before the shares, as some authors do; it changes the weights.
    shift : float, default=1e-4
        Constant added under ``zero_handling="shift"``; must be positive.

    Returns
    -------
    pandas.Series
        Weights indexed by indicator id (column position for an array), non-negative, summing to 1.

    Raises
    ------
    DataValidationError
        If ``X`` is not a numeric 2-D table, has fewer than 2 cities, or holds NaN or inf (the
        message names the indicator and the cities).
    SpecificationError
        If ``polarity``, ``zero_handling`` or ``shift`` is invalid.

    Warns
    -----
    DataQualityWarning
        If an indicator is constant (it gets weight 0, since e = 1) or every indicator is
        constant (equal weights are returned).

    See Also
    --------
    entropy_kernel : the numpy kernel behind this function.

    Notes
    -----
    The weights depend only on each indicator's own distribution: they ignore correlation
    between indicators, are invariant to positive affine rescaling of an indicator and to the
    order of cities, and tend to reward indicators with outliers. Cost O(n·m).

    References
    ----------
    .. [1] Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical
       Journal* 27(3): 379–423. doi:10.1002/j.1538-7305.1948.tb01338.x
    .. [2] Hwang, C.-L. & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
       Applications*. Springer, Berlin. doi:10.1007/978-3-642-48318-9

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [10.0, 20, 15, 30], "c": [3.0, 1, 2, 5]})
    >>> entropy_weights(X).round(4).tolist()
    [0.3033, 0.3484, 0.3484]
    """
    caller = "entropy_weights"
    if zero_handling not in ("limit", "shift"):
        raise SpecificationError(f"{caller}: zero_handling must be 'limit' or 'shift', got {zero_handling!r}")
    if not (np.isfinite(shift) and shift > 0):
        raise SpecificationError(f"{caller}: shift must be a positive number, got {shift!r}")
    matrix = as_matrix(X, caller=caller, min_rows=2)
    signs = polarity_vector(polarity, matrix, caller=caller)
    _warn_constant(matrix.values, [matrix.column_name(j) for j in range(matrix.values.shape[1])], caller)
    weights = entropy_kernel(matrix.values, signs, zero_handling=zero_handling, shift=shift)
    return labelled_series(weights, matrix, "entropy_weight")


def _warn_constant(values: FloatArray, names: list[str], caller: str) -> None:
    constant = np.flatnonzero(constant_columns(values))
    if constant.size == len(names):
        warnings.warn(
            f"{caller}: every indicator is constant, so none carries information; returning equal weights",
            DataQualityWarning,
            stacklevel=3,
        )
    elif constant.size:
        warnings.warn(
            f"{caller}: {', '.join(names[j] for j in constant)} constant across cities, so weight 0 (entropy 1)",
            DataQualityWarning,
            stacklevel=3,
        )
