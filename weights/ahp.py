"""Analytic Hierarchy Process (Saaty): weights from pairwise comparisons on the 1–9 scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from indicators.errors import SpecificationError, WeightsError
from weights._validation import FloatArray

__all__ = [
    "SAATY_RI",
    "CONSISTENCY_THRESHOLD",
    "AHPResult",
    "ahp_kernel",
    "ahp_weights",
    "ahp_group_weights",
]

#: Saaty's random consistency index RI(n): the mean consistency index of random reciprocal
#: matrices of order n on the 1–9 scale (Saaty 1980). The values for n = 1..15 (methods.md §4.4,
#: tagged there as from memory except n = 15) were checked against a published table citing Saaty
#: (Bernardus et al. 2012, p. 268: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48,
#: 1.56, 1.57, 1.59). Other tables exist (Chinese textbooks often use 0.52, 0.89, 1.12, 1.26, …);
#: pass ``random_index=`` to use one.
SAATY_RI: Mapping[int, float] = MappingProxyType(
    {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
     11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}
)  # fmt: skip

#: Saaty's acceptance rule: a consistency ratio below 0.1 is acceptable.
CONSISTENCY_THRESHOLD = 0.1

# Judgements typed by hand (0.33 for 1/3) are reciprocal only to about 1 %.
_RELATIVE_TOLERANCE = 0.01
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class AHPResult:
    """Weights and consistency diagnostics of a pairwise comparison matrix.

    Attributes
    ----------
    weights : Series
        Principal right eigenvector normalised to sum to 1, indexed by element.
    lambda_max : float
        Principal eigenvalue (equals n for a perfectly consistent matrix).
    consistency_index : float
        ``CI = (λmax − n)/(n − 1)``; 0 for n ≤ 2.
    consistency_ratio : float
        ``CR = CI / RI(n)``; 0 for n ≤ 2.
    random_index : float
        ``RI(n)`` used.
    matrix : DataFrame
        The comparison matrix (for a group, the element-wise geometric mean).
    expert_consistency_ratios : Series or None
        For :func:`ahp_group_weights`, each expert's own consistency ratio.
    """

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    matrix: pd.DataFrame
    expert_consistency_ratios: pd.Series | None = None

    @property
    def is_consistent(self) -> bool:
        """Whether ``consistency_ratio < 0.1`` (Saaty's rule)."""
        return self.consistency_ratio < CONSISTENCY_THRESHOLD


def ahp_kernel(A: FloatArray) -> tuple[FloatArray, float]:
    """Principal eigenvector (normalised) and eigenvalue of a positive square matrix (kernel).

    Parameters
    ----------
    A : ndarray of shape (n, n)
        Positive reciprocal comparison matrix.

    Returns
    -------
    weights : ndarray of shape (n,)
        Positive, summing to 1.
    lambda_max : float

    Notes
    -----
    Preconditions, not checked here: ``A`` is square, finite and strictly positive (the
    Perron–Frobenius theorem then makes the principal eigenvalue real and simple and its
    eigenvector positive). Cost O(n³).
    """
    n = A.shape[0]
    if n == 1:
        return np.ones(1), 1.0
    values, vectors = np.linalg.eig(A)
    principal = int(np.argmax(values.real))
    vector = np.abs(vectors[:, principal].real)
    return vector / vector.sum(), float(values[principal].real)


def ahp_weights(
    matrix: pd.DataFrame | Sequence[Sequence[float]] | np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    random_index: Mapping[int, float] = SAATY_RI,
    allow_inconsistent: bool = False,
) -> AHPResult:
    r"""AHP weights from one pairwise comparison matrix (Saaty, 1977, 1980).

    Entry :math:`a_{ij}` says how much more important element i is than element j on Saaty's
    scale (1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme, even numbers in between,
    reciprocals for the reverse), with :math:`a_{ii} = 1` and :math:`a_{ji} = 1/a_{ij}`. The
    weights are the principal right eigenvector, normalised:

    .. math::

        A w = \lambda_{max} w, \qquad \sum_i w_i = 1, \qquad
        CI = \frac{\lambda_{max} - n}{n - 1}, \qquad CR = \frac{CI}{RI(n)}

    A matrix is accepted if :math:`CR < 0.1`. For n ≤ 2 every reciprocal matrix is consistent
    and CI = CR = 0.

    Parameters
    ----------
    matrix : DataFrame or array-like of shape (n, n)
        The comparisons. A DataFrame's index (equal to its columns) labels the elements.
    labels : sequence of str, optional
        Element labels for an array (default ``0..n-1``).
    random_index : mapping n → RI, default=SAATY_RI
        The random index table; must contain n when n ≥ 3.
    allow_inconsistent : bool, default=False
        Return the result even if CR ≥ 0.1 (check ``result.is_consistent``).

    Returns
    -------
    AHPResult
        ``.weights`` (Series), ``.lambda_max``, ``.consistency_index``, ``.consistency_ratio``.

    Raises
    ------
    WeightsError
        (also a ValueError) if the matrix is not square, has a non-finite or non-positive entry,
        a diagonal entry ≠ 1, an entry outside [1/9, 9], or is not reciprocal (each message names
        the offending positions (row, column) and the element labels); or if CR ≥ 0.1 and
        ``allow_inconsistent`` is false.
    SpecificationError
        If ``random_index`` has no value for n ≥ 3, or labels do not match.

    Notes
    -----
    Entries are compared with a relative tolerance of 1 % (so ``0.33`` passes for 1/3); the
    eigenvector is computed from the matrix as given, not from a symmetrised copy.

    References
    ----------
    .. [1] Saaty, T. L. (1977). A scaling method for priorities in hierarchical structures.
       *Journal of Mathematical Psychology* 15(3): 234–281. doi:10.1016/0022-2496(77)90033-5
    .. [2] Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill, New York.

    Examples
    --------
    >>> result = ahp_weights([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]], labels=["a", "b", "c"])
    >>> result.weights.round(4).tolist(), round(result.consistency_ratio, 4)
    ([0.637, 0.2583, 0.1047], 0.0332)
    """
    caller = "ahp_weights"
    values, names = _comparison_matrix(matrix, labels, caller)
    result = _ahp_from_valid(values, names, random_index, caller)
    if not allow_inconsistent and not result.is_consistent:
        raise WeightsError(
            f"{caller}: the comparisons are inconsistent: consistency ratio {result.consistency_ratio:.3f} ≥ "
            f"{CONSISTENCY_THRESHOLD} (λmax = {result.lambda_max:.4f}, n = {len(names)}). Revise the judgements "
            "or pass allow_inconsistent=True."
        )
    return result


def ahp_group_weights(
    matrices: Sequence[Any] | Mapping[str, Any],
    *,
    labels: Sequence[str] | None = None,
    random_index: Mapping[int, float] = SAATY_RI,
    allow_inconsistent: bool = False,
) -> AHPResult:
    r"""Group AHP: aggregate the experts' judgements first (AIJ), then weight.

    The group matrix is the element-wise geometric mean of the experts' matrices, which is
    again reciprocal (Forman & Peniwati, 1998):

    .. math:: a^{G}_{ij} = \Big(\prod_{e=1}^{E} a^{(e)}_{ij}\Big)^{1/E}

    and its weights and consistency are those of :func:`ahp_weights`. Only the group matrix
    must be consistent; each expert's own consistency ratio is reported in
    ``result.expert_consistency_ratios``.

    Parameters
    ----------
    matrices : sequence or mapping expert → matrix
        One comparison matrix per expert, all over the same elements in the same order
        (DataFrames must share their labels).
    labels, random_index, allow_inconsistent
        As for :func:`ahp_weights`.

    Returns
    -------
    AHPResult

    Raises
    ------
    WeightsError
        If there is no expert, an expert's matrix is invalid (the message names the expert and
        the position), the experts' elements differ, or the group matrix is inconsistent.

    References
    ----------
    .. [1] Forman, E. & Peniwati, K. (1998). Aggregating individual judgments and priorities
       with the analytic hierarchy process. *European Journal of Operational Research* 108(1):
       165–169.

    Examples
    --------
    >>> a = [[1, 3], [1/3, 1]]
    >>> b = [[1, 1/3], [3, 1]]
    >>> ahp_group_weights({"A": a, "B": b}).weights.tolist()
    [0.5, 0.5]
    """
    caller = "ahp_group_weights"
    if not isinstance(matrices, (Mapping, Sequence)) or isinstance(matrices, str):
        raise WeightsError(f"{caller}: expected a list of matrices or a mapping expert → matrix; got "
                           f"{type(matrices).__name__}")
    items = list(matrices.items()) if isinstance(matrices, Mapping) else list(enumerate(matrices))
    if not items:
        raise WeightsError(f"{caller}: no expert matrices given")
    checked = []
    for expert, matrix in items:
        values, names = _comparison_matrix(matrix, labels, f"{caller}: expert {expert!r}")
        checked.append((expert, values, names))
    reference = checked[0][2]
    for expert, _, names in checked[1:]:
        if names != reference:
            raise WeightsError(
                f"{caller}: expert {expert!r} compares {names}, but expert {checked[0][0]!r} compares {reference}"
            )
    group = np.exp(np.mean([np.log(values) for _, values, _ in checked], axis=0))
    result = _ahp_from_valid(group, reference, random_index, caller)
    expert_ratios = pd.Series(
        [_ahp_from_valid(values, names, random_index, caller).consistency_ratio for _, values, names in checked],
        index=[str(expert) for expert, _, _ in checked],
        name="consistency_ratio",
    )
    result = AHPResult(
        weights=result.weights,
        lambda_max=result.lambda_max,
        consistency_index=result.consistency_index,
        consistency_ratio=result.consistency_ratio,
        random_index=result.random_index,
        matrix=result.matrix,
        expert_consistency_ratios=expert_ratios,
    )
    if not allow_inconsistent and not result.is_consistent:
        raise WeightsError(
            f"{caller}: the group matrix is inconsistent: consistency ratio {result.consistency_ratio:.3f} ≥ "
            f"{CONSISTENCY_THRESHOLD}; experts' own ratios: "
            + ", ".join(f"{k} {v:.3f}" for k, v in expert_ratios.items())
        )
    return result


def _ahp_from_valid(values: FloatArray, names: list[str], random_index: Mapping[int, float], caller: str) -> AHPResult:
    n = values.shape[0]
    weights, lambda_max = ahp_kernel(values)
    if n <= 2:
        ci = cr = ri = 0.0
    else:
        if n not in random_index:
            raise SpecificationError(
                f"{caller}: no random index for n = {n} elements (table covers {sorted(random_index)}); "
                "pass random_index={n: value, ...}"
            )
        ri = float(random_index[n])
        if not ri > 0:
            raise SpecificationError(f"{caller}: random index for n = {n} must be positive, got {ri!r}")
        # λmax ≥ n holds exactly for positive reciprocal matrices; only round-off goes below.
        ci = max(0.0, (lambda_max - n) / (n - 1))
        cr = ci / ri
    return AHPResult(
        weights=pd.Series(weights, index=names, name="ahp_weight"),
        lambda_max=lambda_max,
        consistency_index=ci,
        consistency_ratio=cr,
        random_index=ri,
        matrix=pd.DataFrame(values, index=names, columns=names),
    )


def _comparison_matrix(matrix: Any, labels: Sequence[str] | None, caller: str) -> tuple[FloatArray, list[str]]:
    """Validate a comparison matrix; return it as float64 with its element labels."""
    if isinstance(matrix, pd.DataFrame):
        if list(matrix.index) != list(matrix.columns):
            raise WeightsError(
                f"{caller}: the matrix's row labels {list(map(str, matrix.index))} differ from its column labels "
                f"{list(map(str, matrix.columns))}"
            )
        if labels is not None and list(labels) != list(map(str, matrix.index)):
            raise SpecificationError(
                f"{caller}: labels {list(labels)} differ from the DataFrame's {list(matrix.index)}"
            )
        names = [str(c) for c in matrix.columns]
        raw: Any = matrix.to_numpy()
    else:
        raw, names = matrix, []
    try:
        values = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise WeightsError(f"{caller}: the comparisons cannot be read as a numeric matrix: {exc}") from None
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise WeightsError(f"{caller}: a comparison matrix must be square and non-empty, got shape {values.shape}")
    n = values.shape[0]
    if not names:
        names = [str(i) for i in range(n)] if labels is None else [str(x) for x in labels]
        if len(names) != n:
            raise SpecificationError(f"{caller}: {len(names)} labels for a {n} × {n} matrix")
    labelled = isinstance(matrix, pd.DataFrame) or labels is not None

    def where(pairs: np.ndarray, what: str) -> str:
        shown = []
        for i, j in pairs[:_MAX_LISTED]:
            label = f" ({names[i]!r} vs {names[j]!r})" if labelled else ""
            shown.append(f"({i}, {j}){label} = {values[i, j]:.6g}")
        more = f" and {len(pairs) - _MAX_LISTED} more" if len(pairs) > _MAX_LISTED else ""
        return f"{caller}: {what} at (row, column) " + "; ".join(shown) + more

    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        raise WeightsError(where(bad, "entries must be finite numbers (NaN or inf found)"))
    bad = np.argwhere(values <= 0)
    if bad.size:
        raise WeightsError(where(bad, "entries must be positive"))
    diagonal = np.argwhere(np.abs(np.diag(values) - 1.0) > _RELATIVE_TOLERANCE)
    if diagonal.size:
        bad = np.column_stack([diagonal[:, 0], diagonal[:, 0]])
        raise WeightsError(where(bad, "diagonal entries must be 1"))
    outside = (values < (1 - _RELATIVE_TOLERANCE) / 9) | (values > 9 * (1 + _RELATIVE_TOLERANCE))
    bad = np.argwhere(outside)
    if bad.size:
        raise WeightsError(where(bad, "entries must lie on Saaty's scale [1/9, 9]"))
    product = values * values.T
    upper = np.triu(np.abs(product - 1.0) > _RELATIVE_TOLERANCE, k=1)
    bad = np.argwhere(upper)
    if bad.size:
        detail = where(bad, "the matrix is not reciprocal (a_ji must be 1/a_ij)")
        i, j = bad[0]
        raise WeightsError(f"{detail}; e.g. a[{i},{j}]·a[{j},{i}] = {product[i, j]:.6g}, not 1")
    return values, names
