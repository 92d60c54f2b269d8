"""report.html in a real browser: headless Chromium (Debian ``chromium``) driven by Playwright.

The page is opened from ``file://`` with every request recorded; only ``file:`` and ``data:`` may
occur. Skipped, with the reason, where Chromium or Playwright is absent. A screenshot is saved in the
test's temporary folder and, when ``INDEXLIB_ARTEFACTS`` names a folder, copied there.
"""

from __future__ import annotations

import os
import shutil
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import indexlib
from indexlib.methodology import Aggregation, AggregationRule, Methodology
from indexlib.pipeline import present_50_100
from indexlib.publish.release import release
from indexlib.rank import rank_scores
from indexlib.scoring import ScoringPlan

CHROMIUM = Path(os.environ.get("INDEXLIB_CHROMIUM", "/usr/bin/chromium"))
#: Flags for a root user in a container, and no traffic of Chromium's own (updates, sync, QUIC).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, indexlib.IndexResult]:
    out = tmp_path_factory.mktemp("release") / "2025"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        release(out, uncertainty_runs=200, seed=1)
        result = indexlib.build()
    return out, result


@contextmanager
def _chromium(profile: Path):
    """A fresh Chromium (own profile folder) whose every request is recorded; only file: and data: pass."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run installs it where it can)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed "
                                                                   "(pip install 'indexlib[browser]')")
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 1000})

        def record(route):
            requests.append(route.request.url)
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", record)
        try:
            yield context, requests
        finally:
            context.close()


def _open(context, report: Path):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    page.wait_for_selector("#ranking tbody tr")
    return page, errors


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with _chromium(tmp_path_factory.mktemp("chromium-profile")) as opened:
        yield opened


@pytest.fixture(scope="module")
def browser_page(browser, published):
    context, requests = browser
    page, errors = _open(context, published[0] / "report.html")
    page.on("request", lambda request: requests.append(request.url))
    yield page, requests, errors
    page.close()


def _table(page) -> pd.DataFrame:
    rows = page.eval_on_selector_all("#ranking tbody tr", "rows => rows.map(r => [r.dataset.city, r.children[0]"
                                     ".textContent, r.children[2].textContent, r.style.display])")
    return pd.DataFrame(rows, columns=["city_id", "rank", "city", "display"])


def _page_scores(page) -> pd.DataFrame:
    """The page's current overall score and rank per city, at full precision."""
    values = page.evaluate("""() => { const r = window.indexlibReport, D = r.data, k = D.node_ids.indexOf(D.root);
        return D.cities.map((c, i) => [c.id, r.state.current.score[k][i], r.state.current.rank[k][i]]); }""")
    return pd.DataFrame(values, columns=["city_id", "score", "rank"]).set_index("city_id")


def _expected_order(scores: pd.Series, ranks: pd.Series) -> list[str]:
    frame = pd.DataFrame({"rank": ranks.to_numpy(), "city_id": ranks.index.to_numpy()})
    return frame.sort_values(["rank", "city_id"], kind="stable")["city_id"].tolist()


def test_one_row_per_city_and_the_published_scores(browser_page, published):
    page, _, errors = browser_page
    ranking = pd.read_csv(published[0] / "ranking.csv").set_index("city_id")
    table = _table(page)
    assert not errors
    assert sorted(table["city_id"]) == sorted(ranking.index) and len(table) == len(ranking)
    assert table["city_id"].tolist() == ranking.sort_values(["rank"], kind="stable").index.tolist()
    scores = _page_scores(page).loc[ranking.index]
    np.testing.assert_allclose(scores["score"], ranking["score"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(scores["rank"], ranking["rank"])
    assert "every rank" in page.inner_text("#reweight-note")


def test_sorting_and_search(browser_page, published):
    page, _, _ = browser_page
    ranking = pd.read_csv(published[0] / "ranking.csv")
    page.click("#ranking th[data-key=score]")  # a number: highest first
    shown = _table(page)["city_id"].tolist()
    assert shown == ranking.sort_values(["score", "rank", "city_id"], ascending=[False, True, True])["city_id"].tolist()
    page.click("#ranking th[data-key=city]")
    names = _table(page)["city"].tolist()
    assert names == page.evaluate("names => names.slice().sort((a, b) => a.localeCompare(b))", names)
    page.click("#ranking th[data-key=city]")
    assert _table(page)["city"].tolist() == names[::-1]
    page.fill("#search", "united kingdom")
    table = _table(page)
    visible = table.loc[table["display"] != "none", "city_id"]
    assert sorted(visible) == sorted(ranking.loc[ranking["country"] == "United Kingdom", "city_id"])
    page.fill("#search", "")
    page.click("#ranking th[data-key=rank]")


def test_charts_are_drawn(browser_page, published):
    page, _, _ = browser_page
    n = len(pd.read_csv(published[0] / "ranking.csv"))
    chart = page.locator("#score-chart svg").bounding_box()
    assert chart and chart["width"] > 0 and chart["height"] > 0
    assert page.locator("#score-chart rect.bar").count() == n
    page.click("#ranking tbody tr[data-city=london]")
    profile = page.locator("#profile svg").bounding_box()
    assert profile and profile["width"] > 0 and profile["height"] > 0
    assert page.locator("#profile rect.bar").count() == 6
    assert "London" in page.inner_text("#profile")


def _expected(result: indexlib.IndexResult, weights: dict[str, float], method: str) -> tuple[pd.Series, pd.Series]:
    """Scores and ranks of the index by the library: ``build`` with those weights, or, for the
    geometric switch, the build's scoring plan with the root aggregated geometrically."""
    if method == "arithmetic":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rebuilt = indexlib.build(None, Methodology(weights=weights))
        return rebuilt.scores[rebuilt.root], rebuilt.ranks[rebuilt.root]
    framework = result.framework.with_weights(weights)
    plan = ScoringPlan.compile(framework, Aggregation(by_node={result.root: AggregationRule(method=method)}))
    with np.errstate(divide="ignore"):  # a dimension score of 0 makes the geometric mean 0
        raw = plan.score(result.normalised[plan.indicator_ids].to_numpy())
    index = plan.node_ids.index(result.root)
    scores = present_50_100(raw)[:, index]
    ranks = rank_scores(raw.T, result.methodology.ties).T[:, index]
    return pd.Series(scores, index=result.normalised.index), pd.Series(ranks, index=result.normalised.index)


def _set_slider(page, dimension: str, presses: int) -> None:
    slider = page.locator(f"#sliders input[data-dimension={dimension}]")
    slider.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")


def test_moving_a_slider_reorders_the_table_as_build_does(browser_page, published):
    page, _, _ = browser_page
    result = published[1]
    _set_slider(page, "economic_foundation", 20)  # 1.0 → 3.0 in steps of 0.1
    assert page.input_value("#sliders input[data-dimension=economic_foundation]") == "3"
    scores, ranks = _expected(result, {"economic_foundation": 3.0}, "arithmetic")
    shown = _page_scores(page)
    np.testing.assert_allclose(shown.loc[scores.index, "score"], scores, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(shown.loc[ranks.index, "rank"], ranks)
    table = _table(page)
    assert table["city_id"].tolist() == _expected_order(scores, ranks)
    assert table["rank"].astype(int).tolist() == sorted(ranks.astype(int))
    assert (ranks != result.ranks[result.root]).any(), "the new weights should move some city"
    moves = page.eval_on_selector_all("#ranking tbody tr td[data-key=move]", "cells => cells.map(c => c.textContent)")
    assert any(m.startswith("▲") for m in moves) and any(m.startswith("▼") for m in moves)

    page.click("input[name=aggregation][value=geometric]")
    scores, ranks = _expected(result, {"economic_foundation": 3.0}, "geometric")
    shown = _page_scores(page)
    np.testing.assert_allclose(shown.loc[scores.index, "score"], scores, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(shown.loc[ranks.index, "rank"], ranks)
    assert _table(page)["city_id"].tolist() == _expected_order(scores, ranks)
    _save_screenshot(page, "report_reweighted.png")

    page.click("#reset")
    ranking = pd.read_csv(published[0] / "ranking.csv")
    assert _table(page)["city_id"].tolist() == ranking["city_id"].tolist()


def test_no_network_request(browser_page):
    page, requests, _ = browser_page
    _save_screenshot(page, "report.png")
    assert requests, "the page load itself should be recorded"
    assert all(url.startswith(("file:", "data:")) for url in requests), [u for u in requests if
                                                                          not u.startswith(("file:", "data:"))]


def _save_screenshot(page, name: str) -> Path:
    """A screenshot beside the release (pytest's temporary folder), copied to $INDEXLIB_ARTEFACTS if set."""
    target = Path(page.url.removeprefix("file://")).parent.parent / name
    page.screenshot(path=str(target), full_page=False)
    artefacts = os.environ.get("INDEXLIB_ARTEFACTS")
    if artefacts:
        Path(artefacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(target, Path(artefacts) / name)
    return target


def _small_with_gaps() -> pd.DataFrame:
    from _support import small_panel

    frame = small_panel(n=14, seed=3)
    frame.loc[[1, 4], "i2"] = np.nan
    frame.loc[[6], "i4"] = np.nan
    return frame


@pytest.mark.parametrize("case", ["missing values, no imputation", "three pillars"])
def test_other_trees_and_missing_values_are_recomputed_as_build_does(browser, tmp_path, case):
    from _support import small_framework

    if case == "three pillars":
        data, framework, methodology = None, "gctsi-2025-3pillar", Methodology()
        changed = {"ecological_health": 2.5}
    else:
        data, framework = _small_with_gaps(), small_framework()
        methodology = Methodology(missing={"method": "none"})
        changed = {"A": 3.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        release(tmp_path / "r", data=data, framework=framework, methodology=methodology)
        expected = indexlib.build(data, methodology.replace(weights=changed), framework)
    page, errors = _open(browser[0], tmp_path / "r" / "report.html")
    check = page.evaluate("() => window.indexlibReport.agreement()")
    assert check["ranksAgree"] and check["maxAbsDifference"] < 1e-9 and not errors
    page.evaluate("""changed => { const r = window.indexlibReport;
        Object.assign(r.state.weights, changed); r.update(); }""", changed)
    shown = _page_scores(page)
    root = expected.root
    np.testing.assert_allclose(shown.loc[expected.scores.index, "score"], expected.scores[root], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(shown.loc[expected.ranks.index, "rank"], expected.ranks[root])
    assert _table(page)["city_id"].tolist() == _expected_order(expected.scores[root], expected.ranks[root])
    page.close()
