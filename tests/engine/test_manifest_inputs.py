"""The manifest reproduces the run: the SHA-256 of every input file's bytes (as ``sha256sum`` prints
it) and the versions of Python and the core dependencies; ``indexlib --version``."""

from __future__ import annotations

import hashlib
import json
import platform
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import city_data
import indexlib
from _support import small_framework, small_panel, write_small_inputs
from indexlib.cli import main
from indexlib.methodology import Methodology
from indexlib.provenance import CORE_DEPENDENCIES
from indexlib.uncertainty.spec import UncertaintySpec

ROOT = Path(__file__).resolve().parents[2]


def sha256(path: Path | bytes) -> str:
    return hashlib.sha256(path if isinstance(path, bytes) else Path(path).read_bytes()).hexdigest()


def packaged(package: str, *parts: str) -> bytes:
    return resources.files(package).joinpath(*parts).read_bytes()


def canonical(model) -> str:
    return sha256(json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


@pytest.fixture
def files(tmp_path):
    method = tmp_path / "m.toml"
    method.write_text('[missing]\nmethod = "median"\n', encoding="utf-8")
    spec = tmp_path / "u.toml"
    spec.write_text("runs = 40\n[weights]\nspread = 0.2\n", encoding="utf-8")
    return {**write_small_inputs(tmp_path), "method": method, "spec": spec}


def test_every_input_file_of_build_is_recorded_by_the_hash_of_its_bytes(files, tmp_path):
    out = tmp_path / "out"
    assert main(["build", "--data", str(files["data"]), "--framework", str(files["framework"]),
                 "--method", str(files["method"]), "--out", str(out)]) == 0
    inputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert inputs["panel"] == {"source": str(files["data"]), "sha256": sha256(files["data"])}
    assert inputs["framework"] == {"path": str(files["framework"]), "sha256": sha256(files["framework"])}
    assert inputs["methodology"] == {"path": str(files["method"]), "sha256": sha256(files["method"])}
    assert "city_attributes" not in inputs  # median imputation never consults cities.csv


def test_embedded_panel_hash_is_the_packaged_files_bytes_and_equals_data_on_that_file(tmp_path):
    default = indexlib.build().manifest()["inputs"]
    panel_bytes = packaged("city_data", "data", "panel_2025.csv")
    assert default["panel"]["file"] == "city_data/data/panel_2025.csv"
    assert default["panel"]["sha256"] == sha256(panel_bytes) == sha256(ROOT / "city_data" / "data" / "panel_2025.csv")
    copy = tmp_path / "panel_2025.csv"
    copy.write_bytes(panel_bytes)
    assert indexlib.build(copy).manifest()["inputs"]["panel"]["sha256"] == default["panel"]["sha256"]
    # the city table drives group-median imputation (country, continent)
    assert default["city_attributes"] == {"file": "city_data/data/cities.csv",
                                          "sha256": sha256(packaged("city_data", "data", "cities.csv"))}
    assert city_data.file_sha256("cities.csv") == sha256(ROOT / "city_data" / "data" / "cities.csv")
    # a built-in framework: its id and packaged file; the default methodology: its canonical JSON
    assert default["framework"] == {"id": "gctsi-2025", "file": "indicators/frameworks/gctsi-2025.toml",
                                    "sha256": sha256(packaged("indicators", "frameworks", "gctsi-2025.toml"))}
    assert default["methodology"] == {"id": "default", "sha256": canonical(Methodology()), "hash_of": "canonical JSON"}


def test_objects_are_recorded_by_the_hash_of_their_canonical_json():
    framework, method = small_framework(), Methodology.parse({"missing": {"method": "median"}})
    inputs = indexlib.build(small_panel(), method, framework).manifest()["inputs"]
    assert inputs["framework"] == {"id": "small", "sha256": canonical(framework), "hash_of": "canonical JSON"}
    assert inputs["methodology"] == {"sha256": canonical(method), "hash_of": "canonical JSON"}
    assert inputs["panel"]["source"] == "DataFrame"


def test_analysis_manifests_record_the_spec_file_and_the_versions(files, tmp_path):
    common = ["--data", str(files["data"]), "--framework", str(files["framework"]), "--spec", str(files["spec"]),
              "--no-figures"]
    assert main(["uncertainty", *common, "--out", str(tmp_path / "u")]) == 0
    assert main(["sensitivity", *common, "--n-base", "8", "--num-resamples", "10", "--out", str(tmp_path / "s")]) == 0
    for path in (tmp_path / "u" / "uncertainty.json", tmp_path / "s" / "sensitivity.json"):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        inputs = manifest["inputs"]
        assert inputs["spec"] == {"path": str(files["spec"]), "sha256": sha256(files["spec"])}
        assert inputs["panel"]["sha256"] == sha256(files["data"])
        assert inputs["framework"]["sha256"] == sha256(files["framework"])
        assert manifest["environment"]["python"] == platform.python_version()
    default_spec = indexlib.uncertainty.UncertaintyModel(small_panel(), None, small_framework()).inputs["spec"]
    assert default_spec == {"id": "default", "sha256": canonical(UncertaintySpec()), "hash_of": "canonical JSON"}


def test_the_versions_of_python_and_every_core_dependency_are_recorded():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = [d.split(">")[0].split("=")[0].split("<")[0].strip() for d in declared]
    assert sorted(names) == sorted(CORE_DEPENDENCIES)
    environment = indexlib.build(small_panel(), None, small_framework()).manifest()["environment"]
    assert list(environment) == ["indexlib", "python", *CORE_DEPENDENCIES]
    assert environment["indexlib"] == indexlib.__version__
    assert all(v and v != "not installed" for v in environment.values())


def test_version_option_prints_the_version(capsys):
    assert main(["--version"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"indexlib {indexlib.__version__} (python {platform.python_version()}, numpy ")
    assert printed.count("\n") == 1


def test_compare_records_its_inputs_and_scheme_files(files, tmp_path):
    scheme = tmp_path / "s.toml"
    weights = "".join(f"{e} = {2 if e == 'A' else 1}\n" for e in ["A", "B", "i1", "i2", "i3", "i4", "i5"])
    scheme.write_text(f'id = "s"\nframework = "small"\n[weights]\n{weights}', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compare", "--data", str(files["data"]), "--framework", str(files["framework"]),
                 "--weights", f"equal,scheme:{scheme}", "--out", str(out)]) == 0
    manifest = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["panel"]["sha256"] == sha256(files["data"])
    assert manifest["inputs"]["framework"]["sha256"] == sha256(files["framework"])
    assert manifest["inputs"]["weight_schemes"] == [{"scheme": f"scheme:{scheme}", "path": str(scheme),
                                                     "sha256": sha256(scheme)}]
    assert manifest["schemes"] == ["equal", f"scheme:{scheme}"] and manifest["environment"]["python"]
