"""Principal-component weights following the OECD/JRC Handbook (2008) recipe."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import Field
from sklearn.decomposition import PCA

from indicators.errors import DataQualityWarning, SpecificationError
from indicators.registry import MethodOptions
from weights._registry import register_method
from weights._validation import (
    FloatArray,
    PolarityLike,
    as_matrix,
    labelled_series,
    require_non_constant,
    shares_or_equal,
)

__all__ = ["PCAKernelResult", "PCAResult", "PCAOptions", "pca_kernel", "pca_weights", "varimax"]


def varimax(
    loadings: FloatArray, *, kaiser_normalise: bool = True, max_sweeps: int = 500, tol: float = 1e-10
) -> tuple[FloatArray, bool]:
    r"""Varimax rotation of a loadings matrix (Kaiser, 1958).

    Finds the orthogonal rotation maximising the varimax criterion, the sum over factors of the
    variance of the squared loadings, :math:`\sum_f \operatorname{var}_j(\lambda_{jf}^2)`. It
    uses Kaiser's own algorithm: sweeps over every pair of factors, each rotated in its plane by
    the angle that maximises the criterion exactly,

    .. math::

        \tan 4\varphi = \frac{D - 2AB/p}{C - (A^2 - B^2)/p}, \quad
        u_j = x_j^2 - y_j^2,\; v_j = 2x_jy_j,\;
        A = \textstyle\sum u,\; B = \sum v,\; C = \sum (u^2 - v^2),\; D = 2\sum uv

    until no angle exceeds ``tol``. (The singular-value iteration used by R's ``stats::varimax``
    stalled in our tests at a stationary point, two clean blocks of indicators whose principal
    components lie at an angle to both blocks; the pairwise sweep does not.)

    Parameters
    ----------
    loadings : ndarray of shape (n_indicators, n_factors)
        Unrotated loadings.
    kaiser_normalise : bool, default=True
        Divide each row by the square root of its communality before rotating and multiply back
        afterwards (Kaiser normalisation, the default of SPSS and R).
    max_sweeps : int, default=500
        Limit on sweeps over all pairs of factors.
    tol : float, default=1e-10
        Stop when every planar rotation angle of a sweep is below ``tol`` radians.

    Returns
    -------
    rotated : ndarray of shape (n_indicators, n_factors)
        The rotated loadings, an orthogonal rotation of ``loadings``.
    converged : bool
        False if ``max_sweeps`` was reached first.

    References
    ----------
    .. [1] Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
       *Psychometrika* 23(3): 187–200. doi:10.1007/BF02289233
    """
    loadings = np.asarray(loadings, dtype=float)
    if loadings.ndim != 2 or not np.isfinite(loadings).all():
        raise SpecificationError(f"varimax: loadings must be a finite 2-D array (indicators × factors); got shape "
                                 f"{loadings.shape}")
    if isinstance(max_sweeps, bool) or not isinstance(max_sweeps, (int, np.integer)) or max_sweeps < 1:
        raise SpecificationError(f"varimax: max_sweeps must be a whole number >= 1; got {max_sweeps!r}")
    p, k = loadings.shape
    scale = np.ones(p)
    if kaiser_normalise:
        communality = np.sqrt((loadings**2).sum(axis=1))
        scale = np.where(communality > 0, communality, 1.0)
    rotated = loadings / scale[:, None]
    if k < 2:
        return rotated * scale[:, None], True
    for _ in range(max_sweeps):
        largest_angle = 0.0
        for a in range(k - 1):
            for b in range(a + 1, k):
                x, y = rotated[:, a], rotated[:, b]
                u, v = x * x - y * y, 2.0 * x * y
                sum_u, sum_v = u.sum(), v.sum()
                numerator = 2.0 * (u * v).sum() - 2.0 * sum_u * sum_v / p
                denominator = (u * u - v * v).sum() - (sum_u * sum_u - sum_v * sum_v) / p
                angle = 0.25 * np.arctan2(numerator, denominator)
                largest_angle = max(largest_angle, abs(angle))
                cos, sin = np.cos(angle), np.sin(angle)
                rotated[:, a], rotated[:, b] = x * cos + y * sin, y * cos - x * sin
        if largest_angle < tol:
            return rotated * scale[:, None], True
    return rotated * scale[:, None], False


@dataclass(frozen=True, slots=True)
class PCAKernelResult:
    """Arrays produced by :func:`pca_kernel` (see :class:`PCAResult` for their meaning)."""

    weights: FloatArray
    eigenvalues: FloatArray
    variance_share: FloatArray
    n_retained: int
    fallback: bool
    loadings: FloatArray
    rotated_loadings: FloatArray
    scaled_squared_loadings: FloatArray
    assignment: npt.NDArray[np.intp]
    factor_shares: FloatArray
    converged: bool


def pca_kernel(
    X: FloatArray,
    *,
    n_factors: int | None = None,
    min_eigenvalue: float = 1.0,
    min_variance_share: float = 0.10,
    rotate: bool = True,
) -> PCAKernelResult:
    """PCA weights of the columns of ``X`` (numpy/scikit-learn kernel, no validation).

    See :func:`pca_weights` for the method and the retention rule.

    Notes
    -----
    Preconditions, not checked here: ``X`` is 2-D float64 and finite with at least 2 rows and
    no constant column; ``1 ≤ n_factors ≤ min(n − 1, m)`` when given. Cost O(n·m² + m³).
    """
    m = X.shape[1]
    standardised = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    pca = PCA(svd_solver="covariance_eigh").fit(standardised)
    # Eigenvalues of the correlation matrix: the shares times m (the trace), whatever ddof
    # scikit-learn uses for its variances. Components beyond the rank have eigenvalue 0.
    share = np.zeros(m)
    share[: pca.explained_variance_ratio_.size] = pca.explained_variance_ratio_
    eigenvalues = share * m

    fallback = False
    if n_factors is None:
        # Both tests are monotone in the sorted eigenvalues, so the kept components are a prefix.
        passes = (eigenvalues > min_eigenvalue) & (share > min_variance_share)
        k = int(np.argmin(passes)) if not passes.all() else m
        if k == 0:
            k, fallback = 1, True
    else:
        k = n_factors
    loadings = pca.components_[:k].T * np.sqrt(eigenvalues[:k])
    if rotate:
        rotated, converged = varimax(loadings)
    else:
        rotated, converged = loadings.copy(), True

    squared = rotated**2
    factor_variance = squared.sum(axis=0)
    # Order factors by the variance they explain after rotation and orient each so that its
    # loadings sum to ≥ 0: cosmetic, so that diagnostics are reproducible and readable.
    order = np.argsort(-factor_variance, kind="stable")
    rotated, squared, factor_variance = rotated[:, order], squared[:, order], factor_variance[order]
    rotated *= np.where(rotated.sum(axis=0) < 0, -1.0, 1.0)
    scaled = squared / np.where(factor_variance > 0, factor_variance, 1.0)
    factor_shares = factor_variance / factor_variance.sum()
    assignment = np.argmax(scaled, axis=1)
    raw = scaled[np.arange(m), assignment] * factor_shares[assignment]
    return PCAKernelResult(
        weights=shares_or_equal(raw),
        eigenvalues=eigenvalues,
        variance_share=share,
        n_retained=k,
        fallback=fallback,
        loadings=loadings,
        rotated_loadings=rotated,
        scaled_squared_loadings=scaled,
        assignment=assignment,
        factor_shares=factor_shares,
        converged=converged,
    )


@dataclass(frozen=True, slots=True)
class PCAResult:
    """Weights and diagnostics of :func:`pca_weights`.

    Attributes
    ----------
    weights : Series
        One weight per indicator, non-negative, summing to 1.
    eigenvalues : Series
        Eigenvalues of the correlation matrix, ``PC1`` first (0 beyond the rank of the data).
    variance_share : Series
        Share of total variance of each principal component.
    n_retained : int
        Number of factors kept.
    retention_rule : str
        The rule that chose ``n_retained``, in words.
    cumulative_share : float
        Share of total variance explained by the retained factors.
    loadings : DataFrame
        Unrotated loadings (correlation of indicator and component), indicators × ``PC1..PCk``.
    rotated_loadings : DataFrame
        Varimax-rotated loadings, indicators × ``F1..Fk`` (factors ordered by explained variance).
    scaled_squared_loadings : DataFrame
        Squared rotated loadings divided by their factor's column sum (each column sums to 1).
    assignment : Series
        Factor (``F1``…) to which each indicator is assigned.
    factor_shares : Series
        Each retained factor's share of the variance explained by all retained factors.
    converged : bool
        Whether the varimax iteration converged.
    """

    weights: pd.Series
    eigenvalues: pd.Series
    variance_share: pd.Series
    n_retained: int
    retention_rule: str
    cumulative_share: float
    loadings: pd.DataFrame
    rotated_loadings: pd.DataFrame
    scaled_squared_loadings: pd.DataFrame
    assignment: pd.Series
    factor_shares: pd.Series
    converged: bool


def pca_weights(
    X: pd.DataFrame | Any,
    *,
    n_factors: int | None = None,
    min_eigenvalue: float = 1.0,
    min_variance_share: float = 0.10,
    min_cumulative_share: float = 0.60,
    rotate: bool = True,
) -> PCAResult:
    r"""Weights from principal components, following the OECD/JRC Handbook (2008, §6.1 and
    Tables 16–17).

    Steps:

    1. Standardise each indicator (mean 0, standard deviation 1) and run a principal component
       analysis (scikit-learn ``PCA``) of the standardised data, i.e. of the correlation matrix.
    2. Retain factors. Unless ``n_factors`` is given, keep the leading components whose
       eigenvalue exceeds ``min_eigenvalue`` (1, the Kaiser criterion) **and** which each explain
       more than ``min_variance_share`` (10 %) of the total variance; both tests are monotone
       in the sorted eigenvalues, so this keeps a prefix. The Handbook's third condition,
       cumulative explained variance above ``min_cumulative_share`` (60 %), is **checked, not
       enforced**: components failing the first two tests are never added to reach it; a
       :class:`DataQualityWarning` reports the shortfall instead. If no component passes, the
       first one is kept, with a warning.
    3. Rotate the retained loadings (correlations between indicators and components) with
       varimax (Kaiser-normalised), when ``rotate`` is true.
    4. Square the rotated loadings and scale them to unit sum within each factor:
       :math:`s_{jf} = \lambda_{jf}^2 / \sum_i \lambda_{if}^2`.
    5. Assign each indicator to the factor where :math:`s_{jf}` is largest, :math:`f(j)`.
    6. Weight each factor by its share of the variance explained by the retained factors after
       rotation, :math:`\pi_f = \sum_i \lambda_{if}^2 / \sum_{i,g} \lambda_{ig}^2`, and set

       .. math:: w_j = \frac{s_{j f(j)}\, \pi_{f(j)}}{\sum_k s_{k f(k)}\, \pi_{f(k)}}

    Polarity does not matter: flipping an indicator flips the sign of its loadings, and the
    method only uses their squares.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_cities, n_indicators)
        Data (raw or normalised: standardisation removes location and scale); the DataFrame's
        columns are the indicator ids. At least 2 cities.
    n_factors : int, optional
        Number of factors to retain, overriding the rule of step 2.
    min_eigenvalue : float, default=1.0
        Kaiser criterion: retained eigenvalues must exceed it.
    min_variance_share : float, default=0.10
        Each retained factor must explain more than this share of the total variance.
    min_cumulative_share : float, default=0.60
        Warn if the retained factors explain less than this share together.
    rotate : bool, default=True
        Apply varimax. Without rotation a single factor's squared loadings give the weights.

    Returns
    -------
    PCAResult
        ``.weights`` (Series indexed by indicator id) plus the diagnostics: eigenvalues, shares,
        loadings before and after rotation, assignment and factor shares.

    Raises
    ------
    DataValidationError
        If ``X`` is not a numeric 2-D table, has fewer than 2 cities, or holds NaN or inf.
    DegenerateIndicatorError
        If an indicator is constant (it cannot be standardised).
    SpecificationError
        If ``n_factors`` or a threshold is out of range.

    Warns
    -----
    DataQualityWarning
        If the retained factors explain less than ``min_cumulative_share``, if no component
        passes the rule, if the last retained eigenvalue ties with the next one (the retained
        factors are then not determined by the data), or if varimax did not converge.

    Notes
    -----
    An indicator that loads on no retained factor gets a weight near 0: PCA weights describe the
    correlation structure of the sample, not the importance of an indicator, and change with
    the set of cities. Results are reproducible (no randomness). Cost O(n·m² + m³).

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology and User
       Guide*. OECD Publishing, Paris. doi:10.1787/9789264043466-en
    .. [2] Kaiser, H. F. (1958). The varimax criterion for analytic rotation in factor analysis.
       *Psychometrika* 23(3): 187–200. doi:10.1007/BF02289233

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(200, 2))
    >>> X = pd.DataFrame(np.repeat(f, 3, axis=1) + 0.1 * rng.normal(size=(200, 6)), columns=list("abcdef"))
    >>> result = pca_weights(X)
    >>> result.n_retained, result.weights.round(2).tolist()
    (2, [0.17, 0.17, 0.17, 0.17, 0.17, 0.17])
    """
    caller = "pca_weights"
    for name, value in (("min_variance_share", min_variance_share), ("min_cumulative_share", min_cumulative_share)):
        if not 0.0 <= value < 1.0:
            raise SpecificationError(f"{caller}: {name} must be in [0, 1), got {value!r}")
    if not (np.isfinite(min_eigenvalue) and min_eigenvalue >= 0):
        raise SpecificationError(f"{caller}: min_eigenvalue must be ≥ 0, got {min_eigenvalue!r}")
    matrix = as_matrix(X, caller=caller, min_rows=2)
    n, m = matrix.values.shape
    if n_factors is not None and not (
        isinstance(n_factors, (int, np.integer)) and 1 <= n_factors <= min(n - 1, m)
    ):
        raise SpecificationError(
            f"{caller}: n_factors must be an integer from 1 to {min(n - 1, m)} (cities − 1 and indicators "
            f"bound the rank), got {n_factors!r}"
        )
    require_non_constant(matrix, caller, "it cannot be standardised")
    core = pca_kernel(
        matrix.values,
        n_factors=None if n_factors is None else int(n_factors),
        min_eigenvalue=min_eigenvalue,
        min_variance_share=min_variance_share,
        rotate=rotate,
    )
    k = core.n_retained
    cumulative = float(core.variance_share[:k].sum())
    if n_factors is not None:
        rule = f"n_factors={k} given"
    elif core.fallback:
        rule = (
            f"no component has eigenvalue > {min_eigenvalue:g} and variance share > {min_variance_share:.0%}; "
            "kept the first"
        )
        warnings.warn(
            f"{caller}: {rule}: the indicators share little common variance", DataQualityWarning, stacklevel=2
        )
    else:
        rule = f"eigenvalue > {min_eigenvalue:g} and variance share > {min_variance_share:.0%}"
    if cumulative < min_cumulative_share:
        warnings.warn(
            f"{caller}: the {k} retained factor(s) explain {cumulative:.1%} of the variance, less than "
            f"the {min_cumulative_share:.0%} the OECD/JRC Handbook asks for",
            DataQualityWarning,
            stacklevel=2,
        )
    if k < m and core.eigenvalues[k - 1] - core.eigenvalues[k] <= 1e-8 * core.eigenvalues[0]:
        warnings.warn(
            f"{caller}: eigenvalues {k} and {k + 1} are tied ({core.eigenvalues[k - 1]:.6g}), so which factors are "
            "retained is not determined by the data and the weights depend on round-off",
            DataQualityWarning,
            stacklevel=2,
        )
    if not core.converged:
        warnings.warn(f"{caller}: varimax rotation did not converge", DataQualityWarning, stacklevel=2)

    columns = matrix.columns.copy()
    components = pd.Index([f"PC{i + 1}" for i in range(m)], name="component")
    factors = pd.Index([f"F{i + 1}" for i in range(k)], name="factor")
    return PCAResult(
        weights=labelled_series(core.weights, matrix, "pca_weight"),
        eigenvalues=pd.Series(core.eigenvalues, index=components, name="eigenvalue"),
        variance_share=pd.Series(core.variance_share, index=components, name="variance_share"),
        n_retained=k,
        retention_rule=rule,
        cumulative_share=cumulative,
        loadings=pd.DataFrame(core.loadings, index=columns, columns=components[:k]),
        rotated_loadings=pd.DataFrame(core.rotated_loadings, index=columns, columns=factors),
        scaled_squared_loadings=pd.DataFrame(core.scaled_squared_loadings, index=columns, columns=factors),
        assignment=pd.Series(factors[core.assignment], index=columns, name="factor"),
        factor_shares=pd.Series(core.factor_shares, index=factors, name="factor_share"),
        converged=core.converged,
    )


class PCAOptions(MethodOptions):
    """Options of the PCA method (see :func:`pca_weights`)."""

    n_factors: int | None = Field(None, ge=1, description="Factors retained, overriding the retention rule.")
    min_eigenvalue: float = Field(1.0, description="Kaiser criterion: retained eigenvalues exceed it.")
    min_variance_share: float = Field(0.10, ge=0, le=1, description="Each retained factor explains more than this.")
    min_cumulative_share: float = Field(0.60, ge=0, le=1, description="Warn below this share explained together.")
    rotate: bool = Field(True, description="Apply varimax.")


@register_method("pca", PCAOptions)
def _pca_method(data: pd.DataFrame, polarity: PolarityLike = None, *, n_factors: int | None = None,
                min_eigenvalue: float = 1.0, min_variance_share: float = 0.10, min_cumulative_share: float = 0.60,
                rotate: bool = True) -> pd.Series:
    """Registry entry: PCA weights (:class:`PCAOptions`); polarity has no effect (squared loadings)."""
    return pca_weights(data, n_factors=n_factors, min_eigenvalue=min_eigenvalue,
                       min_variance_share=min_variance_share, min_cumulative_share=min_cumulative_share,
                       rotate=rotate).weights
