"""indexlib: the engine of the Global City Talent Retention Index (全球城市人才黏性指数).

Screen, impute, treat outliers, normalise, weight, aggregate and rank a city panel against a
framework; compare weightings; run uncertainty and sensitivity analyses; audit a build and profile a city.

>>> import indexlib
>>> result = indexlib.build()          # the embedded 2025 panel, default methodology
>>> int(result.ranking["rank"].max()) <= 125
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("indexlib")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"

from indexlib.errors import (  # noqa: E402
    DataValidationError,
    DomainError,
    FrameworkError,
    IndexlibError,
    SpecificationError,
    WeightsError,
)
from indexlib.methodology import Methodology, load_methodology  # noqa: E402
from indexlib.panel import Panel, read_panel  # noqa: E402
from indexlib.pipeline import Validated, build, validate  # noqa: E402
from indexlib.result import IndexResult  # noqa: E402
from indicators import Framework, load_framework  # noqa: E402

__all__ = [
    "__version__",
    "build",
    "validate",
    "Validated",
    "IndexResult",
    "audit",
    "Audit",
    "profile",
    "CityProfile",
    "Methodology",
    "load_methodology",
    "Framework",
    "load_framework",
    "Panel",
    "read_panel",
    "IndexlibError",
    "DataValidationError",
    "SpecificationError",
    "FrameworkError",
    "WeightsError",
    "DomainError",
]


#: Heavier parts loaded on first use, so that ``import indexlib`` (and the command line) start fast.
_LAZY = {"audit": "indexlib.publish.audit", "Audit": "indexlib.publish.audit",
         "profile": "indexlib.publish.profile", "CityProfile": "indexlib.publish.profile"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'indexlib' has no attribute {name!r}")
