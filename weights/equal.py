"""Equal weights: every element counts the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import WeightsError
from weights._registry import register_method
from weights._validation import FloatArray, PolarityLike

__all__ = ["equal_kernel", "equal_weights"]


def equal_kernel(m: int) -> FloatArray:
    """Return ``m`` equal weights ``1/m`` (precondition: ``m ≥ 1``, not checked here)."""
    return np.full(m, 1.0 / m)


def equal_weights(k_or_ids: int | Sequence[Any] | pd.Index) -> pd.Series:
    """Equal weights over ``k`` elements or over the given ids.

    .. math:: w_j = 1/k

    Equal weighting is the OECD/JRC default when there is no evidence for anything else, but it
    is still a value judgement: equal weights on indicators double-count correlated indicators,
    and equal weights on dimensions give each indicator of a small dimension more influence than
    one of a large dimension [1]_.

    Parameters
    ----------
    k_or_ids : int or sequence of ids
        The number of elements (the result is indexed ``0..k-1``) or their ids.

    Returns
    -------
    pandas.Series
        ``1/k`` for each element, indexed by id.

    Raises
    ------
    WeightsError
        If there are no elements, ``k`` is not a positive integer, or ids repeat.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
       Guide*. OECD Publishing, Paris. doi:10.1787/9789264043466-en

    Examples
    --------
    >>> equal_weights(["a", "b", "c", "d"]).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    if isinstance(k_or_ids, (int, np.integer)) and not isinstance(k_or_ids, bool):
        if k_or_ids < 1:
            raise WeightsError(f"equal_weights: need at least one element, got k = {k_or_ids}")
        index: pd.Index = pd.RangeIndex(int(k_or_ids))
    elif isinstance(k_or_ids, (str, bytes)) or not isinstance(k_or_ids, (Sequence, pd.Index, np.ndarray)):
        raise WeightsError(f"equal_weights: expected a positive int or a sequence of ids, got {k_or_ids!r}")
    else:
        index = pd.Index(list(k_or_ids))
        if len(index) == 0:
            raise WeightsError("equal_weights: need at least one element, got an empty list of ids")
        if index.has_duplicates:
            raise WeightsError(f"equal_weights: duplicated ids {sorted(map(str, index[index.duplicated()]))}")
    return pd.Series(equal_kernel(len(index)), index=index, name="weight")


@register_method("equal")
def _equal_method(data: pd.DataFrame, polarity: PolarityLike = None) -> pd.Series:
    """Registry entry: equal weights over the columns of ``data`` (its values are not used)."""
    if isinstance(data, pd.DataFrame):
        return equal_weights(data.columns)
    return equal_weights(int(np.shape(data)[1]))
