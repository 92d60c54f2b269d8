"""``release``: everything a maintainer publishes, in one folder that is complete or absent.

The folder is written in full in a temporary sibling folder and then renamed into place, so a
failure at any step leaves nothing half-written; an existing folder is replaced only with
``force=True``. Every file is reproducible: two releases from the same inputs (and seed) give
byte-identical CSV, JSON and XLSX files (no timestamps anywhere; floats at full precision).

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
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

import pandas as pd

from indexlib.io import write_atomic
from indexlib.methodology import Methodology, load_methodology
from indexlib.panel import read_panel
from indexlib.pipeline import build
from indexlib.publish.report import city_attributes, jsonable, render_report
from indexlib.publish.tables import csv_text, xlsx_bytes
from indexlib.result import IndexResult
from indicators import Framework, load_framework
from indicators.errors import OutputError, SpecificationError

__all__ = ["release", "release_ranking", "DEPENDENCIES"]

#: Packages whose versions the manifest records (the core dependencies and the writers' extras).
DEPENDENCIES = ("numpy", "pandas", "scipy", "scikit-learn", "pydantic", "openpyxl", "matplotlib")

#: Writes more files into the staging folder (the audit's and the profiles' own writers).
Writer = Callable[[Path], object]


def release_ranking(result: IndexResult) -> pd.DataFrame:
    """The ranking table with ``city_zh``, ``country`` and ``continent`` after ``city_en``."""
    ranking = result.ranking
    names = city_attributes(result).reindex(ranking["city_id"])
    position = ranking.columns.get_loc("city_en") + 1
    for offset, column in enumerate(("city_zh", "country", "continent")):
        ranking.insert(position + offset, column, names[column].to_numpy())
    return ranking


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _inputs(result: IndexResult, data: Any, methodology: Any, framework: Any, year: int | None) -> list[dict[str, str]]:
    """SHA-256 of every input: the panel, the city table, the framework and the methodology."""
    def described(value: Any, default: str, canonical: str) -> dict[str, str]:
        if isinstance(value, (str, Path)) and Path(value).is_file():
            return {"source": str(value), "sha256": _sha256_bytes(Path(value).read_bytes())}
        return {"source": default, "sha256": _sha256_bytes(canonical.encode("utf-8"))}

    panel = {"role": "panel", "source": result.panel.source, "sha256": result.input_sha256}
    if data is None and year is not None:
        name = f"panel_{year}.csv"
        panel = {"role": "panel", "source": f"city_data/data/{name}",
                 "sha256": _sha256_bytes((files("city_data") / "data" / name).read_bytes())}
    cities = {"role": "cities", "source": "city_data/data/cities.csv",
              "sha256": _sha256_bytes((files("city_data") / "data" / "cities.csv").read_bytes())}
    framework_text = json.dumps(result.requested_framework.to_dict(), ensure_ascii=False, sort_keys=True)
    methodology_text = json.dumps(result.methodology.to_dict(), ensure_ascii=False, sort_keys=True)
    builtin = framework if isinstance(framework, str) and not Path(framework).is_file() else None
    return [panel, cities,
            {"role": "framework", **described(framework, f"built-in {builtin or result.requested_framework.id} "
                                                          "(canonical JSON)", framework_text)},
            {"role": "methodology", **described(methodology, "canonical JSON of the methodology", methodology_text)}]


def _versions() -> dict[str, str]:
    found = {}
    for name in ("indexlib", *DEPENDENCIES):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


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
    writers: list[Writer] = []
    tables: dict[str, pd.DataFrame] = {}
    if audit:
        from indexlib.publish.audit import audit as audit_of

        report = audit_of(result)
        tables = {**report.tables, "flags": report.flags}
        writers.append(lambda folder: report.write(folder / "audit", figures=figures))
    city_profiles: dict[str, Any] = {}
    if profiles:
        from indexlib.publish.profile import profile as profile_of

        built = {city: profile_of(result, city, intervals) for city in result.values.index}
        city_profiles = {city: p.to_dict() for city, p in built.items()}
        writers += [lambda folder, city=city, p=p: p.write(folder / "profiles" / city, figures=False)
                    for city, p in built.items()]

    ranking = release_ranking(result)
    outputs: dict[str, str | bytes] = {"ranking.csv": csv_text(ranking)}
    sheets = {"ranking": ranking, "indicator_scores": result.normalised.rename_axis("city_id").reset_index()}
    if intervals is not None:
        outputs["rank_intervals.csv"] = csv_text(intervals)
        sheets["rank_intervals"] = intervals
    for name, table in tables.items():
        sheets[f"audit {name}"[:31]] = table  # Excel's limit on sheet names
    outputs["ranking.xlsx"] = xlsx_bytes(sheets)
    results = result.to_dict()
    if intervals is not None:
        results["rank_intervals"] = jsonable(intervals)
        results["uncertainty"] = uncertainty
    if tables:
        results["audit"] = {"tables": {name: jsonable(table) for name, table in tables.items()}}
    outputs["results.json"] = json.dumps(results, ensure_ascii=False, indent=2, default=jsonable) + "\n"
    outputs["report.html"] = render_report(result, intervals=intervals, audit=tables or None,
                                           profiles=city_profiles or None)
    manifest = {
        **result.manifest(),
        "versions": {**_versions(), "python": platform.python_version()},
        "inputs": _inputs(result, data, methodology, framework, year),
        "year": year,
        "seed": uncertainty["seed"] if uncertainty else None,
        "uncertainty_runs": uncertainty["runs"] if uncertainty else None,
    }
    return _write_folder(out, outputs, force, writers, manifest)


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is a file; expected a folder for the release")
    if out.exists() and not force:
        raise OutputError(f"{out} already exists; nothing was changed (use --force to replace the whole folder)")


def _write_folder(out: Path, outputs: Mapping[str, str | bytes], force: bool, writers: Sequence[Writer],
                  manifest: dict[str, Any]) -> Path:
    """Write ``outputs`` and what the ``writers`` write into a temporary sibling of ``out``, then
    ``manifest.json`` with the SHA-256 of every file written, then rename the folder into place."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the release folder: {exc.strerror or exc}") from None
    try:
        for name, body in outputs.items():
            write_atomic(staging / name, body)
        for write in writers:
            write(staging)
        written = sorted(p for p in staging.rglob("*") if p.is_file())
        manifest = {**manifest, "files": {p.relative_to(staging).as_posix(): _sha256_bytes(p.read_bytes())
                                          for p in written}}
        write_atomic(staging / "manifest.json", _json(manifest))
        os.chmod(staging, 0o777 & ~_umask())
        _check_target(out, force)  # the folder may have appeared while the release was computed
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, retired / out.name)
            try:
                os.replace(staging, out)
            except BaseException:
                os.replace(retired / out.name, out)  # the old release back in place
                raise
            finally:
                shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"{out}: cannot write the release: {exc.strerror or exc}; nothing was changed") from None
        raise
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
