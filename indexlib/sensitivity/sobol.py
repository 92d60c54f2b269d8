r"""Variance-based (Sobol') sensitivity analysis: a vectorised Saltelli design and estimators.

The design is Saltelli's cross-sampling of two independent quasi-random matrices :math:`A` and
:math:`B` (Sobol' sequence, Owen-scrambled); the estimators are Saltelli et al. (2010) for the
first-order index and Jansen (1999) for the total-order index, with bootstrap confidence
intervals. Both reproduce SALib 1.6 (``SALib.sample.sobol.sample`` and
``SALib.analyze.sobol.analyze`` with ``calc_second_order=False``) exactly for the design and to
rounding error for the indices, without depending on SALib: the design is built by broadcasting
instead of SALib's Python loop over rows, and all outputs (for example the rank of every city)
and all bootstrap resamples are estimated in one pass instead of one ``analyze`` call per output.

>>> design = sobol_design(["w_econ", "w_social"], 256, seed=1)
>>> design.unit_samples.shape
(1024, 2)
>>> x = design.unit_samples
>>> result = sobol_indices(design, x[:, 0] + 2 * x[:, 1], seed=7)
>>> result.ST.round(2).tolist()
[[0.2, 0.8]]

References
----------
.. [1] Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S. (2010).
   Variance based sensitivity analysis of model output. Design and estimator for the total
   sensitivity index. *Computer Physics Communications* 181(2): 259–270.
   doi:10.1016/j.cpc.2009.09.018
.. [2] Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer Physics
   Communications* 117(1–2): 35–43. doi:10.1016/S0010-4655(98)00154-4
.. [3] Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
   *Computer Physics Communications* 145(2): 280–297. doi:10.1016/S0010-4655(02)00280-1
.. [4] Herman, J. and Usher, W. (2017). SALib: an open-source Python library for sensitivity
   analysis. *Journal of Open Source Software* 2(9): 97. doi:10.21105/joss.00097
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.stats import norm, qmc

from indexlib.limits import require_memory
from indicators.errors import DataQualityWarning, DataValidationError, SpecificationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SobolDesign", "SobolResult", "sobol_design", "sobol_indices"]

_EPS = float(np.finfo(np.float64).eps)
# Working-set budget of one chunk of outputs in the bootstrap (bytes).
_CHUNK_BYTES = 200 * 2**20


def _is_power_of_two(n: int) -> bool:
    return n > 0 and (n & (n - 1)) == 0


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, slots=True, eq=False)
class SobolDesign:
    """A Saltelli cross-sampling design on the unit hypercube, laid out as SALib lays it out.

    Build it with :func:`sobol_design`; pass it, with the model outputs, to
    :func:`sobol_indices`. Carrying the design into the estimator means the layout of the runs
    and the estimator cannot disagree (SALib#665).

    Attributes
    ----------
    factors : tuple of str
        Names of the :math:`D` factors whose indices are estimated (groups, if ``groups`` is set).
    n_base : int
        :math:`N`, the number of base rows (a power of 2).
    unit_samples : ndarray of shape (N * (D + 2), P)
        Run inputs in :math:`[0, 1)`, read-only. :math:`P = D` without groups (column ``i``
        drives factor ``i``); with groups, :math:`P` = ``len(groups)``. For every base row
        ``n`` the block of :math:`D + 2` consecutive runs is :math:`A_n`, then
        :math:`A_{B,n}^{(1)}, \\dots, A_{B,n}^{(D)}` (:math:`A_n` with the columns of factor
        :math:`i` taken from :math:`B_n`), then :math:`B_n`. Map the columns to the model's
        inputs (bounds, distributions, discrete options via :math:`\\lfloor u k \\rfloor`) in
        the model.
    seed : int
        Seed of the scrambled Sobol' sequence.
    groups : tuple of str or None
        For every column of ``unit_samples``, the factor it belongs to (SALib's ``groups``);
        ``None`` when each column is its own factor.
    skip_values : int
        Number of leading points of the Sobol' sequence skipped (0 unless asked for).
    """

    factors: tuple[str, ...]
    n_base: int
    unit_samples: np.ndarray
    seed: int
    groups: tuple[str, ...] | None = None
    skip_values: int = 0

    @property
    def n_factors(self) -> int:
        """:math:`D`, the number of factors (or groups)."""
        return len(self.factors)

    @property
    def n_runs(self) -> int:
        """Number of model runs the design asks for, :math:`N (D + 2)`."""
        return self.n_base * (self.n_factors + 2)

    @property
    def a_rows(self) -> np.ndarray:
        """Row indices (into ``unit_samples`` and ``Y``) of the :math:`A` runs, shape (N,)."""
        return np.arange(self.n_base) * (self.n_factors + 2)

    @property
    def b_rows(self) -> np.ndarray:
        """Row indices of the runs of matrix :math:`B`, shape (N,)."""
        return self.a_rows + self.n_factors + 1

    def ab_rows(self, factor: int | str) -> np.ndarray:
        """Row indices of the runs of :math:`A_B^{(i)}` for one factor (index or name), shape (N,).

        Raises
        ------
        SpecificationError
            If ``factor`` is neither a factor name nor an index in ``range(D)``.
        """
        if isinstance(factor, str):
            if factor not in self.factors:
                raise SpecificationError(
                    f"Unknown factor {factor!r}; the design's factors are {list(self.factors)}."
                )
            i = self.factors.index(factor)
        else:
            i = int(factor)
            if not 0 <= i < self.n_factors:
                raise SpecificationError(
                    f"Factor index {factor} is out of range for a design with "
                    f"{self.n_factors} factors (0 … {self.n_factors - 1})."
                )
        return self.a_rows + 1 + i

    def split(self, Y: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Split model outputs into :math:`f(A)`, :math:`f(B)` and :math:`f(A_B^{(i)})`.

        Parameters
        ----------
        Y : array_like of shape (N * (D + 2), ...)
            Outputs in the design's run order; trailing axes (outputs) are kept.

        Returns
        -------
        f_A : ndarray of shape (N, ...)
        f_B : ndarray of shape (N, ...)
        f_AB : ndarray of shape (D, N, ...)
            Views into ``Y`` where possible (no copy).

        Raises
        ------
        SpecificationError
            If the first axis of ``Y`` is not ``N * (D + 2)`` long.
        """
        y = np.asarray(Y)
        self._check_rows(y)
        y3 = y.reshape(self.n_base, self.n_factors + 2, *y.shape[1:])
        return y3[:, 0], y3[:, -1], np.moveaxis(y3[:, 1:-1], 1, 0)

    def _check_rows(self, y: np.ndarray) -> None:
        got = y.shape[0] if y.ndim else 0
        if y.ndim == 0 or got != self.n_runs:
            raise SpecificationError(
                f"Y has {got} rows but the Sobol design (N = {self.n_base}, D = {self.n_factors} "
                f"factors, no second order) has N * (D + 2) = {self.n_runs} runs; evaluate the "
                "model on exactly the rows of design.unit_samples, in order."
            )


def sobol_design(
    factors: Sequence[str],
    n_base: int,
    *,
    seed: int,
    groups: Sequence[str] | None = None,
    skip_values: int = 0,
) -> SobolDesign:
    r"""Saltelli cross-sampling design (first and total order) from a scrambled Sobol' sequence.

    Draws :math:`N` points of a :math:`2P`-dimensional Owen-scrambled Sobol' sequence; the first
    :math:`P` columns form :math:`A`, the last :math:`P` form :math:`B`. For each base row
    :math:`n` the design holds :math:`D + 2` runs

    .. math::

        A_n,\; A_{B,n}^{(1)},\; \dots,\; A_{B,n}^{(D)},\; B_n, \qquad
        \bigl(A_B^{(i)}\bigr)_{nj} =
        \begin{cases} B_{nj} & \text{column } j \text{ belongs to factor } i \\
                      A_{nj} & \text{otherwise,} \end{cases}

    :math:`N (D + 2)` runs in all. The matrix is bit-identical to
    ``SALib.sample.sobol.sample(problem, N, calc_second_order=False, scramble=True,
    skip_values=skip_values, seed=seed)`` before scaling to bounds (SALib 1.6, SciPy 1.17), but
    is built by broadcasting rather than a Python loop over rows.

    Parameters
    ----------
    factors : sequence of str
        Names of the :math:`D \ge 1` factors, unique. Without ``groups`` each factor is one
        column of the design.
    n_base : int
        :math:`N`, the number of base rows; a power of 2 (≥ 2) so that the Sobol' points keep
        their balance properties.
    seed : int
        Seed of the scrambling (required, so that a design can always be rebuilt).
    groups : sequence of str, optional
        SALib's ``groups``: one entry per design column naming the factor it belongs to; all
        columns of a factor are swapped together in :math:`A_B^{(i)}`. Every factor must own at
        least one column. Give ``factors`` in order of first appearance in ``groups`` to
        reproduce SALib's row order. A single group is one factor whose :math:`A_B` rows are
        the :math:`B` rows (SALib's sampler instead silently ignores a single group, then its
        ``analyze`` expects :math:`3N` rows; that inconsistency is not reproduced).
    skip_values : int, default=0
        Leading points of the sequence to skip (a power of 2, or 0). Not recommended: scrambling
        already removes the repetition of the first points (Owen 2020).

    Returns
    -------
    SobolDesign

    Raises
    ------
    SpecificationError
        If ``n_base`` is not a power of 2, ``factors`` is empty or has duplicates, ``groups``
        does not match ``factors``, ``seed`` is not an integer or ``skip_values`` is not a
        power of 2.

    See Also
    --------
    sobol_indices : the estimators that take this design.

    Notes
    -----
    The seed is passed to :class:`scipy.stats.qmc.Sobol` as ``seed=`` (SciPy's legacy
    keyword), as SALib does; ``rng=`` would spawn a child generator and give a different
    sequence. Cost: :math:`O(N D P)` memory and time.

    References
    ----------
    .. [1] Saltelli, A. et al. (2010). *Comput. Phys. Commun.* 181: 259–270.
       doi:10.1016/j.cpc.2009.09.018
    .. [2] Owen, A. B. (2020). On dropping the first Sobol' point. arXiv:2008.08051.

    Examples
    --------
    >>> d = sobol_design(["a", "b", "c"], 8, seed=42)
    >>> d.unit_samples.shape, d.n_runs
    ((40, 3), 40)
    >>> x = d.unit_samples
    >>> bool((x[d.ab_rows("b")][:, [0, 2]] == x[d.a_rows][:, [0, 2]]).all())
    True
    >>> bool((x[d.ab_rows("b")][:, 1] == x[d.b_rows][:, 1]).all())
    True
    """
    names = tuple(factors) if not isinstance(factors, str) else (factors,)
    if not names:
        raise SpecificationError("A Sobol design needs at least one factor (D >= 1); got none.")
    if not all(isinstance(f, str) for f in names):
        raise SpecificationError(f"Factor names must be strings; got {list(names)!r}.")
    if len(set(names)) != len(names):
        dupes = sorted({f for f in names if names.count(f) > 1})
        raise SpecificationError(f"Factor names must be unique; duplicated: {dupes}.")
    if isinstance(n_base, bool) or not isinstance(n_base, numbers.Integral):
        raise SpecificationError(f"n_base must be an integer power of 2; got {n_base!r}.")
    n = int(n_base)
    if n < 2 or not _is_power_of_two(n):
        lower = 2 ** max(1, math.floor(math.log2(n))) if n >= 2 else 2
        raise SpecificationError(
            f"n_base must be a power of 2 (2, 4, 8, …) for a balanced Sobol' sequence; got {n}. "
            f"Use {lower} or {2 * lower}."
        )
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise SpecificationError(
            f"seed must be an integer (the design has to be reproducible); got {seed!r}."
        )
    if isinstance(skip_values, bool) or not isinstance(skip_values, numbers.Integral) or (
        skip_values != 0 and not _is_power_of_two(int(skip_values))
    ):
        raise SpecificationError(f"skip_values must be 0 or a power of 2; got {skip_values!r}.")

    n_factors = len(names)
    if groups is None:
        group_tuple = None
        member = np.eye(n_factors, dtype=bool)
    else:
        group_tuple = tuple(groups) if not isinstance(groups, str) else (groups,)
        unknown = sorted(set(group_tuple) - set(names))
        unused = [f for f in names if f not in group_tuple]
        if not group_tuple or unknown or unused:
            raise SpecificationError(
                "groups must name, for every design column, one of the factors, and every factor "
                f"must own a column; unknown groups: {unknown}; factors without columns: {unused}."
            )
        # member[i, j]: column j is swapped in A_B^(i)
        member = np.asarray(names)[:, None] == np.asarray(group_tuple)[None, :]
    n_cols = member.shape[1]
    if 2 * n_cols > qmc.Sobol.MAXDIM:
        raise SpecificationError(
            f"A design with {n_cols} columns needs a {2 * n_cols}-dimensional Sobol' sequence; "
            f"SciPy supports at most {qmc.Sobol.MAXDIM}."
        )

    # `seed=` (not `rng=`) is what SALib passes: the two keywords give different sequences.
    require_memory(8 * n * ((n_factors + 2) * n_cols + 2 * n_cols),
                   what=f"a Sobol' design of N = {n:,} base samples and {n_cols} columns", advice="use a smaller N")
    engine = qmc.Sobol(d=2 * n_cols, scramble=True, seed=int(seed))
    if skip_values:
        engine.fast_forward(int(skip_values))
    base = engine.random(n)
    a, b = base[:, :n_cols], base[:, n_cols:]

    runs = np.empty((n, n_factors + 2, n_cols))
    runs[:, 0] = a
    runs[:, 1:-1] = np.where(member[None], b[:, None, :], a[:, None, :])
    runs[:, -1] = b
    return SobolDesign(
        factors=names,
        n_base=n,
        unit_samples=_readonly(runs.reshape(n * (n_factors + 2), n_cols)),
        seed=int(seed),
        groups=group_tuple,
        skip_values=int(skip_values),
    )


@dataclass(frozen=True, slots=True, eq=False)
class SobolResult:
    """First- and total-order Sobol' indices with bootstrap confidence half-widths.

    Attributes
    ----------
    factors : tuple of str
        The design's factors (columns of the arrays).
    outputs : tuple of str
        Names of the :math:`K` outputs (rows of the arrays).
    S1, S1_conf, ST, ST_conf : ndarray of shape (K, D)
        First-order index, total-order index and the half-widths of their bootstrap confidence
        intervals (``conf_level``), read-only.
    n_base : int
        :math:`N` of the design.
    num_resamples : int
        Bootstrap resamples behind the ``*_conf`` arrays.
    conf_level : float
        Confidence level of the ``*_conf`` half-widths.
    seed : int or None
        Seed of the bootstrap (``None`` if none or a Generator was given).
    """

    factors: tuple[str, ...]
    outputs: tuple[str, ...]
    S1: np.ndarray
    S1_conf: np.ndarray
    ST: np.ndarray
    ST_conf: np.ndarray
    n_base: int
    num_resamples: int
    conf_level: float
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per output × factor (outputs in order, factors in design order).

        Returns
        -------
        pandas.DataFrame
            Columns ``output, factor, S1, S1_conf, ST, ST_conf``.
        """
        import pandas as pd

        k, d = self.S1.shape
        return pd.DataFrame(
            {
                "output": np.repeat(np.asarray(self.outputs, dtype=object), d),
                "factor": np.tile(np.asarray(self.factors, dtype=object), k),
                "S1": self.S1.ravel(),
                "S1_conf": self.S1_conf.ravel(),
                "ST": self.ST.ravel(),
                "ST_conf": self.ST_conf.ravel(),
            }
        )


def _output_matrix(
    Y: npt.ArrayLike | pd.DataFrame | pd.Series, outputs: Sequence[Hashable] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Coerce Y to a float (runs, K) matrix and name its outputs."""
    names: tuple[str, ...] | None = None
    columns = getattr(Y, "columns", None)
    if columns is not None:  # DataFrame
        names = tuple(str(c) for c in columns)
    elif getattr(Y, "name", None) is not None and getattr(Y, "ndim", None) == 1:  # named Series
        names = (str(Y.name),)  # type: ignore[union-attr]
    try:
        y = np.asarray(Y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataValidationError(f"Y must be numeric model outputs; {exc}.") from exc
    if y.ndim == 1:
        y = y[:, None]
        default: tuple[str, ...] = ("Y",)
    elif y.ndim == 2:
        default = tuple(f"Y{k}" for k in range(y.shape[1]))
    else:
        raise SpecificationError(
            f"Y must be 1-D (runs,) or 2-D (runs, outputs); got an array of shape {y.shape}."
        )
    if outputs is not None:
        names = tuple(str(o) for o in outputs)
        if len(names) != y.shape[1]:
            raise SpecificationError(
                f"outputs names {len(names)} outputs but Y has {y.shape[1]} columns."
            )
    return y, names if names is not None else default


def _check_finite(y: np.ndarray, names: tuple[str, ...]) -> None:
    bad = ~np.isfinite(y)
    if not bad.any():
        return
    n_nan = int(np.isnan(y).sum())
    n_inf = int(bad.sum()) - n_nan
    cols = [names[k] for k in np.flatnonzero(bad.any(axis=0))]
    first_row = int(np.flatnonzero(bad.any(axis=1))[0])
    shown = ", ".join(repr(c) for c in cols[:5]) + (" …" if len(cols) > 5 else "")
    what = " and ".join(
        f"{count} {word} value(s)" for count, word in ((n_nan, "NaN"), (n_inf, "inf")) if count
    )
    raise DataValidationError(
        f"Y contains {what} (outputs {shown}; first at run "
        f"{first_row}); Sobol' indices need a finite output for every run of the design. "
        "Fix the model or impute before the analysis."
    )


def _bootstrap_counts(n: int, num_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Multiplicity of each base row in each resample, shape (R, N).

    Draws the indices exactly as SALib does (``integers(N, size=(N, R))``, one column per
    resample), so that a resample mean is a row of ``counts @ g / N``: one matrix product for
    every resample, factor and output instead of fancy indexing (R, N, K) arrays.
    """
    r = rng.integers(n, size=(n, num_resamples))
    flat = r.T + (np.arange(num_resamples) * n)[:, None]
    counts = np.bincount(flat.ravel(), minlength=num_resamples * n)
    return counts.reshape(num_resamples, n).astype(np.float64)


def sobol_indices(
    design: SobolDesign,
    Y: npt.ArrayLike | pd.DataFrame | pd.Series,
    *,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int | np.random.Generator | None = None,
    outputs: Sequence[Hashable] | None = None,
) -> SobolResult:
    r"""First-order (Saltelli 2010) and total-order (Jansen 1999) Sobol' indices of many outputs.

    Each output is first standardised over all :math:`N (D + 2)` runs,
    :math:`y \leftarrow (y - \bar y) / \operatorname{sd}(y)` (population sd), as SALib does;
    the first-order estimator is not shift-invariant, so skipping this changes :math:`S_i`.
    With :math:`f_A, f_B, f_{A_B^{(i)}}` the outputs on the rows of :math:`A, B, A_B^{(i)}`
    (:func:`SobolDesign.split`) and :math:`V` the population variance of :math:`[f_A; f_B]`:

    .. math::

        S_i = \frac{\tfrac1N \sum_n f_B(n)\,\bigl(f_{A_B^{(i)}}(n) - f_A(n)\bigr)}{V},
        \qquad
        S_{Ti} = \frac{\tfrac1{2N} \sum_n \bigl(f_A(n) - f_{A_B^{(i)}}(n)\bigr)^2}{V}.

    Confidence half-widths follow SALib's bootstrap: the :math:`N` base rows are resampled with
    replacement ``num_resamples`` times (indices ``rng.integers(N, size=(N, R))``), both
    estimators are recomputed on every resample (with the resample's own :math:`V`), and
    ``conf = norm.ppf(0.5 + conf_level / 2) * std(estimates, ddof=1)``.

    Parameters
    ----------
    design : SobolDesign
        The design the model was run on (from :func:`sobol_design`).
    Y : array_like of shape (N * (D + 2),) or (N * (D + 2), K)
        Model outputs in the order of ``design.unit_samples``; K outputs (for example the rank
        of each of 125 cities) are analysed together. A DataFrame's column labels (or a named
        Series' name) become the output names.
    num_resamples : int, default=100
        Bootstrap resamples (≥ 2).
    conf_level : float, default=0.95
        Confidence level of the half-widths, in (0, 1).
    seed : int, numpy.random.Generator or None, default=None
        Bootstrap randomness, normalised with :func:`numpy.random.default_rng`. With an int
        seed ``s != 0`` the resamples, hence ``S1_conf`` and ``ST_conf``, match
        ``SALib.analyze.sobol.analyze(..., seed=s)``.
    outputs : sequence, optional
        Names of the K outputs (default: from ``Y`` if it is labelled, else ``"Y"`` for 1-D
        ``Y`` and ``"Y0", "Y1", …``).

    Returns
    -------
    SobolResult
        ``S1, S1_conf, ST, ST_conf`` of shape (K, D).

    Raises
    ------
    SpecificationError
        If ``Y`` does not have ``N * (D + 2)`` rows (the design's run count), has more than two
        dimensions, ``outputs`` has the wrong length, or ``num_resamples`` / ``conf_level`` are
        out of range.
    DataValidationError
        If ``Y`` is not numeric or contains NaN or inf.

    Warns
    -----
    DataQualityWarning
        If an output is constant over the :math:`A` and :math:`B` runs: its indices and
        half-widths are set to 0 (as SALib 1.6 does), not NaN.

    See Also
    --------
    sobol_design : builds the design.

    Notes
    -----
    Matches SALib 1.6 ``analyze.sobol.analyze(problem, Y[:, k], calc_second_order=False,
    seed=s)`` to about 1e-15 for ``S1`` and ``ST`` and about 1e-13 for the half-widths (only
    summation order differs). Two SALib quirks are not copied: SALib ignores ``seed=0`` (it
    tests ``if seed:`` and falls back to the global NumPy state), whereas here 0 is a seed like
    any other; and SALib turns a constant output into NaN before zeroing it, here it is zeroed
    with a warning directly. As in SALib, a resample whose :math:`V \le \varepsilon` contributes
    an estimate of 0.

    A resample's sums are ``counts @ g`` with ``counts`` the (R, N) multiplicities of the base
    rows, so all outputs, factors and resamples cost one matrix product of
    :math:`R \times N` by :math:`N \times DK`; outputs are processed in chunks of at most
    ~200 MB working memory. The resample variance uses the one-pass formula about the
    full-sample mean of :math:`[f_A; f_B]` (≈ 0 after standardisation, so no cancellation).

    References
    ----------
    .. [1] Saltelli, A. et al. (2010). *Comput. Phys. Commun.* 181(2): 259–270, eq. (b) of
       Table 2 for :math:`S_i`. doi:10.1016/j.cpc.2009.09.018
    .. [2] Jansen, M. J. W. (1999). *Comput. Phys. Commun.* 117: 35–43, the total-order
       estimator (Saltelli et al. 2010, Table 2 (f)). doi:10.1016/S0010-4655(98)00154-4
    .. [3] Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman
       & Hall.

    Examples
    --------
    >>> d = sobol_design(["x1", "x2", "x3"], 1024, seed=3)
    >>> x = d.unit_samples
    >>> Y = np.column_stack([x @ [1.0, 2.0, 3.0], x[:, 0]])
    >>> res = sobol_indices(d, Y, outputs=["linear", "x1 only"], seed=11)
    >>> (res.ST * 14).round(1).tolist()[0]
    [1.0, 4.0, 9.0]
    >>> res.S1[1].round(3).tolist()
    [1.0, 0.0, 0.0]
    >>> res.to_frame().columns.tolist()
    ['output', 'factor', 'S1', 'S1_conf', 'ST', 'ST_conf']
    """
    if not isinstance(design, SobolDesign):
        raise SpecificationError(
            f"design must be a SobolDesign from sobol_design(); got {type(design).__name__}."
        )
    if isinstance(num_resamples, bool) or not isinstance(num_resamples, numbers.Integral) or (
        num_resamples < 2
    ):
        raise SpecificationError(
            "num_resamples must be an integer >= 2 (the bootstrap sd needs two); "
            f"got {num_resamples!r}."
        )
    if not isinstance(conf_level, numbers.Real) or not 0.0 < float(conf_level) < 1.0:
        raise SpecificationError(
            f"conf_level must lie strictly between 0 and 1; got {conf_level!r}."
        )

    y, names = _output_matrix(Y, outputs)
    design._check_rows(y)
    _check_finite(y, names)

    n, d, n_out = design.n_base, design.n_factors, y.shape[1]
    n_res = int(num_resamples)
    # bootstrap counts: float64 (R, N) plus the int64 draws and flat indices behind them
    require_memory(32 * n * n_res, what=f"{n_res:,} bootstrap resamples of N = {n:,} base samples",
                   advice="use fewer resamples (num_resamples, --num-resamples)")
    rng = np.random.default_rng(seed)
    counts = _bootstrap_counts(n, n_res, rng)
    # Rows never drawn by any resample do not enter SALib's range check for the half-widths.
    drawn = counts.sum(axis=0) > 0
    z_crit = float(norm.ppf(0.5 + float(conf_level) / 2.0))

    s1 = np.empty((n_out, d))
    st = np.empty((n_out, d))
    s1_conf = np.empty((n_out, d))
    st_conf = np.empty((n_out, d))
    constant: list[str] = []

    # Per output: ~4 (N, D) float arrays plus 4 (R, D) results.
    per_output = 8 * (4 * n * d + 4 * n_res * d + 2 * n * (d + 2))
    chunk = max(1, _CHUNK_BYTES // per_output)
    for lo in range(0, n_out, chunk):
        hi = min(lo + chunk, n_out)
        zc = y[:, lo:hi] - y[:, lo:hi].mean(axis=0)
        # Second centring pass: removes the rounding error of the first mean, which for an
        # output with a large offset (a score near 1e6) would otherwise depend on how many
        # outputs share the chunk; results then agree to ~1e-15 however Y is chunked.
        zc -= zc.mean(axis=0)
        sd = np.sqrt(np.einsum("ij,ij->j", zc, zc) / zc.shape[0])
        # An exactly constant column would become 0/0; it stays 0 and is reported below.
        np.divide(zc, sd, out=zc, where=sd > 0)
        z3 = zc.reshape(n, d + 2, hi - lo)
        f_a, f_b, f_ab = z3[:, 0, :], z3[:, -1, :], z3[:, 1:-1, :]  # (N,Kc) (N,Kc) (N,D,Kc)

        ab_ab = np.concatenate([f_a, f_b])
        flat = np.ptp(ab_ab, axis=0) <= _EPS
        flat_drawn = np.ptp(np.concatenate([f_a[drawn], f_b[drawn]]), axis=0) <= _EPS
        var = ab_ab.var(axis=0)
        del ab_ab

        diff = f_ab - f_a[:, None, :]
        g1 = (f_b[:, None, :] * diff).reshape(n, -1)
        g2 = np.square(diff, out=diff).reshape(n, -1)
        del diff

        kc = hi - lo
        with np.errstate(invalid="ignore", divide="ignore"):
            # Point estimates.
            ok = (var > _EPS) & ~flat
            s1_c = np.where(ok, g1.mean(axis=0).reshape(d, kc) / var, 0.0)
            st_c = np.where(ok, 0.5 * g2.mean(axis=0).reshape(d, kc) / var, 0.0)

            # Bootstrap: resample sums as one matrix product each.
            shift = (f_a.sum(axis=0) + f_b.sum(axis=0)) / (2 * n)
            ca, cb = f_a - shift, f_b - shift
            m1 = counts @ (ca + cb) / (2 * n)  # (R, Kc)
            m2 = counts @ (ca * ca + cb * cb) / (2 * n)
            var_r = m2 - m1 * m1
            ok_r = (var_r > _EPS)[:, None, :]
            b1 = np.where(ok_r, (counts @ g1).reshape(n_res, d, kc) / n / var_r[:, None, :], 0.0)
            b2 = np.where(
                ok_r, 0.5 * (counts @ g2).reshape(n_res, d, kc) / n / var_r[:, None, :], 0.0
            )
        b1_sd = b1.std(axis=0, ddof=1)
        b2_sd = b2.std(axis=0, ddof=1)
        s1_conf_c = np.where(flat_drawn, 0.0, z_crit * b1_sd)
        st_conf_c = np.where(flat_drawn, 0.0, z_crit * b2_sd)

        s1[lo:hi], st[lo:hi] = s1_c.T, st_c.T
        s1_conf[lo:hi], st_conf[lo:hi] = s1_conf_c.T, st_conf_c.T
        constant.extend(names[lo + k] for k in np.flatnonzero(flat))

    if constant:
        shown = ", ".join(repr(c) for c in constant[:10]) + (" …" if len(constant) > 10 else "")
        warnings.warn(
            f"{len(constant)} of {n_out} output(s) are constant over the A and B runs of the "
            f"Sobol design ({shown}); their S1, ST and half-widths are set to 0.",
            DataQualityWarning,
            stacklevel=2,
        )

    return SobolResult(
        factors=design.factors,
        outputs=names,
        S1=_readonly(s1),
        S1_conf=_readonly(s1_conf),
        ST=_readonly(st),
        ST_conf=_readonly(st_conf),
        n_base=n,
        num_resamples=n_res,
        conf_level=float(conf_level),
        seed=int(seed) if isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
        else None,
    )
