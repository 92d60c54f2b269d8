"""The library never imports the command line, and ``import indexlib`` leaves the heavy packages unloaded."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY_PACKAGES = ("indexlib", "indicators", "weights", "city_data")


def _library_modules() -> list[Path]:
    files = [p for package in LIBRARY_PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    entry = ROOT / "indexlib" / "__main__.py"  # ``python -m indexlib``: the command line's own entry point
    return [p for p in files if (ROOT / "indexlib" / "cli") not in p.parents and p != entry]


def _imported_modules(tree: ast.AST, module: str) -> list[str]:
    """Every module an ``import`` or ``from … import`` names, relative imports resolved against ``module``."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            names.append(base)
            names += [f"{base}.{alias.name}" for alias in node.names]  # from indexlib import cli
    return names


def _imports_cli(name: str) -> bool:
    return name == "indexlib.cli" or name.startswith("indexlib.cli.")


def test_the_walk_covers_the_library():
    modules = {p.relative_to(ROOT).as_posix() for p in _library_modules()}
    assert {"indexlib/pipeline.py", "indexlib/compare.py", "indicators/schema.py", "weights/__init__.py",
            "city_data/__init__.py"} <= modules
    assert not any(m.startswith("indexlib/cli/") for m in modules)


def test_no_library_module_imports_the_command_line():
    offenders = []
    for path in _library_modules():
        relative = path.relative_to(ROOT).with_suffix("")
        module = ".".join(relative.parts[:-1] if relative.name == "__init__" else relative.parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{relative}: {name}" for name in _imported_modules(tree, module) if _imports_cli(name)]
    assert offenders == []


@pytest.mark.parametrize("source, expected", [
    ("from indexlib.cli import main", True),
    ("from indexlib.cli._args import plural", True),
    ("import indexlib.cli.build", True),
    ("from indexlib import cli", True),
    ("from . import cli", True),
    ("from .cli import main", True),
    ("from indexlib import client", False),
    ("import indexlib.client", False),
])
def test_the_check_finds_every_form_of_import(source, expected):
    names = _imported_modules(ast.parse(source), "indexlib.pipeline")
    assert any(map(_imports_cli, names)) is expected


HEAVY = ("sklearn", "scipy", "scipy.stats", "matplotlib", "openpyxl", "indexlib.uncertainty.engine",
         "indexlib.sensitivity.analysis", "indexlib.importance", "indexlib.publish.audit")


def _loaded_after(code: str) -> dict[str, bool]:
    probe = f"import sys, json\n{code}\nprint(json.dumps({{m: m in sys.modules for m in {list(HEAVY)!r}}}))"
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_import_indexlib_loads_no_heavy_package():
    assert _loaded_after("import indexlib") == dict.fromkeys(HEAVY, False)


def test_the_command_line_parser_loads_no_heavy_package():
    code = "from indexlib.cli import _parser\n_parser().format_help()"
    assert _loaded_after(code) == dict.fromkeys(HEAVY, False)


def test_a_build_loads_neither_scikit_learn_nor_scipy():
    """The default imputation (knn, :mod:`indexlib.impute.knn`) needs no scikit-learn: importing it
    would take longer than the whole build. No build loads figures or analyses."""
    loaded = _loaded_after("import indexlib\nindexlib.build()")
    assert not any(loaded[m] for m in ("sklearn", "scipy", "matplotlib", "openpyxl", "indexlib.uncertainty.engine"))


def test_the_iterative_imputer_loads_scikit_learn_when_used():
    loaded = _loaded_after("import indexlib\nfrom indexlib import Methodology\n"
                           "indexlib.build(None, Methodology.parse({'missing': {'method': 'iterative'}}))")
    assert loaded["sklearn"]


def test_the_estimators_still_load_scikit_learn_on_use():
    loaded = _loaded_after("from indexlib.normalise import MinMaxNormaliser\n"
                           "import sklearn.base\nassert isinstance(MinMaxNormaliser(), sklearn.base.BaseEstimator)")
    assert loaded["sklearn"]


def test_every_module_imports_on_its_own():
    """An import cycle can hide behind the order in which the suite happens to import modules; here each
    module is imported first, after every module of the four packages is forgotten."""
    probe = """
import importlib, pkgutil, sys
packages = ("indexlib", "indicators", "weights", "city_data")
names = []
for package in packages:
    module = importlib.import_module(package)
    names.append(package)
    names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")]
failures = []
for name in sorted(n for n in set(names) if not n.endswith("__main__")):  # a __main__ runs the command line
    for loaded in [m for m in sys.modules if m.split(".")[0] in packages]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failures.append(f"{name}: {exc}")
print("\\n".join(failures) or "ok")
"""
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env,
                         check=True).stdout.strip()
    assert out == "ok", out
