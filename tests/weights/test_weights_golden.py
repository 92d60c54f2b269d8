"""Golden values: METHODS.md §4.1–4.4 worked examples, recomputed independently here, plus hand-solvable
Benefit-of-the-Doubt and PCA cases.

The independent recomputations are deliberately naive (Python loops over the textbook formulas), so they
check the vectorised kernels rather than repeat them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from weights import ahp_weights, bod_weights, critic_weights, entropy_weights, pca_weights, variation_weights

X_GOLDEN = pd.DataFrame(
    [[1.0, 10.0, 3.0], [2.0, 20.0, 1.0], [3.0, 15.0, 2.0], [4.0, 30.0, 5.0]], columns=["a", "b", "c"]
)


def _minmax_column(column: list[float]) -> list[float]:
    low, high = min(column), max(column)
    return [(x - low) / (high - low) for x in column]


def reference_entropy(X: np.ndarray) -> tuple[list[float], list[float]]:
    """Entropy e_j and weights w_j straight from METHODS.md §4.1, one column at a time."""
    n, m = X.shape
    entropies = []
    for j in range(m):
        z = _minmax_column(list(X[:, j]))
        total = sum(z)
        p = [v / total for v in z]
        entropies.append(-sum(q * math.log(q) for q in p if q > 0) / math.log(n))
    divergence = [1 - e for e in entropies]
    return entropies, [d / sum(divergence) for d in divergence]


def reference_critic(X: np.ndarray) -> list[float]:
    """CRITIC from METHODS.md §4.2 with sample standard deviations and Pearson correlations by hand."""
    n, m = X.shape
    z = [_minmax_column(list(X[:, j])) for j in range(m)]
    means = [sum(col) / n for col in z]
    sds = [math.sqrt(sum((v - means[j]) ** 2 for v in z[j]) / (n - 1)) for j in range(m)]

    def r(j: int, k: int) -> float:
        cov = sum((z[j][i] - means[j]) * (z[k][i] - means[k]) for i in range(n)) / (n - 1)
        return cov / (sds[j] * sds[k])

    information = [sds[j] * sum(1 - r(j, k) for k in range(m)) for j in range(m)]
    return [c / sum(information) for c in information]


def reference_variation(X: np.ndarray) -> list[float]:
    n, m = X.shape
    v = []
    for j in range(m):
        col = list(X[:, j])
        mean = sum(col) / n
        v.append(math.sqrt(sum((x - mean) ** 2 for x in col) / (n - 1)) / abs(mean))
    return [x / sum(v) for x in v]


def test_entropy_golden_matches_methods_md_and_independent_recomputation() -> None:
    entropies, reference = reference_entropy(X_GOLDEN.to_numpy())
    # METHODS.md §4.1: e = (0.7296, 0.6894, 0.6894), w = (0.3033, 0.3484, 0.3484). Confirmed.
    assert entropies == pytest.approx([0.7296, 0.6894, 0.6894], abs=5e-5)
    weights = entropy_weights(X_GOLDEN)
    assert weights.tolist() == pytest.approx(reference, abs=1e-14)
    assert weights.tolist() == pytest.approx([0.3033, 0.3484, 0.3484], abs=5e-5)
    assert list(weights.index) == ["a", "b", "c"]


def test_critic_golden_matches_methods_md_and_independent_recomputation() -> None:
    # METHODS.md §4.2 (ddof = 1): w = (0.2932, 0.2846, 0.4222). Confirmed; ddof = 0 gives the same
    # weights because it rescales every standard deviation by the same factor.
    weights = critic_weights(X_GOLDEN)
    assert weights.tolist() == pytest.approx(reference_critic(X_GOLDEN.to_numpy()), abs=1e-14)
    assert weights.tolist() == pytest.approx([0.2932, 0.2846, 0.4222], abs=5e-5)


def test_variation_golden_matches_methods_md_and_independent_recomputation() -> None:
    # METHODS.md §4.3: w = (0.3242, 0.2859, 0.3899). Confirmed.
    weights = variation_weights(X_GOLDEN)
    assert weights.tolist() == pytest.approx(reference_variation(X_GOLDEN.to_numpy()), abs=1e-14)
    assert weights.tolist() == pytest.approx([0.3242, 0.2859, 0.3899], abs=5e-5)


@settings(max_examples=60, deadline=None)
@given(
    X=st.tuples(st.integers(3, 10), st.integers(2, 5)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False))
    )
)
def test_entropy_and_critic_kernels_match_naive_reference_on_random_data(X: np.ndarray) -> None:
    assume(all(np.ptp(X[:, j]) > 1e-3 * max(1.0, np.abs(X[:, j]).max()) for j in range(X.shape[1])))
    _, entropy_reference = reference_entropy(X)
    np.testing.assert_allclose(entropy_weights(X).to_numpy(), entropy_reference, rtol=1e-9, atol=1e-12)
    with np.errstate(all="ignore"):
        critic_reference = np.array(reference_critic(X))
    # Perfectly correlated columns have no information content at all; that fallback has its own test.
    assume(np.isfinite(critic_reference).all())
    # Nearly collinear columns make 1 − r a difference of nearly equal numbers, so the two
    # computations agree to about 1e-8 there rather than to machine precision.
    np.testing.assert_allclose(critic_weights(X).to_numpy(), critic_reference, rtol=1e-6, atol=1e-6)


def test_ahp_golden_matches_methods_md() -> None:
    result = ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert result.weights.tolist() == pytest.approx([0.6370, 0.2583, 0.1047], abs=5e-5)
    assert result.lambda_max == pytest.approx(3.0385, abs=5e-5)
    assert result.consistency_index == pytest.approx(0.0193, abs=5e-5)
    assert result.consistency_ratio == pytest.approx(0.0332, abs=5e-5)
    assert result.random_index == 0.58
    assert result.is_consistent


def test_ahp_eigenvector_satisfies_eigen_equation() -> None:
    A = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    result = ahp_weights(A)
    w = result.weights.to_numpy()
    np.testing.assert_allclose(A @ w, result.lambda_max * w, rtol=1e-12)


# Benefit of the Doubt by hand: cities A = (1, 0.5), B = (0.5, 1), C = (0.4, 0.4).
# A and B are on the frontier. For C, maximise 0.4 (w1 + w2) subject to w1 + 0.5 w2 <= 1 and
# 0.5 w1 + w2 <= 1: the optimum is the vertex w1 = w2 = 2/3, so the score is 0.4 * 4/3 = 8/15.
Y_BOD = pd.DataFrame({"x": [1.0, 0.5, 0.4], "y": [0.5, 1.0, 0.4]}, index=["A", "B", "C"])


def test_bod_hand_solved_unrestricted() -> None:
    result = bod_weights(Y_BOD)
    assert result.scores.to_dict() == pytest.approx({"A": 1.0, "B": 1.0, "C": 8 / 15}, abs=1e-9)
    assert result.weights.loc["C"].tolist() == pytest.approx([2 / 3, 2 / 3], abs=1e-9)
    np.testing.assert_allclose(result.contributions.sum(axis=1), result.scores, atol=1e-12)


def test_bod_hand_solved_with_upper_bound() -> None:
    # With w <= 0.5 every constraint is slack at w = (0.5, 0.5): A scores 0.75, B 0.75, C 0.4.
    result = bod_weights(Y_BOD, upper=0.5)
    assert result.scores.tolist() == pytest.approx([0.75, 0.75, 0.4], abs=1e-9)


def test_bod_hand_solved_with_share_restrictions() -> None:
    # Each indicator must make up at least 40 % of the score. For A, with S = w1 + 0.5 w2 and the
    # share of x at most 60 %, B's constraint 0.5 w1 + w2 <= 1 becomes 2S - 1.5 w1 <= 1, best at
    # w1 = 0.6 S: S <= 1 / 1.1 = 10/11. C is unaffected (its optimum has shares 50/50).
    result = bod_weights(Y_BOD, share_lower=0.4)
    assert result.scores.tolist() == pytest.approx([10 / 11, 10 / 11, 8 / 15], abs=1e-9)
    shares = result.contributions.div(result.scores, axis=0)
    assert (shares.to_numpy() >= 0.4 - 1e-9).all()


def _two_blocks(sizes: tuple[int, int], n: int = 400, noise: float = 0.05, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(n, 2))
    columns = [factors[:, b] for b, size in enumerate(sizes) for _ in range(size)]
    X = np.column_stack(columns) + noise * rng.normal(size=(n, sum(sizes)))
    return pd.DataFrame(X, columns=[f"i{j}" for j in range(sum(sizes))])


def test_pca_two_equal_blocks() -> None:
    result = pca_weights(_two_blocks((3, 3)))
    assert result.n_retained == 2
    assert result.eigenvalues.iloc[:2].tolist() == pytest.approx([3, 3], abs=0.5)
    # Each block is one rotated factor; the rotated loadings are close to 1 on their own factor.
    assignment = result.assignment.tolist()
    assert len(set(assignment[:3])) == 1 and len(set(assignment[3:])) == 1 and assignment[0] != assignment[3]
    own = result.rotated_loadings.to_numpy()[np.arange(6), [0 if a == "F1" else 1 for a in assignment]]
    assert (np.abs(own) > 0.99).all()
    assert result.weights.tolist() == pytest.approx([1 / 6] * 6, abs=0.01)
    assert result.scaled_squared_loadings.sum(axis=0).tolist() == pytest.approx([1.0, 1.0])


def test_pca_unequal_blocks_shares_follow_block_sizes() -> None:
    # A block of 4 and a block of 2: the factors explain about 4/6 and 2/6 of the retained
    # variance; scaled squared loadings are about 1/4 and 1/2, so every weight is about
    # 1/4 * 4/6 = 1/2 * 2/6 = 1/6 (the recipe weights indicators, not blocks, equally here).
    result = pca_weights(_two_blocks((4, 2)))
    assert result.factor_shares.tolist() == pytest.approx([4 / 6, 2 / 6], abs=0.01)
    assert result.assignment.tolist() == ["F1"] * 4 + ["F2"] * 2
    assert result.scaled_squared_loadings.loc["i0", "F1"] == pytest.approx(0.25, abs=0.01)
    assert result.scaled_squared_loadings.loc["i5", "F2"] == pytest.approx(0.5, abs=0.01)
    assert result.weights.tolist() == pytest.approx([1 / 6] * 6, abs=0.01)
