r"""The vectorised uncertainty analysis: thousands of alternative indices without rebuilding any.

A run of the analysis is the index built under one draw of the uncertain assumptions of an
:class:`~indexlib.uncertainty.spec.UncertaintySpec`. Rebuilding the index per run would take about
20 ms (:func:`indexlib.build` given a panel); 10,000 runs would take minutes. Instead:

1. **Variants.** The discrete choices that change the indicator values — imputation, outlier
   treatment, normalisation — have few combinations. Each is computed once with the pipeline's own
   functions (:func:`~indexlib.pipeline.prepare`, :func:`~indexlib.pipeline.impute_and_treat`,
   :func:`~indexlib.pipeline.normalise_values`), so a variant holds exactly the normalised matrix a
   :func:`~indexlib.build` with that methodology computes. Dropping an indicator drops its column:
   treatment, normalisation and the univariate imputations work indicator by indicator, so the
   other columns are unchanged (the coverage screen is checked to keep the same cities); knn and
   iterative imputation read the other indicators, so with them a variant is computed per dropped
   indicator.
2. **Groups.** Runs are grouped by their discrete choices (one sort); a group shares a variant and
   a compiled :class:`~indexlib.scoring.ScoringPlan`.
3. **Batched scoring.** Within a group only the weights differ. Tree nodes whose weights (and
   children) do not vary are scored once; the nodes above them are scored for every run of the
   group at once with the plan's batched kernels (a matrix product for an arithmetic mean, a matrix
   product of logarithms for a geometric one).
4. **Batched ranking.** :func:`~indexlib.rank.rank_scores` ranks every run of a chunk in one call
   (competition ranks of the root score by default — the methodology's ``ties``).
5. **Streaming statistics.** Ranks are integers 1…n (half-integers with ``ties="average"``), so a
   per-city histogram of ranks gives exact medians and percentiles whatever the number of runs. It
   is banded (:class:`~indexlib.uncertainty.rank_statistics.RankHistogram`): each city counts only
   the ranks between its lowest and highest, so memory follows the spread of the ranks, not the
   square of the cities; chunks of ``chunk_size`` runs (default 2,000) bound the working memory.

Percentiles use the inverted empirical distribution function (Hyndman & Fan 1996, definition 1;
``numpy.percentile(..., method="inverted_cdf")``): the :math:`q`-th percentile of a city's ranks is
the smallest simulated rank :math:`r` such that at least a share :math:`q` of the runs rank the city
at :math:`r` or better. It is always a rank that some run produced, and it is deterministic.

Every run can be rebuilt: :meth:`UncertaintyResult.methodology_for_run` and
:meth:`UncertaintyResult.framework_for_run` give the arguments of :func:`indexlib.build` that
reproduce the run's ranks exactly.

References
----------
.. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the Royal
   Statistical Society A* 168(2): 307–323. doi:10.1111/j.1467-985X.2005.00350.x
.. [2] Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
   doi:10.1002/9780470725184
.. [3] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 8. OECD Publishing.
.. [4] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The American
   Statistician* 50(4): 361–365. doi:10.1080/00031305.1996.10473566
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from indexlib.impute.methods import MULTIVARIATE_METHODS
from indexlib.io import write_folder
from indexlib.provenance import build_inputs, environment, spec_inputs
from indexlib.limits import available_memory, require_memory
from indexlib.methodology import Methodology, OutlierTreatment
from indexlib.panel import Panel
from indexlib.pipeline import _resolve, checked_plan, impute_and_treat, impute_values, normalise_values, prepare
from indexlib.rank import rank_scores
from indexlib.scoring import ScoringPlan
from indexlib.uncertainty.rank_statistics import KEPT_RANKS_BUDGET, RankHistogram, RankStatistics
from indexlib.uncertainty.spec import (
    UncertaintySpec,
    aggregation_label,
    missing_label,
    normalisation_label,
    outlier_label,
    read_weight_mapping,
)
from indicators import Framework, load_framework
from indicators.errors import FrameworkError, SpecificationError

__all__ = [
    "uncertainty_analysis",
    "UncertaintyResult",
    "one_at_a_time",
    "ScenarioResult",
    "RunTable",
    "UncertaintyModel",
]

#: The discrete sections, in the order of the grouping key and of the runs table.
SECTIONS = ("missing", "outliers", "normalisation", "aggregation", "exclusion")
_SECTION_COLUMN = {"missing": "missing", "outliers": "outliers", "normalisation": "normalisation",
                   "aggregation": "aggregation", "exclusion": "excluded_indicator"}
DEFAULT_CHUNK_SIZE = 2_000
#: At most this many city scores (runs × cities) are computed at once, so that a chunk's working
#: memory (a few float64 arrays of this size per tree level) does not grow with the panel.
CHUNK_CELLS = 2_000_000


ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RunTable:
    """The parameters of a set of runs.

    Attributes
    ----------
    choices : dict of str to ndarray of int
        For every section of :data:`SECTIONS`, the option index of each run (0 = the
        methodology's own choice; see :attr:`UncertaintyModel.options`).
    weights : ndarray of shape (R, P)
        Weight of each perturbed element (:attr:`UncertaintyModel.weight_ids`) in each run.
    weight_choice : ndarray of int or None
        Index of the weight alternative of each run, when the weights are drawn from alternatives.
    """

    choices: dict[str, np.ndarray]
    weights: np.ndarray
    weight_choice: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.weights.shape[0])


@dataclass
class _Variant:
    """The normalised matrix of one (imputation, outlier treatment, normalisation) choice."""

    normalised: np.ndarray  # (n, m) columns in framework.indicator_ids order
    framework: Framework  # the framework the build uses (constant indicators removed)
    label: str


@dataclass
class _Group:
    """What every run sharing a variant, an aggregation and an excluded indicator needs."""

    plan: ScoringPlan
    normalised: np.ndarray  # the variant's columns for the plan's indicators
    constant_scores: np.ndarray  # (n, N) scores of every node under the nominal weights
    weight_slots: np.ndarray  # (P,) position of each perturbed weight in plan.element_ids, -1 if absent
    varies: list[bool]  # per plan step: its score changes from run to run


class UncertaintyModel:
    """The index as a function of the uncertain assumptions, evaluated for many runs at once.

    Shared by :func:`uncertainty_analysis`, :func:`one_at_a_time` and
    :func:`indexlib.sensitivity.sensitivity_analysis`; not usually created directly.

    Parameters
    ----------
    panel, methodology, framework
        As for :func:`indexlib.build` (``None`` = embedded 2025 panel, default methodology,
        ``gctsi-2025``).
    spec : UncertaintySpec, optional
        The uncertain inputs; default :class:`UncertaintySpec()`.
    spec_source : path, optional
        The file ``spec`` was read from; the manifests record the SHA-256 of its bytes (else of
        the spec's canonical JSON).

    Attributes
    ----------
    options : dict of str to list
        Per section, the options a run can use; index 0 is the methodology's own choice, the
        spec's alternatives follow (an alternative equal to the methodology's choice is index 0).
        ``exclusion`` options are ``None`` (no indicator dropped) or an indicator id.
    drawn : dict of str to ndarray of int
        Per section, the option indices the uncertainty analysis draws from (``[0]`` when fixed).
    weight_ids : list of str
        Elements whose weights vary (or are set by weight alternatives).
    nominal_weights : ndarray (P,)
        Their nominal weights.
    city_ids : list of str
        The ranked cities (after the coverage screen).
    nominal_ranks : ndarray (n,)
        Ranks of the nominal build.
    """

    def __init__(self, panel: Any = None, methodology: Any = None, framework: Any = None,
                 spec: UncertaintySpec | None = None, *, spec_source: str | Path | None = None) -> None:
        self.spec = spec or UncertaintySpec()
        self.requested_framework = load_framework(framework)
        self.panel, self.methodology, self.framework = _resolve(panel, methodology, self.requested_framework)
        self.inputs = {**build_inputs(self.panel, methodology, framework, self.methodology),
                       **spec_inputs(self.spec, spec_source)}
        meth = self.methodology
        self.prep = prepare(self.panel, meth, self.framework)
        self.city_ids = [str(c) for c in self.prep.values.index]
        self.ties = meth.ties
        self._variants: dict[tuple[int, int, int], _Variant] = {}
        self._treated: dict[tuple[Any, ...], tuple[pd.DataFrame, Framework]] = {}
        self._imputed: dict[tuple[str, str | None], tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = {}
        self._plans: dict[tuple[tuple[str, ...], int, int], ScoringPlan] = {}
        self._groups: dict[tuple[int, ...], _Group] = {}
        self._set_options()
        self._set_weights()
        self._nominal()

    # ------------------------------------------------------------------ options
    def _set_options(self) -> None:
        meth, spec = self.methodology, self.spec
        base_outliers = meth.outliers

        def outlier_option(choice: Any) -> OutlierTreatment:
            if isinstance(choice, OutlierTreatment):
                return choice
            if choice == "off":
                return base_outliers.model_copy(update={"method": "none"})
            # "on": the methodology's own rule when it treats outliers, else the default JRC rule
            if base_outliers.method == "jrc":
                return base_outliers
            return base_outliers.model_copy(update={"method": "jrc"})

        alternatives: dict[str, list[Any]] = {
            "missing": list(spec.missing),
            "outliers": [outlier_option(o) for o in spec.outliers],
            "normalisation": list(spec.normalisation),
            "aggregation": list(spec.aggregation),
        }
        nominal: dict[str, Any] = {"missing": meth.missing, "outliers": meth.outliers,
                                   "normalisation": meth.normalisation, "aggregation": meth.aggregation}
        self.options: dict[str, list[Any]] = {}
        self.drawn: dict[str, np.ndarray] = {}
        for section, alts in alternatives.items():
            options = [nominal[section]]
            drawn: list[int] = []
            for alt in alts:
                key = alt.model_dump_json()
                match = next((k for k, o in enumerate(options) if o.model_dump_json() == key), None)
                if match is None:
                    options.append(alt)
                    match = len(options) - 1
                if match not in drawn:
                    drawn.append(match)
            self.options[section] = options
            self.drawn[section] = np.array(drawn or [0], dtype=np.int64)
        used = self.prep.framework.indicator_ids
        exclusion = spec.exclusion
        candidates = list(dict.fromkeys(exclusion.candidates)) if exclusion.candidates is not None else list(used)
        unknown = [c for c in candidates if c not in self.requested_framework.indicator_ids]
        if unknown:
            raise SpecificationError(f"exclusion.candidates names unknown indicator(s) {unknown}; the framework "
                                     f"{self.requested_framework.id!r} has {self.requested_framework.indicator_ids}")
        unused = [c for c in candidates if c not in used]
        if unused and exclusion.enabled:
            raise SpecificationError(f"exclusion.candidates {unused} are not used by the build (no data for any "
                                     "city); dropping them would change nothing")
        self.options["exclusion"] = [None, *used]
        if exclusion.enabled:
            drawn_ids = ([0] if exclusion.include_none else []) + [1 + used.index(c) for c in candidates]
            if len(drawn_ids) == 0:
                raise SpecificationError("exclusion is enabled with no candidates and include_none = false")
            self.drawn["exclusion"] = np.array(drawn_ids, dtype=np.int64)
            bad = self.exclusions_changing_cities(candidates)
            if bad:
                changes = "; ".join(f"{i!r} changes the ranked cities ({d})" for i, d in bad.items())
                raise SpecificationError(
                    f"dropping indicator(s) {changes}; rank statistics need the same cities in every run: "
                    "remove them from exclusion.candidates or change methodology.screening"
                )
        else:
            self.drawn["exclusion"] = np.array([0], dtype=np.int64)
        self.labels: dict[str, list[str]] = {
            "missing": [missing_label(o) for o in self.options["missing"]],
            "outliers": [outlier_label(o) for o in self.options["outliers"]],
            "normalisation": [normalisation_label(o) for o in self.options["normalisation"]],
            "aggregation": [aggregation_label(o) for o in self.options["aggregation"]],
            "exclusion": ["none", *used],
        }
        for section in ("missing", "outliers", "normalisation", "aggregation"):
            labels = self.labels[section]
            if len(set(labels)) < len(labels):  # two options print alike: number them
                self.labels[section] = [f"{text}#{k}" for k, text in enumerate(labels)]

    def exclusions_changing_cities(self, candidates: list[str]) -> dict[str, str]:
        """Indicators whose removal changes the set of cities the coverage screen keeps."""
        kept = set(self.city_ids)
        changed = {}
        for indicator in candidates:
            try:
                reduced = self.requested_framework.without_indicators([indicator])
            except FrameworkError:
                changed[indicator] = "its dimension would be left empty"
                continue
            cities = set(prepare(self.panel, self.methodology, _with_weights(reduced, self.methodology)).values.index)
            if cities != kept:
                gained, lost = sorted(cities - kept), sorted(kept - cities)
                changed[indicator] = ", ".join(p for p in (f"adds {gained}" if gained else "",
                                                           f"drops {lost}" if lost else "") if p)
        return changed

    @property
    def varied_sections(self) -> list[str]:
        """Sections whose choice changes between runs of the uncertainty analysis."""
        return [s for s in SECTIONS if len(self.drawn[s]) > 1]

    # ------------------------------------------------------------------ weights
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

    def provenance(self) -> dict[str, Any]:
        """What every analysis manifest records about its inputs: versions, the SHA-256 of every input
        file (:mod:`indexlib.provenance`), framework, methodology."""
        from indexlib import __version__

        return {
            "indexlib_version": __version__,
            "environment": environment(),
            "inputs": self.inputs,
            "input": {"source": self.panel.source, "sha256": self.panel.sha256},
            "framework": self.requested_framework.id,
            "methodology": self.methodology.to_dict(),
        }

    def factor_layout(self) -> tuple[list[str], list[str]]:
        """Sobol factors and, for every unit-sample column, the factor it belongs to.

        Weights are grouped per child of the root (``weight:<id>``: its own weight and, with
        ``include_indicators``, the weights below it); weight alternatives are one factor
        ``weights``; every varied discrete section is one factor named after it.
        """
        if self.weight_method == "alternatives":
            groups = ["weights"]
        elif self.weight_method in ("uniform", "dirichlet"):
            groups = [f"weight:{top}" for top in self.weight_factor]
        else:
            groups = []
        groups += self.varied_sections
        return list(dict.fromkeys(groups)), groups

    def _weights_from_unit(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        runs = unit.shape[0]
        if self.weight_method == "alternatives":
            choice = _option_index(unit[:, 0], len(self.weight_alternatives))
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

    def runs_from_unit(self, unit: np.ndarray) -> RunTable:
        """Map unit samples (R, C) in [0, 1) to run parameters.

        Columns: first :meth:`weight_columns`, then one per varied section
        (:attr:`varied_sections`). A discrete section with :math:`k` options drawn maps
        :math:`u` to option :math:`\\lfloor u k \\rfloor` (equiprobable, COINr's convention).
        """
        unit = np.asarray(unit, dtype=float)
        n_weight = len(self.weight_columns())
        expected = n_weight + len(self.varied_sections)
        if unit.ndim != 2 or unit.shape[1] != expected:
            raise SpecificationError(f"unit samples must have {expected} columns (weights {n_weight}, "
                                     f"sections {self.varied_sections}); got shape {unit.shape}")
        weights, weight_choice = self._weights_from_unit(unit[:, :n_weight])
        choices = {s: np.zeros(unit.shape[0], dtype=np.int64) + self.drawn[s][0] for s in SECTIONS}
        for k, section in enumerate(self.varied_sections):
            drawn = self.drawn[section]
            choices[section] = drawn[_option_index(unit[:, n_weight + k], len(drawn))]
        return RunTable(choices, weights, weight_choice)

    def run_bytes(self, runs: int) -> int:
        """Bytes of the uniform draw and the :class:`RunTable` of ``runs`` runs (8-byte cells)."""
        columns = len(self.weight_columns()) + len(self.varied_sections)
        per_run = columns + len(self.weight_ids) + len(SECTIONS) + (self.weight_method == "alternatives")
        return 8 * int(runs) * per_run

    def draw(self, runs: int, seed: int) -> RunTable:
        """Draw ``runs`` runs from ``numpy.random.default_rng(seed)`` (one (runs, C) uniform matrix).

        Raises :class:`~indicators.errors.SizeLimitError` when the runs cannot fit in memory.
        """
        require_memory(self.run_bytes(runs), what=f"drawing {runs:,} runs",
                       advice="draw fewer runs (see indexlib.limits)")
        rng = np.random.default_rng(seed)
        columns = len(self.weight_columns()) + len(self.varied_sections)
        return self.runs_from_unit(rng.random((runs, columns)))

    # ------------------------------------------------------------------ variants and plans
    def methodology_for(self, choice: dict[str, int], weights: np.ndarray | None) -> Methodology:
        """The methodology of a run: the chosen sections and the run's weights."""
        excluded = self.options["exclusion"][choice["exclusion"]]
        merged = dict(self.methodology.weights or {})
        if weights is not None:
            merged.update({i: float(w) for i, w in zip(self.weight_ids, weights)})
        if excluded is not None:
            merged.pop(excluded, None)
        return self.methodology.replace(
            missing=self.options["missing"][choice["missing"]],
            outliers=self.options["outliers"][choice["outliers"]],
            normalisation=self.options["normalisation"][choice["normalisation"]],
            aggregation=self.options["aggregation"][choice["aggregation"]],
            weights=merged or None,
        )

    def framework_for(self, choice: dict[str, int]) -> Framework:
        """The framework of a run: the requested one, without the dropped indicator if any."""
        excluded = self.options["exclusion"][choice["exclusion"]]
        if excluded is None:
            return self.requested_framework
        return self.requested_framework.without_indicators([excluded])

    def variant(self, missing: int, outliers: int, normalisation: int, exclusion: int = 0) -> _Variant:
        """Normalised values under one imputation, treatment and normalisation (computed once).

        A method that imputes from the other indicators (knn, iterative) must not see an indicator
        the run drops, so its variant is computed without that indicator.
        """
        excluded = self.options["exclusion"][exclusion]
        if self.options["missing"][missing].method not in MULTIVARIATE_METHODS:
            excluded = None
        key = (missing, outliers, normalisation, excluded)
        if key not in self._variants:
            meth = self.methodology.replace(missing=self.options["missing"][missing],
                                            outliers=self.options["outliers"][outliers],
                                            normalisation=self.options["normalisation"][normalisation])
            # Imputation and treatment do not depend on the normalisation (except its constant policy).
            treated_key = (missing, outliers, meth.normalisation.on_constant, excluded)
            if treated_key not in self._treated:
                prep = self.prep
                if excluded is not None:
                    prep = replace(prep, values=prep.values.drop(columns=[excluded]),
                                   framework=prep.framework.without_indicators([excluded]))
                treated, _, _, _, used, _ = impute_and_treat(prep, meth, imputed=self._imputation(prep, meth, excluded))
                self._treated[treated_key] = (treated, used)
            treated, used = self._treated[treated_key]
            label = ", ".join([self.labels["missing"][missing], f"outliers {self.labels['outliers'][outliers]}",
                               self.labels["normalisation"][normalisation]])
            self._variants[key] = _Variant(normalise_values(treated, used, meth), used, label)
        return self._variants[key]

    def _imputation(self, prep: Any, meth: Methodology, excluded: str | None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The imputation of ``prep`` by ``meth.missing``, computed once per method and dropped indicator (the
        treatment and normalisation variants, and the nominal build, share it)."""
        key = (meth.missing.model_dump_json(), excluded)
        if key not in self._imputed:
            self._imputed[key] = impute_values(prep, meth)
        return self._imputed[key]

    def _plan(self, framework: Framework, aggregation: int, exclusion: int) -> ScoringPlan:
        excluded = self.options["exclusion"][exclusion]
        key = (tuple(framework.indicator_ids), aggregation, exclusion)
        if key not in self._plans:
            used = framework
            if excluded is not None and excluded in framework.indicator_ids:
                used = framework.without_indicators([excluded])
            self._plans[key] = ScoringPlan.compile(used, self.options["aggregation"][aggregation])
        return self._plans[key]

    def group(self, key: tuple[int, ...]) -> _Group:
        """Plan, data and constant scores shared by every run with these section choices."""
        if key not in self._groups:
            missing, outliers, normalisation, aggregation, exclusion = key
            variant = self.variant(missing, outliers, normalisation, exclusion)
            plan = self._plan(variant.framework, aggregation, exclusion)
            columns = [variant.framework.indicator_ids.index(i) for i in plan.indicator_ids]
            normalised = variant.normalised[:, columns]
            if plan.domain is not None:
                self._check_positive(variant, normalised, plan, aggregation)
            position = {e: k for k, e in enumerate(plan.element_ids)}
            slots = np.array([position.get(i, -1) for i in self.weight_ids], dtype=np.int64)
            varying_positions = set(slots[slots >= 0].tolist())
            if self.weight_method == "fixed":
                varying_positions = set()
            varies: list[bool] = []
            for step in plan.steps:
                own = any(int(p) in varying_positions for p in step.weight_positions)
                below = any(varies[int(c)] for c in step.node_children)
                varies.append(own or below)
            self._groups[key] = _Group(plan, normalised, plan.score(normalised), slots, varies)
        return self._groups[key]

    def _check_positive(self, variant: _Variant, normalised: np.ndarray, plan: ScoringPlan, aggregation: int) -> None:
        found = plan.first_outside_domain(normalised)
        if found is not None:
            city, column, count = found
            raise SpecificationError(
                f"aggregation alternative {self.labels['aggregation'][aggregation]!r} needs {plan.domain} "
                f"normalised values, but under {variant.label} city {self.city_ids[city]!r} has "
                f"{normalised[city, column]:g} on indicator {plan.indicator_ids[column]!r} ({count} such cells); "
                "use a normalisation alternative that is positive, e.g. min-max with range = [1, 100] or a z-score "
                "with zscore_mean = 100 and zscore_standard_deviation = 10"
            )

    def prepare_variants(self) -> None:
        """Compute every variant and group the uncertainty analysis can draw (and check domains)."""
        for key in _product(*(self.drawn[s] for s in SECTIONS)):
            self.group(key)

    # ------------------------------------------------------------------ evaluation
    def _nominal(self) -> None:
        meth = self.methodology
        treated, _, _, _, used, _ = impute_and_treat(self.prep, meth, imputed=self._imputation(self.prep, meth, None))
        normalised = normalise_values(treated, used, meth)
        plan = checked_plan(used, meth, normalised, list(self.city_ids), source=self.panel.source)
        raw = plan.score(normalised)
        self.nominal_scores = raw[:, -1]
        self.nominal_ranks = rank_scores(raw.T, self.ties).T[:, -1]

    def _root_scores(self, group: _Group, weights: np.ndarray) -> np.ndarray:
        """Root scores (r, n) of the runs with these perturbed weights (r, P)."""
        plan, constant = group.plan, group.constant_scores
        runs = weights.shape[0]
        if not group.varies[-1]:
            return np.broadcast_to(constant[:, -1], (runs, constant.shape[0]))
        element_weights = np.broadcast_to(plan.nominal_weights, (runs, plan.nominal_weights.size)).copy()
        present = group.weight_slots >= 0
        element_weights[:, group.weight_slots[present]] = weights[:, present]
        varying: dict[int, np.ndarray] = {}
        for k, step in enumerate(plan.steps):
            if not group.varies[k]:
                continue
            w = element_weights[:, step.weight_positions]
            own = group.normalised[:, step.indicator_children]
            children = [int(c) for c in step.node_children]
            if not any(c in varying for c in children):
                # Children fixed, weights vary: (n, k) values against (r, k) weights, one matrix product.
                values = np.concatenate([own, constant[:, children]], axis=1) if children else own
            else:
                parts = [np.broadcast_to(own, (runs, *own.shape))] if own.shape[1] else []
                parts += [varying[c][..., None] if c in varying
                          else np.broadcast_to(constant[:, c][None, :, None], (runs, constant.shape[0], 1))
                          for c in children]
                values = np.concatenate(parts, axis=-1)
            varying[k] = step.kernel(values, w, **step.options)
        return varying[len(plan.steps) - 1]

    def iterate_ranks(self, table: RunTable, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
                      progress: ProgressCallback | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(run indices, ranks (r, n))`` for every run of ``table``, at most ``chunk_size`` at a
        time (fewer for large panels: a chunk holds at most ``CHUNK_CELLS`` city scores).

        Runs are grouped by their section choices (one stable sort), so the yielded indices are
        increasing within a group but groups come in key order.
        """
        if chunk_size < 1:
            raise SpecificationError(f"chunk_size must be >= 1; got {chunk_size}")
        chunk_size = max(1, min(chunk_size, CHUNK_CELLS // max(len(self.city_ids), 1)))
        total = len(table)
        sizes = [len(self.options[s]) for s in SECTIONS]
        key = np.zeros(total, dtype=np.int64)
        for section, size in zip(SECTIONS, sizes):
            key = key * size + table.choices[section]
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], total]
        done = 0
        for start, end in zip(starts, ends):
            first = order[start]
            group = self.group(tuple(int(table.choices[s][first]) for s in SECTIONS))
            for lo in range(start, end, chunk_size):
                runs = order[lo:min(lo + chunk_size, end)]
                scores = self._root_scores(group, table.weights[runs])
                if np.isnan(scores).any():
                    r, c = np.argwhere(np.isnan(scores))[0]
                    raise SpecificationError(f"run {int(runs[r])}: city {self.city_ids[c]!r} has no overall score "
                                             "(no data under any dimension)")
                yield runs, rank_scores(scores, self.ties)
                done += runs.size
                if progress is not None:
                    progress(done, total)

    def ranks(self, table: RunTable, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
              progress: ProgressCallback | None = None) -> np.ndarray:
        """Ranks (R, n) of every run, in run order (float, as :func:`rank_scores` returns)."""
        out = np.empty((len(table), len(self.city_ids)))
        for runs, ranks in self.iterate_ranks(table, chunk_size=chunk_size, progress=progress):
            out[runs] = ranks
        return out

    def parameters(self, table: RunTable) -> pd.DataFrame:
        """The runs table: ``run``, each varied choice (labels), each perturbed weight ``w:<id>``."""
        frame = pd.DataFrame({"run": np.arange(len(table))})
        for section in self.varied_sections:
            labels = np.asarray(self.labels[section], dtype=object)
            frame[_SECTION_COLUMN[section]] = labels[table.choices[section]]
        if table.weight_choice is not None:
            frame["weights_alternative"] = table.weight_choice
        for k, element in enumerate(self.weight_ids):
            frame[f"w:{element}"] = table.weights[:, k]
        return frame


# ---------------------------------------------------------------------------- the uncertainty analysis
@dataclass(frozen=True)
class UncertaintyResult:
    """Rank statistics of an uncertainty analysis, and the parameters of every run.

    Attributes
    ----------
    spec : UncertaintySpec
        The spec, with ``runs`` and ``seed`` as used.
    rank_intervals : DataFrame
        One row per city, by nominal rank: ``city_id, city_en, nominal_rank, median_rank,
        p05_rank, p95_rank, interval_width, mean_rank, mean_abs_shift, p_top<top>``.
    parameters : DataFrame
        One row per run: ``run``, each varied choice, each weight ``w:<id>``, and the run's
        ``mean_abs_shift``.
    run_shift : ndarray (N,)
        Mean absolute rank shift of each run against the nominal ranks,
        :math:`\\bar R_S = \\frac1n \\sum_c |r_c - r_c^{nom}|` (Saisana et al. 2005).
    mean_abs_shift : float
        Mean of ``run_shift`` over all runs.
    histogram : RankHistogram or None
        Per-city counts of the simulated ranks (banded; ``histogram.dense()[c, h]`` is the number
        of runs in which city ``c`` has rank ``h / 2``), when the ranks were not kept.
    ranks : ndarray (N, n) or None
        Every run's ranks (int16; float32 with ``ties="average"``), when kept.
    model : UncertaintyModel
        The evaluated model (panel, methodology, framework, options).
    """

    spec: UncertaintySpec
    rank_intervals: pd.DataFrame
    parameters: pd.DataFrame
    run_shift: np.ndarray
    mean_abs_shift: float
    histogram: RankHistogram | None
    ranks: np.ndarray | None
    model: UncertaintyModel
    table: RunTable = field(repr=False)

    @property
    def runs(self) -> int:
        return int(self.run_shift.size)

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def panel(self) -> Panel:
        """The panel analysed (pass it to :func:`indexlib.build` to rebuild a run)."""
        return self.model.panel

    @property
    def nominal_ranks(self) -> pd.Series:
        return pd.Series(self.model.nominal_ranks, index=pd.Index(self.model.city_ids, name="city_id"),
                         name="nominal_rank")

    def _choice(self, run: int) -> dict[str, int]:
        if not 0 <= run < self.runs:
            raise SpecificationError(f"run {run} does not exist; runs are numbered 0 … {self.runs - 1}")
        return {s: int(self.table.choices[s][run]) for s in SECTIONS}

    def methodology_for_run(self, run: int) -> Methodology:
        """The methodology that rebuilds run ``run``: the chosen sections and its weights.

        ``indexlib.build(result.panel, result.methodology_for_run(i), result.framework_for_run(i))``
        ranks the cities exactly as the run did.
        """
        choice = self._choice(run)
        weights = self.table.weights[run] if self.model.weight_ids else None
        return self.model.methodology_for(choice, weights)

    def framework_for_run(self, run: int) -> Framework:
        """The framework of run ``run``: the requested one without the dropped indicator, if any."""
        return self.model.framework_for(self._choice(run))

    def rebuild(self, run: int) -> Any:
        """:func:`indexlib.build` of run ``run`` (slow: one full build)."""
        from indexlib.pipeline import build

        return build(self.panel, self.methodology_for_run(run), self.framework_for_run(run))

    def summary(self) -> dict[str, Any]:
        """Headline numbers: runs, seed, mean absolute shift, share of cities whose median rank is
        within 1, 2 and 3 places of the nominal one, widest interval."""
        table = self.rank_intervals
        gap = (table["median_rank"] - table["nominal_rank"]).abs()
        widest = table.sort_values(["interval_width", "nominal_rank"], ascending=[False, True]).iloc[0]
        return {
            "runs": self.runs,
            "seed": self.seed,
            "cities": int(len(table)),
            "mean_abs_shift": self.mean_abs_shift,
            "share_median_within_1": float((gap <= 1).mean()),
            "share_median_within_2": float((gap <= 2).mean()),
            "share_median_within_3": float((gap <= 3).mean()),
            "widest_interval": {"city_id": str(widest["city_id"]), "p05_rank": float(widest["p05_rank"]),
                                "p95_rank": float(widest["p95_rank"])},
        }

    def manifest(self) -> dict[str, Any]:
        """What makes the analysis reproducible: versions, input hash, spec, methodology, options."""
        model = self.model
        return {
            **model.provenance(),
            "analysis": "uncertainty",
            "spec": self.spec.to_dict(),
            "varied": model.varied_sections + (["weights"] if model.weight_ids else []),
            "options": {s: model.labels[s] for s in SECTIONS},
            "percentile_method": "inverted_cdf (Hyndman & Fan 1996 definition 1)",
        "rank_statistics": ("exact, from every run's kept ranks" if self.histogram is None
                            else "exact, from a banded histogram of ranks"),
            "summary": self.summary(),
        }

    #: The files :meth:`write` writes (and owns in the output folder).
    OUTPUTS = ("rank_intervals.csv", "runs.csv.gz", "uncertainty.json")

    def files(self) -> dict[str, str | bytes]:
        """The contents of :attr:`OUTPUTS`, by file name.

        Byte-identical for the same inputs and seed: fixed float formats, gzip with ``mtime=0``
        and no file name, JSON with sorted options and no time stamps.
        """
        # Floats in their shortest round-trip form (pandas' default): a run can be rebuilt from the file.
        runs = self.parameters.to_csv(index=False, lineterminator="\n")
        return {
            "rank_intervals.csv": self.rank_intervals.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            "runs.csv.gz": gzip.compress(runs.encode("utf-8"), compresslevel=6, mtime=0),
            "uncertainty.json": json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n",
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write :attr:`OUTPUTS` into ``out_dir``, replacing them as a whole (:func:`indexlib.io.write_folder`)."""
        return write_folder(out_dir, self.files(), owns=self.OUTPUTS)


def uncertainty_analysis(panel: Any = None, methodology: Any = None, framework: Any = None,
                         spec: UncertaintySpec | str | Path | None = None, *, runs: int | None = None,
                         seed: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, keep_ranks: bool | None = None,
                         progress: ProgressCallback | None = None,
                         model: UncertaintyModel | None = None) -> UncertaintyResult:
    r"""Monte Carlo uncertainty analysis of the ranking (Saisana, Saltelli & Tarantola 2005).

    Draws ``runs`` combinations of the spec's uncertain assumptions from
    ``numpy.random.default_rng(seed)`` and ranks the cities under each, without rebuilding the
    index per run (see the module docstring). For every city :math:`c` with nominal rank
    :math:`r_c^{nom}` and simulated ranks :math:`r_c^{(1)}, \dots, r_c^{(N)}` it reports

    * the median and the 5th and 95th percentiles (inverted empirical CDF, so always a simulated
      rank): the 90% rank interval audited indices publish;
    * the mean absolute rank shift :math:`\frac1N \sum_k |r_c^{(k)} - r_c^{nom}|`;
    * the probability of a rank ≤ ``spec.top``, :math:`\frac1N \#\{k : r_c^{(k)} \le top\}`;

    and, per run, :math:`\bar R_S^{(k)} = \frac1n \sum_c |r_c^{(k)} - r_c^{nom}|`, whose mean over
    the runs is the overall mean absolute shift. Ranks are the methodology's (``ties="min"``:
    competition ranks) of the root score.

    Parameters
    ----------
    panel, methodology, framework
        As for :func:`indexlib.build`.
    spec : UncertaintySpec, path or None
        The uncertain inputs (a TOML/JSON path is read with :func:`load_spec`); default spec if
        ``None``.
    runs, seed : int, optional
        Override ``spec.runs`` and ``spec.seed``.
    chunk_size : int, default=2000
        Most runs scored and ranked at once; for large panels fewer, so that a chunk holds at most
        2,000,000 city scores. Bounds the working memory (about ``chunk × n × nodes × 8`` bytes,
        14 MB for 2,000 runs of 125 cities and 7 nodes). Results do not depend on it.
    keep_ranks : bool or None, default=None
        Keep every run's ranks (``N × n`` int16: 25 MB for 100,000 runs of 125 cities). ``None``
        keeps them when they take at most 256 MiB. Percentiles are computed exactly from the kept
        ranks, else from a banded histogram of ranks (:class:`RankHistogram`); both give the same
        numbers.
    progress : callable(done, total), optional
        Called after every chunk.
    model : UncertaintyModel, optional
        A model already built for the same inputs and spec (skips the preparation).

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    SpecificationError
        Invalid spec; a positive-only aggregation alternative meeting a value ≤ 0 (the message
        names the alternative, city and indicator); an excluded indicator changing the screened
        cities.
    DataValidationError, FrameworkError, WeightsError
        As :func:`indexlib.build`.

    See Also
    --------
    one_at_a_time : each assumption switched alone.
    indexlib.sensitivity.sensitivity_analysis : Sobol' indices over the same factors.

    Examples
    --------
    >>> from indexlib.uncertainty import uncertainty_analysis
    >>> result = uncertainty_analysis(runs=200, seed=1)
    >>> table = result.rank_intervals
    >>> bool((table.p05_rank <= table.median_rank).all() and (table.median_rank <= table.p95_rank).all())
    True
    >>> round(float(table.p_top10.sum()), 6)
    10.0
    """
    if model is None:
        spec_source = None
        if spec is None or isinstance(spec, (str, Path)):
            from indexlib.uncertainty.spec import load_spec

            spec_source, spec = spec, load_spec(spec)
        model = UncertaintyModel(panel, methodology, framework, spec, spec_source=spec_source)
    spec = model.spec
    changes = {k: v for k, v in (("runs", runs), ("seed", seed)) if v is not None}
    if changes:
        spec = spec.replace(**changes)
    _require_run_memory(model, spec.runs, chunk_size, keep_ranks)
    model.prepare_variants()
    table = model.draw(spec.runs, spec.seed)
    statistics = RankStatistics(model.nominal_ranks, spec.runs, spec.top, keep_ranks, model.ties)
    for run_ids, ranks in model.iterate_ranks(table, chunk_size=chunk_size, progress=progress):
        statistics.add(run_ids, ranks)
    intervals = _rank_intervals(model, statistics, spec)
    parameters = model.parameters(table)
    parameters["mean_abs_shift"] = statistics.run_shift
    return UncertaintyResult(
        spec=spec,
        rank_intervals=intervals,
        parameters=parameters,
        run_shift=statistics.run_shift,
        mean_abs_shift=float(statistics.shift_sum.sum() / (spec.runs * statistics.n)),
        histogram=statistics.histogram,
        ranks=statistics.ranks,
        model=model,
        table=table,
    )


def _require_run_memory(model: UncertaintyModel, runs: int, chunk_size: int, keep_ranks: bool | None) -> None:
    """Refuse (:class:`~indicators.errors.SizeLimitError`) an analysis whose arrays cannot fit in memory:
    the draw and run table, the per-run shift and parameters table, the kept ranks (when kept: see
    :class:`RankStatistics`) and one chunk's scores (at most ``CHUNK_CELLS`` city scores)."""
    n = len(model.city_ids)
    per_run = model.run_bytes(1) + 8 * (3 + len(model.varied_sections) + len(model.weight_ids))
    itemsize = 4 if model.ties == "average" or n >= 2**15 else 2
    if keep_ranks or (keep_ranks is None and runs * n * itemsize <= KEPT_RANKS_BUDGET):
        per_run += itemsize * n
    rows = max(1, min(chunk_size, runs, CHUNK_CELLS // max(n, 1)))
    chunk = 8 * rows * n * len(model.framework.node_ids)
    fits = max(available_memory() - chunk, 0) // per_run
    require_memory(runs * per_run + chunk, what=f"an uncertainty analysis of {runs:,} runs of {n} cities",
                   advice=f"use fewer runs (--runs; about {fits:,} fit in that memory)"
                          + (" or a smaller --chunk-size" if chunk > runs * per_run else ""))


def _rank_intervals(model: UncertaintyModel, statistics: RankStatistics, spec: UncertaintySpec) -> pd.DataFrame:
    runs = spec.runs
    integer = model.ties != "average"

    def ranks_column(values: np.ndarray) -> np.ndarray:
        return values.astype(np.int64) if integer else values

    p05, median, p95 = (statistics.percentile(q) for q in (5, 50, 95))
    attributes = model.panel.attributes.reindex(model.city_ids)
    names = attributes["city_en"] if "city_en" in attributes.columns else pd.Series(model.city_ids)
    table = pd.DataFrame({
        "city_id": model.city_ids,
        "city_en": names.fillna("").to_numpy(dtype=object),
        "nominal_rank": ranks_column(model.nominal_ranks),
        "median_rank": ranks_column(median),
        "p05_rank": ranks_column(p05),
        "p95_rank": ranks_column(p95),
        "interval_width": ranks_column(p95 - p05),
        "mean_rank": statistics.mean_rank(),
        "mean_abs_shift": statistics.shift_sum / runs,
        f"p_top{spec.top}": statistics.top_count / runs,
    })
    return table.sort_values(["nominal_rank", "city_id"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------- one at a time
@dataclass(frozen=True)
class ScenarioResult:
    """One-at-a-time scenarios: each assumption switched alone against the nominal build.

    Attributes
    ----------
    table : DataFrame
        One row per scenario: ``scenario, factor, option, mean_abs_shift, max_abs_shift, spearman,
        top10_overlap`` (the number of the nominal top-10 cities still ranked ≤ 10).
    ranks : DataFrame
        Cities × (``nominal`` and every scenario): the ranks.
    notes : tuple of str
        Scenarios skipped or adapted, and why.
    model : UncertaintyModel
    """

    table: pd.DataFrame
    ranks: pd.DataFrame
    notes: tuple[str, ...]
    model: UncertaintyModel
    runs: RunTable = field(repr=False)

    def _row(self, scenario: str) -> int:
        names = list(self.table["scenario"])
        if scenario not in names:
            raise SpecificationError(f"unknown scenario {scenario!r}; scenarios: {names}")
        return names.index(scenario)

    def methodology_for(self, scenario: str) -> Methodology:
        """The methodology of a scenario (for :func:`indexlib.build`)."""
        k = self._row(scenario)
        weights = self.runs.weights[k] if self.model.weight_ids else None
        return self.model.methodology_for({s: int(self.runs.choices[s][k]) for s in SECTIONS}, weights)

    def framework_for(self, scenario: str) -> Framework:
        """The framework of a scenario (without the dropped indicator, if any)."""
        k = self._row(scenario)
        return self.model.framework_for({s: int(self.runs.choices[s][k]) for s in SECTIONS})

    #: The files :meth:`write` writes (and owns in the output folder).
    OUTPUTS = ("scenarios.csv", "scenario_ranks.csv")

    def files(self) -> dict[str, str]:
        """The contents of :attr:`OUTPUTS`, by file name."""
        ranks = self.ranks.reset_index()
        return {
            "scenarios.csv": self.table.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            "scenario_ranks.csv": ranks.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write :attr:`OUTPUTS` into ``out_dir``, replacing them as a whole (:func:`indexlib.io.write_folder`)."""
        return write_folder(out_dir, self.files(), owns=self.OUTPUTS)


def one_at_a_time(panel: Any = None, methodology: Any = None, framework: Any = None,
                  spec: UncertaintySpec | str | Path | None = None, *,
                  model: UncertaintyModel | None = None) -> ScenarioResult:
    """Switch each assumption alone against the nominal build and measure the rank shifts.

    Scenarios: every alternative normalisation, aggregation, imputation and outlier setting of the
    spec that differs from the methodology's; every indicator dropped in turn (the spec's
    exclusion candidates, or every indicator used); with uniform weight perturbation, each child of
    the root with its weight multiplied by ``1 + spread`` and by ``1 - spread``; with weight
    alternatives, each alternative. Everything else stays nominal.

    A positive-only aggregation (geometric, harmonic) cannot run on a normalisation with values
    ≤ 0 (min-max to [0, 100] gives the worst city 0). Its scenario then uses the spec's first
    normalisation alternative that is positive, and says so in its name
    (``aggregation=geometric + normalisation=minmax[1,100]``); if none is, the scenario is skipped
    with a note. Likewise a normalisation that is not positive under a positive-only nominal
    aggregation is skipped. Dropping an indicator that changes the cities the coverage screen
    keeps is skipped with a note.

    For each scenario :math:`s` with ranks :math:`r^{s}`: ``mean_abs_shift``
    :math:`\\frac1n\\sum_c |r^s_c - r^{nom}_c|`, ``max_abs_shift``, ``spearman`` (Spearman's rank
    correlation with the nominal ranks) and ``top10_overlap``.

    Parameters
    ----------
    panel, methodology, framework, spec
        As for :func:`uncertainty_analysis`.
    model : UncertaintyModel, optional
        A model already built for the same inputs.

    Returns
    -------
    ScenarioResult

    Examples
    --------
    >>> from indexlib.uncertainty import one_at_a_time
    >>> scenarios = one_at_a_time()
    >>> scenarios.table.loc[scenarios.table.scenario == "normalisation=minmax[1,100]", "mean_abs_shift"].item()
    0.0
    """
    if model is None:
        spec_source = None
        if spec is None or isinstance(spec, (str, Path)):
            from indexlib.uncertainty.spec import load_spec

            spec_source, spec = spec, load_spec(spec)
        model = UncertaintyModel(panel, methodology, framework, spec, spec_source=spec_source)
    notes: list[str] = []
    names: list[str] = []
    factors: list[str] = []
    option_labels: list[str] = []
    choices: list[dict[str, int]] = []
    weight_rows: list[np.ndarray] = []
    nominal_choice = {s: 0 for s in SECTIONS}

    def positive(choice: dict[str, int]) -> bool:
        variant = model.variant(choice["missing"], choice["outliers"], choice["normalisation"])
        plan = model._plan(variant.framework, choice["aggregation"], 0)
        values = variant.normalised
        return plan.first_outside_domain(values) is None

    def add(name: str, factor: str, option: str, choice: dict[str, int], weights: np.ndarray | None = None) -> None:
        names.append(name)
        factors.append(factor)
        option_labels.append(option)
        choices.append(choice)
        weight_rows.append(model.nominal_weights if weights is None else weights)

    for section in ("normalisation", "aggregation", "missing", "outliers"):
        for option in range(1, len(model.options[section])):
            label = model.labels[section][option]
            choice = {**nominal_choice, section: option}
            if positive(choice):
                add(f"{section}={label}", section, label, choice)
                continue
            if section == "aggregation":
                usable = next((z for z in model.drawn["normalisation"]
                               if positive({**choice, "normalisation": int(z)})), None)
                if usable is not None:
                    choice["normalisation"] = int(usable)
                    add(f"{section}={label} + normalisation={model.labels['normalisation'][int(usable)]}",
                        section, label, choice)
                    continue
            notes.append(f"scenario {section}={label} skipped: its aggregation needs positive normalised values "
                         "and no normalisation alternative of the spec provides them")
    exclusion = model.spec.exclusion
    used = model.options["exclusion"][1:]
    candidates = list(exclusion.candidates) if exclusion.candidates is not None else list(used)
    candidates = [c for c in candidates if c in used]
    changing = model.exclusions_changing_cities(candidates)
    for indicator in candidates:
        if indicator in changing:
            notes.append(f"scenario exclude={indicator} skipped: dropping it {changing[indicator]}")
            continue
        add(f"exclude={indicator}", "exclusion", indicator, {**nominal_choice, "exclusion": 1 + used.index(indicator)})
    if model.weight_method == "uniform":
        spread = model.spec.weights.spread
        for k, element in enumerate(model.weight_ids):
            if element not in model.prep.framework.children(model.prep.framework.root):
                continue
            for sign, text in ((1.0, "+"), (-1.0, "-")):
                weights = model.nominal_weights.copy()
                weights[k] *= 1.0 + sign * spread
                add(f"weight:{element}{text}{spread:.0%}", f"weight:{element}", f"×{1.0 + sign * spread:g}",
                    dict(nominal_choice), weights)
    elif model.weight_method == "alternatives":
        for k, row in enumerate(model.alternative_table):
            add(f"weights=alternative {k}", "weights", f"alternative {k}", dict(nominal_choice), row)
    table = RunTable({s: np.array([c[s] for c in choices], dtype=np.int64) for s in SECTIONS},
                     np.array(weight_rows, dtype=float).reshape(len(choices), len(model.weight_ids)))
    ranks = model.ranks(table) if len(table) else np.empty((0, len(model.city_ids)))
    nominal = model.nominal_ranks
    shift = np.abs(ranks - nominal)
    top_nominal = nominal <= 10
    spearman = [float(stats.spearmanr(nominal, row).statistic) if np.ptp(row) > 0 else float("nan") for row in ranks]
    result_table = pd.DataFrame({
        "scenario": names,
        "factor": factors,
        "option": option_labels,
        "mean_abs_shift": shift.mean(axis=1) if len(table) else np.empty(0),
        "max_abs_shift": shift.max(axis=1) if len(table) else np.empty(0),
        "spearman": spearman,
        "top10_overlap": ((ranks <= 10) & top_nominal).sum(axis=1).astype(np.int64),
    })
    integer = model.ties != "average"
    rank_frame = pd.DataFrame(
        np.column_stack([nominal, ranks.T]) if len(table) else nominal[:, None],
        index=pd.Index(model.city_ids, name="city_id"), columns=["nominal", *names],
    )
    if integer:
        rank_frame = rank_frame.astype(np.int64)
    rank_frame = rank_frame.sort_values("nominal", kind="stable")
    return ScenarioResult(result_table, rank_frame, tuple(notes), model, table)


# ---------------------------------------------------------------------------------------------- helpers
def _option_index(u: np.ndarray, k: int) -> np.ndarray:
    """⌊u k⌋, clipped to k − 1 (u = 1 can only come from rounding)."""
    return np.minimum((u * k).astype(np.int64), k - 1)


def _product(*axes: np.ndarray) -> Iterator[tuple[int, ...]]:
    grids = np.meshgrid(*axes, indexing="ij")
    for row in np.stack([g.ravel() for g in grids], axis=1):
        yield tuple(int(v) for v in row)


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


def _with_weights(framework: Framework, methodology: Methodology) -> Framework:
    if not methodology.weights:
        return framework
    return framework.with_weights({k: v for k, v in methodology.weights.items()
                                   if k in framework.node_ids or k in framework.indicator_ids})
