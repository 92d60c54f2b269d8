"""Group-mean imputation (COINr ``i_mean_grp``): golden values from COINr's imputation vignette and by
hand, the donor and copy rules shared with ``group_median``, and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.impute import impute
from indexlib.methodology import MissingData

# COINr vignette "Imputation" (vignettes/imputation.Rmd, "Data frames"): df1 <- ASEM_iData[37:46, 36:39],
# printed there; rows 1-5 are group "a", rows 6-10 group "b".
DF1 = pd.DataFrame({
    "Pat": [23.7, 583.5, 3.6, 249.8, np.nan, 64.2, 0.3, np.nan, 46.5, 7.2],
    "CultServ": [0.13405, 2.20754, 0.05780, 1.79800, np.nan, 1.15292, 0.00266, 0.08905, 0.34615, 0.03553],
    "CultGood": [np.nan, 16.182, 0.985, np.nan, np.nan, 7.555, 0.046, np.nan, 1.213, 1.256],
    "Tourist": [11.519, 24.040, 6.509, 17.242, 3.315, 26.757, 0.404, 2.907, 3.370, 0.966],
}, index=[f"r{k}" for k in range(37, 47)])
GROUPS = pd.DataFrame({"grp": ["a"] * 5 + ["b"] * 5}, index=DF1.index)
#: COINr's i_mean_grp / i_median_grp: one group column, every donor accepted, no copy limit.
COINR_GROUPS = {"groups": ["grp"], "min_values": [1], "min_distinct": [1], "max_copies": 10}


def test_the_vignette_mean_and_group_median_are_reproduced():
    # vignette: Impute(df1, f_i = "i_mean"): Pat 122.35, CultServ 0.6470778, CultGood 4.5395
    filled, _ = impute(DF1, "mean")
    assert filled.loc["r41", ["Pat", "CultServ", "CultGood"]].tolist() == pytest.approx(
        [122.35, 0.6470778, 4.5395], abs=5e-8)
    # vignette: Impute(df1, f_i = "i_median_grp", f_i_para = list(f = groups))
    filled, _ = impute(DF1, MissingData(method="group_median", **COINR_GROUPS), attributes=GROUPS)
    assert filled.loc[["r37", "r40", "r41"], "CultGood"].tolist() == pytest.approx([8.5835] * 3, abs=1e-12)
    assert filled.loc["r41", ["Pat", "CultServ"]].tolist() == pytest.approx([136.75, 0.966025], abs=1e-12)
    assert filled.loc["r44", ["Pat", "CultGood"]].tolist() == pytest.approx([26.85, 1.2345], abs=1e-12)


def test_group_mean_of_the_vignette_data_by_hand():
    """i_mean_grp on the vignette's df1 and groups, computed by hand:

    * Pat, group a (r37–r40 observed): (23.7 + 583.5 + 3.6 + 249.8) / 4 = 860.6 / 4 = 215.15 → r41;
      group b (r42, r43, r45, r46): (64.2 + 0.3 + 46.5 + 7.2) / 4 = 118.2 / 4 = 29.55 → r44;
    * CultServ, group a: (0.13405 + 2.20754 + 0.05780 + 1.79800) / 4 = 4.19739 / 4 = 1.0493475 → r41;
    * CultGood, group a (r38, r39): (16.182 + 0.985) / 2 = 17.167 / 2 = 8.5835 → r37, r40, r41;
      group b (r42, r43, r45, r46): (7.555 + 0.046 + 1.213 + 1.256) / 4 = 10.07 / 4 = 2.5175 → r44;
    * Tourist has no gap.
    """
    filled, log = impute(DF1, MissingData(method="group_mean", **COINR_GROUPS), attributes=GROUPS)
    expected = DF1.copy()
    expected.loc["r41", ["Pat", "CultServ", "CultGood"]] = [215.15, 1.0493475, 8.5835]
    expected.loc[["r37", "r40"], "CultGood"] = 8.5835
    expected.loc["r44", ["Pat", "CultGood"]] = [29.55, 2.5175]
    pd.testing.assert_frame_equal(filled, expected, rtol=0, atol=1e-12)
    assert set(log["level"]) == {"mean of grp"}
    assert log.set_index(["city_id", "indicator_id"]).loc[("r44", "CultGood"), "rule"] == (
        "mean of grp (4 cities, 4 distinct values)")


def test_group_mean_follows_the_donor_and_copy_rules_of_group_median():
    values = pd.DataFrame({"x": [1.0, 2.0, 6.0, np.nan, 10.0, 10.0, np.nan, 100.0]}, index=list("abcdefgh"))
    attributes = pd.DataFrame({"country": ["K", "K", "K", "K", "L", "L", "L", "M"],
                               "continent": ["P"] * 7 + ["Q"]}, index=values.index)
    options = MissingData(method="group_mean", groups=["country", "continent"], min_values=[3, 1],
                          min_distinct=[2, 1], max_copies=1)
    filled, log = impute(values, options, attributes=attributes)
    # d: country K has 3 donors with 3 distinct values: (1 + 2 + 6) / 3 = 3
    # g: country L's donors carry one distinct value (10, 10): refused; continent P: (1+2+6+10+10)/5 = 5.8
    assert filled["x"].tolist() == [1.0, 2.0, 6.0, 3.0, 10.0, 10.0, 5.8, 100.0]
    assert log["level"].tolist() == ["mean of country", "mean of continent"]
    # no group accepted (one copy at most, two cities of P to fill): the mean of all cities, 129 / 6 = 21.5
    capped = MissingData(method="group_mean", groups=["continent"], min_values=[1], min_distinct=[1], max_copies=1)
    filled, log = impute(values, capped, attributes=attributes)
    assert filled.loc[["d", "g"], "x"].tolist() == [21.5, 21.5] and set(log["level"]) == {"mean of all cities"}


@st.composite
def grouped_panels(draw):
    n, m = draw(st.integers(3, 20)), draw(st.integers(1, 3))
    values = np.array(draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=n * m, max_size=n * m)))
    values = values.reshape(n, m)
    holes = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))).reshape(n, m)
    holes[0] = False  # every indicator keeps a value
    values[holes] = np.nan
    groups = draw(st.lists(st.sampled_from(["A", "B", "C", None]), min_size=n, max_size=n))
    index = [f"c{k:02d}" for k in range(n)]
    return (pd.DataFrame(values, index=index, columns=[f"i{j}" for j in range(m)]),
            pd.DataFrame({"grp": groups}, index=index))


ONE_LEVEL = MissingData(method="group_mean", groups=["grp"], min_values=[1], min_distinct=[1], max_copies=1000)


@settings(max_examples=60, deadline=None)
@given(grouped_panels())
def test_group_mean_lies_within_its_donors_and_keeps_observed_values(case):
    values, attributes = case
    filled, log = impute(values, ONE_LEVEL, attributes=attributes)
    observed = values.notna().to_numpy()
    assert (filled.to_numpy()[observed] == values.to_numpy()[observed]).all()
    assert not filled.isna().to_numpy().any()
    for row in log.itertuples(index=False):
        column = values[row.indicator_id]
        group = attributes.loc[row.city_id, "grp"]
        donors = column[attributes["grp"] == group].dropna() if row.level == "mean of grp" else column.dropna()
        assert row.level == "mean of grp" or group is None or (column[attributes["grp"] == group].isna().all())
        scale = 1e-12 * (1 + donors.abs().max())
        assert donors.min() - scale <= row.value <= donors.max() + scale


@settings(max_examples=60, deadline=None)
@given(grouped_panels(), st.randoms(use_true_random=False))
def test_group_mean_is_permutation_equivariant(case, random):
    values, attributes = case
    order = list(values.index)
    random.shuffle(order)
    filled, _ = impute(values, ONE_LEVEL, attributes=attributes)
    permuted, _ = impute(values.loc[order], ONE_LEVEL, attributes=attributes.loc[order])
    pd.testing.assert_frame_equal(permuted, filled.loc[order], rtol=0, atol=0)
