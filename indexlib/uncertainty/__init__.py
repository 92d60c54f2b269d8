"""Uncertainty analysis of the ranking: how sure is each city's rank?

The index is rebuilt — vectorised, never one build per run — under thousands of draws of its
uncertain assumptions (weights, normalisation, aggregation, imputation, outlier treatment, the
indicator set), as the JRC audits of composite indicators do (Saisana, Saltelli & Tarantola 2005,
doi:10.1111/j.1467-985X.2005.00350.x). Each city gets a median rank and a 90% rank interval;
:func:`one_at_a_time` switches each assumption alone.

>>> from indexlib.uncertainty import UncertaintySpec
>>> UncertaintySpec().weights.spread
0.25
"""

from __future__ import annotations

from indexlib.uncertainty.engine import (
    RunTable,
    ScenarioResult,
    UncertaintyModel,
    UncertaintyResult,
    one_at_a_time,
    uncertainty_analysis,
)
from indexlib.uncertainty.rank_statistics import RankHistogram, histogram_percentile
from indexlib.uncertainty.spec import IndicatorExclusion, UncertaintySpec, WeightUncertainty, load_spec

__all__ = [
    "UncertaintySpec",
    "WeightUncertainty",
    "IndicatorExclusion",
    "load_spec",
    "uncertainty_analysis",
    "UncertaintyResult",
    "one_at_a_time",
    "ScenarioResult",
    "UncertaintyModel",
    "RunTable",
    "RankHistogram",
    "histogram_percentile",
]
