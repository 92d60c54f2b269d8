"""The default 2025 build is pinned: scores and ranks at every level, normalised and treated values,
to 1e-12 against ``data/default_2025_golden.json`` (generated from main before the registry refactor).

A refactor of the methods may not change a result; a deliberate change of the default must
regenerate the golden file and say so in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import indexlib

GOLDEN = json.loads((Path(__file__).parent / "data" / "default_2025_golden.json").read_text())


@pytest.fixture(scope="module")
def result():
    return indexlib.build()


@pytest.mark.parametrize("table", ["raw_scores", "scores", "ranks", "normalised", "values"])
def test_default_build_matches_the_golden_outputs(result, table):
    golden = GOLDEN[table]
    expected = pd.DataFrame(np.array(golden["values"], dtype=float), index=golden["index"],
                            columns=golden["columns"])
    actual = getattr(result, table)
    assert [str(i) for i in actual.index] == golden["index"]
    assert [str(c) for c in actual.columns] == golden["columns"]
    np.testing.assert_allclose(actual.to_numpy(dtype=float), expected.to_numpy(), rtol=0, atol=1e-12)
