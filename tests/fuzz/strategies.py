"""Hypothesis strategies for random frameworks, panels and methodologies (the fuzz tests' inputs).

Frameworks are trees of depth 1 to 4 (the number of aggregate levels above the indicators) with
random weights (zeros included), polarities and declaration orders. Panels hold NaNs, ties,
constant columns, extreme magnitudes (1e300, 1e-300), negative values, and random city and
column orders. Methodologies combine the options a user can set.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

#: Values that stress normalisation and aggregation: extremes, tiny, signed, repeated, missing. The
#: panel reader refuses magnitudes beyond 1e50 (``HUGE``), so those are drawn in a column of their own.
SPECIAL_VALUES = [0.0, 1.0, -1.0, 1e50, -1e50, 1e-300, -1e-300, 1e-12, 1e12, 3.5, np.nan]
HUGE = [1e300, -1e300, 1e51]

ids = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
weights = st.one_of(st.just(1.0), st.just(0.0), st.floats(0.01, 100.0))


@st.composite
def frameworks(draw: st.DrawFn, max_depth: int = 4, max_children: int = 4) -> dict[str, Any]:
    """A valid framework mapping (as a TOML/JSON file would hold) of depth 1 to ``max_depth``."""
    depth = draw(st.integers(1, max_depth))
    nodes: list[dict[str, Any]] = [{"id": "root", "name_en": "Index"}]
    indicators: list[dict[str, Any]] = []
    counter = iter(range(10_000))
    frontier = [("root", 1)]
    while frontier:
        parent, level = frontier.pop()
        count = draw(st.integers(1, max_children))
        # below the last level only indicators; above it, nodes (and sometimes indicators beside them)
        kinds = ["indicator"] * count if level == depth else [
            draw(st.sampled_from(["node", "node", "indicator"])) for _ in range(count)]
        if level < depth and "node" not in kinds:
            kinds[0] = "node"  # keep the drawn depth
        sibling_weights = [draw(weights) for _ in kinds]
        if not any(w > 0 for w in sibling_weights):
            sibling_weights[0] = 1.0
        for kind, weight in zip(kinds, sibling_weights):
            k = next(counter)
            if kind == "node":
                nodes.append({"id": f"n{k}", "name_en": f"node {k}", "parent": parent, "weight": weight})
                frontier.append((f"n{k}", level + 1))
            else:
                indicators.append({"id": f"x{k}", "name_en": f"indicator {k}", "parent": parent, "weight": weight,
                                   "polarity": draw(st.sampled_from(["+", "-"]))})
    nodes = [nodes[0], *draw(st.permutations(nodes[1:]))]
    indicators = draw(st.permutations(indicators))
    return {"id": draw(ids), "name_en": "Fuzz", "nodes": nodes, "indicators": indicators}


@st.composite
def broken_frameworks(draw: st.DrawFn) -> dict[str, Any]:
    """A framework mapping with one defect: a dangling parent, a duplicate id, a cycle, zero weights…"""
    data = draw(frameworks())
    nodes, indicators = data["nodes"], data["indicators"]
    defect = draw(st.sampled_from(["dangling", "duplicate", "cycle", "zero", "no_root", "empty_node",
                                   "negative", "indicator_parent", "bad_id", "unknown_key"]))
    if defect == "dangling":
        draw(st.sampled_from(indicators))["parent"] = "nowhere"
    elif defect == "duplicate":
        indicators.append(dict(draw(st.sampled_from(indicators))))
    elif defect == "cycle":
        nodes[0]["parent"] = draw(st.sampled_from(nodes))["id"]
    elif defect == "zero":
        parent = draw(st.sampled_from(indicators))["parent"]
        for element in (*nodes, *indicators):
            if element.get("parent") == parent:
                element["weight"] = 0.0
    elif defect == "no_root":
        data["nodes"] = nodes[1:]
    elif defect == "empty_node":
        nodes.append({"id": "lonely", "name_en": "Lonely", "parent": "root"})
    elif defect == "negative":
        draw(st.sampled_from(indicators))["weight"] = -1.0
    elif defect == "indicator_parent":
        indicators.append(dict(indicators[0], id="y0", parent=indicators[0]["id"]))
    elif defect == "bad_id":
        draw(st.sampled_from(indicators))["id"] = draw(st.sampled_from(["", " x", "a b", "é", "-x"]))
    else:
        data["colour"] = "blue"
    return data


@st.composite
def columns(draw: st.DrawFn, n: int, huge: bool = False) -> np.ndarray:
    """One indicator column: ordinary values, ties, a constant, extremes or gaps (``huge``: or values the
    reader must refuse)."""
    kinds = ["ordinary", "ordinary", "ordinary", "ties", "constant", "extreme", "extreme", "sparse"]
    kind = draw(st.sampled_from([*kinds, "huge"] if huge else kinds))
    if kind == "constant":
        return np.full(n, draw(st.sampled_from([0.0, 5.0, 1e50, -1e-300])))
    if kind == "huge":
        return np.array(draw(st.lists(st.sampled_from([*SPECIAL_VALUES, *HUGE]), min_size=n, max_size=n)))
    if kind == "ties":
        return np.array(draw(st.lists(st.sampled_from([1.0, 2.0, 2.0, 7.0]), min_size=n, max_size=n)))
    if kind == "extreme":
        return np.array(draw(st.lists(st.sampled_from(SPECIAL_VALUES), min_size=n, max_size=n)))
    finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    cells = st.one_of(finite, st.just(np.nan)) if kind == "sparse" else finite
    return np.array(draw(st.lists(cells, min_size=n, max_size=n)), dtype=float)


@st.composite
def panels(draw: st.DrawFn, framework: dict[str, Any], min_cities: int = 3, max_cities: int = 12) -> pd.DataFrame:
    """A wide panel for ``framework``: ``city_id``, ``country``, ``continent`` and one column per
    indicator, rows and columns in random order."""
    n = draw(st.integers(min_cities, max_cities))
    cities = draw(st.lists(ids, min_size=n, max_size=n, unique=True))
    huge = draw(st.integers(0, 9)) == 0  # one panel in ten may hold a value beyond the reader's limit
    frame = pd.DataFrame({i["id"]: draw(columns(n, huge)) for i in framework["indicators"]})
    frame.insert(0, "city_id", [f"c_{c}" for c in cities])
    frame.insert(1, "country", [f"K{draw(st.integers(0, 2))}" for _ in range(n)])
    frame.insert(2, "continent", [draw(st.sampled_from(["X", "Y"])) for _ in range(n)])
    order = draw(st.permutations(list(frame.columns)))
    return frame[order].iloc[draw(st.permutations(range(n)))].reset_index(drop=True)


@st.composite
def methodologies(draw: st.DrawFn) -> dict[str, Any]:
    """A methodology mapping combining the user-settable options."""
    normalisation = draw(st.sampled_from(["minmax", "zscore", "rank", "percentile"]))
    aggregation = draw(st.sampled_from(["arithmetic", "geometric", "harmonic", "generalised", "copeland"]))
    low = draw(st.sampled_from([0.0, 1.0]))
    data: dict[str, Any] = {
        "screening": {"min_overall": draw(st.sampled_from([0.0, 0.5, 0.8]))},
        "missing": {"method": draw(st.sampled_from(["none", "mean", "median", "group_median"]))},
        "outliers": {"method": draw(st.sampled_from(["jrc", "none"]))},
        "normalisation": {"method": normalisation, "range": [low, 100.0]},
        "aggregation": {"method": aggregation, "p": draw(st.sampled_from([-2.0, 0.5, 2.0, 400.0]))},
        "presentation": {"scale": draw(st.sampled_from(["none", "50-100"]))},
        "ties": draw(st.sampled_from(["min", "dense", "average"])),
    }
    return data
