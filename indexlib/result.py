"""The result of a build: labelled tables of every step, plus what is needed to reproduce it."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from indexlib.csv_text import TableText
from indexlib.io import Content, write_folder
from indexlib.rank import rank_dtype
from indicators import Framework
from indicators.errors import DataValidationError

if TYPE_CHECKING:
    from indexlib.methodology import Methodology
    from indexlib.panel import Panel

__all__ = ["IndexResult", "IMPUTED_WEIGHT_THRESHOLD", "RESULTS_FORMAT", "imputed_mask", "label_positions",
           "results_tables"]

#: A city whose effective weight rests on imputed values for more than this share is marked
#: (``imputed_weight_flag`` in the ranking, ``*`` in the printed table): its rank says more about
#: the imputation than about its data.
IMPUTED_WEIGHT_THRESHOLD = 0.25
#: The layout of ``results.json`` (:meth:`IndexResult.results_json`): tables as ``{column: [values…]}``.
RESULTS_FORMAT = "indexlib-results/2"
#: The tables of ``results.json`` (:meth:`IndexResult._tables`, a release's rank intervals).
_TABLES = ("ranking", "indicator_scores", "node_scores_raw", "excluded_cities", "excluded_indicators",
           "imputation_log", "treatment_log", "rank_intervals")


@dataclass(frozen=True)
class IndexResult:
    """Scores, ranks and the record of how they were made.

    Attributes
    ----------
    framework : Framework
        The framework actually used (indicators without data or constant ones removed).
    requested_framework : Framework
        The framework as given.
    methodology : Methodology
    panel : Panel
        The validated input (its ``sha256`` identifies the input).
    values : DataFrame
        Ranked cities × used indicators after imputation and outlier treatment.
    normalised : DataFrame
        Normalised indicator scores (higher is better).
    raw_scores, scores, ranks : DataFrame
        Cities × nodes (every aggregate level, root included): raw aggregate scores, presentation
        scores (50–100 when that scale is chosen, else raw) and ranks (1 = best).
    excluded_cities : DataFrame
        ``city_id, reason`` for every city the coverage screen removed.
    excluded_indicators : DataFrame
        ``indicator_id, reason``.
    imputation_log : DataFrame
        One row per imputed cell with the rule used.
    treatment_log : DataFrame
        One row per indicator: skewness, kurtosis, action.
    treatment_flags : DataFrame
        Per cell: '' or the treatment applied.
    city_level_share : Series or None
        Share of each city's values that are city-level rather than copied from its country.
    notes : tuple of str
        Every warning recorded during the build.
    inputs : dict or None
        The SHA-256 of every input as given to :func:`indexlib.build`
        (:func:`indexlib.provenance.build_inputs`); ``None`` records the objects' canonical hashes.
    denomination : DataFrame or None
        One row per indicator divided by a denominator before imputation (``indicator_id,
        denominator, scale, cities_divided, cities_without_denominator``); ``values`` are divided.
    """

    framework: Framework
    requested_framework: Framework
    methodology: Methodology
    panel: Panel
    values: pd.DataFrame
    normalised: pd.DataFrame
    raw_scores: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    excluded_cities: pd.DataFrame
    excluded_indicators: pd.DataFrame
    imputation_log: pd.DataFrame
    treatment_log: pd.DataFrame
    treatment_flags: pd.DataFrame
    city_level_share: pd.Series | None
    notes: tuple[str, ...]
    inputs: dict[str, Any] | None = None
    denomination: pd.DataFrame | None = None

    #: The files :meth:`write` writes (and owns in the output folder).
    OUTPUTS = ("ranking.csv", "indicator_scores.csv", "results.json", "manifest.json")

    # ------------------------------------------------------------------ views
    @property
    def root(self) -> str:
        return self.framework.root

    @property
    def input_sha256(self) -> str:
        return self.panel.sha256

    @property
    def imputed(self) -> pd.DataFrame:
        """Boolean mask (cities × indicators): True where the value was imputed (a copy per call)."""
        return self._imputed.copy()

    @functools.cached_property
    def _imputed(self) -> pd.DataFrame:
        return imputed_mask(self.imputation_log, self.values.index, self.values.columns)

    @property
    def imputed_weight_share(self) -> pd.Series:
        r"""Share of each city's effective weight resting on imputed values.

        :math:`s_c = \sum_i w_i \, m_{ci} / \sum_i w_i`, :math:`w_i` the nominal effective weight of
        indicator :math:`i` in the index and :math:`m_{ci}` = 1 where city :math:`c`'s value was imputed.
        A city above :data:`IMPUTED_WEIGHT_THRESHOLD` is marked in the ranking.
        """
        weights = self.effective_weights().reindex(self.values.columns).fillna(0.0).to_numpy(dtype=float)
        total = weights.sum()
        share = self._imputed.to_numpy(dtype=float) @ weights / total if total > 0 else np.zeros(len(self.values))
        return pd.Series(share, index=self.values.index, name="imputed_weight_share")

    @property
    def overall(self) -> pd.DataFrame:
        """``score`` (presentation), ``score_raw`` and ``rank`` of the index, by city."""
        return pd.DataFrame({
            "score": self.scores[self.root],
            "score_raw": self.raw_scores[self.root],
            "rank": self.ranks[self.root].astype(rank_dtype(self.methodology.ties)),
        })

    @property
    def dimension_scores(self) -> pd.DataFrame:
        """Presentation scores of the nodes whose children are indicators (the dimensions)."""
        return self.scores[self.framework.dimension_ids]

    @property
    def ranking(self) -> pd.DataFrame:
        """The ranking table: one row per ranked city, best first.

        Columns: ``city_id, city_en, rank, score, score_raw``, then for every reported node
        (dimensions, pillars) its score column (named by the node id) and ``<id>_rank``, then
        ``imputed_values``, ``imputed_weight_share`` and ``imputed_weight_flag`` (share above
        :data:`IMPUTED_WEIGHT_THRESHOLD`) and, when known, ``city_level_share``. Computed once;
        each call returns a copy.
        """
        return self._ranking.copy()

    @functools.cached_property
    def _ranking(self) -> pd.DataFrame:
        table = pd.DataFrame(index=self.values.index)
        attributes = self.panel.attributes
        table["city_en"] = (attributes["city_en"].reindex(self.values.index) if "city_en" in attributes.columns
                            else self.values.index)
        overall = self.overall
        table["rank"] = overall["rank"]
        table["score"] = overall["score"]
        table["score_raw"] = overall["score_raw"]
        # whole-frame operations, not a column insert per node: a deep framework has thousands of nodes
        reported = self.framework.reported_node_ids
        node_ranks = (self.ranks[reported].astype(rank_dtype(self.methodology.ties))
                      .set_axis([f"{n}_rank" for n in reported], axis=1))
        interleaved = [c for node in reported for c in (node, f"{node}_rank")]
        table = pd.concat([table, self.scores[reported], node_ranks], axis=1)[[*table.columns, *interleaved]]
        table["imputed_values"] = self._imputed.sum(axis=1).astype(int)
        table["imputed_weight_share"] = self.imputed_weight_share
        table["imputed_weight_flag"] = table["imputed_weight_share"] > IMPUTED_WEIGHT_THRESHOLD
        if self.city_level_share is not None:
            table["city_level_share"] = self.city_level_share.reindex(self.values.index)
        table = table.reset_index().rename(columns={"index": "city_id"})
        return table.take(_by_rank_and_id(table)).reset_index(drop=True)

    def effective_weights(self) -> pd.Series:
        """Nominal effective weight of each used indicator in the index."""
        return self.framework.effective_weights()

    # ------------------------------------------------------------------ records
    def manifest(self) -> dict[str, Any]:
        """What makes this build reproducible: versions, the SHA-256 of every input, methodology, framework.

        ``inputs`` holds one entry per input (panel, city table when consulted, framework,
        methodology), each with the SHA-256 of the file's bytes (see :mod:`indexlib.provenance`);
        ``input`` repeats the panel's for older readers.
        """
        from indexlib import __version__
        from indexlib.provenance import environment, object_record, panel_record

        inputs = self.inputs or {"panel": panel_record(self.panel),
                                 "framework": object_record(self.requested_framework, id=self.requested_framework.id),
                                 "methodology": object_record(self.methodology)}
        return {
            "indexlib_version": __version__,
            "environment": environment(),
            "inputs": inputs,
            "input": {"source": self.panel.source, "sha256": self.input_sha256},
            "framework": self.requested_framework.to_dict(),
            "framework_used": {"id": self.framework.id, "indicators": self.framework.indicator_ids},
            "methodology": self.methodology.to_dict(),
            "excluded_indicators": self.excluded_indicators.to_dict(orient="records"),
            "excluded_cities": self.excluded_cities.to_dict(orient="records"),
            "cities_ranked": len(self.values),
            "imputed_values": len(self.imputation_log),
            "notes": list(self.notes),
            **({"denomination": json.loads(self.denomination.to_json(orient="records"))}
               if self.denomination is not None and len(self.denomination) else {}),
        }

    def _tables(self) -> dict[str, pd.DataFrame]:
        """The tables of ``results.json``, in order."""
        return {
            "ranking": self.ranking,
            "indicator_scores": self.normalised.reset_index(),
            "node_scores_raw": self.raw_scores.rename_axis("city_id").reset_index(),
            "excluded_cities": self.excluded_cities,
            "excluded_indicators": self.excluded_indicators,
            "imputation_log": self.imputation_log,
            "treatment_log": self.treatment_log,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready results (the ``results.json`` layout, :data:`RESULTS_FORMAT`): every table as
        ``{column: [values…]}``, the effective weights and the manifest."""
        return {
            "format": RESULTS_FORMAT,
            **{name: json.loads(_json_value(table)) for name, table in self._tables().items()},
            "effective_weights": {k: float(v) for k, v in self.effective_weights().items()},
            "manifest": self.manifest(),
        }

    def results_json(self, extra: Mapping[str, Any] | None = None) -> bytes:
        """``results.json`` (UTF-8); ``json.loads`` of it equals :meth:`to_dict` (and ``extra``).

        Layout :data:`RESULTS_FORMAT`: every table is a JSON object of its columns, each column one
        line of values (``null`` where missing), numbers to :data:`~indexlib.csv_text.DECIMALS`
        decimal places, encoded column by column by pandas' JSON writer in C (the text the CSV files
        have, :class:`~indexlib.csv_text.TableText`); :func:`results_tables` reads the tables back. A
        record layout repeated every column name on each of 2.4 million cells for 100,000 cities
        (195 MB against about 90 MB).

        Parameters
        ----------
        extra : mapping, optional
            Further top-level entries (e.g. a release's rank intervals), after the manifest: data
            frames are written as tables, also inside mappings; other values as indented JSON.
        """
        tables = {name: TableText(table) for name, table in self._tables().items()}
        return b"".join(self._results_json_pieces(tables, extra))

    def _results_json_pieces(self, tables: Mapping[str, TableText], extra: Mapping[str, Any] | None = None
                             ) -> Iterator[bytes]:
        weights = {k: float(v) for k, v in self.effective_weights().items()}
        parts = {"format": RESULTS_FORMAT, **tables, "effective_weights": weights,
                 "manifest": self.manifest(), **(extra or {})}
        return _json_pieces(parts, "")

    def files(self) -> dict[str, str | bytes]:
        """The contents of :attr:`OUTPUTS`, by file name (:meth:`write` writes them piece by piece)."""
        return {name: content if isinstance(content, (str, bytes)) else b"".join(cast(Iterable[bytes], content))
                for name, content in self._outputs().items()}

    def _outputs(self) -> dict[str, Content]:
        """:attr:`OUTPUTS`: the tables' texts in pieces, made when written. The CSV files and
        ``results.json`` share each number's text (:class:`~indexlib.csv_text.TableText`), formatted
        once: the CSV files come first, and ``results.json`` reuses their blocks."""
        tables = {name: TableText(table) for name, table in self._tables().items()}
        return {
            "ranking.csv": _utf8(tables["ranking"].csv_chunks()),
            "indicator_scores.csv": _utf8(tables["indicator_scores"].csv_chunks()),
            "results.json": self._results_json_pieces(tables),
            "manifest.json": json.dumps(self.manifest(), ensure_ascii=False, indent=2, default=_json_default),
        }

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``ranking.csv``, ``indicator_scores.csv``, ``results.json`` and ``manifest.json``.

        The folder is replaced as a whole (:func:`indexlib.io.write_folder`): a failed or killed
        run leaves it as it was, and other files in it are kept. The tables are made and written
        block by block (:class:`~indexlib.csv_text.TableText`), never held whole as text.
        """
        return write_folder(out_dir, self._outputs(), owns=self.OUTPUTS)


def _utf8(pieces: Iterable[str]) -> Iterator[bytes]:
    return (piece.encode("utf-8") for piece in pieces)


def _by_rank_and_id(table: pd.DataFrame) -> np.ndarray:
    """Row positions of ``table`` sorted by ``rank`` then ``city_id`` (stable), as
    ``sort_values(["rank", "city_id"], kind="stable")`` orders them.

    The ranks are sorted as numbers, ties by position (an unstable sort of the distinct keys
    ``2 rank n + position``: ranks are multiples of 1/2); only the rows of tied ranks are then sorted by
    id: sorting 100,000 ids took longer than the rest of the ranking table.
    """
    rank = table["rank"]
    if rank.isna().any():  # unranked cities last, as sort_values puts them
        return cast(np.ndarray, table.sort_values(["rank", "city_id"], kind="stable").index.to_numpy())
    n = len(table)
    order = np.argsort((rank.to_numpy(dtype=float) * 2).astype(np.int64) * n + np.arange(n))
    ordered = rank.to_numpy()[order]
    same = ordered[1:] == ordered[:-1]
    if same.any():
        tied = np.zeros(n, dtype=bool)
        tied[1:] |= same
        tied[:-1] |= same
        ties = table.iloc[order[tied]][["rank", "city_id"]]
        order[tied] = ties.sort_values(["rank", "city_id"], kind="stable").index.to_numpy()
    return order


def imputed_mask(log: pd.DataFrame, cities: pd.Index, indicators: pd.Index) -> pd.DataFrame:
    """Boolean cities × indicators mask of the cells an imputation log lists, set in one indexed assignment
    (log rows of an indicator or a city not in the table are not part of it)."""
    mask = np.zeros((len(cities), len(indicators)), dtype=bool)
    rows = label_positions(cities, log["city_id"])
    columns = label_positions(indicators, log["indicator_id"])
    if rows is None or columns is None:  # a repeated label: get_indexer's error
        rows = cities.get_indexer(pd.Index(log["city_id"]))
        columns = indicators.get_indexer(pd.Index(log["indicator_id"]))
    listed = (rows >= 0) & (columns >= 0)
    mask[rows[listed], columns[listed]] = True
    return pd.DataFrame(mask, index=cities, columns=indicators)


def label_positions(index: pd.Index, labels: pd.Series | pd.Index) -> np.ndarray | None:
    """The position of each label in ``index`` (-1 where absent), as ``index.get_indexer(labels)`` finds it,
    or None when ``index`` repeats a label.

    Both are factorised together, each label hashed once: ``get_indexer`` first builds a hash table of a
    new index (each build's cities are one), which took three times as long for 100,000 cities.
    """
    codes, _ = pd.factorize(pd.concat([pd.Series(index), pd.Series(labels)], ignore_index=True),
                            use_na_sentinel=False)
    n = len(index)
    if not np.array_equal(codes[:n], np.arange(n)):
        return None
    found = codes[n:]
    return np.where(found < n, found, -1)


def results_tables(document: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """The tables of a ``results.json`` document (its :data:`RESULTS_FORMAT` layout), by name.

    >>> tables = results_tables({"format": RESULTS_FORMAT, "ranking": {"city_id": ["a"], "rank": [1]}})
    >>> tables["ranking"].to_dict("records")
    [{'city_id': 'a', 'rank': 1}]
    """
    if document.get("format") != RESULTS_FORMAT:
        raise DataValidationError(f"results.json: format {document.get('format')!r} is not {RESULTS_FORMAT!r} "
                                  "(rebuild it with this version of indexlib)")
    return {name: pd.DataFrame(value) for name, value in document.items()
            if isinstance(value, dict) and name in _TABLES}


def _json_value(value: Any) -> bytes:
    """``value`` as indented JSON (UTF-8): a data frame as a table (:func:`_json_pieces`), a mapping
    holding frames entry by entry, anything else by the standard library."""
    return b"".join(_json_pieces(value, ""))


def _json_pieces(value: Any, indent: str) -> Iterator[bytes]:
    """The UTF-8 pieces of ``value`` as JSON, in order.

    A table (a data frame or its :class:`~indexlib.csv_text.TableText`) is a JSON object of its
    columns, one line per column (:meth:`~indexlib.csv_text.TableText.column_json`; a line break
    inside a value is escaped, ``\\n``).
    """
    inner = indent + "  "
    if isinstance(value, pd.DataFrame):
        value = TableText(value)
    if isinstance(value, TableText):
        entries: list[tuple[Any, Any]] = [(name, k) for k, name in enumerate(value.frame.columns)]
    elif isinstance(value, Mapping) and _holds_table(value):
        entries = list(value.items())
    else:
        text = json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)
        yield text.replace("\n", "\n" + indent).encode("utf-8")
        return
    if not entries:
        yield b"{}"
        return
    for k, (name, item) in enumerate(entries):
        yield f"{',' if k else '{'}\n{inner}{json.dumps(str(name), ensure_ascii=False)}: ".encode()
        if isinstance(value, TableText):  # item is a column's position
            yield value.column_json(item).encode("utf-8")
        else:
            yield from _json_pieces(item, inner)
    yield f"\n{indent}}}".encode()


def _holds_table(value: Any) -> bool:
    return isinstance(value, (pd.DataFrame, TableText)) or (
        isinstance(value, Mapping) and any(_holds_table(v) for v in value.values()))


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
