r"""Denomination: indicators divided by a size variable of each city (per capita, per unit of GDP…).

A framework may name, per indicator, a panel column to divide it by (``Indicator.denominator``, COINr's
iMeta ``Denominator``) and a scale factor :math:`s` (COINr's ``ScaleFactor``, default 1). The value a
build uses is

.. math:: x'_{ci} = \frac{x_{ci}}{d_{c,\mathrm{den}(i)} / s_i}

for every city :math:`c`, computed before the coverage screen and imputation (COINr's order:
``Denominate`` follows the data and precedes ``Screen`` and ``Impute``). A denominator must be a
positive number: zero, a negative value or text that is not a number is an error naming the city, the
indicator and the column. A city without a denominator value (empty cell) has no denominated value:
its cells of the indicators divided by it become missing (imputed or not, as the methodology says),
and a note counts them.

Reference: Becker, W. et al. COINr ``Denominate``; OECD/JRC (2008) *Handbook on Constructing Composite
Indicators*, §1.4 (scaling by size).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indexlib.panel import MISSING_MARKERS
from indicators import Framework
from indicators._numbers import to_floats
from indicators.errors import DataValidationError
from indicators.text import plural

__all__ = ["DENOMINATION_COLUMNS", "denominate", "denominator_values"]

#: Columns of the denomination log: one row per denominated indicator.
DENOMINATION_COLUMNS = ["indicator_id", "denominator", "scale", "cities_divided", "cities_without_denominator"]
_MAX_LISTED = 5


def denominator_values(attributes: pd.DataFrame, column: str, *, source: str, indicators: list[str]) -> np.ndarray:
    """The positive numbers of the denominator ``column`` (NaN where a city has no value).

    Raises
    ------
    DataValidationError
        The column is absent, or a value is text that is not a number, or not finite and positive; the
        message names the source, the column, the indicators it divides and the cities.
    """
    divided = ", ".join(map(repr, indicators))
    if column not in attributes.columns:
        raise DataValidationError(f"{source}: no denominator column {column!r}; the framework divides indicator(s) "
                                  f"{divided} by it; expected a column {column!r} with a positive value per city "
                                  "(or methodology denomination = 'none')")
    cells = attributes[column]
    numbers = to_floats(cells)
    text = cells.astype(object).where(cells.notna(), "").astype(str).str.strip().to_numpy()
    unreadable = np.isnan(numbers) & ~np.isin(text, list(MISSING_MARKERS))
    bad = unreadable | (~np.isnan(numbers) & ~(np.isfinite(numbers) & (numbers > 0)))
    if bad.any():
        cities = attributes.index[bad]
        shown = ", ".join(f"city {str(c)!r}: {t!r}" for c, t in zip(cities[:_MAX_LISTED], text[bad][:_MAX_LISTED]))
        more = f" and {len(cities) - _MAX_LISTED} more" if len(cities) > _MAX_LISTED else ""
        raise DataValidationError(f"{source}: denominator {column!r} of indicator(s) {divided} is not a positive "
                                  f"number for {plural(len(cities), 'city')} ({shown}{more}); expected a value > 0")
    return numbers


def denominate(values: pd.DataFrame, framework: Framework, attributes: pd.DataFrame, *, source: str
               ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Divide the indicators of ``values`` that ``framework`` gives a denominator by that column of
    ``attributes`` (cities × columns, indexed like ``values``).

    Returns
    -------
    values : DataFrame
        A new frame; indicators without a denominator are unchanged.
    log : DataFrame
        One row per denominated indicator (:data:`DENOMINATION_COLUMNS`).
    notes : list of str
        Cities whose values became missing for want of a denominator.

    Raises
    ------
    DataValidationError
        See :func:`denominator_values`.
    """
    by_column: dict[str, list[str]] = {}
    denominator_of: dict[str, str] = {}
    scale_of: dict[str, float] = {}
    for indicator in framework.indicators:
        if indicator.denominator is not None and indicator.id in values.columns:
            by_column.setdefault(indicator.denominator, []).append(indicator.id)
            denominator_of[indicator.id] = indicator.denominator
            scale_of[indicator.id] = indicator.denominator_scale
    if not by_column:
        return values, pd.DataFrame(columns=DENOMINATION_COLUMNS), []
    aligned = attributes.reindex(values.index)
    columns = list(by_column)
    denominators = np.column_stack([denominator_values(aligned, c, source=source, indicators=by_column[c])
                                    for c in columns])
    ids = [i for c in columns for i in by_column[c]]
    position = [columns.index(denominator_of[i]) for i in ids]
    scale = np.array([scale_of[i] for i in ids])
    divisor = denominators[:, position] / scale  # (cities, denominated indicators), one division for all
    numerators = values[ids].to_numpy(dtype=float)
    out = values.copy()
    out[ids] = numerators / divisor
    lost = ~np.isnan(numerators) & np.isnan(divisor)
    log = pd.DataFrame({"indicator_id": ids, "denominator": [denominator_of[i] for i in ids],
                        "scale": scale, "cities_divided": (~np.isnan(numerators) & ~lost).sum(axis=0),
                        "cities_without_denominator": lost.sum(axis=0)}, columns=DENOMINATION_COLUMNS)
    notes = []
    for k, column in enumerate(columns):
        rows = np.flatnonzero(np.isnan(denominators[:, k]) & lost[:, [ids.index(i) for i in by_column[column]]]
                              .any(axis=1))
        if rows.size:
            cities = ", ".join(str(c) for c in values.index[rows[:_MAX_LISTED]])
            more = " …" if rows.size > _MAX_LISTED else ""
            notes.append(f"denomination: {plural(rows.size, 'city')} without a value of {column!r} ({cities}{more}): "
                         f"their values of {', '.join(by_column[column])} are treated as missing")
    return out, log, notes
