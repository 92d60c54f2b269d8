"""Packaged city data: the 125 index cities, the 2025 panel of 24 indicators with provenance, the published ranking.

All files are read from the installed package (``importlib.resources``), never from the repository, so
the loaders work from a wheel. The panel is rebuilt from the raw source extracts by
:mod:`city_data.build`; ``city_data/DATA_LICENCES.md`` lists the sources, their licences and what
they allow (the data are not MIT-licensed, unlike the code).

Examples
--------
>>> import city_data
>>> city_data.available_years()
[2025]
>>> panel = city_data.load_panel(2025)
>>> panel.shape[0], panel["indicator_id"].iloc[0]
(3000, '01')
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from city_data.edition import EDITION

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import pandas as pd

__all__ = [
    "EDITION",
    "OPEN_LICENCES",
    "is_open_licence",
    "available_years",
    "cities",
    "load_panel",
    "published",
    "published_dimensions",
    "file_sha256",
]

#: Licence families counted as open by ``load_panel(open_only=True)``: Creative Commons Attribution in
#: any version (including the IGO ports) and its ShareAlike variant, CC0, the Open Database Licence and
#: the MIT licence. A licence text that also names a non-commercial (NC) term, "proprietary", "terms of
#: use" or "not open" is not open, whatever else it names: the WHO data (CC BY-NC-SA 3.0 IGO), Numbeo,
#: ShanghaiRanking (ARWU), CB Insights and Ookla are therefore excluded.
OPEN_LICENCES = ("CC BY", "CC BY-SA", "CC0", "ODbL", "MIT")

_OPEN_PATTERN = re.compile(r"\bCC[ -]?BY\b|\bCC0\b|\bODbL\b|\bMIT\b")
# Case matters for "NC" (a substring of "licence"); the other restrictions are matched in any case.
_NON_COMMERCIAL_PATTERN = re.compile(r"\bNC\b|-NC\b")
_CLOSED_PATTERN = re.compile(r"not open|no open|proprietary|terms of use|\bterms\b", re.IGNORECASE)

_TEXT_COLUMNS = ("city_id", "indicator_id", "unit", "year", "level", "source", "licence", "note", "flag",
                 "alt_source", "alt_licence")


def is_open_licence(text: object) -> bool:
    """Whether a licence text grants an open licence (see :data:`OPEN_LICENCES`).

    Parameters
    ----------
    text : str or None
        A licence as written in the panel's ``licence`` column, e.g. ``"CC BY 4.0 (WDI)"``.

    Returns
    -------
    bool
        True for CC BY (any version, IGO included), CC BY-SA, CC0, ODbL or MIT, unless the text also
        names a non-commercial or proprietary restriction; False for empty or missing text.

    Examples
    --------
    >>> is_open_licence("CC BY 3.0 IGO"), is_open_licence("ODbL 1.0")
    (True, True)
    >>> is_open_licence("CC BY-NC-SA 3.0 IGO")
    False
    >>> is_open_licence("ShanghaiRanking terms (not open); transcription repo MIT")
    False
    """
    if not isinstance(text, str) or not text.strip():
        return False
    if _NON_COMMERCIAL_PATTERN.search(text) or _CLOSED_PATTERN.search(text):
        return False
    return bool(_OPEN_PATTERN.search(text))


def _resource(name: str) -> Traversable:
    from importlib.resources import files

    return files("city_data") / "data" / name


def file_sha256(name: str) -> str:
    """SHA-256 of the bytes of a packaged data file, as ``sha256sum city_data/data/<name>`` prints it.

    Parameters
    ----------
    name : str
        File name in ``city_data/data``, e.g. ``"panel_2025.csv"`` or ``"cities.csv"``.

    Returns
    -------
    str
        64 hexadecimal digits.

    Raises
    ------
    MissingInputError
        ``name`` is not the name of a packaged data file.
    """
    import hashlib

    from indicators.errors import MissingInputError

    plain = isinstance(name, str) and name not in {"", ".", ".."} and "/" not in name and "\\" not in name
    if not plain or not _resource(name).is_file():
        raise MissingInputError(f"{name!r} is not a packaged data file of city_data (a file name in city_data/data, "
                                "e.g. 'panel_2025.csv')")
    return hashlib.sha256(_resource(name).read_bytes()).hexdigest()


@cache
def _read(name: str, text_columns: tuple[str, ...]) -> pd.DataFrame:
    import io

    import pandas as pd

    from indicators._numbers import EXACT_CSV

    # Only empty cells are missing: a note or a name reading "NA" stays text.
    frame = pd.read_csv(io.BytesIO(_resource(name).read_bytes()), encoding="utf-8",
                        dtype={column: str for column in text_columns}, keep_default_na=False, na_values=[""],
                        **EXACT_CSV)
    return frame


def _years(prefix: str) -> list[int]:
    import re
    from importlib.resources import files

    pattern = re.compile(rf"{re.escape(prefix)}_(\d{{4}})\.csv")
    found = (pattern.fullmatch(entry.name) for entry in (files("city_data") / "data").iterdir())
    return sorted(int(match.group(1)) for match in found if match)


def _checked_file(prefix: str, year: object) -> str:
    import numpy as np

    from indicators.errors import SpecificationError

    years = _years(prefix)
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or int(year) not in years:
        raise SpecificationError(f"no packaged {prefix.replace('_', ' ')} for year {year!r}; "
                                 f"available years: {', '.join(map(str, years)) or 'none'}")
    return f"{prefix}_{int(year)}.csv"


def available_years() -> list[int]:
    """Years for which a panel is packaged.

    Returns
    -------
    list of int
        Sorted years, e.g. ``[2025]``.
    """
    return _years("panel")


def cities() -> pd.DataFrame:
    """The 125 index cities.

    Returns
    -------
    DataFrame
        Indexed 0..124, columns ``city_id, name_en, name_zh, iso2, iso3, country, continent, lat, lon,
        population`` (GeoNames coordinates and city-proper population).
    """
    text = ("city_id", "name_en", "name_zh", "iso2", "iso3", "country", "continent")
    return _read("cities.csv", text).copy()


def load_panel(year: int = EDITION, *, open_only: bool = False) -> pd.DataFrame:
    """The long panel: one row per city × indicator, with provenance.

    Parameters
    ----------
    year : int, default :data:`EDITION` (2025)
        Edition; see :func:`available_years`.
    open_only : bool, default False
        Keep only values whose licence is open (:func:`is_open_licence`); the other values become NaN
        (rows and their provenance are kept, so the frame keeps its shape).

    Returns
    -------
    DataFrame
        Columns ``city_id, indicator_id`` (text, ``"01"``..``"24"``), ``value`` (float, NaN where no
        source exists), ``unit, year`` (text, e.g. ``"2024-08"`` or ``"~2022"``), ``level`` (``"city"``
        or ``"country"``: a country value is copied to each of its cities), ``source, licence, note``,
        ``flag`` (``;``-separated: ``stale``, ``series_break``, ``shared_urban_centre``; see
        :mod:`city_data.plausibility`),
        a second value for some cells (``alt_value, alt_source, alt_licence``) and ``licence_open``
        (bool).

    Raises
    ------
    SpecificationError
        If no panel is packaged for ``year``; the message names the available years.
    """
    import numpy as np

    frame = _read(_checked_file("panel", year), _TEXT_COLUMNS).copy()
    frame["value"] = frame["value"].astype(float)
    frame["alt_value"] = frame["alt_value"].astype(float)
    frame["licence_open"] = _open_licences(frame["licence"])
    if open_only:
        frame.loc[~frame["licence_open"], "value"] = np.nan
        frame.loc[~_open_licences(frame["alt_licence"]), "alt_value"] = np.nan
    return frame


def _open_licences(licences: pd.Series) -> pd.Series:
    """:func:`is_open_licence` of each cell, judged once per distinct licence (a panel repeats a few dozen)."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(licences.to_numpy(dtype=object))  # a missing licence is code -1
    judged = np.array([is_open_licence(licence) for licence in distinct] + [is_open_licence(None)], dtype=bool)
    return pd.Series(judged[codes], index=licences.index, name=licences.name)


def published(year: int = EDITION) -> pd.DataFrame:
    """The published ranking of the edition.

    Parameters
    ----------
    year : int, default :data:`EDITION` (2025)
        Edition.

    Returns
    -------
    DataFrame
        125 rows: ``rank`` (1..125), ``city_id, city_en, city_zh, country_zh, iso3, continent`` and the
        published ``score`` (50..100).

    Raises
    ------
    SpecificationError
        If no ranking is packaged for ``year``.
    """
    text = ("city_id", "city_en", "city_zh", "country_zh", "iso3", "continent")
    return _read(_checked_file("published", year), text).copy()


def published_dimensions(year: int = EDITION) -> pd.DataFrame:
    """Published facts about the six dimension rankings (top cities and their scores).

    Parameters
    ----------
    year : int, default :data:`EDITION` (2025)
        Edition.

    Returns
    -------
    DataFrame
        Columns ``dimension_id, rank, city_id, score, note``; ``score`` is NaN where the report gives
        the rank only.

    Raises
    ------
    SpecificationError
        If no dimension facts are packaged for ``year``.
    """
    return _read(_checked_file("published_dimensions", year), ("dimension_id", "city_id", "note")).copy()


# Imported to define the module, not part of its API (the package's names are exactly __all__).
del TYPE_CHECKING, cache, re
