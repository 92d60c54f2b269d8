"""Shared fixtures and hypothesis profiles.

``ci`` (the default): derandomised, 60 examples per test, no deadline. ``dev``: 300 random examples.
``long``: 3,000 random examples, for a fuzzing session (``HYPOTHESIS_PROFILE=long pytest tests/fuzz``).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import settings

from _support import small_framework, small_panel
from indicators import Framework

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True)
settings.register_profile("dev", deadline=None, max_examples=300)
settings.register_profile("long", deadline=None, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def framework() -> Framework:
    return small_framework()


@pytest.fixture
def panel() -> pd.DataFrame:
    return small_panel()
