"""Reading the raw source folder, and the panel-row blocks every source reader returns.

The folder is laid out like ``shared/data_sources``: a ``cities.csv`` and a ``raw/`` folder holding one
sub-folder per source extract (:data:`RAW_FILES`). Every cell is read as text and parsed with
:func:`indicators._numbers.to_floats`, so that ``NA`` or ``None`` are never taken for missing by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from city_data import ghsl
from indicators._numbers import to_floats
from indicators.errors import DataValidationError, MissingInputError

__all__ = ["RAW_FILES", "DERIVED_DIR", "DERIVED_FILES", "resolve_sources", "check_raw_files", "require_columns",
           "read_text_csv", "to_number",
           "build_cities", "prepare_cities", "panel_rows", "country_values", "latest_by_key", "iso3_by_name"]

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

#: Data this project derived for the build (city_data/derived, installed with the package; SOURCE.txt there):
#: the ROR record each ARWU institution matches, row for row with the transcription, those records' places, and
#: the GeoNames place of the main campus of each institution without a stored ROR record.
DERIVED_DIR = Path(__file__).parent / "derived"
DERIVED_FILES = {
    "arwu_ror_match": "arwu2025_ror_match.csv",
    "ror": "ror_locations.csv",
    "arwu_places": "arwu2025_places.csv",
}


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------

def resolve_sources(sources_dir: Path) -> tuple[Path, Path]:
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


def check_raw_files(raw: Path) -> dict[str, Path]:
    """The paths of every input of the build: :data:`RAW_FILES` below ``raw``, :data:`DERIVED_FILES` in
    :data:`DERIVED_DIR`; a missing one is a :class:`~indicators.errors.MissingInputError` listing them all."""
    paths = {key: raw / relative for key, relative in RAW_FILES.items()}
    paths.update({key: DERIVED_DIR / name for key, name in DERIVED_FILES.items()})
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise MissingInputError(f"expected source file(s) not found: {', '.join(missing)}")
    return paths


def require_columns(frame: pd.DataFrame, columns: Sequence[str], path: Path | str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataValidationError(f"{path}: missing column(s) {', '.join(missing)}")


def read_text_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV keeping every cell as text ('' for empty), so that 'NA' or 'None' stay text."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)


def to_number(series: pd.Series) -> pd.Series:
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
    frame = read_text_csv(path, encoding="utf-8")
    require_columns(frame, ("id", "name_en", "name_zh", "iso2", "iso3", "country", "continent", "lat",
                             "lon", "population"), path)
    frame = frame.rename(columns={"id": "city_id"})
    frame = frame[["city_id", "name_en", "name_zh", "iso2", "iso3", "country", "continent", "lat", "lon",
                   "population"]].copy()
    frame["lat"] = to_number(frame["lat"])
    frame["lon"] = to_number(frame["lon"])
    frame["population"] = to_number(frame["population"]).astype("int64")
    return frame


def prepare_cities(cities: pd.DataFrame | None, sources_dir: Path) -> pd.DataFrame:
    if cities is None:
        if (sources_dir / "cities.csv").is_file():
            cities = build_cities(sources_dir)
        else:
            # A bare raw/ folder: the packaged city table is the same 125 cities.
            from city_data import cities as packaged_cities
            cities = packaged_cities()
    cities = cities.rename(columns={"id": "city_id"}).reset_index(drop=True)
    require_columns(cities, ("city_id", "name_en", "iso2", "iso3", "country", "lat", "lon"), "cities")
    cities = cities.copy()
    cities["lat"] = to_floats(cities["lat"])
    cities["lon"] = to_floats(cities["lon"])
    return cities


# --------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------

def panel_rows(city_ids: Iterable[str], indicator_id: str, values: Any, *, unit: str, year: object, level: str,
               source: str, licence: str, note: object = "", flag: object = "",
               decimals: int | None = None) -> pd.DataFrame:
    """A block of panel rows for one indicator (scalars are broadcast)."""
    frame = pd.DataFrame({"city_id": list(city_ids)})
    frame["indicator_id"] = indicator_id
    values = pd.Series(np.asarray(values, dtype=float), index=frame.index)
    frame["value"] = values.round(decimals) if decimals is not None else values
    for column, content in (("unit", unit), ("year", year), ("level", level), ("source", source),
                            ("licence", licence), ("note", note), ("flag", flag)):
        frame[column] = list(content) if isinstance(content, (list, tuple, np.ndarray, pd.Series)) else content
    return frame


def country_values(cities: pd.DataFrame, by_iso3: pd.DataFrame, indicator_id: str, *, decimals: int,
                   note: object = "", **provenance: Any) -> pd.DataFrame:
    """Copy country values (index iso3; columns value, year) to every city of the country that has one."""
    joined = cities[["city_id", "iso3"]].merge(by_iso3, left_on="iso3", right_index=True, how="inner")
    joined = joined[joined["value"].notna()]
    flag = ""
    if "note" in joined.columns:  # per-country notes (a series break) replace the block's note
        note = joined["note"].tolist()
        flag = np.where(joined["note"] != "", "series_break", "").tolist()
    return panel_rows(joined["city_id"], indicator_id, joined["value"], year=joined["year"].astype(str).tolist(),
                      level="country", note=note, flag=flag, decimals=decimals, **provenance)


def latest_by_key(frame: pd.DataFrame, key: str, year: str, value: str) -> pd.DataFrame:
    """Latest year with a value per key: index key, columns value and year (int)."""
    present = frame[frame[value].notna()].sort_values([key, year])
    latest = present.groupby(key).tail(1).set_index(key)
    return pd.DataFrame({"value": latest[value], "year": latest[year].astype(int)})


def iso3_by_name(cities: pd.DataFrame, aliases: dict[str, str]) -> dict[str, str]:
    names = dict(zip(cities["country"], cities["iso3"]))
    names.update(aliases)
    return names
