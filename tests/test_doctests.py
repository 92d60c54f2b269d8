"""Run the Examples sections of every module of the four packages as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("indicators", "weights", "city_data", "indexlib")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        try:
            root = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        names.append(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if not info.name.endswith("__main__"):
                names.append(info.name)
    return names


@pytest.mark.parametrize("module_name", _modules())
def test_module_examples(module_name):
    module = importlib.import_module(module_name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0, f"{failures} doctest example(s) failed in {module_name}"
