"""What the weights really do: nominal effective weights against each component's actual importance.

Importance of component :math:`x_i` in the index :math:`y` is Karl Pearson's correlation ratio (the
first-order sensitivity index with correlated inputs)

.. math:: S_i = \\frac{V_{x_i}\\big(E[y \\mid x_i]\\big)}{V(y)},

estimated non-parametrically with a penalised cubic smoothing spline of :math:`y` on :math:`x_i`
(smoothing chosen by generalised cross-validation, ``scipy.interpolate.make_smoothing_spline``).
Nominal weights and importances are compared after normalising each to sum to 1; a component
whose importance differs from its weight by more than a factor of 2 is flagged.

``optimise_weights`` searches for weights whose importances match target values (by default the
nominal weights), following Becker et al. (2017) with the linear proxy :math:`S_i \\approx
\\operatorname{corr}(x_i, y)^2` inside the optimiser (scipy.optimize, Nelder–Mead) and the
non-parametric estimate reported for the result.

References
----------
Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science? JRSS-A
176(3): 609–634. doi:10.1111/j.1467-985X.2012.01059.x
Becker, W., Saisana, M., Paruolo, P. & Vandecasteele, I. (2017). Weights and importance in composite
indicators: closing the gap. Ecological Indicators 80: 12–22. doi:10.1016/j.ecolind.2017.03.056
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import interpolate, optimize

from indexlib.cli import (add_build_inputs, arguments, build_from_args, command, format_table, output_folder,
                          print_notes)
from indexlib.io import write_folder
from indexlib.result import IndexResult
from indexlib.scoring import ScoringPlan
from indicators.errors import DataValidationError, SpecificationError

__all__ = ["correlation_ratio", "importance_table", "optimise_weights", "WeightOptimisation"]

Level = Literal["indicator", "dimension"]


def correlation_ratio(x: np.ndarray, y: np.ndarray) -> float:
    """Non-parametric correlation ratio :math:`V(E[y|x]) / V(y)` in [0, 1].

    Tied ``x`` values are merged (mean of ``y``, weighted by their count) before smoothing; with
    fewer than 5 distinct values the conditional means themselves estimate :math:`E[y|x]`.

    >>> x = np.linspace(0, 1, 200)
    >>> round(correlation_ratio(x, np.sin(6 * x)), 3) > 0.99   # deterministic, non-linear
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
        spline = interpolate.make_smoothing_spline(scaled, means, w=counts.astype(float))
        fitted = spline(scaled)[inverse]
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
    before, after : DataFrame
        :func:`importance_table` rows for the nominal and optimised weights.
    loss : float
        Sum of squared differences between achieved and target shares.
    converged : bool
    """

    weights: pd.Series
    target: pd.Series
    achieved: pd.Series
    before: pd.DataFrame
    after: pd.DataFrame | None
    loss: float
    converged: bool


def optimise_weights(result: IndexResult, level: Level = "dimension", target: pd.Series | None = None, *,
                     max_iterations: int = 4000) -> WeightOptimisation:
    """Weights whose importances (linear proxy) match ``target`` shares (Becker et al. 2017).

    The index is recomputed with the build's own aggregation for each candidate weight vector
    (weights parameterised as a softmax, so they stay positive and sum to 1). The method refits
    only the chosen level; the other weights stay as in the framework.
    """
    import indexlib

    components, nominal = _components(result, level)
    ids = list(components.columns)
    target = (nominal if target is None else target.reindex(ids)).astype(float)
    if target.isna().any() or (target < 0).any() or target.sum() <= 0:
        raise DataValidationError(f"target importances must be given for {ids}, ≥ 0, with a positive sum")
    target = target / target.sum()
    plan = ScoringPlan.compile(result.framework, result.methodology.aggregation)
    base = plan.nominal_weights.copy()
    positions = [plan.element_ids.index(i) for i in ids]
    normalised = result.normalised[plan.indicator_ids].to_numpy()
    x = components.to_numpy()
    root = plan.node_ids.index(result.root)

    def shares(theta: np.ndarray) -> np.ndarray:
        w = np.exp(theta - theta.max())
        weights = base.copy()
        weights[positions] = w / w.sum()
        y = plan.score(normalised, weights)[:, root]
        centred_y = y - y.mean()
        centred_x = x - x.mean(axis=0)
        denominator = np.sqrt((centred_x**2).sum(axis=0) * (centred_y**2).sum())
        r2 = np.where(denominator > 0, (centred_x.T @ centred_y / np.where(denominator > 0, denominator, 1)) ** 2, 0)
        return r2 / r2.sum()

    def loss(theta: np.ndarray) -> float:
        return float(np.sum((shares(theta) - target.to_numpy()) ** 2))

    start = np.log(np.maximum(nominal.to_numpy() / nominal.sum(), 1e-12))
    fit = optimize.minimize(loss, start, method="Nelder-Mead",
                            options={"maxiter": max_iterations, "xatol": 1e-6, "fatol": 1e-12})
    w = np.exp(fit.x - fit.x.max())
    weights = pd.Series(w / w.sum(), index=ids, name="weight")
    after = None
    if level == "dimension":
        rebuilt = indexlib.build(result.panel, result.methodology.replace(weights={**(result.methodology.weights or {}),
                                                                                   **weights.to_dict()}),
                                 result.requested_framework)
        after = importance_table(rebuilt, level)
    return WeightOptimisation(weights, target, pd.Series(shares(fit.x), index=ids), importance_table(result, level),
                              after, float(fit.fun), bool(fit.success))


@arguments(lambda p: (add_build_inputs(p),
                      p.add_argument("--level", choices=["indicator", "dimension"], default="indicator"),
                      p.add_argument("--optimise", action="store_true",
                                     help="also search weights whose importance matches the nominal weights"),
                      p.add_argument("--out", type=output_folder,
                                     help="write importance.csv (and optimised_weights.csv) here")))
@command("importance", "nominal effective weights beside each component's actual importance")
def run_importance(args: argparse.Namespace) -> int:
    result = build_from_args(args)
    print_notes(result)
    table = importance_table(result, args.level)
    print(f"Weights vs importance ({args.level} level; shares sum to 1; flagged: ratio > 2 or < 0.5)")
    print(format_table(table[["id", "weight_share", "importance_share", "ratio", "flagged"]], floats=3))
    files = {}
    if args.out:
        files["importance.csv"] = table.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    if args.optimise:
        optimised = optimise_weights(result, args.level)
        print(f"\nOptimised {args.level} weights (importance matched to the nominal weights; loss "
              f"{optimised.loss:.2e}, converged: {optimised.converged}):")
        frame = pd.DataFrame({"weight": optimised.weights, "target_share": optimised.target,
                              "achieved_share": optimised.achieved})
        print(format_table(frame.reset_index(names="id"), floats=3))
        if args.out:
            files["optimised_weights.csv"] = frame.to_csv(float_format="%.6f", lineterminator="\n")
    if args.out:  # one folder: optimised_weights.csv of an earlier --optimise run is not left beside
        for path in write_folder(args.out, files, owns=["importance.csv", "optimised_weights.csv"]):
            print(f"wrote {path}", file=sys.stderr)
    return 0
