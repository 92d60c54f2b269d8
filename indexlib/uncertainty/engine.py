"""The uncertainty engine, split into :mod:`~indexlib.uncertainty.model` (the index as a function of the
uncertain assumptions), :mod:`~indexlib.uncertainty.montecarlo` (the Monte Carlo driver) and
:mod:`~indexlib.uncertainty.scenarios` (one-at-a-time scenarios); these names are kept here for
existing imports."""

from __future__ import annotations

from indexlib.uncertainty.model import UncertaintyModel
from indexlib.uncertainty.montecarlo import UncertaintyResult, uncertainty_analysis
from indexlib.uncertainty.runs import CHUNK_CELLS, DEFAULT_CHUNK_SIZE, SECTIONS, ProgressCallback, RunTable
from indexlib.uncertainty.scenarios import ScenarioResult, one_at_a_time

__all__ = ["uncertainty_analysis", "UncertaintyResult", "one_at_a_time", "ScenarioResult", "RunTable",
           "UncertaintyModel", "SECTIONS", "DEFAULT_CHUNK_SIZE", "CHUNK_CELLS", "ProgressCallback"]
