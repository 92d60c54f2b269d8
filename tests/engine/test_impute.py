"""Imputation methods: hand-computed cases, properties, the single-donor cap and the summary note."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import indexlib
from indexlib import Methodology
from indexlib.impute import check_imputation, haversine_km, impute
from indexlib.impute.check import _position_error, best_method, fold_assignment
from indexlib.methodology import MissingData
from indicators import load_framework
from indicators.errors import DataValidationError, SpecificationError
from _support import plausible_panel, small_framework, small_panel


def _frame(columns: dict[str, list[float]], index: str | list[str] = "abcdefgh") -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=list(index)[:n])


# ---------------------------------------------------------------------------------------------- hand-computed
def test_mean_and_median_fill_with_the_statistic_of_all_cities():
    values = _frame({"x": [1.0, 2.0, 9.0, np.nan]})
    assert impute(values, "median")[0].loc["d", "x"] == 2.0
    filled, log = impute(values, "mean")
    assert filled.loc["d", "x"] == 4.0 and log["level"].tolist() == ["mean of all cities"]


def test_group_median_needs_distinct_donor_values():
    # country K: three donors carrying one national value; min_distinct 2 refuses it → continent median
    values = _frame({"x": [5.0, 5.0, 5.0, np.nan, 1.0, 9.0]})
    attributes = pd.DataFrame({"country": list("KKKKLL"), "continent": ["P"] * 6}, index=values.index)
    strict = MissingData(method="group_median", min_distinct=(2, 2))
    filled, log = impute(values, strict, attributes=attributes)
    assert filled.loc["d", "x"] == 5.0 and log["level"].tolist() == ["median of continent"]  # median of 5,5,5,1,9
    lenient = MissingData(method="group_median", min_distinct=(1, 1))
    assert impute(values, lenient, attributes=attributes)[1]["level"].tolist() == ["median of country"]


def test_one_group_median_is_never_given_to_more_than_max_copies_cities():
    # country K: 3 distinct donors and 6 cities to fill; the cap of 5 sends them to the median of all cities
    values = _frame({"x": [1.0, 2.0, 3.0, *[np.nan] * 6, 100.0, 200.0]}, index=[f"c{k}" for k in range(11)])
    attributes = pd.DataFrame({"country": ["K"] * 9 + ["L", "L"], "continent": ["P"] * 9 + ["Q", "Q"]},
                              index=values.index)
    capped = MissingData(method="group_median", max_copies=5)
    filled, log = impute(values, capped, attributes=attributes)
    assert set(log["level"]) == {"median of all cities"} and (filled.iloc[3:9, 0] == 3.0).all()  # median of 5
    wider = MissingData(method="group_median", max_copies=6)
    filled, log = impute(values, wider, attributes=attributes)
    assert set(log["level"]) == {"median of country"} and (filled.iloc[3:9, 0] == 2.0).all()


def test_group_median_falls_back_for_cities_without_a_label_or_a_column():
    values = _frame({"x": [1.0, 2.0, 3.0, np.nan, np.nan, 10.0, 20.0, 30.0]})
    attributes = pd.DataFrame({"country": ["K", "K", "K", "K", None, "L", "L", "L"]}, index=values.index)
    filled, log = impute(values, MissingData(method="group_median"), attributes=attributes)
    levels = log.set_index("city_id")["level"]
    assert levels["d"] == "median of country" and filled.loc["d", "x"] == 2.0
    assert levels["e"] == "median of all cities" and filled.loc["e", "x"] == 6.5
    _, no_attributes = impute(values, MissingData(method="group_median"), attributes=None)
    assert set(no_attributes["level"]) == {"median of all cities"}


def test_knn_takes_the_mean_of_the_most_similar_cities():
    values = _frame({"x": [0.0, 1.0, 2.0, 10.0, 11.0, 12.0], "y": [np.nan, 5.0, 7.0, 100.0, 200.0, 300.0]})
    filled, log = impute(values, MissingData(method="knn", neighbours=2))
    assert filled.loc["a", "y"] == pytest.approx(6.0, rel=1e-12)
    assert log["level"].tolist() == ["knn (2 most similar cities)"]


def test_iterative_recovers_a_linear_relation_and_stays_in_the_observed_range():
    x = np.arange(10.0)
    values = pd.DataFrame({"x": x, "y": np.where(np.isin(x, [4, 9]), np.nan, 2 * x + 1)}, index=list("abcdefghij"))
    values.loc["j", "x"] = 50.0  # far outside: the regression would give 101, above the largest observed 17
    filled, _ = impute(values, MissingData(method="iterative"))
    assert filled.loc["e", "y"] == pytest.approx(9.0, rel=1e-3)  # Bayesian ridge on an exact line
    assert filled.loc["j", "y"] == pytest.approx(17.0, rel=1e-12)  # clipped to the observed maximum


def test_haversine_distance_of_known_city_pairs():
    assert haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)  # London–Paris
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(np.pi * 6371.0088, rel=1e-12)


def test_nearest_weights_donors_by_inverse_squared_distance():
    # on the equator the great-circle distance is R × the longitude difference: 1 and 2 units
    values = _frame({"x": [np.nan, 10.0, 40.0, 1000.0]})
    attributes = pd.DataFrame({"lat": [0.0, 0.0, 0.0, 0.0], "lon": [0.0, 1.0, 2.0, 50.0]}, index=values.index)
    filled, log = impute(values, MissingData(method="nearest", neighbours=2), attributes=attributes)
    assert filled.loc["a", "x"] == pytest.approx((10 / 1 + 40 / 4) / (1 + 1 / 4), rel=1e-12)
    assert log["level"].tolist() == ["nearest cities"]


def test_nearest_stays_in_the_country_where_enough_cities_have_a_value():
    values = _frame({"x": [np.nan, 10.0, 20.0, 30.0, 500.0]})
    attributes = pd.DataFrame({"country": list("KKKKL"), "lat": [0.0] * 5, "lon": [0.0, 20.0, 21.0, 22.0, 0.5]},
                              index=values.index)
    filled, log = impute(values, MissingData(method="nearest", neighbours=2, min_same_country=3),
                         attributes=attributes)
    assert 10.0 <= filled.loc["a", "x"] <= 20.0 and log["level"].tolist() == ["nearest cities of the country"]
    filled, log = impute(values, MissingData(method="nearest", neighbours=2, min_same_country=4),
                         attributes=attributes)
    assert filled.loc["a", "x"] > 400 and log["level"].tolist() == ["nearest cities"]


def test_nearest_without_coordinates_falls_back_to_the_median_of_all_cities():
    values = _frame({"x": [np.nan, 1.0, 2.0, 9.0]})
    filled, log = impute(values, "nearest")
    assert filled.loc["a", "x"] == 2.0 and log["level"].tolist() == ["median of all cities (no coordinates)"]


def test_an_indicator_without_any_value_is_an_error():
    with pytest.raises(DataValidationError, match=r"\['y'\] have no value"):
        impute(_frame({"x": [1.0, np.nan, 3.0], "y": [np.nan] * 3}), "knn")


# ---------------------------------------------------------------------------------------------- properties
METHODS = ["mean", "median", "group_median", "group_mean", "knn", "iterative", "nearest"]


@st.composite
def panels(draw):
    """A continuous random panel with gaps (no ties), countries, continents and coordinates."""
    n, m = draw(st.integers(6, 25)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    data = rng.lognormal(0.0, 1.0, size=(n, m))
    holes = rng.random((n, m)) < draw(st.floats(0.05, 0.5))
    holes[rng.integers(0, n, size=m), np.arange(m)] = False  # every indicator keeps a value
    data[holes] = np.nan
    index = [f"c{k:02d}" for k in range(n)]
    attributes = pd.DataFrame({"country": rng.choice(["K", "L", "M", None], size=n),
                               "continent": rng.choice(["P", "Q"], size=n),
                               "lat": rng.uniform(-60, 60, n), "lon": rng.uniform(-180, 180, n)}, index=index)
    return pd.DataFrame(data, index=index, columns=[f"i{j}" for j in range(m)]), attributes


@given(panels(), st.sampled_from(METHODS))
def test_observed_cells_are_never_changed_and_every_gap_is_filled(case, method):
    values, attributes = case
    filled, log = impute(values, method, attributes=attributes)
    observed = values.notna().to_numpy()
    assert (filled.to_numpy()[observed] == values.to_numpy()[observed]).all()
    assert not filled.isna().to_numpy().any() and len(log) == int((~observed).sum())


@given(panels(), st.sampled_from(["median", "group_median", "nearest", "knn"]))
def test_imputed_values_lie_within_the_donors_range(case, method):
    values, attributes = case
    filled, _ = impute(values, method, attributes=attributes)
    low, high = values.min(), values.max()
    scale = (high - low).abs() + high.abs()
    assert ((filled >= low - 1e-12 * scale) & (filled <= high + 1e-12 * scale)).to_numpy().all()


@given(panels(), st.sampled_from(["median", "group_median", "nearest", "knn"]), st.integers(0, 2**32 - 1))
def test_imputation_does_not_depend_on_the_order_of_cities(case, method, seed):
    values, attributes = case
    order = np.random.default_rng(seed).permutation(len(values))
    filled, _ = impute(values, method, attributes=attributes)
    permuted, _ = impute(values.iloc[order], method, attributes=attributes.iloc[order])
    if method == "knn":  # standardising sums the cities in another order: equal to rounding
        np.testing.assert_allclose(permuted.loc[filled.index].to_numpy(), filled.to_numpy(), rtol=1e-9)
    else:
        pd.testing.assert_frame_equal(permuted.loc[filled.index], filled, check_exact=True)


@given(panels())
def test_no_group_median_is_given_to_more_cities_of_a_group_than_the_cap(case):
    values, attributes = case
    options = MissingData(method="group_median", min_values=(1, 1), min_distinct=(1, 1), max_copies=2)
    _, log = impute(values, options, attributes=attributes)
    grouped = log[log["level"] != "median of all cities"].copy()
    grouped["group"] = [attributes.loc[c, level.removeprefix("median of ")]
                        for c, level in zip(grouped["city_id"], grouped["level"])]
    assert (grouped.groupby(["indicator_id", "level", "group"]).size() <= 2).all()


@settings(max_examples=15)  # two iterative fits per example
@given(panels(), st.integers(0, 1000))
def test_seeded_methods_are_deterministic(case, seed):
    values, attributes = case
    options = MissingData(method="iterative", seed=seed)
    first, _ = impute(values, options, attributes=attributes)
    second, _ = impute(values, options, attributes=attributes)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


# ---------------------------------------------------------------------------------------------- the check
def test_fold_assignment_deals_every_observed_cell_into_one_balanced_fold():
    observed = np.ones((23, 3), dtype=bool)
    observed[:4, 1] = False
    assignment = fold_assignment(observed, 5, seed=3)
    assert ((assignment >= 0) == observed).all()
    for j in range(3):
        sizes = np.bincount(assignment[observed[:, j], j], minlength=5)
        assert sizes.max() - sizes.min() <= 1
    assert (fold_assignment(observed, 5, seed=3) == assignment).all()
    assert not (fold_assignment(observed, 5, seed=4) == assignment).all()


def test_position_error_counts_the_cities_passed():
    column = np.array([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])
    # the city truly at 2 (3 cities above) imputed at 4.5 (one city above among the others: 5)
    assert _position_error(column, np.array([2.0]), np.array([4.5])).tolist() == [2.0]
    assert _position_error(column, np.array([2.0]), np.array([2.0])).tolist() == [0.0]


def test_check_reports_every_indicator_and_method_and_is_reproducible():
    data = small_panel(n=30, seed=2)
    values, attributes = data.set_index("city_id")[["i1", "i2", "i3"]], data.set_index("city_id")[["country"]]
    values.iloc[[0, 5], 1] = np.nan
    values["few"] = np.nan
    values.iloc[:3, 3] = [1.0, 2.0, 3.0]  # 3 values cannot fill 4 folds: left out, and said so
    check = check_imputation(values, attributes, folds=4, seed=1)
    assert check.unchecked == ("few",)
    assert set(check.table["method"]) == set(METHODS) and len(check.table) == 3 * len(METHODS)
    cells = check.table.groupby("indicator_id")["cells"].first()
    assert cells.to_dict() == {"i1": 30, "i2": 28, "i3": 30}
    assert (check.table["error"] >= 0).all() and check.best == best_method(check.summary)
    assert check.summary["error"].is_monotonic_increasing
    pd.testing.assert_frame_equal(check_imputation(values, attributes, folds=4, seed=1).table, check.table)
    with pytest.raises(SpecificationError, match="at least 2 folds"):
        check_imputation(values, folds=1)


# ---------------------------------------------------------------------------------------------- build
def _minimal_panel(n: int = 10) -> pd.DataFrame:
    return plausible_panel(load_framework("gctsi-2025"), n)


def test_a_complete_minimal_panel_builds_with_the_default_methodology(tmp_path):
    path = tmp_path / "minimal.csv"
    _minimal_panel().to_csv(path, index=False)
    result = indexlib.build(path)
    assert len(result.ranking) == 10 and result.imputation_log.empty
    assert not any(note.startswith("imputation") for note in result.notes)


def test_group_median_without_attributes_builds_and_sums_up_the_levels_in_one_note(tmp_path):
    panel = _minimal_panel()
    panel.loc[[0, 1], "05"] = np.nan
    panel.loc[2, "07"] = np.nan
    method = Methodology.parse({"missing": {"method": "group_median"}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(panel, method)
    notes = [n for n in result.notes if n.startswith("imputation")]
    assert notes == ["imputation (group_median): 3 cells filled: 3 by median of all cities (no 'country' for 10 "
                     "of 10 cities; no 'continent' for 10 of 10 cities)"]
    panel.insert(1, "country", ["K"] * 5 + ["L"] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        notes = [n for n in indexlib.build(panel, method).notes if n.startswith("imputation")]
    assert notes == ["imputation (group_median): 3 cells filled: 3 by median of country (no 'continent' for 10 of "
                     "10 cities)"]


def test_imputed_weight_share_is_the_effective_weight_on_imputed_cells(framework, panel):
    # effective weights: i1..i3 1/6 each (dimension A), i4, i5 1/4 each (dimension B)
    panel.loc[0, "i4"] = np.nan
    panel.loc[1, ["i4", "i1"]] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = indexlib.build(panel, framework=framework)
    share = result.imputed_weight_share
    assert share["c00"] == pytest.approx(0.25) and share["c01"] == pytest.approx(0.25 + 1 / 6) and share["c02"] == 0
    ranking = result.ranking.set_index("city_id")
    assert ranking.loc["c00", "imputed_weight_share"] == pytest.approx(0.25)
    assert not ranking.loc["c00", "imputed_weight_flag"] and ranking.loc["c01", "imputed_weight_flag"]


def test_build_prints_the_imputed_share_and_marks_cities_above_the_threshold(tmp_path, capsys):
    from indexlib.cli import main

    panel = small_panel()
    panel.loc[1, ["i4", "i1"]] = np.nan
    (tmp_path / "p.csv").write_text(panel.to_csv(index=False), encoding="utf-8")
    (tmp_path / "small.toml").write_text(small_framework().to_toml(), encoding="utf-8")
    assert main(["build", "--data", str(tmp_path / "p.csv"), "--framework", str(tmp_path / "small.toml")]) == 0
    out = capsys.readouterr().out
    assert "imputed" in out.splitlines()[0] and "42% *" in out
    assert "1 city with more than 25% of the effective weight on imputed values" in out


def test_the_asem_pair_builds_without_a_methodology(tmp_path, capsys):
    from indexlib.cli import main
    from _support import shared_path

    meta = shared_path("reference", "asem", "ASEM_iMeta.csv")
    data = shared_path("reference", "asem", "ASEM_iData.csv")
    assert main(["build", "--framework", str(meta), "--data", str(data), "--out", str(tmp_path)]) == 0
    ranking = pd.read_csv(tmp_path / "ranking.csv")
    assert len(ranking) > 40 and ranking["imputed_weight_share"].between(0, 1).all()
    assert "note: imputation (knn):" in capsys.readouterr().err


def test_impute_check_command_prints_the_table_and_the_choice(tmp_path, capsys):
    from indexlib.cli import main

    panel = small_panel(n=20, seed=3)
    panel.loc[[2, 7], "i3"] = np.nan
    (tmp_path / "p.csv").write_text(panel.to_csv(index=False), encoding="utf-8")
    (tmp_path / "small.toml").write_text(small_framework().to_toml(), encoding="utf-8")
    argv = ["impute-check", "--data", str(tmp_path / "p.csv"), "--framework", str(tmp_path / "small.toml"),
            "--folds", "3", "--seed", "2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Imputation error by indicator (3 folds, seed 2)" in out and "best (lowest error" in out
    assert all(m in out for m in METHODS)
    assert main(argv) == 0 and capsys.readouterr().out == out  # seeded: the same table again
    assert main([*argv[:-4], "--folds", "1"]) == 2


def test_a_tie_on_error_is_decided_by_rank_error():
    summary = pd.DataFrame({"method": ["nearest", "knn", "median"], "error": [0.093, 0.094, 0.150],
                            "rank_error": [18.4, 17.0, 27.0]})
    assert best_method(summary) == "knn"  # within ERROR_TIE of the lowest error, lower rank error
    assert best_method(summary, tie=0.0) == "nearest"
    apart = summary.assign(error=[0.080, 0.094, 0.150])
    assert best_method(apart) == "nearest"  # more than ERROR_TIE apart: the error decides
