"""Combination weighting (组合赋权): merge two weight vectors, typically a subjective one (AHP,
budget allocation) and an objective one (entropy, CRITIC)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from indicators.errors import SpecificationError, WeightsError
from weights._validation import as_weight_series

__all__ = ["combine_weights"]

# Weight vectors from the kernels sum to 1 to within a few ulps; a hand-typed vector that is off
# by more than this was probably meant to be renormalised, which must be asked for.
_SUM_TOLERANCE = 1e-9


def combine_weights(
    w1: pd.Series | Mapping[str, float],
    w2: pd.Series | Mapping[str, float],
    *,
    alpha: float | None = None,
    method: Literal["linear", "multiplicative"] = "linear",
    renormalise: bool = False,
) -> pd.Series:
    r"""Combine two weight vectors over the same elements.

    .. math::

        \text{linear:}\quad w_j = \alpha\, w^{(1)}_j + (1 - \alpha)\, w^{(2)}_j
        \qquad
        \text{multiplicative:}\quad w_j = \frac{w^{(1)}_j w^{(2)}_j}{\sum_k w^{(1)}_k w^{(2)}_k}

    Parameters
    ----------
    w1, w2 : Series or mapping id → weight
        Non-negative weights over the same ids (order may differ; the result follows ``w1``).
        Each must sum to 1 unless ``renormalise`` is true.
    alpha : float, optional
        Share of ``w1`` in the linear mix, in [0, 1]; default 0.5. Not used, and not allowed,
        with ``method="multiplicative"``.
    method : {"linear", "multiplicative"}, default="linear"
        Convex combination, or normalised element-wise product.
    renormalise : bool, default=False
        Divide each input by its sum first instead of requiring sums of 1.

    Returns
    -------
    pandas.Series
        Combined weights indexed like ``w1``, summing to 1.

    Raises
    ------
    WeightsError
        If the ids differ (the message lists the ids only in ``w1`` and only in ``w2``), a
        weight is negative, NaN or inf, an input does not sum to 1 (and ``renormalise`` is
        false) or sums to 0, or the multiplicative product is zero everywhere.
    SpecificationError
        If ``method`` is unknown, ``alpha`` is outside [0, 1], or ``alpha`` is given with
        ``method="multiplicative"``.

    Notes
    -----
    The multiplicative form favours elements on which both vectors agree and is zero wherever
    either vector is zero.

    Examples
    --------
    >>> combine_weights({"a": 0.6, "b": 0.4}, {"a": 0.2, "b": 0.8}, alpha=0.5).round(6).tolist()
    [0.4, 0.6]
    >>> combine_weights({"a": 0.6, "b": 0.4}, {"a": 0.2, "b": 0.8}, method="multiplicative").round(6).tolist()
    [0.272727, 0.727273]
    """
    caller = "combine_weights"
    if method not in ("linear", "multiplicative"):
        raise SpecificationError(f"{caller}: method must be 'linear' or 'multiplicative', got {method!r}")
    if method == "multiplicative" and alpha is not None:
        raise SpecificationError(f"{caller}: alpha applies to method='linear' only; the product has no mixing share")
    share = 0.5 if alpha is None else float(alpha)
    if not 0.0 <= share <= 1.0:
        raise SpecificationError(f"{caller}: alpha must be in [0, 1], got {alpha!r}")
    first = as_weight_series(w1, what=f"{caller}: w1")
    second = as_weight_series(w2, what=f"{caller}: w2")
    only_first = [str(k) for k in first.index.difference(second.index, sort=False)]
    only_second = [str(k) for k in second.index.difference(first.index, sort=False)]
    if only_first or only_second:
        raise WeightsError(
            f"{caller}: w1 and w2 have different ids: only in w1: {only_first}; only in w2: {only_second}"
        )
    second = second.reindex(first.index)
    for name, series in (("w1", first), ("w2", second)):
        total = float(series.sum())
        if total <= 0:
            raise WeightsError(f"{caller}: {name} sums to 0")
        if not renormalise and abs(total - 1.0) > _SUM_TOLERANCE:
            raise WeightsError(f"{caller}: {name} sums to {total!r}, not 1; pass renormalise=True to rescale it")
    if renormalise:
        first, second = first / first.sum(), second / second.sum()
    if method == "linear":
        combined = share * first + (1.0 - share) * second
    else:
        combined = first * second
        if not combined.sum() > 0:
            raise WeightsError(f"{caller}: w1 and w2 have no element where both are positive, so their product is 0")
    combined = combined / combined.sum()
    return pd.Series(np.asarray(combined, dtype=np.float64), index=first.index, name="combined_weight")
