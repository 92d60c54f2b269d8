"""Denomination (COINr ``Denominate``): golden values from COINr's vignette and from a hand-worked
example, the ASEM index's own denominators, errors naming the city and indicator, and properties."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexlib
from _support import shared_path, small_framework
from indexlib.cli import main
from indexlib.denominate import denominate
from indexlib.methodology import Methodology
from indicators import Framework
from indicators._numbers import EXACT_CSV
from indicators.coinr import read_coinr_meta
from indicators.errors import DataValidationError, FrameworkError

#: Keep every raw value: no imputation, no treatment, raw scores (the values are what is checked).
PLAIN = Methodology.parse({"missing": {"method": "none"}, "outliers": {"method": "none"},
                           "presentation": {"scale": "none"}, "screening": {"min_overall": 0.0}})


def _framework(denominators: dict[str, tuple[str, float]], unit_columns=("pop", "gdp")) -> Framework:
    data = small_framework().to_dict()
    for indicator in data["indicators"]:
        if indicator["id"] in denominators:
            indicator["denominator"], indicator["denominator_scale"] = denominators[indicator["id"]]
    data["unit_columns"] = list(unit_columns)
    return Framework.parse(data)


def _build(panel: pd.DataFrame, framework: Framework, methodology: Methodology = PLAIN):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return indexlib.build(panel, methodology, framework)


# ------------------------------------------------------------------ COINr's vignette "Denomination"
def test_the_vignette_data_frame_example_is_reproduced():
    """COINr vignette "denomination" (vignettes/denomination.Rmd): ``Denominate(iData, WorldDenoms,
    denomby)`` with Goods by GDP (ScaleFactor 1) and Flights by Population (ScaleFactor 1000). The
    indicator values are the vignette's printed ``head(iData)``; GDP and Population are the rows of
    COINr's ``data/WorldDenoms.rda`` for these countries; the expected values are the vignette's
    printed ``head(iData_den)``."""
    codes = ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE"]
    frame = pd.DataFrame({"Goods": [278.42640, 597.87230, 42.82515, 28.36795, 8.76681, 274.13650],
                          "Flights": [29.01725, 31.88546, 9.23588, 9.24529, 8.75467, 15.30953],
                          "LPI": [4.097985, 4.108538, 2.807685, 3.160829, 2.999061, 3.674309]}, index=codes)
    world_denoms = pd.DataFrame({
        "GDP": [445075391688.1561, 533097455834.509, 68558815111.61992, 60752588976.31748, 24948935408.037613,
                250680504529.64713],
        "Population": [8877067.0, 11484055.0, 6975761.0, 4067500.0, 1198575.0, 10669709.0]}, index=codes)
    framework = Framework.parse({
        "id": "vignette", "name_en": "vignette", "unit_columns": ["GDP", "Population"],
        "nodes": [{"id": "index", "name_en": "index"}],
        "indicators": [{"id": "Goods", "name_en": "Goods", "polarity": "+", "parent": "index", "denominator": "GDP"},
                       {"id": "Flights", "name_en": "Flights", "polarity": "+", "parent": "index",
                        "denominator": "Population", "denominator_scale": 1000},
                       {"id": "LPI", "name_en": "LPI", "polarity": "+", "parent": "index"}]})
    out, log, notes = denominate(frame, framework, world_denoms, source="vignette")
    documented = pd.DataFrame({
        "Goods": [6.255713e-10, 1.121507e-09, 6.246483e-10, 4.669422e-10, 3.513901e-10, 1.093569e-09],
        "Flights": [0.003268788, 0.002776498, 0.001323996, 0.002272966, 0.007304232, 0.001434859]}, index=codes)
    np.testing.assert_allclose(out[["Goods", "Flights"]], documented, rtol=5e-7)  # printed to 7 significant digits
    assert out["LPI"].equals(frame["LPI"]) and log["indicator_id"].tolist() == ["Goods", "Flights"] and not notes


# ------------------------------------------------------------------ a hand-worked build
def test_a_small_build_divides_before_imputation_by_hand():
    """i1 per person (scale 1000: per thousand), i4 per unit of GDP, the others as given:

    * c00: i1 = 30 / (600 / 1000) = 50;    i4 = 8 / 4 = 2
    * c01: i1 = 12 / (240 / 1000) = 50;    i4 = 9 / 3 = 3
    * c02: i1 = 45 / (300 / 1000) = 150;   i4 = 5 / 0.5 = 10
    * c03: i1 = 20 / (100 / 1000) = 200;   i4 missing (no value), imputed after division:
      median of (2, 3, 10) = 3 — not 8 / 4 = 2, the median of the raw values divided by c03's GDP.
    """
    framework = _framework({"i1": ("pop", 1000.0), "i4": ("gdp", 1.0)})
    panel = pd.DataFrame({"city_id": ["c00", "c01", "c02", "c03"], "pop": [600, 240, 300, 100],
                          "gdp": [4, 3, 0.5, 4], "i1": [30, 12, 45, 20], "i2": [1.0, 2, 3, 4],
                          "i3": [5.0, 1, 2, 3], "i4": [8, 9, 5, np.nan], "i5": [1.0, 3, 2, 5]})
    result = _build(panel, framework, PLAIN.replace(missing={"method": "median"}))
    assert result.values["i1"].tolist() == [50.0, 50.0, 150.0, 200.0]
    assert result.values["i4"].tolist() == [2.0, 3.0, 10.0, 3.0]
    assert result.values["i2"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert result.denomination[["indicator_id", "denominator", "scale", "cities_divided"]].to_dict("records") == [
        {"indicator_id": "i1", "denominator": "pop", "scale": 1000.0, "cities_divided": 4},
        {"indicator_id": "i4", "denominator": "gdp", "scale": 1.0, "cities_divided": 3}]
    assert "denomination: i1 / pop × 1000, i4 / gdp" in result.notes
    assert result.manifest()["denomination"][0]["denominator"] == "pop"
    # methodology denomination = 'none' uses the values as given
    plain = _build(panel, framework, PLAIN.replace(denomination="none"))
    assert plain.values["i1"].tolist() == [30.0, 12.0, 45.0, 20.0] and plain.denomination.empty


def test_a_missing_denominator_value_makes_the_cell_missing_and_is_noted():
    framework = _framework({"i1": ("pop", 1.0)})
    panel = pd.DataFrame({"city_id": ["a", "b", "c", "d"], "pop": [2.0, np.nan, 4.0, 5.0], "gdp": 1.0,
                          "i1": [2.0, 3.0, 8.0, 10.0], "i2": [1.0, 2, 3, 4], "i3": [1.0, 2, 3, 4],
                          "i4": [1.0, 2, 3, 4], "i5": [1.0, 2, 3, 4]})
    result = _build(panel, framework)
    assert result.values["i1"].tolist()[0] == 1.0 and np.isnan(result.values.loc["b", "i1"])
    assert any("1 city without a value of 'pop' (b)" in n for n in result.notes)
    assert result.denomination["cities_without_denominator"].tolist() == [1]


@pytest.mark.parametrize("column, values, message", [
    ("pop", [2.0, 0.0, 4.0, 5.0], r"denominator 'pop' of indicator\(s\) 'i1' is not a positive number for 1 city "
                                  r"\(city 'b': '0.0'\)"),
    ("pop", [2.0, 3.0, -4.0, 5.0], r"city 'c': '-4.0'"),
    ("pop", ["2", "x", "4", "5"], r"city 'b': 'x'"),
])
def test_a_zero_negative_or_unreadable_denominator_names_the_city_and_indicator(column, values, message):
    framework = _framework({"i1": ("pop", 1.0)})
    panel = pd.DataFrame({"city_id": ["a", "b", "c", "d"], "gdp": 1.0, "i1": [2.0, 3.0, 8.0, 10.0],
                          "i2": [1.0, 2, 3, 4], "i3": [1.0, 2, 3, 4], "i4": [1.0, 2, 3, 4], "i5": [1.0, 2, 3, 4]})
    panel[column] = values
    with pytest.raises(DataValidationError, match=message):
        _build(panel, framework)


def test_a_missing_denominator_column_is_an_error_and_exits_2(tmp_path, capsys):
    framework = _framework({"i1": ("pop", 1.0), "i2": ("pop", 1.0)})
    panel = pd.DataFrame({"city_id": ["a", "b", "c"], "i1": [1.0, 2, 3], "i2": [1.0, 2, 3], "i3": [1.0, 2, 3],
                          "i4": [1.0, 2, 3], "i5": [1.0, 2, 3]})
    with pytest.raises(DataValidationError, match=r"no denominator column 'pop'; the framework divides "
                                                  r"indicator\(s\) 'i1', 'i2' by it"):
        _build(panel, framework)
    (tmp_path / "fw.toml").write_text(framework.to_toml())
    panel.to_csv(tmp_path / "panel.csv", index=False)
    assert main(["build", "--framework", str(tmp_path / "fw.toml"), "--data", str(tmp_path / "panel.csv"),
                 "--out", str(tmp_path / "out")]) == 2
    assert "no denominator column 'pop'" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_a_denominator_must_be_a_unit_column_of_the_framework():
    with pytest.raises(FrameworkError, match=r"indicator 'i1' is divided by 'people', which is not among "
                                             r"unit_columns \['pop', 'gdp'\]"):
        _framework({"i1": ("people", 1.0)})
    with pytest.raises(FrameworkError, match="denominator_scale"):
        _framework({"i1": ("pop", 0.0)})


# ------------------------------------------------------------------ properties
@st.composite
def denominated_panels(draw):
    n = draw(st.integers(2, 12))
    floats = st.floats(1e-3, 1e6, allow_nan=False)
    x = np.array(draw(st.lists(st.one_of(floats, st.just(np.nan)), min_size=n, max_size=n)))
    d = np.array(draw(st.lists(st.one_of(floats, st.just(np.nan)), min_size=n, max_size=n)))
    index = [f"c{k}" for k in range(n)]
    return pd.DataFrame({"i1": x, "i2": x}, index=index), pd.DataFrame({"pop": d, "gdp": 1.0}, index=index)


PROPERTY_FRAMEWORK = _framework({"i1": ("pop", 1.0)})


@settings(max_examples=80, deadline=None)
@given(denominated_panels(), st.floats(1e-3, 1e3))
def test_scaling_the_denominator_by_c_scales_the_result_by_1_over_c(case, c):
    values, attributes = case
    base, _, _ = denominate(values, PROPERTY_FRAMEWORK, attributes, source="p")
    scaled, _, _ = denominate(values, PROPERTY_FRAMEWORK, attributes.assign(pop=attributes["pop"] * c), source="p")
    np.testing.assert_allclose(scaled["i1"], base["i1"] / c, rtol=1e-12)
    assert scaled["i2"].equals(values["i2"])  # an indicator without a denominator is untouched


@settings(max_examples=80, deadline=None)
@given(denominated_panels())
def test_nan_in_either_gives_nan_and_nothing_else_is_missing(case):
    values, attributes = case
    out, log, notes = denominate(values, PROPERTY_FRAMEWORK, attributes, source="p")
    expected_missing = values["i1"].isna().to_numpy() | attributes["pop"].isna().to_numpy()
    assert np.array_equal(out["i1"].isna().to_numpy(), expected_missing)
    present = ~expected_missing
    assert np.array_equal(out["i1"].to_numpy()[present],
                          values["i1"].to_numpy()[present] / attributes["pop"].to_numpy()[present])
    lost = int((values["i1"].notna() & attributes["pop"].isna()).sum())
    assert log["cities_without_denominator"].tolist() == [lost] and bool(notes) == bool(lost)


# ------------------------------------------------------------------ the ASEM index (COINr's example coin)
def test_asem_is_denominated_as_coinr_denominate_does():
    """``Denominate(ASEM, dset = "Raw")``: every indicator with an iMeta Denominator divided by that
    iData column (ScaleFactor 1), as COINr's test ``Denom.coin`` checks against the data-frame method."""
    meta = shared_path("reference", "asem", "ASEM_iMeta.csv")
    data = pd.read_csv(shared_path("reference", "asem", "ASEM_iData.csv"), **EXACT_CSV)
    framework = read_coinr_meta(meta)
    denominated = {i.id: i.denominator for i in framework.indicators if i.denominator}
    assert denominated["Goods"] == "GDP" and denominated["Flights"] == "Population" and len(denominated) == 17
    result = _build(str(shared_path("reference", "asem", "ASEM_iData.csv")), framework)
    raw = data.set_index("uCode")
    for indicator, column in denominated.items():
        expected = (raw[indicator] / raw[column]).reindex(result.values.index)
        pd.testing.assert_series_equal(result.values[indicator], expected, check_names=False, rtol=0, atol=0)
    # by hand: Austria's goods exports over its GDP, 278.4264 / 390.799991147468
    assert result.values.loc["AUT", "Goods"] == pytest.approx(0.7124524, abs=5e-8)
    assert result.values.loc["AUT", "LPI"] == raw.loc["AUT", "LPI"]  # not denominated
