"""The vectorised bound checks give what a check of one value at a time gives."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import load_framework
from indicators.bounds import bound_problems, column_bound_problems, column_out_of_bounds, out_of_bounds

FW = load_framework("gctsi-2025")
IDS = [*FW.indicator_ids, "unknown"]
VALUES = st.one_of(st.floats(-300, 300, allow_nan=False), st.integers(-5, 200).map(float),
                   st.sampled_from([math.nan, math.inf, -math.inf, 40.0, 95.0, 198.5, 0.5, -0.0]))


def one_at_a_time(indicator_ids, values):
    """The reason of each value, judged alone (the definition of :func:`out_of_bounds`)."""
    found = {}
    for position, (indicator_id, value) in enumerate(zip(indicator_ids, values)):
        if not FW.is_indicator(indicator_id) or math.isnan(value):
            continue
        indicator = FW.element(indicator_id)
        unit = f" ({indicator.unit})" if indicator.unit else ""
        if indicator.bounds is not None and not indicator.bounds[0] <= value <= indicator.bounds[1]:
            low, high = indicator.bounds
            found[position] = f"outside the bounds [{low:g}, {high:g}] of indicator {indicator_id!r}{unit}"
        elif indicator.integer and math.isfinite(value) and value != round(value):
            found[position] = f"not a whole number, but indicator {indicator_id!r}{unit} is a count"
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(IDS), VALUES), max_size=40))
def test_out_of_bounds_judges_each_value_alone(cells):
    ids = [indicator_id for indicator_id, _ in cells]
    values = np.array([value for _, value in cells], dtype=float)
    found = out_of_bounds(FW, ids, values)
    assert found == one_at_a_time(ids, values)
    assert list(found) == sorted(found)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(IDS), st.lists(VALUES, max_size=40))
def test_a_column_is_checked_as_values_with_its_id_each(indicator_id, values):
    values = np.array(values, dtype=float)
    ids = [indicator_id] * len(values)
    assert column_out_of_bounds(FW, indicator_id, values) == out_of_bounds(FW, ids, values)

    def where(i):
        return f"row {i + 2}"

    assert column_bound_problems(FW, indicator_id, values, where) == bound_problems(FW, ids, values, where)


def test_a_value_outside_the_bounds_of_a_count_is_reported_as_outside():
    # indicator '13' is a count within [0, 198]: 198.5 is both fractional and outside
    unit = f"({FW.element('13').unit})"
    assert column_out_of_bounds(FW, "13", np.array([198.5, 3.5, 7.0, np.nan])) == {
        0: f"outside the bounds [0, 198] of indicator '13' {unit}",
        1: f"not a whole number, but indicator '13' {unit} is a count",
    }
