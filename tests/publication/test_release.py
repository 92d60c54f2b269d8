"""indexlib release: complete or untouched, reproducible to the byte, no cell a formula."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _support import small_framework
from indexlib.cli import main
from indexlib.io import MARKER
from indexlib.methodology import Methodology
from indicators._numbers import EXACT_CSV
from indexlib.publish import csv_text, guard_csv_text, xlsx_bytes
from indexlib.publish.release import release
from indexlib.result import results_tables
from indicators.errors import OutputError, SpecificationError

RELEASE_FILES = {"ranking.csv", "ranking.xlsx", "results.json", "report.html", "manifest.json"}


def read_exact(source, **options) -> pd.DataFrame:
    """``pandas.read_csv`` that reads every float back to the last bit (pandas 2's default parser may not)."""
    return pd.read_csv(source, **EXACT_CSV, **options)


def _top_level(names) -> set[str]:
    """The files at the top of a release folder (audit/ and profiles/ hold the rest)."""
    return {name for name in names if "/" not in name}


def _release(panel: pd.DataFrame, out: Path, **options) -> Path:
    return release(out, data=panel, framework=small_framework(), **options)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of a folder by relative path, except the marker that says indexlib wrote the folder."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


# ----------------------------------------------------------------------------------------- guard
@given(st.text())
def test_csv_guard_prefixes_exactly_the_formula_starts(text):
    guarded = guard_csv_text(text)
    if text[:1] in {"=", "+", "-", "@"}:
        assert guarded == "'" + text
    else:
        assert guarded == text


@given(st.floats(allow_nan=False) | st.integers())
def test_csv_guard_leaves_numbers_alone(number):
    assert guard_csv_text(number) is number


def test_csv_guards_text_cells_but_keeps_negative_numbers_numeric():
    frame = pd.DataFrame({"name": ["=1+1", "-x", "ok"], "score": [-1.5, 2.0, -0.25], "rank": [-3, 1, 2]})
    back = read_exact(io.StringIO(csv_text(frame)))
    assert back["name"].tolist() == ["'=1+1", "'-x", "ok"]
    assert back["score"].tolist() == [-1.5, 2.0, -0.25] and back["rank"].tolist() == [-3, 1, 2]


def test_csv_keeps_full_precision():
    value = 0.1 + 0.2
    assert float(read_exact(io.StringIO(csv_text(pd.DataFrame({"v": [value]}))))["v"][0]) == value


# ----------------------------------------------------------------------------------------- workbook
def test_xlsx_stores_formula_like_text_as_text_and_numbers_as_numbers(hostile_names):
    from openpyxl import load_workbook

    names = list(hostile_names.values())
    frame = pd.DataFrame({"city": names, "score": -np.arange(len(names), dtype=float) - 0.5})
    data = xlsx_bytes({"ranking": frame, "more": frame.head(1)})
    sheets = zipfile.ZipFile(io.BytesIO(data))
    xml = sheets.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["ranking", "more"]
    cells = list(book["ranking"].iter_rows(min_row=2, values_only=False))
    assert [row[0].value for row in cells] == names
    assert all(row[0].data_type == "s" for row in cells)
    assert [row[0].quotePrefix for row in cells[:4]] == [True] * 4
    assert [row[1].value for row in cells] == frame["score"].tolist()


def test_xlsx_is_byte_identical_and_carries_no_clock_time():
    frame = pd.DataFrame({"city": ["a", "b"], "score": [1.0, np.nan]})
    first, second = xlsx_bytes({"t": frame}), xlsx_bytes({"t": frame})
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2


def test_sheet_names_are_cut_and_made_unique():
    from openpyxl import load_workbook

    frame = pd.DataFrame({"x": [1]})
    long = "a very long table name with [brackets]: and more"
    book = load_workbook(io.BytesIO(xlsx_bytes({long: frame, long + "!": frame})))
    assert [len(n) <= 31 for n in book.sheetnames] == [True, True] and len(set(book.sheetnames)) == 2


# ----------------------------------------------------------------------------------------- release
def test_release_writes_every_file_and_the_ranking_with_names(named_panel, hostile_names, tmp_path):
    out = _release(named_panel, tmp_path / "r")
    assert _top_level(_files(out)) == RELEASE_FILES
    ranking = read_exact(out / "ranking.csv", dtype={"city_en": str})
    columns = ranking.columns.tolist()
    assert columns[:5] == ["city_id", "city_en", "city_zh", "country", "continent"]
    assert ranking.loc[ranking["city_id"] == "c00", "city_en"].item() == "'" + hostile_names["c00"]
    assert ranking.loc[ranking["city_id"] == "c05", "city_en"].item() == hostile_names["c05"]
    results = json.loads((out / "results.json").read_text())
    np.testing.assert_allclose(ranking["score"], results["ranking"]["score"], rtol=0, atol=1e-9)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"panel", "framework", "methodology"} <= set(manifest["inputs"])
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"].values())
    assert {"indexlib", "numpy", "pandas", "python"} <= set(manifest["environment"])
    assert manifest["seed"] is None and manifest["methodology"] == Methodology().to_dict()
    assert _top_level(manifest["files"]) == RELEASE_FILES - {"manifest.json"}


def test_ranking_csv_holds_the_builds_scores_exactly(named_panel, tmp_path):
    import indexlib

    out = _release(named_panel, tmp_path / "r")
    ranking = read_exact(out / "ranking.csv").set_index("city_id")
    result = indexlib.build(named_panel, None, small_framework())
    np.testing.assert_array_equal(ranking.loc[result.scores.index, "score"], result.scores[result.root])
    np.testing.assert_array_equal(ranking.loc[result.scores.index, "A"], result.scores["A"])


def test_two_releases_are_byte_identical(named_panel, tmp_path):
    first = _files(_release(named_panel, tmp_path / "one", uncertainty_runs=40, seed=5))
    second = _files(_release(named_panel, tmp_path / "two", uncertainty_runs=40, seed=5))
    assert _top_level(first) == RELEASE_FILES | {"rank_intervals.csv"}
    assert first == second


def test_uncertainty_intervals_and_seed_are_published(named_panel, tmp_path):
    out = _release(named_panel, tmp_path / "r", uncertainty_runs=30, seed=7)
    intervals = read_exact(out / "rank_intervals.csv")
    assert len(intervals) == 12 and {"p05_rank", "p95_rank"} <= set(intervals.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["uncertainty_runs"]) == (7, 30)
    results = json.loads((out / "results.json").read_text())
    assert results["uncertainty"]["seed"] == 7
    published = results_tables(results)["rank_intervals"]  # the columns layout of results.json
    assert published["city_id"].tolist() == intervals["city_id"].tolist()
    assert published["p95_rank"].tolist() == intervals["p95_rank"].tolist()
    assert '"p95_rank"' in (out / "report.html").read_text()


def test_an_existing_folder_is_left_untouched_without_force(named_panel, tmp_path, capsys):
    panel_file = tmp_path / "panel.csv"
    named_panel.to_csv(panel_file, index=False)
    out = _release(named_panel, tmp_path / "existing", figures=False)
    before = _files(out)
    code = main(["release", "--data", str(panel_file), "--framework", _framework_file(tmp_path), "--out", str(out)])
    assert code == 2 and "already exists" in capsys.readouterr().err
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing", "framework.json", "panel.csv"]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    code = main(["release", "--data", str(panel_file), "--framework", _framework_file(tmp_path), "--out",
                 str(foreign), "--force"])
    assert code == 2 and "indexlib did not write" in capsys.readouterr().err  # --force never replaces others' folders
    assert _files(foreign) == {"keep.txt": b"mine"}
    code = main(["release", "--data", str(panel_file), "--framework", _framework_file(tmp_path), "--out", str(out),
                 "--force"])
    assert code == 0 and _top_level(_files(out)) == RELEASE_FILES


def _framework_file(folder: Path) -> str:
    path = folder / "framework.json"
    path.write_text(json.dumps(small_framework().to_dict()))
    return str(path)


def test_a_failure_leaves_nothing_behind(named_panel, tmp_path, monkeypatch):
    import indexlib.publish.release as module

    def broken(*args, **kwargs):
        raise OutputError("disk full (simulated)")

    monkeypatch.setattr(module, "render_report", broken)
    with pytest.raises(OutputError, match="simulated"):
        _release(named_panel, tmp_path / "r")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    old = _release(named_panel, tmp_path / "old", figures=False)
    before = _files(old)
    monkeypatch.setattr(module, "render_report", broken)
    with pytest.raises(OutputError, match="simulated"):
        _release(named_panel, old, force=True)
    assert _files(old) == before and [p.name for p in tmp_path.iterdir()] == ["old"]


def test_the_release_holds_the_audit_and_a_profile_per_city(named_panel, tmp_path):
    out = _release(named_panel, tmp_path / "r", figures=False)
    files = _files(out)
    cities = sorted(named_panel["city_id"])
    assert {f"profiles/{city}/profile.json" for city in cities} <= set(files)
    assert {"audit/flags.csv", "audit/consistency.csv", "audit/summary.csv"} <= set(files)
    results = json.loads(files["results.json"])
    assert {"flags", "consistency", "summary"} <= set(results["audit"]["tables"])
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    from openpyxl import load_workbook

    assert "audit flags" in load_workbook(out / "ranking.xlsx").sheetnames
    assert "<h2" in files["report.html"].decode() and "consistency" in files["report.html"].decode()

def test_options_that_cannot_be_honoured_are_errors(named_panel, tmp_path, capsys):
    with pytest.raises(SpecificationError, match="not both"):
        release(tmp_path / "a", data=named_panel, year=2025)
    with pytest.raises(SpecificationError, match="--uncertainty-runs"):
        _release(named_panel, tmp_path / "b", seed=3)
    assert main(["release", "--year", "1999", "--out", str(tmp_path / "c")]) == 2
    assert "packaged years: 2025" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_packaged_edition_by_year_equals_the_embedded_build(tmp_path):
    by_year = read_exact(release(tmp_path / "y", year=2025) / "ranking.csv")
    embedded = read_exact(release(tmp_path / "e") / "ranking.csv")
    pd.testing.assert_frame_equal(by_year, embedded)
    manifest = json.loads((tmp_path / "y" / "manifest.json").read_text())
    assert manifest["year"] == 2025 and manifest["inputs"]["panel"]["file"] == "city_data/data/panel_2025.csv"
