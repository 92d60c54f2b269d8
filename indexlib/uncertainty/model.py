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
   a compiled :class:`~indexlib.scoring.ScoringPlan`. A weighting-scheme alternative (``entropy``,
   ``pca``…) is a discrete choice too: its weights are computed once per treated variant with the
   pipeline's :func:`~indexlib.pipeline.apply_weighting` and set the plan's weights.
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

References
----------
.. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the Royal
   Statistical Society A* 168(2): 307–323. doi:10.1111/j.1467-985X.2005.00350.x
.. [2] Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
   doi:10.1002/9780470725184
.. [3] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 8. OECD Publishing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indexlib.impute.methods import MULTIVARIATE_METHODS
from indexlib.limits import require_memory
from indexlib.methodology import Methodology, OutlierTreatment
from indexlib.pipeline import (FrameworkInput, MethodologyInput, PanelInput, apply_weighting, checked_plan,
                               impute_and_treat, impute_values, normalise_values, prepare, resolve_inputs,
                               require_framework_weighting)
from indexlib.provenance import build_inputs, environment, spec_inputs
from indexlib.rank import rank_scores
from indexlib.scoring import ScoringPlan
from indexlib.uncertainty.runs import (
    CHUNK_CELLS,
    DEFAULT_CHUNK_SIZE,
    SECTIONS,
    ProgressCallback,
    RunTable,
    option_index,
    unit_draws,
)
from indexlib.uncertainty.spec import (
    UncertaintySpec,
    aggregation_label,
    missing_label,
    normalisation_label,
    outlier_label,
    weighting_label,
)
from indexlib.uncertainty.weights import UncertainWeights
from indicators import Framework, load_framework
from indicators.errors import FrameworkError, SpecificationError

__all__ = ["UncertaintyModel", "model_for"]


@dataclass
class _Variant:
    """The normalised matrix of one (imputation, outlier treatment, normalisation) choice."""

    normalised: np.ndarray  # (n, m) columns in framework.indicator_ids order
    framework: Framework  # the framework the build uses (constant indicators removed)
    label: str
    treated: pd.DataFrame  # the treated values the normalised matrix comes from (for data-driven weights)
    treated_key: tuple[Any, ...]  # identifies ``treated`` among the model's variants


@dataclass
class _Group:
    """What every run sharing a variant, an aggregation and an excluded indicator needs."""

    plan: ScoringPlan
    normalised: np.ndarray  # the variant's columns for the plan's indicators
    constant_scores: np.ndarray  # (n, N) scores of every node under the nominal weights
    weight_slots: np.ndarray  # (P,) position of each perturbed weight in plan.element_ids, -1 if absent
    varies: list[bool]  # per plan step: its score changes from run to run


class UncertaintyModel(UncertainWeights):
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

    def __init__(self, panel: PanelInput = None, methodology: MethodologyInput = None, framework: FrameworkInput = None,
                 spec: UncertaintySpec | None = None, *, spec_source: str | Path | None = None) -> None:
        self.spec = spec or UncertaintySpec()
        self.requested_framework = load_framework(framework)
        self.panel, self.methodology, self.framework = resolve_inputs(panel, methodology, self.requested_framework)
        require_framework_weighting(self.methodology, "the uncertainty analysis", self.spec.aggregation)
        self.inputs = {**build_inputs(self.panel, methodology, framework, self.methodology),
                       **spec_inputs(self.spec, spec_source)}
        meth = self.methodology
        self.prep = prepare(self.panel, meth, self.framework)
        self.city_ids = [str(c) for c in self.prep.values.index]
        self.ties = meth.ties
        self._variants: dict[tuple[int, int, int, str | None], _Variant] = {}
        self._imputed: dict[tuple[str, str | None], Any] = {}  # one imputation per method and dropped indicator
        self._treated: dict[tuple[Any, ...], tuple[pd.DataFrame, Framework]] = {}
        self._plans: dict[tuple[Any, ...], ScoringPlan] = {}
        self._weighted: dict[tuple[Any, ...], Framework] = {}  # one weighting per treated variant and scheme
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
            "weighting": list(spec.weighting),
        }
        nominal: dict[str, Any] = {"missing": meth.missing, "outliers": meth.outliers,
                                   "normalisation": meth.normalisation, "aggregation": meth.aggregation,
                                   "weighting": meth.weighting}
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
            "weighting": [weighting_label(o) for o in self.options["weighting"]],
        }
        for section in ("missing", "outliers", "normalisation", "aggregation", "weighting"):
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

    # ------------------------------------------------------------------ weights (UncertainWeights) and draws
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
            choices[section] = drawn[option_index(unit[:, n_weight + k], len(drawn))]
        return RunTable(choices, weights, weight_choice)

    def run_bytes(self, runs: int) -> int:
        """Bytes of the uniform draw and the :class:`RunTable` of ``runs`` runs (8-byte cells)."""
        columns = len(self.weight_columns()) + len(self.varied_sections)
        per_run = columns + len(self.weight_ids) + len(SECTIONS) + (self.weight_method == "alternatives")
        return 8 * int(runs) * per_run

    def draw(self, runs: int, seed: int, *, first: int = 0) -> RunTable:
        """Draw runs ``first … first + runs − 1`` of ``seed`` from their chunked seeded streams
        (:func:`~indexlib.uncertainty.runs.unit_draws`).

        Raises :class:`~indicators.errors.SizeLimitError` when the runs cannot fit in memory.
        """
        require_memory(self.run_bytes(runs), what=f"drawing {runs:,} runs",
                       advice="draw fewer runs (see indexlib.limits)")
        columns = len(self.weight_columns()) + len(self.varied_sections)
        return self.runs_from_unit(unit_draws(columns, seed, first, first + runs))

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
            weighting=self.options["weighting"][choice["weighting"]],
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
            self._variants[key] = _Variant(normalise_values(treated, used, meth), used, label, treated, treated_key)
        return self._variants[key]

    def scoring_plan(self, variant: _Variant, aggregation: int, exclusion: int, weighting: int = 0) -> ScoringPlan:
        """The compiled scoring plan of a variant under one aggregation, dropped indicator and weighting scheme
        (cached)."""
        framework = variant.framework
        excluded = self.options["exclusion"][exclusion]
        # the framework's weights do not depend on the data; a scheme's depend on the treated values
        data_key = variant.treated_key if weighting else ()
        key = (tuple(framework.indicator_ids), aggregation, exclusion, weighting, data_key)
        if key not in self._plans:
            used = framework
            if excluded is not None and excluded in framework.indicator_ids:
                used = framework.without_indicators([excluded])
            if weighting:
                weighted_key = (tuple(used.indicator_ids), weighting, data_key)
                if weighted_key not in self._weighted:
                    meth = self.methodology.replace(weighting=self.options["weighting"][weighting])
                    self._weighted[weighted_key] = apply_weighting(used, meth, variant.treated)
                used = self._weighted[weighted_key]
            self._plans[key] = ScoringPlan.compile(used, self.options["aggregation"][aggregation])
        return self._plans[key]

    def group(self, key: tuple[int, ...]) -> _Group:
        """Plan, data and constant scores shared by every run with these section choices."""
        if key not in self._groups:
            missing, outliers, normalisation, aggregation, exclusion, weighting = key
            variant = self.variant(missing, outliers, normalisation, exclusion)
            plan = self.scoring_plan(variant, aggregation, exclusion, weighting)
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
        for key in itertools.product(*([int(k) for k in self.drawn[s]] for s in SECTIONS)):
            self.group(key)

    # ------------------------------------------------------------------ evaluation
    def _imputation(self, prep: Any, meth: Methodology, excluded: str | None) -> Any:
        """:func:`~indexlib.pipeline.impute_values` once per imputation method and dropped indicator."""
        key = (meth.missing.model_dump_json(), excluded)
        if key not in self._imputed:
            self._imputed[key] = impute_values(prep, meth)
        return self._imputed[key]

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


# ---------------------------------------------------------------------------------------------- helpers
def _with_weights(framework: Framework, methodology: Methodology) -> Framework:
    if not methodology.weights:
        return framework
    return framework.with_weights({k: v for k, v in methodology.weights.items()
                                   if k in framework.node_ids or k in framework.indicator_ids})


def model_for(panel: PanelInput, methodology: MethodologyInput, framework: FrameworkInput,
              spec: UncertaintySpec | str | Path | None) -> UncertaintyModel:
    """The model of an analysis given its inputs; a spec given as a path is read, and hashed as a file."""
    spec_source = None
    if spec is None or isinstance(spec, (str, Path)):
        from indexlib.uncertainty.spec import load_spec

        spec_source, spec = spec, load_spec(spec)
    return UncertaintyModel(panel, methodology, framework, spec, spec_source=spec_source)
