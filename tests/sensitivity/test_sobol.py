"""Tests for the vectorised Sobol' design and estimators (indexlib.sensitivity.sobol).

SALib 1.6 is the oracle where it is installed: the design must be bit-identical to
``SALib.sample.sobol.sample`` and S1, ST and their bootstrap half-widths must equal
``SALib.analyze.sobol.analyze`` to 1e-10 (observed: ~1e-15). The analytic tests run without SALib.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexlib.sensitivity import SobolDesign, SobolResult, sobol_design, sobol_indices
from indexlib.sensitivity import sobol as sobol_module
from indicators.errors import (
    DataQualityWarning,
    DataValidationError,
    IndexlibError,
    SpecificationError,
)

SALIB_REASON = "SALib (optional test oracle) is not installed"
TOL = 1e-10


def _salib_sample():
    return pytest.importorskip("SALib.sample.sobol", reason=SALIB_REASON)


def _salib_analyze():
    return pytest.importorskip("SALib.analyze.sobol", reason=SALIB_REASON)


def _problem(names, groups=None):
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if groups is not None:
        problem["groups"] = list(groups)
    return problem


def _ishigami(u, a=7.0, b=0.1):
    x = -np.pi + 2.0 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def _test_outputs(x):
    """Four outputs of different character: smooth, interacting, discrete, badly scaled."""
    return np.column_stack(
        [
            np.sin(6 * x[:, 0]) + x[:, 1] ** 2 * x[:, -1] + 5.0,
            100.0 * x[:, 0] * x[:, -1],
            np.floor(3 * x[:, 1 % x.shape[1]]) + 0.1 * x[:, -1],
            1e6 + np.exp(x.sum(axis=1)),
        ]
    )


# --------------------------------------------------------------------------------------- design


@pytest.mark.parametrize(
    ("n", "d", "seed"), [(2, 1, 1), (8, 2, 0), (64, 3, 5), (256, 8, 123), (1024, 5, 2**31 - 1)]
)
def test_design_bit_identical_to_salib(n, d, seed):
    salib = _salib_sample()
    names = [f"x{i}" for i in range(d)]
    expected = salib.sample(_problem(names), n, calc_second_order=False, scramble=True, seed=seed)
    design = sobol_design(names, n, seed=seed)
    assert design.unit_samples.shape == (n * (d + 2), d)
    np.testing.assert_array_equal(design.unit_samples, expected)


@pytest.mark.parametrize(
    ("groups", "n", "seed"),
    [
        (["g2", "g1", "g2", "g3", "g1", "g1"], 128, 7),
        (["dim_a", "dim_a", "dim_b", "dim_b"], 32, 11),
        (["g1", "g2", "g2"], 16, 3),
    ],
)
def test_design_with_groups_bit_identical_to_salib(groups, n, seed):
    salib = _salib_sample()
    names = [f"w{j}" for j in range(len(groups))]
    expected = salib.sample(
        _problem(names, groups), n, calc_second_order=False, scramble=True, seed=seed
    )
    factors = list(dict.fromkeys(groups))  # SALib orders groups by first appearance
    design = sobol_design(factors, n, seed=seed, groups=groups)
    assert design.unit_samples.shape == (n * (len(factors) + 2), len(groups))
    np.testing.assert_array_equal(design.unit_samples, expected)


def test_design_skip_values_bit_identical_to_salib():
    salib = _salib_sample()
    names = ["a", "b", "c"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns that N > skip_values
        expected = salib.sample(
            _problem(names), 64, calc_second_order=False, skip_values=16, seed=4
        )
    design = sobol_design(names, 64, seed=4, skip_values=16)
    np.testing.assert_array_equal(design.unit_samples, expected)


def test_design_layout_and_accessors():
    design = sobol_design(["a", "b", "c"], 16, seed=9)
    x = design.unit_samples
    assert isinstance(design, SobolDesign)
    assert (design.n_base, design.n_factors, design.n_runs) == (16, 3, 80)
    assert ((x >= 0.0) & (x < 1.0)).all()
    np.testing.assert_array_equal(design.a_rows, np.arange(16) * 5)
    np.testing.assert_array_equal(design.b_rows, np.arange(16) * 5 + 4)
    a, b = x[design.a_rows], x[design.b_rows]
    for i, name in enumerate(design.factors):
        ab = x[design.ab_rows(name)]
        np.testing.assert_array_equal(design.ab_rows(i), design.ab_rows(name))
        np.testing.assert_array_equal(ab[:, i], b[:, i])
        others = [j for j in range(3) if j != i]
        np.testing.assert_array_equal(ab[:, others], a[:, others])
    f_a, f_b, f_ab = design.split(x)
    assert f_a.shape == (16, 3) and f_b.shape == (16, 3) and f_ab.shape == (3, 16, 3)
    np.testing.assert_array_equal(f_a, a)
    np.testing.assert_array_equal(f_b, b)
    np.testing.assert_array_equal(f_ab[1], x[design.ab_rows(1)])
    f_a1, _, f_ab1 = design.split(x[:, 0])
    assert f_a1.shape == (16,) and f_ab1.shape == (3, 16)
    with pytest.raises(ValueError):
        x[0, 0] = 0.5  # the design is frozen, its matrix read-only


def test_design_groups_in_any_factor_order_swaps_whole_groups():
    groups = ["g1", "g2", "g1"]
    design = sobol_design(["g2", "g1"], 8, seed=1, groups=groups)
    x = design.unit_samples
    a, b = x[design.a_rows], x[design.b_rows]
    ab_g1 = x[design.ab_rows("g1")]
    np.testing.assert_array_equal(ab_g1[:, [0, 2]], b[:, [0, 2]])
    np.testing.assert_array_equal(ab_g1[:, 1], a[:, 1])
    assert design.groups == tuple(groups)


def test_design_single_group_swaps_every_column():
    # SALib's sampler ignores a single group (and its analyze then expects 3N rows); here one
    # group is one factor, so A_B is B.
    design = sobol_design(["all"], 16, seed=3, groups=["all"] * 3)
    x = design.unit_samples
    assert x.shape == (48, 3)
    np.testing.assert_array_equal(x[design.ab_rows(0)], x[design.b_rows])


def test_design_accessor_errors():
    design = sobol_design(["a", "b"], 4, seed=1)
    with pytest.raises(SpecificationError, match="Unknown factor 'z'"):
        design.ab_rows("z")
    with pytest.raises(SpecificationError, match="out of range"):
        design.ab_rows(2)
    with pytest.raises(SpecificationError, match="design"):
        design.split(np.zeros(7))


@pytest.mark.parametrize("n", [0, 1, 3, 100, 1000, 4095])
def test_design_rejects_non_power_of_two(n):
    with pytest.raises(SpecificationError, match="power of 2"):
        sobol_design(["a", "b"], n, seed=1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"factors": [], "n_base": 8, "seed": 1}, "at least one factor"),
        ({"factors": ["a", "a"], "n_base": 8, "seed": 1}, "unique"),
        ({"factors": ["a"], "n_base": 8.0, "seed": 1}, "power of 2"),
        ({"factors": ["a"], "n_base": 8, "seed": None}, "seed must be an integer"),
        ({"factors": ["a"], "n_base": 8, "seed": 1.5}, "seed must be an integer"),
        ({"factors": ["a"], "n_base": 8, "seed": 1, "skip_values": 3}, "skip_values"),
        ({"factors": ["a", "b"], "n_base": 8, "seed": 1, "groups": ["a", "c"]}, "unknown groups"),
        ({"factors": ["a", "b"], "n_base": 8, "seed": 1, "groups": ["a", "a"]}, "without columns"),
    ],
)
def test_design_validation(kwargs, match):
    with pytest.raises(SpecificationError, match=match):
        sobol_design(**kwargs)


def test_design_seed_is_required():
    with pytest.raises(TypeError):
        sobol_design(["a"], 8)  # type: ignore[call-arg]


def test_design_is_reproducible():
    d1 = sobol_design(["a", "b"], 64, seed=5)
    d2 = sobol_design(["a", "b"], 64, seed=5)
    d3 = sobol_design(["a", "b"], 64, seed=6)
    np.testing.assert_array_equal(d1.unit_samples, d2.unit_samples)
    assert not np.array_equal(d1.unit_samples, d3.unit_samples)


# -------------------------------------------------------------------------- indices vs SALib


@pytest.mark.parametrize(
    ("n", "d", "design_seed", "boot_seed", "num_resamples", "conf_level"),
    [
        (512, 4, 3, 42, 100, 0.95),
        (256, 2, 8, 7, 50, 0.90),
        (1024, 6, 1, 123456, 200, 0.99),
    ],
)
def test_indices_match_salib(n, d, design_seed, boot_seed, num_resamples, conf_level):
    salib = _salib_analyze()
    names = [f"x{i}" for i in range(d)]
    design = sobol_design(names, n, seed=design_seed)
    y = _test_outputs(design.unit_samples)
    result = sobol_indices(
        design, y, num_resamples=num_resamples, conf_level=conf_level, seed=boot_seed
    )
    for k in range(y.shape[1]):
        expected = salib.analyze(
            _problem(names),
            y[:, k],
            calc_second_order=False,
            num_resamples=num_resamples,
            conf_level=conf_level,
            seed=boot_seed,
        )
        for key in ("S1", "ST", "S1_conf", "ST_conf"):
            np.testing.assert_allclose(
                getattr(result, key)[k], expected[key], rtol=0, atol=TOL, err_msg=f"{key}[{k}]"
            )


def test_indices_with_groups_match_salib():
    salib = _salib_analyze()
    groups = ["g2", "g1", "g2", "g3", "g1"]
    names = [f"w{j}" for j in range(len(groups))]
    factors = list(dict.fromkeys(groups))
    design = sobol_design(factors, 256, seed=21, groups=groups)
    y = _test_outputs(design.unit_samples)
    result = sobol_indices(design, y, seed=99)
    assert result.S1.shape == (4, 3)
    for k in range(y.shape[1]):
        expected = salib.analyze(
            _problem(names, groups), y[:, k], calc_second_order=False, seed=99
        )
        for key in ("S1", "ST", "S1_conf", "ST_conf"):
            np.testing.assert_allclose(getattr(result, key)[k], expected[key], rtol=0, atol=TOL)


def test_constant_output_matches_salib_zeros():
    salib = _salib_analyze()
    design = sobol_design(["a", "b", "c"], 64, seed=1)
    y = np.full(design.n_runs, 3.25)
    with pytest.warns(DataQualityWarning, match="constant"):
        result = sobol_indices(design, y, seed=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib divides 0 by 0 on the way
        expected = salib.analyze(_problem(["a", "b", "c"]), y, calc_second_order=False, seed=2)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        np.testing.assert_array_equal(getattr(result, key)[0], np.zeros(3))
        # SALib returns these zeros from 1.6 on; before, it returned its 0/0 as NaN
        if not np.isnan(expected[key]).all():
            np.testing.assert_array_equal(getattr(result, key)[0], expected[key])


# ------------------------------------------------------------------------------- analytic


def test_linear_model_analytic():
    """f = x1 + 2 x2 + 3 x3, U[0, 1]: S_i = S_Ti = (1, 4, 9) / 14 (COINr's SA_estimate example)."""
    design = sobol_design(["x1", "x2", "x3"], 4096, seed=2024)
    y = design.unit_samples @ np.array([1.0, 2.0, 3.0])
    result = sobol_indices(design, y, seed=1)
    expected = np.array([1.0, 4.0, 9.0]) / 14.0
    np.testing.assert_allclose(result.S1[0], expected, atol=1e-3)
    np.testing.assert_allclose(result.ST[0], expected, atol=1e-3)
    assert (result.S1_conf > 0).all() and (result.ST_conf > 0).all()


def test_ishigami_analytic():
    """Ishigami (a = 7, b = 0.1) on U[-pi, pi]^3."""
    design = sobol_design(["x1", "x2", "x3"], 4096, seed=17)
    result = sobol_indices(design, _ishigami(design.unit_samples), seed=3)
    np.testing.assert_allclose(result.S1[0], [0.3139, 0.4424, 0.0], atol=0.01)
    np.testing.assert_allclose(result.ST[0], [0.5576, 0.4424, 0.2437], atol=0.01)
    # The analytic values lie inside the bootstrap intervals.
    assert (np.abs(result.S1[0] - [0.3139, 0.4424, 0.0]) < result.S1_conf[0]).all()
    assert (np.abs(result.ST[0] - [0.5576, 0.4424, 0.2437]) < result.ST_conf[0]).all()


def test_methods_anchor_discrete_factor():
    """methods.md §6.5: f = w1 + 2 w2 + 0.5 floor(2u), w ~ U[0.75, 1.25], N = 256."""
    design = sobol_design(["w1", "w2", "u"], 256, seed=1)
    x = design.unit_samples
    w = 0.75 + 0.5 * x[:, :2]
    y = w[:, 0] + 2.0 * w[:, 1] + 0.5 * np.floor(2.0 * x[:, 2])
    result = sobol_indices(design, y, seed=1)
    np.testing.assert_allclose(result.S1[0], [0.125, 0.5, 0.375], atol=0.01)
    np.testing.assert_allclose(result.ST[0], [0.125, 0.5, 0.375], atol=0.01)


# ----------------------------------------------------------------- vectorisation and contract


def test_many_outputs_equal_one_at_a_time():
    design = sobol_design(["a", "b", "c", "d"], 512, seed=5)
    y = _test_outputs(design.unit_samples)
    together = sobol_indices(design, y, seed=8)
    for k in range(y.shape[1]):
        alone = sobol_indices(design, y[:, k], seed=8)
        for key in ("S1", "ST", "S1_conf", "ST_conf"):
            # Only the summation order can differ (BLAS kernels depend on the matrix width).
            np.testing.assert_allclose(
                getattr(together, key)[k], getattr(alone, key)[0], rtol=1e-12, atol=1e-14
            )


def test_chunked_bootstrap_equals_single_chunk(monkeypatch):
    design = sobol_design(["a", "b", "c"], 256, seed=5)
    y = np.column_stack([_test_outputs(design.unit_samples)] * 3)
    whole = sobol_indices(design, y, seed=8)
    monkeypatch.setattr(sobol_module, "_CHUNK_BYTES", 1)  # one output per chunk
    chunked = sobol_indices(design, y, seed=8)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        np.testing.assert_allclose(
            getattr(chunked, key), getattr(whole, key), rtol=1e-12, atol=1e-14
        )


def test_same_seed_identical_results():
    design = sobol_design(["a", "b", "c"], 128, seed=5)
    y = _test_outputs(design.unit_samples)
    r1 = sobol_indices(design, y, seed=31)
    r2 = sobol_indices(design, y, seed=31)
    r3 = sobol_indices(design, y, seed=32)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        np.testing.assert_array_equal(getattr(r1, key), getattr(r2, key))
    np.testing.assert_array_equal(r1.S1, r3.S1)  # point estimates do not depend on the seed
    assert not np.array_equal(r1.S1_conf, r3.S1_conf)
    # A Generator is accepted and consumed.
    r4 = sobol_indices(design, y, seed=np.random.default_rng(31))
    np.testing.assert_array_equal(r4.ST_conf, r1.ST_conf)
    assert r4.seed is None and r1.seed == 31


def test_constant_output_among_others_is_zero_with_warning():
    design = sobol_design(["a", "b"], 64, seed=1)
    x = design.unit_samples
    y = np.column_stack([x[:, 0] + x[:, 1], np.zeros(design.n_runs)])
    with pytest.warns(DataQualityWarning, match=r"1 of 2 output\(s\).*'const'"):
        result = sobol_indices(design, y, outputs=["sum", "const"], seed=1)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        arr = getattr(result, key)
        assert np.isfinite(arr).all()
        np.testing.assert_array_equal(arr[1], 0.0)
    assert (result.ST[0] > 0.4).all()


def test_result_and_to_frame():
    design = sobol_design(["a", "b", "c"], 64, seed=1)
    x = design.unit_samples
    y = pd.DataFrame({"LIS": x @ [1.0, 2.0, 3.0], "OPO": x[:, 0] * x[:, 1]})
    result = sobol_indices(design, y, seed=1)
    assert isinstance(result, SobolResult)
    assert result.outputs == ("LIS", "OPO") and result.factors == ("a", "b", "c")
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        assert getattr(result, key).shape == (2, 3)
    frame = result.to_frame()
    assert list(frame.columns) == ["output", "factor", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(frame) == 6
    assert frame["output"].tolist() == ["LIS"] * 3 + ["OPO"] * 3
    assert frame["factor"].tolist() == ["a", "b", "c"] * 2
    np.testing.assert_array_equal(frame["ST"].to_numpy(), result.ST.ravel())
    row = frame[(frame["output"] == "OPO") & (frame["factor"] == "b")].iloc[0]
    assert row["S1_conf"] == result.S1_conf[1, 1]
    pd.testing.assert_frame_equal(frame, result.to_frame())  # deterministic


def test_default_output_names():
    design = sobol_design(["a"], 8, seed=1)
    y = design.unit_samples[:, 0]
    assert sobol_indices(design, y, seed=1).outputs == ("Y",)
    assert sobol_indices(design, np.column_stack([y, y]), seed=1).outputs == ("Y0", "Y1")
    assert sobol_indices(design, pd.Series(y, name="rank_LIS"), seed=1).outputs == ("rank_LIS",)


def test_bad_y_rows_raise_specification_error():
    design = sobol_design(["a", "b", "c"], 16, seed=1)
    with pytest.raises(SpecificationError, match=r"79 rows.*design.*N \* \(D \+ 2\) = 80"):
        sobol_indices(design, np.zeros(79))
    with pytest.raises(SpecificationError, match=r"96 rows.*= 80"):
        sobol_indices(design, np.zeros((96, 2)))  # a second-order sized Y
    with pytest.raises(SpecificationError, match=r"1-D .* or 2-D"):
        sobol_indices(design, np.zeros((80, 2, 2)))
    with pytest.raises(SpecificationError, match="2 outputs but Y has 3"):
        sobol_indices(design, np.zeros((80, 3)), outputs=["a", "b"])
    with pytest.raises(SpecificationError, match="SobolDesign"):
        sobol_indices(design.unit_samples, np.zeros(80))  # type: ignore[arg-type]


@pytest.mark.parametrize(("bad", "word"), [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "inf")])
def test_non_finite_y_raises_data_validation_error(bad, word):
    design = sobol_design(["a", "b"], 8, seed=1)
    y = np.ones((design.n_runs, 3))
    y[5, 2] = bad
    with pytest.raises(DataValidationError, match=word) as info:
        sobol_indices(design, y, outputs=["p", "q", "r"])
    message = str(info.value)
    assert "'r'" in message and "run 5" in message
    assert ("inf" in message) == (word == "inf")  # names only what is actually there


def test_non_numeric_y_raises_data_validation_error():
    design = sobol_design(["a"], 2, seed=1)
    with pytest.raises(DataValidationError, match="numeric"):
        sobol_indices(design, ["x"] * design.n_runs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"num_resamples": 1}, "num_resamples"),
        ({"num_resamples": 10.0}, "num_resamples"),
        ({"conf_level": 0.0}, "conf_level"),
        ({"conf_level": 1.0}, "conf_level"),
    ],
)
def test_estimator_parameter_validation(kwargs, match):
    design = sobol_design(["a"], 8, seed=1)
    with pytest.raises(SpecificationError, match=match):
        sobol_indices(design, design.unit_samples[:, 0], **kwargs)


def test_errors_belong_to_the_hierarchy():
    assert issubclass(SpecificationError, IndexlibError)
    assert issubclass(SpecificationError, ValueError)
    assert issubclass(DataValidationError, IndexlibError)
    with pytest.raises(IndexlibError):
        sobol_design(["a"], 6, seed=1)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    scale=st.floats(1e-3, 1e3),
    shift=st.floats(-1e4, 1e4),
    seed=st.integers(1, 2**31 - 1),
)
def test_indices_invariant_to_positive_affine_rescaling(scale, shift, seed):
    """Y is standardised per output, so a*Y + c (a > 0) leaves every index unchanged."""
    design = sobol_design(["a", "b", "c"], 64, seed=seed % 1000)
    y = _ishigami(design.unit_samples)
    base = sobol_indices(design, y, seed=seed, num_resamples=20)
    moved = sobol_indices(design, scale * y + shift, seed=seed, num_resamples=20)
    for key in ("S1", "ST", "S1_conf", "ST_conf"):
        np.testing.assert_allclose(getattr(moved, key), getattr(base, key), rtol=1e-8, atol=1e-9)
