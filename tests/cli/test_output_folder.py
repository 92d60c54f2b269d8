"""Output folders are consistent as a whole: replaced at once, serialised, cleaned after a kill,
and every bad ``--out`` refused (exit 2) before any computing."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexlib
from _support import write_small_inputs
from indexlib.cli import main
from indexlib.io import MARKER, check_output_folder, write_folder
from indicators.errors import OutputError


@pytest.fixture
def inputs(tmp_path):
    """A small framework and panel, and a methodology that ranks differently from the default."""
    method = tmp_path / "z.toml"
    method.write_text('[normalisation]\nmethod = "zscore"\n[aggregation]\nmethod = "arithmetic"\n', encoding="utf-8")
    return {**write_small_inputs(tmp_path), "method": method}


def build_args(inputs, out, *extra):
    return ["build", "--data", str(inputs["data"]), "--framework", str(inputs["framework"]), *extra, "--out", str(out)]


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (hidden ones too) with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def fail_after_first_file(monkeypatch, error: BaseException) -> list[Path]:
    """Make the folder writer raise ``error`` when it writes its second file."""
    import indexlib.io

    real, written = indexlib.io._write_file, []

    def flaky(path, data):
        if written:
            raise error
        written.append(path)
        real(path, data)

    monkeypatch.setattr(indexlib.io, "_write_file", flaky)
    return written


# ---------------------------------------------------------------------------------------------- failures
@pytest.mark.parametrize("error, code", [(OSError(28, "No space left on device"), 2), (RuntimeError("boom"), 1)])
def test_a_failure_part_way_through_build_leaves_the_folder_exactly_as_it_was(inputs, tmp_path, monkeypatch, capsys,
                                                                              error, code):
    out = tmp_path / "out"
    assert main(build_args(inputs, out)) == 0
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    before, parent_before = snapshot(out), sorted(os.listdir(tmp_path))
    written = fail_after_first_file(monkeypatch, error)
    assert main(build_args(inputs, out, "--method", str(inputs["method"]))) == code
    assert written  # the failure came part-way, after a file was written
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == parent_before
    assert "Traceback" not in capsys.readouterr().err


def test_a_failure_part_way_through_uncertainty_leaves_the_folder_exactly_as_it_was(inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    args = ["uncertainty", "--data", str(inputs["data"]), "--framework", str(inputs["framework"]), "--runs", "50",
            "--no-figures", "--out", str(out)]
    assert main(args) == 0
    before, parent_before = snapshot(out), sorted(os.listdir(tmp_path))
    expected = {"rank_intervals.csv", "runs.csv.gz", "scenarios.csv", "scenario_ranks.csv", "uncertainty.json"}
    assert expected <= set(before)
    fail_after_first_file(monkeypatch, OSError(28, "No space left on device"))
    assert main([*args[:-2], "--seed", "7", "--out", str(out)]) == 2
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == parent_before


def test_a_failed_first_run_creates_no_folder(inputs, tmp_path, monkeypatch):
    out = tmp_path / "new" / "out"
    fail_after_first_file(monkeypatch, OSError(28, "No space left on device"))
    assert main(build_args(inputs, out)) == 2
    assert not out.exists() and leftovers(out.parent, "out") == []


# ---------------------------------------------------------------------------------------------- sharing
def test_other_commands_files_are_carried_over_and_stale_own_files_removed(inputs, tmp_path):
    out = tmp_path / "out"
    assert main(build_args(inputs, out)) == 0
    built = snapshot(out)
    (out / "notes.txt").write_text("kept\n", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "a.txt").write_text("kept too\n", encoding="utf-8")
    write_folder(out, {"x.csv": "1\n"}, owns=["x.csv", "y.csv"])
    write_folder(out, {"y.csv": "2\n"}, owns=["x.csv", "y.csv"])  # x.csv is now stale: removed
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k in built} == built
    assert (out / "notes.txt").read_text() == "kept\n" and (out / "sub" / "a.txt").read_text() == "kept too\n"
    assert not (out / "x.csv").exists() and (out / "y.csv").read_text() == "2\n"
    assert leftovers(tmp_path, "out") == []


def test_a_folder_that_indexlib_did_not_write_is_never_replaced(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"foreign is a folder that indexlib did not write and it is not empty "
                                          r"\(thesis\.tex\)"):
        write_folder(foreign, {"a.csv": "1\n"})
    assert sorted(os.listdir(foreign)) == ["thesis.tex"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert write_folder(empty, {"a.csv": "1\n"}) == [empty.resolve() / "a.csv"]
    assert sorted(os.listdir(empty)) == [MARKER, "a.csv"]


def test_a_link_to_a_folder_is_followed(tmp_path):
    real = tmp_path / "real"
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    real.mkdir()
    write_folder(tmp_path / "link", {"a.csv": "1\n"})
    assert (tmp_path / "link").is_symlink() and (real / "a.csv").read_text() == "1\n"


# ---------------------------------------------------------------------------------------------- killed runs
def test_leftovers_of_a_killed_run_are_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    write_folder(out, {"a.csv": "old\n"})
    staging = tmp_path / ".out.tmp-abcd1234"
    staging.mkdir()
    (staging / "a.csv").write_text("half", encoding="utf-8")
    stale_old = tmp_path / ".out.old-abcd1234"
    stale_old.mkdir()
    write_folder(out, {"a.csv": "new\n"})
    assert (out / "a.csv").read_text() == "new\n" and leftovers(tmp_path, "out") == []


def test_a_run_killed_between_the_two_renames_is_undone_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    write_folder(out, {"a.csv": "old\n"})
    (out / "keep.txt").write_text("keep\n", encoding="utf-8")
    os.rename(out, tmp_path / ".out.old-abcd1234")  # the state after the first rename of a swap
    write_folder(out, {"b.csv": "new\n"}, owns=["a.csv", "b.csv"])
    assert sorted(os.listdir(out)) == [MARKER, "b.csv", "keep.txt"] and leftovers(tmp_path, "out") == []


_SLOW_WRITER = """
import sys, time
from pathlib import Path
import indexlib.io
real = indexlib.io._write_file
def slow(path, data):
    real(path, data)
    Path({ready!r}).touch()
    time.sleep({pause})
indexlib.io._write_file = slow
from indexlib.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run_slow(args, tmp_path, name, pause):
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(_SLOW_WRITER.format(ready=str(tmp_path / f"{name}.ready"), pause=pause)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, str(script), *map(str, args)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def test_kill_9_part_way_leaves_the_folder_as_it_was_and_the_next_run_cleans_up(inputs, tmp_path):
    out = tmp_path / "out"
    assert main(build_args(inputs, out)) == 0
    before = snapshot(out)
    process = _run_slow(build_args(inputs, out, "--method", inputs["method"]), tmp_path, "killed", 60)
    deadline = time.monotonic() + 120
    while not (tmp_path / "killed.ready").exists():
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read() if process.stderr else ""
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert snapshot(out) == before and leftovers(tmp_path, "out")  # a staging folder is left behind
    assert main(build_args(inputs, out, "--method", str(inputs["method"]))) == 0
    assert leftovers(tmp_path, "out") == [] and snapshot(out) != before


def test_two_concurrent_runs_into_one_folder_leave_one_complete_result(inputs, tmp_path):
    """Two processes with different methodologies write slowly into one folder at the same time: the
    folder ends up exactly as one of them alone writes it (manifest and files agree), with no leftovers."""
    references = {}
    for label, extra in (("default", []), ("zscore", ["--method", str(inputs["method"])])):
        assert main(build_args(inputs, tmp_path / f"ref-{label}", *extra)) == 0
        references[label] = snapshot(tmp_path / f"ref-{label}")
    assert references["default"] != references["zscore"]
    out = tmp_path / "out"
    processes = [_run_slow(build_args(inputs, out, *extra), tmp_path, label, 0.2)
                 for label, extra in (("default", []), ("zscore", ["--method", str(inputs["method"])]))]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert snapshot(out) in references.values()
    assert leftovers(tmp_path, "out") == []


# ---------------------------------------------------------------------------------------------- bad --out
def _no_computing(monkeypatch):
    monkeypatch.setattr(indexlib, "build", lambda *a, **k: pytest.fail("the build ran"))
    import indexlib.uncertainty.engine as engine

    monkeypatch.setattr(engine.UncertaintyModel, "__init__", lambda *a, **k: pytest.fail("the analysis ran"))


BAD_OUT = [
    ("dangling link", lambda t: (t / "link").symlink_to(t / "nowhere") or t / "link",
     r"link is a symbolic link to '.*nowhere', which does not exist"),
    ("below a dangling link", lambda t: (t / "link").symlink_to(t / "nowhere") or t / "link" / "sub",
     r"link/sub: .*link is a symbolic link to '.*nowhere', which does not exist"),
    ("a file", lambda t: (t / "taken").write_text("x") and t / "taken", r"taken is a file; expected a folder"),
    ("below a file", lambda t: (t / "taken").write_text("x") and t / "taken" / "sub",
     r"taken is a file, so no folder can be created below it"),
    ("name too long", lambda t: t / ("n" * 300), r"the name 'n+'… is too long \(300 bytes; at most \d+ here\)"),
    ("path too long", lambda t: t.joinpath(*["d" * 200] * 25), r"the path is too long"),
    ("a folder indexlib did not write", lambda t: (t / "mine").mkdir() or ((t / "mine" / "a.txt").write_text("x")
     and t / "mine"), r"mine is a folder that indexlib did not write and it is not empty \(a\.txt\)"),
    ("the current folder", lambda t: Path("."), r"\. is the current folder or holds it"),
]


@pytest.mark.parametrize("command", [["build"], ["uncertainty"], ["sensitivity"], ["compare", "--weights", "equal"],
                                     ["importance"]])
@pytest.mark.parametrize("case", BAD_OUT, ids=[c[0] for c in BAD_OUT])
def test_every_bad_out_exits_2_before_computing(case, command, tmp_path, monkeypatch, capsys):
    _, make, message = case
    monkeypatch.chdir(tmp_path)
    out = make(tmp_path)
    _no_computing(monkeypatch)
    assert main([*command, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "argument --out: " in err and "Traceback" not in err
    import re

    assert re.search(message, err), err


def test_a_read_only_place_exits_2_even_for_root(monkeypatch, capsys):
    """/proc accepts no new folder, whoever asks (os.access says yes to root, the probe does not)."""
    if not Path("/proc/self").exists():
        pytest.skip("no /proc on this system: no place that refuses root")
    _no_computing(monkeypatch)
    assert main(["build", "--out", "/proc/indexlib-out"]) == 2
    assert "argument --out: /proc/indexlib-out: cannot create a folder in /proc" in capsys.readouterr().err


def test_check_output_folder_creates_nothing(tmp_path):
    target = tmp_path / "a" / "b"
    assert check_output_folder(target) == target.resolve()
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------------------------- property
_NAMES = st.sampled_from(["a.csv", "b.csv", "c.json", "d.gz", "notes.txt"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.dictionaries(_NAMES, st.binary(max_size=20), max_size=3), st.sets(_NAMES),
                          st.dictionaries(_NAMES, st.binary(max_size=5), max_size=2)), min_size=1, max_size=4))
def test_the_folder_is_the_old_unowned_entries_plus_the_new_files(steps):
    """After each write the folder holds exactly: the new files, plus every earlier entry (indexlib's
    or added by hand) whose name the writer neither writes nor owns."""
    with tempfile.TemporaryDirectory() as temporary:
        out, expected = Path(temporary) / "out", {}
        for files, owns, by_hand in steps:
            if out.exists():
                for name, data in by_hand.items():
                    (out / name).write_bytes(data)
                    expected[name] = data
            write_folder(out, files, owns=owns)
            expected = {**{k: v for k, v in expected.items() if k not in files and k not in owns}, **files}
            assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != MARKER} == expected
            assert leftovers(Path(temporary), "out") == []


def test_temporary_files_of_the_old_single_file_writer_are_dropped(tmp_path):
    out = tmp_path / "out"
    write_folder(out, {"a.csv": "1\n"})
    (out / ".a.csv.k2j4h5g6.tmp").write_text("half", encoding="utf-8")
    (out / ".other.k2j4h5g6.tmp").write_text("not ours", encoding="utf-8")
    write_folder(out, {"a.csv": "2\n"})
    assert sorted(os.listdir(out)) == [".indexlib-output", ".other.k2j4h5g6.tmp", "a.csv"]


def test_subfolders_are_owned_as_a_whole_and_a_writer_may_own_the_whole_folder(tmp_path):
    out = tmp_path / "out"
    write_folder(out, {"a.csv": "1\n", "audit/x.csv": "x\n", "audit/deep/y.csv": "y\n"})
    (out / "notes.txt").write_text("by hand\n", encoding="utf-8")
    write_folder(out, {"audit/z.csv": "z\n"})  # audit/ is replaced, a.csv and notes.txt kept
    assert snapshot(out).keys() == {MARKER, "a.csv", "notes.txt", "audit", "audit/z.csv"}
    write_folder(out, {"b.csv": "2\n"}, keep_others=False)
    assert sorted(os.listdir(out)) == [MARKER, "b.csv"] and leftovers(tmp_path, "out") == []
    for bad in ["", "/abs", "../up", "a/../b", "a//b", "./a", MARKER, "a\\b"]:
        with pytest.raises(OutputError, match="is not a relative output path"):
            write_folder(out, {bad: "x"})
    assert sorted(os.listdir(out)) == [MARKER, "b.csv"]


@pytest.mark.parametrize("case", [*BAD_OUT[:4], ("a null byte", lambda t: f"{t}/a\0b", r"contains a null byte")],
                         ids=[*(c[0] for c in BAD_OUT[:4]), "a null byte"])
def test_every_bad_out_of_the_library_writers_is_an_output_error(case, tmp_path):
    _, make, message = case
    with pytest.raises(OutputError, match=message):
        write_folder(make(tmp_path), {"a.csv": "1\n"})


def test_pieces_of_bytes_are_written_in_turn_and_a_failing_generator_leaves_the_folder_as_it_was(tmp_path):
    made = []

    def pieces(name: str, fail: bool = False):
        made.append(name)
        yield b"a"
        if fail:
            raise indexlib.DataValidationError("no")
        yield "β".encode()

    write_folder(tmp_path / "out", {"x.txt": pieces("x"), "y.txt": "y"})
    assert (tmp_path / "out" / "x.txt").read_text(encoding="utf-8") == "aβ" and made == ["x"]
    before = snapshot(tmp_path / "out")
    with pytest.raises(indexlib.DataValidationError):
        write_folder(tmp_path / "out", {"x.txt": pieces("x2"), "y.txt": pieces("y2", fail=True)})
    assert made == ["x", "x2", "y2"]  # each made when its file was written, in order
    assert snapshot(tmp_path / "out") == before and leftovers(tmp_path, "out") == []
