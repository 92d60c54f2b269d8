"""OpenFlights airports and routes: air connectivity (indicator 10) under the metro-area rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from city_data.metro import cities_within
from city_data.sources import to_number, panel_rows
from indicators.errors import DataValidationError

__all__ = ["read_airports", "openflights_iso2", "air_connectivity"]


_OPENFLIGHTS = ("OpenFlights routes.dat (2014 snapshot) + airports.dat (github.com/jpatokal/openflights "
                "@5a03602); each airport counts for every index city within 70 km (metro-area rule)")

_OPENFLIGHTS_COUNTRY_ALIASES = {"Macau": "MO"}



_AIRPORT_COLUMNS = ["airport_id", "name", "city", "country", "iata", "icao", "lat", "lon", "altitude", "timezone",
                    "dst", "tz_database", "type", "data_source"]


def read_airports(path: Path) -> pd.DataFrame:
    """OpenFlights ``airports.dat`` (no header) with named columns and numeric ``lat``/``lon``."""
    airports = pd.read_csv(path, header=None, names=_AIRPORT_COLUMNS, dtype=str, keep_default_na=False)
    if airports.shape[1] != len(_AIRPORT_COLUMNS) or airports["lat"].eq("").all():
        raise DataValidationError(f"{path}: unexpected layout (expected the 14 OpenFlights airport columns)")
    airports["lat"] = to_number(airports["lat"])
    airports["lon"] = to_number(airports["lon"])
    return airports


def openflights_iso2(path: Path) -> dict[str, str]:
    """OpenFlights country name -> ISO2 (``countries.dat``)."""
    countries = pd.read_csv(path, header=None, names=["name", "iso2", "dafif"], dtype=str, keep_default_na=False)
    iso2 = dict(zip(countries["name"], countries["iso2"]))
    iso2.update(_OPENFLIGHTS_COUNTRY_ALIASES)
    return iso2


def air_connectivity(paths: dict[str, Path], cities: pd.DataFrame) -> pd.DataFrame:
    """10: distinct non-stop destinations from the airports within 70 km of the city (metro-area rule)."""
    airports = read_airports(paths["airports"])
    routes = pd.read_csv(paths["routes"], header=None, dtype=str, keep_default_na=False,
                         names=["airline", "airline_id", "origin", "origin_id", "destination", "destination_id",
                                "codeshare", "stops", "equipment"])
    airports["iso2"] = airports["country"].map(openflights_iso2(paths["countries"]))
    coded = airports[(airports["iata"] != "") & (airports["iata"] != "\\N")].copy()
    within, _ = cities_within(coded["lat"], coded["lon"], cities)
    # an airport counts for every index city within the radius (metro-area rule)
    coded = coded.assign(city_id=within).explode("city_id")
    country_of_airport = dict(zip(coded["iata"], coded["iso2"]))

    non_stop = routes[to_number(routes["stops"]) == 0]
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
    return panel_rows(cities["city_id"], "10", values, unit="distinct nonstop destination airports from metro airports",
                      year="2014", level="city", source=_OPENFLIGHTS, licence="ODbL 1.0", note=notes, decimals=0)
