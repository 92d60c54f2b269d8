"""Alternative weightings side by side: the index rebuilt under each scheme, everything else fixed.

A scheme is named on the command line as

* a data-driven method of :mod:`weights` (``equal``, ``entropy``, ``critic``, ``variation``,
  ``pca``): computed on the build's treated indicator values (after imputation and outlier
  treatment, polarity from the framework), over all used indicators, and turned into a scheme whose
  effective indicator weights equal the method's weights (``weights.scheme_from_indicator_weights``);
* ``nominal``: the methodology's own weights (the reference ranking);
* ``ahp:X``, ``budget:X`` or ``scheme:X``: a weight scheme, ``X`` being a built-in scheme id
  (``ahp-example``, ``expert-budget-example``, ``equal-indicators``, ``equal-dimensions``) or a
  scheme TOML/JSON file (an AHP or budget scheme carries its elicitation and is recomputed from it).

Each scheme's ranking is compared with the nominal ranking (:func:`indexlib.agreement.rank_agreement`):
Spearman and Kendall correlations, mean and maximum absolute rank shift, top-10 overlap (the cities
ranked ≤ 10 under both), and the five cities that move most.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indexlib.agreement import rank_agreement
from indexlib.pipeline import FrameworkInput, MethodologyInput, PanelInput, build, resolve_inputs
from indexlib.provenance import build_inputs, environment, scheme_record
from indexlib.rank import rank_dtype
from indexlib.result import IndexResult
from indicators.errors import SpecificationError

__all__ = ["WeightingComparison", "compare_weightings", "scheme_weights", "rank_agreement"]


@dataclass(frozen=True)
class WeightingComparison:
    """``summary``: one row per scheme (``scheme, spearman, kendall, mean_abs_shift, max_abs_shift,
    top10_overlap, largest_moves``); ``ranks``: ``city_id`` and the overall rank under each scheme;
    ``weights``: the effective indicator weights of each scheme; ``manifest``: versions, the SHA-256
    of every input (:mod:`indexlib.provenance`; scheme files included) and the schemes."""

    summary: pd.DataFrame
    ranks: pd.DataFrame
    weights: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    #: The files :meth:`files` returns (and ``compare --out`` owns in its folder).
    OUTPUTS = ("comparison.csv", "ranks_by_scheme.csv", "weights_by_scheme.csv", "compare.json")

    def files(self) -> dict[str, str]:
        """The contents of :attr:`OUTPUTS`, by file name."""
        return {
            "comparison.csv": self.summary.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            "ranks_by_scheme.csv": self.ranks.to_csv(index=False, lineterminator="\n"),
            "weights_by_scheme.csv": self.weights.to_csv(float_format="%.6f", lineterminator="\n"),
            "compare.json": json.dumps(self.manifest, ensure_ascii=False, indent=2) + "\n",
        }


def scheme_weights(spec: str, nominal: IndexResult) -> dict[str, float]:
    """Element weights (relative among siblings) for one scheme spec, on the nominal build's data."""
    import weights as weighting

    framework = nominal.framework
    kind, _, argument = spec.partition(":")
    if spec == "nominal":
        return {e: framework.element(e).weight for e in [*framework.node_ids, *framework.indicator_ids]
                if e != framework.root}
    if argument:
        if kind not in {"ahp", "budget", "scheme"}:
            raise SpecificationError(f"unknown scheme kind {kind!r} in {spec!r}; use ahp:X, budget:X or scheme:X")
        # apply() refuses a scheme made for another framework, or with missing or unknown ids
        applied = weighting.load_scheme(argument).apply(nominal.requested_framework)
        return {e: applied.element(e).weight for e in [*framework.node_ids, *framework.indicator_ids]
                if e != framework.root}
    method = weighting.get_method(spec)
    values = nominal.values[framework.indicator_ids]
    polarity = pd.Series(framework.polarity, index=framework.indicator_ids)
    w = method(values, polarity)
    scheme = weighting.scheme_from_indicator_weights(framework, w, id=spec)
    return dict(scheme.weights)


def compare_weightings(schemes: list[str], panel: PanelInput = None, methodology: MethodologyInput = None,
                       framework: FrameworkInput = None) -> WeightingComparison:
    """Build the index under each scheme (everything else fixed) and compare with the nominal ranking."""
    data, meth, fw = resolve_inputs(panel, methodology, framework)
    nominal = build(data, meth, fw)
    reference = nominal.ranks[nominal.root]
    rows, ranks, effective = [], {"nominal": reference}, {}
    for spec in schemes:
        element_weights = scheme_weights(spec, nominal)
        method = meth.replace(weights={**(meth.weights or {}), **element_weights})
        result = build(data, method, fw)
        rank = result.ranks[result.root]
        ranks[spec] = rank
        effective[spec] = result.effective_weights()
        moves = (rank - reference).sort_values(key=lambda s: -s.abs(), kind="stable").head(5)
        agreement = rank_agreement(reference, rank)
        agreement["top10_overlap"] = agreement.pop("top_k_overlap")
        rows.append({"scheme": spec, **agreement,
                     "largest_moves": "; ".join(f"{c} {reference[c]:g}→{rank[c]:g}" for c in moves.index)})
    summary = pd.DataFrame(rows, columns=["scheme", "spearman", "kendall", "mean_abs_shift", "max_abs_shift",
                                          "top10_overlap", "largest_moves"])
    rank_table = pd.DataFrame(ranks).astype(rank_dtype(meth.ties)).rename_axis("city_id").reset_index()
    rank_table = rank_table.sort_values("nominal", kind="stable").reset_index(drop=True)
    inputs = build_inputs(data, methodology, framework, meth)
    records = [r for r in map(scheme_record, schemes) if r is not None]
    manifest = {"environment": environment(),
                "inputs": {**inputs, **({"weight_schemes": records} if records else {})}, "schemes": list(schemes)}
    return WeightingComparison(summary, rank_table, pd.DataFrame(effective).rename_axis("indicator_id"), manifest)
