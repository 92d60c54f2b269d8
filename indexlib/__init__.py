"""indexlib: the engine of the Global City Talent Retention Index (全球城市人才黏性指数).

Screen, impute, treat outliers, normalise, weight, aggregate and rank a city panel against a
framework; compare weightings; run uncertainty and sensitivity analyses; audit a build and profile a city.

>>> import indexlib
>>> result = indexlib.build()          # the embedded 2025 panel, default methodology
>>> int(result.ranking["rank"].max()) <= 125
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexlib.errors import (
        DataValidationError,
        DomainError,
        FrameworkError,
        IndexlibError,
        SpecificationError,
        WeightsError,
    )
    from indexlib.methodology import Methodology, load_methodology
    from indexlib.panel import Panel, read_panel
    from indexlib.pipeline import Validated, build, validate
    from indexlib.publish.audit import Audit, audit
    from indexlib.publish.profile import CityProfile, profile
    from indexlib.result import IndexResult
    from indicators import Framework, load_framework

    __version__: str
del TYPE_CHECKING  # only the public names below are attributes of the package

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

#: Where each public name lives. Loaded on first use, so that ``import indexlib`` (and the command
#: line, ``indexlib --help`` above all) start fast: the engine imports pandas and builds pydantic models.
_LAZY = {
    **dict.fromkeys(["build", "validate", "Validated"], "indexlib.pipeline"),
    "IndexResult": "indexlib.result",
    **dict.fromkeys(["Methodology", "load_methodology"], "indexlib.methodology"),
    **dict.fromkeys(["Panel", "read_panel"], "indexlib.panel"),
    **dict.fromkeys(["Framework", "load_framework"], "indicators"),
    **dict.fromkeys(["IndexlibError", "DataValidationError", "SpecificationError", "FrameworkError", "WeightsError",
                     "DomainError"], "indexlib.errors"),
    **dict.fromkeys(["audit", "Audit"], "indexlib.publish.audit"),
    **dict.fromkeys(["profile", "CityProfile"], "indexlib.publish.profile"),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("indexlib")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0+source"


def __getattr__(name: str) -> object:
    if name == "__version__":
        value: object = _version()
    elif name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'indexlib' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
