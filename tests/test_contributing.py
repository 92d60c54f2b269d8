"""The worked example of CONTRIBUTING.md runs: its normaliser, registered by its module alone, builds
the index from a methodology and rejects a misspelt option."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import indexlib
from indexlib.methodology import Methodology
from indexlib.normalise import NORMALISERS
from indicators.errors import SpecificationError

TEXT = (Path(__file__).resolve().parents[1] / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_the_worked_example_normaliser_works():
    code = re.findall(r"```python\n(.*?)```", TEXT, re.S)[0]
    exec(compile(code, "CONTRIBUTING.md", "exec"), {"__name__": "contributing_example"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = indexlib.build(None, Methodology.parse(
                {"normalisation": {"method": "meandistance", "options": {"scale": 10}}}))
        assert len(result.ranking) == 125
        with pytest.raises(SpecificationError, match="unknown option 'scael' of normaliser 'meandistance'; did you "
                                                     "mean 'scale'"):
            Methodology.parse({"normalisation": {"method": "meandistance", "options": {"scael": 10}}})
        with pytest.raises(SpecificationError, match="scale: Input should be greater than 0"):
            NORMALISERS.get("meandistance").estimator(scale=0).fit([[1.0], [2.0]])
    finally:
        NORMALISERS.unregister("meandistance")
