"""What the weights really do: nominal effective weights against each component's actual importance.

Importance of component :math:`x_i` in the index :math:`y` is Karl Pearson's correlation ratio (the
first-order sensitivity index with correlated inputs)

.. math:: S_i = \\frac{V_{x_i}\\big(E[y \\mid x_i]\\big)}{V(y)},

estimated non-parametrically with a penalised cubic smoothing spline of :math:`y` on :math:`x_i`
(smoothing chosen by generalised cross-validation over a bounded range, see :func:`correlation_ratio`).
Nominal weights and importances are compared after normalising each to sum to 1; a component
whose importance differs from its weight by more than a factor of 2 is flagged.

``optimise_weights`` searches for weights whose importances match target values (by default the
nominal weights), following Becker et al. (2017) with the linear proxy :math:`S_i \\approx
\\operatorname{corr}(x_i, y)^2` inside the optimiser (scipy.optimize, SLSQP on the simplex of weights)
and the non-parametric estimate reported for the result. It reports the error achieved for every
component and flags those that miss their target by more than a stated tolerance.

References
----------
Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? JRSS-A
176(3): 609–634. doi:10.1111/j.1467-985X.2012.01059.x
Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and importance in composite
indicators: closing the gap. Ecological Indicators 80: 12–22. doi:10.1016/j.ecolind.2017.03.056
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import pandas as pd
from scipy import linalg, optimize

from indexlib.result import IndexResult
from indexlib.scoring import ScoringPlan
from indicators.errors import DataValidationError, SpecificationError

__all__ = ["correlation_ratio", "importance_table", "optimise_weights", "WeightOptimisation"]

Level = Literal["indicator", "dimension"]


_GRID_PER_DOUBLING = 4  # GCV grid: four bandwidths per doubling (λ doubles from one point to the next)
_WIDEST_BANDWIDTH = 4.0  # on x scaled to [0, 1]: the spline is then the line to within 1e-4 degrees of freedom


def _demmler_reinsch(scaled: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``rho`` and vectors ``U`` of :math:`W^{-1/2} K W^{-1/2}`, :math:`K = Q R^{-1} Q^T` the
    cubic-spline roughness matrix at the knots ``scaled`` (Green & Silverman 1994, §2.1–2.3), so that the
    smoother is :math:`A_\\lambda = W^{-1/2} U \\operatorname{diag}(1/(1+\\lambda\\rho)) U^T W^{1/2}`. ``rho``
    ends with the two zeros of the lines."""
    n = scaled.size
    h = np.diff(scaled)
    inner = np.arange(n - 2)
    q = np.zeros((n, n - 2))
    q[inner, inner] = 1 / h[:-1]
    q[inner + 1, inner] = -1 / h[:-1] - 1 / h[1:]
    q[inner + 2, inner] = 1 / h[1:]
    r = np.diag((h[:-1] + h[1:]) / 3) + np.diag(h[1:-1] / 6, 1) + np.diag(h[1:-1] / 6, -1)
    # K = B Bᵀ with B = Q L⁻ᵀ (R = L Lᵀ): the SVD of W^{-1/2} B avoids forming K and squaring its condition
    b = linalg.solve_triangular(linalg.cholesky(r, lower=True), q.T, lower=True).T
    u, sigma, _ = np.linalg.svd(b / np.sqrt(weights)[:, None], full_matrices=True)
    return np.concatenate([sigma**2, [0.0, 0.0]]), u


def _smoothed_means(scaled: np.ndarray, means: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cubic smoothing spline of the group ``means`` at ``scaled`` (distinct, sorted, in [0, 1]), λ by GCV."""
    slope, intercept = np.polynomial.polynomial.polyfit(scaled, means, 1, w=np.sqrt(weights))[::-1]
    line = intercept + slope * scaled
    rho, u = _demmler_reinsch(scaled, weights)
    z = u.T @ (np.sqrt(weights) * (means - line))
    n = scaled.size

    def gcv(lam: np.ndarray) -> np.ndarray:
        # GCV of the means, as in scipy's make_smoothing_spline: n·Σ(m - f)² / (n - tr A_λ)²
        shrink = 1 / (1 + np.multiply.outer(lam, rho))  # eigenvalues of A_λ
        residuals = ((1 - shrink) * z) @ u.T / np.sqrt(weights)
        return cast(np.ndarray, n * (residuals**2).sum(axis=-1) / (n - shrink.sum(axis=-1)) ** 2)

    # bandwidths h = (λ / Σw)^(1/4) (Silverman 1984): from half the mean spacing of the distinct values,
    # below which the spline only interpolates, to well past the range of x, where it is the line
    narrowest = 0.5 / (n - 1)
    steps = int(np.ceil(_GRID_PER_DOUBLING * np.log2(_WIDEST_BANDWIDTH / narrowest)))
    log_lam = np.log(weights.sum()) + 4 * np.linspace(np.log(narrowest), np.log(_WIDEST_BANDWIDTH), steps + 1)
    scores = gcv(np.exp(log_lam))
    best = int(np.argmin(scores))
    if n * float(np.sum((means - line) ** 2)) / (n - 2) ** 2 <= scores[best]:
        return cast(np.ndarray, line)  # the line itself (λ = ∞) is a candidate
    refined = optimize.minimize_scalar(lambda v: float(gcv(np.exp(v))), method="bounded",
                                       bounds=(log_lam[max(best - 1, 0)], log_lam[min(best + 1, steps)]),
                                       options={"xatol": 1e-4})
    chosen = refined.x if refined.fun < scores[best] else log_lam[best]
    return cast(np.ndarray, line + u @ (z / (1 + np.exp(chosen) * rho)) / np.sqrt(weights))


def correlation_ratio(x: np.ndarray, y: np.ndarray) -> float:
    """Non-parametric correlation ratio :math:`V(E[y|x]) / V(y)` in [0, 1].

    Tied ``x`` values are merged (mean of ``y``, weighted by their count) before smoothing; with
    fewer than 5 distinct values the conditional means themselves estimate :math:`E[y|x]`.

    Otherwise :math:`E[y|x]` is the cubic smoothing spline :math:`\\hat f = A_\\lambda \\bar y` (penalty
    :math:`\\lambda\\int f''^2`, Green & Silverman 1994) with :math:`\\lambda` minimising the GCV score of
    the n distinct means, :math:`n\\sum(\\bar y - \\hat f)^2 / (n - \\operatorname{tr} A_\\lambda)^2` (Craven &
    Wahba 1979; the criterion of ``scipy.interpolate.make_smoothing_spline``). The search is global
    and bounded: with x scaled to [0, 1], over the equivalent-kernel bandwidth
    :math:`h = (\\lambda/\\textstyle\\sum w)^{1/4}` (Silverman 1984) on a log grid from half the mean
    spacing of the distinct x (narrower only interpolates) to 4 (the line to within 1e-4 degrees of
    freedom), then Brent's method between the grid neighbours of the best point; the line itself
    (:math:`\\lambda = \\infty`) is a candidate too. :math:`A_\\lambda` comes from the Demmler–Reinsch
    eigenbasis, exact for every λ, and acts on the residual of the weighted least-squares line (which
    it leaves unchanged). So noise-free linear data, where GCV has nothing to choose between, give 1
    to rounding on any machine, and no flat stretch of large λ traps the search (scipy's own search,
    Brent on a linear λ scale, can stop there or at a local minimum). Memory is O(n²) in the number
    of distinct values.

    >>> x = np.linspace(0, 1, 200)
    >>> round(correlation_ratio(x, np.sin(6 * x)), 3) > 0.99   # deterministic, non-linear
    True
    >>> abs(correlation_ratio(x, 3 * x + 1) - 1) < 1e-9          # linear: 1 on any machine
    True
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    total = np.var(y)
    if x.size < 3 or total == 0:
        return float("nan")
    distinct, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=y) / counts
    if distinct.size < 5:
        fitted = means[inverse]
    else:
        # scale x to [0, 1] so the GCV search is independent of the indicator's unit
        scaled = (distinct - distinct[0]) / (distinct[-1] - distinct[0])
        fitted = _smoothed_means(scaled, means, counts.astype(float))[inverse]
    return float(np.clip(np.var(fitted) / total, 0.0, 1.0))


def _components(result: IndexResult, level: Level) -> tuple[pd.DataFrame, pd.Series]:
    framework = result.framework
    if level == "indicator":
        return result.normalised, framework.effective_weights()
    if level == "dimension":
        dims = framework.dimension_ids
        shares = framework.effective_weights()
        nominal = pd.Series({d: shares[framework.indicators_under(d)].sum() for d in dims})
        return result.raw_scores[dims], nominal
    raise SpecificationError(f"level must be 'indicator' or 'dimension'; got {level!r}")


def importance_table(result: IndexResult, level: Level = "indicator", *, factor: float = 2.0) -> pd.DataFrame:
    """Nominal effective weight beside actual importance, for each indicator (or dimension).

    Columns: ``id, nominal_weight, importance (S_i), linear_importance (corr²), weight_share,
    importance_share, ratio (importance_share / weight_share), flagged``. A component is flagged
    when the ratio is above ``factor`` or below ``1/factor``.
    """
    components, nominal = _components(result, level)
    y = result.raw_scores[result.root].to_numpy()
    rows = []
    for component in components.columns:
        x = components[component].to_numpy()
        linear = float(np.corrcoef(x, y)[0, 1] ** 2) if np.std(x) > 0 else 0.0
        rows.append({"id": component, "nominal_weight": float(nominal[component]),
                     "importance": correlation_ratio(x, y), "linear_importance": linear})
    table = pd.DataFrame(rows)
    table["weight_share"] = table["nominal_weight"] / table["nominal_weight"].sum()
    table["importance_share"] = table["importance"] / table["importance"].sum()
    table["ratio"] = table["importance_share"] / table["weight_share"]
    table["flagged"] = (table["ratio"] > factor) | (table["ratio"] < 1.0 / factor)
    return table


@dataclass(frozen=True)
class WeightOptimisation:
    """Result of :func:`optimise_weights`.

    Attributes
    ----------
    weights : Series
        Optimised weights of the components (sum to 1), usable as ``Methodology(weights=…)``.
    target, achieved : Series
        Target importance shares and those achieved (linear proxy) with the optimised weights.
    error : Series
        ``achieved - target`` per component.
    missed : Series of bool
        Components with ``|error| > tolerance × target`` (a target of 0 is missed by any importance).
    tolerance : float
        The relative tolerance ``missed`` was judged with.
    before, after : DataFrame
        :func:`importance_table` rows for the nominal and optimised weights.
    loss : float
        Sum of squared differences between achieved and target shares.
    converged : bool
        Whether the optimiser stopped at a constrained minimum of ``loss`` (its first-order optimality
        conditions hold), not at its iteration limit. A minimum need not reach the target: see ``missed``.
    """

    weights: pd.Series
    target: pd.Series
    achieved: pd.Series
    before: pd.DataFrame
    after: pd.DataFrame | None
    loss: float
    converged: bool
    error: pd.Series
    missed: pd.Series
    tolerance: float

    @property
    def rms_error(self) -> float:
        """Root-mean-square of ``error``, :math:`\\sqrt{\\mathrm{loss}/k}`."""
        return float(np.sqrt(np.mean(self.error**2)))

    @property
    def relative_error(self) -> pd.Series:
        """``error / target`` (±inf where a target of 0 is missed, 0 where it is met)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.error / self.target).where(self.error != 0, 0.0)

    @property
    def target_met(self) -> bool:
        """Every component within ``tolerance`` of its target."""
        return not bool(self.missed.any())


def optimise_weights(result: IndexResult, level: Level = "dimension", target: pd.Series | None = None, *,
                     tolerance: float = 0.1, max_iterations: int = 500) -> WeightOptimisation:
    """Weights whose importances (linear proxy) match ``target`` shares (Becker et al. 2017).

    Minimises :math:`\\sum_i (s_i(w) - t_i)^2` over the simplex of weights, where
    :math:`s_i = r_i^2 / \\sum_k r_k^2` and :math:`r_i = \\operatorname{corr}(x_i, y(w))` with the index
    :math:`y(w)` recomputed by the build's own aggregation (SLSQP, gradient by central differences in
    one batched scoring). The loss has several local minima, often with some weights at 0; when the
    first run from the target weights leaves a component below its target, the search restarts once
    from each such component holding half the weight, and the least loss is kept. A component whose
    achieved share misses its target by more than ``tolerance × target`` is reported in ``missed``:
    non-negative weights often cannot reach the target (Paruolo et al. 2013). Only the chosen level is
    refitted; the other weights stay as in the framework.

    Parameters
    ----------
    tolerance : float, default 0.1
        Relative miss (10 %) beyond which a component is flagged.
    max_iterations : int, default 500
        Iteration limit of each optimiser run.
    """
    import indexlib

    if not tolerance > 0:
        raise SpecificationError(f"tolerance must be a positive fraction of the target; got {tolerance!r}")
    components, nominal = _components(result, level)
    ids = list(components.columns)
    target = (nominal if target is None else target.reindex(ids)).astype(float)
    if target.isna().any() or (target < 0).any() or target.sum() <= 0:
        raise DataValidationError(f"target importances must be given for {ids}, ≥ 0, with a positive sum")
    target = target / target.sum()
    goal = target.to_numpy()
    plan = ScoringPlan.compile(result.framework, result.methodology.aggregation)
    base = plan.nominal_weights.copy()
    positions = [plan.element_ids.index(i) for i in ids]
    normalised = result.normalised[plan.indicator_ids].to_numpy()
    centred_x = components.to_numpy() - components.to_numpy().mean(axis=0)
    spread_x = np.sqrt((centred_x**2).sum(axis=0))
    root = plan.node_ids.index(result.root)
    k = len(ids)

    def shares(candidates: np.ndarray) -> np.ndarray:
        """Linear-proxy importance shares, (R, k), for R candidate weight vectors (R, k)."""
        weights = np.tile(base, (candidates.shape[0], 1))
        weights[:, positions] = candidates / candidates.sum(axis=1, keepdims=True)
        y = plan.score(normalised, weights)[..., root]
        centred_y = y - y.mean(axis=-1, keepdims=True)
        denominator = np.sqrt((centred_y**2).sum(axis=-1))[:, None] * spread_x
        r2 = np.divide(centred_y @ centred_x, denominator, out=np.zeros_like(denominator), where=denominator > 0)**2
        return cast(np.ndarray, r2 / r2.sum(axis=1, keepdims=True))

    def loss(w: np.ndarray) -> float:
        return float(((shares(w[None]) - goal) ** 2).sum())

    def gradient(w: np.ndarray) -> np.ndarray:
        # central differences, one-sided at a weight of 0 (the loss is not defined for negative weights)
        upper, lower = w + 1e-7 * np.eye(k), np.clip(w - 1e-7 * np.eye(k), 0, None)
        losses = ((shares(np.vstack([upper, lower])) - goal) ** 2).sum(axis=1)
        return cast(np.ndarray, (losses[:k] - losses[k:]) / (np.diag(upper) - np.diag(lower)))

    def run(start: np.ndarray) -> optimize.OptimizeResult:
        return optimize.minimize(loss, start, jac=gradient, method="SLSQP", bounds=[(0.0, 1.0)] * k,
                                 constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1,
                                               "jac": lambda w: np.ones(k)}],
                                 options={"maxiter": max_iterations, "ftol": 1e-12})

    fit = run(goal)
    below = np.flatnonzero(shares(np.clip(fit.x, 0, None)[None])[0] < goal * (1 - tolerance))
    for j in below:
        retry = run(0.5 * goal + 0.5 * np.eye(k)[j])
        if retry.success and retry.fun < fit.fun:
            fit = retry
    w = np.clip(fit.x, 0, None)
    weights = pd.Series(w / w.sum(), index=ids, name="weight")
    achieved = pd.Series(shares(weights.to_numpy()[None])[0], index=ids)
    error = achieved - target
    after = None
    if level == "dimension":
        rebuilt = indexlib.build(result.panel, result.methodology.replace(weights={**(result.methodology.weights or {}),
                                                                                   **weights.to_dict()}),
                                 result.requested_framework)
        after = importance_table(rebuilt, level)
    return WeightOptimisation(weights, target, achieved, importance_table(result, level), after,
                              float((error**2).sum()), bool(fit.success), error,
                              error.abs() > tolerance * target, tolerance)
