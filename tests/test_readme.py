"""The README's examples run: its Python quick-start and its methodology TOML."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import indexlib

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def readme() -> str:
    if not README.exists():
        pytest.skip(f"{README} not found: the README is checked from a source checkout")
    return README.read_text(encoding="utf-8")


def test_python_examples_run(readme):
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {})


def test_methodology_toml_example_is_valid(readme):
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[aggregation]" in b]
    assert blocks
    method = indexlib.Methodology.from_toml(blocks[0])
    assert method.aggregation.method == "geometric" and method.normalisation.range == (1.0, 100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert len(indexlib.build(methodology=method).ranking) == 125


def test_two_commands_are_the_ones_ci_runs(readme):
    assert 'pip install . && indexlib build' in readme and 'pip install ".[test]" && pytest' in readme
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "indexlib build" in ci and 'pip install --quiet ".[test]"' in ci and "\npytest\n" in ci


def test_uncertainty_spec_example_is_valid(readme):
    from indexlib.uncertainty import UncertaintySpec

    blocks = [b for b in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[[normalisation]]" in b]
    assert blocks
    spec = UncertaintySpec.from_toml(blocks[0])
    assert spec.weights.method == "dirichlet" and spec.exclusion.enabled and len(spec.missing) == 2
