"""results.json is written column-wise by pandas' JSON encoder: it must read back as IndexResult.to_dict()."""

from __future__ import annotations

import json

import numpy as np

import indexlib
from _support import small_framework, small_panel


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
    assert [r["city_en"] for r in written["ranking"]] == result.ranking["city_en"].tolist()
    assert len(written["imputation_log"]) == len(result.imputation_log) >= 1
    assert text.startswith(b'{\n  "ranking": [\n    {\n') and text.endswith(b"\n}")


def test_the_numbers_of_results_json_carry_twelve_decimals():
    result = indexlib.build(small_panel(12, seed=4), framework=small_framework())
    written = json.loads(result.results_json())
    raw = result.raw_scores.rename_axis("city_id").reset_index()
    for row, record in zip(raw.itertuples(index=False), written["node_scores_raw"]):
        assert record["city_id"] == row.city_id
        np.testing.assert_allclose([record[c] for c in raw.columns[1:]], row[1:], rtol=0, atol=1e-12)


def test_the_ranking_is_computed_once_and_each_caller_gets_its_own_copy():
    result = indexlib.build(small_panel(12, seed=5), framework=small_framework())
    first = result.ranking
    first.loc[0, "score"] = -1.0
    second = result.ranking
    assert second is not first and second.loc[0, "score"] != -1.0
    assert result._ranking is result._ranking  # the table behind the copies is built once
