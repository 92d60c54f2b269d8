"""The ``uncertainty`` and ``sensitivity`` commands: outputs, byte-identical reruns and exit codes."""

from __future__ import annotations

import gzip
import io
import sys

import pandas as pd
import pytest

from indexlib.cli import main


def run(argv: list[str]) -> int:
    return main([str(a) for a in argv])


def test_uncertainty_writes_its_outputs_and_reruns_byte_identically(tmp_path, capsys):
    for name in ("a", "b"):
        assert run(["uncertainty", "--runs", 300, "--seed", 1, "--out", tmp_path / name, "--no-figures"]) == 0
    printed = capsys.readouterr().out
    assert "mean absolute rank shift vs nominal" in printed and "widest 5–95% rank intervals" in printed
    names = ["rank_intervals.csv", "runs.csv.gz", "scenarios.csv", "scenario_ranks.csv", "uncertainty.json"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    table = pd.read_csv(tmp_path / "a" / "rank_intervals.csv")
    assert {"city_id", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_abs_shift",
            "p_top10"} <= set(table.columns)
    assert (table.p05_rank <= table.median_rank).all() and (table.median_rank <= table.p95_rank).all()
    assert table.p_top10.sum() == pytest.approx(10, abs=0.05)
    runs = pd.read_csv(io.BytesIO(gzip.decompress((tmp_path / "a" / "runs.csv.gz").read_bytes())))
    assert len(runs) == 300 and runs["run"].tolist() == list(range(300))
    assert pd.read_csv(tmp_path / "a" / "scenarios.csv").columns.tolist()[:2] == ["scenario", "factor"]
    assert not list((tmp_path / "a").glob(".*.tmp"))


def test_uncertainty_with_a_spec_file(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text('runs = 40\nseed = 3\n'
                    'normalisation = [{method = "minmax", range = [1, 100]}]\n'
                    'aggregation = [{method = "arithmetic"}, {method = "harmonic"}]\n'
                    '[weights]\nmethod = "dirichlet"\nconcentration = 30\n', encoding="utf-8")
    assert run(["uncertainty", "--spec", spec, "--out", tmp_path / "out", "--no-figures"]) == 0
    assert "40 runs, seed 3" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("spec_text", "extra", "message"),
    [
        ("[weights]\nspread = 1.0\n", [], "weights.spread: must be below 1"),
        ('normalisation = [{method = "minmaxx"}]\n', [], "normalisation.0.method"),
        ("runs = = 1\n", [], "not valid TOML"),
        ("", ["--runs", "0"], "runs: Input should be greater than or equal to 1"),
        ('normalisation = [{method = "minmax"}]\naggregation = [{method = "geometric"}]\n', [],
         "needs strictly positive"),
    ],
)
def test_bad_uncertainty_input_exits_2_with_a_message(tmp_path, capsys, spec_text, extra, message):
    spec = tmp_path / "spec.toml"
    spec.write_text(spec_text, encoding="utf-8")
    assert run(["uncertainty", "--spec", spec, "--runs", 10, *extra]) == 2
    assert message in capsys.readouterr().err


def test_progress_is_shown_only_on_a_terminal(monkeypatch, capsys):
    from indexlib.cli.uncertainty import terminal_progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert terminal_progress("uncertainty") is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    report = terminal_progress("uncertainty")
    report(500, 1000)
    report(1000, 1000)
    assert capsys.readouterr().err.endswith("uncertainty: 1,000/1,000 runs (100%)\n")


def test_missing_spec_file_exits_2(tmp_path, capsys):
    assert run(["uncertainty", "--spec", tmp_path / "none.toml"]) == 2
    assert "not found" in capsys.readouterr().err


def test_sensitivity_writes_every_city_rank_as_an_output(tmp_path, capsys):
    for name in ("a", "b"):
        assert run(["sensitivity", "--n-base", 64, "--seed", 1, "--num-resamples", 10, "--out", tmp_path / name,
                    "--no-figures"]) == 0
    assert "indices of mean_abs_shift" in capsys.readouterr().out
    frame = pd.read_csv(tmp_path / "a" / "sobol.csv")
    assert frame.columns.tolist() == ["output", "factor", "S1", "S1_conf", "ST", "ST_conf"]
    outputs = frame["output"].unique().tolist()
    assert outputs[0] == "mean_abs_shift" and len(outputs) == 126 and all(o.startswith("rank:") for o in outputs[1:])
    assert len(frame) == 126 * 9
    for name in ("sobol.csv", "sensitivity.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(("argv", "message"), [
    (["--n-base", 100], "power of 2"),
    (["--num-resamples", 1], "num_resamples"),
])
def test_bad_sensitivity_input_exits_2(capsys, argv, message):
    assert run(["sensitivity", *argv]) == 2
    assert message in capsys.readouterr().err


def test_sensitivity_bad_spec_exits_2(tmp_path, capsys):
    spec = tmp_path / "spec.json"
    spec.write_text('{"weights": {"method": "fixed"}, "normalisation": [], "aggregation": [], "outliers": []}',
                    encoding="utf-8")
    assert run(["sensitivity", "--spec", spec, "--n-base", 8]) == 2
    assert "varies nothing" in capsys.readouterr().err


def test_figures_are_written_and_byte_identical(tmp_path):
    pytest.importorskip("matplotlib")
    from indexlib.figures import rank_interval_figure, sobol_figure
    from indexlib.sensitivity import sensitivity_analysis
    from indexlib.uncertainty import uncertainty_analysis

    result = uncertainty_analysis(runs=50, seed=1)
    first = rank_interval_figure(result, tmp_path / "a")
    second = rank_interval_figure(result, tmp_path / "b")
    assert [p.name for p in first] == ["rank_intervals.png", "rank_intervals.svg"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    assert first[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and b"<svg" in first[1].read_bytes()
    sensitivity = sensitivity_analysis(n_base=16, seed=1, num_resamples=5, model=result.model)
    bars = sobol_figure(sensitivity, tmp_path / "a")
    assert [p.name for p in bars] == ["sobol.png", "sobol.svg"]
    assert sobol_figure(sensitivity, tmp_path / "b")[1].read_bytes() == bars[1].read_bytes()


def test_figures_are_skipped_with_a_note_without_matplotlib(monkeypatch, tmp_path, capsys):
    import builtins

    from indexlib.figures import rank_interval_figure
    from indexlib.uncertainty import uncertainty_analysis

    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    result = uncertainty_analysis(runs=10, seed=1)
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert rank_interval_figure(result, tmp_path) == []
    assert "matplotlib is not installed" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_sensitivity_options_have_the_library_names_and_the_old_ones_still_work(capsys):
    from indexlib.cli import _parser

    parser = _parser()
    new = parser.parse_args(["sensitivity", "--n-base", "8", "--num-resamples", "10"])
    old = parser.parse_args(["sensitivity", "--n", "8", "--resamples", "10"])
    default = parser.parse_args(["sensitivity"])
    assert (new.n_base, new.num_resamples) == (old.n_base, old.num_resamples) == (8, 10)
    assert (default.n_base, default.num_resamples) == (1024, 100)
    with pytest.raises(SystemExit):
        parser.parse_args(["sensitivity", "--help"])
    shown = capsys.readouterr().out
    assert "--n-base N" in shown and "--num-resamples R" in shown
    assert "--n " not in shown and "--resamples" not in shown
