"""The profile of one city: scores, ranks, every value with its source, strengths, peers.

What the GII and GTCI economy profiles publish (methods.md §8): the unit summary (COINr
``get_unit_summary``), every indicator's value and rank, strengths and weaknesses (the best and
worst indicators by rank, COINr ``get_str_weak``), peer cities, and the rank interval of an
uncertainty analysis. Every value carries its source: the panel's provenance (unit, year, level,
source, licence), or the imputation rule that filled it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from indexlib.io import write_folder
from indexlib.publish.audit import records, require_matplotlib, require_result
from indexlib.publish.tables import csv_text
from indexlib.result import IndexResult
from indicators._config import read_input_bytes
from indicators._numbers import EXACT_CSV
from indicators.errors import DataValidationError, SpecificationError
from indicators.schema import Indicator

if TYPE_CHECKING:
    from indexlib.uncertainty.montecarlo import UncertaintyResult

__all__ = ["CityProfile", "profile", "find_city", "nearest_peers", "INTERVAL_COLUMNS", "read_intervals"]

#: Columns a rank-interval table must have (``UncertaintyResult.rank_intervals``).
INTERVAL_COLUMNS = ("city_id", "p05_rank", "median_rank", "p95_rank")

_PROVENANCE = ("unit", "year", "level", "source", "licence", "note", "flag")


@dataclass(frozen=True)
class CityProfile:
    """One city's profile.

    Attributes
    ----------
    city_id, city_en : str
    attributes : dict
        The panel's attributes of the city (country, continent, …).
    overall : dict
        ``score``, ``score_raw``, ``rank``, ``cities`` and, when intervals were given,
        ``p05_rank``, ``median_rank``, ``p95_rank``.
    dimensions : DataFrame
        ``dimension, name, score, score_raw, rank`` (+ interval columns when given).
    indicators : DataFrame
        One row per used indicator: ``indicator_id, name, dimension, polarity, raw_value, unit,
        year, level, source, licence, note, imputed, imputed_from, imputed_value, treated_value,
        treatment, normalised, rank``; ``rank`` is the city's rank among the ranked cities on the
        normalised value (1 = best, ties share the best rank).
    strengths, weaknesses : DataFrame
        The best and worst indicators by rank (``indicator_id, name, dimension, rank, normalised``).
    peers : DataFrame
        The nearest cities in dimension space: ``city_id, city_en, distance, rank``.
    """

    city_id: str
    city_en: str
    attributes: dict[str, Any]
    overall: dict[str, Any]
    dimensions: pd.DataFrame
    indicators: pd.DataFrame
    strengths: pd.DataFrame
    weaknesses: pd.DataFrame
    peers: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN written as null)."""
        return {
            "city_id": self.city_id,
            "city_en": self.city_en,
            "attributes": json.loads(json.dumps(self.attributes, default=str)),
            "overall": records(pd.DataFrame([self.overall]))[0],
            "dimensions": records(self.dimensions),
            "indicators": records(self.indicators),
            "strengths": records(self.strengths),
            "weaknesses": records(self.weaknesses),
            "peers": records(self.peers),
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        """The profile as the command line prints it; every value is followed by ``[n]``, its source."""
        o = self.overall
        country = self.attributes.get("country")
        lines = [f"{self.city_en} ({self.city_id}){', ' + str(country) if country else ''}",
                 f"Index: rank {_number(o['rank'])} of {o['cities']}, score {_number(o['score'], 2)}{_interval(o)}", "",
                 "Dimensions"]
        for row in self.dimensions.to_dict("records"):
            lines.append(f"  {row['name']:<28} score {_number(row['score'], 2):>7}  rank {_number(row['rank']):>4}"
                         f"{_interval(row)}")
        sources: dict[str, int] = {}

        def cite(text: str) -> str:
            return f"[{sources.setdefault(text, len(sources) + 1)}]"

        lines += ["", "Indicators (raw value, unit, year, level → treated → normalised; rank among cities)"]
        for dimension, group in self.indicators.groupby("dimension", sort=False):
            lines.append(f"  {dimension}")
            for row in group.to_dict("records"):
                if row["imputed"]:
                    value = f"imputed {_number(row['imputed_value'])} ({row['imputed_from']})"
                    reference = cite(f"imputed: {row['imputed_from']}")
                elif not _present(row["raw_value"]):  # missing and not imputed (missing.method = none)
                    value = "no value"
                    reference = cite("no value in the panel; not imputed (the indicator is left out of this "
                                     "city's aggregate)")
                else:
                    details = ", ".join(str(row[k]) for k in ("unit", "year", "level") if _present(row[k]))
                    value = f"{_number(row['raw_value'])}" + (f" ({details})" if details else "")
                    if _present(row["flag"]):  # stale, series_break, shared_urban_centre (city_data.plausibility)
                        value += f" {{{row['flag'].replace(';', ', ')}}}"
                    reference = cite(_source_text(row))
                treatment = f" [{row['treatment']}]" if row["treatment"] else ""
                lines.append(f"    {row['indicator_id']} {row['name']}: {value} {reference} → "
                             f"{_number(row['treated_value'])}{treatment} → {_number(row['normalised'], 1)}; "
                             f"rank {_number(row['rank'])}")
        lines += ["", "Strengths (best indicators by rank): " + _listing(self.strengths),
                  "Weaknesses (worst indicators by rank): " + _listing(self.weaknesses), "",
                  "Nearest peers in dimension space (Euclidean distance of the dimension scores):"]
        lines += [f"  {r['city_en']} ({r['city_id']}): distance {r['distance']:.2f}, rank {_number(r['rank'])}"
                  for r in self.peers.to_dict("records")]
        lines += ["", "Sources"] + [f"  [{n}] {text}" for text, n in sources.items()]
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines) + "\n"

    def files(self, *, figures: bool = True) -> dict[str, str | bytes]:
        """``profile.json``, ``profile.txt``, ``dimensions.csv``, ``indicators.csv``, ``peers.csv`` and,
        with ``figures``, the dimension chart ``dimensions.png``/``.svg``, by file name."""
        if figures:
            require_matplotlib()
        files: dict[str, str | bytes] = {
            "profile.json": json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n",
            "profile.txt": self.to_text(),
            "dimensions.csv": csv_text(self.dimensions),
            "indicators.csv": csv_text(self.indicators),
            "peers.csv": csv_text(self.peers),
        }
        if figures:
            files.update(self._chart())
        return files

    def write(self, folder: str | Path, *, figures: bool = True) -> list[Path]:
        """Write :meth:`files` into ``folder`` (complete or untouched: :func:`indexlib.io.write_folder`)."""
        from indexlib.figures import figure_names

        files = self.files(figures=figures)
        return write_folder(folder, files, owns=[*files, *figure_names("dimensions")])

    def _chart(self) -> dict[str, bytes]:
        from indexlib.figures import FIGURE_STYLE, pyplot, render_figure

        plt = pyplot()
        assert plt is not None  # files() has called require_matplotlib()
        frame = self.dimensions.iloc[::-1]  # first dimension at the top
        with plt.rc_context(FIGURE_STYLE):
            figure, axes = plt.subplots(figsize=(6.0, 0.45 * len(frame) + 1.2))
            figure.subplots_adjust(left=0.35, right=0.95, top=0.85, bottom=0.15)
            axes.barh(frame["name"], frame["score"], color="#6baed6")
            for y, (score, rank) in enumerate(zip(frame["score"], frame["rank"])):
                axes.text(score, y, f" {score:.1f} (rank {_number(rank)})", va="center", fontsize=7)
            low, high = min(0.0, float(frame["score"].min())), float(frame["score"].max())
            axes.set_xlim(low, high + 0.3 * (high - low or 1.0))  # room for the labels right of the bars
            axes.set_xlabel("dimension score")
            axes.set_title(f"{self.city_en}: rank {_number(self.overall['rank'])} of {self.overall['cities']}")
            return render_figure(plt, figure, "dimensions")


def profile(result: IndexResult, city: str,
            intervals: UncertaintyResult | pd.DataFrame | Mapping[str, pd.DataFrame] | None = None, *, top: int = 5,
            peers: int = 5) -> CityProfile:
    """Profile of ``city`` (an id or an English name, any case) in a build.

    Parameters
    ----------
    intervals : UncertaintyResult, DataFrame or mapping, optional
        Rank intervals: an :class:`~indexlib.uncertainty.UncertaintyResult`, its ``rank_intervals``
        table (the overall index) or a mapping of node id (the index id for the overall rank,
        dimension ids) to such tables.
    top : int
        Number of strengths and of weaknesses (at most half the indicators each).
    peers : int
        Number of nearest peer cities.

    Raises
    ------
    SpecificationError
        The city is unknown (with the closest names), or the coverage screen excluded it; ``result``
        is not a build's result; ``top`` or ``peers`` is not a whole number >= 0.
    """
    require_result(result, "profile")
    for name, value in (("top", top), ("peers", peers)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise SpecificationError(f"profile: {name} must be a whole number >= 0; got {value!r}")
    city_id = find_city(result, city)
    framework = result.framework
    tables = _interval_tables(intervals, result.root)
    notes: list[str] = []

    attributes = result.panel.attributes.reindex(result.values.index).loc[city_id]
    attributes = {k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in attributes.items()}
    city_en = str(attributes.get("city_en") or city_id)
    overall = {"score": float(result.scores.at[city_id, result.root]),
               "score_raw": float(result.raw_scores.at[city_id, result.root]),
               "rank": float(result.ranks.at[city_id, result.root]), "cities": len(result.values)}
    overall.update(_interval_for(tables.get(result.root), city_id, "the index", notes))

    rows = []
    for d in framework.dimension_ids:
        row = {"dimension": d, "name": framework.element(d).name_en, "score": float(result.scores.at[city_id, d]),
               "score_raw": float(result.raw_scores.at[city_id, d]), "rank": float(result.ranks.at[city_id, d])}
        if tables:
            row.update(_interval_for(tables.get(d), city_id, d, notes))
        rows.append(row)
    dimensions = pd.DataFrame(rows)

    indicators = _indicator_table(result, city_id)
    count = max(0, min(top, int(indicators["rank"].notna().sum()) // 2))
    ranked = indicators.dropna(subset=["rank"])  # a value missing and not imputed has no rank
    by_rank = ranked.sort_values(["rank", "indicator_id"], kind="stable")
    columns = ["indicator_id", "name", "dimension", "rank", "normalised"]
    strengths = by_rank.head(count)[columns].reset_index(drop=True)
    worst = ranked.sort_values(["rank", "indicator_id"], ascending=[False, True], kind="stable")
    weaknesses = worst[~worst["indicator_id"].isin(strengths["indicator_id"])].head(count)[columns]
    return CityProfile(city_id, city_en, attributes, overall, dimensions, indicators, strengths,
                       weaknesses.reset_index(drop=True), nearest_peers(result, city_id, peers), tuple(notes))


def find_city(result: IndexResult, city: str) -> str:
    """The ranked city's id for ``city`` (an id or an English name, any case), or a clear error."""
    ranked = [str(c) for c in result.values.index]
    names = result.panel.attributes.get("city_en", pd.Series(dtype=object)).dropna().astype(str)
    wanted = city.strip().casefold()
    by_key = {c.casefold(): c for c in map(str, result.panel.attributes.index)}
    by_key.update({name.casefold(): str(c) for c, name in names.items() if name.casefold() not in by_key})
    if wanted in by_key:
        found = by_key[wanted]
        if found in ranked:
            return found
        reason = result.excluded_cities.set_index("city_id")["reason"].get(found, "not ranked in this build")
        raise SpecificationError(f"city {city!r} ({found}) is in the panel but not ranked: {reason}")
    close = difflib.get_close_matches(wanted, list(by_key), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(by_key[c]) for c in close)}?" if close else ""
    raise SpecificationError(f"unknown city {city!r}: not a city id or English name in {result.panel.source}{hint}")


def nearest_peers(result: IndexResult, city_id: str, count: int = 5) -> pd.DataFrame:
    """The ``count`` cities nearest to ``city_id`` by Euclidean distance of the dimension scores;
    equal distances are ordered by city id."""
    scores = result.dimension_scores
    distance = np.sqrt(((scores - scores.loc[city_id]) ** 2).sum(axis=1))
    names = result.panel.attributes.reindex(scores.index)
    table = pd.DataFrame({"city_id": scores.index.astype(str),
                          "city_en": names["city_en"].fillna("").astype(str).to_numpy() if "city_en" in names
                          else scores.index.astype(str),
                          "distance": distance.to_numpy(), "rank": result.ranks[result.root].to_numpy(dtype=float)})
    table = table[table["city_id"] != city_id]
    # rounded key: distances equal up to float noise count as ties, broken by city id
    order = np.lexsort((table["city_id"].to_numpy(), np.round(table["distance"].to_numpy(), 9)))
    return table.iloc[order].head(count).reset_index(drop=True)


def _indicator_table(result: IndexResult, city_id: str) -> pd.DataFrame:
    framework = result.framework
    ids = framework.indicator_ids
    raw = result.panel.values.reindex(columns=ids).loc[city_id]
    provenance = pd.DataFrame(index=ids, columns=list(_PROVENANCE), dtype=object)
    if result.panel.provenance is not None:
        own = result.panel.provenance[result.panel.provenance["city_id"].astype(str) == city_id]
        own = own.drop_duplicates("indicator_id", keep="last").set_index("indicator_id")
        for column in _PROVENANCE:
            if column in own.columns:
                provenance[column] = own[column].reindex(ids).astype(object)
    log = result.imputation_log[result.imputation_log["city_id"].astype(str) == city_id].set_index("indicator_id")
    ranks = result.normalised[ids].rank(ascending=False, method="min").loc[city_id]
    rows = []
    for i in ids:
        element = cast(Indicator, framework.element(i))  # ids are the used indicators
        imputed = i in log.index
        unit = provenance.at[i, "unit"] if _present(provenance.at[i, "unit"]) else (element.unit or None)
        source = provenance.at[i, "source"]
        if not imputed and not _present(source) and not np.isnan(raw[i]):
            # no provenance: the panel file is all that is known of the value's source
            source = f"panel {result.panel.source}"
        rows.append({
            "indicator_id": i, "name": element.name_en, "dimension": framework.dimension_of(i),
            "polarity": element.polarity, "raw_value": float(raw[i]), "unit": unit,
            "year": _text(provenance.at[i, "year"]), "level": _text(provenance.at[i, "level"]),
            "source": _text(source), "licence": _text(provenance.at[i, "licence"]),
            "note": _text(provenance.at[i, "note"]), "flag": _text(provenance.at[i, "flag"]), "imputed": imputed,
            "imputed_from": str(log.at[i, "rule"]) if imputed else None,
            "imputed_value": float(log.at[i, "value"]) if imputed else None,
            "treated_value": float(result.values.at[city_id, i]),
            "treatment": str(result.treatment_flags.at[city_id, i] or "") if i in result.treatment_flags else "",
            "normalised": float(result.normalised.at[city_id, i]), "rank": float(ranks[i]),
        })
    return pd.DataFrame(rows)


def _interval_tables(intervals: Any, root: str) -> dict[str, pd.DataFrame]:
    if intervals is None:
        return {}
    if hasattr(intervals, "rank_intervals"):
        intervals = intervals.rank_intervals
    tables = {root: intervals} if isinstance(intervals, pd.DataFrame) else dict(intervals)
    for node, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            raise SpecificationError(f"rank intervals for {node!r}: expected a DataFrame like "
                                     f"UncertaintyResult.rank_intervals; got {type(table).__name__}")
        missing = [c for c in INTERVAL_COLUMNS if c not in table.columns]
        if missing:
            raise SpecificationError(f"rank intervals for {node!r} lack the column(s) {missing}; expected the "
                                     f"columns {list(INTERVAL_COLUMNS)} (UncertaintyResult.rank_intervals)")
    return tables


def _interval_for(table: pd.DataFrame | None, city_id: str, what: str, notes: list[str]) -> dict[str, Any]:
    empty = {"p05_rank": None, "median_rank": None, "p95_rank": None}
    if table is None:
        return empty if what != "the index" else {}
    match = table[table["city_id"].astype(str) == city_id]
    if match.empty:
        notes.append(f"the rank intervals of {what} do not include {city_id}")
        return empty
    row = match.iloc[0]
    return {k: float(row[k]) for k in ("p05_rank", "median_rank", "p95_rank")}


def read_intervals(path: str | Path) -> pd.DataFrame:
    """Read a ``rank_intervals.csv`` written by ``indexlib uncertainty --out``."""
    import io

    raw = read_input_bytes(Path(path), what="rank intervals", expected="rank_intervals.csv from "
                           "'indexlib uncertainty --out'", error=DataValidationError)
    try:
        table = pd.read_csv(io.BytesIO(raw), dtype={"city_id": str}, **EXACT_CSV)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataValidationError(f"{path}: cannot be read as a CSV table: {exc}") from None
    missing = [c for c in INTERVAL_COLUMNS if c not in table.columns]
    if missing:
        raise DataValidationError(f"{path}: lacks the column(s) {missing}; expected rank_intervals.csv from "
                                  f"'indexlib uncertainty --out' (columns {list(INTERVAL_COLUMNS)})")
    bad = table[list(INTERVAL_COLUMNS[1:])].apply(pd.to_numeric, errors="coerce").isna().any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(f"{path}, row {row + 2}, city {table['city_id'].iloc[row]!r}: a rank interval "
                                  "value is missing or not a number; expected numbers")
    return table


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and str(value).strip() != ""


def _text(value: Any) -> str | None:
    return str(value) if _present(value) else None


def _number(value: Any, decimals: int | None = None) -> str:
    """A value for the text: '–' when missing, else fixed ``decimals`` or a short general form."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    value = float(value)
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if value.is_integer():
        return str(int(value))
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _interval(row: Mapping[str, Any]) -> str:
    if row.get("median_rank") is None:
        return ""
    return (f"; rank interval {_number(row['p05_rank'])}–{_number(row['p95_rank'])} "
            f"(median {_number(row['median_rank'])})")


def _source_text(row: Mapping[str, Any]) -> str:
    parts = [row["source"]] + ([f"licence: {row['licence']}"] if row.get("licence") else [])
    return "; ".join(parts)


def _listing(table: pd.DataFrame) -> str:
    return ", ".join(f"{r['indicator_id']} {r['name']} (rank {_number(r['rank'])})" for r in table.to_dict("records"))
