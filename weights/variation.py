"""Coefficient-of-variation weights (变异系数法): indicators that vary more relative to their mean
carry more weight."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import DataQualityWarning
from weights._registry import register_method
from weights._validation import (
    FloatArray,
    PolarityLike,
    as_matrix,
    constant_columns,
    labelled_series,
    require_positive,
    shares_or_equal,
)

__all__ = ["variation_kernel", "variation_weights"]


def variation_kernel(X: FloatArray) -> FloatArray:
    """Coefficient-of-variation weights of the columns of ``X`` (numpy kernel, no validation).

    See :func:`variation_weights` for the method.

    Parameters
    ----------
    X : ndarray of shape (n_cities, n_indicators)
        Raw, ratio-scale data.

    Returns
    -------
    ndarray of shape (n_indicators,)
        Non-negative weights summing to 1; a constant column gets 0, and all-constant data gives
        equal weights.

    Notes
    -----
    Preconditions, not checked here: ``X`` is 2-D float64, finite and strictly positive, with
    at least 2 rows. The input is not modified. Cost O(n·m).
    """
    mean = X.mean(axis=0)
    spread = X.std(axis=0, ddof=1)
    return shares_or_equal(spread / np.abs(mean))


def variation_weights(X: pd.DataFrame | Any) -> pd.Series:
    r"""Coefficient-of-variation weights, one per indicator.

    .. math::

        v_j = \frac{s_j}{|\bar x_j|}, \qquad w_j = \frac{v_j}{\sum_k v_k}

    with :math:`s_j` the sample standard deviation (``ddof=1``; the choice does not change the
    weights, it rescales every :math:`v_j` alike) and :math:`\bar x_j` the mean of the **raw**
    indicator. Polarity plays no part: the dispersion of a "more is worse" indicator is the
    same as that of its mirror image.

    The coefficient of variation is only meaningful on ratio-scale data with a true zero, so
    the data must be strictly positive; in particular it must not be min-max normalised first
    (the mean would then depend on the sample minimum).

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_cities, n_indicators)
        Raw, strictly positive data; the DataFrame's columns are the indicator ids. At least 2
        cities.

    Returns
    -------
    pandas.Series
        Weights indexed by indicator id, non-negative, summing to 1.

    Raises
    ------
    DataValidationError
        If ``X`` is not a numeric 2-D table, has fewer than 2 cities, or holds NaN or inf.
    DomainError
        If an indicator has a value ≤ 0 (the message names the indicator and the cities).

    Warns
    -----
    DataQualityWarning
        If an indicator is constant (weight 0) or all are (equal weights).

    See Also
    --------
    variation_kernel : the numpy kernel behind this function.

    Notes
    -----
    Invariant to positive rescaling (x → a·x, a > 0) of an indicator but, unlike entropy and
    CRITIC, not to shifts (x → x + b). Cost O(n·m).

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
       Guide*. OECD Publishing, Paris. doi:10.1787/9789264043466-en

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [10.0, 20, 15, 30], "c": [3.0, 1, 2, 5]})
    >>> variation_weights(X).round(4).tolist()
    [0.3242, 0.2859, 0.3899]
    """
    caller = "variation_weights"
    matrix = as_matrix(X, caller=caller, min_rows=2)
    require_positive(matrix, caller, "the coefficient of variation needs strictly positive ratio-scale data")
    weights = variation_kernel(matrix.values)
    constant = np.flatnonzero(constant_columns(matrix.values))
    if constant.size == weights.size:
        warnings.warn(
            f"{caller}: every indicator is constant; returning equal weights", DataQualityWarning, stacklevel=2
        )
    elif constant.size:
        names = ", ".join(matrix.column_name(j) for j in constant)
        warnings.warn(f"{caller}: {names} constant across cities, so weight 0", DataQualityWarning, stacklevel=2)
    return labelled_series(weights, matrix, "variation_weight")


@register_method("variation")
def _variation_method(data: pd.DataFrame, polarity: PolarityLike = None) -> pd.Series:
    """Registry entry: polarity is accepted for a uniform signature and has no effect (see above)."""
    return variation_weights(data)
