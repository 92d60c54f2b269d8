"""The public names of the four packages: every public module declares ``__all__``, every name in it
exists, it lists every public function and class the module defines, and a package exposes nothing
public beyond its ``__all__`` and its submodules (no stray ``np``, ``re`` or ``lru_cache``)."""

from __future__ import annotations

import __future__
import importlib
import inspect
import pkgutil
import types

import pytest

PACKAGES = ("indexlib", "indicators", "weights", "city_data")


def _public_modules() -> list[str]:
    """The packages and every module below them whose dotted name has no part starting with ``_``."""
    names = []
    for package in PACKAGES:
        names.append(package)
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                names.append(info.name)
    return names


MODULES = _public_modules()
PACKAGE_MODULES = [name for name in MODULES if hasattr(importlib.import_module(name), "__path__")]


def _is_allowed_extra(module: types.ModuleType, name: str, value: object) -> bool:
    """A public attribute a package may have beyond ``__all__``: a submodule, or the binding that
    ``from __future__ import annotations`` makes (a compiler directive, not a name of the API)."""
    if isinstance(value, types.ModuleType) and value.__name__ == f"{module.__name__}.{name}":
        return True
    return name == "annotations" and value is __future__.annotations


def test_the_walk_finds_the_modules():
    assert {"indexlib", "indexlib.pipeline", "indexlib.cli", "indicators.schema", "weights.entropy",
            "city_data", "city_data.build"} <= set(MODULES)
    assert not any("._" in name for name in MODULES)
    assert {"indexlib", "indexlib.cli", "indicators", "weights", "city_data"} <= set(PACKAGE_MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_declared_and_every_name_exists(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    public = module.__all__
    assert isinstance(public, (list, tuple)) and all(isinstance(n, str) for n in public), name
    assert len(set(public)) == len(public), f"{name}.__all__ repeats a name"
    missing = [n for n in public if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what the module lacks: {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_function_and_class_the_module_defines(name):
    module = importlib.import_module(name)
    defined = [n for n, v in vars(module).items()
               if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
               and getattr(v, "__module__", None) == name]
    unlisted = sorted(set(defined) - set(module.__all__))
    assert not unlisted, f"{name} defines public {unlisted} but its __all__ does not list them"


@pytest.mark.parametrize("name", PACKAGE_MODULES)
def test_a_package_exposes_only_its_all_and_its_submodules(name):
    module = importlib.import_module(name)
    for attribute in module.__all__:  # load lazy names first, so that they are judged too
        getattr(module, attribute)
    allowed = set(module.__all__)
    stray = sorted(n for n, v in vars(module).items()
                   if not n.startswith("_") and n not in allowed and not _is_allowed_extra(module, n, v))
    assert not stray, f"{name} exposes names outside its __all__: {stray}"
    listed = sorted(n for n in dir(module) if not n.startswith("_") and n not in allowed
                    and not _is_allowed_extra(module, n, getattr(module, n)))
    assert not listed, f"dir({name}) lists names outside its __all__: {listed}"


def test_the_stray_names_of_the_issue_are_gone():
    import city_data
    import indexlib

    for stray in ("np", "pd", "re", "lru_cache", "cache", "files", "hashlib", "io"):
        assert not hasattr(city_data, stray), f"city_data.{stray}"
    assert not hasattr(indexlib, "PackageNotFoundError")
    assert not hasattr(indexlib, "TYPE_CHECKING")
