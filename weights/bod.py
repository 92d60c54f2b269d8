"""Benefit-of-the-Doubt weights: each city gets the weights that show it in the best light."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import linprog

from indicators.errors import DataValidationError, SpecificationError, WeightsError
from weights._validation import FloatArray, LabelledMatrix, as_matrix, require_positive

__all__ = ["BoDResult", "bod_kernel", "bod_weights"]

BoundLike: TypeAlias = float | Sequence[float] | Mapping[Any, float] | pd.Series | npt.NDArray[Any] | None


def bod_kernel(
    Y: FloatArray,
    *,
    lower: FloatArray | None = None,
    upper: FloatArray | None = None,
    share_lower: FloatArray | None = None,
    share_upper: FloatArray | None = None,
    cities: npt.NDArray[np.intp] | None = None,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int8]]:
    """Benefit-of-the-Doubt scores and weights (numpy/scipy kernel, no validation).

    See :func:`bod_weights` for the model. Writing ``w = lower + u`` with ``u ≥ 0``, each city's
    linear programme is solved in its dual form, which has one constraint per indicator rather
    than one per city and is about twice as fast with HiGHS; the optimal weights are the dual
    values (marginals) of that problem.

    Parameters
    ----------
    Y : ndarray of shape (n_cities, n_indicators)
        Data, ≥ 0, higher is better.
    lower, upper : ndarray of shape (n_indicators,) or None
        Absolute bounds on the weights (``upper`` may hold ``inf``). ``None``: 0 and no bound.
    share_lower, share_upper : ndarray of shape (n_indicators,) or None
        Bounds on each indicator's share of the city's score, ``w_j y_cj / Σ_l w_l y_cl``.
    cities : ndarray of int, optional
        Rows to solve for (every row still constrains the weights). ``None``: all.

    Returns
    -------
    scores : ndarray of shape (n_solved,)
    weights : ndarray of shape (n_solved, n_indicators)
    status : ndarray of int8, shape (n_solved,)
        ``scipy.optimize.linprog`` status per city; 0 means solved, anything else means the
        restrictions are infeasible for that city (scores and weights are then NaN).

    Notes
    -----
    Preconditions, not checked here: ``Y`` is 2-D float64, finite and ≥ 0; ``0 ≤ lower ≤
    upper``; ``Y @ lower ≤ 1``; ``0 ≤ share_lower ≤ share_upper ≤ 1``. Cost: one linear programme
    per solved city, with n + m (+ 2m with share bounds) variables and m constraints.
    """
    n, m = Y.shape
    # Solve on columns scaled to a maximum of 1: scores do not change (weights absorb the scale)
    # and HiGHS, which treats very small coefficients as zero, sees well-scaled numbers. The
    # absolute bounds scale with the weights, w' = w * scale.
    scale = Y.max(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    Y = Y / scale
    low = np.zeros(m) if lower is None else lower * scale
    if upper is not None:
        upper = upper * scale
    rows = [Y]
    rhs = [1.0 - Y @ low]
    if upper is not None:
        finite = np.flatnonzero(np.isfinite(upper))
        rows.append(np.eye(m)[finite])
        rhs.append((upper - low)[finite])
    base_rows = np.vstack(rows)
    base_rhs = np.concatenate(rhs)
    # The dual's constraint matrix is the transpose; building it once keeps the loop lean.
    base_dual = -base_rows.T.copy()
    eye = np.eye(m)
    solve = np.arange(n) if cities is None else cities
    scores = np.full(solve.size, np.nan)
    weights = np.full((solve.size, m), np.nan)
    status = np.zeros(solve.size, dtype=np.int8)
    for position, c in enumerate(solve):
        y = Y[c]
        if share_lower is None and share_upper is None:
            dual_matrix, dual_cost = base_dual, base_rhs
        else:
            share_rows = []
            if share_lower is not None:
                keep = share_lower > 0
                share_rows.append(share_lower[keep, None] * y[None, :] - y[keep, None] * eye[keep])
            if share_upper is not None:
                keep = share_upper < 1
                share_rows.append(y[keep, None] * eye[keep] - share_upper[keep, None] * y[None, :])
            extra = np.vstack(share_rows)
            dual_matrix = np.hstack([base_dual, -extra.T])
            dual_cost = np.concatenate([base_rhs, -extra @ low])
        result = linprog(dual_cost, A_ub=dual_matrix, b_ub=-y, bounds=(0, None), method="highs")
        status[position] = result.status
        if result.status != 0:
            continue
        # Marginals are ∂(objective)/∂(b_ub) ≤ 0 for this minimisation; their negatives are the
        # primal weights. Clipping removes solver round-off only.
        w = low + np.clip(-result.ineqlin.marginals, 0.0, None)
        weights[position] = w / scale
        scores[position] = min(float(y @ w), 1.0)
    return scores, weights, status


@dataclass(frozen=True, slots=True)
class BoDResult:
    """City-specific weights and scores from :func:`bod_weights`.

    Attributes
    ----------
    scores : Series
        Benefit-of-the-Doubt score of each city, in [0, 1]; 1 means on the frontier.
    weights : DataFrame
        Cities × indicators: each city's optimal weights ``w_cj`` (in units of 1 / indicator
        unit, so they depend on the scale of the data; they are not normalised to sum to 1).
    contributions : DataFrame
        Cities × indicators: ``w_cj · y_cj``, each row summing to the city's score.
    """

    scores: pd.Series
    weights: pd.DataFrame
    contributions: pd.DataFrame


def bod_weights(
    X: pd.DataFrame | Any,
    *,
    lower: BoundLike = None,
    upper: BoundLike = None,
    share_lower: BoundLike = None,
    share_upper: BoundLike = None,
    cities: Sequence[Any] | pd.Index | None = None,
) -> BoDResult:
    r"""Benefit-of-the-Doubt weights and scores: one linear programme per city.

    Each city c is scored with the weights most favourable to it, subject to no city scoring
    above 1 with those weights (Melyn & Moesen, 1991; Cherchye et al., 2007):

    .. math::

        \mathrm{BoD}_c = \max_{w} \sum_j w_j y_{cj}
        \quad \text{s.t.} \quad \sum_j w_j y_{kj} \le 1 \;\; \forall k, \qquad
        l_j \le w_j \le u_j

    and optionally share ("virtual weight") restrictions
    :math:`L_j \le w_j y_{cj} / \sum_l w_l y_{cl} \le U_j`. Solved with
    ``scipy.optimize.linprog`` (HiGHS).

    Unrestricted BoD puts many cities on the frontier (score 1) and gives many indicators zero
    weight, more so with many indicators and few cities; a published index should restrict the
    weights.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_cities, n_indicators)
        Normalised data, ≥ 0, **higher is better** (flip "more is worse" indicators when
        normalising); the DataFrame's columns are the indicator ids, its index the city ids.
    lower, upper : float, sequence, mapping or Series, optional
        Absolute bounds on every weight (a scalar) or per indicator (a sequence in column order,
        or a mapping keyed by indicator id). Default: 0 and no upper bound. The bounds are in
        units of 1 / indicator unit: with data in [0, 1], ``lower=0.01`` keeps every indicator
        in play.
    share_lower, share_upper : float, sequence, mapping or Series, optional
        Bounds in [0, 1] on each indicator's share of the city's score. A positive
        ``share_lower`` gives a city with a zero on that indicator a score of 0.
    cities : sequence of city ids (positions for an array), optional
        Solve for these cities only (all cities still constrain the weights); default all.

    Returns
    -------
    BoDResult
        ``.scores`` (Series by city), ``.weights`` and ``.contributions`` (DataFrames, cities ×
        indicators).

    Raises
    ------
    DataValidationError
        If ``X`` is not a numeric 2-D table, holds NaN or inf, or ``cities`` names unknown
        cities.
    DomainError
        If an indicator has a negative value (the message names it and the cities).
    WeightsError
        If the bounds are invalid (negative, ``lower > upper``, shares outside [0, 1] or not
        able to add up to 1) or infeasible for the data: the message names the city.

    Notes
    -----
    Scores are invariant to rescaling an indicator (the weights absorb the scale) and to the
    order of cities. Every score is at least the score the city gets under any common weight
    vector that keeps all cities ≤ 1. Cost: one linear programme per city (about 2 ms each at
    125 × 24).

    References
    ----------
    .. [1] Melyn, W. & Moesen, W. (1991). Towards a synthetic indicator of macroeconomic
       performance: unequal weighting when limited information is available. Public Economics
       Research Paper 17, Centre for Economic Studies, KU Leuven.
    .. [2] Cherchye, L., Moesen, W., Rogge, N. & Van Puyenbroeck, T. (2007). An introduction to
       'benefit of the doubt' composite indicators. *Social Indicators Research* 82(1): 111–145.
       doi:10.1007/s11205-006-9029-7
    .. [3] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
       Guide*. OECD Publishing, Paris. doi:10.1787/9789264043466-en

    Examples
    --------
    >>> import pandas as pd
    >>> Y = pd.DataFrame({"a": [1.0, 0.5, 0.4], "b": [0.5, 1.0, 0.4]}, index=["A", "B", "C"])
    >>> bod_weights(Y).scores.round(4).tolist()
    [1.0, 1.0, 0.5333]
    """
    caller = "bod_weights"
    matrix = as_matrix(X, caller=caller, min_rows=1)
    require_positive(matrix, caller, "Benefit-of-the-Doubt needs data ≥ 0 (normalise first)", strict=False)
    Y = matrix.values
    m = Y.shape[1]
    lower_bounds = _bounds(lower, matrix, name="lower", default=0.0)
    upper_bounds = _bounds(upper, matrix, name="upper", default=np.inf)
    if (lower_bounds < 0).any():
        raise WeightsError(f"{caller}: lower bounds must be ≥ 0; negative for {_names(matrix, lower_bounds < 0)}")
    if (upper_bounds <= 0).any():
        raise WeightsError(f"{caller}: upper bounds must be > 0; not for {_names(matrix, upper_bounds <= 0)}")
    if (lower_bounds > upper_bounds).any():
        raise WeightsError(f"{caller}: lower bound above upper bound for {_names(matrix, lower_bounds > upper_bounds)}")
    at_lower = Y @ lower_bounds
    worst = int(np.argmax(at_lower))
    if at_lower[worst] > 1.0 + 1e-12:
        raise WeightsError(
            f"{caller}: the lower bounds are infeasible for these data: city {_city(matrix, worst)} scores "
            f"{at_lower[worst]:.4g} > 1 at the lower bounds alone. The bounds are in units of 1 / indicator "
            "unit; lower them or rescale the data."
        )
    share_low = _bounds(share_lower, matrix, name="share_lower", default=0.0) if share_lower is not None else None
    share_up = _bounds(share_upper, matrix, name="share_upper", default=1.0) if share_upper is not None else None
    if share_low is not None or share_up is not None:
        floor = np.zeros(m) if share_low is None else share_low
        ceiling = np.ones(m) if share_up is None else share_up
        outside = (floor < 0) | (ceiling > 1) | (floor > ceiling)
        if outside.any():
            raise WeightsError(
                f"{caller}: share bounds must satisfy 0 ≤ share_lower ≤ share_upper ≤ 1; "
                f"not for {_names(matrix, outside)}"
            )
        if floor.sum() > 1 + 1e-12 or ceiling.sum() < 1 - 1e-12:
            raise WeightsError(
                f"{caller}: shares cannot add up to 1 (sum of share_lower {floor.sum():.4g}, "
                f"sum of share_upper {ceiling.sum():.4g})"
            )
    solve, solve_index = _cities(cities, matrix, caller)
    scores, weights, status = bod_kernel(
        Y,
        lower=lower_bounds,
        upper=upper_bounds if np.isfinite(upper_bounds).any() else None,
        share_lower=share_low,
        share_upper=share_up,
        cities=solve,
    )
    failed = np.flatnonzero(status != 0)
    if failed.size:
        names = ", ".join(_city(matrix, int(solve[i])) for i in failed[:5])
        raise WeightsError(
            f"{caller}: the weight restrictions leave no feasible weights for {failed.size} city(ies) ({names}); "
            "loosen the bounds"
        )
    columns = matrix.columns.copy()
    weights_frame = pd.DataFrame(weights, index=solve_index, columns=columns)
    return BoDResult(
        scores=pd.Series(scores, index=solve_index, name="bod_score"),
        weights=weights_frame,
        contributions=pd.DataFrame(weights * Y[solve], index=solve_index, columns=columns),
    )


def _bounds(value: BoundLike, matrix: LabelledMatrix, *, name: str, default: float) -> FloatArray:
    m = matrix.values.shape[1]
    caller = "bod_weights"
    if value is None:
        return np.full(m, default)
    if isinstance(value, (Mapping, pd.Series)):
        lookup = dict(value.items())
        if not matrix.labelled:
            raise SpecificationError(f"{caller}: {name} is keyed by indicator id, but the data is an unlabelled array")
        unknown = sorted(str(k) for k in lookup if k not in set(matrix.columns))
        if unknown:
            raise WeightsError(f"{caller}: {name} names unknown indicators {unknown}")
        out = np.array([float(lookup.get(c, default)) for c in matrix.columns])
    else:
        out = np.asarray(value, dtype=np.float64)
        if out.ndim == 0:
            out = np.full(m, float(out))
        elif out.shape != (m,):
            raise WeightsError(f"{caller}: {name} has {out.size} values for {m} indicators")
    if np.isnan(out).any():
        raise WeightsError(f"{caller}: {name} contains NaN for {_names(matrix, np.isnan(out))}")
    return out


def _names(matrix: LabelledMatrix, mask: npt.NDArray[np.bool_]) -> str:
    return ", ".join(matrix.column_name(j) for j in np.flatnonzero(mask))


def _city(matrix: LabelledMatrix, i: int) -> str:
    return repr(str(matrix.rows[i])) if matrix.labelled else str(i)


def _cities(
    cities: Sequence[Any] | pd.Index | None, matrix: LabelledMatrix, caller: str
) -> tuple[npt.NDArray[np.intp], pd.Index]:
    if cities is None:
        return np.arange(matrix.values.shape[0]), matrix.rows.copy()
    if matrix.rows.has_duplicates:
        raise DataValidationError(f"{caller}: the city index has duplicates, so cities cannot be selected by id")
    wanted = pd.Index(list(cities))
    positions = matrix.rows.get_indexer(wanted)
    if (positions < 0).any():
        raise DataValidationError(f"{caller}: unknown cities {[str(c) for c in wanted[positions < 0]]}")
    return positions.astype(np.intp), matrix.rows[positions]
