"""Ranking: descending scores to ranks, batched over runs, ties handled.

``min`` is competition ranking (1, 2, 2, 4), as sport tables and COINr ``rank_df`` do; ``dense``
gives (1, 2, 2, 3); ``average`` gives (1, 2.5, 2.5, 4). Missing scores get no rank (NaN).
"""

from __future__ import annotations

import numpy as np

from indicators.errors import SpecificationError

__all__ = ["rank_dtype", "rank_scores"]


def rank_scores(scores: np.ndarray, ties: str = "min") -> np.ndarray:
    """Rank the last axis of ``scores`` (1 = highest). Works on (n,) or (R, n) in one pass.

    >>> rank_scores(np.array([0.3, 0.9, 0.3, 0.1])).tolist()
    [2.0, 1.0, 2.0, 4.0]
    """
    scores = np.asarray(scores, dtype=float)
    single = scores.ndim == 1
    s = np.atleast_2d(scores)
    nan = np.isnan(s)
    has_nan = bool(nan.any())
    keyed = np.where(nan, np.inf, -s) if has_nan else -s  # missing scores sort last
    # Tied scores get the same rank from the sorted values, so an unstable (faster) sort is enough.
    order = np.argsort(keyed, axis=1)
    ordered = np.take_along_axis(keyed, order, axis=1)
    runs, n = ordered.shape
    position = np.broadcast_to(np.arange(1, n + 1, dtype=float), (runs, n))
    new_value = np.ones((runs, n), dtype=bool)
    new_value[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    if ties == "min":
        ranked = np.maximum.accumulate(np.where(new_value, position, 0.0), axis=1)
    elif ties == "dense":
        ranked = np.cumsum(new_value, axis=1).astype(float)
    elif ties == "average":
        first = np.maximum.accumulate(np.where(new_value, position, 0.0), axis=1)
        # last position of each tie group: reverse cumulative minimum of group ends
        end_of_group = np.ones((runs, n), dtype=bool)
        end_of_group[:, :-1] = new_value[:, 1:]
        last = np.minimum.accumulate(np.where(end_of_group, position, np.inf)[:, ::-1], axis=1)[:, ::-1]
        ranked = (first + last) / 2.0
    else:
        raise SpecificationError(f"ties must be 'min', 'dense' or 'average'; got {ties!r}")
    ranks = np.empty_like(ranked)
    np.put_along_axis(ranks, order, ranked, axis=1)
    if has_nan:
        ranks[nan] = np.nan
    return ranks[0] if single else ranks


def rank_dtype(ties: str) -> str:
    """pandas dtype of a rank column: nullable integers, or nullable floats for ``"average"`` ties (2.5).

    >>> rank_dtype("min"), rank_dtype("average")
    ('Int64', 'Float64')
    """
    return "Float64" if ties == "average" else "Int64"
