"""report.html: self-contained (no network reference), complete, escaped, and carrying exact data."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import indexlib
from _support import small_framework
from indexlib.methodology import Aggregation, AggregationRule, Methodology
from indexlib.publish import render_report, report_data
from indexlib.publish.report import render_mapping

NETWORK_PATTERNS = [r"https?:", r"(?:src|href|action|poster|data)\s*=\s*['\"]?\s*(?!#)[^'\"\s>]", r"@import",
                    r"url\(", r"<link\b", r"<iframe\b", r"\bfetch\(", r"XMLHttpRequest", r"WebSocket",
                    r"(?:src|href)\s*=\s*['\"]?//"]


def _build(panel, methodology=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return indexlib.build(panel, methodology, small_framework())


def _embedded_data(page: str) -> dict:
    found = re.search(r"<script type='application/json' id='report-data'>(.*?)</script>", page, re.S)
    assert found, "the data block is missing"
    return json.loads(found.group(1))


def assert_offline(page: str) -> None:
    for pattern in NETWORK_PATTERNS:
        assert not re.search(pattern, page, re.I), f"network reference {pattern!r} in the report"


def test_report_names_no_url_and_embeds_every_city(named_panel):
    result = _build(named_panel)
    page = render_report(result)
    assert_offline(page)
    data = _embedded_data(page)
    assert [c["id"] for c in data["cities"]] == list(result.values.index)
    assert page.count("<script") == 2  # the data block and the inline script, nothing loaded


def test_every_element_id_is_unique(named_panel):
    """A repeated id made '#ranking tbody tr' match the rows of the profile tables too."""
    page = render_report(_build(named_panel))
    with open(indexlib.publish.report.__file__.replace("report.py", "report_ranking.html"), encoding="utf-8") as f:
        assert "id=\"ranking\"" in f.read()
    ids = re.findall(r"\bid\s*=\s*['\"]([^'\"]+)['\"]", page)
    assert ids and len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_the_default_release_report_is_offline():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build()
    page = render_report(result)
    assert_offline(page)
    assert len(_embedded_data(page)["cities"]) == len(result.ranking)


def test_hostile_names_cannot_end_the_script_or_add_markup(named_panel):
    page = render_report(_build(named_panel))
    assert "document.title='owned'" in json.dumps(_embedded_data(page), ensure_ascii=False)
    assert page.count("</script>") == 2
    assert "<b>Co</b>" not in page


def test_embedded_numbers_are_the_builds_at_full_precision(named_panel):
    result = _build(named_panel)
    data = _embedded_data(render_report(result))
    root = result.root
    np.testing.assert_array_equal(data["published"]["score"][root], result.scores[root].to_numpy())
    np.testing.assert_array_equal(data["published"]["rank"][root], result.ranks[root].to_numpy())
    np.testing.assert_array_equal(np.array(data["normalised"], dtype=float),
                                  result.normalised[[i["id"] for i in data["indicators"]]])
    assert data["weights"]["A"] == 1.0 and data["recomputable"] is True
    assert [d["id"] for d in data["dimensions"]] == ["A", "B"]


def _recompute(data: dict, weights: dict[str, float]) -> np.ndarray:
    """The page's tree walk, written independently: children's weighted mean, bottom-up."""
    normalised = np.array(data["normalised"], dtype=float)
    raw: list[np.ndarray] = []
    for node in data["nodes"]:
        assert node["method"] == "arithmetic"
        columns = [normalised[:, c["indicator"]] if "indicator" in c else raw[c["node"]] for c in node["children"]]
        w = np.array([weights[e] for e in node["weights"]])
        raw.append(np.column_stack(columns) @ w / w.sum())
    return np.column_stack(raw)


def test_the_embedded_tree_rebuilds_the_scores_under_other_weights(named_panel):
    data = report_data(_build(named_panel))
    weights = {**data["weights"], "A": 3.0}
    expected = _build(named_panel, Methodology(weights={"A": 3.0}))
    raw = _recompute(data, weights)
    np.testing.assert_allclose(raw, expected.raw_scores[data["node_ids"]].to_numpy(), rtol=0, atol=1e-9)


def test_rank_intervals_are_embedded_when_given(named_panel):
    result = _build(named_panel)
    cities = list(result.values.index)
    intervals = pd.DataFrame({"city_id": cities[::-1], "p05_rank": range(len(cities)),
                              "median_rank": range(1, len(cities) + 1), "p95_rank": range(2, len(cities) + 2)})
    data = _embedded_data(render_report(result, intervals=intervals))
    expected = intervals.set_index("city_id").reindex(cities)
    assert data["intervals"]["p05_rank"] == expected["p05_rank"].astype(float).tolist()
    assert _embedded_data(render_report(result))["intervals"] is None


def test_audit_tables_of_any_shape_become_html_tables():
    audit = {"flags": pd.DataFrame({"indicator_id": ["07"], "flag": ["redundant <r > 0.9>"]}),
             "alpha": [{"dimension": "A", "cronbach_alpha": 0.81234}],
             "consistency": {"dimension": ["A", "B"], "pc1_share": [0.7, 0.6]},
             "summary": {"cities": 12, "share": 0.25, "nested": {"deep": "yes"}}}
    page = render_mapping(audit)
    assert page.count("<table") == 3
    assert "redundant &lt;r &gt; 0.9&gt;" in page and "0.8123" in page
    assert "<dt>cities</dt><dd>12</dd>" in page and "<dt>deep</dt><dd>yes</dd>" in page


def test_audit_and_profiles_appear_in_the_report(named_panel):
    result = _build(named_panel)
    page = render_report(result, audit={"flags": pd.DataFrame({"flag": ["national figures only"]})},
                         profiles={"c06": {"strengths": [{"indicator": "i1", "rank": 1}], "note": float("nan")}})
    assert "national figures only" in page
    assert _embedded_data(page)["profiles"] == {"c06": {"strengths": [{"indicator": "i1", "rank": 1}], "note": None}}
    assert "No statistical audit" in render_report(result)


def test_methodology_sources_and_licences_are_listed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = render_report(indexlib.build())
    assert "CC BY 4.0" in page and "Numbeo" in page and "DATA_AND_LICENCES.md" in page
    default = Methodology()
    assert "missing.method" in page and default.missing.method in page and default.normalisation.method in page


def test_a_copeland_build_gets_no_reweighting_panel_and_says_why(named_panel):
    copeland = Methodology(aggregation=Aggregation(by_node={"index": AggregationRule(method="copeland")}))
    data = report_data(_build(named_panel, copeland))
    assert data["recomputable"] is False and "copeland" in data["methods"]
    assert "Reweighting is not available" in render_report(_build(named_panel, copeland))


@pytest.mark.parametrize("scale", ["none", "50-100"])
def test_scale_and_ties_travel_with_the_data(named_panel, scale):
    methodology = Methodology(presentation={"scale": scale}, ties="dense")
    data = report_data(_build(named_panel, methodology))
    assert (data["scale"], data["ties"]) == (scale, "dense")
