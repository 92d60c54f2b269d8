r"""Missing-data imputation kernels: cross-city statistics, group medians and means, knn, iterative, nearest.

Every method fills only the missing cells (observed cells are returned unchanged) and records,
per imputed cell, the rule that filled it and its *level* (the summary note counts cells per
level). The methods:

* ``mean``/``median``: the indicator's statistic over all cities with a value.
* ``group_median`` (COINr ``i_median_grp``; OECD/JRC 2008 Handbook §3): the median of the
  same group's cities with a value, trying the groups in order (country, then continent). A group
  is used for an indicator only when its donors number at least ``min_values``, carry at least
  ``min_distinct`` *distinct* values (so that one city's value, or one national figure, is not
  passed off as a group median) and the group has at most ``max_copies`` cells of that indicator
  to fill: a group median is one constant — for an odd number of donors, one donor's value — so it
  is never copied to more than ``max_copies`` cities of a group. Cells that no group may fill (a
  city without a label, a panel without the group column, groups refused by these rules) get the
  median of all cities, the one level the cap does not apply to.
* ``group_mean`` (COINr ``i_mean_grp``): as ``group_median`` with the group's mean
  :math:`\sum_{d} x_d / c` over its :math:`c` donors (and the mean of all cities as the last level).
  The donor and copy rules apply unchanged: a mean of donors that share one value is that value (a
  national figure passed off as a group statistic), and one mean copied to many cities of a group
  makes ties and shrinks the spread just as a median does. With one group column,
  ``min_values = min_distinct = 1`` and ``max_copies`` ≥ the number of cities it is COINr's
  ``i_mean_grp``.
* ``knn``: the mean of the :math:`k` most similar cities that have the indicator, similarity being
  the Euclidean distance over the other indicators after standardising each to mean 0 and
  standard deviation 1, ignoring cells missing in either city (scikit-learn ``KNNImputer``'s rules,
  Troyanskaya et al. 2001, with ties at the k-th distance broken by value: :mod:`indexlib.impute.knn`).
* ``iterative``: each indicator regressed on the others in turn (Bayesian ridge), repeated up to
  10 rounds (scikit-learn ``IterativeImputer``; van Buuren & Groothuis-Oudshoorn 2011), on
  standardised values, clipped to the indicator's observed range.
* ``nearest``: inverse-distance weighting :math:`\hat x = \sum_d w_d x_d / \sum_d w_d`,
  :math:`w_d = 1/h_d^2`, over the :math:`k` nearest cities with a value, :math:`h` the great-circle
  (haversine) distance on a sphere of radius 6371.0088 km; restricted to the same country when at
  least ``min_same_country`` of its cities have a value. Donors at distance 0 share the weight
  equally. Cities without coordinates get the median of all cities.

References
----------
.. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, §3 (imputation).
.. [2] Troyanskaya, O. et al. (2001). Missing value estimation methods for DNA microarrays.
   *Bioinformatics* 17(6): 520–525.
.. [3] van Buuren, S. and Groothuis-Oudshoorn, K. (2011). mice: Multivariate imputation by chained
   equations in R. *Journal of Statistical Software* 45(3).
.. [4] Shepard, D. (1968). A two-dimensional interpolation function for irregularly-spaced data.
   *Proc. 23rd ACM National Conference*, 517–524.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import cast

import numpy as np
import pandas as pd

from typing import TYPE_CHECKING

from indexlib.impute.knn import knn_fill
from indexlib.impute.options import (
    IMPUTERS,
    GroupOptions,
    ImputerSpec,
    IterativeOptions,
    NearestOptions,
    NeighbourOptions,
    NoOptions,
)
from indicators._numbers import to_floats
from indicators.errors import DataValidationError

if TYPE_CHECKING:
    from indexlib.methodology import MissingData

__all__ = ["impute", "filling_methods", "MULTIVARIATE_METHODS", "LOG_COLUMNS", "haversine_km", "summary_note",
           "distinct_counts", "standardise"]

#: Columns of the imputation log: one row per imputed cell.
LOG_COLUMNS = ["city_id", "indicator_id", "value", "rule", "level"]
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
ALL_CITIES = "median of all cities"
ALL_CITIES_MEAN = "mean of all cities"
#: Recipients whose distances are computed at once by ``nearest`` (bounds memory: block × cities).
_BLOCK = 512
#: Working memory (MiB) of ``knn``: its distances are computed for chunks of receivers of about this
#: size (scikit-learn's default, 1,024 MiB, made the imputation of 10,000 cities peak at 1.2 GB); the
#: chunking changes no result, only the memory, which stays linear in the cities.
KNN_WORKING_MEMORY_MIB = 64

def impute(values: pd.DataFrame, options: MissingData | str, *,
           attributes: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill the missing cells of ``values`` (cities × indicators).

    Parameters
    ----------
    values : DataFrame
        Cities × indicators, NaN where missing.
    options : MissingData or str
        The method and its settings (a method name uses the default settings).
    attributes : DataFrame, optional
        City attributes indexed like ``values``: ``country``/``continent`` (the groups of
        ``group_median``, the country of ``nearest``) and ``lat``/``lon`` in degrees (``nearest``).
        Absent columns or values make the method fall back, never fail.

    Returns
    -------
    filled : DataFrame
    log : DataFrame
        One row per imputed cell: ``city_id, indicator_id, value, rule, level``.

    Raises
    ------
    DataValidationError
        An indicator with missing cells has no value for any city.
    """
    if isinstance(options, str):
        from indexlib.methodology import MissingData

        options = MissingData(method=options)
    data = values.to_numpy(dtype=float)
    missing = np.isnan(data)
    kernel = IMPUTERS.get(options.method).kernel
    if kernel is None or not missing.any():
        return values.copy(), pd.DataFrame(columns=LOG_COLUMNS)
    empty = [str(values.columns[j]) for j in np.flatnonzero(missing.all(axis=0))]
    if empty:
        raise DataValidationError(f"indicator(s) {empty} have no value for any city; nothing to impute them from")
    aligned = None if attributes is None else attributes.reindex(values.index)
    filled, rules, levels = kernel(data, options.method_options(), aligned)
    rows, columns = np.nonzero(missing)  # the log's order: city by city
    # a kernel gives each a full table or one entry per missing cell (in this order): only those cells are read
    filled, rules, levels = (cells if cells.ndim == 1 else cells[rows, columns] for cells in (filled, rules, levels))
    result = data.copy(order="K")  # a frame's values are stored column by column: so is the copy
    result[rows, columns] = filled  # observed cells are never touched
    log = pd.DataFrame({
        "city_id": values.index.take(rows),
        "indicator_id": values.columns.take(columns),
        "value": filled,
        "rule": rules,
        "level": levels,
    }, columns=LOG_COLUMNS)
    return pd.DataFrame(result, index=values.index, columns=values.columns, copy=False), log


def summary_note(log: pd.DataFrame, method: str, *, absent: str = "") -> str | None:
    """One line: how many cells each level filled (``None`` when nothing was imputed)."""
    if log.empty:
        return None
    counts = log["level"].value_counts(sort=False)  # levels in the order they first fill a cell
    parts = ", ".join(f"{n} by {level}" for level, n in counts.items())
    return f"imputation ({method}): {len(log)} cells filled: {parts}{f' ({absent})' if absent else ''}"


# ---------------------------------------------------------------------------------------------- kernels
def _labels(data: np.ndarray, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The rule and level of every missing cell when one text says both (one entry per missing cell)."""
    cells = np.full(int(np.isnan(data).sum()), text, dtype=object)
    return cells, cells.copy()


def _mean(data: np.ndarray, options: NoOptions, attributes: pd.DataFrame | None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    filled = np.where(np.isnan(data), np.nanmean(data, axis=0)[None, :], data)
    return filled, *_labels(data, ALL_CITIES_MEAN)


def _median(data: np.ndarray, options: NoOptions, attributes: pd.DataFrame | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    filled = np.where(np.isnan(data), np.nanmedian(data, axis=0)[None, :], data)
    return filled, *_labels(data, ALL_CITIES)


def distinct_counts(block: np.ndarray) -> np.ndarray:
    """Number of distinct non-missing values in each column."""
    ordered = np.sort(block, axis=0)  # NaN last
    new = ~np.isnan(ordered)
    new[1:] &= ordered[1:] != ordered[:-1]
    return cast(np.ndarray, new.sum(axis=0))


def _group_codes(attributes: pd.DataFrame | None, group: str) -> np.ndarray | None:
    """Integer code per city (-1: no label), or None when the attribute is absent."""
    if attributes is None or group not in attributes.columns:
        return None
    column = attributes[group]
    # a label of whitespace only is no label; checked once per distinct label, not per city
    if isinstance(column.dtype, pd.StringDtype):  # strings only: factorised and stripped as stored
        codes, labels = pd.factorize(column, use_na_sentinel=True)
        named = pd.Series(labels).str.strip().ne("").to_numpy(dtype=bool)
    else:  # any labels, compared as Python objects
        codes, labels = pd.factorize(column.astype(object), use_na_sentinel=True)
        named = np.array([not (isinstance(v, str) and not v.strip()) for v in labels], dtype=bool)
    renumbered = np.full(len(labels) + 1, -1)
    renumbered[:-1][named] = np.arange(int(named.sum()))
    return cast(np.ndarray | None, renumbered[codes])


def _group_statistics(data: np.ndarray, codes: np.ndarray, cell_codes: np.ndarray, cell_columns: np.ndarray,
                      todo: np.ndarray, needed: int, max_copies: int, statistic: str
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""Per group (code ≥ 0) and indicator: whether it may fill cells, donors, distinct donor values and
    the ``statistic`` ('median' or 'mean') of the donors.

    ``cell_codes`` and ``cell_columns`` are the group and indicator of each missing cell of ``data``
    (cities × indicators), ``todo`` those still to fill. A (group, indicator) pair is a candidate when
    it has cells to fill, at most ``max_copies`` of them and at least ``needed`` donors; donors and cells
    to fill are counted from the missing cells alone (``numpy.bincount``), and only the candidates' values
    are sorted (:func:`_pair_statistics`). Distinct values and the statistic are 0/NaN for the pairs
    that are not candidates.
    """
    groups, indicators = int(codes.max()) + 1, data.shape[1]
    labelled = cell_codes >= 0

    def per_group(cells: np.ndarray) -> np.ndarray:
        counted = np.bincount(cell_codes[cells] * indicators + cell_columns[cells], minlength=groups * indicators)
        return cast(np.ndarray, counted.reshape(groups, indicators))

    size = np.bincount(codes[codes >= 0], minlength=groups)
    count = size[:, None] - per_group(labelled)
    recipients = per_group(todo & labelled)
    candidate = (recipients > 0) & (recipients <= max_copies) & (count >= needed)
    distinct = np.zeros(candidate.shape, dtype=np.intp)
    value = np.full(candidate.shape, np.nan)
    pair_column, pair_group = np.nonzero(candidate.T)  # indicator by indicator: each pass reads one column
    if pair_group.size:
        distinct[pair_group, pair_column], value[pair_group, pair_column] = _pair_statistics(
            data, codes, size, pair_group, pair_column, count[pair_group, pair_column], statistic)
    return candidate, count, distinct, value


def _pair_statistics(data: np.ndarray, codes: np.ndarray, size: np.ndarray, pair_group: np.ndarray,
                     pair_column: np.ndarray, donors: np.ndarray, statistic: str) -> tuple[np.ndarray, np.ndarray]:
    r"""Distinct donor values and the median or mean of the donors of each (group, indicator) pair.

    Each pair's cells (its group's cities, ``size`` of them, ``donors`` with a value) are sorted by
    value, missing last and equal values in city order, so that the median is
    :math:`(x_{(\lfloor (c-1)/2 \rfloor)} + x_{(\lfloor c/2 \rfloor)})/2` of its :math:`c` sorted
    donors, as ``numpy.nanmedian`` computes it, and the mean :math:`\sum_i x_i / c` is summed in that
    order (``numpy.add.reduceat`` over the pair's cells, a missing one adding 0), so neither depends
    on the order of the cities. The pairs are sorted in blocks of groups of similar size (within a
    factor of 2), one row per pair padded with NaN: one sort per block, not one per pair.
    """
    by_group = np.argsort(codes.astype(np.int16) if size.size < 2**15 else codes, kind="stable")
    by_column = np.asfortranarray(data).ravel(order="F")  # a view of a build's values: one column after another
    start = np.cumsum(size) - size + np.count_nonzero(codes < 0)  # of each group's cities in by_group
    length = size[pair_group]
    distinct = np.empty(pair_group.size, dtype=np.intp)
    value = np.empty(pair_group.size)
    block_of = np.frexp(length.astype(float))[1]  # sizes 2**(b-1) to 2**b - 1 in block b
    for block in np.unique(block_of):
        pairs = np.flatnonzero(block_of == block)
        width = int(length[pairs].max())
        offsets = np.arange(width)
        inside = offsets < length[pairs, None]
        cities = by_group[np.minimum(start[pair_group[pairs], None] + offsets, len(by_group) - 1)]
        cells = by_column.take(pair_column[pairs, None] * len(by_group) + cities)
        cells[~inside] = np.nan
        # equal values but 0.0 and -0.0 are the same bits: their order matters only when both signs are present
        signed_zero = bool(np.any((cells == 0) & np.signbit(cells)))
        cells.sort(axis=1, kind="stable" if signed_zero else None)  # NaN (missing, padding) last
        count = donors[pairs]
        if statistic == "median":
            rows = np.arange(pairs.size)
            value[pairs] = (cells[rows, (count - 1) // 2] + cells[rows, count // 2]) / 2
        else:
            summed = np.where(np.isnan(cells), 0.0, cells)[inside]  # each pair's cells, one after another
            value[pairs] = np.add.reduceat(summed, np.cumsum(length[pairs]) - length[pairs]) / count
        differs = (cells[:, 1:] != cells[:, :-1]) & (offsets[1:] < count[:, None])
        distinct[pairs] = 1 + np.count_nonzero(differs, axis=1)
    return distinct, value


def _group_statistic(statistic: str) -> Callable[[np.ndarray, GroupOptions, pd.DataFrame | None],
                                                 tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The kernel filling a cell with the ``statistic`` ('median' or 'mean') of its group's donors,
    group levels in order, under the donor and copy rules of :class:`GroupOptions`; else the
    ``statistic`` of all cities."""

    def kernel(data: np.ndarray, options: GroupOptions, attributes: pd.DataFrame | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _group_fill(data, options, attributes, statistic)

    return kernel


def _group_fill(data: np.ndarray, options: GroupOptions, attributes: pd.DataFrame | None, statistic: str
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, rules and levels of the missing cells of ``data``, one entry per cell in the order of
    ``numpy.nonzero(numpy.isnan(data))``.

    Everything is computed for the missing cells only: a cell's rule and level are positions in a
    short list of texts (one per level and distinct rule), made into strings at the end.
    """
    rows, columns = np.nonzero(np.isnan(data))
    filled = np.empty(rows.size)
    texts: list[str] = []
    rule = np.empty(rows.size, dtype=np.intp)
    level = np.empty(rows.size, dtype=np.intp)
    todo = np.ones(rows.size, dtype=bool)
    for group, needed, distinct_needed in zip(options.groups, options.min_values, options.min_distinct):
        codes = _group_codes(attributes, group)
        if codes is None or codes.max(initial=-1) < 0:
            continue
        cell_codes = codes[rows]
        candidate, count, distinct, value = _group_statistics(data, codes, cell_codes, columns, todo, needed,
                                                              options.max_copies, statistic)
        accepted = candidate & (distinct >= distinct_needed)
        if not accepted.any():
            continue
        open_cells = np.flatnonzero(todo & (cell_codes >= 0))
        used = open_cells[accepted[cell_codes[open_cells], columns[open_cells]]]
        used_group, used_column = cell_codes[used], columns[used]
        filled[used] = value[used_group, used_column]
        # one text per distinct (donors, distinct values), not per group or cell
        base = int(distinct.max()) + 1
        pairs, which = np.unique(count[used_group, used_column] * base + distinct[used_group, used_column],
                                 return_inverse=True)
        rule[used] = len(texts) + which.ravel()
        texts += [f"{statistic} of {group} ({c} cities, {d} distinct values)" for c, d in zip(*np.divmod(pairs, base))]
        level[used] = len(texts)
        texts.append(f"{statistic} of {group}")
        todo[used] = False
    if todo.any():
        # the mean is summed in value order, so that it does not depend on the order of the cities
        overall = np.nanmedian(data, axis=0) if statistic == "median" else np.nanmean(np.sort(data, axis=0), axis=0)
        rest = np.flatnonzero(todo)
        filled[rest] = overall[columns[rest]]
        rule[rest] = level[rest] = len(texts)
        texts.append(ALL_CITIES if statistic == "median" else ALL_CITIES_MEAN)
    return filled, _cell_texts(texts, rule), _cell_texts(texts, level)


def _cell_texts(texts: list[str], positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``texts[positions]`` as pandas strings, taken from the few distinct texts: the log's columns are not
    converted from one Python string per cell."""
    return pd.Series(texts).array.take(positions)


_group_median = _group_statistic("median")
_group_mean = _group_statistic("mean")


def standardise(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x − mean) / sd`` per column over the observed cells (sd 1 for a constant column)."""
    mean = np.nanmean(data, axis=0)
    spread = np.nanstd(data, axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    return (data - mean) / spread, mean, spread


def _knn(data: np.ndarray, options: NeighbourOptions, attributes: pd.DataFrame | None
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z, mean, spread = standardise(data)
    filled = knn_fill(z, options.neighbours, working_memory_mib=KNN_WORKING_MEMORY_MIB) * spread + mean
    return filled, *_labels(data, f"knn ({options.neighbours} most similar cities)")


#: Rounds of the chained regressions of ``iterative``.
ITERATIVE_ROUNDS = 10


def _iterative(data: np.ndarray, options: IterativeOptions, attributes: pd.DataFrame | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401 - registers IterativeImputer
    from sklearn.impute import IterativeImputer

    z, mean, spread = standardise(data)
    imputer = IterativeImputer(max_iter=ITERATIVE_ROUNDS, random_state=options.seed, keep_empty_features=True,
                               min_value=np.nanmin(z, axis=0), max_value=np.nanmax(z, axis=0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        filled = imputer.fit_transform(z) * spread + mean
    label = "iterative (chained Bayesian ridge)"
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        label = f"iterative (chained Bayesian ridge, not converged in {ITERATIVE_ROUNDS} rounds)"
    return filled, *_labels(data, label)


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    r"""Great-circle distance in km (broadcasting).

    :math:`h = 2R \arcsin\sqrt{\sin^2(\Delta\varphi/2) + \cos\varphi_1\cos\varphi_2\sin^2(\Delta\lambda/2)}`,
    :math:`R` = 6371.0088 km.
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return cast(np.ndarray, 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def _coordinates(attributes: pd.DataFrame | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    def column(name: str) -> np.ndarray:
        if attributes is None or name not in attributes.columns:
            return np.full(n, np.nan)
        return to_floats(attributes[name])

    lat, lon = column("lat"), column("lon")
    bad = ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    return np.where(bad, np.nan, lat), np.where(bad, np.nan, lon)


def _nearest(data: np.ndarray, options: NearestOptions, attributes: pd.DataFrame | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = data.shape[0]
    lat, lon = _coordinates(attributes, n)
    located = ~np.isnan(lat)
    country = _group_codes(attributes, "country")
    country = np.full(n, -1) if country is None else country
    filled = data.copy()
    rules = np.full(data.shape, "", dtype=object)
    levels = np.full(data.shape, "", dtype=object)
    overall = np.nanmedian(data, axis=0)
    k = options.neighbours
    for j in range(data.shape[1]):  # one pass per indicator; recipients in blocks
        column = data[:, j]
        donors = np.flatnonzero(~np.isnan(column) & located)
        recipients = np.flatnonzero(np.isnan(column))
        unlocated = recipients[~located[recipients]] if donors.size else recipients
        filled[unlocated, j] = overall[j]
        rules[unlocated, j] = f"{ALL_CITIES} (no coordinates)"
        levels[unlocated, j] = f"{ALL_CITIES} (no coordinates)"
        recipients = np.setdiff1d(recipients, unlocated)
        for start in range(0, recipients.size, _BLOCK):
            rows = recipients[start:start + _BLOCK]
            distance = haversine_km(lat[rows, None], lon[rows, None], lat[None, donors], lon[None, donors])
            same = (country[rows, None] == country[None, donors]) & (country[rows, None] >= 0)
            in_country = same.sum(axis=1) >= options.min_same_country
            distance = np.where(in_country[:, None] & ~same, np.inf, distance)
            donor_values = np.broadcast_to(column[donors], distance.shape)
            # ties in distance are broken by value, so the result does not depend on the city order
            order = np.lexsort((donor_values, distance), axis=-1)[:, :k]
            chosen = np.take_along_axis(distance, order, axis=1)
            chosen_values = column[donors][order]
            usable = np.isfinite(chosen)
            at_zero = usable & (chosen == 0)
            with np.errstate(divide="ignore"):
                weight = np.where(at_zero.any(axis=1, keepdims=True), at_zero.astype(float),
                                  np.where(usable, 1.0 / chosen**2, 0.0))
            filled[rows, j] = (weight * chosen_values).sum(axis=1) / weight.sum(axis=1)
            used = usable.sum(axis=1)
            rules[rows, j] = [f"inverse-distance mean of {u} nearest cities{' of the country' if c else ''}"
                              for u, c in zip(used, in_country)]
            levels[rows, j] = np.where(in_country, "nearest cities of the country", "nearest cities")
    return filled, rules, levels


for _spec in (
    ImputerSpec("mean", _mean, description="The indicator's mean over all cities with a value."),
    ImputerSpec("median", _median, description="The indicator's median over all cities with a value."),
    ImputerSpec("group_median", _group_median, GroupOptions,
                description="Median of the same group's cities (COINr i_median_grp), group levels in order."),
    ImputerSpec("group_mean", _group_mean, GroupOptions,
                description="Mean of the same group's cities (COINr i_mean_grp), group levels in order."),
    ImputerSpec("knn", _knn, NeighbourOptions, multivariate=True,
                description="Mean of the k most similar cities over the other standardised indicators."),
    ImputerSpec("iterative", _iterative, IterativeOptions, multivariate=True,
                description="Chained Bayesian-ridge regressions on the other standardised indicators."),
    ImputerSpec("nearest", _nearest, NearestOptions,
                description="Inverse-distance mean of the k geographically nearest cities with a value."),
):
    IMPUTERS.register(_spec.name)(_spec)



def filling_methods() -> list[str]:
    """The registered imputation methods that fill cells (every one but ``none``), sorted."""
    return [name for name in IMPUTERS if IMPUTERS.get(name).kernel is not None]


#: Methods that impute an indicator from the others (an indicator's imputed values depend on which others are used).
MULTIVARIATE_METHODS = frozenset(name for name in IMPUTERS if IMPUTERS.get(name).multivariate)
