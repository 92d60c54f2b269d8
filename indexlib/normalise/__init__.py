"""Normalisation methods: one module each (kernel pair + registry entry); the scikit-learn transformers.

The transformer classes (``MinMaxNormaliser``…) live in :mod:`indexlib.normalise.estimators` and are
loaded on first use, so that importing the package (and ``import indexlib``) does not import
scikit-learn.

>>> from indexlib.normalise import NORMALISERS
>>> NORMALISERS.names()
['goalposts', 'minmax', 'percentile', 'rank', 'reference', 'zscore']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# the method modules register their kernels with NORMALISERS when imported
from indexlib.normalise import goalposts, minmax, percentile, rank, reference, zscore  # noqa: F401
from indexlib.normalise._base import NORMALISERS, NormaliserSpec, polarity_vector

if TYPE_CHECKING:
    from indexlib.normalise.estimators import (
        BaseNormaliser,
        GoalpostNormaliser,
        MinMaxNormaliser,
        PercentileNormaliser,
        RankNormaliser,
        ReferenceNormaliser,
        ZScoreNormaliser,
    )

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

#: The scikit-learn transformers, imported from :mod:`indexlib.normalise.estimators` on first use.
_ESTIMATORS = frozenset({"BaseNormaliser", "MinMaxNormaliser", "ZScoreNormaliser", "PercentileNormaliser",
                         "RankNormaliser", "GoalpostNormaliser", "ReferenceNormaliser"})


def __getattr__(name: str) -> object:
    if name in _ESTIMATORS:
        from indexlib.normalise import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'indexlib.normalise' has no attribute {name!r}")
