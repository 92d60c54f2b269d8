"""The command line: outputs, exit codes (0 ok, 2 bad input, 1 internal error) and messages."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from _support import shared_path, write_small_inputs
from indexlib.cli import main


@pytest.fixture
def files(tmp_path):
    written = write_small_inputs(tmp_path)
    return written["framework"], written["data"]


def test_build_writes_the_four_outputs(files, tmp_path, capsys):
    framework, data = files
    out = tmp_path / "out"
    assert main(["build", "--data", str(data), "--framework", str(framework), "--out", str(out), "--top", "3"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("\n") == 4 and "rank" in printed  # header + 3 cities
    ranking = pd.read_csv(out / "ranking.csv")
    assert {"city_id", "city_en", "rank", "score", "A", "A_rank", "B", "B_rank"} <= set(ranking.columns)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["sha256"] and manifest["methodology"]["normalisation"]["method"] == "minmax"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(results["ranking"]["city_id"]) == 12
    assert pd.read_csv(out / "indicator_scores.csv").shape == (12, 6)
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_validate_names_file_row_city_and_indicator(files, capsys):
    framework, data = files
    frame = pd.read_csv(data)
    frame["i2"] = frame["i2"].astype(object)
    frame.loc[4, "i2"] = "n/a?"
    frame.to_csv(data, index=False)
    before = data.read_bytes()
    assert main(["validate", str(data), "--framework", str(framework)]) == 2
    err = capsys.readouterr().err
    assert f"{data}, row 6, city 'c04', indicator 'i2': non-numeric value 'n/a?'" in err
    assert data.read_bytes() == before  # inputs are never modified


def test_validate_ok_panel(files, capsys):
    framework, data = files
    assert main(["validate", str(data), "--framework", str(framework)]) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    ("city_id,i1,zz\na,1,2\nb,2,3\nc,3,4\n", "unknown indicator id"),
    ("city_id,i1\na,1\na,2\nc,3\n", "appears more than once"),
    ("city_id,i1\na,1\nb,inf\nc,3\n", "infinite value"),
    ("city_id,i1\na,1\nb,2\n", "at least 3"),
    ("name,i1\na,1\nb,2\nc,3\n", "no city id column"),
])
def test_bad_panels_exit_2_with_a_clear_message(files, tmp_path, capsys, content, message):
    framework, _ = files
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    assert main(["build", "--data", str(path), "--framework", str(framework)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "bad.csv" in err


def test_long_panel_keeps_indicator_ids_as_strings(tmp_path, capsys):
    rng = np.random.default_rng(1)
    # whole numbers within every indicator's plausibility bounds (life expectancy 40-95, schooling 0-20)
    rows = [{"city_id": f"c{c}", "indicator_id": f"{i:02d}",
             "value": float(rng.integers(41, 95) if i == 16 else rng.integers(1, 20))}
            for c in range(8) for i in range(1, 25) if i not in (1, 3, 11)]
    path = tmp_path / "long.csv"
    pd.DataFrame(rows).assign(country="X", continent="Y").to_csv(path, index=False)
    assert main(["build", "--data", str(path), "--top", "2"]) == 0


def test_missing_file_and_bad_method_exit_2(files, tmp_path, capsys):
    framework, data = files
    assert main(["build", "--data", str(tmp_path / "none.csv")]) == 2
    method = tmp_path / "m.toml"
    method.write_text('[normalisation]\nmethod = "nope"\n', encoding="utf-8")
    assert main(["build", "--data", str(data), "--framework", str(framework), "--method", str(method)]) == 2
    assert "normalisation.method" in capsys.readouterr().err


def test_usage_error_exits_2_and_internal_error_exits_1(monkeypatch, capsys):
    assert main(["no-such-command"]) == 2
    import indexlib

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(indexlib, "build", broken)
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_schema_prints_both_json_schemas(capsys):
    assert main(["schema"]) == 0
    schemas = json.loads(capsys.readouterr().out)
    assert set(schemas) == {"framework", "methodology"}


def test_console_script_entry_point_runs():
    completed = subprocess.run([sys.executable, "-m", "indexlib", "schema", "--which", "framework"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0 and '"indicators"' in completed.stdout


def test_asem_framework_and_data_build_through_the_command_line(tmp_path, capsys):
    meta = shared_path("reference", "asem", "ASEM_iMeta.csv")
    data = shared_path("reference", "asem", "ASEM_iData.csv")
    method = tmp_path / "asem.toml"
    method.write_text('[missing]\nmethod = "none"\n[outliers]\nmethod = "none"\n[presentation]\nscale = "none"\n'
                      '[screening]\nmin_overall = 0.0\n', encoding="utf-8")
    out = tmp_path / "asem"
    assert main(["build", "--framework", str(meta), "--data", str(data), "--method", str(method),
                 "--out", str(out)]) == 0
    ranking = pd.read_csv(out / "ranking.csv")
    assert len(ranking) == 51 and {"Conn", "Sust", "Physical", "Physical_rank"} <= set(ranking.columns)
    assert ranking["score"].between(0, 100).all()


def test_library_warnings_are_notes_shown_once_and_other_warnings_are_not_hidden(monkeypatch, capsys):
    import warnings

    import indexlib.cli.build as build_command
    from indicators.errors import DataQualityWarning

    def run(args):
        warnings.warn("a policy was applied", DataQualityWarning, stacklevel=1)
        warnings.warn("a policy was applied", DataQualityWarning, stacklevel=1)
        warnings.warn("a dependency changes next year", FutureWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(build_command, "run", run)
    assert main(["build"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == ["warning: FutureWarning: a dependency changes next year",
                                "note: a policy was applied"]


def test_a_build_note_kept_in_the_result_is_printed_once(capsys):
    assert main(["build", "--top", "1"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    assert notes and len(notes) == len(set(notes))
