r"""The Monte Carlo driver of the uncertainty analysis: draw runs, rank them, count the ranks.

The runs are drawn and scored by :class:`~indexlib.uncertainty.model.UncertaintyModel`; their ranks are
counted by :class:`~indexlib.uncertainty.rank_statistics.RankStatistics` (exact and mergeable).

Percentiles use the inverted empirical distribution function (Hyndman & Fan 1996, definition 1;
``numpy.percentile(..., method="inverted_cdf")``): the :math:`q`-th percentile of a city's ranks is
the smallest simulated rank :math:`r` such that at least a share :math:`q` of the runs rank the city
at :math:`r` or better. It is always a rank that some run produced, and it is deterministic.

Every run can be rebuilt: :meth:`UncertaintyResult.methodology_for_run` and
:meth:`UncertaintyResult.framework_for_run` give the arguments of :func:`indexlib.build` that
reproduce the run's ranks exactly.

References
----------
.. [1] Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
   techniques as tools for the quality assessment of composite indicators. *Journal of the Royal
   Statistical Society A* 168(2): 307–323. doi:10.1111/j.1467-985X.2005.00350.x
.. [2] Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
   doi:10.1002/9780470725184
.. [3] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 8. OECD Publishing.
.. [4] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The American
   Statistician* 50(4): 361–365. doi:10.1080/00031305.1996.10473566
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indexlib.io import write_folder
from indexlib.limits import available_memory, require_memory
from indexlib.methodology import Methodology
from indexlib.panel import Panel
from indexlib.uncertainty.model import UncertaintyModel
from indexlib.uncertainty.rank_statistics import KEPT_RANKS_BUDGET, RankHistogram, RankStatistics
from indexlib.uncertainty.runs import (
    CHUNK_CELLS,
    DEFAULT_CHUNK_SIZE,
    SECTION_COLUMN,
    SECTIONS,
    ProgressCallback,
    RunTable,
)
from indexlib.uncertainty.spec import UncertaintySpec
from indicators import Framework
from indicators.errors import SpecificationError

__all__ = ["uncertainty_analysis", "UncertaintyResult"]


@dataclass(frozen=True)
class UncertaintyResult:
    """Rank statistics of an uncertainty analysis, and the parameters of every run.

    Attributes
    ----------
    spec : UncertaintySpec
        The spec, with ``runs`` and ``seed`` as used.
    rank_intervals : DataFrame
        One row per city, by nominal rank: ``city_id, city_en, nominal_rank, median_rank,
        p05_rank, p95_rank, interval_width, mean_rank, mean_abs_shift, p_top<top>``.
    parameters : DataFrame
        One row per run: ``run``, each varied choice, each weight ``w:<id>``, and the run's
        ``mean_abs_shift``.
    run_shift : ndarray (N,)
        Mean absolute rank shift of each run against the nominal ranks,
        :math:`\\bar R_S = \\frac1n \\sum_c |r_c - r_c^{nom}|` (Saisana et al. 2005).
    mean_abs_shift : float
        Mean of ``run_shift`` over all runs.
    histogram : RankHistogram or None
        Per-city counts of the simulated ranks (banded; ``histogram.dense()[c, h]`` is the number
        of runs in which city ``c`` has rank ``h / 2``), when the ranks were not kept.
    ranks : ndarray (N, n) or None
        Every run's ranks (int16; float32 with ``ties="average"``), when kept.
    model : UncertaintyModel
        The evaluated model (panel, methodology, framework, options).
    """

    spec: UncertaintySpec
    rank_intervals: pd.DataFrame
    parameters: pd.DataFrame
    run_shift: np.ndarray
    mean_abs_shift: float
    histogram: RankHistogram | None
    ranks: np.ndarray | None
    model: UncertaintyModel
    table: RunTable = field(repr=False)

    @property
    def runs(self) -> int:
        return int(self.run_shift.size)

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def panel(self) -> Panel:
        """The panel analysed (pass it to :func:`indexlib.build` to rebuild a run)."""
        return self.model.panel

    @property
    def nominal_ranks(self) -> pd.Series:
        return pd.Series(self.model.nominal_ranks, index=pd.Index(self.model.city_ids, name="city_id"),
                         name="nominal_rank")

    def _choice(self, run: int) -> dict[str, int]:
        if not 0 <= run < self.runs:
            raise SpecificationError(f"run {run} does not exist; runs are numbered 0 … {self.runs - 1}")
        return {s: int(self.table.choices[s][run]) for s in SECTIONS}

    def methodology_for_run(self, run: int) -> Methodology:
        """The methodology that rebuilds run ``run``: the chosen sections and its weights.

        ``indexlib.build(result.panel, result.methodology_for_run(i), result.framework_for_run(i))``
        ranks the cities exactly as the run did.
        """
        choice = self._choice(run)
        weights = self.table.weights[run] if self.model.weight_ids else None
        return self.model.methodology_for(choice, weights)

    def framework_for_run(self, run: int) -> Framework:
        """The framework of run ``run``: the requested one without the dropped indicator, if any."""
        return self.model.framework_for(self._choice(run))

    def rebuild(self, run: int) -> Any:
        """:func:`indexlib.build` of run ``run`` (slow: one full build)."""
        from indexlib.pipeline import build

        return build(self.panel, self.methodology_for_run(run), self.framework_for_run(run))

    def summary(self) -> dict[str, Any]:
        """Headline numbers: runs, seed, mean absolute shift, share of cities whose median rank is
        within 1, 2 and 3 places of the nominal one, widest interval."""
        table = self.rank_intervals
        gap = (table["median_rank"] - table["nominal_rank"]).abs()
        widest = table.sort_values(["interval_width", "nominal_rank"], ascending=[False, True]).iloc[0]
        return {
            "runs": self.runs,
            "seed": self.seed,
            "cities": int(len(table)),
            "mean_abs_shift": self.mean_abs_shift,
            "share_median_within_1": float((gap <= 1).mean()),
            "share_median_within_2": float((gap <= 2).mean()),
            "share_median_within_3": float((gap <= 3).mean()),
            "widest_interval": {"city_id": str(widest["city_id"]), "p05_rank": float(widest["p05_rank"]),
                                "p95_rank": float(widest["p95_rank"])},
        }

    def manifest(self) -> dict[str, Any]:
        """What makes the analysis reproducible: versions, input hash, spec, methodology, options."""
        model = self.model
        return {
            **model.provenance(),
            "analysis": "uncertainty",
            "spec": self.spec.to_dict(),
            "varied": model.varied_sections + (["weights"] if model.weight_ids else []),
            "options": {s: model.labels[s] for s in SECTIONS},
            "percentile_method": "inverted_cdf (Hyndman & Fan 1996 definition 1)",
        "rank_statistics": ("exact, from every run's kept ranks" if self.histogram is None
                            else "exact, from a banded histogram of ranks"),
            "summary": self.summary(),
        }

    #: The files :meth:`write` writes (and owns in the output folder).
    OUTPUTS = ("rank_intervals.csv", "runs.csv.gz", "uncertainty.json")

    def files(self) -> dict[str, str | bytes]:
        """The contents of :attr:`OUTPUTS`, by file name.

        Byte-identical for the same inputs and seed: fixed float formats, gzip with ``mtime=0``
        and no file name, JSON with sorted options and no time stamps.
        """
        # Floats in their shortest round-trip form (pandas' default): a run can be rebuilt from the file.
        runs = self.parameters.to_csv(index=False, lineterminator="\n")
        return {
            "rank_intervals.csv": self.rank_intervals.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            "runs.csv.gz": gzip.compress(runs.encode("utf-8"), compresslevel=6, mtime=0),
            "uncertainty.json": json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n",
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write :attr:`OUTPUTS` into ``out_dir``, replacing them as a whole (:func:`indexlib.io.write_folder`)."""
        return write_folder(out_dir, self.files(), owns=self.OUTPUTS)


def uncertainty_analysis(panel: Any = None, methodology: Any = None, framework: Any = None,
                         spec: UncertaintySpec | str | Path | None = None, *, runs: int | None = None,
                         seed: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, keep_ranks: bool | None = None,
                         progress: ProgressCallback | None = None,
                         model: UncertaintyModel | None = None) -> UncertaintyResult:
    r"""Monte Carlo uncertainty analysis of the ranking (Saisana, Saltelli & Tarantola 2005).

    Draws ``runs`` combinations of the spec's uncertain assumptions from
    ``numpy.random.default_rng(seed)`` and ranks the cities under each, without rebuilding the
    index per run (see the module docstring). For every city :math:`c` with nominal rank
    :math:`r_c^{nom}` and simulated ranks :math:`r_c^{(1)}, \dots, r_c^{(N)}` it reports

    * the median and the 5th and 95th percentiles (inverted empirical CDF, so always a simulated
      rank): the 90% rank interval audited indices publish;
    * the mean absolute rank shift :math:`\frac1N \sum_k |r_c^{(k)} - r_c^{nom}|`;
    * the probability of a rank ≤ ``spec.top``, :math:`\frac1N \#\{k : r_c^{(k)} \le top\}`;

    and, per run, :math:`\bar R_S^{(k)} = \frac1n \sum_c |r_c^{(k)} - r_c^{nom}|`, whose mean over
    the runs is the overall mean absolute shift. Ranks are the methodology's (``ties="min"``:
    competition ranks) of the root score.

    Parameters
    ----------
    panel, methodology, framework
        As for :func:`indexlib.build`.
    spec : UncertaintySpec, path or None
        The uncertain inputs (a TOML/JSON path is read with :func:`load_spec`); default spec if
        ``None``.
    runs, seed : int, optional
        Override ``spec.runs`` and ``spec.seed``.
    chunk_size : int, default=2000
        Most runs scored and ranked at once; for large panels fewer, so that a chunk holds at most
        2,000,000 city scores. Bounds the working memory (about ``chunk × n × nodes × 8`` bytes,
        14 MB for 2,000 runs of 125 cities and 7 nodes). Results do not depend on it.
    keep_ranks : bool or None, default=None
        Keep every run's ranks (``N × n`` int16: 25 MB for 100,000 runs of 125 cities). ``None``
        keeps them when they take at most 256 MiB. Percentiles are computed exactly from the kept
        ranks, else from a banded histogram of ranks (:class:`RankHistogram`); both give the same
        numbers.
    progress : callable(done, total), optional
        Called after every chunk.
    model : UncertaintyModel, optional
        A model already built for the same inputs and spec (skips the preparation).

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    SpecificationError
        Invalid spec; a positive-only aggregation alternative meeting a value ≤ 0 (the message
        names the alternative, city and indicator); an excluded indicator changing the screened
        cities.
    DataValidationError, FrameworkError, WeightsError
        As :func:`indexlib.build`.

    See Also
    --------
    one_at_a_time : each assumption switched alone.
    indexlib.sensitivity.sensitivity_analysis : Sobol' indices over the same factors.

    Examples
    --------
    >>> from indexlib.uncertainty import uncertainty_analysis
    >>> result = uncertainty_analysis(runs=200, seed=1)
    >>> table = result.rank_intervals
    >>> bool((table.p05_rank <= table.median_rank).all() and (table.median_rank <= table.p95_rank).all())
    True
    >>> round(float(table.p_top10.sum()), 6)
    10.0
    """
    if model is None:
        spec_source = None
        if spec is None or isinstance(spec, (str, Path)):
            from indexlib.uncertainty.spec import load_spec

            spec_source, spec = spec, load_spec(spec)
        model = UncertaintyModel(panel, methodology, framework, spec, spec_source=spec_source)
    spec = model.spec
    changes = {k: v for k, v in (("runs", runs), ("seed", seed)) if v is not None}
    if changes:
        spec = spec.replace(**changes)
    _require_run_memory(model, spec.runs, chunk_size, keep_ranks)
    model.prepare_variants()
    table = model.draw(spec.runs, spec.seed)
    statistics = RankStatistics(model.nominal_ranks, spec.runs, spec.top, keep_ranks, model.ties)
    for run_ids, ranks in model.iterate_ranks(table, chunk_size=chunk_size, progress=progress):
        statistics.add(run_ids, ranks)
    intervals = _rank_intervals(model, statistics, spec)
    parameters = run_parameters(model, table)
    parameters["mean_abs_shift"] = statistics.run_shift
    return UncertaintyResult(
        spec=spec,
        rank_intervals=intervals,
        parameters=parameters,
        run_shift=statistics.run_shift,
        mean_abs_shift=float(statistics.shift_sum.sum() / (spec.runs * statistics.n)),
        histogram=statistics.histogram,
        ranks=statistics.ranks,
        model=model,
        table=table,
    )


def _require_run_memory(model: UncertaintyModel, runs: int, chunk_size: int, keep_ranks: bool | None) -> None:
    """Refuse (:class:`~indicators.errors.SizeLimitError`) an analysis whose arrays cannot fit in memory:
    the draw and run table, the per-run shift and parameters table, the kept ranks (when kept: see
    :class:`RankStatistics`) and one chunk's scores (at most ``CHUNK_CELLS`` city scores)."""
    n = len(model.city_ids)
    per_run = model.run_bytes(1) + 8 * (3 + len(model.varied_sections) + len(model.weight_ids))
    itemsize = 4 if model.ties == "average" or n >= 2**15 else 2
    if keep_ranks or (keep_ranks is None and runs * n * itemsize <= KEPT_RANKS_BUDGET):
        per_run += itemsize * n
    rows = max(1, min(chunk_size, runs, CHUNK_CELLS // max(n, 1)))
    chunk = 8 * rows * n * len(model.framework.node_ids)
    fits = max(available_memory() - chunk, 0) // per_run
    require_memory(runs * per_run + chunk, what=f"an uncertainty analysis of {runs:,} runs of {n} cities",
                   advice=f"use fewer runs (--runs; about {fits:,} fit in that memory)"
                          + (" or a smaller --chunk-size" if chunk > runs * per_run else ""))


def _rank_intervals(model: UncertaintyModel, statistics: RankStatistics, spec: UncertaintySpec) -> pd.DataFrame:
    runs = spec.runs
    integer = model.ties != "average"

    def ranks_column(values: np.ndarray) -> np.ndarray:
        return values.astype(np.int64) if integer else values

    p05, median, p95 = (statistics.percentile(q) for q in (5, 50, 95))
    attributes = model.panel.attributes.reindex(model.city_ids)
    names = attributes["city_en"] if "city_en" in attributes.columns else pd.Series(model.city_ids)
    table = pd.DataFrame({
        "city_id": model.city_ids,
        "city_en": names.fillna("").to_numpy(dtype=object),
        "nominal_rank": ranks_column(model.nominal_ranks),
        "median_rank": ranks_column(median),
        "p05_rank": ranks_column(p05),
        "p95_rank": ranks_column(p95),
        "interval_width": ranks_column(p95 - p05),
        "mean_rank": statistics.mean_rank(),
        "mean_abs_shift": statistics.shift_sum / runs,
        f"p_top{spec.top}": statistics.top_count / runs,
    })
    return table.sort_values(["nominal_rank", "city_id"], kind="stable").reset_index(drop=True)


def run_parameters(model: UncertaintyModel, table: RunTable, first: int = 0) -> pd.DataFrame:
    """The runs table: ``run`` (numbered from ``first``), each varied choice (labels), each perturbed
    weight ``w:<id>``."""
    frame = pd.DataFrame({"run": np.arange(first, first + len(table))})
    for section in model.varied_sections:
        labels = np.asarray(model.labels[section], dtype=object)
        frame[SECTION_COLUMN[section]] = labels[table.choices[section]]
    if table.weight_choice is not None:
        frame["weights_alternative"] = table.weight_choice
    for k, element in enumerate(model.weight_ids):
        frame[f"w:{element}"] = table.weights[:, k]
    return frame
