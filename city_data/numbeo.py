"""Numbeo city values (indicators 14, 17, 21, 22, 23, 24), matched by city name and country."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from city_data.sources import require_columns, panel_rows

__all__ = ["numbeo_indicators"]


_NUMBEO_SCRAPE = "Numbeo (scrape 2022-05, github.com/denis-k2/numbeo data/numbeo_main_table.csv @3507901)"

_NUMBEO_PRICES = ('Numbeo prices via Kaggle "Global Cost of Living" (mvieira101), '
                  "copy github.com/Rikysakke/cost-of-living @5137a16")

_NUMBEO_LICENCE = "Numbeo terms of use (not open; attribution, no bulk redistribution)"


# Names under which Numbeo spells a city or country differently from cities.csv.
_NUMBEO_CITY_ALIASES = {"sao-paulo": "Sao Paulo", "tel-aviv": "Tel Aviv-Yafo", "macau": "Macao"}

_NUMBEO_PRICES_COUNTRY_ALIASES = {"Czechia": "Czech Republic", "The Netherlands": "Netherlands"}


def _numbeo_by_city(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """Numbeo 2022 rankings table, one row per index city found (index city_id)."""
    numbeo = pd.read_csv(path)
    require_columns(numbeo, ("city", "country_code", "climate", "cost_of_living", "traffic_commute_time",
                              "safety", "property_price_to_income_ratio", "pollution"), path)
    keys = cities[["city_id", "iso3"]].assign(city=cities["city_id"].map(_NUMBEO_CITY_ALIASES)
                                              .fillna(cities["name_en"]))
    matched = keys.merge(numbeo.drop(columns=["city_id"], errors="ignore"),
                         left_on=["city", "iso3"], right_on=["city", "country_code"], how="inner")
    return matched.drop_duplicates("city_id").set_index("city_id")


def _numbeo_prices_by_city(path: Path, cities: pd.DataFrame) -> pd.DataFrame:
    """Numbeo item prices (Kaggle "Global Cost of Living"), one row per index city found."""
    prices = pd.read_csv(path)
    require_columns(prices, ("city", "country", "x52", "x53", "x54", "data_quality"), path)
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


def numbeo_indicators(paths: dict[str, Path], cities: pd.DataFrame) -> pd.DataFrame:
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
        blocks.append(panel_rows(present.index, indicator_id, present, unit=unit, year="2022", level="city",
                                 source=_NUMBEO_SCRAPE, licence=_NUMBEO_LICENCE, decimals=2))

    quality = prices["data_quality"].astype("Int64").astype(str)
    salary = prices["x54"].dropna()
    blocks.append(panel_rows(salary.index, "17", salary, unit="USD per month (average net salary after tax)",
                             year="~2022", level="city", source=_NUMBEO_PRICES, licence=_NUMBEO_LICENCE,
                             note=("Numbeo item x54; data_quality=" + quality[salary.index]).tolist(), decimals=2))

    # 21 where the rankings table has no ratio: price of a 90 m² flat (mean of the centre and outside
    # prices per m²) over 1.5 × the annual net salary (README of the sources).
    derived = (prices["x52"] + prices["x53"]) / 2 * 90 / (1.5 * 12 * prices["x54"])
    derived = derived.dropna()
    derived = derived[~derived.index.isin(ranking["property_price_to_income_ratio"].dropna().index)]
    blocks.append(panel_rows(derived.index, "21", derived,
                             unit="Numbeo property price-to-income ratio (years), derived: 90m2 x mean centre/outside "
                             "price per m2 / (1.5 x annual net salary)",
                        year="~2022", level="city", source=_NUMBEO_PRICES, licence=_NUMBEO_LICENCE,
                        note=("derived from Numbeo item prices x52,x53,x54; data_quality="
                              + quality[derived.index]).tolist(), decimals=2))

    return pd.concat(blocks, ignore_index=True)

