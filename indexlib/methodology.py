"""The methodology: one pydantic model fixing every choice of a build, serialisable to TOML/JSON.

A build is a pure function of (panel, framework, methodology); the methodology and a hash of the
panel are written to every manifest so that any published ranking can be regenerated.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indicators import _toml
from indicators._config import load_text, parse_model, read_file
from indicators.errors import SpecificationError

__all__ = [
    "CoverageScreen",
    "MissingData",
    "OutlierTreatment",
    "Normalisation",
    "Aggregation",
    "Presentation",
    "Methodology",
    "load_methodology",
]


class _Model(BaseModel):
    # inf and NaN are never meaningful settings (a range of [0, inf] would rank every city first)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class CoverageScreen(_Model):
    """Which cities have enough data to be ranked. Shares are of the indicators used in the build."""

    min_overall: float = Field(0.5, ge=0, le=1, description="Minimum share of available indicators overall.")
    min_per_dimension: float = Field(0.0, ge=0, le=1, description="Minimum share within every dimension.")


class MissingData(_Model):
    """How missing values are handled before normalisation (see :mod:`indexlib.impute`).

    * ``none`` aggregates over the available indicators with sibling weights renormalised per city;
    * ``mean``/``median`` fill with the indicator's cross-city statistic;
    * ``group_median`` fills with the median of the same group's cities that have a value, trying
      ``groups`` in order (country, then continent) and accepting a group when its donors number at
      least ``min_values`` and carry at least ``min_distinct`` distinct values, and when it has at
      most ``max_copies`` cities to fill; else the median of all cities. A city without a group
      label, or a panel without the group column, falls through to the next level;
    * ``knn``: mean of the ``neighbours`` nearest cities over the other standardised indicators
      (scikit-learn ``KNNImputer``);
    * ``iterative``: chained regressions on the other standardised indicators (scikit-learn
      ``IterativeImputer``, Bayesian ridge, seeded by ``seed``), clipped to the observed range;
    * ``nearest``: inverse-distance weighting of the ``neighbours`` geographically nearest cities
      with a value (great-circle distance), within the same country when at least
      ``min_same_country`` of its cities have a value.

    The default is the method with the lowest cross-validated error on the 2025 panel
    (``indexlib impute-check``; table in the README). Every imputed cell is flagged in the result.
    """

    method: Literal["none", "mean", "median", "group_median", "knn", "iterative", "nearest"] = "knn"
    groups: tuple[str, ...] = ("country", "continent")
    min_values: tuple[int, ...] = Field((3, 1), description="Minimum cities with a value, per group level.")
    min_distinct: tuple[int, ...] = Field((3, 3), description="Minimum distinct donor values, per group level.")
    max_copies: int = Field(5, ge=1, description="At most this many cities of one group receive its median.")
    neighbours: int = Field(5, ge=1, description="k of knn and nearest.")
    min_same_country: int = Field(3, ge=1, description="nearest: same-country donors needed to stay in the country.")
    seed: int = Field(0, ge=0, description="Seed of the iterative imputer.")

    @model_validator(mode="after")
    def _aligned(self) -> MissingData:
        if self.method == "group_median":
            if not self.groups:
                raise ValueError("group_median needs at least one group column")
            for name in ("min_values", "min_distinct"):
                value = getattr(self, name)
                if len(value) != len(self.groups):
                    raise ValueError(f"{name} {value} must have one entry per group {self.groups}")
                if any(v < 1 for v in value):
                    raise ValueError(f"{name} must be >= 1")
        return self


class OutlierTreatment(_Model):
    """The JRC rule (COINr ``Treat`` defaults): treat an indicator when |skew| ≥ ``skew_threshold``
    and excess kurtosis ≥ ``kurtosis_threshold``; winsorise up to ``max_winsorised`` points; if that
    fails, revert and apply ``log_transform``."""

    method: Literal["none", "jrc"] = "jrc"
    skew_threshold: float = Field(2.0, gt=0)
    kurtosis_threshold: float = Field(3.5)
    max_winsorised: int = Field(5, ge=0)
    log_transform: Literal["log_ct", "log_ct_plus"] = "log_ct_plus"


class Normalisation(_Model):
    """Normalisation method and its options (polarity is taken from the framework)."""

    method: Literal["minmax", "zscore", "rank", "percentile", "goalposts", "reference"] = "minmax"
    range: tuple[float, float] = Field((0.0, 100.0), description="Output range of bounded methods.")
    zscore_mean: float = 0.0
    zscore_standard_deviation: float = Field(1.0, gt=0)
    goalposts: dict[str, tuple[float, float]] | None = Field(
        None, description="Goalposts (low, high) in raw units per indicator id, for method 'goalposts'."
    )
    truncate: bool = True
    reference_city: str | None = Field(None, description="City id for method 'reference'.")
    on_constant: Literal["exclude", "error"] = Field(
        "exclude", description="A constant indicator is excluded from the build with a warning, or an error."
    )

    @field_validator("range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError(f"range must be (low, high) with low < high; got {value}")
        return value

    @model_validator(mode="after")
    def _options_present(self) -> Normalisation:
        if self.method == "goalposts" and not self.goalposts:
            raise ValueError("method 'goalposts' needs goalposts: {indicator_id: [low, high]}")
        if self.method == "reference" and not self.reference_city:
            raise ValueError("method 'reference' needs reference_city")
        return self


class AggregationRule(_Model):
    """One aggregation function (``p`` is the exponent of the generalised mean)."""

    method: Literal["arithmetic", "geometric", "harmonic", "generalised", "copeland"] = "arithmetic"
    p: float = 1.0


class Aggregation(AggregationRule):
    """Aggregation at every level, with optional overrides per node id or per level number
    (level 2 = nodes whose children are indicators)."""

    by_node: dict[str, AggregationRule] = Field(default_factory=dict)
    by_level: dict[int, AggregationRule] = Field(default_factory=dict)

    def rule_for(self, node_id: str, level: int) -> AggregationRule:
        if node_id in self.by_node:
            return self.by_node[node_id]
        if level in self.by_level:
            return self.by_level[level]
        return AggregationRule(method=self.method, p=self.p)


class Presentation(_Model):
    """Presentation scale of every aggregate score: ``none`` (raw) or the report's linear 50–100
    (lowest city 50, highest 100, applied to each level separately). Raw scores stay available."""

    scale: Literal["none", "50-100"] = "50-100"


class Methodology(_Model):
    """Every choice of a build.

    The default follows methods.md §7 with the project's adjustment for the 2025 panel: screen at
    ≥ 50% of available indicators; impute with the method of lowest measured error (``knn``);
    JRC outlier rule; min-max 0–100; weights from the framework (equal); arithmetic means; 50–100
    presentation; competition ranking.

    Examples
    --------
    >>> m = Methodology()
    >>> m.missing.method, m.normalisation.method, m.aggregation.method, m.presentation.scale
    ('knn', 'minmax', 'arithmetic', '50-100')
    >>> Methodology.from_toml(m.to_toml()) == m
    True
    """

    screening: CoverageScreen = CoverageScreen()
    missing: MissingData = MissingData()
    outliers: OutlierTreatment = OutlierTreatment()
    normalisation: Normalisation = Normalisation()
    aggregation: Aggregation = Aggregation()
    presentation: Presentation = Presentation()
    ties: Literal["min", "dense", "average"] = Field("min", description="'min' is competition ranking (1, 2, 2, 4).")
    missing_dimensions: Literal["error", "drop"] = Field(
        "error", description="A node without data for any city: 'error' stops the build; 'drop' removes it "
                             "(its siblings' weights renormalised) with a recorded note.")
    weights: dict[str, float] | None = Field(
        None, description="Weights overriding the framework's, keyed by element id (relative among siblings)."
    )

    @field_validator("weights")
    @classmethod
    def _weights_non_negative(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        bad = {k: v for k, v in (value or {}).items() if v < 0}
        if bad:
            raise ValueError(f"weights must be >= 0; got {bad}")
        return value

    # ------------------------------------------------------------------ (de)serialisation
    @classmethod
    def parse(cls, data: dict[str, Any], *, source: str = "methodology") -> Methodology:
        return parse_model(cls, data, source=source, error=SpecificationError)

    @classmethod
    def from_toml(cls, text: str, *, source: str = "methodology") -> Methodology:
        return cls.parse(load_text(text, "toml", source=source, error=SpecificationError), source=source)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_toml(self) -> str:
        data = self.to_dict()
        # TOML keys are strings: write level numbers as strings; pydantic turns them back into ints.
        data["aggregation"]["by_level"] = {str(k): v for k, v in data["aggregation"]["by_level"].items()}
        return _toml.dumps(data)

    def replace(self, **changes: Any) -> Methodology:
        """A copy with top-level sections replaced (validated)."""
        data = self.model_dump()
        for key, value in changes.items():
            data[key] = value.model_dump() if isinstance(value, BaseModel) else value
        return Methodology.parse(data)


def load_methodology(path: str | Path | None) -> Methodology:
    """Read a methodology from a TOML or JSON file; ``None`` gives the default."""
    if path is None:
        return Methodology()
    return Methodology.parse(read_file(path, what="methodology", error=SpecificationError), source=str(path))
