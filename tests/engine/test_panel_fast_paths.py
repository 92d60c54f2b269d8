"""The quick ways of reading the packaged panel give what the plain formulations give.

The packaged panel's values reach the validator as numbers (not as text to parse back), each licence is
judged once, and the share of city-level values is counted with numpy: each is compared here with the
straightforward formulation it replaces.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import city_data
from city_data import _open_licences, is_open_licence
from indexlib.panel import Panel, _embedded_panel, city_level_share, embedded_file, embedded_source, panel_from_frame
from indicators import load_framework

LICENCES = st.one_of(st.none(), st.just(math.nan),
                     st.sampled_from(["CC BY 4.0 (WDI)", "CC BY-NC-SA 3.0 IGO", "ODbL 1.0", "", "Numbeo terms of use",
                                      "MIT", "CC0"]),
                     st.text(max_size=12))


@settings(max_examples=100, deadline=None)
@given(st.lists(LICENCES, max_size=30))
def test_licences_judged_once_each_are_judged_as_one_at_a_time(licences):
    cells = pd.Series(licences, dtype=object, index=range(3, 3 + len(licences)), name="licence")
    pd.testing.assert_series_equal(_open_licences(cells), cells.map(is_open_licence).astype(bool))


def test_the_packaged_values_as_numbers_give_the_panel_of_the_values_as_text():
    year = city_data.EDITION
    long = city_data.load_panel(year)
    as_text = panel_from_frame(long.astype({"value": object}).fillna({"value": ""}), load_framework("gctsi-2025"),
                               source=embedded_source(year), mixed_units="note",
                               sha256=city_data.file_sha256(embedded_file(year)))
    packaged = _embedded_panel(year)
    pd.testing.assert_frame_equal(packaged.values, as_text.values)
    assert np.array_equal(np.signbit(packaged.values.to_numpy()), np.signbit(as_text.values.to_numpy()))
    pd.testing.assert_frame_equal(packaged.provenance, as_text.provenance)
    assert packaged.notes == as_text.notes


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d", None]), st.sampled_from(["city", "country", None]),
                          st.booleans()), max_size=30))
def test_city_level_share_is_the_mean_over_present_values(rows):
    provenance = pd.DataFrame({"city_id": pd.Series([r[0] for r in rows], dtype=str),
                               "level": pd.Series([r[1] for r in rows], dtype=str),
                               "has_value": np.array([r[2] for r in rows], dtype=bool)})
    values = pd.DataFrame({"01": [1.0, 2.0, 3.0, 4.0, 5.0]},
                          index=pd.Index(["d", "a", "b", "c", "e"], dtype=str, name="city_id"))
    panel = Panel(values, pd.DataFrame(index=values.index), provenance, "test", "0" * 64)
    present = provenance[provenance["has_value"]]
    expected = ((present["level"].astype(str) == "city").groupby(present["city_id"]).mean()
                .reindex(values.index).rename("city_level_share"))
    pd.testing.assert_series_equal(city_level_share(panel), expected)
