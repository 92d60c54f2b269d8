"""The normalisers pass scikit-learn's own estimator checks (fit/transform contract, pickling,
not mutating input, NaN/inf handling, feature names, set_output).

Goalpost and reference-city normalisers are left out: their parameters (one goalpost pair per
indicator, a city label) depend on the panel, which the generic checks cannot supply; their
behaviour is tested in test_normalise_properties.py.
"""

from __future__ import annotations

import warnings

from sklearn.utils.estimator_checks import parametrize_with_checks

from indexlib.normalise import (
    BordaNormaliser,
    MinMaxNormaliser,
    PercentileNormaliser,
    RankNormaliser,
    ScaledNormaliser,
    ZScoreNormaliser,
)


@parametrize_with_checks([MinMaxNormaliser(), ZScoreNormaliser(), PercentileNormaliser(), RankNormaliser(),
                          ScaledNormaliser(), BordaNormaliser()])
def test_scikit_learn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)
