"""Honest licences and the open edition: data terms, package metadata, dropping a dimension without data."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import city_data
import indexlib
from indexlib.cli import main
from indexlib.methodology import Methodology
from indicators import Framework
from indicators.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[2]
LICENCES = ROOT / "city_data" / "DATA_LICENCES.md"
#: The name by which each source is recognised in the panel's ``source`` column and in DATA_LICENCES.md.
SOURCE_NAMES = ("GeoNames", "World Bank", "WIPO", "OpenFlights", "UNESCO", "Passport", "UNDP", "GHSL", "WHO",
                "Ookla", "ShanghaiRanking", "CB Insights", "Numbeo")


def test_one_data_licence_file_lists_every_source_of_the_panel():
    assert not (ROOT / "city_data" / "DATA_AND_LICENCES.md").exists()
    text = LICENCES.read_text(encoding="utf-8")
    panel = city_data.load_panel(2025)
    sources = panel.loc[panel["value"].notna(), "source"].unique()
    for source in sources:
        assert any(name in source for name in SOURCE_NAMES), f"source without an entry in DATA_LICENCES.md: {source}"
    for name in SOURCE_NAMES:
        assert name in text, name


def test_package_metadata_says_the_data_are_not_mit():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"].startswith("MIT AND LicenseRef-")
    assert "city_data/DATA_LICENCES.md" in project["license-files"]
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "DATA_LICENCES.md" in package_data["package-data"]["city_data"]


def _framework() -> Framework:
    return Framework.parse({
        "id": "tiny", "name_en": "tiny",
        "nodes": [{"id": "index", "name_en": "index"}, {"id": "a", "name_en": "a", "parent": "index"},
                  {"id": "b", "name_en": "b", "parent": "index"}],
        "indicators": [{"id": "x", "name_en": "x", "polarity": "+", "parent": "a"},
                       {"id": "y", "name_en": "y", "polarity": "+", "parent": "a"},
                       {"id": "z", "name_en": "z", "polarity": "+", "parent": "b"}],
    })


def _panel(empty_b: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"city_id": [f"c{k}" for k in range(6)], "x": rng.uniform(0, 10, 6),
                          "y": rng.uniform(0, 10, 6), "z": rng.uniform(0, 10, 6)})
    if empty_b:
        frame["z"] = np.nan
    return frame


def test_a_dimension_without_data_is_an_error_by_default():
    method = Methodology().replace(missing={"method": "median"})
    with pytest.raises(DataValidationError, match="missing_dimensions = 'drop'"):
        indexlib.build(_panel(True), method, _framework())


def test_drop_removes_the_dimension_with_a_note_and_scores_the_rest():
    method = Methodology().replace(missing={"method": "median"}, missing_dimensions="drop")
    result = indexlib.build(_panel(True), method, _framework())
    assert any("node(s) ['b']" in note and "dropped" in note for note in result.notes)
    assert "b" not in result.ranking.columns and "a" in result.ranking.columns
    # with one dimension left, the index orders the cities as that dimension does
    ranking = result.ranking.set_index("city_id")
    assert ranking["score"].rank().equals(ranking["a"].rank())
    # with data in every dimension, 'drop' changes nothing
    full = indexlib.build(_panel(False), method, _framework()).ranking
    default = indexlib.build(_panel(False), Methodology().replace(missing={"method": "median"}), _framework()).ranking
    pd.testing.assert_frame_equal(full, default)


def test_the_setting_round_trips_and_refuses_unknown_values():
    method = Methodology(missing_dimensions="drop")
    assert Methodology.from_toml(method.to_toml()).missing_dimensions == "drop"
    with pytest.raises(Exception, match="missing_dimensions"):
        Methodology.parse({"missing_dimensions": "ignore"})


def test_load_panel_open_only_builds_when_the_methodology_allows_dropping():
    panel = city_data.load_panel(2025, open_only=True)
    with pytest.raises(DataValidationError, match="public_life"):
        indexlib.build(panel)
    result = indexlib.build(panel, Methodology(missing_dimensions="drop"))
    assert "public_life" not in result.ranking.columns
    assert len(result.ranking) >= 120


def test_cli_open_only_builds_with_a_printed_note(capsys):
    assert main(["build", "--open-only", "--top", "3"]) == 0
    captured = capsys.readouterr()
    assert "--open-only sets methodology.missing_dimensions = 'drop'" in captured.err
    assert "['public_life']" in captured.err and "public_life" not in captured.out


def test_cli_open_only_honours_an_explicit_error_setting(tmp_path, capsys):
    method = tmp_path / "m.toml"
    method.write_text('missing_dimensions = "error"\n', encoding="utf-8")
    assert main(["build", "--open-only", "--method", str(method)]) == 2
    assert "public_life" in capsys.readouterr().err


def test_cli_open_only_refuses_a_user_panel(tmp_path, capsys):
    assert main(["build", "--open-only", "--data", str(tmp_path / "p.csv")]) == 2
    assert "cannot be combined with --data" in capsys.readouterr().err
