"""Copeland (Condorcet-type) aggregation: non-compensatory, weights act as voting power.

For cities a and b, the weighted share of indicators on which a beats b, ties counting half,

.. math:: e_{ab} = \\frac{\\sum_j w_j\\,([y_{aj} > y_{bj}] + \\tfrac12 [y_{aj} = y_{bj}])}{\\sum_j w_j},

over the indicators both cities have; a pair with no indicator in common is a tie (0.5). Each
pair gives a win (+1) when :math:`e_{ab} > 0.5`, a loss (−1) when below and 0 when equal, and a
city's score is its number of wins minus losses, :math:`\\sum_{b \\ne a} \\operatorname{sign}(e_{ab} - 0.5)`,
in [−(n − 1), n − 1]. A deficit on one indicator cannot be bought back by a surplus on another,
only outvoted. Cost: O(n² k) per weight vector.

References: Munda, G. & Nardo, M. (2009). Noncompensatory/nonlinear composite indicators for
ranking countries: a defensible setting. Applied Economics 41(12): 1513–1523.
doi:10.1080/00036840601019364; OECD/JRC (2008) Handbook, §6.3; COINr ``outrankMatrix``.
"""

from __future__ import annotations

import numpy as np

from indexlib.aggregate._base import AGGREGATORS, AggregatorSpec

__all__ = ["outranking_matrix", "copeland_score"]

#: Outranking shares closer than this to 0.5 count as a tie (they differ from 0.5 only by rounding).
TIE_TOLERANCE = 1e-12


def outranking_matrix(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted outranking shares :math:`e_{ab}`: (n, n) or (R, n, n).

    ``values`` (n, k) or (R, n, k); ``weights`` (k,) or (R, k). Precondition: weights ≥ 0 with a
    positive sum.

    >>> outranking_matrix(np.array([[2.0, 3.0], [1.0, 1.0]]), np.array([1.0, 1.0])).tolist()
    [[0.5, 1.0], [0.0, 0.5]]
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    batched = values.ndim == 3 or weights.ndim == 2
    if values.ndim == 2:
        values = values[None]
    if weights.ndim == 1:
        weights = weights[None]
    runs = max(values.shape[0], weights.shape[0])
    n, k = values.shape[1], values.shape[2]
    missing = bool(np.isnan(values).any())
    votes = np.zeros((runs, n, n))
    cast = np.zeros((runs, n, n)) if missing else None
    for j in range(k):  # one pass per child (k is small); every run and city pair at once
        column = values[:, :, j]
        a, b = column[:, :, None], column[:, None, :]
        w = weights[:, j, None, None]
        duel = (a > b) + 0.5 * (a == b)  # NaN compares False: no vote
        votes += w * duel
        if cast is not None:
            cast += w * ~(np.isnan(a) | np.isnan(b))
    if cast is None:
        complete: np.ndarray = (votes / weights.sum(axis=1)[:, None, None]) if batched else votes[0] / weights[0].sum()
        return complete
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(cast > 0, votes / cast, 0.5)
    return shares if batched else shares[0]


def copeland_score(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Copeland score (wins − losses in pairwise weighted majority votes), batched like the means.

    >>> copeland_score(np.array([[3.0, 3.0], [2.0, 1.0], [1.0, 2.0]]), np.array([1.0, 1.0])).tolist()
    [2.0, -1.0, -1.0]
    """
    shares = outranking_matrix(values, weights)
    outcome = np.where(np.abs(shares - 0.5) <= TIE_TOLERANCE, 0.0, np.sign(shares - 0.5))
    n = shares.shape[-1]
    outcome[..., np.arange(n), np.arange(n)] = 0.0
    score: np.ndarray = outcome.sum(axis=-1)
    return score


AGGREGATORS.register("copeland")(AggregatorSpec("copeland", copeland_score, needs_positive=False))
