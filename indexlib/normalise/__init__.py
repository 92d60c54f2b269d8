"""Normalisation methods: one module each (kernel pair + scikit-learn transformer + registry entry).

>>> from indexlib.normalise import NORMALISERS
>>> NORMALISERS.names()
['goalposts', 'minmax', 'percentile', 'rank', 'reference', 'zscore']
"""

from __future__ import annotations

from indexlib.normalise._base import NORMALISERS, BaseNormaliser, NormaliserSpec, polarity_vector
from indexlib.normalise.goalposts import GoalpostNormaliser
from indexlib.normalise.minmax import MinMaxNormaliser
from indexlib.normalise.percentile import PercentileNormaliser
from indexlib.normalise.rank import RankNormaliser
from indexlib.normalise.reference import ReferenceNormaliser
from indexlib.normalise.zscore import ZScoreNormaliser

__all__ = [
    "NORMALISERS",
    "NormaliserSpec",
    "BaseNormaliser",
    "polarity_vector",
    "MinMaxNormaliser",
    "ZScoreNormaliser",
    "PercentileNormaliser",
    "RankNormaliser",
    "GoalpostNormaliser",
    "ReferenceNormaliser",
]
