"""Panels in TSV, XLSX and Parquet (optional dependencies) read like CSV."""

from __future__ import annotations

import pandas as pd
import pytest

import indexlib
from _support import small_framework, small_panel


def _ranking(path):
    return indexlib.build(path, framework=small_framework()).ranking


def test_tsv_xlsx_and_parquet_give_the_csv_result(tmp_path):
    frame = small_panel()
    frame.to_csv(tmp_path / "p.csv", index=False)
    expected = _ranking(tmp_path / "p.csv")
    frame.to_csv(tmp_path / "p.tsv", sep="\t", index=False)
    pd.testing.assert_frame_equal(_ranking(tmp_path / "p.tsv"), expected)
    pytest.importorskip("openpyxl", reason="XLSX needs the optional dependency openpyxl")
    frame.to_excel(tmp_path / "p.xlsx", index=False)
    pd.testing.assert_frame_equal(_ranking(tmp_path / "p.xlsx"), expected, check_exact=False)


def test_parquet(tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet needs the optional dependency pyarrow")
    frame = small_panel()
    frame.to_csv(tmp_path / "p.csv", index=False)
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    pd.testing.assert_frame_equal(_ranking(tmp_path / "p.parquet"), _ranking(tmp_path / "p.csv"),
                                  check_exact=False)


def test_unsupported_format_is_a_clear_error(tmp_path):
    (tmp_path / "p.json").write_text("{}", encoding="utf-8")
    with pytest.raises(indexlib.DataValidationError, match=r"unsupported panel format '.json'"):
        _ranking(tmp_path / "p.json")
