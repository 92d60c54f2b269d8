"""Scoring a framework tree bottom-up, batched over stacks of weight vectors.

A :class:`ScoringPlan` compiles a framework and an aggregation rule set once; ``plan.score`` then
scores normalised indicators under one weight vector (E,) or a stack (R, E) — E being every
element of the tree (nodes and indicators) — in one call per tree node, never one call per run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from indexlib.aggregate import AGGREGATORS
from indexlib.methodology import Aggregation
from indicators import Framework
from indicators.errors import SpecificationError

__all__ = ["ScoringPlan", "first_non_positive", "thresholded"]


def first_non_positive(normalised: np.ndarray, *, strict: bool = True) -> tuple[int, int, int] | None:
    """``(row, column, count)`` of the first value ≤ 0 (``strict=False``: < 0), NaN ignored, or ``None``."""
    below = ~(normalised > 0) if strict else normalised < 0
    bad = np.argwhere(below & ~np.isnan(normalised))
    if not bad.size:
        return None
    return int(bad[0, 0]), int(bad[0, 1]), len(bad)


def thresholded(kernel: Any, min_share: float, values: np.ndarray, weights: np.ndarray, **options: Any
                ) -> np.ndarray:
    """``kernel``'s scores, NaN where fewer than ``min_share`` of the children have a value (COINr
    ``Aggregate(dat_thresh = min_share)``: the node is missing rather than scored on too little data)."""
    scores = kernel(values, weights, **options)
    share = (~np.isnan(values)).mean(axis=-1)
    return np.where(share >= min_share, scores, np.nan)


#: The value domains aggregators need, weakest first (index = strength).
DOMAINS = (None, "non-negative", "strictly positive")


@dataclass(frozen=True)
class _NodeStep:
    node_id: str
    indicator_children: np.ndarray  # column positions in the indicator matrix
    node_children: np.ndarray  # positions among the nodes' score columns
    weight_positions: np.ndarray  # positions of the children in the element weight vector, same order
    kernel: Any
    options: dict[str, float]
    domain: str | None  # one of DOMAINS


@dataclass(frozen=True)
class ScoringPlan:
    """Compiled aggregation of a framework.

    Attributes
    ----------
    indicator_ids : list of str
        Column order of the normalised matrix.
    node_ids : list of str
        Column order of the score output (bottom-up; the root last).
    element_ids : list of str
        Order of a weight vector: nodes (``node_ids`` order) then indicators.
    nominal_weights : ndarray (E,)
        The framework's weights in ``element_ids`` order.
    """

    indicator_ids: list[str]
    node_ids: list[str]
    element_ids: list[str]
    nominal_weights: np.ndarray
    steps: tuple[_NodeStep, ...]

    @classmethod
    def compile(cls, framework: Framework, aggregation: Aggregation | None = None) -> ScoringPlan:
        aggregation = aggregation or Aggregation()
        unknown_nodes = sorted(set(aggregation.by_node) - set(framework.node_ids))
        if unknown_nodes:
            raise SpecificationError(f"aggregation.by_node names {unknown_nodes}, which are not nodes of framework "
                                     f"{framework.id!r}; nodes: {framework.node_ids}")
        node_levels = sorted({framework.levels[n] for n in framework.node_ids})
        unknown_levels = sorted(set(aggregation.by_level) - set(node_levels))
        if unknown_levels:
            raise SpecificationError(f"aggregation.by_level names level(s) {unknown_levels}, which framework "
                                     f"{framework.id!r} does not have; its node levels are {node_levels}")
        indicator_ids = framework.indicator_ids
        node_ids = framework.aggregation_order
        element_ids = [*node_ids, *indicator_ids]
        position = {e: i for i, e in enumerate(element_ids)}
        indicator_column = {e: i for i, e in enumerate(indicator_ids)}
        node_column = {e: i for i, e in enumerate(node_ids)}
        steps = []
        for node_id in node_ids:
            children = framework.children(node_id)
            ind = [c for c in children if framework.is_indicator(c)]
            nod = [c for c in children if not framework.is_indicator(c)]
            rule = aggregation.rule_for(node_id, framework.levels[node_id])
            spec = AGGREGATORS.get(rule.method)
            steps.append(_NodeStep(
                node_id=node_id,
                indicator_children=np.array([indicator_column[c] for c in ind], dtype=int),
                node_children=np.array([node_column[c] for c in nod], dtype=int),
                weight_positions=np.array([position[c] for c in (*ind, *nod)], dtype=int),
                kernel=(functools.partial(thresholded, spec.kernel, aggregation.min_share)
                        if aggregation.min_share > 0 else spec.kernel),
                options=rule.method_options().model_dump(),
                # a power mean with p > 0 is defined for y >= 0 (y**p of a negative y is NaN or meaningless)
                domain=(None if not spec.needs_positive else "non-negative"
                        if rule.method == "generalised" and rule.p > 0 else "strictly positive"),
            ))
        weights = np.array([framework.element(e).weight for e in element_ids], dtype=float)
        return cls(indicator_ids, node_ids, element_ids, weights, tuple(steps))

    @property
    def domain(self) -> str | None:
        """The strictest value domain some node's aggregator needs (one of :data:`DOMAINS`)."""
        return max((step.domain for step in self.steps), key=DOMAINS.index)

    def first_outside_domain(self, normalised: np.ndarray) -> tuple[int, int, int] | None:
        """``(row, column, count)`` of the first normalised value outside :attr:`domain`, or ``None``."""
        if self.domain is None:
            return None
        return first_non_positive(normalised, strict=self.domain == "strictly positive")

    def score_by_node(self, normalised: np.ndarray, weights: np.ndarray | None = None) -> list[np.ndarray]:
        """Scores of every node as a list in ``node_ids`` order, each (n,) or (R, n).

        The fast path for batched runs: no (R, n, N) array is assembled.
        """
        weights = self.nominal_weights if weights is None else np.asarray(weights, dtype=float)
        batched = weights.ndim == 2
        by_node: list[np.ndarray] = []
        for step in self.steps:
            w = weights[..., step.weight_positions]
            if step.node_children.size == 0:
                values = normalised[:, step.indicator_children]
            else:
                children = [by_node[c] for c in step.node_children]
                if step.indicator_children.size:  # a node mixing indicators and nodes
                    own = normalised[:, step.indicator_children]
                    if batched:
                        own = np.broadcast_to(own, (weights.shape[0], *own.shape))
                    children = [*np.moveaxis(own, -1, 0), *children]
                # stacked child-first (contiguous writes), then viewed child-last as the kernels expect
                values = np.moveaxis(np.stack(children, axis=0), 0, -1)
            by_node.append(step.kernel(values, w, **step.options))
        return by_node

    def score(self, normalised: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Scores of every node.

        Parameters
        ----------
        normalised : ndarray (n, m)
            Normalised indicators, columns in ``indicator_ids`` order.
        weights : ndarray (E,) or (R, E), optional
            Element weights (relative among siblings); defaults to the framework's.

        Returns
        -------
        ndarray (n, N) or (R, n, N)
            Scores, columns in ``node_ids`` order.
        """
        return np.stack(self.score_by_node(normalised, weights), axis=-1)

    def root_scores(self, normalised: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Scores of the index (the root) only: (n,) or (R, n)."""
        return self.score_by_node(normalised, weights)[-1]
