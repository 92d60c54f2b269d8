"""The ARWU aggregates (indicators 05, 07, 08, 18): ARWU 2025 institutions summed per index city."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from city_data.sources import _require_columns, _rows

_ARWU = ("ShanghaiRanking ARWU 2025 (transcription github.com/Joe-Chan-iStudio-Ltd/researchplymouth "
         "arwu/README.md) + institution->city map (raw/arwu_2025/arwu2025_institution_city.csv)")

_ARWU_LICENCE = "ShanghaiRanking terms (not open); transcription repo MIT"


_ARWU_ZERO = "zero: no ARWU top-1000 institution mapped to this city"


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
            ("05", papers, "sum over ARWU-1000 institutions of (PUB score/100)^2 (~ papers in multiples of top institution)",
             "2025 (papers 2024)", 3, True),
            ("07", cited, "sum of (HiCi score/100)^2 (~ Clarivate highly cited researchers in multiples of top institution)",
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
