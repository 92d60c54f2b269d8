"""indexlib's error hierarchy (defined in :mod:`indicators.errors`, the lowest layer, and re-exported here)."""

from __future__ import annotations

from indicators.errors import *  # noqa: F403
from indicators.errors import __all__  # noqa: F401
