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

import numbers
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.stats import norm

from indexlib.limits import require_memory
from indexlib.sensitivity.design import SobolDesign, _readonly, sobol_design
from indicators.errors import DataQualityWarning, DataValidationError, SpecificationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SobolDesign", "SobolResult", "sobol_design", "sobol_indices"]

_EPS = float(np.finfo(np.float64).eps)
# Working-set budget of one chunk of outputs in the bootstrap (bytes).
_CHUNK_BYTES = 200 * 2**20


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
