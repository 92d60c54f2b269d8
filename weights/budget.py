"""Budget allocation (BAP): experts distribute points over the elements; weights are the mean
of their normalised allocations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import WeightsError

__all__ = ["BudgetResult", "budget_weights"]


@dataclass(frozen=True, slots=True)
class BudgetResult:
    """Result of :func:`budget_weights`.

    Attributes
    ----------
    weights : Series
        Mean over experts of each expert's normalised allocation; sums to 1.
    spread : DataFrame
        Per element: ``std`` (population standard deviation across experts, so a single expert
        gives 0), ``min`` and ``max`` of the experts' normalised allocations.
    normalised : DataFrame
        Experts × elements: each expert's allocation divided by the expert's total.
    """

    weights: pd.Series
    spread: pd.DataFrame
    normalised: pd.DataFrame


def budget_weights(
    allocations: Mapping[str, Mapping[str, float]] | pd.DataFrame, *, total: float | None = None
) -> BudgetResult:
    r"""Weights from a budget allocation process.

    Each expert e distributes a budget (say 100 points) over the elements; each allocation is
    normalised to unit sum and the weights are the mean over the E experts:

    .. math:: w_j = \frac{1}{E} \sum_{e=1}^{E} \frac{b_{ej}}{\sum_k b_{ek}}

    Parameters
    ----------
    allocations : mapping expert → (mapping element → points), or DataFrame
        Points per expert and element; a DataFrame has one row per expert and one column per
        element. Every expert must score the same elements (give 0 explicitly).
    total : float, optional
        If given, every expert must have allocated exactly this budget (within 1e-9 relative).

    Returns
    -------
    BudgetResult
        ``.weights`` (Series by element), ``.spread`` (std, min, max per element) and
        ``.normalised`` (experts × elements).

    Raises
    ------
    WeightsError
        If there is no expert or no element; an expert's points are negative, NaN or inf (the
        message names the expert and the element); an expert gives 0 points to everything;
        experts score different elements (names the expert and the missing and unknown
        elements); or an expert's points do not add up to ``total``.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
       Guide*, §6.1 (budget allocation process). OECD Publishing, Paris.
       doi:10.1787/9789264043466-en

    Examples
    --------
    >>> result = budget_weights({"A": {"x": 60, "y": 40}, "B": {"x": 40, "y": 60}})
    >>> result.weights.tolist(), result.spread["max"].tolist()
    ([0.5, 0.5], [0.6, 0.6])
    """
    caller = "budget_weights"
    frame = _allocation_frame(allocations, caller)
    values = frame.to_numpy()
    checks = (
        (~np.isfinite(values), "gives {points} points to {element!r}; points must be finite"),
        (values < 0, "gives negative points ({points:g}) to {element!r}"),
    )
    for bad, problem in checks:
        if bad.any():
            i, j = np.argwhere(bad)[0]
            message = problem.format(points=float(values[i, j]), element=frame.columns[j])
            raise WeightsError(f"{caller}: expert {frame.index[i]!r} {message}")
    sums = frame.sum(axis=1)
    for expert, value in sums.items():
        if value <= 0:
            raise WeightsError(f"{caller}: expert {expert!r} gives 0 points to every element, so has no allocation")
        if total is not None and abs(value - total) > 1e-9 * max(1.0, abs(total)):
            raise WeightsError(f"{caller}: expert {expert!r} allocates {value:g} points, not the budget of {total:g}")
    normalised = frame.div(sums, axis=0)
    return BudgetResult(
        weights=normalised.mean(axis=0).rename("budget_weight"),
        spread=pd.DataFrame(
            {"std": normalised.std(axis=0, ddof=0), "min": normalised.min(axis=0), "max": normalised.max(axis=0)}
        ),
        normalised=normalised,
    )


def _allocation_frame(allocations: Any, caller: str) -> pd.DataFrame:
    if isinstance(allocations, pd.DataFrame):
        frame = allocations
        if frame.index.has_duplicates or frame.columns.has_duplicates:
            raise WeightsError(f"{caller}: experts and elements must be unique")
    elif isinstance(allocations, Mapping):
        experts = list(allocations.items())
        if not experts:
            raise WeightsError(f"{caller}: no experts given")
        reference_expert, reference = experts[0]
        if not isinstance(reference, Mapping):
            raise WeightsError(f"{caller}: expert {reference_expert!r}: expected a mapping element → points")
        elements = list(reference)
        for expert, points in experts[1:]:
            if not isinstance(points, Mapping):
                raise WeightsError(f"{caller}: expert {expert!r}: expected a mapping element → points")
            missing = [e for e in elements if e not in points]
            unknown = [e for e in points if e not in reference]
            if missing or unknown:
                raise WeightsError(
                    f"{caller}: expert {expert!r} scores different elements from expert {reference_expert!r}: "
                    f"unknown elements: {unknown}; expected but missing: {missing}"
                )
        try:
            frame = pd.DataFrame(
                [[float(points[e]) for e in elements] for _, points in experts],
                index=[expert for expert, _ in experts],
                columns=elements,
            )
        except (TypeError, ValueError) as exc:
            raise WeightsError(f"{caller}: points must be numbers: {exc}") from None
    else:
        raise WeightsError(f"{caller}: expected a mapping expert → (element → points) or a DataFrame")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise WeightsError(f"{caller}: need at least one expert and one element")
    try:
        return frame.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise WeightsError(f"{caller}: points must be numbers: {exc}") from None
