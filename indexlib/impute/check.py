r"""How accurate is each imputation method on a panel: K-fold cross-validation of known values.

For every indicator the cities that have a value are dealt at random (seeded per indicator) into
``folds`` folds. Fold :math:`f` of every indicator is hidden at once, the panel is imputed with
each method, and the hidden cells are compared with their true values:

* *error* — the mean absolute error in normalised units,
  :math:`|\hat x - x| / (\max x - \min x)` over the indicator's observed values;
* *rank error* — the mean absolute change of the city's position among the indicator's observed
  values, :math:`|\#\{x_o > \hat x\} - \#\{x_o > x\}|` over the other observed cities :math:`o`.

A method's score is the mean of its per-indicator errors (each indicator counts once); the best
method has the lowest score, except that methods within ``ERROR_TIE`` of it count as tied and the
lowest rank error among them decides (on the 2025 panel the best two differ by less than the spread
of their errors between seeds, about 0.003, while their rank errors differ consistently). Hiding a
fold of every indicator at once raises the share of missing cells by about :math:`1/K` of the observed
ones, a slightly harder task than the panel's own gaps.

Reference: Hastie, T., Tibshirani, R. and Friedman, J. (2009). *The Elements of Statistical
Learning*, 2nd ed., §7.10 (cross-validation). Springer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indexlib.impute.methods import filling_methods, impute
from indexlib.methodology import MissingData
from indicators.errors import SpecificationError

__all__ = ["ERROR_TIE", "ImputationCheck", "best_method", "check_imputation", "fold_assignment"]

#: Mean errors (shares of the range) closer than this to the lowest count as a tie.
ERROR_TIE = 0.005


@dataclass(frozen=True)
class ImputationCheck:
    """Cross-validated imputation accuracy.

    Attributes
    ----------
    table : DataFrame
        One row per indicator and method: ``indicator_id, method, cells, error, rank_error``.
    summary : DataFrame
        One row per method, best first: ``method, error, rank_error, cells`` (means over indicators).
    best : str
        The method with the lowest mean error, or among those within ``ERROR_TIE`` of it the one with
        the lowest rank error (:func:`best_method`).
    folds, seed : int
    unchecked : tuple of str
        Indicators left out: fewer than ``folds`` values, or all values equal.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    best: str
    folds: int
    seed: int
    unchecked: tuple[str, ...] = ()


def fold_assignment(observed: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Fold number (0..folds−1) of every observed cell, −1 elsewhere; a seeded shuffle per indicator."""
    assignment = np.full(observed.shape, -1, dtype=int)
    for j in range(observed.shape[1]):
        rows = np.flatnonzero(observed[:, j])
        order = np.random.default_rng([seed, j]).permutation(rows.size)
        assignment[rows[order], j] = np.arange(rows.size) % folds
    return assignment


def _position_error(column: np.ndarray, truth: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """``|#{others > estimate} − #{others > truth}|`` among the observed values of one indicator."""
    ordered = np.sort(column[~np.isnan(column)])

    def above(x: np.ndarray) -> np.ndarray:
        return ordered.size - np.searchsorted(ordered, x, side="right")

    error: np.ndarray = np.abs(above(estimate) - (truth > estimate) - above(truth)).astype(float)
    return error


def check_imputation(values: pd.DataFrame, attributes: pd.DataFrame | None = None, *, folds: int = 5,
                     seed: int = 0, methods: Sequence[str] | None = None,
                     options: MissingData | None = None) -> ImputationCheck:
    """Hide known values fold by fold, impute them with every method and measure the error.

    Parameters
    ----------
    values : DataFrame
        Cities × indicators (NaN where missing), e.g. ``prepare(...).values``.
    attributes : DataFrame, optional
        City attributes for ``group_median`` and ``nearest`` (see :func:`~indexlib.impute.impute`).
    folds : int, default 5
        K of the K-fold split (≥ 2).
    seed : int, default 0
        Seed of the fold assignment (the same seed gives the same table).
    methods : sequence of str, optional
        Default: every imputation method.
    options : MissingData, optional
        Settings shared by the methods (neighbours, groups, caps, iterative seed); default settings
        when omitted.

    Returns
    -------
    ImputationCheck

    Raises
    ------
    SpecificationError
        Fewer than 2 folds, an unknown method, or no indicator with at least ``folds`` values that
        differ.
    """
    if folds < 2:
        raise SpecificationError(f"impute-check needs at least 2 folds; got {folds}")
    known = filling_methods()
    methods = list(methods or known)
    unknown = [m for m in methods if m not in known]
    if unknown:
        raise SpecificationError(f"unknown imputation method(s) {unknown}; expected some of {known}")
    options = options or MissingData()
    data = values.to_numpy(dtype=float)
    observed = ~np.isnan(data)
    span = np.nanmax(data, axis=0) - np.nanmin(data, axis=0)
    checked = (observed.sum(axis=0) >= folds) & (span > 0)
    if not checked.any():
        raise SpecificationError(f"no indicator has at least {folds} differing values to hide; use fewer folds")
    assignment = np.where(checked[None, :], fold_assignment(observed, folds, seed), -1)
    estimates = {m: np.full(data.shape, np.nan) for m in methods}
    for fold in range(folds):
        hidden = assignment == fold
        masked = pd.DataFrame(np.where(hidden, np.nan, data), index=values.index, columns=values.columns)
        for method in methods:
            # the shared flat settings apply to every method; options of the methodology's own method only to it
            own = options.options if method == options.method else {}
            filled, _ = impute(masked, options.model_copy(update={"method": method, "options": own}),
                               attributes=attributes)
            estimates[method][hidden] = filled.to_numpy()[hidden]
    rows = []
    for method in methods:
        for j in np.flatnonzero(checked):
            cells = assignment[:, j] >= 0
            truth, estimate = data[cells, j], estimates[method][cells, j]
            rows.append({"indicator_id": values.columns[j], "method": method, "cells": int(cells.sum()),
                         "error": float(np.mean(np.abs(estimate - truth)) / span[j]),
                         "rank_error": float(np.mean(_position_error(data[:, j], truth, estimate)))})
    table = pd.DataFrame(rows, columns=["indicator_id", "method", "cells", "error", "rank_error"])
    summary = (table.groupby("method", sort=False)
               .agg(error=("error", "mean"), rank_error=("rank_error", "mean"), cells=("cells", "sum"))
               .reset_index().sort_values(["error", "rank_error", "method"], kind="stable").reset_index(drop=True))
    unchecked = tuple(str(values.columns[j]) for j in np.flatnonzero(~checked))
    return ImputationCheck(table, summary, best_method(summary), folds, seed, unchecked)


def best_method(summary: pd.DataFrame, tie: float = ERROR_TIE) -> str:
    """The method with the lowest ``error``; among those within ``tie`` of it, the lowest ``rank_error``
    (then the name, for a deterministic choice)."""
    tied = summary[summary["error"] <= summary["error"].min() + tie]
    return str(tied.sort_values(["rank_error", "method"], kind="stable")["method"].iloc[0])
