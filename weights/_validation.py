"""Boundary checks shared by the public weighting functions (private).

The public functions of :mod:`weights` validate their input once, here, and then call numpy
kernels that trust it. Messages name the function the user called and the indicator (a column
label of the DataFrame, or ``column j`` for a plain array), as the project's style asks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.errors import (
    DataValidationError,
    DegenerateIndicatorError,
    DomainError,
    SpecificationError,
    WeightsError,
)
from indicators.polarity import parse_polarity
from indicators.schema import Framework

FloatArray = npt.NDArray[np.float64]

#: What ``polarity`` may be: ``None`` (every indicator is "more is better"), a framework (its
#: indicators' polarity), a mapping or Series from indicator id to a polarity
#: (:func:`indicators.polarity.parse_polarity`), or a sequence aligned with the columns.
PolarityLike: TypeAlias = Framework | Mapping[Any, Any] | pd.Series | Sequence[Any] | npt.NDArray[Any] | None

# Show at most this many offending cities or positions in one message line.
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class LabelledMatrix:
    """A validated cities × indicators matrix with the labels needed for messages and results."""

    values: FloatArray
    columns: pd.Index
    rows: pd.Index
    labelled: bool

    def column_name(self, j: int | np.integer[Any]) -> str:
        return f"indicator {str(self.columns[j])!r}" if self.labelled else f"column {j}"

    def row_names(self, positions: npt.NDArray[np.intp]) -> str:
        shown = [repr(str(self.rows[i])) if self.labelled else str(int(i)) for i in positions[:_MAX_LISTED]]
        more = f" and {len(positions) - _MAX_LISTED} more" if len(positions) > _MAX_LISTED else ""
        return ", ".join(shown) + more


def as_matrix(data: Any, *, caller: str, min_rows: int = 2) -> LabelledMatrix:
    """Convert ``data`` to a finite 2-D float64 matrix or raise :class:`DataValidationError`.

    Parameters
    ----------
    data : DataFrame or array-like
        Cities in rows, indicators in columns. A DataFrame's column labels are the indicator ids.
    caller : str
        The public function's name, quoted in messages.
    min_rows : int, default=2
        Fewest cities the method can work with.
    """
    if isinstance(data, pd.DataFrame):
        duplicated = data.columns[data.columns.duplicated()].unique()
        if len(duplicated):
            raise DataValidationError(f"{caller}: duplicated indicator columns {[str(c) for c in duplicated]}")
        non_numeric = [str(c) for c, dtype in data.dtypes.items() if not pd.api.types.is_numeric_dtype(dtype)]
        if non_numeric:
            raise DataValidationError(
                f"{caller}: indicator columns {non_numeric} are not numeric; convert them (pd.to_numeric) "
                "or drop them before weighting"
            )
        values = data.to_numpy(dtype=np.float64, na_value=np.nan)
        matrix = LabelledMatrix(values, data.columns, data.index, labelled=True)
    elif isinstance(data, pd.Series):
        raise DataValidationError(f"{caller}: expected a 2-D table (cities × indicators), got a Series")
    else:
        try:
            values = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataValidationError(f"{caller}: data cannot be read as a numeric matrix: {exc}") from None
        if values.ndim != 2:
            raise DataValidationError(
                f"{caller}: expected a 2-D matrix (cities × indicators), got {values.ndim} dimension(s)"
            )
        matrix = LabelledMatrix(values, pd.RangeIndex(values.shape[1]), pd.RangeIndex(values.shape[0]), False)

    n, m = matrix.values.shape
    if m == 0:
        raise DataValidationError(f"{caller}: the data has no indicator columns")
    if n < min_rows:
        raise DataValidationError(f"{caller}: needs at least {min_rows} cities, got {n}")
    _check_finite(matrix, caller)
    return matrix


def _check_finite(matrix: LabelledMatrix, caller: str) -> None:
    finite = np.isfinite(matrix.values)
    if finite.all():
        return
    n = matrix.values.shape[0]
    problems = []
    for j in np.flatnonzero(~finite.all(axis=0)):
        column = matrix.values[:, j]
        for word, mask in (("NaN", np.isnan(column)), ("inf", np.isinf(column))):
            rows = np.flatnonzero(mask)
            if rows.size:
                problems.append(
                    f"{caller}: {matrix.column_name(j)} has {word} for {rows.size} of {n} cities "
                    f"({matrix.row_names(rows)})"
                )
    raise DataValidationError(
        "\n".join(problems) + "\nImpute missing values and treat infinite values before weighting.", problems
    )


def constant_columns(values: FloatArray) -> npt.NDArray[np.bool_]:
    """True where a column is constant up to rounding (its range is within a few ulps of its size)."""
    low = values.min(axis=0)
    high = values.max(axis=0)
    size = np.maximum(np.abs(low), np.abs(high))
    # A range of a few units in the last place is rounding, not information: min-max would
    # otherwise blow rounding noise up to the full [0, 1] range.
    return cast(npt.NDArray[np.bool_], (high - low) <= 4.0 * np.finfo(np.float64).eps * size)


def require_non_constant(matrix: LabelledMatrix, caller: str, why: str) -> None:
    """Raise :class:`DegenerateIndicatorError` naming every constant column."""
    constant = np.flatnonzero(constant_columns(matrix.values))
    if constant.size:
        problems = [
            f"{caller}: {matrix.column_name(j)} is constant (value {float(matrix.values[0, j])!r}) across all "
            f"{matrix.values.shape[0]} cities, so {why}. Drop the indicator or use a method that allows it."
            for j in constant
        ]
        raise DegenerateIndicatorError("\n".join(problems), problems)


def require_positive(matrix: LabelledMatrix, caller: str, why: str, *, strict: bool = True) -> None:
    """Raise :class:`DomainError` naming each indicator with values ≤ 0 (or < 0 if not strict)."""
    bad = matrix.values <= 0 if strict else matrix.values < 0
    if not bad.any():
        return
    bound = "≤ 0" if strict else "< 0"
    problems = []
    for j in np.flatnonzero(bad.any(axis=0)):
        rows = np.flatnonzero(bad[:, j])
        problems.append(
            f"{caller}: {matrix.column_name(j)} has values {bound} for {rows.size} cities "
            f"({matrix.row_names(rows)}; smallest {float(matrix.values[rows, j].min())!r}), but {why}"
        )
    raise DomainError("\n".join(problems), problems)


def polarity_vector(polarity: PolarityLike, matrix: LabelledMatrix, *, caller: str) -> FloatArray | None:
    """Return +1/−1 per column, or ``None`` when every column is "more is better".

    A mapping, Series or framework may carry more ids than the data has columns, so one polarity
    map serves every subset of indicators; an id the data needs but the map lacks is an error.
    """
    if polarity is None:
        return None
    m = matrix.values.shape[1]
    if isinstance(polarity, Framework):
        polarity = {i.id: i.polarity for i in polarity.indicators}
    if isinstance(polarity, (Mapping, pd.Series)):
        lookup = dict(polarity.items())
        if not matrix.labelled:
            raise SpecificationError(
                f"{caller}: polarity is keyed by indicator id, but the data is an unlabelled array; "
                "pass a DataFrame whose columns are the indicator ids, or a polarity sequence"
            )
        missing = [str(c) for c in matrix.columns if c not in lookup]
        if missing:
            raise SpecificationError(f"{caller}: polarity is missing for indicators {missing}")
        raw = [lookup[c] for c in matrix.columns]
    else:
        if isinstance(polarity, str):
            raise SpecificationError(f"{caller}: polarity must be one value per indicator, not the string {polarity!r}")
        raw = list(np.asarray(polarity, dtype=object).ravel())
        if len(raw) != m:
            raise SpecificationError(f"{caller}: polarity has {len(raw)} values for {m} indicators")
    signs = np.array([parse_polarity(value, where=f"{caller}: polarity of {matrix.column_name(j)}")
                      for j, value in enumerate(raw)], dtype=float)
    return None if (signs > 0).all() else signs


def minmax_columns(values: FloatArray, polarity: FloatArray | None) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Min-max each column to [0, 1], flipping −1 columns; constant columns become 0.

    Benefit columns give ``(x − min)/(max − min)`` and cost columns ``(max − x)/(max − min)``.
    Returns the normalised matrix (a new array) and the mask of constant columns.
    """
    low = values.min(axis=0)
    high = values.max(axis=0)
    constant = constant_columns(values)
    span = np.where(constant, 1.0, high - low)
    if polarity is None:
        normalised = (values - low) / span
    else:
        normalised = np.where(polarity < 0, high - values, values - low) / span
    if constant.any():
        normalised[:, constant] = 0.0
    return normalised, constant


def shares_or_equal(scores: FloatArray) -> FloatArray:
    """``scores / scores.sum()``, or equal shares when every score is 0 (scores are ≥ 0)."""
    total = scores.sum()
    if total <= 0.0:
        return np.full(scores.shape[0], 1.0 / scores.shape[0])
    return cast(FloatArray, scores / total)


def labelled_series(values: FloatArray, matrix: LabelledMatrix, name: str) -> pd.Series:
    return pd.Series(values, index=matrix.columns.copy(), name=name, dtype=np.float64)


def as_weight_series(weights: Any, *, what: str) -> pd.Series:
    """Read a weight vector given as a Series or a mapping id → weight; check finite and ≥ 0."""
    if isinstance(weights, pd.Series):
        try:
            series = weights.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise WeightsError(f"{what}: weights must be numbers: {exc}") from None
    elif isinstance(weights, Mapping):
        try:
            series = pd.Series({k: float(v) for k, v in weights.items()}, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise WeightsError(f"{what}: weights must be numbers: {exc}") from None
    else:
        raise WeightsError(
            f"{what}: weights must be a pandas Series or a mapping id → weight, got {type(weights).__name__}"
        )
    if series.index.has_duplicates:
        raise WeightsError(f"{what}: duplicated ids {sorted(map(str, series.index[series.index.duplicated()]))}")
    values = series.to_numpy()
    finite = np.isfinite(values)
    if not finite.all():
        raise WeightsError(f"{what}: weights of {[str(k) for k in series.index[~finite]]} are NaN or inf")
    negative = values < 0
    if negative.any():
        raise WeightsError(f"{what}: weights of {[str(k) for k in series.index[negative]]} are negative")
    return series
