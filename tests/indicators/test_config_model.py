"""The one configuration base: every configuration model reads and writes the same way and raises
its own IndexlibError subclass naming the file and the key."""

from __future__ import annotations

import pytest

from indexlib.methodology import Methodology
from indexlib.uncertainty.spec import UncertaintySpec
from indicators import load_framework
from indicators._config import ConfigModel
from indicators.errors import FrameworkError, SpecificationError, WeightsError
from indicators.schema import Framework
from weights import WeightScheme, load_scheme

MODELS = [
    (Framework, lambda: load_framework("gctsi-2025"), FrameworkError),
    (Methodology, Methodology, SpecificationError),
    (WeightScheme, lambda: load_scheme("ahp-example"), WeightsError),
    (UncertaintySpec, UncertaintySpec, SpecificationError),
]


@pytest.mark.parametrize(("model", "make", "error"), MODELS, ids=lambda m: getattr(m, "__name__", ""))
def test_every_configuration_model_round_trips(model, make, error, tmp_path) -> None:
    value = make()
    assert issubclass(model, ConfigModel) and model.config_error is error
    assert model.from_toml(value.to_toml()) == value
    assert model.from_json(value.to_json()) == value
    (tmp_path / "a.toml").write_text(value.to_toml(), encoding="utf-8")
    (tmp_path / "a.json").write_text(value.to_json(), encoding="utf-8")
    assert model.from_file(tmp_path / "a.toml") == value == model.from_file(tmp_path / "a.json")
    assert value.replace() == value


@pytest.mark.parametrize(("model", "make", "error"), MODELS, ids=lambda m: getattr(m, "__name__", ""))
def test_every_configuration_model_names_the_file_and_the_key(model, make, error, tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(make().to_json()[:-1] + ', "colour": 1}', encoding="utf-8")
    with pytest.raises(error, match=rf"^{path}: .*colour"):
        model.from_file(path)
    with pytest.raises(error, match=r"bad\.yaml: a .* file must be \.toml or \.json"):
        model.from_file(tmp_path / "bad.yaml")
