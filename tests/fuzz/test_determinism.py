"""Byte-identical outputs: across processes, with PYTHONHASHSEED varied, and whatever the row or
column order of the input panel.

``ranking.csv`` and ``indicator_scores.csv`` must be identical byte for byte. ``results.json`` and
``manifest.json`` too, except the manifest's record of the input file (its path and the SHA-256 of
its bytes), which differs by design for a shuffled copy of the file and is compared separately.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from _support import small_framework, small_panel

ROOT = Path(__file__).resolve().parents[2]
COMPARED = ("ranking.csv", "indicator_scores.csv")


def panel_files(folder: Path) -> tuple[Path, Path]:
    """The same panel twice: as made, and with rows and columns shuffled."""
    frame = small_panel(n=14, seed=3)
    frame.loc[[2, 7], "i3"] = np.nan  # imputed cells
    frame.loc[[4, 9], "i1"] = frame.loc[1, "i1"]  # ties
    frame.loc[[5, 11], ["i4", "i5"]] = frame.loc[[0], ["i4", "i5"]].to_numpy()  # tied cities
    plain = folder / "panel.csv"
    frame.to_csv(plain, index=False)
    rng = np.random.default_rng(8)
    shuffled = frame.iloc[rng.permutation(len(frame)), rng.permutation(frame.shape[1])]
    other = folder / "shuffled.csv"
    shuffled.to_csv(other, index=False)
    assert plain.read_bytes() != other.read_bytes()
    return plain, other


def build_out(data: Path, framework: Path, out: Path, hash_seed: str) -> Path:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-m", "indexlib", "build", "--data", str(data), "--framework", str(framework),
         "--out", str(out)], env=env, capture_output=True, text=True, cwd=out.parent, check=False)
    assert completed.returncode == 0, completed.stderr
    return out


def without_input(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    manifest = document.get("manifest", document)
    manifest.pop("input")  # the input file's path and SHA-256 differ by design for a shuffled file
    manifest["inputs"].pop("panel")
    return document


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("determinism")
    plain, shuffled = panel_files(folder)
    framework = folder / "framework.toml"
    framework.write_text(small_framework().to_toml(), encoding="utf-8")
    return {name: build_out(data, framework, folder / name, seed)
            for name, data, seed in [("first", plain, "0"), ("second", plain, "4242"),
                                     ("shuffled", shuffled, "17")]}


def test_two_processes_with_different_hash_seeds_write_identical_bytes(outputs):
    for name in (*COMPARED, "results.json", "manifest.json"):
        assert (outputs["first"] / name).read_bytes() == (outputs["second"] / name).read_bytes(), name


def test_a_shuffled_panel_gives_identical_outputs(outputs):
    for name in COMPARED:
        assert (outputs["first"] / name).read_bytes() == (outputs["shuffled"] / name).read_bytes(), name
    for name in ("results.json", "manifest.json"):
        assert without_input(outputs["first"] / name) == without_input(outputs["shuffled"] / name), name
