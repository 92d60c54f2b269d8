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
.. [1] Saisana, Saltelli & Tarantola (2005), *J. R. Stat. Soc. A* 168(2): 307–323 (see
   :mod:`indexlib.uncertainty.model`). doi:10.1111/j.1467-985X.2005.00350.x
.. [2] Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The American
   Statistician* 50(4): 361–365. doi:10.1080/00031305.1996.10473566
"""

from __future__ import annotations

import io
import json
import tempfile
import weakref
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from indexlib.distributed import evaluate_blocks
from indexlib.io import write_folder
from indexlib.limits import available_memory, require_memory
from indexlib.methodology import Methodology
from indexlib.panel import Panel
from indexlib.uncertainty.model import UncertaintyModel, model_for
from indexlib.uncertainty.rank_statistics import KEPT_RANKS_BUDGET, RankHistogram, RankStatistics
from indexlib.uncertainty.runs import (
    CHUNK_CELLS,
    DEFAULT_CHUNK_SIZE,
    SECTION_COLUMN,
    SECTIONS,
    ProgressCallback,
    STREAM_RUNS,
    RunTable,
    stream_blocks,
)
from indexlib.uncertainty.spec import UncertaintySpec
from indicators import Framework
from indicators.errors import SpecificationError

if TYPE_CHECKING:
    from distributed import Client

    from indexlib.pipeline import FrameworkInput, MethodologyInput, PanelInput

__all__ = ["uncertainty_analysis", "UncertaintyResult", "RUN_TABLE_BUDGET", "RunBlock", "evaluate_runs",
           "run_parameters", "table_bytes"]

#: The run table, the parameters table and ``runs.csv.gz`` are held in memory up to about this many
#: bytes (:func:`table_bytes`); beyond, ``runs.csv.gz`` is written to a temporary file stream by stream,
#: no run table is kept and a run is redrawn from its stream when it is rebuilt.
RUN_TABLE_BUDGET = 256 * 2**20


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
    parameters : DataFrame or None
        One row per run: ``run``, each varied choice, each weight ``w:<id>``, and the run's
        ``mean_abs_shift``; ``None`` when the runs were streamed to disk (more than
        :data:`RUN_TABLE_BUDGET`): ``runs.csv.gz`` then holds them.
    run_shift : ndarray (N,)
        Mean absolute rank shift of each run against the nominal ranks,
        :math:`\\bar R_S = \\frac1n \\sum_c |r_c - r_c^{nom}|` (Saisana et al. 2005).
    mean_abs_shift : float
        Mean of ``run_shift`` over all runs.
    histogram : RankHistogram or None
        Per-city counts of the simulated ranks (banded; ``histogram.dense()[c, h]`` is the number
        of runs in which city ``c`` has rank ``h / 2``), when the ranks were not kept in memory.
    ranks : ndarray (N, n) or None
        Every run's ranks (int16; float32 with ``ties="average"``), when kept (a ``numpy.memmap``
        of a temporary file beyond 256 MiB).
    model : UncertaintyModel
        The evaluated model (panel, methodology, framework, options).
    table : RunTable or None
        The parameters of every run (``None`` when streamed: runs are then redrawn from their stream).
    runs_csv : bytes or Path
        ``runs.csv.gz``: its bytes, or the temporary file it was streamed to (removed with the result).
    """

    spec: UncertaintySpec
    rank_intervals: pd.DataFrame
    parameters: pd.DataFrame | None
    run_shift: np.ndarray
    mean_abs_shift: float
    histogram: RankHistogram | None
    ranks: np.ndarray | None
    model: UncertaintyModel
    table: RunTable | None = field(repr=False)
    runs_csv: bytes | Path = field(repr=False)

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
        return {s: int(self._run(run).choices[s][0]) for s in SECTIONS}

    def _run(self, run: int) -> RunTable:
        """The parameters of run ``run`` (redrawn from its stream when the run table was not kept)."""
        if self.table is None:
            return self.model.draw(1, self.seed, first=run)
        return RunTable({s: c[run:run + 1] for s, c in self.table.choices.items()}, self.table.weights[run:run + 1])

    def methodology_for_run(self, run: int) -> Methodology:
        """The methodology that rebuilds run ``run``: the chosen sections and its weights.

        ``indexlib.build(result.panel, result.methodology_for_run(i), result.framework_for_run(i))``
        ranks the cities exactly as the run did.
        """
        choice = self._choice(run)
        weights = self._run(run).weights[0] if self.model.weight_ids else None
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
            "cities": len(table),
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

    def files(self) -> dict[str, str | bytes | Path]:
        """The contents of :attr:`OUTPUTS`, by file name.

        Byte-identical for the same inputs and seed: fixed float formats, gzip with ``mtime=0``
        and no file name, JSON with sorted options and no time stamps.
        """
        return {
            "rank_intervals.csv": self.rank_intervals.to_csv(index=False, float_format="%.6f", lineterminator="\n"),
            # Floats in their shortest round-trip form (pandas' default): a run can be rebuilt from the
            # file. A path when the runs were streamed to disk.
            "runs.csv.gz": self.runs_csv,
            "uncertainty.json": json.dumps(self.manifest(), ensure_ascii=False, indent=2) + "\n",
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write :attr:`OUTPUTS` into ``out_dir``, replacing them as a whole (:func:`indexlib.io.write_folder`)."""
        return write_folder(out_dir, self.files(), owns=self.OUTPUTS)


def uncertainty_analysis(panel: PanelInput = None, methodology: MethodologyInput = None,
                         framework: FrameworkInput = None, spec: UncertaintySpec | str | Path | None = None, *,
                         runs: int | None = None,
                         seed: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, keep_ranks: bool | None = None,
                         progress: ProgressCallback | None = None, model: UncertaintyModel | None = None,
                         engine: str = "local", scheduler: str | Client | None = None) -> UncertaintyResult:
    r"""Monte Carlo uncertainty analysis of the ranking (Saisana, Saltelli & Tarantola 2005).

    Draws ``runs`` combinations of the spec's uncertain assumptions from chunked seeded streams
    (:func:`~indexlib.uncertainty.runs.unit_draws`: one stream of
    ``numpy.random.SeedSequence(seed).spawn(k)`` per 10,000 runs) and ranks the cities under each,
    without rebuilding the index per run (see the module docstring). Memory is bounded whatever
    the number of runs: beyond :data:`RUN_TABLE_BUDGET` the runs go to ``runs.csv.gz`` in a
    temporary file stream by stream and are not kept in memory. For every city :math:`c` with nominal rank
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
        numbers. ``True`` beyond 256 MiB keeps them in a temporary file (a memory map).
    progress : callable(done, total), optional
        Called after every stream of :data:`~indexlib.uncertainty.runs.STREAM_RUNS` runs.
    model : UncertaintyModel, optional
        A model already built for the same inputs and spec (skips the preparation).
    engine, scheduler
        ``"local"`` (this process) or ``"dask"`` (needs ``pip install "indexlib[dask]"``) with the
        scheduler's address or client (``None``: a new ``LocalCluster``); see
        :func:`indexlib.distributed.evaluate_blocks`. Results are identical.

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
        model = model_for(panel, methodology, framework, spec)
    spec = model.spec
    changes = {k: v for k, v in (("runs", runs), ("seed", seed)) if v is not None}
    if changes:
        spec = spec.replace(**changes)
    _require_run_memory(model, spec.runs, chunk_size, keep_ranks)
    model.prepare_variants()
    streamed = table_bytes(model, spec.runs) > RUN_TABLE_BUDGET
    statistics = RankStatistics(model.nominal_ranks, spec.runs, spec.top, keep_ranks, model.ties)
    options = {"seed": spec.seed, "top": spec.top, "keep_ranks": statistics.ranks is not None,
               "histogram": statistics.histogram is not None, "keep_table": not streamed, "chunk_size": chunk_size}
    blocks: Iterator[RunBlock] = evaluate_blocks(evaluate_runs, model, stream_blocks(spec.runs), options,
                                                 engine=engine, scheduler=scheduler)
    header = run_parameters(model, model.draw(0, spec.seed))
    header["mean_abs_shift"] = np.empty(0)
    runs_csv = _GzipText(spilled=streamed)
    try:
        runs_csv.write(header.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        tables = []
        for block in blocks:
            statistics.merge(block.statistics, block.first)
            runs_csv.write(block.csv)
            if block.table is not None:
                tables.append(block.table)
            if progress is not None:
                progress(block.first + block.statistics.runs, spec.runs)
        contents = runs_csv.close()
    except BaseException:
        runs_csv.discard()
        raise
    table = None if streamed else RunTable.concatenate(tables)
    parameters = None
    if table is not None:
        parameters = run_parameters(model, table)
        parameters["mean_abs_shift"] = statistics.run_shift
    result = UncertaintyResult(
        spec=spec,
        rank_intervals=_rank_intervals(model, statistics, spec),
        parameters=parameters,
        run_shift=statistics.run_shift,
        mean_abs_shift=float(statistics.shift_sum.sum() / (spec.runs * statistics.n)),
        histogram=statistics.histogram,
        ranks=statistics.ranks,
        model=model,
        table=table,
        runs_csv=contents,
    )
    if isinstance(contents, Path):
        weakref.finalize(result, contents.unlink, missing_ok=True)
    return result


@dataclass(frozen=True)
class RunBlock:
    """The rank statistics, the ``runs.csv`` rows (UTF-8, no header) and, if kept, the run table of the
    runs ``first … first + statistics.runs − 1``: what an engine computes for one random stream."""

    first: int
    statistics: RankStatistics
    csv: bytes
    table: RunTable | None


def evaluate_runs(model: UncertaintyModel, start: int, stop: int, *, seed: int, top: int, keep_ranks: bool,
                  histogram: bool, keep_table: bool, chunk_size: int) -> RunBlock:
    """Draw, rank and count runs ``start … stop − 1`` of ``seed`` (the work of one task of any engine)."""
    table = model.draw(stop - start, seed, first=start)
    statistics = RankStatistics(model.nominal_ranks, len(table), top, keep_ranks, model.ties, histogram=histogram)
    for run_ids, ranks in model.iterate_ranks(table, chunk_size=chunk_size):
        statistics.add(run_ids, ranks)
    frame = run_parameters(model, table, start)
    frame["mean_abs_shift"] = statistics.run_shift
    csv = frame.to_csv(index=False, header=False, lineterminator="\n").encode("utf-8")
    return RunBlock(start, statistics, csv, table if keep_table else None)


def table_bytes(model: UncertaintyModel, runs: int) -> int:
    """Bytes of the run table, the parameters table and their CSV text (about 24 characters a cell)."""
    return model.run_bytes(runs) + runs * (3 + len(model.varied_sections) + len(model.weight_ids)) * (8 + 24)


class _GzipText:
    """``runs.csv.gz`` compressed as it is written, in memory or in a temporary file (``spilled``).

    zlib's gzip wrapper with ``mtime`` 0: the same bytes as ``gzip.compress(text, 6, mtime=0)``
    however the text is split into writes.
    """

    def __init__(self, spilled: bool) -> None:
        self._compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
        # kept open for the life of the writer, closed by close() (SIM115)
        self._file: Any = (tempfile.NamedTemporaryFile(prefix="indexlib-runs-", suffix=".csv.gz", delete=False)  # noqa: SIM115
                           if spilled else io.BytesIO())

    def write(self, data: bytes) -> None:
        self._file.write(self._compressor.compress(data))

    def close(self) -> bytes | Path:
        self._file.write(self._compressor.flush())
        if isinstance(self._file, io.BytesIO):
            return self._file.getvalue()
        self._file.close()
        return Path(self._file.name)

    def discard(self) -> None:
        if not isinstance(self._file, io.BytesIO):
            self._file.close()
            Path(self._file.name).unlink(missing_ok=True)


def _require_run_memory(model: UncertaintyModel, runs: int, chunk_size: int, keep_ranks: bool | None) -> None:
    """Refuse (:class:`~indicators.errors.SizeLimitError`) an analysis whose arrays cannot fit in memory:
    the per-run shift, the run and parameters tables (unless streamed to disk), the kept ranks (when
    kept in memory: see :class:`RankStatistics`), one stream's tables and one chunk's scores (at most
    ``CHUNK_CELLS`` city scores)."""
    n = len(model.city_ids)
    per_run = 8
    if table_bytes(model, runs) <= RUN_TABLE_BUDGET:
        per_run += table_bytes(model, 1)
    itemsize = 4 if model.ties == "average" or n >= 2**15 else 2
    if (keep_ranks is None or keep_ranks) and runs * n * itemsize <= KEPT_RANKS_BUDGET:
        per_run += itemsize * n
    rows = max(1, min(chunk_size, runs, CHUNK_CELLS // max(n, 1)))
    chunk = 8 * rows * n * len(model.framework.node_ids) + table_bytes(model, min(runs, STREAM_RUNS))
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
