"""The panel build: reproducibility against the committed panel, errors on bad input, atomic output."""

from __future__ import annotations

import io
import os
import shutil
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from city_data import build, headquarters
from indicators.errors import OutputError
from city_data.build import PANEL_COLUMNS, RAW_FILES, build_panel, main, write_csv_atomic

#: ``shared/data_sources`` beside the repository checkout (absent on a user's machine), or the folder named
#: by ``INDEXLIB_DATA_SOURCES`` (for a checkout elsewhere, e.g. a git worktree).
SOURCES = Path(os.environ.get("INDEXLIB_DATA_SOURCES",
                              Path(__file__).resolve().parents[2].parent / "shared" / "data_sources"))

NUMERIC = ("value", "alt_value")


def sources_dir() -> Path:
    if not (SOURCES / "raw").is_dir():
        pytest.skip(f"../shared/data_sources not found: {SOURCES} (needed to rebuild the panel)")
    return SOURCES


def read_panel_csv(source) -> pd.DataFrame:
    text = {column: str for column in PANEL_COLUMNS if column not in NUMERIC}
    return pd.read_csv(source, dtype=text, keep_default_na=False, na_values={c: [""] for c in NUMERIC})


def committed_panel() -> pd.DataFrame:
    resource = files("city_data") / "data" / "panel_2025.csv"
    return read_panel_csv(io.BytesIO(resource.read_bytes()))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("build") / "panel_2025.csv"
    write_csv_atomic(build_panel(sources_dir()), out)
    return read_panel_csv(out)


def test_build_reproduces_the_committed_panel(built):
    committed = committed_panel()
    assert list(built.columns) == list(committed.columns) == list(PANEL_COLUMNS)
    assert built.shape == committed.shape
    for column in NUMERIC:
        a, b = built[column].to_numpy(float), committed[column].to_numpy(float)
        assert np.array_equal(np.isnan(a), np.isnan(b)), column
        assert np.allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-9, atol=0.0), column
    text = [column for column in PANEL_COLUMNS if column not in NUMERIC]
    pd.testing.assert_frame_equal(built[text], committed[text])


def test_build_in_memory_matches_acceptance_totals():
    panel = build_panel(sources_dir())
    assert panel["city_id"].nunique() == 125
    assert len(panel) == 3000
    present = panel[panel["value"].notna()]
    assert len(present) >= 2400
    assert (present[["unit", "year", "level", "source", "licence"]] != "").all().all()
    assert (present["level"] == "city").sum() >= 1300
    assert panel.loc[panel["indicator_id"].isin(["03", "11"]), "value"].isna().all()


def test_build_accepts_the_raw_folder_itself():
    panel = build_panel(sources_dir() / "raw")
    assert len(panel) == 3000


def test_build_for_a_subset_of_cities():
    import city_data

    subset = city_data.cities().iloc[[3, 21, 124]]
    panel = build_panel(sources_dir(), cities=subset)
    assert list(panel["city_id"].unique()) == ["paris", "hong-kong", "lanzhou"]
    assert len(panel) == 3 * 24
    committed = committed_panel().set_index(["city_id", "indicator_id"])
    expected = committed.loc[panel.set_index(["city_id", "indicator_id"]).index, "value"]
    assert np.allclose(panel["value"], expected, rtol=1e-9, atol=0.0, equal_nan=True)


def test_build_agrees_with_the_provenance_table_except_documented_cells():
    sources = sources_dir()
    comparison = build.compare_with_coverage(build_panel(sources), sources / "coverage.csv")
    differing = comparison[~comparison["agree"]]
    # 12 for the Netherlands: coverage.csv took OWID's "Curacao" row; 12 for Canada and Argentina: values
    # from 2000 are excluded as too old; 20: series breaks; 01 and 15: GHSL urban-centre values (and no
    # Numbeo pollution index in 15); 09: headquarters located with the GeoNames/OpenFlights gazetteer rule,
    # unplaced ones count for no city; 09 and 10: the metro-area rule counts an asset for every index city
    # within 70 km (see README); 05, 07, 08, 18: ARWU institutions located by ROR and counted by the same rule.
    assert set(differing["indicator_id"]) <= {"01", "05", "07", "08", "09", "10", "12", "15", "18", "20"}
    assert set(differing.loc[differing["indicator_id"] == "12", "city_id"]) == {
        "amsterdam", "rotterdam", "toronto", "montreal", "vancouver", "buenos-aires"}
    assert set(differing.loc[differing["indicator_id"] == "20", "city_id"]) == {
        "stockholm", "brussels", "warsaw", "jakarta", "budapest"}


@pytest.fixture(scope="module")
def placements() -> pd.DataFrame:
    return build.unicorn_headquarters(sources_dir())


def test_unicorn_gazetteer_is_built_from_the_raw_files_only(placements):
    # No hand-made table of coordinates is packaged or read.
    assert not (files("city_data") / "data" / "unicorn_hq_places.csv").is_file()
    assert "unicorn_hq_places" not in Path(build.__file__).read_text(encoding="utf-8")
    unicorns = pd.read_csv(sources_dir() / "raw" / RAW_FILES["unicorns"], encoding="utf-8-sig", dtype=str,
                           keep_default_na=False)
    assert len(placements) == len(unicorns)
    assert list(placements["company"]) == list(unicorns["Company"].str.strip())
    methods = set(placements["located_by"])
    gazetteers = ("GeoNames index city", "GeoNames city", "GHSL urban centre", "OpenFlights airports")
    assert {"GeoNames index city", "GeoNames city"} <= methods
    assert all(m in gazetteers or m.startswith("unplaced:") for m in methods)
    unplaced = placements["located_by"].str.startswith("unplaced:")
    assert placements.loc[unplaced, ["lat", "lon"]].isna().all().all()
    assert placements.loc[~unplaced, ["lat", "lon"]].notna().all().all()
    assert placements.loc[unplaced, "city_id"].isna().all()


def test_index_city_names_come_first_then_geonames(placements):
    sources = sources_dir()
    cities = pd.read_csv(sources / "cities.csv", dtype=str, keep_default_na=False).set_index("id")
    by_company = placements.set_index("company")
    row = by_company.loc["Stripe"]
    assert (row["hq_city"], row["located_by"]) == ("San Francisco", "GeoNames index city")
    assert (row["lat"], row["lon"]) == (float(cities.loc["san-francisco", "lat"]),
                                        float(cities.loc["san-francisco", "lon"]))
    # A name whose places lie far apart (Portland, Oregon and Maine) locates nothing.
    portland = placements[(placements["hq_city"] == "Portland") & (placements["country"] == "United States")]
    assert len(portland) > 0
    assert portland["located_by"].str.contains("ambiguous", na=False).all() and portland["city_id"].isna().all()


def _counted_for(placements, hq_city, country):
    rows = placements[(placements["hq_city"] == hq_city) & (placements["country"] == country)]
    assert len(rows) > 0, hq_city
    return rows


def test_gurugram_and_noida_count_for_delhi(placements):
    for name in ("Gurugram", "Gurgaon", "Noida"):
        rows = _counted_for(placements, name, "India")
        assert rows["city_ids"].str.split(";").map(lambda ids: "delhi" in ids).all(), name


def test_bay_area_and_boston_suburbs_count_for_their_city(placements):
    for name in ("Redwood City", "San Mateo", "Sunnyvale", "Burlingame", "Santa Clara"):
        rows = _counted_for(placements, name, "United States")
        assert (rows["city_id"] == "san-francisco").all(), name
    assert (_counted_for(placements, "Waltham", "United States")["city_id"] == "boston").all()


def test_glendale_is_ambiguous_and_does_not_count_for_phoenix(placements):
    rows = _counted_for(placements, "Glendale", "United States")
    assert rows["located_by"].str.contains("ambiguous", na=False).all()
    assert not rows["city_ids"].str.contains("phoenix", na=False).any()


def test_an_asset_between_two_index_cities_counts_for_both(built):
    tens = built[built["indicator_id"] == "10"].set_index("city_id")
    # Basel's EuroAirport lies in France: the distance rule gives it to Basel without an exception.
    assert "'BSL'" in tens.loc["basel", "note"] or "'MLH'" in tens.loc["basel", "note"]
    # Schiphol lies within 70 km of both Amsterdam and Rotterdam, and counts for each.
    assert "'AMS'" in tens.loc["amsterdam", "note"] and "'AMS'" in tens.loc["rotterdam", "note"]


def test_metro_rule_is_non_exclusive_and_distance_based():
    from city_data.metro import cities_within

    cities = pd.DataFrame({"city_id": ["berlin", "tel-aviv", "far"], "lat": [52.52437, 32.08088, 0.0],
                           "lon": [13.41053, 34.78057, 0.0]})
    # Potsdam (27 km from Berlin) and Rehovot (22 km from Tel Aviv) are treated alike.
    within, distance = cities_within([52.39886, 31.89421, 10.0], [13.06566, 34.81199, 10.0], cities)
    assert within == [["berlin"], ["tel-aviv"], []]
    assert np.all(distance[:2] < 70) and distance[2] > 70
    both = pd.DataFrame({"city_id": ["a", "b"], "lat": [0.0, 0.0], "lon": [0.0, 0.9]})
    assert cities_within([0.0], [0.45], both)[0] == [["a", "b"]]


def test_place_names_match_without_accents_case_or_hyphens():
    key = headquarters.place_key
    assert key("Zürich") == key("zurich") == "zurich"
    assert key("Xi’an") == key("Xi'an")
    assert key("São  Paulo") == key("sao paulo")
    assert key("Louvain-la-Neuve") == key("Louvain la Neuve")
    assert key("Washington DC") != key("Washington")


def test_unicorn_values_are_the_sums_of_assigned_companies(built, placements):
    values = built[built["indicator_id"] == "09"].set_index("city_id")["value"]
    assigned = placements[placements["city_id"].notna()]
    counted = assigned.assign(city_id=assigned["city_ids"].str.split(";")).explode("city_id")
    expected = counted.groupby("city_id")["valuation"].sum().reindex(values.index).fillna(0.0).round(2)
    assert np.allclose(values, expected, rtol=1e-9, atol=1e-9)
    assert (assigned["distance_km"] <= build.ASSIGNMENT_RADIUS_KM).all()


def test_unicorn_notes_say_how_values_were_derived(built, placements):
    rows = built[built["indicator_id"] == "09"]
    unplaced = build.unplaced_by_country(placements)
    assert unplaced["companies"].sum() == placements["lat"].isna().sum()
    n = int(unplaced["companies"].sum())
    method = ("HQ located via GeoNames index-city coordinates, GeoNames cities, GHSL urban-centre names or "
              f"OpenFlights airport city coordinates; {n} companies unplaced (of {len(placements)}; ")
    assert rows["note"].str.contains(method, regex=False, na=False).all()
    us = unplaced.loc["United States"]
    new_york = rows.set_index("city_id").loc["new-york", "note"]
    assert f"{int(us['companies'])} in United States, US$ {us['valuation']:.2f} bn" in new_york
    for name in ("CB Insights", "Kaggle", "GeoNames", "OpenFlights"):
        assert rows["source"].str.contains(name, na=False).all(), name


def test_main_reports_unplaced_companies(tmp_path, capsys, placements):
    assert main([str(sources_dir()), "--out", str(tmp_path / "panel.csv")]) == 0
    out = capsys.readouterr().out
    unplaced = build.unplaced_by_country(placements)
    assert f"{int(unplaced['companies'].sum())} unplaced (US$ {unplaced['valuation'].sum():.2f} bn)" in out
    assert "unplaced by country: United States" in out


def test_missing_folder_raises_naming_it(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="nowhere"):
        build_panel(missing)


def test_missing_raw_file_raises_naming_it(tmp_path):
    (tmp_path / "raw").mkdir()
    with pytest.raises(FileNotFoundError, match=r"wdi_cache\.csv"):
        build_panel(tmp_path)


def test_malformed_raw_file_raises_value_error(tmp_path):
    sources = sources_dir()
    raw = tmp_path / "raw"
    for relative in RAW_FILES.values():
        target = raw / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(sources / "raw" / relative)
    shutil.copy(sources / "cities.csv", tmp_path / "cities.csv")
    broken = raw / RAW_FILES["wdi"]
    broken.unlink()
    broken.write_text("country,year\nX,2024\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"wdi_cache\.csv: missing column"):
        build_panel(tmp_path)


def test_main_returns_2_with_one_line_on_stderr(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    assert main([str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "nowhere" in lines[0]
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_main_writes_the_panel(tmp_path, capsys):
    out = tmp_path / "panel.csv"
    assert main([str(sources_dir()), "--out", str(out)]) == 0
    assert "3000 rows" in capsys.readouterr().out
    assert len(read_panel_csv(out)) == 3000


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "frame.csv"
    out.write_text("old\n", encoding="utf-8")
    write_csv_atomic(pd.DataFrame({"a": [1.5, np.nan], "b": ["x", "y"]}), out)
    assert out.read_text(encoding="utf-8") == "a,b\n1.5,x\n,y\n"
    assert [path.name for path in tmp_path.iterdir()] == ["frame.csv"]


def test_atomic_write_needs_an_existing_folder(tmp_path):
    with pytest.raises(OutputError, match="output folder not found"):
        write_csv_atomic(pd.DataFrame({"a": [1]}), tmp_path / "missing" / "frame.csv")
