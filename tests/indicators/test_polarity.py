"""The one polarity reader: its vocabulary, its error, and that every caller uses it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexlib.normalise import MinMaxNormaliser
from indicators import load_framework
from indicators.errors import IndexlibError, PolarityError, SpecificationError
from indicators.polarity import parse_polarity
from indicators.schema import Framework
from weights import entropy_weights

POSITIVE = ["+", "higher_is_better", 1, 1.0, np.int64(1), np.float64(1.0)]
NEGATIVE = ["-", "lower_is_better", -1, -1.0, np.int64(-1), np.float64(-1.0)]
BAD = [0, 2, 0.5, True, False, None, "", "up", "+1", "positive", float("nan"), [1]]


@pytest.mark.parametrize("value", POSITIVE)
def test_more_is_better(value) -> None:
    assert parse_polarity(value) == 1


@pytest.mark.parametrize("value", NEGATIVE)
def test_more_is_worse(value) -> None:
    assert parse_polarity(value) == -1


@pytest.mark.parametrize("value", BAD)
def test_anything_else_is_one_error_naming_the_value(value) -> None:
    with pytest.raises(PolarityError, match="higher_is_better") as caught:
        parse_polarity(value, where="polarity of indicator 'x'")
    assert isinstance(caught.value, (IndexlibError, SpecificationError, ValueError))
    assert f"polarity of indicator 'x' is {value!r}" in str(caught.value)


@given(st.one_of(st.text(max_size=5), st.floats(), st.integers()))
def test_only_the_vocabulary_is_read(value) -> None:
    if value in ("+", "higher_is_better") or (not isinstance(value, str) and value == 1):
        assert parse_polarity(value) == 1
    elif value in ("-", "lower_is_better") or (not isinstance(value, str) and value == -1):
        assert parse_polarity(value) == -1
    else:
        with pytest.raises(PolarityError):
            parse_polarity(value)


@pytest.mark.parametrize("spelling", ["lower_is_better", -1, "-"])
def test_every_caller_reads_the_same_vocabulary(spelling) -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 1.0, 2.0]})
    flipped = MinMaxNormaliser(polarity=["+", spelling]).fit_transform(data)
    assert flipped[:, 1].tolist() == [0.0, 100.0, 50.0]
    assert np.allclose(entropy_weights(data, ["higher_is_better", spelling]),
                       entropy_weights(data, [1, -1]))
    framework = load_framework("gctsi-2025").to_dict()
    framework["indicators"][0]["polarity"] = spelling
    assert Framework.parse(framework).indicators[0].polarity == "-"


def test_every_caller_raises_the_same_error() -> None:
    data = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 1.0, 2.0]})
    with pytest.raises(PolarityError, match="polarity of feature 1 is 'down'"):
        MinMaxNormaliser(polarity=["+", "down"]).fit(data)
    with pytest.raises(PolarityError, match="polarity of indicator 'b' is 'down'"):
        entropy_weights(data, ["+", "down"])
    framework = load_framework("gctsi-2025").to_dict()
    framework["indicators"][0]["polarity"] = "down"
    with pytest.raises(IndexlibError, match="polarity is 'down'"):
        Framework.parse(framework)
