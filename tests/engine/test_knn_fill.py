"""The numpy k-nearest-neighbour imputation equals scikit-learn's KNNImputer, which it replaces in a build."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indexlib.impute.methods import knn_fill, nan_euclidean

KNNImputer = __import__("pytest").importorskip("sklearn.impute").KNNImputer


@st.composite
def panels_with_gaps(draw):
    rows, columns = draw(st.integers(2, 30)), draw(st.integers(1, 6))
    values = draw(arrays(np.float64, (rows, columns), elements=st.floats(-5, 5, allow_nan=False, width=32)))
    gaps = draw(arrays(np.bool_, (rows, columns)))
    return np.where(gaps, np.nan, values)


@settings(max_examples=150, deadline=None)
@given(panels_with_gaps(), st.integers(1, 8))
def test_knn_fill_equals_scikit_learn(z, neighbours):
    expected = KNNImputer(n_neighbors=neighbours, weights="uniform", keep_empty_features=True).fit_transform(z)
    filled = knn_fill(z, neighbours)
    np.testing.assert_allclose(filled, expected, rtol=1e-9, atol=1e-9)
    assert not np.isnan(filled).any()


def test_knn_fill_worked_example():
    # city 3 lacks column 1; its distances over column 0 are 0 (city 0), 1 (city 1) and 3 (city 2)
    z = np.array([[0.0, 10.0], [1.0, 20.0], [3.0, 40.0], [0.0, np.nan]])
    assert knn_fill(z, 2)[3, 1] == 15.0
    assert knn_fill(z, 1)[3, 1] == 10.0
    # no shared coordinate with any donor: the column mean; a column without values: 0
    lonely = np.array([[1.0, np.nan, np.nan], [np.nan, 2.0, np.nan], [np.nan, 4.0, np.nan]])
    assert knn_fill(lonely, 3)[0].tolist() == [1.0, 3.0, 0.0]


def test_nan_euclidean_scales_by_the_shared_coordinates():
    x = np.array([[0.0, np.nan, 0.0]])
    y = np.array([[3.0, 7.0, 4.0], [np.nan, 1.0, np.nan]])
    # sqrt(3/2 · (9 + 16)) over the two shared coordinates; no shared coordinate: NaN
    distances = nan_euclidean(x, y)
    assert np.isclose(distances[0, 0], np.sqrt(1.5 * 25)) and np.isnan(distances[0, 1])
