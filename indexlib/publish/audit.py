"""The statistical audit of a build: data checks, coherence, consistency, added value, weights.

Follows the template of the JRC audits of the GTCI and GII (methods.md §2.2): coverage and outlier
treatment; Pearson and Spearman correlations indicator–indicator within each dimension,
indicator–dimension and dimension–index; per dimension Cronbach's alpha and the variance share of
the first principal component; the "added value" of the index (share of cities whose index rank
differs by 10 or more from every dimension rank); nominal weights against importance.

Cronbach's alpha of the :math:`k` normalised indicators :math:`x_1 … x_k` of a dimension:

.. math:: \\alpha = \\frac{k}{k - 1}\\Big(1 - \\frac{\\sum_i \\sigma^2_{x_i}}{\\sigma^2_{\\sum_i x_i}}\\Big)

The first principal component's share is computed on the standardised indicators (correlation
matrix), with scikit-learn's ``PCA``.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika 16: 297–334.
OECD/JRC (2008). Handbook on Constructing Composite Indicators, §4 (multivariate analysis).
Saisana, M. & Domínguez-Torreiro, M. (2018). JRC statistical audit of the GTCI 2018.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from indexlib.importance import importance_table
from indexlib.io import write_folder
from indexlib.publish.tables import csv_text
from indexlib.result import IndexResult
from indexlib.treat import passes_rule, skew_kurtosis
from indicators.errors import SpecificationError

__all__ = ["Audit", "audit", "THRESHOLDS", "cronbach_alpha", "first_component_share", "added_value",
           "level_mask", "flag_mask", "provenance_mask", "records", "require_matplotlib", "require_result"]

#: The thresholds of the flags (JRC audit practice; issue 11).
THRESHOLDS = {
    "redundant_r": 0.9,  # |Pearson r| above: two indicators measure the same thing
    "negative_r": -0.4,  # within a dimension, below: indicators pull the dimension apart
    "few_distinct_values": 10,  # a dimension with fewer distinct scores barely ranks cities
    "imputed_weight_share": 0.25,  # a city resting more on imputed values is flagged
    "national_share": 0.5,  # a dimension with more of its values copied from national figures is flagged
    "added_value_rank_gap": 10,  # index rank differs from every dimension rank by at least this
}


# ---------------------------------------------------------------------------------------------- statistics
#: Provenance flags counted per city and per indicator (``<flag>_values``): values older than
#: city_data.plausibility.STALE_AFTER_YEARS, and values taken before a series break.
FLAGS_COUNTED = ("stale", "series_break")

#: The name of the correlation heatmap's files (``.png``, ``.svg``).
HEATMAP = "correlation_heatmap"


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``items`` (rows with a missing value are dropped).

    .. math:: \\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\sum_i s^2_i}{s^2_T}\\Big)

    NaN with fewer than 2 items, fewer than 2 complete rows or a constant total.

    >>> round(cronbach_alpha(np.array([[4, 5, 4], [3, 4, 3], [5, 5, 5], [2, 3, 2]])), 6)  # 48/49
    0.979592
    """
    data = np.asarray(items, dtype=float)
    data = data[~np.isnan(data).any(axis=1)]
    k = data.shape[1] if data.ndim == 2 else 0
    if k < 2 or data.shape[0] < 2:
        return float("nan")
    total = np.var(data.sum(axis=1), ddof=1)
    if total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.var(data, axis=0, ddof=1).sum() / total))


def first_component_share(items: np.ndarray) -> float:
    """Share of the variance of the standardised columns explained by their first principal
    component (scikit-learn ``PCA``); NaN with fewer than 2 items or 2 complete rows."""
    from sklearn.decomposition import PCA

    data = np.asarray(items, dtype=float)
    data = data[~np.isnan(data).any(axis=1)]
    if data.ndim != 2 or data.shape[1] < 2 or data.shape[0] < 2:
        return float("nan")
    spread = data.std(axis=0)
    if (spread == 0).any():
        return float("nan")
    standardised = (data - data.mean(axis=0)) / spread
    return float(PCA(n_components=1, svd_solver="full").fit(standardised).explained_variance_ratio_[0])


def added_value(ranks: pd.DataFrame, overall: str, dimensions: list[str], gap: float = 10) -> pd.DataFrame:
    """Per city: the dimension whose rank is closest to the index rank, the gap, and whether the
    index rank differs by at least ``gap`` from every dimension rank (GTCI audit "added value").

    Ties of the closest gap go to the dimension listed first.
    """
    overall_rank = ranks[overall].to_numpy(dtype=float)
    dim_ranks = ranks[dimensions].to_numpy(dtype=float)
    gaps = np.abs(dim_ranks - overall_rank[:, None])
    closest = np.argmin(gaps, axis=1)
    table = pd.DataFrame({
        "city_id": ranks.index.astype(str),
        "rank": overall_rank,
        "closest_dimension": np.asarray(dimensions, dtype=object)[closest],
        "closest_dimension_rank": dim_ranks[np.arange(len(dim_ranks)), closest],
        "min_rank_gap": gaps[np.arange(len(gaps)), closest],
    })
    table["differs_from_every_dimension"] = table["min_rank_gap"] >= gap
    return table.sort_values(["rank", "city_id"], kind="stable").reset_index(drop=True)


def provenance_mask(result: IndexResult, column: str, matches: Callable[[pd.Series], pd.Series]
                    ) -> pd.DataFrame | None:
    """Cities × used indicators: True where the panel's value has a provenance ``column`` that
    ``matches`` (a function of the column's text, lower case); None when the panel lacks the column.
    Imputed cells are never True (they had no value)."""
    provenance = result.panel.provenance
    if provenance is None or column not in provenance.columns:
        return None
    values = result.values
    text = provenance[column].fillna("").astype(str).str.strip().str.lower()
    chosen = provenance[provenance["has_value"].astype(bool) & matches(text).to_numpy(dtype=bool)]
    rows = values.index.get_indexer(chosen["city_id"].astype(str))
    columns = values.columns.get_indexer(chosen["indicator_id"].astype(str))
    keep = (rows >= 0) & (columns >= 0)
    mask = np.zeros(values.shape, dtype=bool)
    mask[rows[keep], columns[keep]] = True
    return pd.DataFrame(mask, index=values.index, columns=values.columns)


def level_mask(result: IndexResult, level: str = "country") -> pd.DataFrame | None:
    """Where the value has provenance ``level`` (``"country"``: a national figure copied to every city
    of the country; ``"city"``); see :func:`provenance_mask`."""
    return provenance_mask(result, "level", lambda text: text == level)


def flag_mask(result: IndexResult, flag: str) -> pd.DataFrame | None:
    """Where the value's provenance ``flag`` includes ``flag`` (``"stale"``, ``"series_break"``: see
    :mod:`city_data.plausibility`); see :func:`provenance_mask`."""
    pattern = rf"(?:^|;){re.escape(flag)}(?:;|$)"  # one of the ';'-separated flags, whole
    return provenance_mask(result, "flag", lambda text: text.str.contains(pattern, regex=True))


# ---------------------------------------------------------------------------------------------- the audit
@dataclass(frozen=True)
class Audit:
    """The audit of one build.

    Attributes
    ----------
    tables : mapping of name → DataFrame
        ``summary``, ``coverage_cities``, ``coverage_indicators``, ``treatment``,
        ``correlations_within``, ``correlations_indicator_dimension``,
        ``correlations_dimension_index``, ``correlation_matrix``, ``consistency``, ``added_value``,
        ``weights_indicators``, ``weights_dimensions``.
    flags : DataFrame
        One row per flag: ``flag, subject, dimension, value, threshold, detail``, sorted by flag and
        subject. Flags: ``redundant_pair`` (r > 0.9 within a dimension), ``negative_within_dimension``
        (r < −0.4), ``closer_to_other_dimension`` (``value``: r with the other dimension,
        ``threshold``: r with its own), ``few_distinct_values`` (< 10 distinct dimension scores),
        ``national_figures_only`` (no city-level value in the dimension), ``mostly_national_figures``
        (more than half of its values country-level), ``imputed_weight_above_threshold``
        (> 25% of a city's effective weight imputed), ``weight_importance_mismatch`` (from
        :func:`indexlib.importance.importance_table`).
    """

    tables: Mapping[str, pd.DataFrame]
    flags: pd.DataFrame

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def added_value_share(self) -> float:
        """Share of cities whose index rank differs by ≥ 10 from every dimension rank."""
        return float(self.tables["added_value"]["differs_from_every_dimension"].mean())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"flags": [...], "tables": {name: [records]}}`` (NaN written as null)."""
        return {"flags": records(self.flags), "tables": {name: records(t) for name, t in self.tables.items()}}

    def files(self, *, figures: bool = True) -> dict[str, str | bytes]:
        """Every table as ``<name>.csv``, ``flags.csv`` and, with ``figures``, the correlation heatmap
        ``correlation_heatmap.png``/``.svg``, by file name.

        Raises
        ------
        SpecificationError
            ``figures`` is requested and matplotlib is not installed.
        """
        if figures:
            require_matplotlib()
        files: dict[str, str | bytes] = {f"{name}.csv": csv_text(table) for name, table in self.tables.items()}
        files["flags.csv"] = csv_text(self.flags)
        if figures:
            files.update(self._heatmap())
        return files

    def write(self, folder: str | Path, *, figures: bool = True) -> list[Path]:
        """Write :meth:`files` into ``folder`` (complete or untouched: :func:`indexlib.io.write_folder`)."""
        from indexlib.figures import figure_names

        files = self.files(figures=figures)
        return write_folder(folder, files, owns=[*files, *figure_names(HEATMAP)])

    def _heatmap(self) -> dict[str, bytes]:
        from indexlib.figures import FIGURE_STYLE, pyplot, render_figure

        plt = pyplot()
        assert plt is not None  # files() has called require_matplotlib()
        matrix = self.tables["correlation_matrix"].set_index("indicator_id")
        dimensions = self.tables["coverage_indicators"].set_index("indicator_id")["dimension"].reindex(matrix.index)
        n = len(matrix)
        with plt.rc_context(FIGURE_STYLE):
            size = max(4.0, 0.32 * n + 1.8)
            figure, axes = plt.subplots(figsize=(size + 1.0, size))
            image = axes.imshow(matrix.to_numpy(dtype=float), cmap="RdBu_r", vmin=-1, vmax=1)
            axes.set_xticks(range(n), matrix.index, rotation=90)
            axes.set_yticks(range(n), matrix.index)
            # lines between dimensions, so the within-dimension blocks stand out
            edges = np.flatnonzero(dimensions.to_numpy()[1:] != dimensions.to_numpy()[:-1]) + 0.5
            for edge in edges:
                axes.axhline(edge, color="black", linewidth=0.8)
                axes.axvline(edge, color="black", linewidth=0.8)
            figure.colorbar(image, ax=axes, shrink=0.8, label="Pearson r")
            axes.set_title("Indicator correlations (normalised values), grouped by dimension")
            return render_figure(plt, figure, HEATMAP)


def require_result(result: Any, caller: str) -> None:
    """Raise :class:`SpecificationError` unless ``result`` is an :class:`IndexResult` (what a build returns)."""
    if not isinstance(result, IndexResult):
        raise SpecificationError(f"{caller}: expected the IndexResult of indexlib.build(); got {type(result).__name__}")


def audit(result: IndexResult) -> Audit:
    """Audit a build (see the module docstring); the result is not changed."""
    require_result(result, "audit")
    framework = result.framework
    dims = framework.dimension_ids
    indicators = framework.indicator_ids
    dimension_of = pd.Series({i: framework.dimension_of(i) for i in indicators})
    weights = framework.effective_weights().reindex(indicators)
    normalised = result.normalised[indicators]
    raw_scores = result.raw_scores
    tables: dict[str, pd.DataFrame] = {}

    # --- coverage and treatment
    imputed = result.imputed[indicators].to_numpy()
    country = level_mask(result)
    flagged = {flag: flag_mask(result, flag) for flag in FLAGS_COUNTED}
    tables["coverage_cities"] = _coverage_cities(result, indicators, weights, imputed, country,
                                                 level_mask(result, "city"), flagged)
    tables["coverage_indicators"] = _coverage_indicators(result, indicators, dimension_of, imputed, country, flagged)
    tables["treatment"] = _treatment(result, indicators)

    # --- correlations (pairwise complete observations)
    joined = pd.concat([normalised, raw_scores[[*dims, result.root]]], axis=1)
    pearson, spearman = joined.corr(method="pearson"), joined.corr(method="spearman")
    within = [{"dimension": d, "indicator_a": a, "indicator_b": b, "pearson": pearson.at[a, b],
               "spearman": spearman.at[a, b]}
              for d in dims for k, a in enumerate(framework.indicators_under(d))
              for b in framework.indicators_under(d)[k + 1:]]
    tables["correlations_within"] = pd.DataFrame(
        within, columns=["dimension", "indicator_a", "indicator_b", "pearson", "spearman"])
    tables["correlations_indicator_dimension"] = pd.DataFrame(
        [{"indicator_id": i, "dimension": d, "own_dimension": dimension_of[i] == d, "pearson": pearson.at[i, d],
          "spearman": spearman.at[i, d]} for i in indicators for d in dims])
    tables["correlations_dimension_index"] = pd.DataFrame(
        [{"dimension": d, "pearson": pearson.at[d, result.root], "spearman": spearman.at[d, result.root]}
         for d in dims])
    tables["correlation_matrix"] = pearson.loc[indicators, indicators].rename_axis("indicator_id").reset_index()

    # --- consistency per dimension
    tables["consistency"] = _consistency(result, dims, country)

    # --- added value and weights
    tables["added_value"] = added_value(result.ranks, result.root, dims, THRESHOLDS["added_value_rank_gap"])
    by_indicator = importance_table(result, "indicator")
    by_indicator.insert(1, "dimension", dimension_of.reindex(by_indicator["id"]).to_numpy())
    tables["weights_indicators"] = by_indicator
    tables["weights_dimensions"] = importance_table(result, "dimension")

    flags = _flags(tables)
    tables["summary"] = _summary(result, tables, flags)
    ordered = {name: tables[name] for name in ("summary", *sorted(set(tables) - {"summary"}))}
    return Audit(ordered, flags)


def _coverage_cities(result: IndexResult, indicators: list[str], weights: pd.Series, imputed: np.ndarray,
                     country: pd.DataFrame | None, city: pd.DataFrame | None,
                     flagged: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    raw = result.panel.values.reindex(index=result.values.index, columns=indicators)
    present = raw.notna().to_numpy()
    w = weights.to_numpy()
    table = pd.DataFrame({
        "city_id": result.values.index.astype(str),
        "rank": result.ranks[result.root].to_numpy(dtype=float),
        "indicators_with_value": present.sum(axis=1),
        "coverage": present.mean(axis=1),
        "imputed_values": imputed.sum(axis=1),
        "imputed_weight_share": imputed.astype(float) @ w / w.sum(),
    })
    if country is not None and city is not None:
        table["country_level_weight_share"] = country[indicators].to_numpy(dtype=float) @ w / w.sum()
        table["city_level_weight_share"] = city[indicators].to_numpy(dtype=float) @ w / w.sum()
    else:
        table["country_level_weight_share"] = np.nan
        table["city_level_weight_share"] = np.nan
    for flag, mask in flagged.items():
        table[f"{flag}_values"] = mask[indicators].to_numpy().sum(axis=1) if mask is not None else 0
    return table.sort_values(["rank", "city_id"], kind="stable").reset_index(drop=True)


def _coverage_indicators(result: IndexResult, indicators: list[str], dimension_of: pd.Series, imputed: np.ndarray,
                         country: pd.DataFrame | None, flagged: Mapping[str, pd.DataFrame | None]) -> pd.DataFrame:
    raw = result.panel.values.reindex(index=result.values.index, columns=indicators)
    present = raw.notna()
    table = pd.DataFrame({
        "indicator_id": indicators,
        "dimension": dimension_of.reindex(indicators).to_numpy(),
        "cities_with_value": present.sum().to_numpy(),
        "coverage": present.mean().to_numpy(),
        "imputed_values": imputed.sum(axis=0),
        "country_level_share": (country.mean().to_numpy() if country is not None else np.nan),
        "distinct_values": raw.nunique().to_numpy(),
    })
    for flag, mask in flagged.items():
        table[f"{flag}_values"] = mask[indicators].to_numpy().sum(axis=0) if mask is not None else 0
    return table


def _treatment(result: IndexResult, indicators: list[str]) -> pd.DataFrame:
    rule = result.methodology.outliers
    log = result.treatment_log.set_index("indicator_id") if len(result.treatment_log) else None
    rows = []
    for i in indicators:
        after = skew_kurtosis(result.values[i].to_numpy(dtype=float))
        if log is not None and i in log.index:
            entry = log.loc[i]
            before = (float(entry["skew_before"]), float(entry["kurtosis_before"]))
            action, points = str(entry["action"]), int(entry["points"])
            transform = entry.get("transform")
            action = f"log ({transform})" if action == "log" and isinstance(transform, str) else action
        else:  # treatment switched off: the values are as imputed
            before, action, points = after, "none (treatment off)", 0
        rows.append({"indicator_id": i, "skew_before": before[0], "kurtosis_before": before[1], "action": action,
                     "points": points, "skew_after": after[0], "kurtosis_after": after[1],
                     "failed_rule_before": not passes_rule(*before, rule.skew_threshold, rule.kurtosis_threshold),
                     "still_failing": not passes_rule(*after, rule.skew_threshold, rule.kurtosis_threshold)})
    return pd.DataFrame(rows)


def _distinct(x: np.ndarray) -> int:
    # rounded so that float noise in an aggregate does not count as a distinct score
    x = x[~np.isnan(x)]
    return int(np.unique(np.round(x, 9)).size)


def _consistency(result: IndexResult, dims: list[str], country: pd.DataFrame | None) -> pd.DataFrame:
    framework = result.framework
    rows = []
    for d in dims:
        members = framework.indicators_under(d)
        items = result.normalised[members].to_numpy(dtype=float)
        row = {"dimension": d, "indicators": len(members), "cronbach_alpha": cronbach_alpha(items),
               "pc1_variance_share": first_component_share(items),
               "distinct_scores": _distinct(result.raw_scores[d].to_numpy(dtype=float))}
        if country is not None:
            raw = result.panel.values.reindex(index=result.values.index, columns=members).notna().to_numpy()
            national = country[members].to_numpy()
            row["values_present"] = int(raw.sum())
            row["country_level_values"] = int(national.sum())
            row["city_level_values"] = int((raw & ~national).sum())
        else:
            row.update(values_present=np.nan, country_level_values=np.nan, city_level_values=np.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def _flags(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    t = THRESHOLDS
    rows: list[dict[str, Any]] = []

    def add(flag: str, subject: str, dimension: Any, value: float, threshold: float, detail: str) -> None:
        rows.append({"flag": flag, "subject": subject, "dimension": dimension, "value": value,
                     "threshold": threshold, "detail": detail})

    for r in tables["correlations_within"].itertuples(index=False):
        if r.pearson > t["redundant_r"]:
            add("redundant_pair", f"{r.indicator_a}~{r.indicator_b}", r.dimension, r.pearson, t["redundant_r"],
                f"indicators {r.indicator_a} and {r.indicator_b} correlate at r = {r.pearson:.3f}: nearly the "
                "same information counted twice")
        if r.pearson < t["negative_r"]:
            add("negative_within_dimension", f"{r.indicator_a}~{r.indicator_b}", r.dimension, r.pearson,
                t["negative_r"], f"indicators {r.indicator_a} and {r.indicator_b} correlate at r = {r.pearson:.3f} "
                "within one dimension: they offset each other")
    by_indicator = tables["correlations_indicator_dimension"]
    for indicator, group in by_indicator.groupby("indicator_id", sort=True):
        own = group[group["own_dimension"]].iloc[0]
        others = group[~group["own_dimension"]].sort_values(["pearson", "dimension"], ascending=[False, True])
        if len(others) and others.iloc[0]["pearson"] > own["pearson"]:
            best = others.iloc[0]
            add("closer_to_other_dimension", str(indicator), own["dimension"], best["pearson"], own["pearson"],
                f"indicator {indicator} correlates more with {best['dimension']} (r = {best['pearson']:.3f}) than "
                f"with its own dimension {own['dimension']} (r = {own['pearson']:.3f})")
    for r in tables["consistency"].itertuples(index=False):
        if r.distinct_scores < t["few_distinct_values"]:
            add("few_distinct_values", r.dimension, r.dimension, r.distinct_scores, t["few_distinct_values"],
                f"dimension {r.dimension} has only {r.distinct_scores} distinct scores")
        if not pd.isna(r.city_level_values) and r.values_present > 0 and r.city_level_values == 0:
            add("national_figures_only", r.dimension, r.dimension, r.country_level_values / r.values_present, 1.0,
                f"dimension {r.dimension} is built from national figures only: all {r.values_present} values are "
                f"country-level, copied to every city of a country ({r.distinct_scores} distinct scores)")
        elif (not pd.isna(r.city_level_values) and r.values_present > 0
              and r.country_level_values / r.values_present > t["national_share"]):
            share = r.country_level_values / r.values_present
            add("mostly_national_figures", r.dimension, r.dimension, share, t["national_share"],
                f"dimension {r.dimension}: {share:.0%} of its {r.values_present} values are country-level, copied to "
                f"every city of a country")
    for r in tables["coverage_cities"].itertuples(index=False):
        if r.imputed_weight_share > t["imputed_weight_share"]:
            add("imputed_weight_above_threshold", r.city_id, None, r.imputed_weight_share, t["imputed_weight_share"],
                f"city {r.city_id}: {r.imputed_weight_share:.0%} of its effective weight rests on imputed values")
    for r in tables["weights_indicators"].itertuples(index=False):
        if r.flagged:
            add("weight_importance_mismatch", r.id, r.dimension, r.ratio, 2.0,
                f"indicator {r.id}: importance share / weight share = {r.ratio:.2f} (outside 0.5–2)")
    flags = pd.DataFrame(rows, columns=["flag", "subject", "dimension", "value", "threshold", "detail"])
    return flags.sort_values(["flag", "subject"], kind="stable").reset_index(drop=True)


def _summary(result: IndexResult, tables: dict[str, pd.DataFrame], flags: pd.DataFrame) -> pd.DataFrame:
    cities = tables["coverage_cities"]
    items: list[tuple[str, Any]] = [
        ("cities_ranked", len(cities)),
        ("indicators_used", len(tables["coverage_indicators"])),
        ("dimensions", len(tables["consistency"])),
        ("mean_coverage", float(cities["coverage"].mean())),
        ("imputed_values", int(cities["imputed_values"].sum())),
        ("mean_imputed_weight_share", float(cities["imputed_weight_share"].mean())),
        ("mean_country_level_weight_share", float(cities["country_level_weight_share"].mean())),
        ("indicators_still_failing_rule", int(tables["treatment"]["still_failing"].sum())),
        ("added_value_share", float(tables["added_value"]["differs_from_every_dimension"].mean())),
        ("flags", len(flags)),
    ]
    # one column of mixed ints and floats: floats rounded here, as the CSV writer formats only float columns
    items = [(k, round(v, 6) if isinstance(v, float) else int(v)) for k, v in items]
    return pd.DataFrame(items, columns=["metric", "value"], dtype=object)


# ---------------------------------------------------------------------------------------------- output helpers
def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records of ``frame``: NaN as None, numpy scalars as Python ones, floats to 12 digits."""
    return cast(list[dict[str, Any]],
                json.loads(frame.to_json(orient="records", double_precision=12, force_ascii=False)))


def require_matplotlib() -> None:
    """Raise :class:`SpecificationError` with the install hint when matplotlib is missing."""
    from indexlib.figures import matplotlib_available

    if not matplotlib_available():
        raise SpecificationError("figures need matplotlib, which is not installed: pip install 'indexlib[plots]' "
                                 "(or ask for no figures: --no-figures / figures=False)")
