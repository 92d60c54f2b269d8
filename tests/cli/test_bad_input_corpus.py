"""A corpus of bad inputs: every case exits 2 with a message naming the file (and the row, city,
indicator or option where that applies) and saying what was expected — never a traceback, never an
``internal error`` (exit 1). Inputs are never modified and a failed run leaves nothing in ``--out``.

Each case is a set of small files written to a temporary folder and the arguments of one command
(``{tmp}`` stands for the folder); the command runs in-process through :func:`indexlib.cli.main`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import subprocess
import sys
import warnings
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _support import small_framework, small_panel
from indexlib.cli import main

FW = ["--framework", "{tmp}/small.toml"]
GOOD = small_panel().to_csv(index=False)  # header: city_id,country,continent,i1..i5; cities c00..c11
LINES = GOOD.splitlines()


def with_cell(row: int, column: str, text: str) -> str:
    """GOOD with the cell of data row ``row`` (0-based) and ``column`` replaced by ``text`` (CSV-quoted)."""
    frame = small_panel().astype(object)
    frame.loc[row, column] = text
    return frame.to_csv(index=False)


def long_panel(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = small_panel() if frame is None else frame
    return frame.melt(id_vars=["city_id", "country", "continent"], var_name="indicator_id", value_name="value")


def small_toml(**changes: object) -> str:
    """The small framework as TOML, with ``indicators.1.<key> = value`` style changes applied."""
    data = small_framework().to_dict()
    for path, value in changes.items():
        *head, last = path.split("__")
        target: object = data
        for key in head:
            target = target[int(key)] if isinstance(target, list) else target[key]  # type: ignore[index]
        if value is DELETE:
            del target[last]  # type: ignore[union-attr]
        else:
            target[last] = value  # type: ignore[index]
    from indicators import _toml

    return _toml.dumps(data)


DELETE = object()

IMETA_HEADER = '"Level","iCode","iName","Direction","Weight","Parent","Type"\n'
IMETA_ROWS = ['1,"i1","one",1,1,"A","Indicator"\n', '1,"i2","two",-1,1,"A","Indicator"\n',
              '1,"i3","three",1,1,"A","Indicator"\n', '1,"i4","four",1,1,"B","Indicator"\n',
              '1,"i5","five",1,1,"B","Indicator"\n', '2,"A","A",NA,1,"index","Aggregate"\n',
              '2,"B","B",NA,1,"index","Aggregate"\n', '3,"index","Index",NA,1,NA,"Aggregate"\n']


def imeta(first_row: str | None = None, extra: str = "") -> str:
    return IMETA_HEADER + (first_row or IMETA_ROWS[0]) + "".join(IMETA_ROWS[1:]) + extra


def not_an_xlsx() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "a zip archive, but no workbook in it")
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    id: str
    argv: list[str]
    message: str  # regex searched in stderr
    files: dict[str, str | bytes] = field(default_factory=dict)
    code: int = 2


def build(data: str, *more: str) -> list[str]:
    return ["build", "--data", f"{{tmp}}/{data}", *FW, *more]


def method(name: str) -> list[str]:
    return ["build", "--data", "{tmp}/good.csv", *FW, "--method", f"{{tmp}}/{name}"]


def framework(name: str) -> list[str]:
    return ["build", "--data", "{tmp}/good.csv", "--framework", f"{{tmp}}/{name}"]


def uncertainty(*more: str) -> list[str]:
    return ["uncertainty", "--data", "{tmp}/good.csv", *FW, "--no-figures", "--runs", "20", *more]


def sensitivity(*more: str) -> list[str]:
    return ["sensitivity", "--data", "{tmp}/good.csv", *FW, "--no-figures", *more]


def compare(*more: str) -> list[str]:
    return ["compare", "--data", "{tmp}/good.csv", *FW, *more]


CASES = [
    # ------------------------------------------------------------------ panel files: bytes and layout
    Case("empty file", build("p.csv"), r"p\.csv: the file is empty; expected a header row", {"p.csv": ""}),
    Case("blank lines only", build("p.csv"), r"p\.csv: the file is empty", {"p.csv": " \n\n  \n"}),
    Case("header only", build("p.csv"), r"p\.csv: 0 cities; at least 3 are needed",
         {"p.csv": "city_id,i1,i2,i3,i4,i5\n"}),
    Case("random binary bytes", build("p.csv"), r"p\.csv, line 1: the file holds binary data .*expected a UTF-8 CSV",
         {"p.csv": bytes(range(256)) * 4}),
    Case("latin-1 accents", build("p.csv"),
         r"p\.csv, line 3: not UTF-8 text \(byte 0xE1 .*\); expected a UTF-8 file",
         {"p.csv": (LINES[0] + "\n" + LINES[1] + "\n" + LINES[2].replace("c01", "Bogotá") + "\n").encode("latin-1")}),
    Case("UTF-16 (Excel 'Unicode text')", build("p.csv"), r"p\.csv: the file is UTF-16 text; expected UTF-8",
         {"p.csv": GOOD.encode("utf-16")}),
    Case("semicolon-separated", build("p.csv"),
         r"p\.csv, row 1: the header 'city_id;country.*has no comma; the file seems separated by semicolons",
         {"p.csv": GOOD.replace(",", ";")}),
    Case("comma-separated .tsv", build("p.tsv"), r"p\.tsv, row 1: .* seems separated by commas.*expected to be "
         r"separated by tabs", {"p.tsv": GOOD}),
    Case("row with an extra field", build("p.csv"),
         r"p\.csv, row 4, city 'c02': 9 field\(s\), but the header \(row 1\) has 8",
         {"p.csv": "\n".join([*LINES[:3], LINES[3] + ",7", *LINES[4:]]) + "\n"}),
    Case("unterminated quote", build("p.csv"), r"p\.csv, row 14: a quoted value is never closed",
         {"p.csv": GOOD + 'c99,"K1,X,1,2,3,4,5\n'}),
    Case("unsupported suffix", build("p.dat"), r"p\.dat: unsupported panel format '\.dat'; expected \.csv",
         {"p.dat": GOOD}),
    Case("CSV text named .xlsx", build("p.xlsx"), r"p\.xlsx: cannot be read as an Excel workbook.*expected an \.xlsx",
         {"p.xlsx": GOOD}),
    Case("zip archive without a workbook", build("p.xlsx"), r"p\.xlsx: cannot be read as an Excel workbook",
         {"p.xlsx": not_an_xlsx()}),
    Case("CSV text named .parquet", build("p.parquet"), r"p\.parquet: cannot be read as a Parquet table",
         {"p.parquet": GOOD}),
    Case("a folder as --data", ["build", "--data", "{tmp}", *FW], r": is a folder; expected a panel file"),
    Case("missing --data file", build("none.csv"), r"none\.csv: panel file not found"),
    Case("TOML framework as --data", build("small.toml"), r"small\.toml: unsupported panel format '\.toml'"),
    # ------------------------------------------------------------------ panel contents: wide
    Case("no city_id column", build("p.csv"), r"p\.csv: no city id column; .*the header has 'city', 'country'",
         {"p.csv": GOOD.replace("city_id", "city", 1)}),
    Case("empty city_id cell", build("p.csv"), r"p\.csv, row 3: empty city id; every row needs a city_id",
         {"p.csv": with_cell(1, "city_id", "")}),
    Case("duplicate city", build("p.csv"), r"p\.csv, rows 2, 14: city 'c00' appears more than once; expected one row",
         {"p.csv": GOOD + LINES[1] + "\n"}),
    Case("duplicate column", build("p.csv"), r"p\.csv, columns 7, 8: column 'i4' appears more than once",
         {"p.csv": GOOD.replace("i5", "i4", 1)}),
    Case("unknown indicator column", build("p.csv"), r"p\.csv, column 8 'i6': unknown indicator id; expected one of "
         r"the framework 'small' indicator ids \(i1, i2, i3, i4, i5\)", {"p.csv": GOOD.replace("i5", "i6", 1)}),
    Case("unnamed column holding values", build("p.csv"), r"p\.csv, column 9: holds values but has no name",
         {"p.csv": "\n".join([LINES[0] + ","] + [line + ",5" for line in LINES[1:]]) + "\n"}),
    Case("thousands separator", build("p.csv"), r"p\.csv, row 3, city 'c01', indicator 'i1': non-numeric value "
         r"'1,234'; expected a number or an empty cell", {"p.csv": with_cell(1, "i1", "1,234")}),
    Case("decimal comma", build("p.csv"), r"p\.csv, row 5, city 'c03', indicator 'i2': non-numeric value '2,5'",
         {"p.csv": with_cell(3, "i2", "2,5")}),
    Case("inf", build("p.csv"), r"p\.csv, row 2, city 'c00', indicator 'i3': infinite value 'inf'; expected a "
         r"finite number", {"p.csv": with_cell(0, "i3", "inf")}),
    Case("-inf", build("p.csv"), r"p\.csv, row 2, city 'c00', indicator 'i3': infinite value '-inf'",
         {"p.csv": with_cell(0, "i3", "-inf")}),
    Case("1e999 overflows to inf", build("p.csv"), r"p\.csv, row 2, city 'c00', indicator 'i3': infinite value "
         r"'1e999'", {"p.csv": with_cell(0, "i3", "1e999")}),
    Case("1e200: finite but overflows the moments", build("p.csv"), r"p\.csv, row 7, city 'c05', indicator 'i4': "
         r"value '1e200' is too large to compute with", {"p.csv": with_cell(5, "i4", "1e200")}),
    Case("row numbers count blank lines", build("p.csv"), r"p\.csv, row 5, city 'c02', indicator 'i1': non-numeric "
         r"value 'oops", {"p.csv": "\n".join([*LINES[:3], "", LINES[3].replace("1.99045", "oops", 1), *LINES[4:]])
                            + "\n"}),
    Case("only 2 cities", build("p.csv"), r"p\.csv: 2 cities; at least 3 are needed",
         {"p.csv": "\n".join(LINES[:3]) + "\n"}),
    Case("a whole dimension missing", build("p.csv"), r"p\.csv: node\(s\) \['B'\] have no data for any city",
         {"p.csv": small_panel().drop(columns=["i4", "i5"]).to_csv(index=False)}),
    Case("all but 2 cities without values", build("p.csv"), r"p\.csv: only 2 cities pass the coverage screen",
         {"p.csv": small_panel().astype(object).assign(
             **{c: [1.0, 2.0] + [""] * 10 for c in ["i1", "i2", "i3", "i4", "i5"]}).to_csv(index=False)}),
    # ------------------------------------------------------------------ panel contents: long
    Case("long panel without 'value'", build("p.csv"), r"p\.csv: long panel lacks column\(s\) \['value'\]; "
         r"expected the columns city_id, indicator_id, value", {"p.csv": "city_id,indicator_id,val\nc1,i1,3\n"}),
    Case("long panel without 'indicator_id'", build("p.csv"), r"p\.csv: long panel lacks column\(s\) "
         r"\['indicator_id'\]", {"p.csv": "city_id,value\na,1\nb,2\nc,3\n"}),
    Case("long panel with a repeated city and indicator", build("p.csv"),
         r"p\.csv, rows 2, 62: city 'c00', indicator 'i1' has more than one value; expected one row per city and "
         r"indicator", {"p.csv": pd.concat([long_panel(), long_panel().iloc[[0]]]).to_csv(index=False)}),
    Case("long panel with an unknown indicator id", build("p.csv"), r"p\.csv, row 3, city 'c01': unknown indicator "
         r"id 'i9'", {"p.csv": long_panel().assign(indicator_id=lambda f: f["indicator_id"].where(f.index != 1, "i9"))
                      .to_csv(index=False)}),
    Case("long panel with conflicting countries", build("p.csv"), r"p\.csv: city 'c03' has different 'country' "
         r"values: 'ZZ' \(row 5\), 'K0' \(row 17\); expected one country per city",
         {"p.csv": long_panel().assign(country=lambda f: f["country"].where(f.index != 3, "ZZ")).to_csv(index=False)}),
    # ------------------------------------------------------------------ malformed files (issue 8 §4)
    Case("short row", build("p.csv"), r"p\.csv, row 4, city 'c02': 7 field\(s\), but the header \(row 1\) has 8; "
         r"expected one field per column", {"p.csv": "\n".join([*LINES[:3], LINES[3].rpartition(",")[0], *LINES[4:]])
                                            + "\n"}),
    Case("short and long rows all listed", build("p.csv"),
         r"p\.csv: 2 problem\(s\) in the panel:\n  - .*p\.csv, row 3, "
         r"city 'c01': 6 field\(s\).*\n  - .*p\.csv, row 6, city 'c04': 10 field\(s\), but the header \(row 1\) has 8",
         {"p.csv": "\n".join([*LINES[:2], LINES[2].rsplit(",", 2)[0], *LINES[3:5], LINES[5] + ",1,2", *LINES[6:]])
          + "\n"}),
    Case("row numbers count blank lines before the header", build("p.csv"), r"p\.csv, row 5, city 'c01': 7 "
         r"field\(s\), but the header \(row 3\) has 8",
         {"p.csv": "\n\n" + "\n".join([*LINES[:2], LINES[2].rpartition(",")[0], *LINES[3:]]) + "\n"}),
    Case("header repeated as a data row", build("p.csv"), r"p\.csv, row 8: repeats the header \(city id 'city_id'\); "
         r"expected one header row", {"p.csv": "\n".join([*LINES[:7], LINES[0], *LINES[7:]]) + "\n"}),
    Case("row holding only a city id", build("p.csv"), r"p\.csv, row 14, city 'c99': 1 field\(s\), but the header "
         r"\(row 1\) has 8", {"p.csv": GOOD + "c99\n"}),
    Case("row holding only a city id and empty fields", build("p.csv"), r"p\.csv, row 14, city 'c99': the row holds "
         r"only a city id; expected the city's values", {"p.csv": GOOD + "c99,,,,,,,\n"}),
    Case("long row holding only a city id", build("p.csv"), r"p\.csv, row 62, city 'c99': the row holds only a city "
         r"id", {"p.csv": long_panel().to_csv(index=False) + "c99,,,,\n"}),
    Case("long panel with wide indicator columns", build("p.csv"), r"p\.csv, row 1: a long panel \(columns city_id, "
         r"indicator_id, value\) that also has indicator column\(s\) 'i4'; expected one form",
         {"p.csv": long_panel().assign(i4=1.0).to_csv(index=False)}),
    Case("NUL byte past the first 64 KiB", build("p.csv"), r"p\.csv, line 1998: the file holds binary data \(a NUL "
         r"byte at offset \d+\)", {"p.csv": small_panel(2000).to_csv(index=False).replace("c1996,", "c1996\x00,")}),
    Case("units differ within an indicator", build("p.csv"), r"p\.csv, indicator 'i3': rows give different units: "
         r"'ug/m3' for 10 cities \('c00', 'c01', 'c02', 'c03', 'c05', …\); 'index \(0-100\)' for 2 cities \('c04', "
         r"'c07'\); expected one unit per indicator",
         {"p.csv": long_panel().assign(unit=lambda f: ["index (0-100)" if (i == "i3" and c in ("c04", "c07")) else
                                                       "ug/m3" for c, i in zip(f["city_id"], f["indicator_id"])])
          .to_csv(index=False)}),
    Case("long panel with two years and no year chosen", build("p.csv"), r"p\.csv, rows 2, 62: city_id 'c00', "
         r"indicator_id 'i1' has a row for each of several years; the 'year' column holds the years '2024', '2025'; "
         r"choose one with --year", {"p.csv": pd.concat([long_panel().assign(year=2024),
                                                         long_panel().assign(year=2025)]).to_csv(index=False)}),
    Case("wide COINr panel with two Time values", build("p.csv"), r"p\.csv, rows 2, 14: city_id 'c00' has a row for "
         r"each of several years; the 'Time' column holds the years '2024', '2025'",
         {"p.csv": pd.concat([small_panel().assign(Time=2024), small_panel().assign(Time=2025)]).to_csv(index=False)}),
    Case("--year absent from the panel", build("p.csv", "--year", "2023"), r"p\.csv: no row of year 2023; the 'year' "
         r"column holds '2024', '2025'", {"p.csv": pd.concat([long_panel().assign(year=2024),
                                                             long_panel().assign(year=2025)]).to_csv(index=False)}),
    Case("--year for a panel without years", build("good.csv", "--year", "2025"), r"good\.csv: year 2025 was chosen, "
         r"but the panel has no 'year' or 'Time' column"),
    Case("--year without a packaged panel", ["build", "--year", "1999"], r"no panel is packaged for the year 1999; "
         r"packaged years: 2025"),
    Case("--year x", build("good.csv", "--year", "x"), r"argument --year: 'x' is not a year"),
    # ------------------------------------------------------------------ short messages (issue 8 §8)
    Case("a 1 MiB cell is quoted to 80 characters", build("p.csv"), r"p\.csv, row 3, city 'c01', indicator 'i2': "
         r"non-numeric value 'x{80}'… \(1,048,576 characters\); expected a number",
         {"p.csv": with_cell(1, "i2", "x" * 2**20)}),
    Case("a 1 MiB city id is quoted to 80 characters", build("p.csv"), r"p\.csv, rows 2, 3: city 'y{80}'… "
         r"\(1,048,576 characters\) appears more than once",
         {"p.csv": small_panel().assign(city_id=["y" * 2**20] * 2 + [f"c{k}" for k in range(10)]).to_csv(index=False)}),
    Case("a 1 MiB column name is quoted to 80 characters", build("p.csv"), r"p\.csv, column 8 'z{80}'… "
         r"\(1,048,576 characters\): unknown indicator id", {"p.csv": GOOD.replace("i5", "z" * 2**20, 1)}),
    # ------------------------------------------------------------------ validate
    Case("validate: every problem listed", ["validate", "{tmp}/p.csv", *FW, "--all"],
         r"p\.csv: 2 problem\(s\) in the panel:\n  - .*p\.csv, row 2, city 'c00', indicator 'i1': "
         r"non-numeric value 'x'.*\n"
         r"  - .*p\.csv, row 3, city 'c01', indicator 'i1': infinite value 'inf'",
         {"p.csv": small_panel().astype(object).assign(i1=["x", "inf"] + [1.0] * 10).to_csv(index=False)}),
    Case("validate: binary file", ["validate", "{tmp}/p.csv", *FW], r"p\.csv, line 1: the file holds binary data",
         {"p.csv": b"\x00\x01\x02" * 50}),
    Case("validate: a folder", ["validate", "{tmp}", *FW], r"is a folder; expected a panel file"),
    Case("validate: a whole dimension missing", ["validate", "{tmp}/p.csv", *FW], r"p\.csv: node\(s\) \['B'\] have no "
         r"data for any city", {"p.csv": small_panel().drop(columns=["i4", "i5"]).to_csv(index=False)}),
    Case("validate: --method geometric on [0, 100]", ["validate", "{tmp}/good.csv", *FW, "--method", "{tmp}/m.toml"],
         r"good\.csv: the aggregation needs strictly positive normalised values",
         {"m.toml": '[aggregation]\nmethod = "geometric"\n'}),
    Case("validate: --method with an unknown reference city", ["validate", "{tmp}/good.csv", *FW, "--method",
         "{tmp}/m.toml"], r"m\.toml: normalisation\.reference_city 'atlantis' is not a city",
         {"m.toml": '[normalisation]\nmethod = "reference"\nreference_city = "atlantis"\n'}),
    # ------------------------------------------------------------------ frameworks (TOML/JSON)
    Case("framework: cycle", framework("fw.toml"), r"fw\.toml: .*node 'A' is part of a cycle of parents",
         {"fw.toml": small_toml(nodes__1__parent="B", nodes__2__parent="A")}),
    Case("framework: duplicate id", framework("fw.toml"), r"fw\.toml: duplicate id 'i1'",
         {"fw.toml": small_toml(indicators__1__id="i1")}),
    Case("framework: unknown parent", framework("fw.toml"), r"fw\.toml: 'i2' names parent 'Z', which is not a node",
         {"fw.toml": small_toml(indicators__1__parent="Z")}),
    Case("framework: negative weight", framework("fw.toml"), r"fw\.toml: indicators\.1\.weight \(indicator 'i2'\): "
         r"Input should be greater than or equal to 0", {"fw.toml": small_toml(indicators__1__weight=-1.0)}),
    Case("framework: weight as text", framework("fw.toml"), r"fw\.toml: indicators\.1\.weight \(indicator 'i2'\): "
         r"Input should be a valid number", {"fw.toml": small_toml(indicators__1__weight="heavy")}),
    Case("framework: unknown key", framework("fw.toml"), r"fw\.toml: indicators\.1 \(indicator 'i2'\): "
         r"unknown setting 'wieght'; did you mean 'weight'\?", {"fw.toml": small_toml(indicators__1__wieght=1.0)}),
    Case("framework: missing polarity", framework("fw.toml"), r"fw\.toml: indicators\.1\.polarity \(indicator "
         r"'i2'\): Field required", {"fw.toml": small_toml(indicators__1__polarity=DELETE)}),
    Case("framework: node weights all zero", framework("fw.toml"), r"fw\.toml: all weights among the children of "
         r"'B' are zero", {"fw.toml": small_toml(indicators__3__weight=0.0, indicators__4__weight=0.0)}),
    Case("framework: .yaml", framework("fw.yaml"), r"fw\.yaml: a framework file must be \.toml, \.json or a COINr",
         {"fw.yaml": "id: x\n"}),
    Case("framework: bad TOML", framework("fw.toml"), r"fw\.toml: not valid TOML", {"fw.toml": "id = [\n"}),
    Case("framework: JSON list", framework("fw.json"), r"fw\.json: expected a JSON object", {"fw.json": "[1, 2]"}),
    Case("framework: latin-1 TOML", framework("fw.toml"),
         r"fw\.toml, line \d+: not UTF-8 text \(byte 0xE1 at offset \d+\); "
         r"expected a UTF-8 encoded TOML framework file",
         {"fw.toml": small_toml(indicators__1__name_en="Bogotá").encode("latin-1")}),
    Case("framework: folder named .toml", ["build", "--data", "{tmp}/good.csv", "--framework", "{tmp}/dir.toml"],
         r"dir\.toml: is a folder; expected a framework file", {"dir.toml/.keep": ""}),
    Case("framework: unknown id", ["build", "--data", "{tmp}/good.csv", "--framework", "no-such-framework"],
         r"framework 'no-such-framework' is neither a built-in framework"),
    # ------------------------------------------------------------------ frameworks (COINr iMeta)
    Case("iMeta: Direction 0", framework("meta.csv"), r"meta\.csv, row 2, indicator 'i1': Direction '0'; expected "
         r"1 \(more is better\) or -1", {"meta.csv": imeta('1,"i1","one",0,1,"A","Indicator"\n')}),
    Case("iMeta: Direction as text", framework("meta.csv"), r"meta\.csv, row 2, indicator 'i1': Direction 'up' is "
         r"not a finite number", {"meta.csv": imeta('1,"i1","one","up",1,"A","Indicator"\n')}),
    Case("iMeta: Weight as text", framework("meta.csv"), r"meta\.csv, row 2, indicator 'i1': Weight 'heavy' is not "
         r"a finite number; expected a number >= 0", {"meta.csv": imeta('1,"i1","one",1,"heavy","A","Indicator"\n')}),
    Case("iMeta: negative Weight", framework("meta.csv"), r"meta\.csv, row 2, indicator 'i1': Weight '-2' is "
         r"negative", {"meta.csv": imeta('1,"i1","one",1,-2,"A","Indicator"\n')}),
    Case("iMeta: unknown Type", framework("meta.csv"), r"meta\.csv, row 2: Type 'Indikator' for 'i1'; expected "
         r"Indicator, Aggregate", {"meta.csv": imeta('1,"i1","one",1,1,"A","Indikator"\n')}),
    Case("iMeta: indicator without Parent", framework("meta.csv"), r"meta\.csv, row 2, indicator 'i1': no Parent; "
         r"expected the iCode of an Aggregate row", {"meta.csv": imeta('1,"i1","one",1,1,NA,"Indicator"\n')}),
    Case("iMeta: empty iCode", framework("meta.csv"), r"meta\.csv, row 2: empty iCode",
         {"meta.csv": imeta('1,"","one",1,1,"A","Indicator"\n')}),
    Case("iMeta: repeated iCode", framework("meta.csv"), r"meta\.csv, rows 2, 10: iCode 'i1' appears more than once",
         {"meta.csv": imeta(extra='1,"i1","again",1,1,"B","Indicator"\n')}),
    Case("iMeta: row with extra fields", framework("meta.csv"), r"meta\.csv, row 10: 9 fields, but the header has 7",
         {"meta.csv": imeta(extra='1,"i6","six",1,1,"B","Indicator",7,8\n')}),
    Case("iMeta: latin-1", framework("meta.csv"), r"meta\.csv, line 2: not UTF-8 text",
         {"meta.csv": imeta('1,"i1","Bogotá",1,1,"A","Indicator"\n').encode("latin-1")}),
    Case("iMeta: missing columns", framework("meta.csv"), r"meta\.csv: not a COINr iMeta table; missing columns "
         r"\['Weight'\]", {"meta.csv": '"iCode","Parent","Type","Direction"\n"i1","A","Indicator",1\n'}),
    Case("iMeta: a panel CSV given as framework", framework("good.csv"), r"good\.csv: not a COINr iMeta table"),
    Case("iMeta: cycle", framework("meta.csv"), r"meta\.csv: .*node 'A' is part of a cycle",
         {"meta.csv": IMETA_HEADER + "".join(IMETA_ROWS[:5]) + '2,"A","A",NA,1,"B","Aggregate"\n'
          '2,"B","B",NA,1,"A","Aggregate"\n3,"index","I",NA,1,NA,"Aggregate"\n'}),
    # ------------------------------------------------------------------ methodology
    Case("methodology: unknown key", method("m.toml"), r"m\.toml: unknown setting 'foo' \(valid: screening, ",
         {"m.toml": "foo = 1\n"}),
    Case("methodology: min_overall = 'half'", method("m.toml"), r"m\.toml: screening\.min_overall: Input should be a "
         r"valid number", {"m.toml": '[screening]\nmin_overall = "half"\n'}),
    Case("methodology: range [100, 0]", method("m.toml"), r"m\.toml: normalisation\.range: range must be \(low, high\) "
         r"with low < high", {"m.toml": "[normalisation]\nrange = [100, 0]\n"}),
    Case("methodology: goalposts missing an indicator", method("m.toml"), r"goalposts lacks indicator\(s\) "
         r"\['i2', 'i3', 'i4', 'i5'\] used in this build",
         {"m.toml": '[normalisation]\nmethod = "goalposts"\ngoalposts = {i1 = [0, 10]}\n'}),
    Case("methodology: unknown reference city", method("m.toml"), r"m\.toml: normalisation\.reference_city "
         r"'atlantis' is not a city of the panel",
         {"m.toml": '[normalisation]\nmethod = "reference"\nreference_city = "atlantis"\n'}),
    Case("methodology: weights for unknown ids", method("m.toml"), r"weights given for unknown ids \['zz'\]",
         {"m.toml": "[weights]\nzz = 2\n"}),
    Case("methodology: all-zero sibling weights", method("m.toml"), r"all weights among the children of 'B' are zero",
         {"m.toml": "[weights]\ni4 = 0\ni5 = 0\n"}),
    Case("methodology: negative weight", method("m.toml"), r"m\.toml: weights: weights must be >= 0; "
         r"got \{'i4': -1\.0\}", {"m.toml": "[weights]\ni4 = -1\n"}),
    Case("methodology: .yaml", method("m.yaml"), r"m\.yaml: a methodology file must be \.toml or \.json",
         {"m.yaml": "a: 1\n"}),
    Case("methodology: missing file", method("none.toml"), r"none\.toml: methodology file not found"),
    Case("methodology: geometric mean of min-max [0, 100]", method("m.toml"), r"good\.csv: the aggregation needs "
         r"strictly positive normalised values, but city '\w+' has 0 on indicator", {"m.toml": '[aggregation]\n'
                                                                                       'method = "geometric"\n'}),
    Case("methodology: the framework file instead", method("small.toml"), r"small\.toml: unknown setting 'id'"),
    Case("methodology: misspelt option", method("m.toml"), r"m\.toml: normalisation: unknown setting 'rnage'; did you "
         r"mean 'range'\?", {"m.toml": '[normalisation]\nrnage = [0, 100]\n'}),
    Case("methodology: misspelt method", method("m.toml"), r"m\.toml: normalisation\.method: unknown normaliser "
         r"'minmx'; did you mean 'minmax'\?", {"m.toml": '[normalisation]\nmethod = "minmx"\n'}),
    Case("methodology: misspelt option of the method", method("m.toml"), r"m\.toml: normalisation: unknown option "
         r"'feature_rnage' of normaliser 'minmax'; did you mean 'feature_range'\?",
         {"m.toml": '[normalisation.options]\nfeature_rnage = [0, 100]\n'}),
    Case("methodology: misspelt aggregator", method("m.toml"), r"m\.toml: aggregation\.method: unknown aggregator "
         r"'geometirc'; did you mean 'geometric'\?", {"m.toml": '[aggregation]\nmethod = "geometirc"\n'}),
    # ------------------------------------------------------------------ options
    Case("--out is an existing file", build("good.csv", "--out", "{tmp}/taken"), r"argument --out: .*taken is a file; "
         r"expected a folder", {"taken": "keep me"}),
    Case("--out below a file", build("good.csv", "--out", "{tmp}/taken/sub"), r"argument --out: .*taken is a file, "
         r"so no folder can be created below it", {"taken": "keep me"}),
    Case("--top -3", build("good.csv", "--top", "-3"), r"argument --top: -3 is out of range; expected a positive"),
    Case("--top 0", build("good.csv", "--top", "0"), r"argument --top: 0 is out of range"),
    Case("--top x", build("good.csv", "--top", "x"), r"argument --top: 'x' is not an integer"),
    Case("uncertainty --runs 0", uncertainty("--runs", "0"), r"runs: Input should be greater than or equal to 1"),
    Case("uncertainty --runs -5", uncertainty("--runs", "-5"), r"runs: Input should be greater than or equal to 1"),
    Case("uncertainty --seed -1", uncertainty("--seed", "-1"), r"seed: Input should be greater than or equal to 0"),
    Case("uncertainty --chunk-size 0", uncertainty("--chunk-size", "0"), r"argument --chunk-size: 0 is out of range"),
    Case("uncertainty --show -1", uncertainty("--show", "-1"), r"argument --show: -1 is out of range; expected an "
         r"integer >= 0"),
    Case("uncertainty --out is a file", uncertainty("--out", "{tmp}/taken"), r"argument --out: .*taken is a file",
         {"taken": "x"}),
    Case("uncertainty spec: spread 2", uncertainty("--spec", "{tmp}/u.toml"), r"u\.toml: weights\.spread: must be "
         r"below 1", {"u.toml": "[weights]\nspread = 2\n"}),
    Case("uncertainty spec: unknown normalisation", uncertainty("--spec", "{tmp}/u.toml"), r"u\.toml: "
         r"normalisation\.0\.method: unknown normaliser 'softmax' \(valid: borda, fracmax, goalposts",
         {"u.toml": '[[normalisation]]\nmethod = "softmax"\n'}),
    Case("uncertainty spec: alternatives file missing", uncertainty("--spec", "{tmp}/u.toml"),
         r"missing\.toml: weight alternative file not found",
         {"u.toml": '[weights]\nmethod = "alternatives"\nalternatives = ["missing.toml", {A = 1, B = 2}]\n'}),
    Case("uncertainty spec: missing", uncertainty("--spec", "{tmp}/none.toml"), r"none\.toml: uncertainty spec file "
         r"not found"),
    Case("sensitivity --n-base 3", sensitivity("--n-base", "3"), r"n_base must be a power of 2 .*got 3"),
    Case("sensitivity --n-base 0", sensitivity("--n-base", "0"),
         r"argument --n-base: 0 is out of range; expected a positive"),
    Case("sensitivity --seed -1", sensitivity("--n-base", "8", "--seed", "-1"), r"argument --seed: -1 is out of range; "
         r"expected an integer >= 0"),
    Case("sensitivity --conf-level 1.5", sensitivity("--n-base", "8", "--conf-level", "1.5"), r"argument --conf-level: "
         r"1\.5 is out of range; expected a level strictly between 0 and 1"),
    Case("sensitivity --num-resamples 1", sensitivity("--n-base", "8", "--num-resamples", "1"),
         r"num_resamples must be an integer >= 2"),
    Case("compare --weights ahp:missing.toml", compare("--weights", "ahp:missing.toml"), r"weight scheme "
         r"'missing\.toml' is neither a built-in scheme .* nor an existing file"),
    Case("compare --weights ,,", compare("--weights", ",,"), r"argument --weights: ',,' names no scheme"),
    Case("compare --weights scheme:", compare("--weights", "scheme:"), r"argument --weights: 'scheme:' names no "
         r"scheme after ':'"),
    Case("compare --weights foo:bar", compare("--weights", "foo:bar"), r"argument --weights: unknown scheme kind "
         r"'foo'"),
    Case("compare --weights magic", compare("--weights", "magic"), r"unknown weighting method 'magic'; valid names"),
    Case("compare --out is a file", compare("--weights", "equal", "--out", "{tmp}/taken"), r"argument --out: .*taken "
         r"is a file", {"taken": "x"}),
    Case("importance --out is a file", ["importance", "--data", "{tmp}/good.csv", *FW, "--out", "{tmp}/taken"],
         r"argument --out: .*taken is a file", {"taken": "x"}),
    Case("compare-published --year 1999", ["compare-published", "--year", "1999"], r"argument --year: no published "
         r"ranking is packaged for 1999; available years: 2025"),
    Case("schema --which bad", ["schema", "--which", "bad"], r"argument --which: invalid choice: 'bad'"),
]


def _write(tmp: Path, files: dict[str, str | bytes]) -> None:
    (tmp / "small.toml").write_text(small_framework().to_toml(), encoding="utf-8")
    (tmp / "good.csv").write_text(GOOD, encoding="utf-8")
    for name, content in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _snapshot(tmp: Path) -> dict[str, str]:
    return {str(p.relative_to(tmp)): hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_exits_2_with_a_clear_message(case: Case, tmp_path: Path, capsys) -> None:
    _write(tmp_path, case.files)
    before = _snapshot(tmp_path)
    argv = [a.format(tmp=tmp_path) for a in case.argv]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == case.code, err
    assert "Traceback" not in err and "internal error" not in err
    assert _snapshot(tmp_path) == before  # inputs unchanged, no output and no temporary file left behind
    assert re.search(case.message, err), f"{case.message!r} not found in:\n{err}"
    lines = err.splitlines()
    assert len(lines) <= 23 and max(map(len, lines)) <= 600, "a short message: at most 20 problems, values cut"


# ---------------------------------------------------------------------------------------------- accepted inputs
def _ranking(capsys, argv: list[str]) -> str:
    assert main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


@pytest.mark.parametrize("content", [
    pytest.param("\ufeff" + GOOD, id="UTF-8 with BOM"),
    pytest.param(GOOD.replace(",i5", ", i5 ", 1), id="header with spaces around an id"),
    pytest.param("\n".join(line + "," for line in LINES) + "\n", id="trailing separator on every line"),
    pytest.param(GOOD + "\n\n", id="trailing blank lines"),
    pytest.param("\n \n" + GOOD, id="blank lines before the header"),
    pytest.param(long_panel().to_csv(index=False), id="long panel"),
])
def test_equivalent_panels_give_the_same_ranking(content, tmp_path, capsys):
    _write(tmp_path, {"p.csv": content})
    expected = _ranking(capsys, ["build", "--data", str(tmp_path / "good.csv"), "--framework",
                                 str(tmp_path / "small.toml")])
    before = (tmp_path / "p.csv").read_bytes()
    assert _ranking(capsys, ["build", "--data", str(tmp_path / "p.csv"), "--framework",
                             str(tmp_path / "small.toml")]) == expected
    assert (tmp_path / "p.csv").read_bytes() == before


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_coinr_meta_gives_the_toml_framework_ranking(separator, tmp_path, capsys):
    _write(tmp_path, {"meta.csv": imeta().replace(",", separator)})
    expected = _ranking(capsys, ["build", "--data", str(tmp_path / "good.csv"), "--framework",
                                 str(tmp_path / "small.toml")])
    assert _ranking(capsys, ["build", "--data", str(tmp_path / "good.csv"), "--framework",
                             str(tmp_path / "meta.csv")]) == expected


def test_indicator_ids_without_leading_zeros_are_the_zero_padded_ids(tmp_path, capsys):
    """Integer indicator ids (1..24), long or wide, are the framework's "01".."24": same ranking."""
    import city_data

    long = city_data.load_panel(2025)[["city_id", "indicator_id", "value"]]
    expected = _ranking(capsys, ["build", "--top", "20"])
    long.assign(indicator_id=long["indicator_id"].astype(int)).to_csv(tmp_path / "long.csv", index=False)
    assert _ranking(capsys, ["build", "--data", str(tmp_path / "long.csv"), "--top", "20"]) == expected
    wide = long.pivot(index="city_id", columns="indicator_id", values="value")
    wide.columns = [str(int(c)) for c in wide.columns]
    wide.reset_index().to_csv(tmp_path / "wide.csv", index=False)
    assert _ranking(capsys, ["build", "--data", str(tmp_path / "wide.csv"), "--top", "20"]) == expected
    # "1" and "01" side by side are the same indicator twice
    wide.assign(**{"01": 5.0}).reset_index().to_csv(tmp_path / "both.csv", index=False)
    assert main(["build", "--data", str(tmp_path / "both.csv")]) == 2
    assert "column '01' appears more than once" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- the environment
@pytest.mark.parametrize("option", ["--data", "--framework", "--method"])
def test_unreadable_input_exits_2_naming_the_file(option, tmp_path, monkeypatch, capsys):
    """Permission denied (simulated: root reads anything) on each kind of input file."""
    _write(tmp_path, {"m.toml": "ties = 'min'\n"})
    target = {"--data": "good.csv", "--framework": "small.toml", "--method": "m.toml"}[option]
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    argv = {"--data": str(tmp_path / "good.csv"), "--framework": str(tmp_path / "small.toml"),
            "--method": str(tmp_path / "m.toml")}
    assert main(["build", *(x for k, v in argv.items() for x in (k, v))]) == 2
    err = capsys.readouterr().err
    assert f"{target}: cannot read the" in err and "Permission denied" in err and "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may read and write anything")
def test_really_unreadable_panel_and_read_only_out(tmp_path, capsys):
    _write(tmp_path, {})
    (tmp_path / "good.csv").chmod(0)
    try:
        assert main(["build", "--data", str(tmp_path / "good.csv"), *[a.format(tmp=tmp_path) for a in FW]]) == 2
        assert "Permission denied" in capsys.readouterr().err
    finally:
        (tmp_path / "good.csv").chmod(0o644)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["build", "--data", str(tmp_path / "good.csv"), *[a.format(tmp=tmp_path) for a in FW],
                     "--out", str(locked / "out")]) == 2
        assert "is not writable" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_read_only_out_folder_exits_2_before_computing(tmp_path, monkeypatch, capsys):
    """A folder that cannot be written is refused when the options are parsed (simulated for root)."""
    _write(tmp_path, {})
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == locked else real(path, mode))
    import indexlib

    monkeypatch.setattr(indexlib, "build", lambda *a, **k: pytest.fail("the build ran"))
    assert main(["build", "--out", str(locked / "out")]) == 2
    err = capsys.readouterr().err
    assert f"argument --out: {locked / 'out'}: the folder {locked} is not writable" in err


def test_a_failed_write_keeps_the_old_output_and_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    """Disk full while writing (simulated): exit 2 naming the file; the previous output is intact."""
    _write(tmp_path, {})
    out = tmp_path / "out"
    args = ["build", "--data", str(tmp_path / "good.csv"), *[a.format(tmp=tmp_path) for a in FW], "--out", str(out)]
    assert main(args) == 0
    capsys.readouterr()
    before = _snapshot(out)

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("indexlib.io._write_file", full)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "ranking.csv: cannot write the output file: No space left on device" in err and "Traceback" not in err
    assert _snapshot(out) == before and sorted(p.name for p in tmp_path.glob(".out*")) == []


def test_failed_build_creates_no_out_folder(tmp_path, capsys):
    _write(tmp_path, {"p.csv": with_cell(0, "i1", "inf")})
    out = tmp_path / "out"
    assert main(["build", "--data", str(tmp_path / "p.csv"), *[a.format(tmp=tmp_path) for a in FW],
                 "--out", str(out)]) == 2
    assert not out.exists()


def test_binary_panel_through_the_console_script(tmp_path):
    """The one subprocess case: the real entry point prints one line, no traceback, exit 2."""
    _write(tmp_path, {"p.csv": bytes(range(256)) * 4})
    completed = subprocess.run([sys.executable, "-m", "indexlib", "build", "--data", str(tmp_path / "p.csv")],
                               capture_output=True, text=True, timeout=120,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: ") and "p.csv, line 1: the file holds binary data" in completed.stderr
    assert "Traceback" not in completed.stderr


# ------------------------------------------------------------------------------------------ validate = build's checks
_BUILD_INPUTS = {"--data", "--framework", "--method", "--year"}
_PANEL_BUILDS = [c for c in CASES if c.argv[0] == "build"
                 and all(a in _BUILD_INPUTS for a in c.argv[1::2])
                 and "argument --" not in c.message]  # usage errors name their own command


def _as_validate(argv: list[str]) -> list[str]:
    options = dict(zip(argv[1::2], argv[2::2]))
    data = options.pop("--data", None)
    return ["validate", *([data] if data else []), *(x for kv in options.items() for x in kv)]


@pytest.mark.parametrize("case", _PANEL_BUILDS, ids=[c.id for c in _PANEL_BUILDS])
def test_validate_refuses_what_build_refuses_with_the_same_message(case: Case, tmp_path: Path, capsys) -> None:
    """Issue 8 §3: every build failure of the corpus (panel, framework, methodology, year) is validate's too."""
    _write(tmp_path, case.files)
    before = _snapshot(tmp_path)
    build_code = main([a.format(tmp=tmp_path) for a in case.argv])
    build_err = capsys.readouterr().err
    validate_code = main([a.format(tmp=tmp_path) for a in _as_validate(case.argv)])
    validate_err = capsys.readouterr().err
    assert build_code == validate_code == 2
    assert validate_err == build_err
    assert _snapshot(tmp_path) == before


def test_the_validate_cases_cover_section_3():
    """The panel validate passed before and build refused (a dimension missing) is in the list. (An attribute
    missing for imputation is no longer refused by either: imputation falls back level by level.)"""
    ids = {c.id for c in _PANEL_BUILDS}
    assert {"a whole dimension missing", "short row",
            "long panel with two years and no year chosen", "methodology: geometric mean of min-max [0, 100]"} <= ids


def test_validate_and_build_both_accept_a_city_without_the_attribute_imputation_prefers(tmp_path):
    import indexlib

    panel = small_panel().astype(object)
    panel["country"] = panel["country"].where(panel.index != 2, "")
    panel["i1"] = panel["i1"].where(panel.index != 2, "")
    path = tmp_path / "p.csv"
    panel.to_csv(path, index=False)
    framework = tmp_path / "fw.json"
    framework.write_text(json.dumps(small_framework().to_dict()))
    assert main(["validate", str(path), "--framework", str(framework)]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(str(path), None, str(framework))
    assert "c02" in result.values.index and not np.isnan(result.values.loc["c02", "i1"])


def test_library_validate_raises_what_build_raises(tmp_path):
    import indexlib

    path = tmp_path / "p.csv"
    small_panel().drop(columns=["i4", "i5"]).to_csv(path, index=False)
    with pytest.raises(indexlib.DataValidationError) as built:
        indexlib.build(path, None, small_framework())
    with pytest.raises(indexlib.DataValidationError) as validated:
        indexlib.validate(path, None, small_framework())
    assert str(validated.value) == str(built.value) and "node(s) ['B'] have no data" in str(built.value)
    checked = indexlib.validate(small_panel(), None, small_framework())
    assert checked.normalised.shape == (12, 5) and checked.framework.indicator_ids == ["i1", "i2", "i3", "i4", "i5"]


def test_validate_without_a_file_checks_the_packaged_panel(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("embedded 2025 panel (city_data): OK — 125 cities × 24 indicators")
    assert "a build ranks" in out


def test_the_packaged_panel_passes_as_a_user_file(tmp_path, capsys):
    """Every row of the packaged panel is in its indicator's unit (qualifiers after the unit allowed) and
    within its bounds, so the same table passed as a file validates like any user panel."""
    import city_data
    import indexlib

    long = city_data.load_panel(2025)
    panel = indexlib.read_panel(None, indexlib.load_framework())
    assert not any("different units" in note for note in panel.notes)
    path = tmp_path / "packaged.csv"
    long[["city_id", "indicator_id", "value", "unit"]].to_csv(path, index=False)
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


def test_year_chooses_the_rows_of_one_year(tmp_path, capsys):
    """A long panel of two years builds with --year as the one-year panel does (and read_panel(year=))."""
    import indexlib

    _write(tmp_path, {})
    one = long_panel()
    other = long_panel(small_panel(seed=5))
    pd.concat([other.assign(year=2024), one.assign(year=2025)]).to_csv(tmp_path / "years.csv", index=False)
    fw = [a.format(tmp=tmp_path) for a in FW]
    expected = _ranking(capsys, ["build", "--data", str(tmp_path / "good.csv"), *fw])
    assert _ranking(capsys, ["build", "--data", str(tmp_path / "years.csv"), *fw, "--year", "2025"]) == expected
    panel = indexlib.read_panel(tmp_path / "years.csv", small_framework(), year=2024)
    assert panel.values.loc["c00", "i1"] == pytest.approx(small_panel(seed=5).loc[0, "i1"])
    assert any("year 2024: 60 of 120 rows" in note for note in panel.notes)
    assert main(["validate", str(tmp_path / "years.csv"), *fw, "--year", "2024"]) == 0


def test_messages_are_short_and_all_problems_can_be_listed(tmp_path, capsys):
    """Issue 8 §8: '-' for missing values in a 500-city panel: at most 20 problems listed, then 'and N more';
    validate --all lists every one."""
    frame = small_panel(500).astype(object)
    frame[["i1", "i2", "i3", "i4", "i5"]] = "-"
    _write(tmp_path, {"p.csv": frame.to_csv(index=False)})
    fw = [a.format(tmp=tmp_path) for a in FW]
    assert main(["build", "--data", str(tmp_path / "p.csv"), *fw]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 22 and len(err) < 4000
    assert "p.csv: the text '-' is in 2500 cells where a number is expected; if it marks a missing value" in err
    assert err.splitlines()[-1] == "  … and 2481 more ('indexlib validate FILE --all' lists every problem)"
    assert main(["validate", str(tmp_path / "p.csv"), *fw]) == 2
    assert capsys.readouterr().err == err
    assert main(["validate", str(tmp_path / "p.csv"), *fw, "--all"]) == 2
    listed = capsys.readouterr().err.splitlines()
    assert listed[0] == f"error: {tmp_path / 'p.csv'}: 2501 problem(s) in the panel:" and len(listed) == 2502
    assert listed[-1].endswith("p.csv, row 501, city 'c499', indicator 'i5': non-numeric value '-'; expected a "
                               "number or an empty cell")


@pytest.mark.parametrize("command", [["build"], ["validate"], ["compare", "--weights", "equal"], ["importance"],
                                     ["uncertainty", "--runs", "20", "--no-figures"],
                                     ["sensitivity", "--n-base", "8", "--no-figures"], ["compare-published"]])
def test_every_command_reading_a_panel_honours_year(command, tmp_path, capsys):
    """--year is never ignored: a year the panel does not hold is an error on every command that reads a panel."""
    _write(tmp_path, {"years.csv": pd.concat([long_panel().assign(year=2024),
                                              long_panel().assign(year=2025)]).to_csv(index=False)})
    fw = [a.format(tmp=tmp_path) for a in FW]
    year = "2025" if command[0] == "compare-published" else "2030"  # compare-published: a published edition
    data = str(tmp_path / ("good.csv" if command[0] == "compare-published" else "years.csv"))
    source = [data] if command[0] == "validate" else ["--data", data]
    assert main([command[0], *source, *fw, *command[1:], "--year", year]) == 2
    err = capsys.readouterr().err
    expected = ("good.csv: year 2025 was chosen, but the panel has no 'year'" if command[0] == "compare-published"
                else "years.csv: no row of year 2030; the 'year' column holds '2024', '2025'")
    assert expected in err, err
