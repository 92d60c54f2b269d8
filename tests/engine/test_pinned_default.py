"""The default 2025 build is pinned: scores and ranks at every level, normalised and treated values,
to 1e-12 against ``data/default_2025_golden.json`` (generated from main before the registry refactor).

A refactor of the methods may not change a result; a deliberate change of the default (or of the packaged
panel) must regenerate the golden file and say so in its commit. Regenerate with
``PYTHONPATH=$PWD python tests/engine/test_pinned_default.py`` (it writes the file from ``indexlib.build()``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import indexlib

GOLDEN_PATH = Path(__file__).parent / "data" / "default_2025_golden.json"
GOLDEN = json.loads(GOLDEN_PATH.read_text())
TABLES = ("raw_scores", "scores", "ranks", "normalised", "values")


@pytest.fixture(scope="module")
def result():
    return indexlib.build()


@pytest.mark.parametrize("table", TABLES)
def test_default_build_matches_the_golden_outputs(result, table):
    golden = GOLDEN[table]
    expected = pd.DataFrame(np.array(golden["values"], dtype=float), index=golden["index"],
                            columns=golden["columns"])
    actual = getattr(result, table)
    assert [str(i) for i in actual.index] == golden["index"]
    assert [str(c) for c in actual.columns] == golden["columns"]
    np.testing.assert_allclose(actual.to_numpy(dtype=float), expected.to_numpy(), rtol=0, atol=1e-12)


def write_golden(path: Path = GOLDEN_PATH) -> None:
    """Write the default build's tables as the golden file (index, columns, float values; ``indent=0``)."""
    result = indexlib.build()
    golden = {table: {"index": [str(i) for i in getattr(result, table).index],
                      "columns": [str(c) for c in getattr(result, table).columns],
                      "values": getattr(result, table).to_numpy(dtype=float).tolist()} for table in TABLES}
    path.write_text(json.dumps(golden, indent=0))


if __name__ == "__main__":
    write_golden()
