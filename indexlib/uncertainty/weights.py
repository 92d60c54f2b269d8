r"""The weights of the uncertainty model: which vary, and how a unit sample becomes a set of weights.

:class:`UncertainWeights` is the weight half of :class:`~indexlib.uncertainty.model.UncertaintyModel`
(a base class of it): it lists the weights the spec perturbs (the children of the root and, with
``include_indicators``, the indicators; or every element a weight alternative sets), their nominal
values, their sibling groups and the Sobol' factor each belongs to, and maps unit samples to weights:

* ``uniform``: :math:`w = w_0 \, (1 + x (2u - 1))` with spread :math:`x`;
* ``dirichlet``: independent gamma draws by the inverse CDF, :math:`\Gamma^{-1}(u; \alpha_i)` with
  :math:`\alpha_i = c \, w_{0,i} / \sum_j w_{0,j}` (concentration :math:`c`), which normalised per
  sibling group are a Dirichlet draw a Sobol' design can drive column by column;
* ``alternatives``: one column picks one of the alternative weight sets, :math:`\lfloor u k \rfloor`.

Uniform and Dirichlet weights are rescaled per sibling group to their nominal sum (scores unchanged).

References
----------
.. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the Royal
   Statistical Society A* 168(2): 307–323. doi:10.1111/j.1467-985X.2005.00350.x
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special

from indexlib.uncertainty.runs import option_index
from indexlib.uncertainty.spec import UncertaintySpec, read_weight_mapping
from indicators import Framework

__all__ = ["UncertainWeights"]


class UncertainWeights:
    """The varied weights of an :class:`~indexlib.uncertainty.model.UncertaintyModel` (its base class).

    Needs the model's ``spec``, ``prep`` (the prepared panel and framework) and ``framework``;
    :meth:`_set_weights` sets ``weight_method``, ``weight_alternatives``, ``weight_ids``,
    ``nominal_weights``, ``weight_factor`` and ``alternative_table``.
    """

    spec: UncertaintySpec
    prep: Any
    framework: Framework

    def _set_weights(self) -> None:
        fw = self.prep.framework
        setting = self.spec.weights
        self.weight_method = setting.method if setting.varies else "fixed"
        self.weight_alternatives: list[dict[str, float]] = []
        if setting.method == "alternatives":
            for source in setting.alternatives:
                mapping = read_weight_mapping(source)
                self.framework.with_weights(mapping)  # unknown ids, all-zero sibling groups: WeightsError
                self.weight_alternatives.append(mapping)
            ids = sorted({i for m in self.weight_alternatives for i in m}, key=_element_order(fw))
            ids = [i for i in ids if i in fw.node_ids or i in fw.indicator_ids]
            self.weight_ids = [i for i in ids if i != fw.root]
        elif setting.method in ("uniform", "dirichlet"):
            root_children = list(fw.children(fw.root))
            ids = root_children + (fw.indicator_ids if setting.include_indicators else [])
            self.weight_ids = [i for i in ids if fw.element(i).weight > 0]  # a zero weight stays zero
        else:
            self.weight_ids = []
        self.nominal_weights = np.array([fw.element(i).weight for i in self.weight_ids], dtype=float)
        parents = [fw.element(i).parent for i in self.weight_ids]
        self._sibling_groups = [np.array([k for k, p in enumerate(parents) if p == parent])
                                for parent in dict.fromkeys(parents)]
        # The Sobol factor a weight belongs to: the child of the root above it.
        top_of: dict[str, str] = {}
        for child in fw.children(fw.root):
            top_of[child] = child
            if not fw.is_indicator(child):
                for below in _descendants(fw, child):
                    top_of[below] = child
        self.weight_factor = [top_of[i] for i in self.weight_ids]
        self.alternative_table = np.array(
            [[m.get(i, fw.element(i).weight) for i in self.weight_ids] for m in self.weight_alternatives],
            dtype=float).reshape(len(self.weight_alternatives), len(self.weight_ids))

    def weight_columns(self) -> list[str]:
        """Names of the unit-sample columns that drive the weights (one per weight, or one choice)."""
        if self.weight_method == "alternatives":
            return ["weights"]
        if self.weight_method in ("uniform", "dirichlet"):
            return [f"w:{i}" for i in self.weight_ids]
        return []

    def _weights_from_unit(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        runs = unit.shape[0]
        if self.weight_method == "alternatives":
            choice = option_index(unit[:, 0], len(self.weight_alternatives))
            return self.alternative_table[choice], choice
        if self.weight_method == "uniform":
            x = self.spec.weights.spread
            weights = self.nominal_weights * (1.0 + x * (2.0 * unit - 1.0))
        elif self.weight_method == "dirichlet":
            # Inverse-CDF draws of independent gammas, normalised per sibling group: a Dirichlet
            # draw that a Sobol' design can drive column by column.
            shares = np.empty_like(self.nominal_weights)
            for group in self._sibling_groups:
                shares[group] = self.nominal_weights[group] / self.nominal_weights[group].sum()
            alpha = self.spec.weights.concentration * shares
            tiny = np.finfo(float).tiny
            weights = special.gammaincinv(alpha, np.clip(unit, tiny, 1.0 - np.finfo(float).eps))
            weights = np.maximum(weights, tiny)
        else:
            return np.empty((runs, 0)), None
        # Relative weights: rescale each sibling group to its nominal sum (readable, scores unchanged).
        for group in self._sibling_groups:
            total = weights[:, group].sum(axis=1, keepdims=True)
            weights[:, group] *= self.nominal_weights[group].sum() / total
        return weights, None


def _descendants(framework: Framework, node: str) -> list[str]:
    out: list[str] = []
    stack = list(framework.children(node))
    while stack:
        current = stack.pop()
        out.append(current)
        if not framework.is_indicator(current):
            stack.extend(framework.children(current))
    return out


def _element_order(framework: Framework) -> Callable[[str], int]:
    order = {e: k for k, e in enumerate([*framework.node_ids, *framework.indicator_ids])}
    return lambda element: order.get(element, len(order))

