"""City-level values from the GHSL Urban Centre Database R2019A (``raw/ghsl_ucdb2019_via_boeing``).

The extract matches 80 of the 125 index cities to an urban centre (``match_125_cities.csv``). Two of
its attributes enter the panel:

* ``night_light_em`` (NTL_AV, mean night-time light emission 2015, nW/sr/cm², Weiss) → indicator 01;
* ``pm25_concentration`` (E_CPM2_T14, PM2.5 2014, µg/m³, GBD) → indicator 15, where it exists.

**Shared urban centres.** Guangzhou/Shenzhen/Dongguan, Suzhou/Wuxi, Zhuhai/Macau and Osaka/Kyoto each
fall in one urban centre. Both attributes used are *means over the centre's area* (intensive
quantities), so every index city of a shared centre takes the centre's value, and its row is flagged
``shared_urban_centre`` naming the other cities. A total (GDP, population) would have to be split and is
not used.

**Not used.** ``gdp_ppp`` per capita (2015) is output per resident, not per employed person (indicator
02), and is absent for 45 cities (USA, GBR, KOR, …): mixing it with the WDI series would mix two
units. Temperature and precipitation are not the Numbeo climate index (14).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators._numbers import EXACT_CSV
from indicators.errors import DataValidationError, MissingInputError

__all__ = ["GHSL_FILE", "GHSL_SOURCE", "GHSL_LICENCE", "ghsl_matches", "night_lights", "pm25_city"]

#: The match table, relative to the ``raw/`` folder.
GHSL_FILE = "ghsl_ucdb2019_via_boeing/match_125_cities.csv"

GHSL_SOURCE = ("GHSL Urban Centre Database R2019A (Florczyk et al. 2019, EC JRC) via github.com/gboeing/"
               "street-network-models indicators.csv @6bc56bf; index city -> urban centre by "
               "match_125_cities.csv")
GHSL_LICENCE = "CC BY 4.0 (EC JRC GHSL)"

_ABSENT = ("no GHSL urban centre for this city: the extract has no rows for its country (USA, GBR, KOR, ESP, "
           "SWE, CHE, POL, PRT, RUS, TUR, SAU, ARE, QAT, THA, VNM, ZAF, PER, SGP, TWN)")


def ghsl_matches(raw: Path) -> pd.DataFrame:
    """The match table: one row per index city, indexed by ``city_id``.

    Columns used: ``uc_id`` (NaN when unmatched), ``night_light_em``, ``pm25_concentration``, and
    ``shared_with`` (the other index cities in the same urban centre, ``""`` when none).

    Raises
    ------
    MissingInputError, DataValidationError
        If the file is missing or lacks a needed column.
    """
    path = Path(raw) / GHSL_FILE
    if not path.is_file():
        raise MissingInputError(f"expected source file not found: {path}")
    table = pd.read_csv(path, dtype={"city_id": str}, **EXACT_CSV)
    needed = ("city_id", "uc_id", "night_light_em", "pm25_concentration")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise DataValidationError(f"{path}: missing column(s) {', '.join(missing)}")
    table = table.drop_duplicates("city_id").set_index("city_id")
    members = table[table["uc_id"].notna()].groupby("uc_id").groups
    table["shared_with"] = [
        "" if np.isnan(uc) else ", ".join(c for c in members[uc] if c != city)
        for city, uc in zip(table.index, table["uc_id"])]
    return table


def _block(matches: pd.DataFrame, ids: pd.Series, column: str, indicator_id: str, unit: str, year: str,
           decimals: int) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """Rows for the index cities with a value; notes for those without (``{(city, indicator): note}``)."""
    table = matches.reindex(ids)
    present = table[column].notna().to_numpy()
    shared = table["shared_with"].fillna("").to_numpy(dtype=object)
    notes = [f"urban centre {int(uc)}; shared with {other}: each city of a shared centre takes the "
             "centre's mean" if other else f"urban centre {int(uc)}"
             for uc, other in zip(table["uc_id"].to_numpy()[present], shared[present])]
    rows = pd.DataFrame({
        "city_id": ids.to_numpy()[present], "indicator_id": indicator_id,
        "value": table[column].to_numpy(dtype=float)[present].round(decimals),
        "unit": unit, "year": year, "level": "city", "source": GHSL_SOURCE, "licence": GHSL_LICENCE,
        "note": notes, "flag": np.where(shared[present] != "", "shared_urban_centre", ""),
    })
    absent = {(city, indicator_id): _ABSENT if np.isnan(uc) else "the GHSL urban centre has no value"
              for city, uc in zip(ids.to_numpy()[~present], table["uc_id"].to_numpy()[~present])}
    return rows, absent


def night_lights(matches: pd.DataFrame, ids: pd.Series) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """01: mean night-time light emission of the city's urban centre (2015, nW/sr/cm²)."""
    return _block(matches, ids, "night_light_em", "01",
                  "mean night-time light emission of the urban centre (nW/sr/cm2)", "2015", 3)


def pm25_city(matches: pd.DataFrame, ids: pd.Series) -> tuple[pd.DataFrame, dict[tuple[str, str], str]]:
    """15 (city part): mean PM2.5 concentration of the city's urban centre (2014, µg/m³)."""
    return _block(matches, ids, "pm25_concentration", "15",
                  "ug/m3 annual mean PM2.5 (urban centre mean, GBD 2014 via GHSL)", "2014", 2)
