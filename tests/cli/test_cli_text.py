"""The command line's wording: help in plain text, one note for absent indicators, counts in the right number."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from _support import write_small_inputs
from indexlib.cli import COMMAND_MODULES, _parser, main
from indicators.text import plural

MARKUP = re.compile(r"``|:(class|func|mod|data|meth|attr):|\.\. [a-z]+::")


def test_top_level_help_is_plain_text(capsys):
    assert main(["--help"]) == 0
    printed = capsys.readouterr().out
    assert "usage: indexlib" in printed and "build" in printed
    assert not MARKUP.search(printed), printed


@pytest.mark.parametrize("command", [name.replace("_", "-") for name in COMMAND_MODULES])
def test_every_command_help_is_plain_text(command, capsys):
    assert main([command, "--help"]) == 0
    printed = capsys.readouterr().out
    assert f"usage: indexlib {command}" in printed
    assert not MARKUP.search(printed), printed


def test_the_help_lists_every_command_module_once():
    text = _parser().format_help()
    for name in COMMAND_MODULES:
        assert len(re.findall(rf"^    {name.replace('_', '-')}(?!\S)", text, flags=re.M)) == 1


@pytest.mark.parametrize("count, noun, expected", [
    (0, "city", "0 cities"), (1, "city", "1 city"), (2, "city", "2 cities"), (1, "indicator", "1 indicator"),
    (3, "indicator", "3 indicators"), (1_250, "value", "1,250 values"), (2, "criterion", "2 criteria"),
])
def test_plural(count, noun, expected):
    plural_form = "criteria" if noun == "criterion" else None
    assert plural(count, noun, plural_form) == expected


def test_plural_of_a_word_alone():
    assert [plural(n, "has", number=False) for n in (1, 2)] == ["has", "have"]


def test_absent_indicators_make_one_note(tmp_path, capsys):
    written = write_small_inputs(tmp_path)
    frame = pd.read_csv(written["data"])
    indicators = [c for c in frame.columns if c not in {"city_id", "city_en", "country", "continent"}]
    kept = [c for c in frame.columns if c not in indicators[1:3]]  # two indicators of the framework absent
    reduced = tmp_path / "reduced.csv"
    frame[kept].to_csv(reduced, index=False)
    main(["validate", str(reduced), "--framework", str(written["framework"])])
    printed = capsys.readouterr()
    lines = [line for line in (printed.out + printed.err).splitlines() if "no column in" in line]
    assert len(lines) == 1, lines
    assert lines[0].startswith("note: 2 indicators of the framework have no column in")
    assert all(repr(i) in lines[0] for i in indicators[1:3])
