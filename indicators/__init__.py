"""What is measured: the framework schema and the built-in frameworks.

>>> from indicators import load_framework, builtin_frameworks
>>> builtin_frameworks()
['gctsi-2025', 'gctsi-2025-3pillar']
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from indicators.coinr import read_coinr_meta
from indicators.schema import Framework, Indicator, Node, Polarity

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "Framework",
    "Indicator",
    "Node",
    "Polarity",
    "builtin_frameworks",
    "load_framework",
    "read_coinr_meta",
]


@lru_cache(maxsize=1)
def _builtin_names() -> tuple[str, ...]:
    from importlib import resources

    folder = resources.files("indicators") / "frameworks"
    return tuple(sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")))


def builtin_frameworks() -> list[str]:
    """Ids of the frameworks packaged with indexlib."""
    return list(_builtin_names())


@cache
def _builtin(name: str) -> Framework:
    # Frameworks are frozen, so one parsed instance per built-in can be shared.
    import tomllib
    from importlib import resources

    resource = resources.files("indicators") / "frameworks" / f"{name}.toml"
    return Framework.parse(tomllib.loads(resource.read_text(encoding="utf-8")), source=f"built-in {name}")


def load_framework(spec: str | Path | Framework | None = None) -> Framework:
    """Return a framework from a built-in id, a TOML/JSON file, or a COINr ``iMeta`` CSV.

    ``None`` gives the default framework, ``gctsi-2025``.
    """
    from pathlib import Path

    from indicators.coinr import looks_like_coinr_meta
    from indicators.errors import FrameworkError

    if isinstance(spec, Framework):
        return spec
    if spec is None:
        spec = "gctsi-2025"
    name = str(spec)
    if name in builtin_frameworks():
        return _builtin(name)
    path = Path(name)
    if not path.exists():
        raise FrameworkError(
            f"framework {name!r} is neither a built-in framework ({', '.join(builtin_frameworks())}) "
            "nor an existing file"
        )
    if looks_like_coinr_meta(path):
        return read_coinr_meta(path)
    if path.suffix.lower() not in {".toml", ".json"}:
        raise FrameworkError(f"{path}: a framework file must be .toml, .json or a COINr iMeta .csv")
    return Framework.from_file(path)


# Imported to define the module, not part of its API (the package's names are exactly __all__).
del TYPE_CHECKING, cache, lru_cache
