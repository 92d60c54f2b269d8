"""City profiles: values with their sources, imputation, strengths and weaknesses, peers, rank
intervals, unknown cities, the command line."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexlib
from _support import small_framework
from indexlib.cli import main
from indexlib.methodology import Methodology
from indexlib.publish.profile import find_city, nearest_peers, read_intervals
from indicators.errors import DataValidationError, SpecificationError

PLAIN = Methodology().replace(outliers={"method": "none"}, presentation={"scale": "none"},
                              missing={"method": "median"})
LEVELS = {"i1": "city", "i2": "city", "i3": "country", "i4": "city", "i5": "country"}


def long_panel(wide: pd.DataFrame) -> pd.DataFrame:
    """Long form of a wide frame (cities × i1…i5) with provenance for every cell."""
    long = wide.rename_axis("city_id").reset_index().melt("city_id", var_name="indicator_id", value_name="value")
    long["city_en"] = long["city_id"].str.upper()
    long["country"] = "K"
    long["continent"] = "X"
    long["level"] = long["indicator_id"].map(LEVELS)
    long["source"] = "Survey of " + long["indicator_id"]
    long["licence"] = "CC BY 4.0"
    long["unit"] = "units"
    long["year"] = "2024"
    return long


#: five cities: 'b' is best on every indicator; 'e' lacks i1 (imputed by the median of all cities)
WIDE = pd.DataFrame({"i1": [1.0, 9.0, 5.0, 3.0, np.nan], "i2": [5.0, 1.0, 4.0, 2.0, 3.0],
                     "i3": [2.0, 8.0, 4.0, 6.0, 5.0], "i4": [3.0, 7.0, 1.0, 5.0, 2.0],
                     "i5": [10.0, 40.0, 30.0, 20.0, 25.0]}, index=["a", "b", "c", "d", "e"])


@pytest.fixture(scope="module")
def result():
    return indexlib.build(long_panel(WIDE), PLAIN, small_framework())


def test_indicator_values_sources_and_imputation(result):
    profile = indexlib.profile(result, "e")
    table = profile.indicators.set_index("indicator_id")
    assert table.at["i1", "imputed"] and np.isnan(table.at["i1", "raw_value"])
    assert table.at["i1", "imputed_from"] == "median of all cities"
    assert table.at["i1", "imputed_value"] == table.at["i1", "treated_value"] == 4.0  # median of 1, 9, 5, 3
    assert table.at["i2", "raw_value"] == 3.0 and not table.at["i2", "imputed"]
    assert table.at["i2", "source"] == "Survey of i2" and table.at["i2", "licence"] == "CC BY 4.0"
    assert (table.at["i3", "level"], table.at["i3", "unit"], table.at["i3", "year"]) == ("country", "units", "2024")
    # min-max, i2 has polarity '-': (max - x) / (max - min) * 100 = (5 - 3) / 4 * 100
    assert table.at["i2", "normalised"] == pytest.approx(50.0)
    assert table.at["i5", "normalised"] == pytest.approx(50.0)  # (25 - 10) / 30
    # ranks among the five cities on the normalised value (higher is better)
    assert table["rank"].tolist() == [3, 3, 3, 4, 3]


def test_dimension_scores_ranks_strengths_weaknesses(result):
    profile = indexlib.profile(result, "B")  # ids are matched in any case
    assert profile.city_id == "b" and profile.overall["rank"] == 1 and profile.overall["cities"] == 5
    dims = profile.dimensions.set_index("dimension")
    assert dims.at["A", "score"] == pytest.approx(100.0) and dims.at["A", "rank"] == 1
    assert dims.at["A", "score"] == pytest.approx(result.raw_scores.at["b", "A"])
    c = indexlib.profile(result, "c").indicators.set_index("indicator_id")["rank"]
    assert c.to_dict() == {"i1": 2, "i2": 4, "i3": 4, "i4": 5, "i5": 2}
    profile = indexlib.profile(result, "c")
    # two of each (half the five indicators, rounded down); equal ranks are ordered by indicator id
    assert profile.strengths["indicator_id"].tolist() == ["i1", "i5"]
    assert profile.weaknesses["indicator_id"].tolist() == ["i4", "i2"]


def test_peers_are_nearest_in_dimension_space_with_ties_by_city_id():
    # 'p' and 'q' are the same point, so they tie for every other city; 'o' lies between
    wide = pd.DataFrame({"i1": [0.0, 10.0, 4.0, 4.0, 1.0, 7.0], "i2": [0.0] * 6, "i3": [0.0] * 6,
                         "i4": [0.0, 10.0, 6.0, 6.0, 2.0, 9.0], "i5": [0.0, 10.0, 5.0, 5.0, 3.0, 8.0]},
                        index=["n", "z", "q", "p", "o", "m"])
    wide["i2"] = wide["i1"] * -1  # polarity '-': the same normalised values as i1
    wide["i3"] = wide["i1"] * 2
    built = indexlib.build(long_panel(wide), PLAIN, small_framework())
    peers = nearest_peers(built, "n", 5)
    scores = built.dimension_scores
    distance = np.hypot(scores["A"] - scores.at["n", "A"], scores["B"] - scores.at["n", "B"])
    assert peers["distance"].tolist() == pytest.approx(sorted(distance.drop("n")))
    assert peers["city_id"].tolist()[:3] == ["o", "p", "q"]  # p before q: equal distance, id order
    assert list(indexlib.profile(built, "n").peers["city_id"]) == peers["city_id"].tolist()


@settings(max_examples=25)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=7, max_size=7, unique=False))
def test_peers_property_sorted_by_distance_then_id(points):
    ids = [f"c{k}" for k in range(7)]
    scores = pd.DataFrame(points, index=ids, columns=["A", "B"], dtype=float)

    class Stub:  # the three things nearest_peers reads from a result
        dimension_scores = scores
        ranks = pd.DataFrame({"index": np.arange(1, 8)}, index=ids)
        root = "index"
        panel = type("P", (), {"attributes": pd.DataFrame({"city_en": ids}, index=ids)})()

    peers = nearest_peers(Stub(), "c0", 5)
    d = np.hypot(scores["A"] - scores.at["c0", "A"], scores["B"] - scores.at["c0", "B"]).drop("c0")
    expected = sorted(d.index, key=lambda c: (d[c], c))[:5]
    assert peers["city_id"].tolist() == expected


def test_rank_intervals_overall_and_per_dimension(result):
    overall = pd.DataFrame({"city_id": ["a", "b"], "p05_rank": [3, 1], "median_rank": [4, 1],
                            "p95_rank": [5, 2], "nominal_rank": [4, 1]})
    profile = indexlib.profile(result, "b", overall)
    assert (profile.overall["p05_rank"], profile.overall["median_rank"], profile.overall["p95_rank"]) == (1, 1, 2)
    assert "rank interval 1–2 (median 1)" in profile.to_text()
    by_node = {result.root: overall, "A": overall.assign(p95_rank=[5, 3])}
    dims = indexlib.profile(result, "b", by_node).dimensions.set_index("dimension")
    assert dims.at["A", "p95_rank"] == 3 and pd.isna(dims.at["B", "p95_rank"])
    missing = indexlib.profile(result, "c", overall)
    assert missing.overall["median_rank"] is None and any("do not include c" in n for n in missing.notes)
    with pytest.raises(SpecificationError, match="p05_rank"):
        indexlib.profile(result, "b", overall.drop(columns="p05_rank"))


def test_an_uncertainty_result_is_accepted(result):
    from indexlib.uncertainty import uncertainty_analysis

    analysis = uncertainty_analysis(result.panel, PLAIN, small_framework(), runs=20, seed=1)
    profile = indexlib.profile(result, "a", analysis)
    row = analysis.rank_intervals.set_index("city_id").loc["a"]
    assert profile.overall["p05_rank"] == row["p05_rank"] and profile.overall["p95_rank"] == row["p95_rank"]


def test_unknown_and_excluded_cities_are_clear_errors(result):
    with pytest.raises(SpecificationError, match=r"unknown city 'bb'.*did you mean 'b'"):
        find_city(result, "bb")
    wide = WIDE.copy()
    wide.loc["e", ["i2", "i3", "i4"]] = np.nan  # 1 of 5 values: the coverage screen excludes 'e'
    built = indexlib.build(long_panel(wide), PLAIN, small_framework())
    with pytest.raises(SpecificationError, match=r"'e' \(e\) is in the panel but not ranked"):
        indexlib.profile(built, "e")


def test_to_dict_is_json_ready_and_write_is_complete(result, tmp_path):
    profile = indexlib.profile(result, "e")
    data = profile.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["indicators"][0]["raw_value"] is None  # imputed: no raw value, null rather than NaN
    written = profile.write(tmp_path / "e")
    assert sorted(p.name for p in written) == ["dimensions.csv", "dimensions.png", "dimensions.svg",
                                               "indicators.csv", "peers.csv", "profile.json", "profile.txt"]
    indexlib.profile(result, "e").write(tmp_path / "again")
    for path in written:
        assert path.read_bytes() == (tmp_path / "again" / path.name).read_bytes(), path.name


def test_every_value_in_the_text_has_a_source(result):
    text = indexlib.profile(result, "e").to_text()
    lines = [line for line in text.splitlines() if re.match(r"\s+i\d ", line)]
    assert len(lines) == 5
    cited = {int(n) for line in lines for n in re.findall(r"\[(\d+)\]", line)}
    listed = dict(re.findall(r"^\s+\[(\d+)\] (.*)$", text, flags=re.M))
    assert cited == {int(n) for n in listed}
    assert "imputed: median of all cities" in listed.values()


def test_cli_profile_london_cites_a_source_for_every_value(capsys):
    assert main(["profile", "london"]) == 0
    text = capsys.readouterr().out
    lines = [line for line in text.splitlines() if re.match(r"\s{4}\d\d ", line)]
    assert len(lines) >= 20
    listed = dict(re.findall(r"^\s+\[(\d+)\] (.*)$", text, flags=re.M))
    for line in lines:
        references = re.findall(r"\[(\d+)\]", line)
        assert references and all(listed.get(n, "").strip() for n in references), line


def test_cli_profile_unknown_city_exits_2_with_a_suggestion(capsys):
    assert main(["profile", "londn"]) == 2
    assert "did you mean 'london'" in capsys.readouterr().err


def test_cli_profile_reads_rank_intervals(tmp_path, capsys):
    good = tmp_path / "rank_intervals.csv"
    table = pd.DataFrame({"city_id": ["london"], "p05_rank": [1], "median_rank": [2], "p95_rank": [4]})
    table.to_csv(good, index=False)
    assert main(["profile", "london", "--intervals", str(good)]) == 0
    assert "rank interval 1–4 (median 2)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("city_id,p05_rank,median_rank,p95_rank\nlondon,1,x,4\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"bad.csv, row 2, city 'london'"):
        read_intervals(bad)
    assert main(["profile", "london", "--intervals", str(tmp_path / "none.csv")]) == 2


def test_a_panel_without_provenance_cites_the_panel_file(tmp_path):
    from _support import small_panel

    data = tmp_path / "panel.csv"
    small_panel().to_csv(data, index=False)
    built = indexlib.build(str(data), PLAIN, small_framework())
    table = indexlib.profile(built, "c03").indicators
    assert table["source"].tolist() == [f"panel {data}"] * 5 and table["level"].isna().all()
    audit = indexlib.audit(built)
    assert audit["coverage_cities"]["country_level_weight_share"].isna().all()
    assert "national_figures_only" not in audit.flags["flag"].tolist()


def test_a_value_left_missing_is_shown_as_missing(tmp_path):
    built = indexlib.build(long_panel(WIDE), PLAIN.replace(missing={"method": "none"}), small_framework())
    profile = indexlib.profile(built, "e")
    row = profile.indicators.set_index("indicator_id").loc["i1"]
    assert not row["imputed"] and np.isnan(row["raw_value"]) and np.isnan(row["rank"])
    assert row["source"] == "Survey of i1"  # the provenance row is kept, though it holds no value
    assert "i1 one: no value [" in profile.to_text()
    assert "i1" not in profile.strengths["indicator_id"].tolist() + profile.weaknesses["indicator_id"].tolist()
    assert json.dumps(profile.to_dict(), allow_nan=False)


def test_a_flagged_value_is_marked_in_the_profile():
    import warnings

    import indexlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build()
    provenance = result.panel.provenance
    flagged = provenance[provenance["flag"].fillna("").astype(str).str.len().gt(0)
                         & provenance["has_value"].astype(bool)]
    row = flagged.iloc[0]
    city_profile = indexlib.profile(result, str(row["city_id"]))
    table = city_profile.indicators.set_index("indicator_id")
    assert table.at[row["indicator_id"], "flag"] == row["flag"]
    line = next(text for text in city_profile.to_text().splitlines()
                if text.strip().startswith(f"{row['indicator_id']} "))
    assert "{" + str(row["flag"]).replace(";", ", ") + "}" in line
