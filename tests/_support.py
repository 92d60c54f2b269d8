"""Helpers shared by the tests and the benchmarks: synthetic frameworks and panels, the location of ../shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators import Framework

#: ``shared/`` beside the repository checkout (absent on a user's machine: tests using it skip).
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path inside ../shared, or skip the test with a reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: this test needs the ../shared folder beside the checkout")
    return path


def small_framework(weights: dict[str, float] | None = None) -> Framework:
    """Index → 2 dimensions (A: i1, i2 (−), i3; B: i4, i5)."""
    weights = weights or {}
    nodes = [{"id": "index", "name_en": "Index"},
             {"id": "A", "name_en": "A", "parent": "index", "weight": weights.get("A", 1.0)},
             {"id": "B", "name_en": "B", "parent": "index", "weight": weights.get("B", 1.0)}]
    indicators = [
        {"id": "i1", "name_en": "one", "polarity": "+", "parent": "A"},
        {"id": "i2", "name_en": "two", "polarity": "-", "parent": "A"},
        {"id": "i3", "name_en": "three", "polarity": "+", "parent": "A"},
        {"id": "i4", "name_en": "four", "polarity": "+", "parent": "B"},
        {"id": "i5", "name_en": "five", "polarity": "+", "parent": "B"},
    ]
    for ind in indicators:
        ind["weight"] = weights.get(ind["id"], 1.0)
    return Framework.parse({"id": "small", "name_en": "Small", "nodes": nodes, "indicators": indicators})


def small_panel(n: int = 12, seed: int = 0) -> pd.DataFrame:
    """A wide panel for :func:`small_framework` with country/continent attributes and no gaps."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.lognormal(1.0, 0.5, size=(n, 5)), columns=["i1", "i2", "i3", "i4", "i5"])
    frame.insert(0, "city_id", [f"c{k:02d}" for k in range(n)])
    frame.insert(1, "country", [f"K{k % 3}" for k in range(n)])
    frame.insert(2, "continent", ["X" if k % 2 else "Y" for k in range(n)])
    return frame


def write_small_inputs(folder: Path) -> dict[str, Path]:
    """Write :func:`small_framework` (``small.toml``) and :func:`small_panel` (``panel.csv``) into
    ``folder``; returns their paths under ``"framework"`` and ``"data"``."""
    framework = folder / "small.toml"
    framework.write_text(small_framework().to_toml(), encoding="utf-8")
    data = folder / "panel.csv"
    small_panel().to_csv(data, index=False)
    return {"framework": framework, "data": data}


def plausible_panel(framework: Framework, n: int = 10, seed: int = 5) -> pd.DataFrame:
    """A wide panel of ``n`` cities with values drawn uniformly within each indicator's bounds (an open
    side taken 100 units from the other) and whole numbers for counts: valid under the framework's
    plausibility rules."""
    rng = np.random.default_rng(seed)
    columns = {}
    for indicator in framework.indicators:
        low, high = indicator.bounds if indicator.bounds is not None else (1.0, 100.0)
        low = high - 100.0 if np.isinf(low) else low
        high = low + 100.0 if np.isinf(high) else high
        values = rng.uniform(low, high, size=n)
        columns[indicator.id] = np.round(values) if indicator.integer else values
    frame = pd.DataFrame(columns)
    frame.insert(0, "city_id", [f"city{k}" for k in range(n)])
    return frame


def synthetic_inputs(units: int = 10_000, indicators: int = 200, dimensions: int = 10, seed: int = 0,
                     uniform: bool = False):
    """A framework of ``dimensions`` × ``indicators / dimensions`` and a wide panel of ``units`` rows
    (log-normal values with 5% missing, or ``uniform`` in [1, 2]: no z-score far enough below the mean
    to refuse the default spec's geometric alternative on 10,000 units)."""
    per = indicators // dimensions
    nodes = [{"id": "index", "name_en": "Index"}]
    nodes += [{"id": f"d{d}", "name_en": f"D{d}", "parent": "index", "weight": 1.0} for d in range(dimensions)]
    items = [{"id": f"x{d}_{k}", "name_en": f"x{d}_{k}", "polarity": "+" if k % 4 else "-", "parent": f"d{d}",
              "weight": 1.0} for d in range(dimensions) for k in range(per)]
    framework = Framework.parse({"id": "synthetic", "name_en": "Synthetic", "nodes": nodes, "indicators": items})
    rng = np.random.default_rng(seed)
    values = (rng.uniform(1.0, 2.0, size=(units, indicators)) if uniform
              else rng.lognormal(1.0, 0.6, size=(units, indicators)))
    values[rng.random(values.shape) < 0.05] = np.nan
    frame = pd.DataFrame(values, columns=[i["id"] for i in items])
    frame.insert(0, "city_id", [f"u{k:06d}" for k in range(units)])
    frame.insert(1, "country", [f"K{k % 50:02d}" for k in range(units)])
    frame.insert(2, "continent", [f"C{k % 5}" for k in range(units)])
    return frame, framework
