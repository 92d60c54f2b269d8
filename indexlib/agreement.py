"""How far two rankings agree: the one definition used by ``compare``, the one-at-a-time scenarios
and ``compare-published``."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from indicators.errors import SpecificationError

__all__ = ["rank_agreement"]


def rank_agreement(reference: pd.Series | npt.ArrayLike, other: pd.Series | npt.ArrayLike,
                   k: int = 10) -> dict[str, Any]:
    r"""Spearman, Kendall, absolute rank shifts and top-``k`` overlap of ``other`` against ``reference``.

    For reference ranks :math:`r` and other ranks :math:`s` of the same :math:`n` cities:

    * ``spearman``: Spearman's :math:`\rho` (the Pearson correlation of the ranks, ties averaged);
    * ``kendall``: Kendall's :math:`\tau_b` (ties corrected);
    * ``mean_abs_shift`` :math:`\frac1n\sum_c |s_c - r_c|` and ``max_abs_shift`` :math:`\max_c |s_c - r_c|`;
    * ``top_k_overlap`` :math:`|\{c : r_c \le k\} \cap \{c : s_c \le k\}|`: the cities ranked
      :math:`\le k` in both.

    The top-:math:`k` is the set of cities whose rank is :math:`\le k`, not the first :math:`k` rows
    of a sort: with competition ranks (ties ``min``) a tie at rank :math:`k` puts every tied city in
    the top-:math:`k` (the set then has more than :math:`k` members), and a city tied just outside
    it is never picked by its row order. The overlap so depends only on the ranks, never on the
    order in which the cities happen to be listed, and it is the membership that
    ``p_top10`` of the uncertainty analysis counts.

    A correlation is NaN when either ranking is constant (it is undefined there).

    Parameters
    ----------
    reference : Series or array of shape (n,)
        The reference ranks (1 = best).
    other : Series or array of shape (n,) or (m, n)
        One ranking, or ``m`` rankings one per row, of the same cities in the same order. A Series is
        aligned to a Series ``reference`` by its index.
    k : int, default 10
        The size of the top group.

    Returns
    -------
    dict
        ``spearman, kendall, mean_abs_shift, max_abs_shift, top_k_overlap``: numbers for one
        ranking, arrays of length ``m`` for ``m`` rankings.

    Examples
    --------
    >>> result = rank_agreement([1, 2, 3, 4], [2, 1, 3, 4], k=2)
    >>> result["top_k_overlap"], result["mean_abs_shift"], round(result["spearman"], 3)
    (2, 0.5, 0.8)
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise SpecificationError(f"rank_agreement: k must be a whole number >= 1; got {k!r}")
    if isinstance(reference, pd.Series) and isinstance(other, pd.Series):
        other = other.reindex(reference.index)
    ref = np.asarray(reference, dtype=float)
    ranks = np.asarray(other, dtype=float)
    single = ranks.ndim == 1
    ranks = np.atleast_2d(ranks)
    if ref.ndim != 1 or ranks.ndim != 2 or ranks.shape[1] != ref.size:
        raise SpecificationError(f"rank_agreement: other must have the shape of reference {ref.shape} or "
                                 f"(m, {ref.size}); got {np.shape(other)}")
    shift = np.abs(ranks - ref)
    spearman, kendall = np.full(len(ranks), np.nan), np.full(len(ranks), np.nan)
    if np.ptp(ref) > 0:
        for j, row in enumerate(ranks):  # scipy has no batched tau; there are few rankings (schemes, scenarios)
            if np.ptp(row) > 0:
                spearman[j] = stats.spearmanr(ref, row).statistic
                kendall[j] = stats.kendalltau(ref, row).statistic
    overlap = ((ranks <= k) & (ref <= k)).sum(axis=1)
    result = {"spearman": spearman, "kendall": kendall, "mean_abs_shift": shift.mean(axis=1),
              "max_abs_shift": shift.max(axis=1), "top_k_overlap": overlap.astype(np.int64)}
    if single:
        return {name: (int(value[0]) if name == "top_k_overlap" else float(value[0]))
                for name, value in result.items()}
    return result
