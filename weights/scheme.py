"""Weight schemes as data: a named set of weights for a framework, stored as TOML or JSON.

A :class:`WeightScheme` gives a weight to every element of a framework but the root (each
dimension and each indicator), relative to its siblings, exactly like the ``weight`` fields of
the framework itself. Applying a scheme never renormalises or fills in anything silently: an id
the scheme lacks or the framework does not know is an error listing both sides.

Built-in schemes for ``gctsi-2025`` live in ``weights/schemes/*.toml``.

>>> from indicators import load_framework
>>> fw = load_framework("gctsi-2025")
>>> scheme = load_scheme("equal-indicators")
>>> round(float(scheme.apply(fw).effective_weights()["05"]), 6)  # 1/24
0.041667
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator, model_validator

from indicators._config import ConfigModel
from indicators.errors import DataValidationError, SpecificationError, WeightsError
from indicators.schema import Framework
from weights._registry import get_method
from weights._validation import PolarityLike, as_weight_series
from weights.ahp import ahp_weights
from weights.budget import budget_weights

__all__ = [
    "AHPElicitation",
    "BudgetElicitation",
    "WeightScheme",
    "builtin_schemes",
    "load_scheme",
    "scheme_from_indicator_weights",
    "scheme_within_nodes",
]

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
# Stored weights must reproduce the elicitation they came from to this relative precision.
_ELICITATION_TOLERANCE = 1e-9
# Indicator weights handed to scheme_from_indicator_weights must sum to 1 this closely.
_SUM_TOLERANCE = 1e-9


class _Model(ConfigModel):
    config_error = WeightsError
    config_kind = "weight scheme"
    config_exclude_none = True


class AHPElicitation(_Model):
    """The pairwise comparisons a scheme's weights were derived from (kept to recompute them).

    Entries may be written as numbers or as fractions such as ``"1/3"``.
    """

    elements: tuple[str, ...] = Field(min_length=1)
    matrix: tuple[tuple[float, ...], ...]

    @field_validator("matrix", mode="before")
    @classmethod
    def _read_fractions(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return value
        return [
            [float(Fraction(x)) if isinstance(x, str) else x for x in row] if isinstance(row, (list, tuple)) else row
            for row in value
        ]

    def result(self) -> Any:
        """The :class:`weights.ahp.AHPResult` of these comparisons."""
        return ahp_weights(np.array(self.matrix, dtype=float), labels=list(self.elements))


class BudgetElicitation(_Model):
    """The experts' budget allocations a scheme's weights were derived from."""

    experts: dict[str, dict[str, float]] = Field(min_length=1)
    total: float | None = None

    def result(self) -> Any:
        """The :class:`weights.budget.BudgetResult` of these allocations."""
        return budget_weights(self.experts, total=self.total)


class WeightScheme(_Model):
    """A named set of weights for a framework.

    Attributes
    ----------
    id : str
        Scheme id, e.g. ``"equal-indicators"``.
    description : str
        What the scheme is and where its weights come from.
    framework : str
        Id of the framework the scheme was made for.
    illustrative : bool
        True for made-up examples (not a real survey or study).
    weights : dict of str to float
        One weight per framework element except the root, relative to its siblings.
    budget, ahp : optional
        The elicitation the weights were derived from; when present, the weights of its
        elements must reproduce it (checked on construction).

    Examples
    --------
    >>> from indicators import load_framework
    >>> fw = load_framework("gctsi-2025")
    >>> scheme = WeightScheme.from_framework(fw)
    >>> WeightScheme.from_toml(scheme.to_toml()) == scheme
    True
    """

    id: str = Field(pattern=_ID_PATTERN)
    description: str = ""
    framework: str
    illustrative: bool = False
    weights: dict[str, float] = Field(min_length=1)
    budget: BudgetElicitation | None = None
    ahp: AHPElicitation | None = None

    @field_validator("weights")
    @classmethod
    def _check_weights(cls, value: dict[str, float]) -> dict[str, float]:
        problems = [
            f"weight of {k!r} is {v!r}; weights must be finite" for k, v in value.items() if not math.isfinite(v)
        ]
        problems += [f"weight of {k!r} is negative ({v!r})" for k, v in value.items() if v < 0]
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @model_validator(mode="after")
    def _check_elicitation(self) -> WeightScheme:
        for kind, elicitation in (("budget", self.budget), ("ahp", self.ahp)):
            if elicitation is None:
                continue
            derived: pd.Series = elicitation.result().weights
            missing = [str(e) for e in derived.index if e not in self.weights]
            if missing:
                raise ValueError(f"the {kind} elicitation covers {missing}, which have no weight in the scheme")
            stored = pd.Series({e: self.weights[str(e)] for e in derived.index}, dtype=float)
            stored = stored / stored.sum() if stored.sum() > 0 else stored
            if not np.allclose(stored.to_numpy(), derived.to_numpy(), rtol=_ELICITATION_TOLERANCE, atol=1e-12):
                raise ValueError(
                    f"the weights of {list(map(str, derived.index))} do not reproduce the {kind} elicitation: "
                    f"stored shares {stored.round(6).tolist()}, recomputed {derived.round(6).tolist()}"
                )
        return self

    # ------------------------------------------------------------------ reading and writing (ConfigModel)
    def save(self, path: str | Path) -> Path:
        """Write the scheme as TOML or JSON, chosen by the file's suffix."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in {".toml", ".json"}:
            raise WeightsError(f"{path}: a weight scheme file must be .toml or .json")
        path.write_text(self.to_toml() if suffix == ".toml" else self.to_json() + "\n", encoding="utf-8")
        return path

    # ------------------------------------------------------------------ use
    @classmethod
    def from_framework(
        cls, framework: Framework, *, id: str | None = None, description: str | None = None
    ) -> WeightScheme:
        """The weights a framework currently carries, as a scheme."""
        return cls(
            id=id or f"{framework.id}-default",
            description=description if description is not None else f"the weights stored in framework {framework.id!r}",
            framework=framework.id,
            weights={e: float(framework.element(e).weight) for e in _weighted_ids(framework)},
        )

    def apply(self, framework: Framework, *, check_framework: bool = True) -> Framework:
        """Return a copy of ``framework`` carrying this scheme's weights.

        Parameters
        ----------
        framework : Framework
        check_framework : bool, default=True
            Require ``framework.id`` to equal the scheme's ``framework``. Turn off to apply a
            scheme to a renamed copy; the ids must still match exactly.

        Raises
        ------
        WeightsError
            If the framework id differs (when checked); if the scheme lacks weights for some
            elements or has weights for ids the framework does not have (both lists are
            given); or if all the children of a node have weight 0 (the message names it).
        """
        if check_framework and framework.id != self.framework:
            raise WeightsError(
                f"weight scheme {self.id!r} was made for framework {self.framework!r}, not {framework.id!r}; "
                "pass check_framework=False to apply it anyway (the ids must still match)"
            )
        expected = _weighted_ids(framework)
        unknown = [k for k in self.weights if k not in set(expected)]
        missing = [k for k in expected if k not in self.weights]
        if unknown or missing:
            root_note = (
                f" ({framework.root!r} is the root: it has no siblings and takes no weight)"
                if framework.root in unknown
                else ""
            )
            raise WeightsError(
                f"weight scheme {self.id!r} does not match framework {framework.id!r}: "
                f"unknown ids: {unknown}{root_note}; expected but missing: {missing}"
            )
        zero_nodes = [n for n in framework.node_ids if all(self.weights[c] == 0 for c in framework.children(n))]
        if zero_nodes:
            raise WeightsError(
                f"weight scheme {self.id!r}: all weights among the children of node(s) {zero_nodes} are zero; "
                "at least one sibling must be positive"
            )
        return framework.with_weights(self.weights)

    def effective_weights(self, framework: Framework, *, check_framework: bool = True) -> pd.Series:
        """Effective weight of each indicator in the index under this scheme."""
        return self.apply(framework, check_framework=check_framework).effective_weights()


def _weighted_ids(framework: Framework) -> list[str]:
    """Every element that takes a weight: all nodes but the root, then all indicators."""
    return [n for n in framework.node_ids if n != framework.root] + framework.indicator_ids


# ---------------------------------------------------------------------- constructors


def scheme_from_indicator_weights(
    framework: Framework,
    w: pd.Series | Mapping[str, float],
    *,
    id: str = "indicator-weights",
    description: str = "",
    renormalise: bool = False,
) -> WeightScheme:
    r"""A scheme whose effective indicator weights equal ``w`` exactly.

    Each indicator gets weight :math:`w_i`, and each node the sum of the weights of the
    indicators below it, so the product of sibling-normalised weights down the tree telescopes
    to :math:`w_i / \sum_k w_k`. Use it to put a method computed over all indicators at once
    (e.g. entropy over all 24) into a framework.

    A node whose indicators all have weight 0 gets weight 0 and its children weight 1 each
    (any positive value would do: the node contributes nothing either way).

    Parameters
    ----------
    framework : Framework
    w : Series or mapping indicator id → weight
        Exactly one non-negative weight per indicator, summing to 1.
    id, description : str
        Of the new scheme.
    renormalise : bool, default=False
        Accept any positive sum (the effective weights are then ``w / w.sum()``).

    Returns
    -------
    WeightScheme

    Raises
    ------
    WeightsError
        If ``w`` misses indicators or names unknown ones (both listed), has negative or
        non-finite values, sums to 0, or does not sum to 1 and ``renormalise`` is false.

    Examples
    --------
    >>> from indicators import load_framework
    >>> fw = load_framework("gctsi-2025")
    >>> w = {i: 1 / 24 for i in fw.indicator_ids}
    >>> scheme_from_indicator_weights(fw, w).weights["economic_foundation"]  # 4 of 24 indicators
    0.16666666666666666
    """
    caller = "scheme_from_indicator_weights"
    series = as_weight_series(w, what=caller)
    expected = framework.indicator_ids
    unknown = [str(k) for k in series.index if k not in set(expected)]
    missing = [k for k in expected if k not in set(series.index)]
    if unknown or missing:
        raise WeightsError(
            f"{caller}: weights do not match the indicators of framework {framework.id!r}: "
            f"unknown ids: {unknown}; expected but missing: {missing}"
        )
    total = float(series.sum())
    if total <= 0:
        raise WeightsError(f"{caller}: the indicator weights sum to 0")
    if not renormalise and abs(total - 1.0) > _SUM_TOLERANCE:
        raise WeightsError(f"{caller}: the indicator weights sum to {total!r}, not 1; pass renormalise=True")
    subtotal: dict[str, float] = {i: float(series[i]) for i in expected}
    for node in framework.aggregation_order:  # bottom-up: children before parents
        subtotal[node] = sum(subtotal[c] for c in framework.children(node))
    weights: dict[str, float] = {}
    for node in framework.node_ids:
        children = framework.children(node)
        empty = all(subtotal[c] == 0 for c in children)
        for child in children:
            weights[child] = 1.0 if empty else subtotal[child]
    ordered = {e: weights[e] for e in _weighted_ids(framework)}
    return WeightScheme(
        id=id,
        description=description or f"indicator weights given directly over framework {framework.id!r}",
        framework=framework.id,
        weights=ordered,
    )


def scheme_within_nodes(
    framework: Framework,
    method: str | Callable[..., pd.Series],
    data: pd.DataFrame,
    *,
    polarity: PolarityLike | Literal["framework"] = "framework",
    id: str | None = None,
    description: str | None = None,
) -> WeightScheme:
    """A scheme with a data-driven method applied separately among the indicators of each
    dimension, keeping the framework's weights for every node.

    Parameters
    ----------
    framework : Framework
    method : str or callable
        A registered method name (see :func:`weights.method_names`) or a callable
        ``method(data, polarity) -> Series`` returning weights indexed by the columns it got.
    data : DataFrame
        Cities × indicators with a column for every indicator of the framework (other columns
        are ignored).
    polarity : "framework", or anything :func:`weights.entropy_weights` accepts
        Default: the framework's own indicator polarities.
    id, description : str, optional
        Of the new scheme.

    Returns
    -------
    WeightScheme

    Raises
    ------
    DataValidationError
        If ``data`` is not a DataFrame or lacks indicator columns (listed), or the method
        rejects the data.
    SpecificationError
        If a node has both indicators and nodes as children (siblings of different kinds cannot
        share a data-driven weighting).
    WeightsError
        If the method returns weights that are not one finite, non-negative value per indicator.
    UnknownMethodError
        If ``method`` is an unknown name.
    """
    caller = "scheme_within_nodes"
    compute = get_method(method) if isinstance(method, str) else method
    name = method if isinstance(method, str) else getattr(method, "__name__", "custom")
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(f"{caller}: data must be a DataFrame whose columns are indicator ids")
    missing = [i for i in framework.indicator_ids if i not in data.columns]
    if missing:
        raise DataValidationError(f"{caller}: data has no column for indicators {missing}")
    signs: PolarityLike = framework if isinstance(polarity, str) and polarity == "framework" else polarity
    weights = {n: float(framework.element(n).weight) for n in framework.node_ids if n != framework.root}
    for node in framework.dimension_ids:
        children = list(framework.children(node))
        nodes_among = [c for c in children if not framework.is_indicator(c)]
        if nodes_among:
            raise SpecificationError(
                f"{caller}: node {node!r} has both indicators and nodes {nodes_among} as children; "
                "a data-driven method can only weigh indicators against indicators"
            )
        result = compute(data[children], signs)
        got = as_weight_series(result, what=f"{caller}: method {name!r} in node {node!r}")
        if sorted(map(str, got.index)) != sorted(children):
            raise WeightsError(f"{caller}: method {name!r} returned weights for {list(got.index)}, expected {children}")
        for child in children:
            weights[child] = float(got[child])
    ordered = {e: weights[e] for e in _weighted_ids(framework)}
    return WeightScheme(
        id=id or f"{name}-within-dimensions",
        description=description
        or f"{name} weights computed within each dimension of {framework.id!r}; node weights kept from the framework",
        framework=framework.id,
        weights=ordered,
    )


# ---------------------------------------------------------------------- built-ins


def builtin_schemes() -> list[str]:
    """Ids of the weight schemes packaged with :mod:`weights`."""
    folder = resources.files("weights") / "schemes"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scheme(name_or_path: str | Path | WeightScheme) -> WeightScheme:
    """Return a built-in scheme by id, or read one from a ``.toml``/``.json`` file.

    Raises
    ------
    WeightsError
        If the name is neither a built-in scheme (they are listed) nor an existing file, or the
        scheme is invalid.
    """
    if isinstance(name_or_path, WeightScheme):
        return name_or_path
    name = str(name_or_path)
    if name in builtin_schemes():
        resource = resources.files("weights") / "schemes" / f"{name}.toml"
        return WeightScheme.from_toml(resource.read_text(encoding="utf-8"), source=f"built-in scheme {name}")
    path = Path(name)
    if not path.exists():
        raise WeightsError(
            f"weight scheme {name!r} is neither a built-in scheme ({', '.join(builtin_schemes())}) nor an existing file"
        )
    return WeightScheme.from_file(path)
