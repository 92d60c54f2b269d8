"""Every configuration model (framework, methodology, weight scheme, uncertainty spec) refuses an unknown
key naming the closest valid one: one check, in their common base ``ConfigModel``."""

from __future__ import annotations

import pytest

from indexlib.methodology import Methodology
from indexlib.uncertainty.spec import UncertaintySpec
from indicators.errors import FrameworkError, SpecificationError, WeightsError
from indicators.schema import Framework
from weights.scheme import WeightScheme


@pytest.mark.parametrize(("model", "key", "closest", "error"), [
    (Methodology, "normalisaton", "normalisation", SpecificationError),
    (UncertaintySpec, "weigths", "weights", SpecificationError),
    (WeightScheme, "wieghts", "weights", WeightsError),
    (Framework, "indicaters", "indicators", FrameworkError),
])
def test_a_misspelt_key_names_the_closest_valid_one(model, key, closest, error):
    with pytest.raises(error, match=rf"unknown setting '{key}'; did you mean '{closest}'\? \(valid: "):
        model.parse({key: {}})


def test_a_key_like_no_valid_one_lists_the_valid_keys_without_a_guess():
    with pytest.raises(SpecificationError, match=r"unknown setting 'zzz' \(valid: runs, seed"):
        UncertaintySpec.parse({"zzz": 1})
