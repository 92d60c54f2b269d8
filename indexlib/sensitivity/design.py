r"""The Saltelli cross-sampling design of a Sobol' analysis, built from a scrambled Sobol' sequence.

Two independent quasi-random matrices :math:`A` and :math:`B` (Owen-scrambled Sobol' points) and,
for each factor, :math:`A` with that factor's columns taken from :math:`B`; laid out as SALib 1.6
lays it out (``SALib.sample.sobol.sample`` with ``calc_second_order=False``), bit for bit, but built
by broadcasting instead of a Python loop over rows. The estimators that take the design are in
:mod:`indexlib.sensitivity.sobol`.

>>> design = sobol_design(["w_econ", "w_social"], 256, seed=1)
>>> design.unit_samples.shape, design.n_runs
((1024, 2), 1024)

References
----------
.. [1] Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity indices.
   *Computer Physics Communications* 145(2): 280–297 (the cross-sampling design; the estimators'
   references are in :mod:`indexlib.sensitivity.sobol`). doi:10.1016/S0010-4655(02)00280-1
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.stats import qmc

from indexlib.limits import require_memory
from indicators.errors import SpecificationError

__all__ = ["SobolDesign", "sobol_design"]

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

