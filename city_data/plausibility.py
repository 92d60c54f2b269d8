"""Rules the panel build applies to every value: age, series breaks, plausibility bounds, one unit.

* **Age.** The age of a value is ``EDITION`` minus its year. A value more than
  :data:`STALE_AFTER_YEARS` old is kept and flagged ``stale``; one more than
  :data:`EXCLUDED_AFTER_YEARS` old no longer describes the edition's cities and is excluded (set missing,
  its source value kept in the note).
* **Series breaks.** In a national time series, a change of more than :data:`SERIES_BREAK_CHANGE`
  (relative) between the two latest reported values is a change of definition, not of the quantity:
  physician densities do not rise by 25 % in one reporting step. The last value before the break is
  used and flagged ``series_break`` (see :func:`latest_before_break`).
* **Bounds.** A value outside its indicator's framework bounds, or a fractional count, is excluded with
  a note (:func:`indicators.bounds.out_of_bounds`; a user panel holding one is refused instead).
* **Units.** Every row of an indicator is in the framework's unit: its ``unit`` starts with the
  framework indicator's ``unit`` (what follows qualifies the source); anything else is an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from city_data.edition import EDITION
from indicators.bounds import out_of_bounds, wrong_units
from indicators.errors import DataValidationError
from indicators.schema import Framework

__all__ = ["STALE_AFTER_YEARS", "EXCLUDED_AFTER_YEARS", "SERIES_BREAK_CHANGE",
           "latest_before_break", "add_flag", "apply_value_rules", "check_units"]

#: A value older than this many years is flagged ``stale``.
STALE_AFTER_YEARS = 10
#: A value older than this many years is excluded.
EXCLUDED_AFTER_YEARS = 20
#: Relative change between the two latest values of a national series taken as a break of definition.
SERIES_BREAK_CHANGE = 0.25


def latest_before_break(frame: pd.DataFrame, key: str, year: str, value: str) -> pd.DataFrame:
    """Latest value per key, or the one before a series break.

    Parameters
    ----------
    frame : DataFrame
        Long series: one row per ``key`` and ``year`` (later duplicates of a year are dropped).
    key, year, value : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``key``; columns ``value``, ``year`` (int) and ``note`` (``""`` or the break found).
        When the latest value ``x_t`` and the one before, ``x_s``, satisfy
        ``|x_t / x_s - 1| > SERIES_BREAK_CHANGE``, ``x_s`` (year ``s``) is returned.

    Examples
    --------
    >>> series = pd.DataFrame({"c": ["SWE", "SWE", "FRA", "FRA"], "y": [2018, 2019, 2018, 2019],
    ...                        "v": [44.06, 70.92, 32.4, 32.74]})
    >>> latest_before_break(series, "c", "y", "v")[["value", "year"]]
         value  year
    c
    FRA  32.74  2019
    SWE  44.06  2018
    """
    present = frame[frame[value].notna()].sort_values([key, year]).drop_duplicates([key, year], keep="last")
    last = present.groupby(key).tail(1).set_index(key)
    before = present.groupby(key).nth(-2).set_index(key).reindex(last.index)
    change = last[value] / before[value] - 1
    broken = (change.abs() > SERIES_BREAK_CHANGE).fillna(False)
    result = pd.DataFrame({"value": last[value].where(~broken, before[value]),
                           "year": last[year].where(~broken, before[year]).astype(int), "note": ""})
    result.loc[broken, "note"] = [
        f"series break: the latest value {v:g} ({int(y)}) differs by {c:+.0%} from {b:g} ({int(s)}), more than "
        f"{SERIES_BREAK_CHANGE:.0%}; the value before the break is used"
        for v, y, c, b, s in zip(last.loc[broken, value], last.loc[broken, year], change[broken],
                                 before.loc[broken, value], before.loc[broken, year])]
    return result


def add_flag(flags: pd.Series, mask: np.ndarray, flag: str) -> pd.Series:
    """``flags`` with ``flag`` appended (``;``-separated) where ``mask`` holds."""
    mask = np.asarray(mask, dtype=bool)
    current = flags.astype(str)
    joined = np.where(current == "", flag, current + ";" + flag)
    return pd.Series(np.where(mask, joined, current), index=flags.index)


def _year_of(text: pd.Series) -> pd.Series:
    """The first four-digit year of each ``year`` cell (``"~2022"`` → 2022, ``"2024-08"`` → 2024)."""
    return pd.to_numeric(text.astype(str).str.extract(r"(\d{4})")[0], errors="coerce")


def apply_value_rules(panel: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Flag stale values; exclude too old and out-of-bounds values, keeping the source value in the note.

    Parameters
    ----------
    panel : DataFrame
        Long panel with ``indicator_id, value, year, note, flag`` (and the other provenance columns).
    framework : Framework
        Gives the bounds.

    Returns
    -------
    DataFrame
        A copy; an excluded row has ``value`` NaN and a note starting ``"excluded:"``.
    """
    panel = panel.copy()
    present = panel["value"].notna().to_numpy()
    age = (EDITION - _year_of(panel["year"])).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        too_old = present & (age > EXCLUDED_AFTER_YEARS)
        stale = present & (age > STALE_AFTER_YEARS) & ~too_old
    panel["flag"] = add_flag(panel["flag"], stale, "stale")
    reasons = {int(i): f"value from {panel['year'].iloc[i]} is more than {EXCLUDED_AFTER_YEARS} years older than "
                       f"the {EDITION} edition" for i in np.flatnonzero(too_old)}
    bounds = out_of_bounds(framework, panel["indicator_id"].to_numpy(), panel["value"].to_numpy(dtype=float))
    for position, reason in bounds.items():
        reasons.setdefault(position, f"value is {reason}")
    if reasons:
        positions = np.array(sorted(reasons))
        notes = [f"excluded: {reasons[i]}; the source ({panel['source'].iloc[i]}, {panel['year'].iloc[i]}) gives "
                 f"{panel['value'].iloc[i]:g}" + (f"; {panel['note'].iloc[i]}" if panel['note'].iloc[i] else "")
                 for i in positions]
        panel.iloc[positions, panel.columns.get_loc("note")] = notes
        panel.iloc[positions, panel.columns.get_loc("value")] = np.nan
    return panel


def check_units(panel: pd.DataFrame, framework: Framework) -> None:
    """Raise :class:`~indicators.errors.DataValidationError` naming the first rows whose unit is not the
    framework indicator's unit."""
    wrong = panel["value"].notna() & wrong_units(framework, panel["indicator_id"].tolist(), panel["unit"].tolist())
    if wrong.any():
        shown = panel.loc[wrong, ["city_id", "indicator_id", "unit"]].head(5).to_dict("records")
        raise DataValidationError(f"{int(wrong.sum())} row(s) are not in their indicator's framework unit: {shown}")
