"""ARWU institutions (05, 07, 08, 18) are located by coordinates and counted by the one metro-area rule."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from city_data.arwu import (LOCATED_BY_PLACE, LOCATED_BY_ROR, arwu_indicators, arwu_institutions,
                            institution_placements)
from city_data.metro import METRO_RADIUS_KM, assign_points, counted_per_city
from indicators.errors import DataValidationError

SOURCES = Path(os.environ.get("INDEXLIB_DATA_SOURCES",
                              Path(__file__).resolve().parents[2].parent / "shared" / "data_sources"))

#: GeoNames centres of four index cities (as in cities.csv) and the places of five institutions (as ROR
#: gives them: the coordinates of the institution's GeoNames city).
CITIES = pd.DataFrame({"city_id": ["berlin", "tel-aviv", "frankfurt", "tokyo"],
                       "lat": [52.52437, 32.08088, 50.11552, 35.6895],
                       "lon": [13.41053, 34.78057, 8.68417, 139.69171]})
PLACES = {  # ror_id: (name, city, lat, lng)
    "potsdam": ("University of Potsdam", "Potsdam", 52.39886, 13.06566),
    "weizmann": ("Weizmann Institute of Science", "Rehovot", 31.89421, 34.81199),
    "mainz": ("Johannes Gutenberg University Mainz", "Mainz", 49.98419, 8.2791),
    "darmstadt": ("Technische Universität Darmstadt", "Darmstadt", 49.87167, 8.65027),
    "yokohama": ("Yokohama City University", "Yokohama", 35.44778, 139.6425),
}


#: Hand-assigned campus places of institutions without a ROR record (institution: place, lat, lon).
CAMPUSES = {"Antwerp": ("Antwerp", 51.22047, 4.40026)}


def write_sources(tmp_path: Path, rows: list[dict], places: dict = PLACES,
                  campuses: dict | None = None) -> dict[str, Path]:
    """An ARWU transcription, its ROR match, a ROR location extract and the campus places as the build reads them."""
    rows = [{"institution": "x", "arwu2025_rank": "1", "rank_lower": "1", "hici_score": "10.0",
             "pub_score": "20.0", "ror_id": ""} | row for row in rows]
    transcription = pd.DataFrame([{k: v for k, v in row.items() if k != "ror_id"} for row in rows])
    match = pd.DataFrame([{k: row[k] for k in ("institution", "ror_id")} for row in rows])
    if campuses is None:  # the campus rows of the institutions listed
        campuses = {name: value for name, value in CAMPUSES.items() if name in set(transcription["institution"])}
    ror = pd.DataFrame([{"ror_id": key, "name": name, "city": city, "lat": lat, "lng": lng}
                        for key, (name, city, lat, lng) in places.items()])
    campus = pd.DataFrame([{"institution": name, "place": place, "lat": lat, "lon": lon}
                           for name, (place, lat, lon) in campuses.items()],
                          columns=["institution", "place", "lat", "lon"])
    paths = {"arwu": tmp_path / "arwu.csv", "arwu_ror_match": tmp_path / "match.csv", "ror": tmp_path / "ror.csv",
             "arwu_places": tmp_path / "places.csv"}
    transcription.to_csv(paths["arwu"], index=False)
    match.to_csv(paths["arwu_ror_match"], index=False)
    ror.to_csv(paths["ror"], index=False)
    campus.to_csv(paths["arwu_places"], index=False)
    return paths


def place(tmp_path, rows, cities=CITIES, places=PLACES, campuses=None):
    return institution_placements(write_sources(tmp_path, rows, places, campuses), cities)


def test_potsdam_and_weizmann_are_counted_alike(tmp_path):
    placements = place(tmp_path, [{"institution": "Potsdam", "ror_id": "potsdam"},
                                  {"institution": "Weizmann", "ror_id": "weizmann"}])
    # Potsdam is 27 km from Berlin's centre, Rehovot 22 km from Tel Aviv's: one rule counts both.
    assert list(placements["city_ids"]) == ["berlin", "tel-aviv"]
    assert (placements["located_by"] == LOCATED_BY_ROR).all()
    assert (placements["distance_km"] < 30).all()


def test_mainz_and_darmstadt_count_for_frankfurt_and_yokohama_for_tokyo(tmp_path):
    placements = place(tmp_path, [{"institution": name, "ror_id": name}
                                  for name in ("mainz", "darmstadt", "yokohama")])
    assert list(placements["city_ids"]) == ["frankfurt", "frankfurt", "tokyo"]
    values = arwu_indicators(placements, CITIES).set_index(["city_id", "indicator_id"])["value"]
    assert values[("frankfurt", "08")] == 2 and values[("tokyo", "08")] == 1 and values[("berlin", "08")] == 0


def test_an_institution_between_two_index_cities_counts_for_both(tmp_path):
    cities = pd.DataFrame({"city_id": ["a", "b"], "lat": [0.0, 0.0], "lon": [0.0, 0.9]})
    placements = place(tmp_path, [{"institution": "between", "ror_id": "mid", "hici_score": "50.0"}],
                       cities=cities, places={"mid": ("Between", "Mid", 0.0, 0.45)})
    assert placements.loc[0, "city_ids"] == "a;b"
    values = arwu_indicators(placements, cities).set_index(["indicator_id", "city_id"])["value"]
    assert values[("08", "a")] == values[("08", "b")] == 1
    assert values[("07", "a")] == values[("07", "b")] == 0.25  # (50/100)^2 for each city


def test_without_a_ror_record_the_campus_place_locates_it_and_the_same_rule_counts_it(tmp_path):
    cities = pd.DataFrame({"city_id": ["brussels", "frankfurt"], "lat": [50.85045, 50.11552],
                           "lon": [4.34878, 8.68417]})
    placements = place(tmp_path, [{"institution": "Antwerp"}, {"institution": "Mainz", "ror_id": "mainz"}],
                       cities=cities)
    # Antwerp is 41 km from Brussels' centre: counted for Brussels as a ROR-located institution would be.
    assert list(placements["located_by"]) == [LOCATED_BY_PLACE, LOCATED_BY_ROR]
    assert list(placements["place"]) == ["Antwerp", "Mainz"]
    assert list(placements["city_ids"]) == ["brussels", "frankfurt"]
    assert 40 < placements.loc[0, "distance_km"] < 42
    notes = arwu_indicators(placements, cities).set_index(["city_id", "indicator_id"])["note"]
    assert "1 of them without a stored ROR record" in notes[("brussels", "08")]
    assert "without a stored ROR record" not in notes[("frankfurt", "08")]
    # a place row beyond 70 km counts for no city
    far = place(tmp_path, [{"institution": "Antwerp"}], cities=cities.iloc[1:])
    assert far.loc[0, "city_ids"] == "" and far.loc[0, "distance_km"] > METRO_RADIUS_KM


def test_an_institution_located_by_neither_is_an_error_naming_it(tmp_path):
    with pytest.raises(DataValidationError, match=r"places\.csv: no place for 1 ARWU institution.*'Nowhere U'"):
        place(tmp_path, [{"institution": "Antwerp"}, {"institution": "Nowhere U"}])


@pytest.mark.parametrize(("campuses", "message"), [
    ({"Antwerp": ("Antwerp", "", 4.4)}, r"row 2: institution 'Antwerp': no valid coordinates"),
    ({"Antwerp": ("Antwerp", 51.2, 4.4), "Atlantis U": ("Atlantis", 0.0, 0.0)},
     r"row 3: institution 'Atlantis U': not an institution of the ARWU transcription")])
def test_a_bad_place_row_is_an_error_naming_the_row(tmp_path, campuses, message):
    with pytest.raises(DataValidationError, match=r"places\.csv, " + message):
        place(tmp_path, [{"institution": "Antwerp"}], campuses=campuses)


def test_an_institution_with_two_place_rows_is_an_error(tmp_path):
    paths = write_sources(tmp_path, [{"institution": "Antwerp"}])
    campus = pd.read_csv(paths["arwu_places"], dtype=str, keep_default_na=False)
    pd.concat([campus, campus]).to_csv(paths["arwu_places"], index=False)
    with pytest.raises(DataValidationError, match=r"places\.csv, row 3: institution 'Antwerp': listed twice"):
        institution_placements(paths, CITIES)


def test_unknown_ror_id_is_an_error_naming_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"match\.csv: ROR id\(s\) nowhere"):
        place(tmp_path, [{"ror_id": "nowhere"}])


def test_a_match_out_of_step_with_the_transcription_is_an_error_naming_the_row(tmp_path):
    paths = write_sources(tmp_path, [{"institution": "A", "ror_id": "potsdam"}, {"institution": "B"}])
    match = pd.read_csv(paths["arwu_ror_match"], dtype=str, keep_default_na=False)
    match.loc[1, "institution"] = "C"
    match.to_csv(paths["arwu_ror_match"], index=False)
    with pytest.raises(DataValidationError, match=r"match\.csv, row 3: institution 'C', but .*arwu\.csv has 'B'"):
        institution_placements(paths, CITIES)
    match.iloc[:1].to_csv(paths["arwu_ror_match"], index=False)
    with pytest.raises(DataValidationError, match=r"match\.csv: 1 rows, but .*arwu\.csv has 2"):
        institution_placements(paths, CITIES)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-1.0, 1.0), st.floats(-1.0, 2.0)), min_size=1, max_size=12))
def test_city_counts_add_up_to_the_cities_each_institution_counts_for(tmp_path_factory, points):
    cities = pd.DataFrame({"city_id": ["a", "b", "c"], "lat": [0.0, 0.0, 0.5], "lon": [0.0, 0.9, 1.5]})
    places = {f"r{i}": (f"I{i}", "P", lat, lon) for i, (lat, lon) in enumerate(points)}
    rows = [{"institution": f"I{i}", "ror_id": f"r{i}"} for i in range(len(points))]
    placements = place(tmp_path_factory.mktemp("arwu"), rows, cities=cities, places=places)
    counts = arwu_indicators(placements, cities).query("indicator_id == '08'")["value"].sum()
    assert counts == sum(len(ids.split(";")) for ids in placements["city_ids"] if ids)
    assert (placements.loc[placements["city_ids"] != "", "distance_km"] <= METRO_RADIUS_KM).all()


def test_assign_points_gives_every_city_within_the_radius_and_counts_each():
    cities = pd.DataFrame({"city_id": ["a", "b"], "lat": [0.0, 0.0], "lon": [0.0, 0.9]})
    points = pd.DataFrame({"name": ["both", "a only", "none", "unlocated"], "lat": [0.0, 0.0, 5.0, np.nan],
                           "lon": [0.45, -0.3, 5.0, np.nan]})
    placed = assign_points(points, cities)
    assert list(placed["city_ids"]) == ["a;b", "a", "", ""]
    assert list(placed["city_id"][:2]) == ["a", "a"] and placed["city_id"][2:].isna().all()
    assert np.isnan(placed.loc[3, "distance_km"]) and placed.loc[2, "distance_km"] > METRO_RADIUS_KM
    assert "city_ids" not in points.columns  # the input is not modified
    counted = counted_per_city(placed)
    assert list(zip(counted["name"], counted["city_id"])) == [("both", "a"), ("both", "b"), ("a only", "a")]


# --- on the stored sources -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def institutions() -> pd.DataFrame:
    if not (SOURCES / "raw").is_dir():
        pytest.skip(f"../shared/data_sources not found: {SOURCES} (needed to locate the ARWU institutions)")
    return arwu_institutions(SOURCES).set_index("institution")


@pytest.mark.parametrize(("institution", "city", "located_by"), [
    *[(name, city, LOCATED_BY_ROR) for name, city in (
        ("University of Potsdam", "berlin"), ("Weizmann Institute of Science", "tel-aviv"),
        ("University of Mainz", "frankfurt"), ("Technical University of Darmstadt", "frankfurt"),
        ("Yokohama City University", "tokyo"), ("Princeton University", "philadelphia"),
        ("Princeton University", "new-york"))],
    # no stored ROR record: located by the GeoNames place of the main campus
    *[(name, city, LOCATED_BY_PLACE) for name, city in (
        ("University of Antwerp", "brussels"), ("Chang Gung University", "taipei"),
        ("National Central University", "taipei"))]])
def test_real_institutions_count_by_the_rule(institutions, institution, city, located_by):
    row = institutions.loc[institution]
    assert row["located_by"] == located_by
    assert city in row["city_ids"].split(";")


def test_every_real_institution_is_located_from_ror_or_its_campus_place(institutions):
    by = institutions["located_by"].value_counts()
    assert by[LOCATED_BY_ROR] >= 930
    assert by[LOCATED_BY_ROR] + by[LOCATED_BY_PLACE] == len(institutions) == 1000
    assert institutions[["lat", "lon"]].notna().all().all()
    # Stony Brook lies 80 km from New York's centre: the former table counted it, the rule does not.
    assert "new-york" not in institutions.loc["Stony Brook University", "city_ids"]
