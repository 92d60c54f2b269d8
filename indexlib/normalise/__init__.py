"""Normalisation methods: one module each (kernel pair + scikit-learn transformer + registry entry).

>>> from indexlib.normalise import NORMALISERS
>>> NORMALISERS.names()
['borda', 'fracmax', 'goalposts', 'minmax', 'percentile', 'rank', 'reference', 'scaled', 'target', 'zscore']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# The method modules register their kernels; their scikit-learn transformers (and scikit-learn) are
# loaded on first use through __getattr__ below.
from indexlib.normalise import borda, fracmax, goalposts, minmax, percentile, rank, reference, scaled, target, zscore  # noqa: F401
from indexlib.normalise._base import (
    NORMALISERS,
    FitContext,
    NormaliserOptions,
    NormaliserSpec,
    RangeOptions,
    polarity_vector,
)

__all__ = [
    "NORMALISERS",
    "NormaliserSpec",
    "NormaliserOptions",
    "RangeOptions",
    "FitContext",
    "BaseNormaliser",
    "polarity_vector",
    "MinMaxNormaliser",
    "ZScoreNormaliser",
    "PercentileNormaliser",
    "RankNormaliser",
    "GoalpostNormaliser",
    "ReferenceNormaliser",
    "ScaledNormaliser",
    "TargetNormaliser",
    "FractionOfMaxNormaliser",
    "BordaNormaliser",
]

_ESTIMATORS = {"BaseNormaliser", "MinMaxNormaliser", "ZScoreNormaliser", "PercentileNormaliser", "RankNormaliser",
               "GoalpostNormaliser", "ReferenceNormaliser", "BordaNormaliser", "FractionOfMaxNormaliser",
               "ScaledNormaliser", "TargetNormaliser"}

if TYPE_CHECKING:  # the scikit-learn estimators, imported on first use (below) but typed here
    from typing import Any

    from indexlib.normalise.estimators import (BaseNormaliser, BordaNormaliser, FractionOfMaxNormaliser,
                                               GoalpostNormaliser, MinMaxNormaliser, PercentileNormaliser,
                                               RankNormaliser, ReferenceNormaliser, ScaledNormaliser,
                                               TargetNormaliser, ZScoreNormaliser)


def __getattr__(name: str) -> Any:
    if name in _ESTIMATORS:
        from indexlib.normalise import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'indexlib.normalise' has no attribute {name!r}")


del TYPE_CHECKING  # a typing helper, not an attribute of the package
