"""Fixtures of the publication tests: a small panel whose city names try formula and script injection."""

from __future__ import annotations

import pandas as pd
import pytest

from _support import small_panel

#: City names a spreadsheet or a browser could execute if they were not guarded and escaped.
HOSTILE_NAMES = {"c00": "=HYPERLINK(\"x\",\"y\")", "c01": "+cmd|' /C calc'!A0", "c02": "-2+3", "c03": "@SUM(A1)",
                 "c04": "</script><script>document.title='owned'</script>", "c05": "Zürich & <b>Co</b>"}


@pytest.fixture
def hostile_names() -> dict[str, str]:
    return dict(HOSTILE_NAMES)


@pytest.fixture
def named_panel() -> pd.DataFrame:
    """:func:`small_panel` with English and Chinese names, some of them hostile."""
    frame = small_panel(n=12)
    frame.insert(1, "city_en", [HOSTILE_NAMES.get(c, f"City {c}") for c in frame["city_id"]])
    frame.insert(2, "city_zh", [f"城市{k}" for k in range(len(frame))])
    return frame
