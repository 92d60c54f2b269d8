"""``build``: panel → denominated → screened → imputed → treated → normalised → weighted, aggregated, ranked.

Each step is a function of explicit parameters recorded in the :class:`~indexlib.methodology.Methodology`,
and the result keeps every intermediate table, so any build can be regenerated from its manifest
(COINr's idea of an object recording every construction step).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from indexlib.denominate import DENOMINATION_COLUMNS, denominate
from indexlib.methodology import Methodology, load_methodology
from indexlib.normalise import NORMALISERS, FitContext
from indexlib.impute import impute, summary_note
from indexlib.panel import Panel, city_level_share, read_panel
from indexlib.provenance import build_inputs
from indexlib.rank import rank_scores
from indexlib.result import IndexResult, label_positions
from indexlib.scoring import ScoringPlan
from indexlib.treat import OUTLIER_RULES
from indicators import Framework, load_framework
from indicators.errors import (
    DataQualityWarning,
    DataValidationError,
    DegenerateIndicatorError,
    DomainError,
    FrameworkError,
    SpecificationError,
    WeightsError,
)
from indicators.text import plural

__all__ = ["build", "validate", "Validated", "prepare", "Prepared", "checked_plan", "present_50_100", "PanelInput",
           "MethodologyInput", "FrameworkInput", "imputation_attributes", "impute_values", "impute_and_treat",
           "apply_weighting", "require_framework_weighting", "normalise_values", "resolve_inputs"]

#: The inputs :func:`build` accepts (and every analysis that builds: uncertainty, sensitivity, comparisons):
#: a panel file, a DataFrame, a read :class:`~indexlib.panel.Panel`, or None for the embedded panel;
PanelInput: TypeAlias = str | Path | pd.DataFrame | Panel | None
#: a methodology file or object, or None for the default;
MethodologyInput: TypeAlias = Methodology | str | Path | None
#: a framework name, file or object, or None for the default framework.
FrameworkInput: TypeAlias = Framework | str | Path | None


@dataclass(frozen=True)
class Prepared:
    """Everything before normalisation: the cities and indicators a build uses, and their values."""

    panel: Panel
    framework: Framework  # without excluded indicators
    requested_framework: Framework
    values: pd.DataFrame  # screened cities, used indicators, before imputation
    excluded_cities: pd.DataFrame
    excluded_indicators: pd.DataFrame
    warnings: tuple[str, ...]
    #: One row per indicator divided by a denominator (:data:`indexlib.denominate.DENOMINATION_COLUMNS`).
    denomination: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=DENOMINATION_COLUMNS))


def _refuse_effective_weights(weights: dict[str, float], framework: Framework, source: str) -> None:
    """Refuse indicator weights of several parents that sum to 1 and come without node weights.

    Methodology weights are relative among siblings, so such a mapping (what ``weights.entropy_weights``
    and the other data-driven methods return: effective weights over all indicators) would change the
    weights within each dimension and silently keep the dimensions' own weights, not what was meant.
    """
    indicators = set(framework.indicator_ids)
    if not weights.keys() <= indicators:
        return
    parents = {framework.element(i).parent for i in weights}
    if len(parents) > 1 and math.isclose(sum(weights.values()), 1.0, rel_tol=1e-9, abs_tol=1e-9):
        raise WeightsError(
            f"{source}: weights: these {len(weights)} indicator weights of {len(parents)} parent nodes sum to 1, as "
            "effective indicator weights do (weights.entropy_weights…), but methodology weights are relative among "
            "siblings, so the parents' weights would not change; for effective weights give "
            "weights.scheme_from_indicator_weights(framework, w).weights (it sets the node weights too) or "
            "weighting.method, for weights within each parent also give the parents' weights"
        )


def resolve_inputs(panel: PanelInput, methodology: MethodologyInput, framework: FrameworkInput
                   ) -> tuple[Panel, Methodology, Framework]:
    """The panel, methodology and framework of a build from what a caller passed (objects, paths, ids or
    ``None`` for the defaults), the methodology's weights applied and checked against the framework."""
    fw = load_framework(framework)
    meth = methodology if isinstance(methodology, Methodology) else load_methodology(methodology)
    source = "methodology" if isinstance(methodology, Methodology) or methodology is None else str(methodology)
    if meth.weights:
        _refuse_effective_weights(meth.weights, fw, source)
        try:
            fw = fw.with_weights(meth.weights)
        except WeightsError as exc:
            raise WeightsError(f"{source}: weights: {exc}") from None
    _check_against_framework(meth, fw, source)
    data = panel if isinstance(panel, Panel) else read_panel(panel, fw)
    reference = meth.normalisation.reference_city
    if meth.normalisation.method == "reference" and reference not in data.values.index:
        raise SpecificationError(f"{source}: normalisation.reference_city {reference!r} is not a city of the panel "
                                 f"{data.source}")
    return data, meth, fw


def _check_against_framework(meth: Methodology, fw: Framework, source: str) -> None:
    """Settings that name framework elements must name existing ones (never silently ignored)."""
    posts = meth.normalisation.goalposts or {}
    unknown = sorted(set(posts) - set(fw.indicator_ids))
    if unknown:
        raise SpecificationError(f"{source}: normalisation.goalposts names {unknown}, which are not indicators of "
                                 f"framework {fw.id!r}")
    try:
        ScoringPlan.compile(fw, meth.aggregation)
    except SpecificationError as exc:
        raise SpecificationError(f"{source}: {exc}") from None


def _without(framework: Framework, excluded: list[str], source: str, why: str, nodes: list[str] | None = None
             ) -> Framework:
    """The framework without the ``excluded`` indicators and the ``nodes`` they empty (weights stay
    relative); a node left with only zero-weight children is named."""
    try:
        if not nodes:
            return framework.without_indicators(excluded)
        data = framework.to_dict()
        data["indicators"] = [i for i in data["indicators"] if i["id"] not in set(excluded)]
        data["nodes"] = [n for n in data["nodes"] if n["id"] not in set(nodes)]
        return Framework.parse(data, source=f"framework {framework.id!r} without node(s) {nodes}")
    except FrameworkError as exc:
        problem = str(exc).split(": ", 1)[-1]
        raise DegenerateIndicatorError(
            f"{source}: indicator(s) {excluded} {why} and are excluded from the build, which leaves {problem}; "
            "give a sibling a positive weight in the framework"
        ) from None



def prepare(panel: Panel, methodology: Methodology, framework: Framework) -> Prepared:
    """Divide by the denominators, exclude indicators without data, screen cities by coverage; everything
    recorded."""
    notes: list[str] = list(panel.notes)
    # Cities in one canonical order (by id), whatever the order of the input rows: every sum over cities
    # (means, standard deviations, medians) then adds in the same order, so outputs are byte-identical.
    values = panel.values[framework.indicator_ids].sort_index(kind="stable")
    denomination = pd.DataFrame(columns=DENOMINATION_COLUMNS)
    if methodology.denomination == "framework":
        values, denomination, denomination_notes = denominate(values, framework, panel.attributes,
                                                              source=panel.source)
        notes += denomination_notes
        if len(denomination):
            notes.append("denomination: " + ", ".join(
                f"{row.indicator_id} / {row.denominator}" + (f" × {row.scale:g}" if row.scale != 1 else "")
                for row in denomination.itertuples(index=False)))
    no_data = values.isna().all(axis=0)
    empty = [i for i in framework.indicator_ids if no_data[i]]
    excluded_indicators = [{"indicator_id": i, "reason": "no value for any city"} for i in empty]
    used = framework
    if empty:
        empty_nodes = framework.nodes_emptied_by(empty)
        if empty_nodes and (methodology.missing_dimensions == "error" or framework.root in empty_nodes):
            raise DataValidationError(
                f"{panel.source}: node(s) {empty_nodes} have no data for any city (indicators "
                f"{[i for n in empty_nodes for i in framework.indicators_under(n)]} are all missing); "
                "a whole dimension cannot be scored (methodology.missing_dimensions = 'drop' drops it)"
            )
        used = _without(framework, empty, panel.source, "have no value for any city", empty_nodes)
        notes.append(
            f"indicator(s) {empty} have no value for any city and are excluded from this build; "
            "their siblings' weights are renormalised"
        )
        if empty_nodes:
            notes.append(f"node(s) {empty_nodes} have no data for any city and are dropped from this build "
                         "(methodology.missing_dimensions = 'drop'); their siblings' weights are renormalised")
    values = values[used.indicator_ids]
    available = values.notna()
    overall = available.mean(axis=1)
    reasons: dict[str, list[str]] = {}
    screen = methodology.screening
    m = len(used.indicator_ids)
    for city in values.index[np.flatnonzero(overall.to_numpy() < screen.min_overall)]:
        count = int(available.loc[city].sum())
        reasons.setdefault(city, []).append(
            f"{count} of {m} indicators available ({count / m:.0%}), below the minimum {screen.min_overall:.0%}"
        )
    if screen.min_per_dimension > 0:
        for dimension in used.dimension_ids:
            members = [i for i in used.children(dimension) if used.is_indicator(i)]
            share = available[members].mean(axis=1)
            for city in values.index[np.flatnonzero(share.to_numpy() < screen.min_per_dimension)]:
                count = int(available.loc[city, members].sum())
                reasons.setdefault(city, []).append(
                    f"{count} of {len(members)} indicators of {dimension!r} available, below the minimum "
                    f"{screen.min_per_dimension:.0%}"
                )
    excluded = pd.DataFrame(
        [{"city_id": c, "reason": "; ".join(r)} for c, r in reasons.items()], columns=["city_id", "reason"]
    )
    if len(excluded):
        notes.append(f"{plural(len(excluded), 'city')} excluded by the coverage screen: "
                     f"{', '.join(excluded['city_id'])}")
    kept = values.drop(index=list(reasons)) if reasons else values  # drop() looks every city up, even for none
    if kept.shape[0] < 3:
        raise DataValidationError(
            f"{panel.source}: only {kept.shape[0]} cities pass the coverage screen; at least 3 are needed "
            f"(lower methodology.screening.min_overall, now {screen.min_overall})"
        )
    return Prepared(panel, used, framework, kept, excluded,
                    pd.DataFrame(excluded_indicators, columns=["indicator_id", "reason"]), tuple(notes), denomination)


#: City attributes the imputation methods read (groups of ``group_median``; country and coordinates of ``nearest``).
IMPUTATION_ATTRIBUTES = ("country", "continent", "lat", "lon")


def imputation_attributes(panel: Panel, methodology: Methodology, cities: pd.Index) -> pd.DataFrame:
    """The panel's city attributes, completed from the packaged cities table for the cities it knows.

    Nothing is required: a city without a group label or coordinates makes the imputation fall
    back to its next level (see :mod:`indexlib.impute`).
    """
    rows = label_positions(panel.attributes.index, cities)
    attributes = (panel.attributes.take(rows).set_axis(cities) if rows is not None and (rows >= 0).all()
                  else panel.attributes.reindex(cities).copy())  # cities without attributes get NaN
    wanted = dict.fromkeys([*methodology.missing.groups, *IMPUTATION_ATTRIBUTES])
    lacking = [a for a in wanted if a not in attributes.columns or attributes[a].isna().any()]
    if lacking:  # cities of the packaged table can be completed from it
        import city_data

        known = city_data.cities().set_index("city_id")
        for column in lacking:
            if column in known.columns:
                current = attributes[column] if column in attributes.columns else pd.Series(np.nan, index=cities)
                attributes[column] = current.astype(object).fillna(known[column].reindex(cities).astype(object))
    return attributes


def _absent_attributes(attributes: pd.DataFrame, missing: Any) -> str:
    """Which attributes the method needed and lacked, e.g. "no 'country' for 10 of 10 cities"."""
    needed = {"group_median": list(missing.groups), "nearest": ["country", "lat", "lon"]}.get(missing.method, [])
    parts = []
    for column in needed:
        count = len(attributes) if column not in attributes.columns else int(attributes[column].isna().sum())
        if count:
            parts.append(f"no {column!r} for {count} of {len(attributes)} cities")
    return "; ".join(parts)


def impute_values(prep: Prepared, methodology: Methodology) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The screened values imputed by ``methodology.missing``: filled values, imputation log, and the city
    attributes the method used."""
    attributes = imputation_attributes(prep.panel, methodology, prep.values.index)
    filled, imputation_log = impute(prep.values, methodology.missing, attributes=attributes)
    return filled, imputation_log, attributes


def impute_and_treat(prep: Prepared, methodology: Methodology, *, outliers: bool | None = None,
                     imputed: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, Framework, list[str]]:
    """Impute, handle constant indicators and treat outliers.

    ``imputed`` is :func:`impute_values` of the same ``prep`` and ``methodology.missing`` when already
    computed (the uncertainty analysis shares one imputation between its treatment variants).
    Returns the treated values, imputation log, treatment log, treatment flags, the framework
    actually used (constant indicators may be excluded) and new notes.
    """
    notes: list[str] = []
    missing = methodology.missing
    filled, imputation_log, attributes = imputed if imputed is not None else impute_values(prep, methodology)
    note = summary_note(imputation_log, missing.method, absent=_absent_attributes(attributes, missing))
    if note:
        notes.append(note)
    framework = prep.framework
    data = filled.to_numpy(dtype=float)
    spread = pd.Series(np.fmax.reduce(data, axis=0) - np.fmin.reduce(data, axis=0), index=filled.columns)  # NaN ignored
    constant = [i for i in framework.indicator_ids if not spread[i] > 0]
    on_constant = methodology.normalisation.on_constant
    if constant and on_constant == "midpoint":
        notes.append(f"indicator(s) {constant} are constant across the ranked cities and are kept at the middle of "
                     "the normalised range (normalisation.on_constant = 'midpoint')")
    elif constant:
        emptied = framework.nodes_emptied_by(constant)
        if emptied:
            raise DegenerateIndicatorError(
                f"{prep.panel.source}: indicator(s) {constant} are constant across the {len(filled)} ranked cities, "
                f"leaving node(s) {emptied} without an indicator that differs between cities; expected values "
                "that differ between cities"
            )
        if on_constant == "error":
            raise DegenerateIndicatorError(
                f"{prep.panel.source}: indicator(s) {constant} are constant across the {len(filled)} ranked cities; "
                "set normalisation.on_constant = 'exclude' to drop them from the build"
            )
        framework = _without(framework, constant, prep.panel.source,
                             f"are constant across the {len(filled)} ranked cities")
        filled = filled[framework.indicator_ids]
        notes.append(f"indicator(s) {constant} are constant across the ranked cities and are excluded from this "
                     "build; their siblings' weights are renormalised")
    treatment = methodology.outliers
    # outliers=True (the uncertainty analysis's "on") applies the methodology's rule, or the JRC rule if it has none
    rule = OUTLIER_RULES.get("jrc" if outliers and treatment.method == "none" else treatment.method)
    if rule.treat is not None and outliers is not False:
        treated, treatment_log, flags = rule.treat(filled, treatment.method_options(rule.name))
        failing = treatment_log[~treatment_log["passes_after"].astype(bool)]
        if len(failing) and rule.name == "jrc":
            detail = ", ".join(f"{row.indicator_id} (after {row.action}: skew {row.skew_after:.2f}, kurtosis "
                               f"{row.kurtosis_after:.2f})" for row in failing.itertuples(index=False))
            verb = plural(len(failing), "fails", "fail", number=False)
            notes.append(f"{plural(len(failing), 'indicator')} still {verb} the outlier rule (|skew| < "
                         f"{treatment.skew_threshold:g} or kurtosis < {treatment.kurtosis_threshold:g}) after "
                         f"treatment: {detail}")
    else:
        treated = filled
        treatment_log = pd.DataFrame(columns=["indicator_id", "action"])
        flags = pd.DataFrame("", index=filled.index, columns=filled.columns, dtype=object)
    return treated, imputation_log, treatment_log, flags, framework, notes


def apply_weighting(framework: Framework, methodology: Methodology, values: pd.DataFrame) -> Framework:
    """The framework with the methodology's weighting (``weighting.method``): a weight scheme's element
    weights, or a data-driven method's computed on ``values`` (the treated values of the ranked cities);
    explicit ``weights`` entries still win.

    A scheme is made for the whole framework: the weights of indicators excluded from this build (and of
    the nodes they empty) are dropped, and their siblings keep their relative weights, as the framework's
    own weights do. The scheme must name the framework and weigh every element the build uses.
    """
    method = methodology.weighting.method
    if method == "framework":
        return framework
    import weights as weighting

    present = {*framework.node_ids, *framework.indicator_ids} - {framework.root}
    if method == "scheme":
        scheme = weighting.load_scheme(methodology.weighting.method_options().scheme)
        if scheme.framework != framework.id:
            raise WeightsError(f"weight scheme {scheme.id!r} was made for framework {scheme.framework!r}, "
                               f"not {framework.id!r}")
        missing = sorted(present - set(scheme.weights))
        if missing:
            raise WeightsError(f"weight scheme {scheme.id!r} has no weight for {missing} of framework {framework.id!r}")
        element = {k: float(v) for k, v in scheme.weights.items() if k in present}
    else:
        polarity = pd.Series(framework.polarity, index=framework.indicator_ids)
        indicator_weights = weighting.get_method(method)(values[framework.indicator_ids], polarity,
                                                         methodology.weighting.method_options())
        element = dict(weighting.scheme_from_indicator_weights(framework, indicator_weights, id=method).weights)
    element.update({k: v for k, v in (methodology.weights or {}).items() if k in present})
    return framework.with_weights(element)


def require_framework_weighting(methodology: Methodology, analysis: str, aggregations: tuple[Any, ...] = ()) -> None:
    """Analyses that perturb weights start from fixed element weights: a data-driven
    ``weighting.method`` is refused rather than silently replaced by the framework's weights; and an
    aggregation alternative must keep the methodology's ``min_share`` rather than silently drop it."""
    if methodology.weighting.method != "framework":
        where = ("takes them from a weight scheme" if methodology.weighting.method == "scheme"
                 else "computes them from the data")
        raise SpecificationError(
            f"{analysis} perturbs fixed weights, but the methodology {where} "
            f"(weighting.method = {methodology.weighting.method!r}); run indexlib build and pass its effective "
            "weights as methodology weights, list the scheme as a weighting alternative of the analysis, or "
            "compare weightings with indexlib compare")
    share = methodology.aggregation.min_share
    differing = [a.method for a in aggregations if a.min_share != share]
    if differing:
        raise SpecificationError(
            f"{analysis}: aggregation alternative(s) {differing} have a different min_share than the methodology's "
            f"aggregation.min_share = {share:g}; give each alternative min_share = {share:g}")


def normalise_values(values: pd.DataFrame, framework: Framework, methodology: Methodology, *,
                     method: str | None = None) -> np.ndarray:
    """Normalise the treated values with the methodology's method (polarity from the framework).

    The method receives only its own options (:meth:`Normalisation.method_options`), validated by its
    options model.
    """
    normalisation = methodology.normalisation
    method = method or normalisation.method
    if method == "reference" and normalisation.reference_city not in values.index:
        raise SpecificationError(f"reference city {normalisation.reference_city!r} is not among the ranked cities "
                                 "(the coverage screen excluded it); choose a ranked city")
    spec = NORMALISERS.get(method)
    try:
        options = normalisation.method_options(method)
    except ValueError as exc:
        raise SpecificationError(f"normalisation: {exc}") from None
    data = values[framework.indicator_ids].to_numpy(dtype=float)
    context = FitContext(framework.indicator_ids, values.index.astype(str).tolist())
    learned = spec.fit(data, framework.polarity, options, context)
    return spec.apply(data, framework.polarity, learned, options)


def checked_plan(framework: Framework, methodology: Methodology, normalised: np.ndarray,
                 city_ids: Sequence[str] | pd.Index, *, source: str) -> ScoringPlan:
    """Compile the aggregation and check its domain: positive-only means need values > 0 (``city_ids``, the
    rows of ``normalised``, name the city in the error)."""
    plan = ScoringPlan.compile(framework, methodology.aggregation)
    found = plan.first_outside_domain(normalised)
    if found is not None:
        city, column, count = found
        raise DomainError(
            f"{source}: the aggregation needs {plan.domain} normalised values, but city {city_ids[city]!r} has "
            f"{normalised[city, column]:g} on indicator {framework.indicator_ids[column]!r} ({count} such cells); "
            "use a normalisation range that starts above 0, e.g. range = [1, 100]"
        )
    return plan


def present_50_100(scores: np.ndarray) -> np.ndarray:
    """The report's presentation scale: ``50 + 50 (S − min S) / (max S − min S)`` per column (NaN kept)."""
    low = np.nanmin(scores, axis=0)
    high = np.nanmax(scores, axis=0)
    span = np.where(high > low, high - low, 1.0)
    return np.where(high > low, 50.0 + 50.0 * (scores - low) / span, 100.0)


@dataclass(frozen=True)
class Validated:
    """A build's every step up to aggregation, checked: what :func:`build` aggregates and ranks."""

    prepared: Prepared
    methodology: Methodology
    values: pd.DataFrame  # treated
    imputation_log: pd.DataFrame
    treatment_log: pd.DataFrame
    treatment_flags: pd.DataFrame
    framework: Framework  # used: without excluded and constant indicators
    normalised: np.ndarray
    plan: ScoringPlan
    raw: np.ndarray  # raw scores of every node (cities × plan.node_ids)
    notes: tuple[str, ...]


def validate(panel: PanelInput = None, methodology: MethodologyInput = None,
             framework: FrameworkInput = None) -> Validated:
    """Run every check :func:`build` runs, and every step up to aggregation, without producing output.

    Reading the panel, the coverage screen, the imputation's prerequisites (such as the city attributes
    it groups by), constant indicators, the reference city, goalposts and the aggregation's domain:
    ``validate`` raises exactly the error ``build`` would, as ``build`` is ``validate`` followed by
    aggregation and ranking. Parameters are those of :func:`build`.

    Raises
    ------
    IndexlibError
        The first check that fails (a panel's own problems are all listed in ``.problems``).
    """
    data, meth, fw = resolve_inputs(panel, methodology, framework)
    prep = prepare(data, meth, fw)
    treated, imputation_log, treatment_log, flags, used, notes = impute_and_treat(prep, meth)
    used = apply_weighting(used, meth, treated)
    normalised = normalise_values(treated, used, meth)
    plan = checked_plan(used, meth, normalised, treated.index, source=data.source)
    raw = plan.score(normalised)
    notes = [*prep.warnings, *notes]
    unscored = np.isnan(raw[:, -1])  # the root is scored last
    if unscored.any():
        # With missing.method = 'none', a city whose only values were on indicators excluded after the
        # screen (constant ones) has nothing under the index: it is excluded and listed, never ranked
        # with a NaN. Its all-NaN row did not enter any normalisation parameter.
        dropped = list(treated.index[unscored])
        reason = ("no value on any indicator used in the build (its values were on excluded indicators)"
                  if meth.aggregation.min_share == 0 else "no index score: too few of a node's children have a "
                  f"value (aggregation.min_share = {meth.aggregation.min_share:g})")
        prep = dataclasses.replace(prep, excluded_cities=pd.concat(
            [prep.excluded_cities, pd.DataFrame({"city_id": dropped, "reason": reason})], ignore_index=True))
        treated, flags = treated[~unscored], flags[~unscored]
        normalised, raw = normalised[~unscored], raw[~unscored]
        notes.append(f"{plural(len(dropped), 'city')} excluded: {reason}: "
                     f"{', '.join(dropped[:20])}{' …' if len(dropped) > 20 else ''}")
        if len(treated) < 3:
            raise DataValidationError(f"{data.source}: only {len(treated)} cities have a value on an indicator used "
                                      "in the build; at least 3 are needed")
    return Validated(prep, meth, treated, imputation_log, treatment_log, flags, used, normalised, plan, raw,
                     tuple(notes))


def build(panel: PanelInput = None, methodology: MethodologyInput = None,
          framework: FrameworkInput = None) -> IndexResult:
    """Compute the index: scores and ranks at every level for every city that passes the screen.

    Parameters
    ----------
    panel : path, DataFrame, Panel or None
        ``None`` uses the embedded 2025 panel (:func:`city_data.load_panel`).
    methodology : Methodology, path or None
        ``None`` uses the default methodology (see :class:`~indexlib.methodology.Methodology`).
    framework : Framework, built-in id, path or None
        ``None`` uses ``gctsi-2025``.

    Returns
    -------
    IndexResult

    Raises
    ------
    DataValidationError, SpecificationError, FrameworkError, WeightsError
        Bad input, with messages naming the file, row, city and indicator.

    Examples
    --------
    >>> import indexlib
    >>> result = indexlib.build()
    >>> result.ranking["score"].agg(["min", "max"]).tolist()
    [50.0, 100.0]
    """
    checked = validate(panel, methodology, framework)
    prep, meth = checked.prepared, checked.methodology
    fw, data = prep.requested_framework, prep.panel
    treated, imputation_log, treatment_log, flags = (checked.values, checked.imputation_log, checked.treatment_log,
                                                     checked.treatment_flags)
    used, normalised, plan, raw = checked.framework, checked.normalised, checked.plan, checked.raw
    all_notes = list(checked.notes)
    if meth.missing.method == "none" and np.isnan(normalised).any():
        all_notes.append("missing.method = 'none': cities with missing values are aggregated over their available "
                         "indicators, with sibling weights renormalised per city")
    if np.isnan(raw).any():
        cities = sorted({treated.index[i] for i in np.argwhere(np.isnan(raw))[:, 0]})
        all_notes.append(f"{plural(len(cities), 'city')} {plural(len(cities), 'has', number=False)} "
                         f"no score for some node (no data under it): {cities[:10]}")
    presented = present_50_100(raw) if meth.presentation.scale == "50-100" else raw
    ranks = rank_scores(raw.T, meth.ties).T
    for note in all_notes:
        warnings.warn(note, DataQualityWarning, stacklevel=2)
    index = treated.index
    return IndexResult(
        framework=used,
        requested_framework=fw,
        methodology=meth,
        panel=data,
        values=treated,
        normalised=pd.DataFrame(normalised, index=index, columns=used.indicator_ids, copy=False),  # the build's own
        raw_scores=pd.DataFrame(raw, index=index, columns=plan.node_ids)[[*used.node_ids]],
        scores=pd.DataFrame(presented, index=index, columns=plan.node_ids)[[*used.node_ids]],
        ranks=pd.DataFrame(ranks, index=index, columns=plan.node_ids)[[*used.node_ids]],
        excluded_cities=prep.excluded_cities,
        excluded_indicators=pd.concat(
            [prep.excluded_indicators,
             pd.DataFrame({"indicator_id": [i for i in prep.framework.indicator_ids if i not in used.indicator_ids],
                           "reason": "constant across the ranked cities"})], ignore_index=True),
        imputation_log=imputation_log,
        treatment_log=treatment_log,
        treatment_flags=flags,
        city_level_share=city_level_share(data),
        notes=tuple(all_notes),
        inputs=build_inputs(data, methodology, framework, meth),
        denomination=prep.denomination,
    )
