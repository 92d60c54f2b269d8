r"""Sobol' sensitivity analysis of the ranking: which assumption drives the rank uncertainty?

The factors are the uncertain inputs of an :class:`~indexlib.uncertainty.UncertaintySpec`:

* **weights**, grouped per child of the root (``weight:<dimension id>``): a factor is the
  dimension's weight multiplier :math:`1 + x(2u - 1) \sim U[1 - x, 1 + x]` (with
  ``include_indicators``, together with the multipliers of the indicator weights below it — a
  SALib-style group of design columns); with Dirichlet weights each column drives one gamma
  variate by its inverse CDF; with weight alternatives, one discrete factor ``weights``;
* **each varied discrete choice** (``normalisation``, ``aggregation``, ``missing``,
  ``outliers``, ``exclusion``, ``weighting``): one factor whose unit sample :math:`u` selects option
  :math:`\lfloor u k \rfloor` among its :math:`k` equiprobable options (COINr's convention).

The design is the kernel's Saltelli cross-sampling (:func:`~indexlib.sensitivity.sobol_design`,
a scrambled Sobol' sequence from :mod:`scipy.stats.qmc`, :math:`N (D + 2)` runs); the runs are
evaluated by the uncertainty analysis's vectorised model (no Python loop over runs); the outputs
are the mean absolute rank shift :math:`\bar R_S = \frac1n \sum_c |r_c - r_c^{nom}|` (Saisana,
Saltelli & Tarantola 2005) and the rank of every city, all analysed in one vectorised pass
(:func:`~indexlib.sensitivity.sobol_indices`: first order after Saltelli et al. 2010, total order
after Jansen 1999, bootstrap confidence intervals).

The weights are sampled as independent raw multipliers and renormalised inside the model, the
usual way to keep factors independent when weights are relative (SALib#610).

References
----------
.. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the Royal
   Statistical Society A* 168(2): 307–323. doi:10.1111/j.1467-985X.2005.00350.x
.. [2] Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
   doi:10.1002/9780470725184
.. [3] Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design
   and estimator for the total sensitivity index. *Computer Physics Communications* 181(2):
   259–270. doi:10.1016/j.cpc.2009.09.018
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from indexlib.distributed import evaluate_blocks
from indexlib.io import write_folder
from indexlib.limits import require_memory
from indexlib.sensitivity.sobol import SobolDesign, SobolResult, sobol_design, sobol_indices
from indexlib.uncertainty.model import UncertaintyModel
from indexlib.uncertainty.runs import DEFAULT_CHUNK_SIZE, ProgressCallback, RunTable, stream_blocks
from indexlib.uncertainty.spec import UncertaintySpec, load_spec
from indicators.errors import SpecificationError

if TYPE_CHECKING:
    from distributed import Client

    from indexlib.pipeline import FrameworkInput, MethodologyInput, PanelInput

__all__ = ["IndexSensitivityResult", "sensitivity_analysis", "SHIFT_OUTPUT", "design_outputs"]

#: Name of the scalar output: the mean absolute rank shift of a run against the nominal ranks.
SHIFT_OUTPUT = "mean_abs_shift"


@dataclass(frozen=True)
class IndexSensitivityResult:
    """Sobol' indices of the index's outputs with respect to the uncertain assumptions.

    Attributes
    ----------
    sobol : SobolResult
        ``S1, S1_conf, ST, ST_conf`` of shape (outputs, factors); outputs are
        ``mean_abs_shift`` then ``rank:<city_id>`` for every city in nominal order.
    design : SobolDesign
    factors : DataFrame
        One row per factor: ``factor, kind, columns, options``.
    run_shift : ndarray (N (D + 2),)
        The mean absolute rank shift of every design run.
    model : UncertaintyModel
    runs : RunTable
        The design's runs as the model's choices and weights (the inputs of every run, not results).
    """

    sobol: SobolResult
    design: SobolDesign
    factors: pd.DataFrame
    run_shift: np.ndarray
    model: UncertaintyModel
    runs: RunTable = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Long table ``output, factor, S1, S1_conf, ST, ST_conf``, one row per output × factor."""
        return self.sobol.to_frame()

    def for_output(self, output: str = SHIFT_OUTPUT) -> pd.DataFrame:
        """The indices of one output, one row per factor."""
        frame = self.to_frame()
        chosen = frame[frame["output"] == output]
        if chosen.empty:
            raise SpecificationError(f"unknown output {output!r}; outputs are {SHIFT_OUTPUT!r} and 'rank:<city_id>'")
        return chosen.drop(columns="output").reset_index(drop=True)

    def manifest(self) -> dict[str, Any]:
        """Versions, input hash, spec, design size and factors: what reproduces ``sobol.csv``."""
        model = self.model
        return {
            **model.provenance(),
            "analysis": "sensitivity (Sobol', Saltelli 2010 first order, Jansen total order)",
            "spec": model.spec.to_dict(),
            "n_base": self.design.n_base,
            "runs": self.design.n_runs,
            "seed": self.design.seed,
            "num_resamples": self.sobol.num_resamples,
            "conf_level": self.sobol.conf_level,
            "factors": self.factors.to_dict(orient="records"),
        }

    #: The files :meth:`write` writes (and owns in the output folder).
    OUTPUTS = ("sobol.csv", "sensitivity.json")

    def files(self) -> dict[str, str]:
        """The contents of :attr:`OUTPUTS`: ``sobol.csv`` (fixed float format) and ``sensitivity.json``."""
        return {
            "sobol.csv": self.to_frame().to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            "sensitivity.json": json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n",
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write :attr:`OUTPUTS` into ``out_dir``, replacing them as a whole (:func:`indexlib.io.write_folder`)."""
        return write_folder(out_dir, self.files(), owns=self.OUTPUTS)


def sensitivity_analysis(panel: PanelInput = None, methodology: MethodologyInput = None,
                         framework: FrameworkInput = None, spec: UncertaintySpec | str | Path | None = None, *,
                         n_base: int = 1024, seed: int = 0,
                         num_resamples: int = 100, conf_level: float = 0.95,
                         chunk_size: int = DEFAULT_CHUNK_SIZE, progress: ProgressCallback | None = None,
                         model: UncertaintyModel | None = None, engine: str = "local",
                         scheduler: str | Client | None = None) -> IndexSensitivityResult:
    r"""First- and total-order Sobol' indices of the rank shift and of every city's rank.

    With :math:`D` factors (see the module docstring) the Saltelli design has :math:`N (D + 2)`
    runs; each is ranked by the uncertainty analysis's vectorised model. For output :math:`Y`
    (the run's mean absolute rank shift, or one city's rank) and factor :math:`X_i`,

    .. math::

        S_i = \frac{V_{X_i}\bigl(E(Y \mid X_i)\bigr)}{V(Y)}, \qquad
        S_{Ti} = \frac{E_{X_{\sim i}}\bigl(V(Y \mid X_{\sim i})\bigr)}{V(Y)},

    estimated by Saltelli et al. (2010) and Jansen (1999) with ``num_resamples`` bootstrap
    resamples for the ``conf_level`` half-widths. :math:`S_i` is the share of the output variance
    the factor explains alone; :math:`S_{Ti} - S_i` is its share through interactions. A city
    whose rank never changes has indices 0 (the kernel warns).

    Parameters
    ----------
    panel, methodology, framework
        As for :func:`indexlib.build`.
    spec : UncertaintySpec, path or None
        The uncertain inputs (default :class:`UncertaintySpec()`); ``runs`` and ``seed`` of the
        spec are not used.
    n_base : int, default=1024
        :math:`N`, a power of 2.
    seed : int, default=0
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    num_resamples : int, default=100
    conf_level : float, default=0.95
    chunk_size : int, default=2000
        Runs ranked at once.
    progress : callable(done, total), optional
    model : UncertaintyModel, optional
        A model already built for the same inputs and spec.
    engine, scheduler
        Where the design's runs are ranked, in blocks of :data:`~indexlib.uncertainty.runs.STREAM_RUNS`:
        as for :func:`~indexlib.uncertainty.uncertainty_analysis` (with Dask the model and the design
        are sent to each worker once). Results are identical.

    Returns
    -------
    IndexSensitivityResult

    Raises
    ------
    SpecificationError
        Nothing varies in the spec; ``n_base`` not a power of 2; the errors of
        :func:`~indexlib.uncertainty.uncertainty_analysis`.

    Examples
    --------
    >>> from indexlib.sensitivity import sensitivity_analysis
    >>> result = sensitivity_analysis(n_base=64, seed=1, num_resamples=10)
    >>> result.factors["factor"].tolist()[-3:]
    ['outliers', 'normalisation', 'aggregation']
    >>> result.to_frame().shape[0] == len(result.sobol.outputs) * len(result.factors)
    True
    """
    if model is None:
        if spec is None or isinstance(spec, (str, Path)):
            spec = load_spec(spec)
        model = UncertaintyModel(panel, methodology, framework, spec)
    factors, groups = model.factor_layout()
    if not factors:
        raise SpecificationError("the uncertainty spec varies nothing (fixed weights and no alternatives); "
                                 "a sensitivity analysis needs at least one factor")
    _require_design_memory(model, len(factors), len(groups) if groups else len(factors), n_base, num_resamples,
                           chunk_size)
    model.prepare_variants()
    design = sobol_design(factors, n_base, seed=seed, groups=groups)
    table = model.runs_from_unit(design.unit_samples)
    n_runs = len(table)
    outputs = np.empty((n_runs, 1 + len(model.city_ids)))
    ranges = stream_blocks(n_runs)
    blocks = evaluate_blocks(design_outputs, model, ranges, {"chunk_size": chunk_size}, engine=engine,
                             scheduler=scheduler, scatter={"unit": design.unit_samples})
    for (lo, hi), block in zip(ranges, blocks):
        outputs[lo:hi] = block
        if progress is not None:
            progress(hi, n_runs)
    order = np.argsort(model.nominal_ranks, kind="stable")
    names = [SHIFT_OUTPUT, *(f"rank:{model.city_ids[c]}" for c in order)]
    sobol = sobol_indices(design, outputs, num_resamples=num_resamples, conf_level=conf_level, seed=seed,
                          outputs=names)
    return IndexSensitivityResult(sobol, design, _factor_table(model, factors, groups), outputs[:, 0].copy(),
                                  model, table)


def design_outputs(model: UncertaintyModel, start: int, stop: int, *, unit: np.ndarray,
                   chunk_size: int) -> np.ndarray:
    """Outputs (stop − start, 1 + n) of design runs ``start … stop − 1``: the mean absolute rank shift,
    then every city's rank in nominal rank order (so the table reads like the ranking)."""
    table = model.runs_from_unit(unit[start:stop])
    order = np.argsort(model.nominal_ranks, kind="stable")
    outputs = np.empty((stop - start, 1 + len(model.city_ids)))
    for runs, ranks in model.iterate_ranks(table, chunk_size=chunk_size):
        outputs[runs, 0] = np.abs(ranks - model.nominal_ranks).mean(axis=1)
        outputs[runs, 1:] = ranks[:, order]
    return outputs


def _require_design_memory(model: UncertaintyModel, n_factors: int, n_columns: int, n_base: int,
                           num_resamples: int, chunk_size: int) -> None:
    """Refuse (:class:`~indicators.errors.SizeLimitError`) a design whose arrays cannot fit in memory: the
    Sobol' points, the run table, the outputs (runs × (1 + cities)), one chunk's scores, the bootstrap counts."""
    if not isinstance(n_base, int) or not isinstance(num_resamples, int) or n_base < 1:
        return  # sobol_design and sobol_indices report malformed values
    runs, n = n_base * (n_factors + 2), len(model.city_ids)
    estimate = (8 * runs * n_columns + model.run_bytes(runs) + 8 * runs * (1 + n)
                + 8 * min(chunk_size, runs) * n * len(model.framework.node_ids) + 32 * n_base * max(num_resamples, 0))
    require_memory(estimate, what=f"a Sobol' design of N = {n_base:,} base samples ({runs:,} runs of {n} cities) "
                   f"with {num_resamples:,} bootstrap resamples",
                   advice="use a smaller N (n_base, --n-base) or fewer resamples (num_resamples, --num-resamples)")


def _factor_table(model: UncertaintyModel, factors: list[str], groups: list[str]) -> pd.DataFrame:
    rows = []
    columns = model.weight_columns() + model.varied_sections
    for factor in factors:
        owned = [c for c, g in zip(columns, groups) if g == factor]
        if factor.startswith("weight:"):
            kind = f"weights ({model.weight_method})"
            if model.weight_method == "uniform":
                x = model.spec.weights.spread
                options = f"multiplier U[{1 - x:g}, {1 + x:g}]"
            else:
                options = f"Dirichlet, concentration {model.spec.weights.concentration:g}"
        elif factor == "weights":
            kind = "weights (alternatives)"
            options = " | ".join(f"alternative {k}" for k in range(len(model.weight_alternatives)))
        else:
            kind = "discrete"
            options = " | ".join(model.labels[factor][int(k)] for k in model.drawn[factor])
        rows.append({"factor": factor, "kind": kind, "columns": " ".join(owned), "options": options})
    return pd.DataFrame(rows, columns=["factor", "kind", "columns", "options"])
