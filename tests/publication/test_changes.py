"""indexlib changes: two synthetic editions, scores rebased on the first, comparability notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _support import small_framework, small_panel
from indexlib.cli import main
from indexlib.methodology import Methodology
from indexlib.publish.changes import edition_changes
from indicators.errors import DataValidationError, SpecificationError

INDICATORS = ["i1", "i2", "i3", "i4", "i5"]


def editions(first: pd.DataFrame, second: pd.DataFrame, years: tuple[int, int] = (2024, 2025)) -> pd.DataFrame:
    """A long panel holding two editions given as wide panels."""
    frames = []
    for wide, year in zip((first, second), years):
        long = wide.melt(id_vars=["city_id"], value_vars=[c for c in INDICATORS if c in wide.columns],
                         var_name="indicator_id", value_name="value")
        long["year"] = year
        frames.append(long)
    return pd.concat(frames, ignore_index=True)


def wide(seed: int = 0, n: int = 12) -> pd.DataFrame:
    return small_panel(n=n, seed=seed)[["city_id", *INDICATORS]]


def test_identical_editions_change_nothing():
    panel = wide()
    changes = edition_changes(editions(panel, panel), 2024, 2025, framework=small_framework())
    table = changes.table
    assert len(table) == 12 and (table["rank_change"] == 0).all()
    np.testing.assert_allclose(table["score_change"], 0.0, atol=1e-12)
    assert changes.notes == ()


def test_a_city_that_improves_gains_and_unchanged_cities_keep_their_rebased_scores():
    first = wide()
    second = first.copy()
    second.loc[second["city_id"] == "c03", "i1"] *= 3.0  # beyond the first edition's maximum: not truncated
    second.loc[second["city_id"] == "c05", "i4"] = second["i4"].min()  # c05 falls on i4
    changes = edition_changes(editions(first, second), 2024, 2025, framework=small_framework())
    table = changes.table.set_index("city_id")
    assert table.loc["c03", "score_change"] > 0 and table.loc["c03", "A_change"] > 0
    assert table.loc["c05", "score_change"] < 0 and table.loc["c05", "B_change"] < 0
    others = table.drop(index=["c03", "c05"])
    np.testing.assert_allclose(others["score_change"], 0.0, atol=1e-9)
    # the plain min-max builds of the two editions disagree for unchanged cities; the rebased scores do not
    plain = changes.current.raw_scores[changes.current.root] - changes.base.raw_scores[changes.base.root]
    assert plain.drop(index=["c03", "c05"]).abs().max() > 1e-6
    assert table.loc["c03", f"rank_{2024}"] - table.loc["c03", f"rank_{2025}"] == table.loc["c03", "rank_change"]


def test_cities_added_removed_and_indicators_changed_are_noted():
    first, second = wide(seed=1), wide(seed=1)
    first = first[first["city_id"] != "c11"]  # c11 new in 2025
    second = second[second["city_id"] != "c00"].drop(columns=["i5"])  # c00 gone, i5 not collected in 2025
    changes = edition_changes(editions(first, second), 2024, 2025, framework=small_framework())
    notes = " ".join(changes.notes)
    assert "1 city ranked in 2025 but not in 2024" in notes and "c11" in notes
    assert "1 city ranked in 2024 but not in 2025" in notes and "c00" in notes
    assert "['i5'] are used in one edition only" in notes
    assert set(changes.table["city_id"]) == {f"c{k:02d}" for k in range(1, 11)}
    assert "B_change" in changes.table.columns


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**16), factor=st.floats(0.5, 2.0), city=st.integers(0, 11))
def test_only_the_changed_city_moves_on_the_rebased_scale(seed, factor, city):
    first = wide(seed=seed)
    second = first.copy()
    second.loc[city, "i3"] *= factor
    changes = edition_changes(editions(first, second), 2024, 2025, framework=small_framework(),
                              methodology=Methodology.parse({"outliers": {"method": "none"}}))
    table = changes.table.set_index("city_id")
    moved = f"c{city:02d}"
    np.testing.assert_allclose(table.drop(index=moved)["score_change"], 0.0, atol=1e-9)
    assert np.sign(table.loc[moved, "score_change"]) == np.sign(round(factor - 1.0, 12)) or abs(factor - 1) < 1e-9


def test_equal_years_an_absent_year_and_other_normalisations_are_refused():
    panel = editions(wide(), wide())
    with pytest.raises(SpecificationError, match="same year"):
        edition_changes(panel, 2025, 2025, framework=small_framework())
    with pytest.raises(DataValidationError, match="2023"):
        edition_changes(panel, 2023, 2025, framework=small_framework())
    with pytest.raises(SpecificationError, match="minmax"):
        edition_changes(panel, 2024, 2025, framework=small_framework(),
                        methodology=Methodology.parse({"normalisation": {"method": "zscore"}}))


def test_the_command_prints_the_moves_and_writes_the_table(tmp_path, capsys):
    first = wide()
    second = first.copy()
    second.loc[second["city_id"] == "c02", ["i1", "i3", "i4", "i5"]] *= 4.0  # last in 2024
    path = tmp_path / "editions.csv"
    editions(first, second).to_csv(path, index=False)
    framework = tmp_path / "framework.toml"
    framework.write_text(small_framework().to_toml(), encoding="utf-8")
    out = tmp_path / "changes"
    assert main(["changes", "2024", "2025", "--data", str(path), "--framework", str(framework),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Changes from 2024 to 2025: 12 cities in both editions" in printed
    moves_up = printed.split("largest moves up:")[1].split("largest moves down:")[0]
    assert "  c02: rank 12 → " in moves_up and "(+" in moves_up
    table = pd.read_csv(out / "changes.csv")
    assert len(table) == 12 and {"rank_2024", "rank_2025", "score_change"} <= set(table.columns)
    assert main(["changes", "2025", "2025", "--data", str(path), "--framework", str(framework)]) == 2
