"""Country-level sources (indicators 02, 04, 06, 12, 13, 15, 16, 19, 20): each national value is copied
to every index city of the country (:func:`city_data.sources.country_values`)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from city_data.plausibility import latest_before_break
from city_data.sources import country_values, iso3_by_name, latest_by_key, read_text_csv, require_columns
from indicators._numbers import EXACT_CSV

__all__ = ["labour_productivity", "broadband", "patents", "international_students", "travel_freedom", "pm25_indicator",
           "undp_indices", "physicians"]


_WDI = ("World Bank WDI NY.GDP.MKTP.PP.CD / (SL.TLF.TOTL.IN x (1-SL.UEM.TOTL.ZS)) via "
        "github.com/TheEconomist/the-economist-gdp-per-hour-estimates")

_OOKLA = "Ookla Speedtest Global Index (via github.com/cheredia19/ookla-speedtest-global-index-insights)"

_UNDP = "UNDP HDR 2023/24 composite indices time series"


# Names under which the sources spell a country differently from cities.csv.
_OOKLA_COUNTRY_ALIASES = {"Netherlands": "NLD", "Hong Kong (SAR)": "HKG", "Macau (SAR)": "MAC"}

# OWID's "Curacao" row must not be taken for the Netherlands: only the exact entity name counts.
_OWID_ENTITY_ALIASES = {"United States of America": "USA", "Netherlands": "NLD"}


def labour_productivity(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """02: GDP (PPP, current international $) per employed person, latest year with all three series."""
    wdi = pd.read_csv(path, na_values=["NA"], **EXACT_CSV)
    require_columns(wdi, ("iso3c", "year", "gdp_ppp", "labor_force", "unemployment_r"), path)
    wdi["value"] = wdi["gdp_ppp"] / (wdi["labor_force"] * (1 - wdi["unemployment_r"] / 100))
    latest = latest_by_key(wdi, "iso3c", "year", "value")
    return country_values(cities, latest, "02", decimals=1, unit="GDP (PPP, current intl $) per employed person",
                          source=_WDI, licence="CC BY 4.0 (WDI)")


def broadband(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """04: median fixed broadband download speed, August 2024 (country names mapped to ISO3)."""
    ookla = pd.read_csv(path, **EXACT_CSV)
    require_columns(ookla, ("mbps", "country"), path)
    ookla["iso3"] = ookla["country"].map(iso3_by_name(cities, _OOKLA_COUNTRY_ALIASES))
    by_iso3 = ookla.dropna(subset=["iso3"]).drop_duplicates("iso3").set_index("iso3")
    by_iso3 = pd.DataFrame({"value": by_iso3["mbps"], "year": "2024-08"})
    return country_values(cities, by_iso3, "04", decimals=2, unit="median fixed broadband download Mbps",
                          source=_OOKLA, licence="Ookla proprietary (no open licence)")


def _read_owid(path: Path, key: str) -> pd.DataFrame:
    """An Our World in Data grapher extract: ``key`` and ``Year`` columns, the value in the last column."""
    owid = pd.read_csv(path, **EXACT_CSV)
    require_columns(owid, (key, "Year"), path)
    return owid.rename(columns={owid.columns[-1]: "value"})


def patents(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """06: resident patent applications per million people, latest year per country."""
    owid = _read_owid(path, "Code")
    return country_values(cities, latest_by_key(owid, "Code", "Year", "value"), "06", decimals=2,
                          unit="resident patent applications per million people",
                          source="WIPO via World Bank WDI IP.PAT.RESD / OWID", licence="CC BY 4.0")


def international_students(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """12: inbound mobility rate, latest year per country (the series ends in 2014)."""
    owid = _read_owid(path, "Country")
    owid["iso3"] = owid["Country"].str.strip().map(iso3_by_name(cities, _OWID_ENTITY_ALIASES))
    latest = latest_by_key(owid.dropna(subset=["iso3"]), "iso3", "Year", "value")
    return country_values(cities, latest, "12", decimals=2,
                          unit="% of tertiary students who are international (inbound mobility rate)",
                          source="UNESCO UIS via World Bank/OWID (stale, ends 2014)",
                          licence="CC BY 4.0 (OWID) / CC BY-SA 3.0 IGO (UIS)")


def travel_freedom(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """13: destinations reachable visa-free, with visa on arrival or with an eTA (January 2025)."""
    tidy = read_text_csv(path)
    require_columns(tidy, ("Passport", "Destination", "Requirement"), path)
    requirement = tidy["Requirement"].str.strip().str.lower()
    # A number is the visa-free stay in days; -1 marks the passport's own country.
    easy = requirement.str.fullmatch(r"\d+") | requirement.isin(["visa free", "visa on arrival", "eta"])
    counts = easy.groupby(tidy["Passport"]).sum()
    by_iso3 = pd.DataFrame({"value": counts.astype(float), "year": "2025-01"})
    return country_values(cities, by_iso3, "13", decimals=0,
                          unit="destinations visa-free/VoA/eTA for this passport (of 198)",
                          source="Passport Index dataset (github.com/ilyankou/passport-index-dataset @a46dbc8)",
                          licence="MIT (dataset); underlying Passport Index by Arton Capital")


_WHO_PM25 = "WHO (SDG 11.6.2 modelled) via Our World in Data"
_WHO_PM25_LICENCE = "CC BY 4.0 (OWID) / WHO CC BY-NC-SA 3.0 IGO"


def pm25_indicator(path: Path, cities: pd.DataFrame, city_level: pd.DataFrame) -> pd.DataFrame:
    """15: the GHSL urban-centre PM2.5 where it exists, else WHO modelled national PM2.5 (both ug/m3).

    A GHSL row carries the WHO national value as its second value (``alt_value``). A city with neither
    stays missing: Numbeo's pollution index is a 0-100 perception index, another unit.
    """
    owid = _read_owid(path, "Code")
    national = country_values(cities, latest_by_key(owid, "Code", "Year", "value"), "15", decimals=2,
                              unit="ug/m3 annual mean PM2.5 (population-weighted, national)",
                              source=_WHO_PM25, licence=_WHO_PM25_LICENCE)
    alt = national.set_index("city_id")["value"]
    city_level = city_level.assign(alt_value=city_level["city_id"].map(alt))
    has_alt = city_level["alt_value"].notna()
    city_level["alt_source"] = np.where(has_alt, _WHO_PM25 + " (national)", "")
    city_level["alt_licence"] = np.where(has_alt, _WHO_PM25_LICENCE, "")
    national = national[~national["city_id"].isin(city_level["city_id"])]
    return pd.concat([city_level, national], ignore_index=True)


def undp_indices(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """16 and 19: life expectancy and mean years of schooling, 2022 (UNDP HDR 2023/24)."""
    raw = path.read_bytes()
    # The file is Latin-1 but starts with a UTF-8 byte-order mark.
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    undp = pd.read_csv(io.StringIO(text))
    require_columns(undp, ("iso3", "le_2022", "mys_2022"), path)
    undp = undp.set_index("iso3")
    blocks = []
    for indicator_id, column, unit in (("16", "le_2022", "years at birth"),
                                       ("19", "mys_2022", "mean years of schooling, adults 25+")):
        by_iso3 = pd.DataFrame({"value": undp[column], "year": 2022})
        blocks.append(country_values(cities, by_iso3, indicator_id, decimals=3, unit=unit, source=_UNDP,
                                     licence="CC BY 3.0 IGO"))
    return pd.concat(blocks, ignore_index=True)


def physicians(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """20: medical doctors per 10,000 people, latest year unless the series breaks (plausibility.py)."""
    who = pd.read_csv(path, dtype={"IsLatestYear": str})
    require_columns(who, ("IndicatorCode", "SpatialDimValueCode", "Period", "IsLatestYear", "FactValueNumeric"),
                    path)
    series = who[who["IndicatorCode"] == "HWF_0001"]
    by_iso3 = latest_before_break(series, "SpatialDimValueCode", "Period", "FactValueNumeric")
    return country_values(cities, by_iso3, "20", decimals=2, unit="medical doctors per 10,000 population",
                          source="WHO GHO HWF_0001 (export 2022-01-24, via github.com/cghss/IHR-costing)",
                          licence="CC BY-NC-SA 3.0 IGO")

