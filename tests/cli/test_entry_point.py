"""The ``indexlib`` command's entry point (console script and ``python -m indexlib``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import os, sys
sys.argv = ["indexlib", "--help"]
from indexlib.cli import run_command_line
try:
    run_command_line()
except SystemExit as exc:
    code = exc.code
import numpy
print(code, os.environ.get("NUMPY_MADVISE_HUGEPAGE"), "numpy" in sys.modules)
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "0"), ("1", "1"), ("0", "0")])
def test_the_command_turns_numpys_huge_page_request_off_unless_the_environment_sets_it(given, expected):
    environment = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    if given is not None:
        environment["NUMPY_MADVISE_HUGEPAGE"] = given
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment, check=True)
    assert run.stdout.split()[-3:] == ["0", expected, "True"]


def test_python_dash_m_indexlib_exits_with_mains_code():
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-m", "indexlib", "no-such-command"], capture_output=True, text=True,
                         env=environment)
    assert run.returncode == 2 and "invalid choice" in run.stderr
