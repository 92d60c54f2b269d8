"""Figures of the uncertainty and sensitivity analyses (matplotlib, an optional extra: ``indexlib[plots]``).

matplotlib is imported lazily inside the functions, with the non-interactive ``Agg`` backend, so
that the rest of indexlib never needs it; when it is missing the functions print a note on stderr
and write nothing.

The files are byte-identical from run to run: SVG with a fixed ``svg.hashsalt`` and no ``Date``
metadata, PNG without the ``Software`` text chunk. ``*_files`` return the rendered files by name
(for a command that writes them with its other outputs); the other functions write them into a
folder with :func:`indexlib.io.write_folder`.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexlib.io import write_folder

if TYPE_CHECKING:
    from indexlib.sensitivity.analysis import IndexSensitivityResult
    from indexlib.uncertainty.montecarlo import UncertaintyResult

__all__ = ["FIGURE_STYLE", "figure_names", "matplotlib_available", "pyplot", "rank_interval_figure",
           "rank_interval_figure_files", "render_figure", "sobol_figure", "sobol_figure_files"]

FIGURE_STYLE = {
    "svg.hashsalt": "indexlib",  # fixed ids for clip paths and glyphs: reproducible SVG
    "svg.fonttype": "none",  # text stays text: smaller, faster, searchable
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def matplotlib_available() -> bool:
    """True when matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def pyplot() -> Any | None:
    try:
        import matplotlib
    except ImportError:
        print("note: matplotlib is not installed (pip install 'indexlib[plots]'); figures skipped", file=sys.stderr)
        return None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def figure_names(name: str) -> tuple[str, str]:
    """The files of the figure ``name``: ``<name>.png`` and ``<name>.svg``."""
    return f"{name}.png", f"{name}.svg"


def render_figure(plt: Any, figure: Any, name: str) -> dict[str, bytes]:
    """``figure`` as ``<name>``.png and ``<name>``.svg bytes, reproducibly; then close it."""
    files = {}
    for file, metadata in zip(figure_names(name), ({"Software": None}, {"Date": None, "Creator": "indexlib"})):
        buffer = io.BytesIO()
        figure.savefig(buffer, format=file.rsplit(".", 1)[1], dpi=150, metadata=metadata)
        files[file] = buffer.getvalue()
    plt.close(figure)
    return files


def rank_interval_figure(result: UncertaintyResult, out_dir: str | Path, *, name: str = "rank_intervals") -> list[Path]:
    """Write :func:`rank_interval_figure_files` into ``out_dir``; returns their paths (none when
    matplotlib is missing)."""
    files = rank_interval_figure_files(result, name=name)
    return write_folder(out_dir, files, owns=figure_names(name)) if files else []


def sobol_figure(result: IndexSensitivityResult, out_dir: str | Path, *, output: str = "mean_abs_shift",
                 name: str = "sobol") -> list[Path]:
    """Write :func:`sobol_figure_files` into ``out_dir``; returns their paths (none when matplotlib
    is missing)."""
    files = sobol_figure_files(result, output=output, name=name)
    return write_folder(out_dir, files, owns=figure_names(name)) if files else []


def rank_interval_figure_files(result: UncertaintyResult, *, name: str = "rank_intervals") -> dict[str, bytes]:
    """Median rank and 5–95% rank interval of every city, cities ordered by nominal rank.

    Returns ``<name>.png`` and ``<name>.svg`` by file name (nothing when matplotlib is missing).
    """
    plt = pyplot()
    if plt is None:
        return {}
    table = result.rank_intervals
    n = len(table)
    x = np.arange(1, n + 1)
    with plt.rc_context(FIGURE_STYLE):
        width = max(6.0, 0.12 * n + 1.5)
        figure, axes = plt.subplots(figsize=(width, 5.0))
        # Fixed margins rather than a constrained layout: a layout engine redraws the figure (slow).
        figure.subplots_adjust(left=0.6 / width, right=1 - 0.2 / width, bottom=0.2, top=0.93)
        axes.vlines(x, table["p05_rank"], table["p95_rank"], color="#9ecae1", linewidth=2.2,
                    label="5–95% interval of simulated ranks")
        axes.scatter(x, table["median_rank"], s=9, color="#08519c", zorder=3, label="median rank")
        axes.scatter(x, table["nominal_rank"], s=9, marker="_", color="#d62728", zorder=4, label="nominal rank")
        axes.set_xlim(0, n + 1)
        axes.set_ylim(n + 1, 0)  # rank 1 at the top
        axes.set_xticks(x)
        labels = table["city_en"].where(table["city_en"].astype(str) != "", table["city_id"])
        axes.set_xticklabels(labels, rotation=90, fontsize=5)
        axes.set_ylabel("rank")
        axes.set_title(f"Rank uncertainty: {result.runs:,} runs, seed {result.seed}; "
                       f"mean absolute rank shift {result.mean_abs_shift:.2f}")
        axes.legend(loc="upper right", frameon=False)
        axes.grid(axis="y", color="#eeeeee", linewidth=0.6)
        return render_figure(plt, figure, name)


def sobol_figure_files(result: IndexSensitivityResult, *, output: str = "mean_abs_shift",
                       name: str = "sobol") -> dict[str, bytes]:
    """Bar chart of the first-order and total Sobol' indices of one output, per factor.

    Error bars are the bootstrap confidence half-widths. Returns ``<name>.png`` and
    ``<name>.svg`` by file name (nothing when matplotlib is missing).
    """
    plt = pyplot()
    if plt is None:
        return {}
    frame = result.for_output(output)
    k = len(frame)
    x = np.arange(k)
    with plt.rc_context(FIGURE_STYLE):
        width = max(5.0, 0.8 * k + 2.0)
        figure, axes = plt.subplots(figsize=(width, 4.0))
        figure.subplots_adjust(left=1.6 / width, right=1 - 0.2 / width, bottom=0.3, top=0.9)
        axes.bar(x - 0.2, frame["S1"], width=0.4, yerr=frame["S1_conf"], capsize=2, color="#6baed6",
                 label="first order $S_i$")
        axes.bar(x + 0.2, frame["ST"], width=0.4, yerr=frame["ST_conf"], capsize=2, color="#08519c",
                 label="total $S_{Ti}$")
        axes.axhline(0, color="black", linewidth=0.6)
        axes.set_xticks(x)
        axes.set_xticklabels(frame["factor"], rotation=30, ha="right")
        axes.set_ylabel("Sobol' index")
        axes.set_title(f"Sensitivity of {output}: N = {result.design.n_base}, {result.design.n_runs:,} runs, "
                       f"{result.sobol.conf_level:.0%} bootstrap intervals")
        axes.legend(frameon=False)
        return render_figure(plt, figure, name)
