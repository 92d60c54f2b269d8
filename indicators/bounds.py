"""Plausibility bounds and units of indicator values: checks shared by the panel reader and the panel build.

An indicator may carry ``bounds = [low, high]`` (in its unit; ``inf`` allowed) and ``integer = true``
(a count). A value below ``low``, above ``high`` or, for a count, not a whole number is implausible.
A user panel holding one is refused (:func:`bound_problems` and, for a wide panel's column,
:func:`column_bound_problems`, called by :mod:`indexlib.panel`); the
packaged panel excludes it with a recorded note when it is built (:func:`out_of_bounds`, called by
:mod:`city_data.build`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np

from indicators.schema import Framework, Indicator

__all__ = ["out_of_bounds", "column_out_of_bounds", "bound_problems", "column_bound_problems", "wrong_units",
           "unit_problems"]


def _describe(low: float, high: float) -> str:
    return f"[{low:g}, {high:g}]"


def out_of_bounds(framework: Framework, indicator_ids: Sequence[str], values: np.ndarray) -> dict[int, str]:
    """Positions of implausible values and why.

    Parameters
    ----------
    framework : Framework
        Gives each indicator's ``bounds`` and ``integer`` setting.
    indicator_ids : sequence of str
        Indicator of each value (ids the framework does not know are not checked).
    values : ndarray
        The values; NaN (missing) is never out of bounds.

    Returns
    -------
    dict
        ``{position: reason}``, e.g. ``{4: "outside the bounds [40, 95] of indicator '16' (years at birth)"}``,
        in position order.
    """
    ids = np.asarray(indicator_ids, dtype=object)
    values = np.asarray(values, dtype=float)
    found: dict[int, str] = {}
    given = set(ids.tolist())  # a wide panel checks one indicator per call: skip the others' comparisons
    for indicator in framework.indicators:
        if (indicator.bounds is None and not indicator.integer) or indicator.id not in given:
            continue
        here = np.flatnonzero(ids == indicator.id)
        found.update((int(here[k]), reason) for k, reason in _reasons(indicator, values[here]).items())
    return dict(sorted(found.items()))


def column_out_of_bounds(framework: Framework, indicator_id: str, values: np.ndarray) -> dict[int, str]:
    """:func:`out_of_bounds` of values of one indicator (a column of a wide panel), without an id per value.

    Equal to ``out_of_bounds(framework, [indicator_id] * len(values), values)``.
    """
    if not framework.is_indicator(indicator_id):  # not in the framework: not checked
        return {}
    return _reasons(cast(Indicator, framework.element(indicator_id)), np.asarray(values, dtype=float))


def _reasons(indicator: Indicator, values: np.ndarray) -> dict[int, str]:
    """``{position: reason}`` of the implausible ``values`` of ``indicator``, in position order; a value both
    outside the bounds and fractional is reported as outside."""
    present = ~np.isnan(values)
    unit = f" ({indicator.unit})" if indicator.unit else ""
    found: dict[int, str] = {}
    if indicator.bounds is not None:
        low, high = indicator.bounds
        reason = f"outside the bounds {_describe(low, high)} of indicator {indicator.id!r}{unit}"
        found.update((position, reason) for position in np.flatnonzero(present & ((values < low) | (values > high)))
                     .tolist())
    if indicator.integer:
        with np.errstate(invalid="ignore"):
            fractional = present & np.isfinite(values) & (values != np.round(values))
        reason = f"not a whole number, but indicator {indicator.id!r}{unit} is a count"
        for position in np.flatnonzero(fractional).tolist():
            found.setdefault(position, reason)
    return dict(sorted(found.items()))


def bound_problems(framework: Framework, indicator_ids: Sequence[str], values: np.ndarray,
                   where: Callable[[int], str]) -> list[str]:
    """Messages for implausible values of a user panel; ``where(i)`` locates value ``i``.

    Examples
    --------
    >>> from indicators import load_framework
    >>> bound_problems(load_framework("gctsi-2025"), ["16"], [120.0], lambda i: f"row {i + 2}")
    ["row 2: value 120 is outside the bounds [40, 95] of indicator '16' (years at birth); expected a value within them
    or an empty cell"]
    """
    values = np.asarray(values, dtype=float)
    return _messages(out_of_bounds(framework, indicator_ids, values), values, where)


def column_bound_problems(framework: Framework, indicator_id: str, values: np.ndarray,
                          where: Callable[[int], str]) -> list[str]:
    """:func:`bound_problems` of values of one indicator (a column of a wide panel), without an id per value."""
    values = np.asarray(values, dtype=float)
    return _messages(column_out_of_bounds(framework, indicator_id, values), values, where)


def _messages(found: dict[int, str], values: np.ndarray, where: Callable[[int], str]) -> list[str]:
    return [f"{where(i)}: value {values[i]:g} is {reason}; expected a value within them or an empty cell"
            if reason.startswith("outside") else
            f"{where(i)}: value {values[i]:g} is {reason}; expected a whole number or an empty cell"
            for i, reason in found.items()]


def wrong_units(framework: Framework, indicator_ids: Sequence[str], units: Sequence[object]) -> np.ndarray:
    """Which rows state a unit other than their indicator's.

    A row's unit agrees when it starts with the framework indicator's ``unit`` (what follows qualifies
    the source, e.g. ``"ug/m3 annual mean PM2.5 (national)"``). An empty unit, or an indicator without a
    unit in the framework, is not checked.

    Returns
    -------
    ndarray of bool
    """
    expected = {i.id: i.unit for i in framework.indicators}
    return np.array([bool(str(u or "").strip()) and bool(expected.get(i)) and not str(u).strip().startswith(expected[i])
                     for i, u in zip(indicator_ids, units)], dtype=bool)


def unit_problems(framework: Framework, indicator_ids: Sequence[str], units: Sequence[object],
                  where: Callable[[int], str]) -> list[str]:
    """Messages for rows of a user panel in another unit than their indicator's; ``where(i)`` locates row ``i``."""
    units = list(units)
    unit_of = {i.id: i.unit for i in framework.indicators}
    return [f"{where(i)}: unit {str(units[i]).strip()!r} is not the indicator's unit "
            f"{unit_of[indicator_ids[i]]!r}; expected values in that unit (convert them) or no unit"
            for i in np.flatnonzero(wrong_units(framework, indicator_ids, units)).tolist()]
