r"""Exact, mergeable rank statistics whose memory follows the spread of each city's ranks.

A city's simulated ranks are integers (half-integers with ``ties="average"``), so counting them gives
exact percentiles for any number of runs. A dense histogram over every possible rank costs
:math:`n (2n + 1)` counters, quadratic in the cities (3.6 GB for 10,000 cities). :class:`RankHistogram`
keeps, for each city, only the band of half-ranks between the lowest and the highest it has taken,
widened as chunks of runs arrive. Memory is :math:`\sum_c (\max_c - \min_c + 1)` counters: linear in
the cities times the typical rank spread, never more than the dense histogram, and still exact.
Two histograms over disjoint runs merge exactly (:meth:`RankHistogram.merge`), so chunks can be
counted anywhere and combined.

Percentiles use the inverted empirical distribution function (Hyndman & Fan 1996, definition 1;
``numpy.percentile(..., method="inverted_cdf")``).
"""

from __future__ import annotations

import tempfile
from typing import cast

import numpy as np

from indicators.errors import SpecificationError

__all__ = ["RankHistogram", "RankStatistics", "histogram_percentile", "inverted_cdf_order"]


def inverted_cdf_order(total: int, q: float) -> int:
    """0-based order statistic that ``numpy.percentile(method="inverted_cdf")`` returns for ``q`` (0–100)
    of ``total`` values: the virtual index :math:`N q / 100 - 1`, rounded up unless it is an integer."""
    index = total * (np.float64(q) / 100.0) - 1.0
    below = np.floor(index)
    order = int(below if index == below else below + 1)
    return min(max(order, 0), total - 1)


def histogram_percentile(histogram: np.ndarray, q: float) -> np.ndarray:
    """Per-row ``q``-th percentile (0–100) of values given as counts over dense half-rank bins.

    Reproduces ``numpy.percentile(values, q, axis=0, method="inverted_cdf")`` on the expanded values.
    """
    order = inverted_cdf_order(int(histogram.sum(axis=1)[0]), q)
    cumulative = np.cumsum(histogram, axis=1)
    return cast(np.ndarray, np.argmax(cumulative >= order + 1, axis=1) / 2.0)


class RankHistogram:
    """Per-city counts of half-ranks ``h = 2 r`` over a band ``low[c] ≤ h ≤ high[c]``, stored flat.

    Attributes
    ----------
    low, high : ndarray (n,) of int64
        The band of each city (empty, ``low > high``, before any run).
    counts : ndarray of int64
        The bands laid end to end; city ``c`` owns ``counts[start[c]:start[c] + width[c]]``.
    runs : int
        Runs counted.
    """

    def __init__(self, n: int) -> None:
        self.n = int(n)
        self.low = np.full(self.n, np.iinfo(np.int64).max, dtype=np.int64)
        self.high = np.full(self.n, -1, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.runs = 0

    # ------------------------------------------------------------------ layout
    @property
    def width(self) -> np.ndarray:
        return cast(np.ndarray, np.maximum(self.high - self.low + 1, 0))

    @property
    def start(self) -> np.ndarray:
        width = self.width
        return cast(np.ndarray, np.cumsum(width) - width)

    @property
    def nbytes(self) -> int:
        return int(self.counts.nbytes + self.low.nbytes + self.high.nbytes)

    def _widen(self, low: np.ndarray, high: np.ndarray) -> None:
        """Grow every band to cover ``[low, high]`` and move the counts already held."""
        new_low, new_high = np.minimum(self.low, low), np.maximum(self.high, high)
        if np.array_equal(new_low, self.low) and np.array_equal(new_high, self.high):
            return
        old_width, old_start = self.width, self.start
        new_width = new_high - new_low + 1
        new_start = np.cumsum(new_width) - new_width
        counts = np.zeros(int(new_width.sum()), dtype=np.int64)
        if self.counts.size:
            city = np.repeat(np.arange(self.n), old_width)
            within = np.arange(self.counts.size) - np.repeat(old_start, old_width)
            counts[new_start[city] + (self.low[city] - new_low[city]) + within] = self.counts
        self.low, self.high, self.counts = new_low, new_high, counts

    # ------------------------------------------------------------------ counting
    def add(self, half_ranks: np.ndarray) -> None:
        """Count a chunk of runs: ``half_ranks`` (runs, n) of integers ``2 r``."""
        if half_ranks.size == 0:
            return
        self._widen(half_ranks.min(axis=0), half_ranks.max(axis=0))
        base = self.start - self.low  # flat position of half-rank h of city c: base[c] + h
        self.counts += np.bincount((half_ranks + base).ravel(), minlength=self.counts.size)
        self.runs += half_ranks.shape[0]

    def merge(self, other: RankHistogram) -> RankHistogram:
        """The histogram of both sets of runs (exact; order does not matter)."""
        merged = RankHistogram(self.n)
        merged.low, merged.high, merged.counts, merged.runs = self.low, self.high, self.counts.copy(), self.runs
        if other.runs:
            merged._widen(other.low, other.high)
            city = np.repeat(np.arange(self.n), other.width)
            within = np.arange(other.counts.size) - np.repeat(other.start, other.width)
            merged.counts[merged.start[city] + (other.low[city] - merged.low[city]) + within] += other.counts
            merged.runs += other.runs
        return merged

    # ------------------------------------------------------------------ statistics
    def percentile(self, q: float) -> np.ndarray:
        """Per-city ``q``-th percentile (0–100) of the ranks, inverted empirical CDF; always a simulated rank."""
        if self.runs == 0:
            raise SpecificationError("no run has been counted: percentiles need at least one run")
        order = inverted_cdf_order(self.runs, q)
        cumulative = np.cumsum(self.counts)
        start = self.start
        before = np.where(start > 0, cumulative[np.maximum(start - 1, 0)], 0)
        position = np.searchsorted(cumulative, before + order + 1, side="left")
        return cast(np.ndarray, (self.low + position - start) / 2.0)

    def mean(self) -> np.ndarray:
        """Per-city mean rank."""
        city = np.repeat(np.arange(self.n), self.width)
        half = self.low[city] + np.arange(self.counts.size) - np.repeat(self.start, self.width)
        return np.bincount(city, weights=self.counts * (half / 2.0), minlength=self.n) / self.runs

    def totals(self) -> np.ndarray:
        """Runs counted per city (every city appears in every run)."""
        return np.add.reduceat(self.counts, self.start) if self.counts.size else np.zeros(self.n, dtype=np.int64)

    def dense(self) -> np.ndarray:
        """The equivalent dense histogram (n, 2n + 1): ``[c, h]`` runs in which city c has rank h / 2.
        Quadratic in the cities: for inspection of small panels only."""
        out = np.zeros((self.n, 2 * self.n + 1), dtype=np.int64)
        city = np.repeat(np.arange(self.n), self.width)
        half = self.low[city] + np.arange(self.counts.size) - np.repeat(self.start, self.width)
        out[city, half] = self.counts
        return out


#: Every run's ranks are kept, by default, when they take at most this much memory.
KEPT_RANKS_BUDGET = 256 * 2**20


class RankStatistics:
    """Streaming per-city rank statistics of an uncertainty analysis, exact for any chunking.

    Percentiles and mean ranks come from every run's ranks when they are kept (``N × n`` int16,
    linear in the cities), else from a :class:`RankHistogram` (linear in the cities times the rank
    spread, whatever the number of runs). Both are exact and give identical numbers. Kept ranks
    larger than :data:`KEPT_RANKS_BUDGET` are written to an anonymous temporary file (a memory map,
    filled chunk by chunk) and the percentiles then come from the histogram, counted as well.
    Statistics of disjoint runs merge exactly (:meth:`merge`).
    """

    def __init__(self, nominal: np.ndarray, runs: int, top: int, keep_ranks: bool | None, ties: str, *,
                 histogram: bool | None = None) -> None:
        self.n = nominal.size
        self.nominal = nominal
        self.top = top
        self.runs = runs
        self.shift_sum = np.zeros(self.n)  # sums of half-integers: exact in float64
        self.top_count = np.zeros(self.n, dtype=np.int64)
        self.run_shift = np.empty(runs)
        dtype = np.dtype(np.float32 if ties == "average" else (np.int16 if self.n < 2**15 else np.int32))
        fits = runs * self.n * dtype.itemsize <= KEPT_RANKS_BUDGET
        if keep_ranks is None:
            keep_ranks = fits
        self.ranks: np.ndarray | None = None
        if keep_ranks and fits:
            self.ranks = np.empty((runs, self.n), dtype=dtype)
        elif keep_ranks:
            # the memory map holds the anonymous file open for as long as the ranks live (SIM115)
            self.ranks = np.memmap(tempfile.TemporaryFile(), dtype=dtype, mode="w+", shape=(runs, self.n))  # noqa: SIM115
        if histogram is None:
            histogram = not (keep_ranks and fits)
        self.histogram = RankHistogram(self.n) if histogram else None

    def add(self, runs: np.ndarray, ranks: np.ndarray) -> None:
        """Count the ranks (r, n) of the runs ``runs`` (indices into ``0 … runs − 1``)."""
        if self.histogram is not None:
            self.histogram.add(np.rint(2.0 * ranks).astype(np.int64))
        shift = np.abs(ranks - self.nominal)
        self.shift_sum += shift.sum(axis=0)
        self.run_shift[runs] = shift.mean(axis=1)
        self.top_count += (ranks <= self.top).sum(axis=0)
        if self.ranks is not None:
            self.ranks[runs] = ranks

    def merge(self, part: RankStatistics, first: int) -> None:
        """Add the statistics ``part`` of runs ``first … first + part.runs − 1`` (exact: counts and
        sums of half-integers)."""
        stop = first + part.runs
        if self.histogram is not None:
            assert part.histogram is not None
            self.histogram = self.histogram.merge(part.histogram)
        self.shift_sum += part.shift_sum
        self.top_count += part.top_count
        self.run_shift[first:stop] = part.run_shift
        if self.ranks is not None:
            assert part.ranks is not None
            self.ranks[first:stop] = part.ranks

    def percentile(self, q: float) -> np.ndarray:
        """Per-city ``q``-th percentile of the ranks (inverted empirical CDF)."""
        if self.histogram is not None:
            return self.histogram.percentile(q)
        assert self.ranks is not None
        order = inverted_cdf_order(self.runs, q)
        out = np.empty(self.n)
        # Partition copies of blocks of cities in the ranks' own (exact) type, 1/8 of the budget each.
        block = max(1, KEPT_RANKS_BUDGET // 8 // max(self.runs * self.ranks.itemsize, 1))
        for lo in range(0, self.n, block):
            out[lo:lo + block] = np.partition(self.ranks[:, lo:lo + block], order, axis=0)[order]
        return out

    def mean_rank(self) -> np.ndarray:
        """Per-city mean rank (sums of half-integers: exact in float64, whichever the representation)."""
        if self.histogram is not None:
            return self.histogram.mean()
        assert self.ranks is not None
        return cast(np.ndarray, self.ranks.sum(axis=0, dtype=np.float64) / self.runs)
