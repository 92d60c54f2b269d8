"""Rebuild the 2025 city panel (125 cities × 24 indicators, with provenance) from the raw source extracts.

Run as ``python -m city_data.build SOURCES_DIR --out FILE``. ``SOURCES_DIR`` is laid out like
``shared/data_sources``: a ``cities.csv`` and a ``raw/`` folder holding one sub-folder per source extract
(each with its ``SOURCE.txt``). The output is the long panel packaged as ``city_data/data/panel_2025.csv``:
one row per city × indicator, including rows with no value.

Every value is computed here from the raw files; nothing is copied from ``coverage.csv``:

* country-level values (02, 04, 06, 12, 13, 15, 16, 19, 20) are read from the World Bank WDI, Ookla, OWID,
  passport-index, UNDP and WHO extracts and copied to every index city of the country
  (:mod:`city_data.national`);
* GHSL urban-centre values (01, and 15 where the city has one) come from :mod:`city_data.ghsl`;
* Numbeo city values (14, 17, 21, 22, 23, 24) are matched by city name and country (:mod:`city_data.numbeo`);
* the ARWU aggregates (05, 07, 08, 18) locate each institution by its ROR record (coordinates), else by the
  GeoNames place of its main campus (``city_data/derived/arwu2025_places.csv``), and sum it for every index
  city within 70 km (the metro-area rule; :mod:`city_data.arwu`);
* the unicorn valuation (09) locates each company's headquarters by its city name with the gazetteers of
  :mod:`city_data.metro` and counts it for every index city within 70 km (the metro-area rule); a
  headquarters no gazetteer locates counts for no city (:mod:`city_data.headquarters`);
* the air connectivity (10) counts, for each index city, the distinct non-stop destinations of the
  OpenFlights airports within 70 km (the same rule; :mod:`city_data.airports`);
* 03 and 11 have no source: their rows carry no value and a note;
* :mod:`city_data.plausibility` then flags stale values and excludes implausible ones.

Reading the folder and the panel-row blocks are in :mod:`city_data.sources`.

Values are rounded to the precision of the published provenance table (for example 3 decimals for
ARWU aggregates and life expectancy), so that a rebuild compares exactly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from city_data import ghsl
from city_data.airports import air_connectivity
from city_data.arwu import arwu_indicators, arwu_report, institution_placements, arwu_institutions
from city_data.headquarters import (index_city_gazetteer, unicorn_placements, unicorn_report, unicorn_indicator,
                                    unicorn_headquarters, unplaced_by_country)
from city_data.metro import METRO_RADIUS_KM
from city_data.national import (broadband, international_students, labour_productivity, patents,
                                physicians, pm25_indicator, travel_freedom, undp_indices)
from city_data.numbeo import numbeo_indicators
from city_data.plausibility import apply_value_rules, check_units
from city_data.sources import (RAW_FILES, check_raw_files, to_number, prepare_cities, read_text_csv,
                               require_columns, resolve_sources, build_cities)
from indicators import load_framework
from indicators.errors import DataValidationError, OutputError

__all__ = [
    "PANEL_COLUMNS",
    "INDICATOR_IDS",
    "RAW_FILES",
    "NO_SOURCE_NOTE",
    "build_panel",
    "build_cities",
    "unicorn_headquarters",
    "arwu_institutions",
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

#: Radius of the metro-area rule (:mod:`city_data.metro`): a headquarters or an airport counts for every
#: index city within it.
ASSIGNMENT_RADIUS_KM = METRO_RADIUS_KM


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
    sources_dir, raw = resolve_sources(Path(raw_dir))
    paths = check_raw_files(raw)
    cities = prepare_cities(cities, sources_dir)

    matches = ghsl.ghsl_matches(raw)
    lights, missing_notes = ghsl.night_lights(matches, cities["city_id"])
    pm25_city, _ = ghsl.pm25_city(matches, cities["city_id"])
    pm25 = pm25_indicator(paths["pm25"], cities, pm25_city)
    missing_notes.update({(city, "15"): "no PM2.5 in ug/m3: no GHSL urban centre and no WHO national value "
                          "(Numbeo's pollution index is a 0-100 perception index, another unit, and is not used)"
                          for city in cities["city_id"] if city not in set(pm25["city_id"])})

    found = pd.concat([
        labour_productivity(paths["wdi"], cities),
        broadband(paths["ookla"], cities),
        arwu_indicators(institution_placements(paths, cities), cities),
        patents(paths["patents"], cities),
        unicorn_indicator(unicorn_placements(paths, index_city_gazetteer(sources_dir), cities), cities),
        air_connectivity(paths, cities),
        international_students(paths["students"], cities),
        travel_freedom(paths["passport"], cities),
        lights,
        pm25,
        undp_indices(paths["undp"], cities),
        physicians(paths["physicians"], cities),
        numbeo_indicators(paths, cities),
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
    coverage = read_text_csv(Path(coverage_path), encoding="utf-8")
    require_columns(coverage, ("city_id", "indicator", "value", "year"), coverage_path)
    coverage = coverage.rename(columns={"indicator": "indicator_id"})
    coverage["indicator_id"] = coverage["indicator_id"].str.zfill(2)
    merged = panel[["city_id", "indicator_id", "value", "year"]].merge(
        coverage[["city_id", "indicator_id", "value", "year"]], on=["city_id", "indicator_id"], how="outer",
        suffixes=("_built", "_coverage"))
    built = merged["value_built"].astype(float)
    other = to_number(merged["value_coverage"])
    both_missing = built.isna() & other.isna()
    close = np.isclose(built, other, rtol=1e-9, atol=0.0)
    return pd.DataFrame({
        "city_id": merged["city_id"], "indicator_id": merged["indicator_id"], "built": built, "coverage": other,
        "built_year": merged["year_built"], "coverage_year": merged["year_coverage"],
        "agree": both_missing | close,
    })


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
        institutions = arwu_institutions(arguments.sources_dir)
        comparison = None
        if arguments.check:
            comparison = compare_with_coverage(panel, Path(arguments.sources_dir) / "coverage.csv")
    except (FileNotFoundError, ValueError, OSError) as error:  # OSError: indexlib.io's OutputError
        print(f"error: {error}", file=sys.stderr)
        return 2
    present = panel["value"].notna()
    print(f"wrote {arguments.out}: {panel['city_id'].nunique()} cities, {len(panel)} rows, "
          f"{int(present.sum())} values ({int((present & (panel['level'] == 'city')).sum())} city-level)")
    print(unicorn_report(placements))
    print(arwu_report(institutions))
    if comparison is not None:
        differing = comparison[~comparison["agree"]]
        print(f"coverage.csv: {int(comparison['agree'].sum())} cells agree, {len(differing)} differ")
        if not differing.empty:
            print(differing.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

