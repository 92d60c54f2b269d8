"""results.json (format ``indexlib-results/2``): tables as columns, encoded column by column by pandas'
JSON encoder; it must read back as IndexResult.to_dict() and as the result's own tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexlib
from _support import small_framework, small_panel
from indexlib.csv_text import DECIMALS
from indexlib.errors import DataValidationError
from indexlib.methodology import Methodology, MissingData
from indexlib.result import RESULTS_FORMAT, results_tables


def test_results_json_reads_back_as_to_dict_with_text_that_needs_escaping():
    panel = small_panel(12, seed=3)
    panel["city_en"] = ["São Paulo/SP", 'Quote "q"', "Line\nbreak", "Back\\slash", "北京", *panel["city_id"][5:]]
    panel.loc[2, "i4"] = np.nan  # an imputed cell: the imputation log has a row
    result = indexlib.build(panel, framework=small_framework())
    text = result.files()["results.json"]
    assert isinstance(text, bytes)
    written = json.loads(text)
    expected = json.loads(json.dumps(result.to_dict(), default=lambda v: v.item()))
    assert written == expected
    assert written["format"] == RESULTS_FORMAT
    assert written["ranking"]["city_en"] == result.ranking["city_en"].tolist()
    assert len(written["imputation_log"]["city_id"]) == len(result.imputation_log) >= 1
    assert text.startswith(b'{\n  "format": "indexlib-results/2",\n  "ranking": {\n    "city_id": [')
    assert text.endswith(b"\n}")


def _assert_same_tables(result: indexlib.IndexResult, text: bytes) -> None:
    tables = results_tables(json.loads(text))
    assert list(tables) == list(result._tables())
    for name, table in result._tables().items():
        written = tables[name]
        assert written.columns.tolist() == table.columns.astype(str).tolist(), name
        assert len(written) == len(table), name
        for column in table.columns:
            expected, got = table[column], written[str(column)]
            if pd.api.types.is_float_dtype(expected):
                values = expected.to_numpy(dtype=float, na_value=np.nan)
                np.testing.assert_allclose(got.to_numpy(dtype=float), values, rtol=0, atol=10.0 ** -DECIMALS,
                                           err_msg=f"{name}.{column}")
            else:  # text, integers, booleans: exactly, missing as missing
                assert [None if pd.isna(v) else v for v in got] == [None if pd.isna(v) else v for v in expected], \
                    f"{name}.{column}"


def test_results_json_round_trips_to_the_tables_of_the_result_to_fifteen_decimals():
    panel = small_panel(20, seed=6)
    panel.loc[[1, 4], "i2"] = np.nan
    result = indexlib.build(panel, Methodology(missing=MissingData(method="median")), small_framework())
    _assert_same_tables(result, result.results_json())
    scores = results_tables(json.loads(result.results_json()))["ranking"]["score"]
    assert scores.min() >= 50 and scores.tolist() == result.ranking["score"].tolist()  # exact from 8 up


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.sampled_from([1e-6, 1.0, 1e4]))
def test_any_float_column_round_trips_within_the_stated_precision(seed, scale):
    from indexlib.result import _json_value

    rng = np.random.default_rng(seed)
    values = rng.standard_normal(50) * scale
    values[rng.random(50) < 0.2] = np.nan
    frame = pd.DataFrame({"x": values, "n": np.arange(50), "t": [f"c{k}" for k in range(50)]})
    back = pd.DataFrame(json.loads(_json_value(frame)))
    np.testing.assert_allclose(back["x"].to_numpy(dtype=float), values, rtol=0, atol=10.0 ** -DECIMALS)
    assert back["n"].tolist() == list(range(50)) and back["t"].tolist() == frame["t"].tolist()


def test_an_empty_table_keeps_its_columns_and_another_format_is_refused():
    result = indexlib.build(small_panel(12, seed=4), framework=small_framework())
    written = json.loads(result.results_json())
    assert written["excluded_cities"] == {c: [] for c in result.excluded_cities.columns}
    with pytest.raises(DataValidationError, match="indexlib-results/2"):
        results_tables({"ranking": [{"city_id": "a"}]})


def test_the_ranking_is_computed_once_and_each_caller_gets_its_own_copy():
    result = indexlib.build(small_panel(12, seed=5), framework=small_framework())
    first = result.ranking
    first.loc[0, "score"] = -1.0
    second = result.ranking
    assert second is not first and second.loc[0, "score"] != -1.0
    assert result._ranking is result._ranking  # the table behind the copies is built once
