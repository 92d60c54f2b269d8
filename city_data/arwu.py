"""The ARWU aggregates (indicators 05, 07, 08, 18): ARWU 2025 institutions located by coordinates and
counted for every index city within 70 km (the metro-area rule of :mod:`city_data.metro`).

**Locating an institution.** ``city_data/derived/arwu2025_ror_match.csv`` gives, for each row of the ARWU
transcription (``raw/arwu_2025/arwu2025_institution_city.csv``, whose scores the build reads), the ROR record
(Research Organization Registry, CC0) its name matches (exact name, exact alias, a close fuzzy match or a
listed manual match; ``match_method`` and ``match_note`` say which, and ``city_data/derived/SOURCE.txt``
how). ``city_data/derived/ror_locations.csv`` gives each record's place:
the coordinates of its GeoNames city. An institution without a stored ROR record is located by the GeoNames
place of its main campus, assigned by hand in ``city_data/derived/arwu2025_places.csv`` (one row each, with the
reason); one located by neither is an error. A located institution then counts for every index city whose
centre lies within 70 km of it, like an airport or a headquarters: the Weizmann Institute
(Rehovot) for Tel Aviv, Potsdam for Berlin, Mainz and Darmstadt for Frankfurt, Yokohama for Tokyo.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from city_data.metro import METRO_RADIUS_KM, assign_points, counted_per_city
from city_data.sources import (check_raw_files, to_number, prepare_cities, read_text_csv, require_columns,
                               resolve_sources, panel_rows)
from indicators.errors import DataValidationError

__all__ = ["LOCATED_BY_ROR", "LOCATED_BY_PLACE", "campus_places", "institution_placements", "arwu_institutions",
           "arwu_indicators", "arwu_report",
           "matched_transcription"]

_ARWU = ("ShanghaiRanking ARWU 2025 (transcription github.com/Joe-Chan-iStudio-Ltd/researchplymouth "
         "arwu/README.md); institutions located with ROR records (github.com/ror-community/ror-records @d93fc66; "
         "city_data/derived/arwu2025_ror_match.csv; the others by the GeoNames place of their main campus, "
         "city_data/derived/arwu2025_places.csv) and counted for every index city within 70 km")

_ARWU_LICENCE = ("ShanghaiRanking terms (not open); transcription repo MIT; ROR locations CC0 1.0; "
                 "GeoNames places CC BY 4.0")

_ARWU_ZERO = "zero: no ARWU top-1000 institution within 70 km"

#: How an institution was located (``located_by`` of :func:`arwu_institutions`).
LOCATED_BY_ROR = "ROR record (GeoNames place)"
LOCATED_BY_PLACE = "GeoNames place of the main campus (city_data/derived/arwu2025_places.csv)"


def matched_transcription(transcription: Path, match: Path) -> pd.DataFrame:
    """The ARWU transcription's rows with the ROR id each matches (``ror_id``, empty where none is stored).

    The match file lists the transcription's institutions in the same order; a row whose name differs (a
    changed transcription) is an error naming both files and the row.
    """
    arwu = read_text_csv(transcription, encoding="utf-8")
    require_columns(arwu, ("institution", "arwu2025_rank", "rank_lower", "hici_score", "pub_score"), transcription)
    matched = read_text_csv(match, encoding="utf-8")
    require_columns(matched, ("institution", "ror_id"), match)
    if len(matched) != len(arwu):
        raise DataValidationError(f"{match}: {len(matched)} rows, but {transcription} has {len(arwu)}: the match "
                                  "must list the transcription's institutions row for row")
    differs = np.flatnonzero(matched["institution"].to_numpy() != arwu["institution"].to_numpy())
    if differs.size:
        row = int(differs[0])
        raise DataValidationError(f"{match}, row {row + 2}: institution {matched['institution'].iloc[row]!r}, but "
                                  f"{transcription} has {arwu['institution'].iloc[row]!r} there")
    return arwu.assign(ror_id=matched["ror_id"])


def campus_places(path: Path, institutions: pd.Series) -> pd.DataFrame:
    """The hand-assigned GeoNames places (``arwu2025_places.csv``), indexed by institution.

    An institution listed twice, one not in the transcription or a place without coordinates is an error
    naming the file and the row.
    """
    places = read_text_csv(path, encoding="utf-8")
    require_columns(places, ("institution", "place", "lat", "lon"), path)
    lat, lon = to_number(places["lat"]), to_number(places["lon"])
    problems = [(places["institution"].duplicated(), "listed twice"),
                (~places["institution"].isin(institutions), "not an institution of the ARWU transcription"),
                (lat.isna() | lon.isna() | ~lat.between(-90, 90) | ~lon.between(-180, 180),
                 "no valid coordinates (lat, lon)")]
    for mask, problem in problems:
        rows = np.flatnonzero(mask.to_numpy())
        if rows.size:
            row = int(rows[0])
            raise DataValidationError(f"{path}, row {row + 2}: institution {places['institution'].iloc[row]!r}: "
                                      f"{problem}")
    return places.assign(lat=lat, lon=lon).set_index("institution")


def institution_placements(paths: dict[str, Path], cities: pd.DataFrame) -> pd.DataFrame:
    """Locate each ARWU institution (its ROR record's place, else its campus place) and assign it to cities."""
    arwu = matched_transcription(paths["arwu"], paths["arwu_ror_match"])
    path = paths["arwu_ror_match"]
    locations = read_text_csv(paths["ror"], encoding="utf-8")
    require_columns(locations, ("ror_id", "name", "city", "lat", "lng"), paths["ror"])
    unknown = sorted(set(arwu["ror_id"]) - set(locations["ror_id"]) - {""})
    if unknown:
        raise DataValidationError(f"{path}: ROR id(s) {', '.join(unknown[:5])} not in {paths['ror']}")
    ror = locations.set_index("ror_id")
    places = campus_places(paths["arwu_places"], arwu["institution"])
    has_ror = arwu["ror_id"] != ""
    unlocated = sorted(set(arwu.loc[~has_ror, "institution"]) - set(places.index))
    if unlocated:
        raise DataValidationError(f"{paths['arwu_places']}: no place for {len(unlocated)} ARWU institution(s) "
                                  f"without a ROR record: {', '.join(map(repr, unlocated[:5]))}; every "
                                  "institution must be located")
    frame = pd.DataFrame({
        "institution": arwu["institution"],
        "arwu2025_rank": arwu["arwu2025_rank"],
        "rank_lower": to_number(arwu["rank_lower"]),
        "hici_score": to_number(arwu["hici_score"]),
        "pub_score": to_number(arwu["pub_score"]),
        "ror_id": arwu["ror_id"],
        "place": np.where(has_ror, arwu["ror_id"].map(ror["city"]), arwu["institution"].map(places["place"])),
        "located_by": np.where(has_ror, LOCATED_BY_ROR, LOCATED_BY_PLACE),
        "lat": np.where(has_ror, arwu["ror_id"].map(to_number(ror["lat"])),
                        arwu["institution"].map(places["lat"])).astype(float),
        "lon": np.where(has_ror, arwu["ror_id"].map(to_number(ror["lng"])),
                        arwu["institution"].map(places["lon"])).astype(float),
    })
    return assign_points(frame, cities)


def arwu_institutions(raw_dir: Path, cities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where the build locates each ARWU 2025 institution (05, 07, 08, 18), and the cities it counts for.

    Parameters
    ----------
    raw_dir : Path
        A sources folder (holding ``cities.csv`` and ``raw/``) or the ``raw/`` folder itself.
    cities : DataFrame, optional
        The index cities institutions are assigned to, as for :func:`city_data.build.build_panel`.

    Returns
    -------
    DataFrame
        One row per row of the ARWU transcription: ``institution, arwu2025_rank, rank_lower, hici_score,
        pub_score, ror_id, place`` (the ROR record's GeoNames city, else the GeoNames place of the main
        campus), ``located_by``, ``lat, lon``, ``city_ids`` (``;``-separated ids of every index
        city within 70 km, nearest first), ``city_id`` (the nearest, None when none) and ``distance_km``.
    """
    sources_dir, raw = resolve_sources(Path(raw_dir))
    paths = check_raw_files(raw)
    return institution_placements(paths, prepare_cities(cities, sources_dir))


def arwu_indicators(placements: pd.DataFrame, cities: pd.DataFrame) -> pd.DataFrame:
    """05, 07, 08, 18: sums over the institutions within 70 km of each city (metro-area rule)."""
    # an institution counts for every index city within the radius (metro-area rule)
    counted = counted_per_city(placements)
    grouped = counted.groupby("city_id")
    # ARWU scores are 100·sqrt(x / x_max): squaring recovers x in multiples of the top institution.
    papers = grouped["pub_score"].apply(lambda s: ((s / 100) ** 2).sum())
    cited = grouped["hici_score"].apply(lambda s: ((s / 100) ** 2).sum())
    institutions = grouped.size()
    top500 = grouped["rank_lower"].apply(lambda s: int((s <= 500).sum()))
    # The transcription lists some institutions twice (MAPPING_NOTE.txt); both rows are kept, as the
    # source has them, and the city's note says so.
    repeated = counted[counted.duplicated(["city_id", "institution"], keep=False)]
    duplicate_notes = {
        city_id: "; ".join(f"{name!r} is listed {len(rows)} times in the ARWU transcription "
                           f"(ranks {', '.join(rows['arwu2025_rank'].astype(str))}) and counted each time"
                           for name, rows in group.groupby("institution"))
        for city_id, group in repeated.groupby("city_id")}
    by_place = counted[counted["located_by"] == LOCATED_BY_PLACE].groupby("city_id").size()

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
            if city_id in institutions.index:
                parts.append(f"{institutions[city_id]} institutions within {METRO_RADIUS_KM:g} km")
                if city_id in by_place.index:
                    parts.append(f"{by_place[city_id]} of them without a stored ROR record, located by the "
                                 "GeoNames place of the main campus")
            else:
                parts.append(_ARWU_ZERO)
            if city_id in duplicate_notes:
                parts.append(duplicate_notes[city_id])
            notes.append("; ".join(parts))
        blocks.append(panel_rows(ids, indicator_id, values, unit=unit, year=year, level="city", source=_ARWU,
                                 licence=_ARWU_LICENCE, note=notes, decimals=decimals))
    return pd.concat(blocks, ignore_index=True)


def arwu_report(placements: pd.DataFrame) -> str:
    """Text summary of :func:`arwu_institutions`: how the institutions were located and counted."""
    by_method = placements["located_by"].value_counts()
    counted = placements["city_ids"] != ""
    several = placements["city_ids"].str.contains(";")
    return (f"ARWU: {len(placements)} institutions; "
            + ", ".join(f"{int(n)} {method}" for method, n in by_method.items())
            + f"; {int(counted.sum())} within 70 km of an index city, {int(several.sum())} of them of several")
