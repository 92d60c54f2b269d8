r"""k-nearest-neighbour imputation: scikit-learn's ``KNNImputer`` with an order-independent choice of donors.

A missing cell :math:`x_{rj}` is the mean of column :math:`j` over the :math:`k` donors (cities with
:math:`x_{\cdot j}` observed) nearest to city :math:`r` in the NaN-Euclidean distance of Dixon
(1979), as scikit-learn's ``nan_euclidean_distances`` defines it:

.. math:: d^2(r, d) = \frac{F}{c_{rd}} \sum_{f \,:\, x_{rf}, x_{df} \text{ observed}} (x_{rf} - x_{df})^2,

:math:`F` the number of indicators and :math:`c_{rd}` the number observed in both cities. Donors
sharing no observed indicator with :math:`r` are at infinite distance and never counted; a receiver
with no donor at finite distance gets the column's mean; with fewer than :math:`k` donors all of
them are used. These are ``KNNImputer(weights="uniform")``'s rules, and the tests compare the two.

Where this module differs from scikit-learn it is by design:

* **Ties.** scikit-learn takes the :math:`k` smallest distances with ``numpy.argpartition``, so
  among donors tied at the :math:`k`-th distance the one earlier in the table wins and reordering
  the cities changes an imputed value. Here donors within a relative :data:`TIE_TOLERANCE` of the
  :math:`k`-th distance are tied, and the tie is broken by value (the smaller values first): the
  result depends on the cities, never on their order. The chosen values are summed in ascending
  order for the same reason.
* **Distances.** :math:`d^2` is expanded as one product
  :math:`[x_r^2,\,-2x_r,\,m_r]\cdot[m_d,\,x_d,\,x_d^2]` (:math:`m` the observed mask, missing
  cells as 0) and :math:`c_{rd} = m_r \cdot m_d`, so that two donors equal on every indicator the
  receiver has get the same distance; scikit-learn's expansion
  :math:`\lVert x_r\rVert^2 - 2x_r\cdot x_d + \lVert x_d\rVert^2` minus the squares of the cells
  missing in the other city can round them apart.
* **No scikit-learn import**: the default build imputes with ``knn``, and importing scikit-learn
  would take longer than the whole build (issue 9's start-up goal).

Distances are computed for :data:`~indexlib.impute.methods.KNN_WORKING_MEMORY_MIB` of receivers at a
time, so memory stays linear in the cities; the chunking changes no value.

References
----------
.. [1] Troyanskaya, O. et al. (2001). Missing value estimation methods for DNA microarrays.
   *Bioinformatics* 17(6): 520–525.
.. [2] Dixon, J. K. (1979). Pattern recognition with partly missing data. *IEEE Transactions on
   Systems, Man, and Cybernetics* 9(10): 617–621.
.. [3] scikit-learn ``sklearn.impute.KNNImputer`` and ``sklearn.metrics.pairwise.nan_euclidean_distances``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["knn_fill", "TIE_TOLERANCE"]

#: Donors whose distance is within this relative tolerance of the k-th smallest are tied with it: far
#: above the rounding of the expanded distance (~1e-15), far below any difference the data can mean.
TIE_TOLERANCE = 1e-9


def knn_fill(data: np.ndarray, neighbours: int, *, working_memory_mib: float = 64) -> np.ndarray:
    """``data`` (cities × indicators, NaN where missing) with each missing cell the mean of its
    ``neighbours`` nearest donors (module docstring); observed cells unchanged.

    Every column must have at least one observed value.
    """
    observed = ~np.isnan(data)
    present = observed.astype(float)
    zeroed = np.where(observed, data, 0.0)
    donor_side = np.hstack([present, zeroed, zeroed * zeroed])
    receiver_side = np.hstack([zeroed * zeroed, -2.0 * zeroed, present])
    filled = data.copy()
    receivers = np.flatnonzero(~observed.all(axis=1))
    n, features = data.shape
    # a chunk holds about four receivers × cities float64 arrays (products, counts, distances, a column's)
    rows = max(1, int(working_memory_mib * 2**20 // (32 * max(n, 1))))
    donors = [np.flatnonzero(observed[:, j]) for j in range(features)]
    means = np.array([np.sort(data[donors[j], j]).mean() for j in range(features)])
    for start in range(0, receivers.size, rows):
        chunk = receivers[start:start + rows]
        sums = receiver_side[chunk] @ donor_side.T
        shared = present[chunk] @ present.T
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.where(shared > 0, np.maximum(sums, 0.0) / shared * features, np.inf)
        for j in np.flatnonzero(~observed[chunk].all(axis=0)):  # the columns some receiver of the chunk lacks
            which = np.flatnonzero(~observed[chunk, j])
            filled[chunk[which], j] = _mean_of_nearest(distance[np.ix_(which, donors[j])], data[donors[j], j],
                                                       neighbours, means[j])
    return filled


def _mean_of_nearest(distance: np.ndarray, values: np.ndarray, k: int, fallback: float) -> np.ndarray:
    """Per row of ``distance`` (receivers × donors): the mean of ``values`` over the ``k`` nearest donors
    at finite distance, ties at the k-th distance broken by value; ``fallback`` where none is finite."""
    k = min(k, distance.shape[1])
    with np.errstate(invalid="ignore"):  # inf − inf where fewer than k donors are at finite distance
        kth = np.partition(distance, k - 1, axis=1)[:, k - 1:k]
        band = TIE_TOLERANCE * (1.0 + np.where(np.isfinite(kth), kth, 0.0))
        below = distance < kth - band  # nearer than the k-th (fewer than k of them): all used
        tied = np.abs(distance - kth) <= band  # never at infinite distance
    need = k - below.sum(axis=1)
    near = _smallest(np.where(below, values[None, :], np.inf), k)
    tie = _smallest(np.where(tied, values[None, :], np.inf), k)
    tie[np.arange(k)[None, :] >= need[:, None]] = np.inf  # only the `need` smallest tied values
    # summed in ascending order, so that the order of the cities cannot change the last bit
    picked = np.sort(np.hstack([near, tie]), axis=1)
    used = np.isfinite(picked)
    count = used.sum(axis=1)
    total = np.where(used, picked, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), fallback)


def _smallest(values: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` smallest of each row, ascending."""
    return np.sort(np.partition(values, k - 1, axis=1)[:, :k], axis=1)
