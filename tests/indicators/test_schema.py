"""The framework schema: validation messages, structure, effective weights, files."""

from __future__ import annotations

import json

import pytest

from indicators import Framework, builtin_frameworks, load_framework, read_coinr_meta
from indicators.errors import FrameworkError, WeightsError
from _support import shared_path, small_framework


def _data() -> dict:
    return small_framework().to_dict()


def test_builtin_framework_has_24_indicators_in_6_dimensions():
    fw = load_framework("gctsi-2025")
    assert fw.indicator_ids == [f"{k:02d}" for k in range(1, 25)]
    assert len(fw.dimension_ids) == 6 and fw.root == "index"
    assert {i.polarity for i in fw.indicators if i.id in {"15", "21", "22", "23"}} == {"-"}
    assert sum(i.polarity == "-" for i in fw.indicators) == 4


def test_three_pillar_framework_groups_dimensions():
    fw = load_framework("gctsi-2025-3pillar")
    assert fw.children("index") == ("value_creation", "environment", "livability")
    assert fw.children("value_creation") == ("economic_foundation", "innovation_potential")
    assert fw.levels["index"] == 4
    assert abs(fw.effective_weights().sum() - 1) < 1e-12


def test_effective_weights_anchor():
    # methods.md §9: equal dimensions (1/6) with 4 indicators each → 1/24; with 3 → 1/18.
    fw = load_framework("gctsi-2025")
    eff = fw.effective_weights()
    assert eff["01"] == pytest.approx(1 / 24)
    reduced = fw.without_indicators(["01"])
    assert reduced.effective_weights()["02"] == pytest.approx(1 / 18)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["indicators"].append(dict(d["indicators"][0])), "duplicate id 'i1'"),
        (lambda d: d["indicators"][0].update(parent="nowhere"), "'i1' names parent 'nowhere'"),
        (lambda d: d["indicators"][0].update(parent="i2"), "which is an indicator"),
        (lambda d: d["nodes"].append({"id": "C", "name_en": "C", "parent": "index"}), "node 'C' is empty"),
        (lambda d: [i.update(weight=0) for i in d["indicators"] if i["parent"] == "B"], "children of 'B' are zero"),
        (lambda d: d["indicators"][0].update(weight=-1), "greater than or equal to 0"),
        (lambda d: d["indicators"][0].update(weight=float("nan")), "finite number"),
        (lambda d: d["nodes"][0].update(parent="A"), "no parent"),
        (lambda d: d["indicators"][0].update(colour="red"),
         r"indicators\.0 \(indicator 'i1'\): unknown setting 'colour'"),
        (lambda d: d["indicators"][0].update(polarity="up"), "polarity"),
    ],
)
def test_invalid_trees_are_rejected_with_a_clear_message(mutate, message):
    data = _data()
    mutate(data)
    with pytest.raises(FrameworkError, match=message):
        Framework.parse(data)


def test_cycle_is_detected():
    data = _data()
    data["nodes"] = [{"id": "index", "name_en": "I"},
                     {"id": "A", "name_en": "A", "parent": "B"}, {"id": "B", "name_en": "B", "parent": "A"}]
    with pytest.raises(FrameworkError, match="cycle"):
        Framework.parse(data)


def test_toml_and_json_round_trip(tmp_path):
    fw = load_framework("gctsi-2025-3pillar")
    (tmp_path / "f.toml").write_text(fw.to_toml(), encoding="utf-8")
    (tmp_path / "f.json").write_text(fw.to_json(), encoding="utf-8")
    assert load_framework(tmp_path / "f.toml") == fw
    assert load_framework(tmp_path / "f.json") == fw


def test_bad_framework_file_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("id = [", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"broken.toml"):
        load_framework(path)
    with pytest.raises(FrameworkError, match="neither a built-in"):
        load_framework("no-such-framework")


def test_with_weights_rejects_unknown_ids_and_bad_values():
    fw = small_framework()
    assert fw.with_weights({"A": 3}).sibling_weights("index").tolist() == [0.75, 0.25]
    with pytest.raises(WeightsError, match="unknown ids"):
        fw.with_weights({"Z": 1})
    with pytest.raises(WeightsError):
        fw.with_weights({"A": -1})


def test_without_indicators_refuses_to_empty_a_node():
    with pytest.raises(FrameworkError, match="node 'B' is empty"):
        small_framework().without_indicators(["i4", "i5"])


def test_json_schema_is_valid_json():
    schema = Framework.model_json_schema()
    assert "indicators" in schema["properties"]
    json.dumps(schema)
    assert builtin_frameworks() == ["gctsi-2025", "gctsi-2025-3pillar"]


def test_asem_imeta_reads_as_a_four_level_framework():
    fw = read_coinr_meta(shared_path("reference", "asem", "ASEM_iMeta.csv"))
    assert fw.levels[fw.root] == 4 and len(fw.indicator_ids) == 49
    assert "GDP_group" in fw.unit_columns
    assert any(i.polarity == "-" for i in fw.indicators)


def test_open_bounds_round_trip_through_strict_json_and_toml():
    """JSON has no infinity: an open bound is written null and read back as inf; TOML writes inf."""
    import json
    import math
    import tomllib

    from indicators import Framework, load_framework

    framework = load_framework()
    open_sided = [i for i in framework.indicators if i.bounds is not None and math.isinf(i.bounds[1])]
    assert open_sided, "the packaged framework has open-ended bounds"
    text = json.dumps(framework.to_dict(), allow_nan=False)
    assert Framework.parse(json.loads(text)) == framework
    assert Framework.parse(tomllib.loads(framework.to_toml())) == framework
