"""``release``: everything a maintainer publishes, in one folder that is complete or absent.

The folder is written in full in a temporary sibling folder and then renamed into place, so a
failure at any step leaves nothing half-written; an existing folder is replaced only with
``force=True``. Every file is reproducible: two releases from the same inputs (and seed) give
byte-identical CSV, JSON and XLSX files (no timestamps anywhere; floats to 15 decimals, the same text in
the CSV and JSON files: :mod:`indexlib.csv_text`).

Contents: ``ranking.csv`` (with ``city_zh``, ``country`` and ``continent``), ``ranking.xlsx`` (one
sheet per table), ``results.json``, ``report.html`` (:func:`indexlib.publish.render_report`),
``manifest.json`` (package and dependency versions, methodology, framework, SHA-256 of every input,
the seed), the statistical audit (``audit/``: :func:`indexlib.audit` tables, flags and the correlation
heatmap), one profile per city (``profiles/<city_id>/``: :func:`indexlib.profile`) and, with an
uncertainty analysis, ``rank_intervals.csv``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from indexlib.io import check_output_folder, write_folder
from indexlib.methodology import Methodology, load_methodology
from indexlib.panel import read_panel
from indexlib.pipeline import build
from indexlib.publish.report import city_attributes, jsonable, render_report
from indexlib.publish.tables import csv_text, xlsx_bytes
from indexlib.result import IndexResult
from indicators import Framework, load_framework
from indicators.errors import OutputError, SpecificationError

__all__ = ["release", "release_ranking"]

def release_ranking(result: IndexResult) -> pd.DataFrame:
    """The ranking table with ``city_zh``, ``country`` and ``continent`` after ``city_en``."""
    ranking = result.ranking
    names = city_attributes(result).reindex(ranking["city_id"])
    position = ranking.columns.get_loc("city_en") + 1
    for offset, column in enumerate(("city_zh", "country", "continent")):
        ranking.insert(position + offset, column, names[column].to_numpy())
    return ranking


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def release(out_dir: str | Path, *, data: str | Path | pd.DataFrame | None = None,
            methodology: Methodology | str | Path | None = None, framework: Framework | str | Path | None = None,
            year: int | None = None, force: bool = False, uncertainty_runs: int | None = None,
            seed: int | None = None, audit: bool = True, profiles: bool = True, figures: bool = True) -> Path:
    """Build the index and write the release folder ``out_dir`` atomically.

    Parameters
    ----------
    out_dir : path
        The release folder. It must not exist unless ``force`` (then it is replaced as a whole).
    data, methodology, framework
        As for :func:`indexlib.build`; ``data=None`` uses the packaged panel.
    year : int, optional
        Edition of the packaged panel (:func:`city_data.available_years`); not with ``data``.
    force : bool, default False
        Replace an existing ``out_dir``.
    uncertainty_runs, seed : int, optional
        Run an uncertainty analysis (:func:`indexlib.uncertainty.uncertainty_analysis`) of that many
        runs with that seed (default: the spec's seed) and publish its rank intervals.
    audit : bool, default True
        Publish the statistical audit: its tables in ``audit/``, the workbook, the report and
        ``results.json``.
    profiles : bool, default True
        Publish every ranked city's profile in ``profiles/<city_id>/`` and in the report.
    figures : bool, default True
        Draw the audit's correlation heatmap (needs matplotlib, the ``plots`` extra).

    Returns
    -------
    Path
        The release folder.

    Raises
    ------
    OutputError
        ``out_dir`` exists and ``force`` is not given, or it cannot be written; nothing is changed.
    SpecificationError
        ``year`` with ``data``, an unknown year, ``seed`` without ``uncertainty_runs``, or figures
        asked for without matplotlib.
    IndexlibError
        Any error of the build or of the analyses; nothing is written.
    """
    out = Path(out_dir)
    _check_target(out, force)
    check_output_folder(out)
    if year is not None and data is not None:
        raise SpecificationError("give a year (a packaged edition) or a panel (--data), not both")
    if seed is not None and uncertainty_runs is None:
        raise SpecificationError("a seed is used only by the uncertainty analysis; give --uncertainty-runs N too")
    if uncertainty_runs is not None and uncertainty_runs < 1:
        raise SpecificationError(f"uncertainty_runs must be a positive integer; got {uncertainty_runs}")
    if audit and figures:
        from indexlib.publish.audit import require_matplotlib

        require_matplotlib()  # before any computing
    meth = methodology if isinstance(methodology, Methodology) else load_methodology(methodology)
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    panel = read_panel(None, fw, year=year) if year is not None else data
    result = build(panel, meth, fw)
    intervals = None
    uncertainty: dict[str, Any] | None = None
    if uncertainty_runs is not None:
        from indexlib.uncertainty import uncertainty_analysis

        analysis = uncertainty_analysis(panel, meth, fw, runs=uncertainty_runs, seed=seed)
        intervals = analysis.rank_intervals
        uncertainty = {"runs": analysis.runs, "seed": analysis.spec.seed, "spec": analysis.spec.model_dump(mode="json"),
                       "mean_abs_shift": analysis.mean_abs_shift}
    outputs: dict[str, str | bytes] = {}
    tables: dict[str, pd.DataFrame] = {}
    if audit:
        from indexlib.publish.audit import audit as audit_of

        report = audit_of(result)
        tables = {**report.tables, "flags": report.flags}
        outputs.update({f"audit/{name}": body for name, body in report.files(figures=figures).items()})
    city_profiles: dict[str, Any] = {}
    if profiles:
        from indexlib.publish.profile import profile as profile_of

        for city in result.values.index:
            city_profile = profile_of(result, city, intervals)
            city_profiles[city] = city_profile.to_dict()
            outputs.update({f"profiles/{city}/{name}": body
                            for name, body in city_profile.files(figures=False).items()})

    ranking = release_ranking(result)
    outputs["ranking.csv"] = csv_text(ranking)
    sheets = {"ranking": ranking, "indicator_scores": result.normalised.rename_axis("city_id").reset_index()}
    if intervals is not None:
        outputs["rank_intervals.csv"] = csv_text(intervals)
        sheets["rank_intervals"] = intervals
    for name, table in tables.items():
        sheets[f"audit {name}"[:31]] = table  # Excel's limit on sheet names
    outputs["ranking.xlsx"] = xlsx_bytes(sheets)
    extra: dict[str, Any] = {}
    if intervals is not None:
        extra["rank_intervals"] = intervals
        extra["uncertainty"] = jsonable(uncertainty)
    if tables:
        extra["audit"] = {"tables": tables}
    outputs["results.json"] = result.results_json(extra) + b"\n"
    outputs["report.html"] = render_report(result, intervals=intervals, audit=tables or None,
                                           profiles=city_profiles or None)
    manifest = {
        **result.manifest(),
        "year": year,
        "seed": uncertainty["seed"] if uncertainty else None,
        "uncertainty_runs": uncertainty["runs"] if uncertainty else None,
    }
    manifest["files"] = _hashes(outputs)
    outputs["manifest.json"] = _json(manifest)
    _check_target(out, force)  # the folder may have appeared while the release was computed
    write_folder(out, outputs, keep_others=False)
    return out


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file; expected a folder for the release")
    if out.exists() and not force:
        raise OutputError(f"{out} already exists; nothing was changed (use --force to replace the whole folder)")


def _hashes(outputs: Mapping[str, str | bytes]) -> dict[str, str]:
    """SHA-256 of every file's bytes, by name (text as written: UTF-8)."""
    return {name: hashlib.sha256(body if isinstance(body, bytes) else body.encode("utf-8")).hexdigest()
            for name, body in sorted(outputs.items())}
