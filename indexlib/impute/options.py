"""The registry of imputation methods and each method's typed options.

Plain data and pydantic models (the kernels register themselves in :mod:`indexlib.impute.methods`),
so that the methodology can check its settings against the registry while importing. A method's
options are its own :class:`~indicators.registry.MethodOptions` model; the methodology's
``[missing]`` table gives them as flat keys (``neighbours``, ``groups``…) or under ``options``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from indicators.registry import MethodOptions, Registry, parse_options

__all__ = ["ImputerSpec", "IMPUTERS", "NoOptions", "GroupOptions", "NeighbourOptions", "NearestOptions",
           "IterativeOptions"]


class NoOptions(MethodOptions):
    """A method without options."""


class GroupOptions(MethodOptions):
    """Options of the group statistics (``group_median``, ``group_mean``)."""

    groups: tuple[str, ...] = Field(("country", "continent"), description="Group columns, tried in order.")
    min_values: tuple[int, ...] = Field((3, 1), description="Minimum cities with a value, per group level.")
    min_distinct: tuple[int, ...] = Field((3, 3), description="Minimum distinct donor values, per group level.")
    max_copies: int = Field(5, ge=1, description="At most this many cities of one group receive its statistic.")

    @model_validator(mode="after")
    def _one_per_group(self) -> GroupOptions:
        if not self.groups:
            raise ValueError("a group statistic needs at least one group column")
        for name in ("min_values", "min_distinct"):
            value = getattr(self, name)
            if len(value) != len(self.groups):
                raise ValueError(f"{name} {value} must have one entry per group {self.groups}")
            if any(v < 1 for v in value):
                raise ValueError(f"{name} must be >= 1")
        return self


class NeighbourOptions(MethodOptions):
    """Options of ``knn``."""

    neighbours: int = Field(5, ge=1, description="k: the number of most similar cities averaged.")


class NearestOptions(NeighbourOptions):
    """Options of ``nearest``."""

    min_same_country: int = Field(3, ge=1, description="Same-country donors needed to stay in the country.")


class IterativeOptions(MethodOptions):
    """Options of ``iterative``."""

    seed: int = Field(0, ge=0, description="Seed of the chained regressions.")


#: ``kernel(values, options, attributes) -> (filled, rules, levels)``: ``values`` cities × indicators
#: with NaN where missing, ``attributes`` the city attributes aligned to the rows (or None).
Kernel = Callable[[np.ndarray, Any, "pd.DataFrame | None"], tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ImputerSpec:
    """A registered imputation method: its kernel (None for ``none``), its options model, and whether
    it imputes an indicator from the others (``multivariate``: the result depends on which indicators
    are used)."""

    name: str
    kernel: Kernel | None
    options: type[MethodOptions] = NoOptions
    multivariate: bool = False
    description: str = ""

    def parse_options(self, values: Mapping[str, Any]) -> MethodOptions:
        """Validate ``values`` as this method's options (``ValueError`` naming a misspelt option)."""
        return parse_options(self.options, values, kind="imputation method", method=self.name)


IMPUTERS: Registry[ImputerSpec] = Registry("imputation method")
IMPUTERS.register("none")(ImputerSpec("none", None, description="No imputation: aggregate over available values."))
