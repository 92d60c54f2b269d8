"""CRITIC weights (CRiteria Importance Through Intercriteria Correlation): contrast intensity
times conflict with the other indicators."""

from __future__ import annotations

import warnings
from typing import Any, cast

import numpy as np
import pandas as pd

from indicators.errors import DataQualityWarning
from weights._registry import register_method
from weights._validation import (
    FloatArray,
    PolarityLike,
    as_matrix,
    labelled_series,
    minmax_columns,
    polarity_vector,
    require_non_constant,
    shares_or_equal,
)

__all__ = ["critic_information", "critic_kernel", "critic_weights"]

# Total conflict Σ_k (1 − r_jk) below this (per indicator) is round-off, not information.
_CONFLICT_ROUNDING = 1e-10


def critic_information(X: FloatArray, polarity: FloatArray | None = None) -> FloatArray:
    r"""Information content :math:`C_j = \sigma_j \sum_k (1 - r_{jk})` of each column (kernel).

    Same preconditions as :func:`critic_kernel`; the weights are these values over their sum.
    """
    n, m = X.shape
    normalised, _ = minmax_columns(X, polarity)
    centred = normalised - normalised.mean(axis=0)
    sum_squares = np.einsum("ij,ij->j", centred, centred)
    spread = np.sqrt(sum_squares / (n - 1))
    norms = np.sqrt(sum_squares)
    correlation = (centred.T @ centred) / np.outer(norms, norms)
    np.clip(correlation, -1.0, 1.0, out=correlation)
    conflict = m - correlation.sum(axis=0)
    # Perfectly correlated columns give r = 1 only up to round-off; without this cut the
    # weights would be ratios of rounding noise instead of the documented equal fallback.
    conflict[conflict < _CONFLICT_ROUNDING * m] = 0.0
    return cast(FloatArray, spread * conflict)


def critic_kernel(X: FloatArray, polarity: FloatArray | None = None) -> FloatArray:
    """CRITIC weights of the columns of ``X`` (numpy kernel, no validation).

    See :func:`critic_weights` for the method.

    Parameters
    ----------
    X : ndarray of shape (n_cities, n_indicators)
        Raw data.
    polarity : ndarray of shape (n_indicators,) or None
        +1 or −1 per column; ``None`` means all +1.

    Returns
    -------
    ndarray of shape (n_indicators,)
        Non-negative weights summing to 1; equal weights when every information content is 0
        (a single column, or all columns perfectly positively correlated).

    Notes
    -----
    Preconditions, not checked here: ``X`` is 2-D float64 and finite with at least 2 rows and
    no constant column (a constant column has no correlation); ``polarity`` holds only ±1.
    The input is not modified. Cost O(n·m²) for the correlation matrix.
    """
    return shares_or_equal(critic_information(X, polarity))


@register_method("critic")
def critic_weights(X: pd.DataFrame | Any, polarity: PolarityLike = None) -> pd.Series:
    r"""CRITIC weights, one per indicator (Diakoulaki et al., 1995).

    Each indicator is min-max normalised (a "more is worse" indicator is flipped); its
    information content is its standard deviation times its total conflict with the others:

    .. math::

        C_j = \sigma_j \sum_{k=1}^{m} (1 - r_{jk}), \qquad w_j = \frac{C_j}{\sum_k C_k}

    where :math:`\sigma_j` is the sample standard deviation (``ddof=1``) of the normalised
    indicator and :math:`r_{jk}` the Pearson correlation between normalised indicators. The
    choice of ``ddof`` does not change the weights: it rescales every :math:`\sigma_j` alike.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_cities, n_indicators)
        Raw data; the DataFrame's columns are the indicator ids. At least 2 cities.
    polarity : framework, mapping, Series or sequence, default=None
        +1/"+" or −1/"-" per indicator (see :func:`weights.entropy_weights`). ``None``: all +1.

    Returns
    -------
    pandas.Series
        Weights indexed by indicator id, non-negative, summing to 1.

    Raises
    ------
    DataValidationError
        If ``X`` is not a numeric 2-D table, has fewer than 2 cities, or holds NaN or inf.
    DegenerateIndicatorError
        If an indicator is constant: its correlation with the others is undefined (the message
        names it). Drop it first; entropy weights accept constant indicators.
    SpecificationError
        If ``polarity`` is invalid.

    Warns
    -----
    DataQualityWarning
        If every information content is zero (all indicators perfectly positively correlated),
        in which case equal weights are returned.

    See Also
    --------
    critic_kernel : the numpy kernel behind this function.

    Notes
    -----
    Invariant to positive affine rescaling of an indicator and to the order of cities;
    equivariant to the order of indicators. Cost O(n·m²).

    References
    ----------
    .. [1] Diakoulaki, D., Mavrotas, G. & Papayannakis, L. (1995). Determining objective weights
       in multiple criteria problems: the CRITIC method. *Computers & Operations Research* 22(7):
       763–770. doi:10.1016/0305-0548(94)00059-H

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [10.0, 20, 15, 30], "c": [3.0, 1, 2, 5]})
    >>> critic_weights(X).round(4).tolist()
    [0.2932, 0.2846, 0.4222]
    """
    caller = "critic_weights"
    matrix = as_matrix(X, caller=caller, min_rows=2)
    signs = polarity_vector(polarity, matrix, caller=caller)
    require_non_constant(matrix, caller, "its Pearson correlation with the other indicators is undefined")
    information = critic_information(matrix.values, signs)
    if information.sum() <= 0.0 and information.size > 1:
        warnings.warn(
            f"{caller}: all indicators are perfectly positively correlated, so none conflicts with "
            "another and every information content is 0; returning equal weights",
            DataQualityWarning,
            stacklevel=2,
        )
    return labelled_series(shares_or_equal(information), matrix, "critic_weight")
