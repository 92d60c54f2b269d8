"""The framework schema: indicators, aggregate nodes and the tree they form (pydantic v2).

A framework is a flat list of indicators and aggregate nodes, each naming its parent (COINr's
``iMeta`` layout), which allows any depth: indicator → dimension → … → index. Every element carries
a weight relative to its siblings. The model is frozen and forbids unknown fields, so a typo in a
framework file is an error, not a silently ignored key.
"""

from __future__ import annotations

import math

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any, Literal, cast

import numpy as np
from pydantic import (Field, SerializationInfo, field_serializer, field_validator,
                      model_serializer, model_validator)

from indicators._config import ConfigModel
from indicators.errors import FrameworkError, WeightsError
from indicators.polarity import parse_polarity

__all__ = ["Polarity", "Indicator", "Node", "Framework"]

Polarity = Literal["+", "-"]
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class _Model(ConfigModel):
    config_error = FrameworkError
    config_kind = "framework"


class Indicator(_Model):
    """One measured quantity.

    ``polarity`` is ``"+"`` when more is better and ``"-"`` when more is worse (any spelling of
    :func:`indicators.polarity.parse_polarity` is read); normalisers flip ``"-"`` indicators so that
    a higher normalised score is always better.
    """

    id: str = Field(pattern=_ID_PATTERN, description="Stable code, e.g. '05'.")
    name_en: str
    name_zh: str = ""
    unit: str = ""
    polarity: Polarity
    description: str = ""
    source_note: str = ""
    parent: str = Field(description="Id of the aggregate node this indicator belongs to.")
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False, strict=True, description="Relative to siblings.")
    bounds: tuple[float, float] | None = Field(
        default=None, description="Plausible [low, high] in the indicator's unit (inf allowed); see indicators.bounds.")
    integer: bool = Field(default=False, description="The indicator is a count: every value is a whole number.")
    denominator: str | None = Field(
        default=None, description="Panel column (one of the framework's unit_columns) this indicator is divided by "
                                  "before imputation (COINr Denominate), e.g. a population for a per-capita value.")
    denominator_scale: float = Field(
        default=1.0, gt=0, allow_inf_nan=False,
        description="COINr ScaleFactor: the value used is x / (denominator / scale), e.g. 1000 for per thousand.")

    @field_validator("polarity", mode="before")
    @classmethod
    def _read_polarity(cls, value: Any) -> Any:
        # every spelling of parse_polarity is read here too; stored as "+"/"-"
        return "+" if parse_polarity(value) > 0 else "-"

    @field_validator("bounds", mode="before")
    @classmethod
    def _open_sides(cls, value: Any) -> Any:
        # JSON has no infinity: an open side is written null (see _bounds_out) and read back as ±inf.
        if isinstance(value, (list, tuple)) and len(value) == 2:
            low, high = value
            return (-math.inf if low is None else low, math.inf if high is None else high)
        return value

    @field_serializer("bounds")
    def _bounds_out(self, value: tuple[float, float] | None, info: SerializationInfo) -> Any:
        if value is None or info.mode != "json":
            return value
        return [None if math.isinf(side) else side for side in value]

    @model_serializer(mode="wrap")
    def _without_default_denominator(self, handler: Any) -> Any:
        # an indicator that is not denominated serialises (and hashes) as before denominators existed
        data = handler(self)
        if isinstance(data, dict) and self.denominator is None and self.denominator_scale == 1.0:
            data.pop("denominator", None)
            data.pop("denominator_scale", None)
        return data

    @model_validator(mode="after")
    def _ordered_bounds(self) -> Indicator:
        if self.bounds is not None and not self.bounds[0] <= self.bounds[1]:  # also refuses NaN
            raise ValueError(f"indicator {self.id!r}: bounds must be [low, high] with low <= high; "
                             f"got {list(self.bounds)}")
        return self


class Node(_Model):
    """An aggregate: a dimension, a pillar or the index itself (the one node without a parent)."""

    id: str = Field(pattern=_ID_PATTERN)
    name_en: str
    name_zh: str = ""
    description: str = ""
    parent: str | None = Field(default=None, description="None for the root (the index).")
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False, strict=True, description="Relative to siblings.")


class Framework(_Model):
    """A validated indicator tree.

    Validation: ids unique across indicators and nodes; exactly one root; every parent is a node;
    every node has at least one child; no cycle; among siblings at least one weight is positive.

    Examples
    --------
    >>> from indicators import load_framework
    >>> fw = load_framework("gctsi-2025")
    >>> len(fw.indicator_ids), fw.dimension_ids[0]
    (24, 'economic_foundation')
    >>> round(float(fw.effective_weights()["05"]), 6)  # 1/6 dimension x 1/5 indicators
    0.033333
    """

    id: str = Field(pattern=_ID_PATTERN)
    name_en: str
    name_zh: str = ""
    version: str = ""
    description: str = ""
    nodes: tuple[Node, ...]
    indicators: tuple[Indicator, ...]
    unit_columns: tuple[str, ...] = Field(
        default=(),
        description="Non-indicator columns a panel for this framework may carry (groups, denominators).",
    )

    @model_validator(mode="after")
    def _check_tree(self) -> Framework:
        problems = _tree_problems(self.nodes, self.indicators)
        problems += [f"indicator {i.id!r} is divided by {i.denominator!r}, which is not among unit_columns "
                     f"{list(self.unit_columns)}; list the panel column that holds it in unit_columns"
                     for i in self.indicators if i.denominator is not None and i.denominator not in self.unit_columns]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ------------------------------------------------------------------ (de)serialisation (ConfigModel)
    def _toml_data(self) -> dict[str, Any]:
        # TOML, unlike JSON, writes an open bound as inf
        return self.model_dump(mode="python")

    # ------------------------------------------------------------------ structure
    @cached_property
    def _by_id(self) -> dict[str, Node | Indicator]:
        elements: tuple[Node | Indicator, ...] = (*self.nodes, *self.indicators)
        return {e.id: e for e in elements}

    @cached_property
    def _children(self) -> dict[str, tuple[str, ...]]:
        children: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        elements: tuple[Node | Indicator, ...] = (*self.nodes, *self.indicators)
        for element in elements:
            if element.parent is not None:
                children[element.parent].append(element.id)
        return {k: tuple(v) for k, v in children.items()}

    @property
    def root(self) -> str:
        """Id of the index node (the only node without a parent)."""
        return next(n.id for n in self.nodes if n.parent is None)

    @property
    def indicator_ids(self) -> list[str]:
        return [i.id for i in self.indicators]

    @property
    def node_ids(self) -> list[str]:
        return [n.id for n in self.nodes]

    @property
    def polarity(self) -> np.ndarray:
        """+1/−1 per indicator, in ``indicator_ids`` order."""
        return np.array([1.0 if i.polarity == "+" else -1.0 for i in self.indicators])

    def element(self, element_id: str) -> Node | Indicator:
        return self._by_id[element_id]

    def children(self, node_id: str) -> tuple[str, ...]:
        return self._children[node_id]

    def is_indicator(self, element_id: str) -> bool:
        return isinstance(self._by_id.get(element_id), Indicator)

    @cached_property
    def levels(self) -> dict[str, int]:
        """Level of each element: indicators are 1, a node is one above its highest child.

        Computed bottom-up without recursion, so a tree of any depth works.
        """
        level: dict[str, int] = {i.id: 1 for i in self.indicators}
        for node_id in reversed(self._top_down):
            level[node_id] = 1 + max(level[c] for c in self._children[node_id])
        return level

    @cached_property
    def _top_down(self) -> tuple[str, ...]:
        """Node ids in breadth-first order from the root: every node after its parent."""
        order = [self.root]
        for node_id in order:  # the list grows while it is walked: an iterative breadth-first search
            order.extend(c for c in self._children[node_id] if c in self._children)
        return tuple(order)

    @cached_property
    def aggregation_order(self) -> list[str]:
        """Nodes ordered so that every node comes after all of its children (bottom-up)."""
        declared = {n: k for k, n in enumerate(self.node_ids)}
        return sorted(self.node_ids, key=lambda n: (self.levels[n], declared[n]))

    @property
    def dimension_ids(self) -> list[str]:
        """Nodes whose children are indicators (the 'dimensions' of a two-level index)."""
        return [n for n in self.node_ids if any(self.is_indicator(c) for c in self._children[n])]

    @property
    def reported_node_ids(self) -> list[str]:
        """Every node but the root, in declaration order: the levels a ranking reports."""
        return [n for n in self.node_ids if n != self.root]

    def indicators_under(self, node_id: str) -> list[str]:
        """Indicator ids below ``node_id`` in ``indicator_ids`` order."""
        below: set[str] = set()
        stack = [node_id]
        while stack:
            current = stack.pop()
            if self.is_indicator(current):
                below.add(current)
            else:
                stack.extend(self._children[current])
        return [i for i in self.indicator_ids if i in below]

    def nodes_emptied_by(self, removed: Iterable[str]) -> list[str]:
        """Nodes that would have no indicator left if the ``removed`` indicators were dropped."""
        gone = set(removed)
        return [n for n in self.node_ids if set(self.indicators_under(n)) <= gone]

    def dimension_of(self, indicator_id: str) -> str:
        parent = self._by_id[indicator_id].parent
        assert parent is not None  # indicators always have a parent (validated)
        return parent

    # ------------------------------------------------------------------ weights
    def sibling_weights(self, node_id: str) -> np.ndarray:
        """Weights of ``node_id``'s children, normalised to sum to 1."""
        raw = np.array([self._by_id[c].weight for c in self._children[node_id]], dtype=float)
        return cast(np.ndarray, raw / raw.sum())

    def effective_weights(self) -> Any:
        """Nominal weight of each indicator in the index: the product of sibling-normalised weights
        down the tree (COINr ``get_eff_weights``; OECD/JRC 2008).

        .. math::

            w^{eff}_i = \\frac{w_i}{\\sum_{s \\in sib(i)} w_s}
                        \\prod_{a \\in anc(i)} \\frac{w_a}{\\sum_{s \\in sib(a)} w_s}
        """
        import pandas as pd

        share: dict[str, float] = {self.root: 1.0}
        for node_id in reversed(self.aggregation_order):  # top-down
            for child, w in zip(self._children[node_id], self.sibling_weights(node_id)):
                share[child] = share[node_id] * float(w)
        return pd.Series({i: share[i] for i in self.indicator_ids}, name="effective_weight")

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with the weights of the named elements replaced (ids must exist)."""
        unknown = sorted(set(weights) - set(self._by_id))
        if unknown:
            raise WeightsError(f"framework {self.id!r}: weights given for unknown ids {unknown}; "
                               f"known ids: {sorted(self._by_id)}")
        data = self.to_dict()
        for key in ("nodes", "indicators"):
            for element in data[key]:
                if element["id"] in weights:
                    element["weight"] = float(weights[element["id"]])
        try:
            return Framework.parse(data, source=f"weights for framework {self.id!r}")
        except FrameworkError as exc:
            raise WeightsError(str(exc)) from None

    def without_indicators(self, ids: Iterable[str]) -> Framework:
        """A copy without the given indicators; their siblings' weights are then renormalised
        implicitly (weights are relative). A node left empty is an error naming it."""
        drop = set(ids)
        data = self.to_dict()
        data["indicators"] = [i for i in data["indicators"] if i["id"] not in drop]
        return Framework.parse(data, source=f"framework {self.id!r} without {sorted(drop)}")


def _tree_problems(nodes: tuple[Node, ...], indicators: tuple[Indicator, ...]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for kind, element in [("node", n) for n in nodes] + [("indicator", i) for i in indicators]:
        if element.id in seen:
            problems.append(f"duplicate id {element.id!r} ({seen[element.id]} and {kind})")
        seen[element.id] = kind
    node_ids = {n.id for n in nodes}
    indicator_ids = {i.id for i in indicators}
    roots = [n.id for n in nodes if n.parent is None]
    if len(roots) != 1:
        problems.append(f"exactly one node must have no parent (the index); found {len(roots)}: {roots}")
    if not indicators:
        problems.append("the framework has no indicators")
    elements: tuple[Node | Indicator, ...] = (*nodes, *indicators)
    for element in elements:
        parent = element.parent
        if parent is None:
            continue
        if parent in indicator_ids:
            problems.append(f"{element.id!r} names parent {parent!r}, which is an indicator, not a node")
        elif parent not in node_ids:
            problems.append(f"{element.id!r} names parent {parent!r}, which is not a node of the framework")
    children: dict[str, list[Node | Indicator]] = {n.id: [] for n in nodes}
    for element in elements:
        if element.parent in children:
            children[element.parent].append(element)
    for node_id, kids in children.items():
        if not kids:
            problems.append(f"node {node_id!r} is empty: no indicator or node names it as parent")
        elif all(k.weight == 0 for k in kids):
            problems.append(f"all weights among the children of {node_id!r} are zero; at least one must be > 0")
    # A node whose chain of parents never ends (at the root or at a parent reported above) is in or
    # below a cycle. Each chain is walked once, iteratively, so this is linear in the tree.
    parent_of = {n.id: n.parent for n in nodes}
    ends: dict[str, bool] = {}
    for node in nodes:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = node.id
        while current in parent_of and current not in ends and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = parent_of[current]
        # a chain ends at None (the root), at a parent reported above, or at a node already walked
        terminates = (current is None or ends.get(current, True)) if current not in on_path else False
        for visited in path:
            ends[visited] = terminates
        if not ends[node.id]:
            problems.append(f"node {node.id!r} is part of a cycle of parents")
            break
    return problems

