"""``report.html``: one self-contained page of the ranking that works offline.

Everything is inline — the style sheet, the script, the data (one JSON block) and the charts, which
the script draws as inline SVG — and the page names no URL, so it opens from a file and makes no
network request.

Interactive reweighting recomputes the index in the page from the embedded normalised indicator
scores, exactly as :func:`indexlib.build` does (``pipeline.build``, ``ScoringPlan.score``,
``present_50_100``, ``rank_scores``): every node, bottom-up, is the weighted quasi-arithmetic mean of
its children, :math:`f^{-1}(\\sum_j w_j f(y_j) / \\sum_j w_j)` over the children with a value (COINr's
convention), with :math:`f(y) = y` (arithmetic), :math:`\\ln y` (geometric) or :math:`1/y` (harmonic);
then each column goes to the presentation scale
:math:`50 + 50 (S - \\min S) / (\\max S - \\min S)` when the methodology uses it, and ranks follow the
methodology's tie rule (``min``: competition ranking 1, 2, 2, 4). The sliders set the weights of the
dimensions (relative among siblings); the switch sets the aggregation of every node above them. With
the nominal weights the page reproduces the published scores (``ranking.csv``) to rounding error and
says so.

References: OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, §6; methods.md §5.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from importlib.resources import files
from typing import Any, cast

import numpy as np
import pandas as pd

from indexlib.result import IndexResult
from indexlib.scoring import ScoringPlan
from indicators.schema import Indicator

__all__ = ["render_report", "report_data", "city_attributes", "jsonable", "RECOMPUTABLE_METHODS", "html_table",
           "render_mapping"]

#: Aggregations the page can recompute (the quasi-arithmetic means); a build using another one
#: (generalised, Copeland) gets the page without the reweighting panel, and the page says why.
RECOMPUTABLE_METHODS = ("arithmetic", "geometric", "harmonic")


def _number(value: Any) -> float | None:
    """A JSON number at full precision (``json`` writes ``repr``), or ``None`` for NaN."""
    value = float(value)
    return None if math.isnan(value) else value


def _column(values: Any) -> list[float | None]:
    return [_number(v) for v in np.asarray(values, dtype=float)]


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def city_attributes(result: IndexResult) -> pd.DataFrame:
    """Names, country and continent of the ranked cities: the panel's, completed from ``city_data``."""
    import city_data

    cities = result.values.index
    known = city_data.cities().set_index("city_id").rename(columns={"name_en": "city_en", "name_zh": "city_zh"})
    own = result.panel.attributes.reindex(cities)
    table = pd.DataFrame(index=cities)
    for column in ("city_en", "city_zh", "country", "continent"):
        mine = own[column] if column in own.columns else pd.Series(np.nan, index=cities, dtype=object)
        table[column] = mine.astype(object).where(mine.notna(), known[column].reindex(cities).astype(object))
    table["city_en"] = table["city_en"].where(table["city_en"].notna(), pd.Series(cities, index=cities))
    return table


def report_data(result: IndexResult, intervals: pd.DataFrame | None = None) -> dict[str, Any]:
    """The model the page recomputes from: the tree, nominal weights, normalised scores, published results.

    Floats are kept at full precision so that the page's recomputation can be checked against
    ``ranking.csv`` to 1e-9.
    """
    framework, methodology = result.framework, result.methodology
    plan = ScoringPlan.compile(framework, methodology.aggregation)
    levels = framework.levels
    elements = plan.element_ids
    nodes = []
    for step in plan.steps:
        rule = methodology.aggregation.rule_for(step.node_id, levels[step.node_id])
        children = ([{"indicator": int(i)} for i in step.indicator_children]
                    + [{"node": int(j)} for j in step.node_children])
        nodes.append({"id": step.node_id, "method": rule.method, "p": rule.p, "children": children,
                      "weights": [elements[int(k)] for k in step.weight_positions]})
    names = city_attributes(result)
    cities = [{"id": str(c), "name_en": _text(names.at[c, "city_en"]), "name_zh": _text(names.at[c, "city_zh"]),
               "country": _text(names.at[c, "country"]), "continent": _text(names.at[c, "continent"])}
              for c in result.values.index]

    def describe(element_id: str) -> dict[str, str]:
        element = framework.element(element_id)
        return {"id": element_id, "name_en": element.name_en, "name_zh": element.name_zh}

    data: dict[str, Any] = {
        "title": framework.name_en,
        "title_zh": framework.name_zh,
        "root": framework.root,
        "dimensions": [describe(d) for d in framework.dimension_ids],
        "indicators": [{**describe(i), "unit": cast(Indicator, framework.element(i)).unit} for i in plan.indicator_ids],
        "node_ids": plan.node_ids,
        "nodes": nodes,
        "weights": {e: float(w) for e, w in zip(elements, plan.nominal_weights)},
        "scale": methodology.presentation.scale,
        "ties": methodology.ties,
        "cities": cities,
        "normalised": [_column(row) for row in result.normalised[plan.indicator_ids].to_numpy(dtype=float)],
        "published": {
            "raw": {n: _column(result.raw_scores[n]) for n in plan.node_ids},
            "score": {n: _column(result.scores[n]) for n in plan.node_ids},
            "rank": {n: _column(result.ranks[n]) for n in plan.node_ids},
        },
        "recomputable": all(n["method"] in RECOMPUTABLE_METHODS for n in nodes),
        "methods": sorted({n["method"] for n in nodes}),
        "intervals": None,
    }
    if intervals is not None:
        table = intervals.set_index("city_id").reindex(result.values.index)
        data["intervals"] = {column: _column(table[column]) for column in ("p05_rank", "median_rank", "p95_rank")}
    return data


# ------------------------------------------------------------------------------------------- static HTML
def html_table(frame: pd.DataFrame, *, caption: str | None = None, max_rows: int | None = None) -> str:
    """A plain HTML table of ``frame`` (every cell escaped; floats to 4 significant decimals)."""
    shown = frame if max_rows is None else frame.head(max_rows)

    def cell(value: Any) -> str:
        if isinstance(value, (float, np.floating)):
            return "" if math.isnan(value) else f"{value:.4g}"
        return html.escape(_text(value))

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    more = (f"<p class='note'>First {max_rows} of {len(frame)} rows.</p>"
            if max_rows is not None and len(frame) > max_rows else "")
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f"<div class='scroll'><table class='plain'>{title}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>{more}")


def _as_frame(value: Any) -> pd.DataFrame | None:
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, pd.Series):
        return value.rename_axis(value.index.name or "key").reset_index()
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return pd.DataFrame(list(value))
    if isinstance(value, Mapping) and value and all(isinstance(v, list) for v in value.values()):
        lengths = {len(v) for v in value.values()}
        if len(lengths) == 1:
            return pd.DataFrame(dict(value))
    return None


def render_mapping(data: Mapping[str, Any], depth: int = 3) -> str:
    """Any mapping as HTML: tables for tabular entries (lists of records, DataFrames, columns of equal
    length), nested headings for mappings, a definition list for scalars."""
    parts: list[str] = []
    scalars: list[str] = []
    for key, value in data.items():
        label = html.escape(str(key).replace("_", " "))
        frame = _as_frame(value)
        if frame is not None:
            parts.append(f"<h{depth}>{label}</h{depth}>{html_table(frame, max_rows=200)}")
        elif isinstance(value, Mapping):
            parts.append(f"<h{depth}>{label}</h{depth}>{render_mapping(value, min(depth + 1, 6))}")
        elif isinstance(value, (list, tuple)):
            items = "".join(f"<li>{html.escape(_text(v))}</li>" for v in value)
            parts.append(f"<h{depth}>{label}</h{depth}><ul>{items}</ul>" if items else "")
        else:
            shown = f"{value:.6g}" if isinstance(value, float) else _text(value)
            scalars.append(f"<dt>{label}</dt><dd>{html.escape(shown)}</dd>")
    block = f"<dl>{''.join(scalars)}</dl>" if scalars else ""
    return block + "".join(parts)


def _sources_table(result: IndexResult) -> str:
    provenance = result.panel.provenance
    if provenance is None or not {"source", "licence"} <= set(provenance.columns):
        return "<p>The panel of this build carries no provenance (source and licence per value).</p>"
    used = provenance[provenance["has_value"] & provenance["indicator_id"].isin(result.framework.indicator_ids)]
    grouped = (used.fillna({"source": "", "licence": ""})
               .groupby(["source", "licence"], sort=True)
               .agg(indicators=("indicator_id", lambda s: ", ".join(sorted(set(s)))), values=("city_id", "size"))
               .reset_index())
    import city_data

    grouped.insert(2, "open licence", grouped["licence"].map(lambda t: "yes" if city_data.is_open_licence(t) else "no"))
    return ("<p>Every value of the panel with its source and licence, grouped. The packaged data are "
            "described in <code>city_data/DATA_AND_LICENCES.md</code>; values under a licence that is not "
            "open may not be redistributed beyond what their terms allow.</p>" + html_table(grouped))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """``(dotted.key, value)`` pairs of a nested mapping, sequences joined by commas."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            pairs += _flatten(value, f"{name}.")
        elif isinstance(value, (list, tuple)):
            pairs.append((name, ", ".join(_text(v) for v in value)))
        else:
            pairs.append((name, "—" if value is None or value == {} else _text(value)))
    return pairs


def _methodology_html(result: IndexResult) -> str:
    framework = result.framework
    tree = "".join(
        f"<li><b>{html.escape(framework.element(d).name_en)}</b> (weight {framework.element(d).weight:g}): "
        + ", ".join(f"{html.escape(i)} {html.escape(framework.element(i).name_en)}"
                    for i in framework.children(d) if framework.is_indicator(i))
        + "</li>" for d in framework.dimension_ids)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    excluded = result.excluded_cities
    settings = pd.DataFrame(_flatten(result.methodology.to_dict()), columns=["setting", "value"])
    version = f" version {html.escape(framework.version)}" if framework.version else ""
    return (f"<p>Framework <code>{html.escape(framework.id)}</code>{version}: "
            f"{len(framework.indicator_ids)} indicators in {len(framework.dimension_ids)} dimensions "
            "(weights relative among siblings; indicators without data or constant across the ranked cities "
            "are not used).</p>"
            f"<ul>{tree}</ul><h3>Settings of the build</h3>{html_table(settings)}"
            + (f"<h3>Notes of this build</h3><ul>{notes}</ul>" if notes else "")
            + (f"<h3>Cities excluded by the coverage screen</h3>{html_table(excluded)}" if len(excluded) else ""))


def _asset(name: str) -> str:
    return (files("indexlib.publish") / name).read_text(encoding="utf-8")


def jsonable(value: Any) -> Any:
    """Plain JSON data from nested mappings, sequences, frames and numpy scalars; NaN becomes ``None``."""
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _number(value)
    return None if value is None or value is pd.NA else str(value)


def _script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` (they occur only in strings and become
    ``\\u`` escapes), so no text can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_report(result: IndexResult, *, intervals: pd.DataFrame | None = None,
                  audit: Mapping[str, Any] | None = None,
                  profiles: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The release's ``report.html`` as text: one self-contained page that loads nothing from the network.

    Parameters
    ----------
    result : IndexResult
        The build.
    intervals : DataFrame, optional
        Rank intervals of an uncertainty analysis (``UncertaintyResult.rank_intervals``: ``city_id,
        p05_rank, median_rank, p95_rank``), shown in the ranking table.
    audit : mapping, optional
        The statistical audit (e.g. ``Audit.to_dict()``): rendered generically, tables as HTML tables.
    profiles : mapping of city id to mapping, optional
        City profiles (e.g. ``CityProfile.to_dict()``), shown with the city's dimension chart.

    Returns
    -------
    str
        The HTML document.
    """
    data = report_data(result, intervals)
    data["profiles"] = jsonable(dict(profiles)) if profiles else None
    title = html.escape(f"{result.framework.name_en} — ranking")
    audit_html = (render_mapping(audit) if audit else
                  "<p>No statistical audit was supplied with this report.</p>")
    sections = [
        ("ranking", "Ranking", _asset("report_ranking.html")),
        ("chart", "Scores", "<div id='score-chart' class='chart'></div>"),
        ("audit", "Statistical audit", audit_html),
        ("methodology", "Methodology", _methodology_html(result)),
        ("sources", "Data sources and licences", _sources_table(result)),
    ]
    # "section-" keeps the sections' ids apart from the elements inside them (the table id="ranking")
    nav = "".join(f"<a href='#section-{key}'>{html.escape(label)}</a>" for key, label, _ in sections)
    body = "".join(f"<section id='section-{key}'><h2>{html.escape(label)}</h2>{content}</section>"
                   for key, label, content in sections)
    heading = html.escape(result.framework.name_en)
    if result.framework.name_zh:
        heading += f" <span class='zh'>{html.escape(result.framework.name_zh)}</span>"
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{title}</title><style>{_asset('report.css')}</style></head><body>"
        f"<header><h1>{heading}</h1><p class='note'>{len(result.values)} cities · framework "
        f"<code>{html.escape(result.framework.id)}</code> · indexlib release report</p><nav>{nav}</nav></header>"
        f"<main>{body}</main>"
        f"<script type='application/json' id='report-data'>{_script_json(data)}</script>"
        f"<script>{_asset('report.js')}</script></body></html>\n"
    )
