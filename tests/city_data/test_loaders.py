"""The packaged city data: cities, the 2025 panel with provenance, the published ranking, open licences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import city_data
from city_data import is_open_licence

INDICATORS = [f"{number:02d}" for number in range(1, 25)]
PROVENANCE = ["unit", "year", "level", "source", "licence"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return city_data.load_panel(2025)


def test_cities_are_the_125_index_cities():
    cities = city_data.cities()
    assert len(cities) == 125
    assert list(cities.index) == list(range(125))
    assert list(cities.columns) == ["city_id", "name_en", "name_zh", "iso2", "iso3", "country", "continent",
                                    "lat", "lon", "population"]
    assert cities["city_id"].is_unique
    assert cities["lat"].between(-90, 90).all() and cities["lon"].between(-180, 180).all()
    assert (cities["population"] > 0).all()


def test_loaders_return_copies():
    first = city_data.cities()
    first.loc[0, "city_id"] = "changed"
    assert city_data.cities().loc[0, "city_id"] == "new-york"


def test_panel_has_one_row_per_city_and_indicator(panel):
    assert panel.shape[0] == 125 * 24
    assert {"city_id", "indicator_id", "value", "unit", "year", "level", "source", "licence", "note", "flag",
            "licence_open"} <= set(panel.columns)
    assert not panel.duplicated(["city_id", "indicator_id"]).any()
    assert set(panel["city_id"]) == set(city_data.cities()["city_id"])
    assert panel["value"].dtype == np.float64


def test_indicator_ids_are_two_digit_strings(panel):
    assert sorted(panel["indicator_id"].unique()) == INDICATORS
    assert all(isinstance(value, str) for value in panel["indicator_id"])
    assert all(isinstance(value, str) for value in panel["year"].dropna())
    assert {"2024-08", "~2022"} <= set(panel["year"].dropna())


def test_panel_coverage_and_provenance(panel):
    present = panel[panel["value"].notna()]
    assert len(present) >= 2400
    for column in PROVENANCE:
        assert present[column].notna().all(), column
        assert (present[column].str.strip() != "").all(), column
    assert set(present["level"]) == {"city", "country"}
    assert (present["level"] == "city").sum() >= 1300


def test_rows_without_value_say_why(panel):
    missing = panel[panel["value"].isna()]
    assert missing["note"].notna().all()
    assert missing[PROVENANCE].isna().all().all()


@pytest.mark.parametrize("indicator_id", ["03", "11"])
def test_indicators_without_source_are_empty(panel, indicator_id):
    rows = panel[panel["indicator_id"] == indicator_id]
    assert len(rows) == 125
    assert rows["value"].isna().all()


def test_open_only_keeps_strictly_fewer_and_only_open_values(panel):
    open_panel = city_data.load_panel(2025, open_only=True)
    assert open_panel.shape == panel.shape
    kept = open_panel["value"].notna()
    assert 0 < kept.sum() < panel["value"].notna().sum()
    assert open_panel.loc[kept, "licence"].map(is_open_licence).all()
    assert open_panel.loc[kept, "licence_open"].all()
    # Values under WHO (non-commercial), Numbeo, ARWU, CB Insights and Ookla terms are dropped.
    for indicator_id in ("04", "05", "09", "14", "20", "21"):
        assert open_panel.loc[open_panel["indicator_id"] == indicator_id, "value"].isna().all(), indicator_id
    # 15 keeps its GHSL (CC BY 4.0) city values only; the WHO national values are non-commercial.
    open_15 = open_panel[(open_panel["indicator_id"] == "15") & open_panel["value"].notna()]
    assert len(open_15) >= 70 and open_15["source"].str.contains("GHSL", na=False).all()
    # World Bank, OWID/UNESCO, passport index, UNDP and OpenFlights values stay.
    for indicator_id in ("02", "06", "10", "12", "13", "16", "19"):
        assert open_panel.loc[open_panel["indicator_id"] == indicator_id, "value"].notna().sum() >= 119
    assert open_panel["alt_value"].isna().all()


def test_unicorn_rows_name_their_gazetteer_and_unplaced_companies(panel):
    rows = panel[panel["indicator_id"] == "09"]
    assert len(rows) == 125 and rows["value"].notna().all() and (rows["level"] == "city").all()
    assert rows["note"].str.contains(
        r"HQ located via GeoNames index-city coordinates, GeoNames cities, GHSL urban-centre names or "
        r"OpenFlights airport city coordinates; "
        r"\d+ companies unplaced", na=False).all()
    for name in ("CB Insights", "Kaggle", "GeoNames", "OpenFlights"):
        assert rows["source"].str.contains(name, na=False).all(), name
    assert not rows["licence_open"].any()


@pytest.mark.parametrize("text, expected", [
    ("CC BY 4.0 (WDI)", True),
    ("CC BY 3.0 IGO", True),
    ("CC BY 4.0 (OWID) / CC BY-SA 3.0 IGO (UIS)", True),
    ("ODbL 1.0", True),
    ("MIT (dataset); underlying Passport Index by Arton Capital", True),
    ("CC BY-NC-SA 3.0 IGO", False),
    ("CC BY 4.0 (OWID) / WHO CC BY-NC-SA 3.0 IGO", False),
    ("ShanghaiRanking terms (not open); transcription repo MIT", False),
    ("Ookla proprietary (no open licence)", False),
    ("Numbeo terms of use (not open; attribution, no bulk redistribution)", False),
    ("CB Insights proprietary; Kaggle redistribution (no open licence)", False),
    ("CB Insights proprietary; Kaggle redistribution (no open licence); HQ gazetteers GeoNames CC BY 4.0, "
     "OpenFlights ODbL 1.0", False),
    ("", False),
    (None, False),
    (float("nan"), False),
])
def test_is_open_licence(text, expected):
    assert is_open_licence(text) is expected


def test_published_ranking():
    ranking = city_data.published(2025)
    assert len(ranking) == 125
    assert sorted(ranking["rank"]) == list(range(1, 126))
    assert ranking["score"].between(50, 100).all()
    assert set(ranking["city_id"]) == set(city_data.cities()["city_id"])


def test_published_dimensions():
    facts = city_data.published_dimensions(2025)
    assert {"dimension_id", "rank", "city_id", "score", "note"} <= set(facts.columns)
    assert facts["dimension_id"].nunique() == 6
    assert facts["score"].dropna().between(50, 100).all()
    assert set(facts["city_id"]) <= set(city_data.cities()["city_id"])


def test_available_years():
    assert city_data.available_years() == [2025]


@pytest.mark.parametrize("loader", [city_data.load_panel, city_data.published, city_data.published_dimensions])
@pytest.mark.parametrize("year", [2024, 1999, "2025", 2025.0])
def test_unknown_year_raises_and_names_available_years(loader, year):
    with pytest.raises(ValueError, match="available years: 2025"):
        loader(year)


def test_every_edition_default_is_the_one_constant():
    import inspect

    import city_data
    from indexlib.compare_published import compare_with_published

    for function in (city_data.load_panel, city_data.published, city_data.published_dimensions):
        assert inspect.signature(function).parameters["year"].default == city_data.EDITION, function.__name__
    assert inspect.signature(compare_with_published).parameters["year"].default is None  # resolved to EDITION
    assert city_data.EDITION in city_data.available_years()
