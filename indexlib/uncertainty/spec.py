r"""What an uncertainty analysis varies, and how: the :class:`UncertaintySpec` (TOML or JSON).

Every methodological assumption of the index that an analyst could reasonably have made
differently becomes an *uncertain input* (Saisana, Saltelli & Tarantola 2005): the weights, the
normalisation, the aggregation, the imputation of missing values, the outlier treatment and the
set of indicators. The spec lists the alternatives of each; an assumption with no alternatives
stays fixed at the methodology's choice.

The default spec is the one of methods.md §7.11 and of the issue's benchmark:

* weights of the children of the root (the six dimensions) perturbed by ±25% uniformly,
  :math:`w \,(1 + 0.25\,(2u - 1))`, :math:`u \sim U[0, 1)` (COINr ``get_noisy_weights``);
* normalisation ∈ {min-max to [1, 100], z-score with mean 100 and standard deviation 10};
* aggregation ∈ {arithmetic, geometric} at every level;
* outlier treatment ∈ {on, off};
* imputation, the weighting scheme and the indicator set fixed at the methodology's (any
  :class:`MissingData` method, ``knn``, ``iterative``, ``nearest``, ``group_median``, ``median``…,
  can be listed as an alternative, and any weighting method of :mod:`weights`:
  ``weighting = ["framework", "entropy", "pca"]``).

Why the default normalisations are positive: a geometric mean needs strictly positive values, and
min-max to [0, 100] gives the worst city a 0. Min-max to [1, 100] and a z-score centred on 100
with standard deviation 10 are positive for any realistic panel (a z-score below −10 would need a
city more than ten standard deviations below the mean; with 125 cities the bound is about 11),
and both are affine maps of the methodology's min-max to [0, 100] and plain z-score, so under
arithmetic aggregation they rank cities exactly as those do — the nominal ranking is unchanged.
If a positive-only aggregator meets a value ≤ 0 anyway, the analysis raises
:class:`~indicators.errors.SpecificationError` naming the alternative, the city and the indicator.

Examples
--------
>>> spec = UncertaintySpec()
>>> [normalisation_label(n) for n in spec.normalisation], [aggregation_label(a) for a in spec.aggregation]
(['minmax[1,100]', 'zscore(100,10)'], ['arithmetic', 'geometric'])
>>> UncertaintySpec.from_toml(spec.to_toml()) == spec
True
>>> UncertaintySpec.parse({"weights": {"spread": 1.0}})
Traceback (most recent call last):
...
indicators.errors.SpecificationError: uncertainty spec: weights.spread: must be below 1 (each weight is multiplied by
1 ± spread, which must stay positive); got 1.0

References
----------
.. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the Royal
   Statistical Society A* 168(2): 307–323. doi:10.1111/j.1467-985X.2005.00350.x
.. [2] Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
   doi:10.1002/9780470725184
.. [3] Becker, W. et al. COINr: composite indicator construction and analysis in R,
   ``get_noisy_weights`` and ``get_sensitivity``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from indexlib.methodology import Aggregation, MissingData, Normalisation, OutlierTreatment, Weighting
from indicators._config import ConfigModel, read_file
from indicators.errors import SpecificationError

__all__ = [
    "WeightUncertainty",
    "IndicatorExclusion",
    "UncertaintySpec",
    "load_spec",
    "normalisation_label",
    "aggregation_label",
    "missing_label",
    "outlier_label",
    "weighting_label",
    "read_weight_mapping",
]


class _Model(ConfigModel):
    # inf and NaN are never meaningful settings (a range of [0, inf] would rank every city first)
    model_config = ConfigDict(allow_inf_nan=False)
    config_error = SpecificationError
    config_kind = "uncertainty spec"
    config_exclude_none = True


#: An outlier alternative: ``"on"`` (the methodology's JRC treatment, or the default JRC rule if
#: the methodology treats none), ``"off"`` (no treatment) or an explicit :class:`OutlierTreatment`.
OutlierChoice = Literal["on", "off"] | OutlierTreatment


class WeightUncertainty(_Model):
    r"""How the weights vary from run to run.

    ``method``:

    * ``"uniform"`` (default): every perturbed weight is multiplied independently by
      :math:`1 + x\,(2u - 1)`, :math:`u \sim U[0, 1)`, :math:`x` = ``spread`` (COINr
      ``get_noisy_weights``), i.e. drawn from :math:`U[w(1 - x), w(1 + x)]`;
    * ``"dirichlet"``: each sibling group :math:`g` of perturbed weights is drawn from a
      Dirichlet distribution centred on the nominal shares, :math:`\alpha_e = c\,w_e / \sum_{g} w`
      with :math:`c` = ``concentration`` (larger is tighter; the variance of a share is
      :math:`s(1 - s)/(c + 1)`);
    * ``"alternatives"``: one of ``alternatives`` (weight mappings ``{element id: weight}``,
      inline or as TOML/JSON files) drawn with equal probability per run;
    * ``"fixed"``: the weights do not vary.

    Which weights are perturbed (``uniform``/``dirichlet``): the children of the root (the
    dimensions of a two-level framework), and with ``include_indicators`` also every indicator.
    Weights are relative among siblings, so renormalisation is implicit; the recorded weights of a
    run are rescaled so that each perturbed sibling group keeps its nominal sum (equal nominal
    weights of 1 give recorded weights averaging 1, readable as multipliers).
    """

    method: Literal["uniform", "dirichlet", "alternatives", "fixed"] = "uniform"
    spread: float = Field(0.25, ge=0, allow_inf_nan=False,
                          description="x of the uniform perturbation w (1 + x (2u - 1)); 0 <= x < 1.")
    concentration: float = Field(100.0, gt=0, allow_inf_nan=False,
                                 description="c of the Dirichlet perturbation (alpha = c w / sum of siblings).")
    alternatives: tuple[dict[str, float] | str, ...] = Field(
        (), description="Weight mappings {element id: weight}, inline or as TOML/JSON file paths.")
    include_indicators: bool = Field(False, description="Perturb the indicator weights too.")

    @field_validator("spread")
    @classmethod
    def _below_one(cls, value: float) -> float:
        if value >= 1:
            raise ValueError(f"must be below 1 (each weight is multiplied by 1 ± spread, which must stay "
                             f"positive); got {value}")
        return value

    @field_validator("alternatives")
    @classmethod
    def _valid_mappings(cls, value: tuple[dict[str, float] | str, ...]) -> tuple[dict[str, float] | str, ...]:
        for k, mapping in enumerate(value):
            if isinstance(mapping, dict):
                if not mapping:
                    raise ValueError(f"weight alternative {k} is empty; give {{element id: weight}}")
                bad = {i: w for i, w in mapping.items() if not w >= 0 or w == float("inf")}
                if bad:
                    raise ValueError(f"weight alternative {k} has negative or non-finite weights {bad}")
        return value

    @model_validator(mode="after")
    def _alternatives_present(self) -> WeightUncertainty:
        if self.method == "alternatives" and not self.alternatives:
            raise ValueError("method 'alternatives' needs alternatives: a list of weight mappings or file paths")
        if self.method != "alternatives" and self.alternatives:
            raise ValueError(f"alternatives are only used with method 'alternatives' (method is {self.method!r})")
        return self

    @property
    def varies(self) -> bool:
        """True when the weights change between runs."""
        if self.method == "uniform":
            return self.spread > 0
        if self.method == "alternatives":
            return len(self.alternatives) > 1
        return self.method == "dirichlet"


class IndicatorExclusion(_Model):
    """Optionally drop one indicator per run (framework ``without_indicators`` semantics).

    With ``enabled``, every run draws with equal probability one of ``candidates`` (default: every
    indicator the build uses) or, when ``include_none``, no exclusion. The siblings of a dropped
    indicator share its weight (weights are relative).
    """

    enabled: bool = False
    candidates: tuple[str, ...] | None = Field(None, description="Indicator ids that may be dropped.")
    include_none: bool = Field(True, description="Also draw 'no indicator dropped'.")


class UncertaintySpec(_Model):
    """The uncertain inputs of an uncertainty (and sensitivity) analysis of the index.

    Every tuple of alternatives is drawn with equal probability per run; an empty tuple keeps
    that section of the methodology fixed. See the module docstring for the default and why its
    normalisations are positive.

    Attributes
    ----------
    runs : int, default=10_000
        Monte Carlo runs of the uncertainty analysis (the command line's ``--runs`` overrides it).
    seed : int, default=0
        Seed of ``numpy.random.default_rng`` (the command line's ``--seed`` overrides it).
    top : int, default=10
        ``p_top<top>``: probability of a rank ≤ ``top``.
    weights : WeightUncertainty
    normalisation : tuple of Normalisation
    aggregation : tuple of Aggregation
        Each alternative applies at every level unless it carries ``by_level``/``by_node``
        overrides.
    missing : tuple of MissingData
    outliers : tuple of {"on", "off"} or OutlierTreatment
    exclusion : IndicatorExclusion
    weighting : tuple of Weighting
        Weighting schemes drawn per run: ``framework`` (the methodology's weights) or a weighting
        method of :mod:`weights` with its options; a name stands for ``{method = name}``. A scheme's
        weights are computed once per imputation and treatment variant, on its treated values, as a
        build does (:func:`~indexlib.pipeline.apply_weighting`). Weights that ``weights`` perturbs
        are the run's explicit weights and win over the scheme's, as methodology weights win in a
        build: with ``weights.method = "fixed"`` only the scheme varies.
    """

    runs: int = Field(10_000, ge=1)
    seed: int = Field(0, ge=0)
    top: int = Field(10, ge=1)
    weights: WeightUncertainty = WeightUncertainty()
    normalisation: tuple[Normalisation, ...] = (
        Normalisation(method="minmax", range=(1.0, 100.0)),
        Normalisation(method="zscore", zscore_mean=100.0, zscore_standard_deviation=10.0),
    )
    aggregation: tuple[Aggregation, ...] = (Aggregation(method="arithmetic"), Aggregation(method="geometric"))
    missing: tuple[MissingData, ...] = ()
    outliers: tuple[OutlierChoice, ...] = ("on", "off")
    exclusion: IndicatorExclusion = IndicatorExclusion()
    weighting: tuple[Weighting, ...] = ()

    @field_validator("weighting", mode="before")
    @classmethod
    def _scheme_names(cls, value: Any) -> Any:
        """``"entropy"`` stands for ``{method = "entropy"}``."""
        if isinstance(value, (list, tuple)):
            return [{"method": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _distinct(self) -> UncertaintySpec:
        for name in ("normalisation", "aggregation", "missing", "outliers", "weighting"):
            seen: dict[str, int] = {}
            for k, option in enumerate(getattr(self, name)):
                key = option if isinstance(option, str) else option.model_dump_json()
                if key in seen:
                    raise ValueError(f"{name} alternatives {seen[key]} and {k} are identical; list each once")
                seen[key] = k
        return self

    # ------------------------------------------------------------------ (de)serialisation (ConfigModel)
    def _toml_data(self) -> dict[str, Any]:
        data = self.to_dict()
        # TOML keys are strings: level numbers are written as strings; pydantic reads them back as ints.
        for rule in data["aggregation"]:
            rule["by_level"] = {str(k): v for k, v in rule["by_level"].items()}
        return data


def load_spec(path: str | Path | None) -> UncertaintySpec:
    """Read a spec from a ``.toml`` or ``.json`` file; ``None`` gives the default spec.

    Weight alternatives given as relative file paths are resolved against the spec's folder.

    Raises
    ------
    SpecificationError
        File missing, not valid TOML/JSON, or an invalid spec (one line per problem).
    """
    if path is None:
        return UncertaintySpec()
    path = Path(path)
    spec = UncertaintySpec.from_file(path)
    resolved = tuple(str((path.parent / a).resolve()) if isinstance(a, str) and not Path(a).is_absolute() else a
                     for a in spec.weights.alternatives)
    if resolved != spec.weights.alternatives:
        spec = spec.replace(weights=spec.weights.model_copy(update={"alternatives": resolved}))
    return spec


def read_weight_mapping(source: dict[str, float] | str | Path) -> dict[str, float]:
    """A weight alternative as ``{element id: weight}``: inline, or read from a TOML/JSON file.

    A file holds either a table ``weights = {id = weight, …}`` (as a weighting scheme file does)
    or only ``id = weight`` pairs at the top level.

    Raises
    ------
    SpecificationError
        File missing or unreadable, or values that are not non-negative numbers.
    """
    if isinstance(source, dict):
        return {str(k): float(v) for k, v in source.items()}
    path = Path(source)
    data = read_file(path, what="weight alternative", error=SpecificationError)
    mapping = data.get("weights", data) if isinstance(data, dict) else None
    if not isinstance(mapping, dict) or not mapping:
        raise SpecificationError(f"{path}: expected a table of weights {{element id: weight}} (at the top level "
                                 "or under 'weights')")
    bad = {k: v for k, v in mapping.items()
           if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < float("inf")}
    if bad:
        raise SpecificationError(f"{path}: weights must be non-negative numbers; got {bad}")
    return {str(k): float(v) for k, v in mapping.items()}


# ---------------------------------------------------------------------------------------------- labels
def _number(value: float) -> str:
    return f"{value:g}"


def normalisation_label(option: Normalisation) -> str:
    """Short readable name of a normalisation alternative, e.g. ``minmax[1,100]``, ``zscore(100,10)``."""
    if option.method in ("minmax", "percentile"):
        return f"{option.method}[{_number(option.range[0])},{_number(option.range[1])}]"
    if option.method == "zscore":
        return f"zscore({_number(option.zscore_mean)},{_number(option.zscore_standard_deviation)})"
    if option.method == "reference":
        return f"reference({option.reference_city})"
    return option.method


def aggregation_label(option: Aggregation) -> str:
    """Short readable name of an aggregation alternative, e.g. ``geometric`` or ``generalised(p=2)``."""
    def rule(method: str, p: float) -> str:
        return f"generalised(p={_number(p)})" if method == "generalised" else method

    text = rule(option.method, option.p)
    overrides = [f"level {k}: {rule(r.method, r.p)}" for k, r in sorted(option.by_level.items())]
    overrides += [f"{k}: {rule(r.method, r.p)}" for k, r in sorted(option.by_node.items())]
    return f"{text} ({'; '.join(overrides)})" if overrides else text


def missing_label(option: MissingData) -> str:
    """Short readable name of an imputation alternative, e.g. ``group_median(country>continent)``,
    ``knn(k=5)``, ``nearest(k=5)`` or ``iterative(seed=0)``."""
    if option.method == "group_median":
        return f"group_median({'>'.join(option.groups)})"
    if option.method in ("knn", "nearest"):
        return f"{option.method}(k={option.neighbours})"
    if option.method == "iterative":
        return f"iterative(seed={option.seed})"
    return option.method


def weighting_label(option: Weighting) -> str:
    """``framework``, ``entropy`` or, with options, ``pca(n_factors=2)``."""
    options = ", ".join(f"{k}={v}" for k, v in sorted(option.options.items()))
    return f"{option.method}({options})" if options else option.method


def outlier_label(option: OutlierTreatment) -> str:
    """``off``, ``on`` (the default JRC rule) or ``jrc(...)`` with the options that differ."""
    if option.method == "none":
        return "off"
    default = OutlierTreatment()
    changed = [f"{k}={v}" for k, v in option.model_dump().items() if k != "method" and v != getattr(default, k)]
    return f"on({', '.join(changed)})" if changed else "on"
