"""Aggregation methods: batched weighted means, one module each, registered by name.

>>> from indexlib.aggregate import AGGREGATORS
>>> AGGREGATORS.names()
['arithmetic', 'copeland', 'generalised', 'geometric', 'harmonic']
"""

from __future__ import annotations

from indexlib.aggregate._base import AGGREGATORS, AggregatorSpec, quasi_arithmetic_mean
from indexlib.aggregate.arithmetic import arithmetic_mean
from indexlib.aggregate.copeland import copeland_score, outranking_matrix
from indexlib.aggregate.generalised import generalised_mean
from indexlib.aggregate.geometric import geometric_mean
from indexlib.aggregate.harmonic import harmonic_mean

__all__ = [
    "AGGREGATORS",
    "AggregatorSpec",
    "quasi_arithmetic_mean",
    "arithmetic_mean",
    "geometric_mean",
    "harmonic_mean",
    "generalised_mean",
    "copeland_score",
    "outranking_matrix",
]
