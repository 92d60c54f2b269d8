"""The methodology: one pydantic model fixing every choice of a build, serialisable to TOML/JSON.

A build is a pure function of (panel, framework, methodology); the methodology and a hash of the
panel are written to every manifest so that any published ranking can be regenerated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from indexlib.normalise._base import OnConstant, ordered_pair
from indicators._config import ConfigModel, did_you_mean
from indicators.errors import SpecificationError
from indicators.registry import MethodOptions, parse_options

__all__ = [
    "SchemeOptions",
    "CoverageScreen",
    "MissingData",
    "OutlierTreatment",
    "Normalisation",
    "Aggregation",
    "AggregationRule",
    "Presentation",
    "Weighting",
    "Methodology",
    "load_methodology",
    "METHOD_KINDS",
    "method_options_schemas",
]


class _Model(ConfigModel):
    # inf and NaN are never meaningful settings (a range of [0, inf] would rank every city first)
    model_config = ConfigDict(allow_inf_nan=False)
    config_error = SpecificationError
    config_kind = "methodology"


def _registry(kind: str) -> Any:
    """The registry of a kind of method (imported on use: the methods import this module)."""
    if kind == "normaliser":
        from indexlib.normalise import NORMALISERS

        return NORMALISERS
    if kind == "aggregator":
        from indexlib.aggregate import AGGREGATORS

        return AGGREGATORS
    if kind == "imputation method":
        import indexlib.impute.methods  # noqa: F401 - registers the kernels
        from indexlib.impute.options import IMPUTERS

        return IMPUTERS
    if kind == "outlier rule":
        from indexlib.treat import OUTLIER_RULES

        return OUTLIER_RULES
    from weights import METHODS

    return METHODS


def _known_method(value: str, kind: str, names: list[str] | None = None) -> str:
    """``value`` if it names a registered method of ``kind``, else ``ValueError`` with a suggestion."""
    if names is None:
        names = _registry(kind).names()
    if value not in names:
        raise ValueError(f"unknown {kind} {value!r}{did_you_mean(value, names)} (valid: {', '.join(names)})")
    return value


def _registry_schema(kind: str, extra_names: tuple[str, ...] = ()) -> Any:
    """A ``json_schema_extra`` listing the registered methods of ``kind`` and their options at schema
    time, so ``indexlib schema`` shows every registered method, including one added after import."""

    def extra(schema: dict[str, Any]) -> None:
        registry = _registry(kind)
        schema["properties"]["method"]["enum"] = [*extra_names, *registry.names()]
        if "options" in schema["properties"]:
            schema["properties"]["options"]["description"] = (
                "Options of the chosen method (beyond the flat keys above), one schema per method: "
                "see x-method-options.")
        schema["x-method-options"] = method_options_schemas(kind)

    return extra


#: The kinds of method with a registry, as the methodology names them.
METHOD_KINDS = ("normaliser", "aggregator", "imputation method", "outlier rule", "weighting method")


def method_options_schemas(kind: str) -> dict[str, Any]:
    """``{method name: JSON Schema of its options}`` of every registered method of ``kind`` (one of
    :data:`METHOD_KINDS`), read from the registry when called."""
    registry = _registry(kind)
    schemas = {name: registry.get(name).options.model_json_schema() for name in registry.names()}
    if kind == "weighting method":  # fixed weights from a scheme: not computed from data, so not in the registry
        schemas["scheme"] = SchemeOptions.model_json_schema()
    return schemas


class CoverageScreen(_Model):
    """Which cities have enough data to be ranked. Shares are of the indicators used in the build."""

    min_overall: float = Field(0.5, ge=0, le=1, description="Minimum share of available indicators overall.")
    min_per_dimension: float = Field(0.0, ge=0, le=1, description="Minimum share within every dimension.")


#: The flat keys of ``[missing]`` (kept from the first file format); other options go in ``missing.options``.
FLAT_IMPUTATION_KEYS = ("groups", "min_values", "min_distinct", "max_copies", "neighbours", "min_same_country", "seed")
#: The flat keys of ``[outliers]``; other options of a rule go in ``outliers.options``.
FLAT_OUTLIER_KEYS = ("skew_threshold", "kurtosis_threshold", "max_winsorised", "log_transform")


class _RegisteredMethod(_Model):
    """A section choosing a registered method (``method``, checked against the registry of
    ``registry_kind``) whose options come from the flat keys ``flat_keys`` the method reads and from
    ``options``. A flat key changed for a method that does not read it is an error (it would be
    ignored), as is a flat key repeated in ``options``."""

    registry_kind: ClassVar[str]
    flat_keys: ClassVar[tuple[str, ...]]
    table: ClassVar[str]

    @field_validator("method", check_fields=False)
    @classmethod
    def _registered(cls, value: str) -> str:
        return _known_method(value, cls.registry_kind)

    @model_validator(mode="after")
    def _options_valid(self) -> Any:
        registry = _registry(self.registry_kind)
        used = registry.get(self.method).options.model_fields  # type: ignore[attr-defined]
        for name in self.flat_keys:
            if name not in used and getattr(self, name) != type(self).model_fields[name].default:
                users = [m for m in registry if name in registry.get(m).options.model_fields]
                raise ValueError(f"{name} is a setting of method(s) {', '.join(users)}, not of "
                                 f"{self.method!r}, and would be ignored")  # type: ignore[attr-defined]
        repeated = sorted(set(self.options) & set(self.flat_keys))  # type: ignore[attr-defined]
        if repeated:
            raise ValueError(f"options {repeated} have their own key: set {self.table}.{repeated[0]}")
        self.method_options()
        return self

    def method_options(self, method: str | None = None) -> Any:
        """The options model of ``method`` (default: the chosen one), from the flat keys it reads and
        ``options``."""
        spec = _registry(self.registry_kind).get(method or self.method)  # type: ignore[attr-defined]
        values = {name: getattr(self, name) for name in self.flat_keys if name in spec.options.model_fields}
        return spec.parse_options({**values, **self.options})  # type: ignore[attr-defined]


class MissingData(_RegisteredMethod):
    """How missing values are handled before normalisation (see :mod:`indexlib.impute`).

    * ``none`` aggregates over the available indicators with sibling weights renormalised per city;
    * ``mean``/``median`` fill with the indicator's cross-city statistic;
    * ``group_median`` fills with the median of the same group's cities that have a value, trying
      ``groups`` in order (country, then continent) and accepting a group when its donors number at
      least ``min_values`` and carry at least ``min_distinct`` distinct values, and when it has at
      most ``max_copies`` cities to fill; else the median of all cities. A city without a group
      label, or a panel without the group column, falls through to the next level;
    * ``group_mean`` (COINr ``i_mean_grp``): as ``group_median`` with the mean of the group's donors
      (and the mean of all cities as the last level), under the same donor and copy rules;
    * ``knn``: mean of the ``neighbours`` nearest cities over the other standardised indicators
      (scikit-learn ``KNNImputer``'s rules, ties broken by value: :mod:`indexlib.impute.knn`);
    * ``iterative``: chained regressions on the other standardised indicators (scikit-learn
      ``IterativeImputer``, Bayesian ridge, seeded by ``seed``), clipped to the observed range;
    * ``nearest``: inverse-distance weighting of the ``neighbours`` geographically nearest cities
      with a value (great-circle distance), within the same country when at least
      ``min_same_country`` of its cities have a value.

    The default is the method with the lowest cross-validated error on the 2025 panel
    (``indexlib impute-check``; table in the README). Every imputed cell is flagged in the result.
    """

    model_config = ConfigDict(json_schema_extra=_registry_schema("imputation method"))
    registry_kind = "imputation method"
    flat_keys = FLAT_IMPUTATION_KEYS
    table = "missing"

    method: str = Field("knn", description="'none' or a registered imputation method.")
    groups: tuple[str, ...] = ("country", "continent")
    min_values: tuple[int, ...] = Field((3, 1), description="Minimum cities with a value, per group level.")
    min_distinct: tuple[int, ...] = Field((3, 3), description="Minimum distinct donor values, per group level.")
    max_copies: int = Field(5, ge=1, description="At most this many cities of one group receive its median.")
    neighbours: int = Field(5, ge=1, description="k of knn and nearest.")
    min_same_country: int = Field(3, ge=1, description="nearest: same-country donors needed to stay in the country.")
    seed: int = Field(0, ge=0, description="Seed of the iterative imputer.")
    options: dict[str, Any] = Field(default_factory=dict, description="Other options of the chosen method.")


class OutlierTreatment(_RegisteredMethod):
    """The outlier rule (:data:`indexlib.treat.OUTLIER_RULES`): ``none``, or the JRC rule (COINr
    ``Treat`` defaults): treat an indicator when |skew| ≥ ``skew_threshold`` and excess kurtosis ≥
    ``kurtosis_threshold``; winsorise up to ``max_winsorised`` points; if that fails, revert and apply
    ``log_transform``. The JRC options have flat keys; a registered rule's other options go in
    ``options``."""

    model_config = ConfigDict(json_schema_extra=_registry_schema("outlier rule"))
    registry_kind = "outlier rule"
    flat_keys = FLAT_OUTLIER_KEYS
    table = "outliers"

    method: str = Field("jrc", description="A registered outlier rule.")
    skew_threshold: float = Field(2.0, gt=0)
    kurtosis_threshold: float = Field(3.5)
    max_winsorised: int = Field(5, ge=0)
    log_transform: Literal["log_ct", "log_ct_plus"] = "log_ct_plus"
    options: dict[str, Any] = Field(default_factory=dict, description="Other options of the chosen rule.")


#: Flat methodology keys of the built-in normalisers (kept from the first file format) → option names.
#: A method's other options go in ``normalisation.options``.
FLAT_NORMALISATION_KEYS = {"range": "feature_range", "zscore_mean": "mean",
                           "zscore_standard_deviation": "standard_deviation", "goalposts": "goalposts",
                           "truncate": "truncate", "reference_city": "reference_city", "cap": "cap"}


class Normalisation(_Model):
    """Normalisation method and its options (polarity is taken from the framework).

    ``method`` is any name of :data:`indexlib.normalise.NORMALISERS`. The built-in methods' options
    have flat keys (``range``, ``zscore_mean``, ``zscore_standard_deviation``, ``goalposts``,
    ``truncate``, ``reference_city``, ``cap``: see :data:`FLAT_NORMALISATION_KEYS`); any other
    option of the chosen method goes in ``options``. Both are validated against the method's own
    options model (:meth:`method_options`): a misspelt option is an error naming the closest one.
    """

    model_config = ConfigDict(json_schema_extra=_registry_schema("normaliser"))

    method: str = Field("minmax", description="A registered normaliser.")
    range: tuple[float, float] = Field((0.0, 100.0), description="Output range of bounded methods.")
    zscore_mean: float = 0.0
    zscore_standard_deviation: float = Field(1.0, gt=0)
    goalposts: dict[str, tuple[float, float]] | None = Field(
        None, description="Goalposts (low, high) in raw units per indicator id, for method 'goalposts'."
    )
    truncate: bool = True
    reference_city: str | None = Field(None, description="City id for method 'reference'.")
    cap: bool = Field(True, description="Method 'reference': cities better than the reference city score the top "
                                        "of the range (false: above it, uncapped).")
    on_constant: OnConstant = Field(
        "exclude", description="A constant indicator is excluded from the build with a warning ('exclude'), stops "
                               "it ('error'), or is kept at the middle of the range ('midpoint').")
    options: dict[str, Any] = Field(default_factory=dict, description="Other options of the chosen method.")

    @field_validator("method")
    @classmethod
    def _registered(cls, value: str) -> str:
        return _known_method(value, "normaliser")

    @field_validator("range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        return ordered_pair(value, "range")

    @model_validator(mode="after")
    def _options_valid(self) -> Normalisation:
        flat = sorted(set(self.options) & {*FLAT_NORMALISATION_KEYS.values(), "on_constant"})
        if flat:
            keys = {v: k for k, v in FLAT_NORMALISATION_KEYS.items()} | {"on_constant": "on_constant"}
            raise ValueError(f"options {flat} have their own key: set normalisation.{keys[flat[0]]}")
        self.method_options()
        return self

    def method_options(self, method: str | None = None) -> Any:
        """The chosen method's options model, from the flat keys and ``options``.

        Constant indicators are settled before normalisation (``on_constant``), so a method's own
        ``on_constant`` is 'midpoint' here: a constant column, if kept, maps to the middle.
        """
        from indexlib.normalise import NORMALISERS

        spec = NORMALISERS.get(method or self.method)
        fields = spec.options.model_fields
        values = {option: getattr(self, flat) for flat, option in FLAT_NORMALISATION_KEYS.items() if option in fields}
        if "on_constant" in fields:
            values["on_constant"] = "midpoint"
        return spec.parse_options({**values, **self.options})


class AggregationRule(_Model):
    """One aggregation function (``p`` is the exponent of the generalised mean)."""

    model_config = ConfigDict(json_schema_extra=_registry_schema("aggregator"))

    method: str = Field("arithmetic", description="A registered aggregator.")
    p: float = 1.0

    @field_validator("method")
    @classmethod
    def _registered(cls, value: str) -> str:
        return _known_method(value, "aggregator")

    @model_validator(mode="after")
    def _p_used(self) -> AggregationRule:
        from indexlib.aggregate import AGGREGATORS

        # p = 1 is the default, written to every manifest; another p on a method without one would be ignored
        if self.p != 1.0 and "p" not in AGGREGATORS.get(self.method).options.model_fields:
            raise ValueError(f"p = {self.p:g} is an option of a method with an exponent ('generalised'); "
                             f"method {self.method!r} has no options")
        return self

    def method_options(self) -> Any:
        """The aggregator's options model (``p`` is passed only to a method that has it)."""
        from indexlib.aggregate import AGGREGATORS

        options = AGGREGATORS.get(self.method).options
        return options.model_validate({"p": self.p} if "p" in options.model_fields else {})


class Aggregation(AggregationRule):
    """Aggregation at every level, with optional overrides per node id or per level number
    (level 2 = nodes whose children are indicators)."""

    by_node: dict[str, AggregationRule] = Field(default_factory=dict)
    by_level: dict[int, AggregationRule] = Field(default_factory=dict)
    min_share: float = Field(
        0.0, ge=0, le=1, description="A node's score is missing for a city when fewer than this share of its "
                                     "children have a value (COINr dat_thresh); 0 scores any available child.")

    def rule_for(self, node_id: str, level: int) -> AggregationRule:
        if node_id in self.by_node:
            return self.by_node[node_id]
        if level in self.by_level:
            return self.by_level[level]
        return AggregationRule(method=self.method, p=self.p)


class SchemeOptions(MethodOptions):
    """Options of ``weighting.method = "scheme"``: the weight scheme to apply."""

    scheme: str = Field(description="A built-in weight scheme id (e.g. 'ahp-example', 'expert-budget-example') or "
                                    "a TOML/JSON scheme file; an AHP or budget scheme is recomputed from its "
                                    "elicitation.")


class Weighting(_Model):
    """Where the weights come from:

    * ``framework``: the framework's, with the ``weights`` overrides;
    * ``scheme``: a weight scheme of :mod:`weights` (``options.scheme``: a built-in id or a scheme file;
      AHP pairwise comparisons or a budget allocation are recomputed from the elicitation the scheme
      carries), i.e. fixed element weights chosen by experts;
    * a data-driven method of :mod:`weights` (``entropy``, ``critic``, ``pca``, ``variation``, ``equal``)
      computed on the treated values of the ranked cities (after imputation and outlier treatment,
      before normalisation), with its ``options`` (e.g. ``pca``: ``n_factors``; ``entropy``:
      ``zero_handling``). A method's weights are the effective indicator weights (node weights follow,
      see :func:`weights.scheme_from_indicator_weights`).

    Entries of ``weights`` still override a scheme's or a method's. In a file, ``[weights] method =
    "entropy"`` is read as ``[weighting] method = "entropy"``.
    """

    model_config = ConfigDict(json_schema_extra=_registry_schema("weighting method", ("framework", "scheme")))

    method: str = Field("framework", description="'framework', 'scheme' or a registered weighting method.")
    options: dict[str, Any] = Field(default_factory=dict, description="Options of the chosen method.")

    @field_validator("method")
    @classmethod
    def _registered(cls, value: str) -> str:
        return _known_method(value, "weighting method",
                             ["framework", "scheme", *_registry("weighting method").names()])

    @model_validator(mode="after")
    def _options_valid(self) -> Weighting:
        if self.method == "framework" and self.options:
            raise ValueError("weighting 'framework' has no options; options belong to a weighting method or scheme")
        self.method_options()
        return self

    def method_options(self) -> Any:
        """The options model of the chosen method (None for ``framework``)."""
        if self.method == "framework":
            return None
        if self.method == "scheme":
            return parse_options(SchemeOptions, self.options, kind="weighting method", method="scheme")
        return _registry("weighting method").get(self.method).parse_options(self.options)


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
    weighting: Weighting = Weighting()
    denomination: Literal["framework", "none"] = Field(
        "framework", description="'framework' divides every indicator the framework gives a denominator by that "
                                 "panel column before the coverage screen and imputation (COINr Denominate); 'none' "
                                 "uses the values as given.")
    ties: Literal["min", "dense", "average"] = Field("min", description="'min' is competition ranking (1, 2, 2, 4).")
    missing_dimensions: Literal["error", "drop"] = Field(
        "error", description="A node without data for any city: 'error' stops the build; 'drop' removes it "
                             "(its siblings' weights renormalised) with a recorded note.")
    weights: dict[str, float] | None = Field(
        None, description="Weights overriding the framework's, keyed by element id (relative among siblings)."
    )

    @model_validator(mode="before")
    @classmethod
    def _weights_method(cls, data: Any) -> Any:
        """``weights = {method = "entropy"}`` chooses a weighting method (``weighting.method``)."""
        if isinstance(data, dict) and isinstance(data.get("weights"), dict) and "method" in data["weights"]:
            data = dict(data)
            weights = dict(data.pop("weights"))
            if "weighting" in data:
                raise ValueError("give the weighting method once: weights.method or weighting.method")
            data["weighting"] = {"method": weights.pop("method")}
            if weights:
                data["weights"] = weights
        return data

    @field_validator("weights")
    @classmethod
    def _weights_non_negative(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        bad = {k: v for k, v in (value or {}).items() if v < 0}
        if bad:
            raise ValueError(f"weights must be >= 0; got {bad}")
        return value

    # ------------------------------------------------------------------ (de)serialisation (ConfigModel)
    def _toml_data(self) -> dict[str, Any]:
        data = self.to_dict()
        # TOML keys are strings: write level numbers as strings; pydantic turns them back into ints.
        data["aggregation"]["by_level"] = {str(k): v for k, v in data["aggregation"]["by_level"].items()}
        return data


def load_methodology(path: str | Path | None) -> Methodology:
    """Read a methodology from a TOML or JSON file; ``None`` gives the default."""
    if path is None:
        return Methodology()
    return Methodology.from_file(path)
