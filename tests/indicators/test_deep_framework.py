"""Frameworks of any depth: a chain of 10,000 levels builds, through the library and the CLI."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import indexlib
from indexlib.cli import main
from indexlib.methodology import Methodology
from indicators import Framework
from indicators.errors import FrameworkError

DEPTH = 10_000


def chain(depth: int, *, close: bool = False) -> dict:
    """index n0 → n1 → … → n{depth-1} → three indicators (``close``: n0's parent is the bottom node)."""
    nodes = [{"id": "n0", "name_en": "n0"}] + [
        {"id": f"n{k}", "name_en": f"n{k}", "parent": f"n{k - 1}"} for k in range(1, depth)]
    if close:
        nodes.append({"id": "top", "name_en": "top"})
        nodes[0]["parent"] = f"n{depth - 1}"
    indicators = [{"id": f"i{j}", "name_en": f"i{j}", "polarity": "+", "parent": f"n{depth - 1}"} for j in range(3)]
    return {"id": "chain", "name_en": "Chain", "nodes": nodes, "indicators": indicators}


def chain_panel() -> pd.DataFrame:
    values = np.array([[1.0, 5.0, 2.0], [2.0, 4.0, 2.5], [3.0, 1.0, 9.0], [4.0, 2.0, 1.0], [5.0, 3.0, 4.0]])
    panel = pd.DataFrame(values, columns=["i0", "i1", "i2"])
    panel.insert(0, "city_id", [f"c{k}" for k in range(len(panel))])
    return panel


@pytest.fixture(autouse=True)
def shallow_recursion_limit():
    # Any walk that recursed once per level would fail well before the bottom of the chain.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(limit)


def test_a_10000_level_chain_has_levels_order_and_weights():
    framework = Framework.parse(chain(DEPTH))
    assert framework.levels["n0"] == DEPTH + 1 and framework.levels[f"n{DEPTH - 1}"] == 2
    order = framework.aggregation_order
    assert order[0] == f"n{DEPTH - 1}" and order[-1] == "n0"
    assert framework.effective_weights().sum() == pytest.approx(1.0)


def test_a_10000_level_chain_builds_through_the_library():
    method = Methodology.parse({"missing": {"method": "median"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(chain_panel(), method, Framework.parse(chain(DEPTH)))
    ranks = result.ranks["n0"]
    assert sorted(ranks) == [1, 2, 3, 4, 5]
    # a chain of one-child means passes the bottom node's score up unchanged
    np.testing.assert_allclose(result.raw_scores["n0"], result.raw_scores[f"n{DEPTH - 1}"])


def test_a_10000_level_chain_builds_through_the_cli(tmp_path, capsys):
    (tmp_path / "chain.toml").write_text(Framework.parse(chain(DEPTH)).to_toml(), encoding="utf-8")
    chain_panel().to_csv(tmp_path / "panel.csv", index=False)
    (tmp_path / "method.toml").write_text('[missing]\nmethod = "median"\n', encoding="utf-8")
    code = main(["build", "--data", str(tmp_path / "panel.csv"), "--framework", str(tmp_path / "chain.toml"),
                 "--method", str(tmp_path / "method.toml"), "--top", "3"])
    assert code == 0
    assert "c2" in capsys.readouterr().out


def test_a_cycle_through_10000_nodes_is_a_framework_error():
    with pytest.raises(FrameworkError, match="cycle of parents"):
        Framework.parse(chain(DEPTH, close=True))
