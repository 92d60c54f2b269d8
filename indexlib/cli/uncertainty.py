"""The ``indexlib uncertainty`` command: rank intervals, run parameters and one-at-a-time scenarios.

Outputs (with ``--out DIR``), written together as one folder (:func:`indexlib.io.write_folder`) and
byte-identical for the same seed: ``rank_intervals.csv``, ``runs.csv.gz``, ``scenarios.csv``,
``scenario_ranks.csv``, ``uncertainty.json`` and the figure ``rank_intervals.png``/``.svg``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from indexlib.cli._args import (add_build_inputs, add_year, format_table, non_negative_int, output_folder,
                                panel_input, positive_int, print_note)

__all__ = ["NAME", "HELP", "parser", "run", "terminal_progress", "add_chunk_size", "chunk_size", "add_engine_arguments",
           "engine_options"]

NAME = "uncertainty"
HELP = "Monte Carlo rank intervals under alternative weights, normalisations, aggregations…"


def terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr, only when stderr is a terminal (nothing in logs or pipes)."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        end = "\n" if done >= total else ""
        print(f"\r{label}: {done:,}/{total:,} runs ({done / total:.0%})", end=end, file=sys.stderr, flush=True)

    return report


def add_chunk_size(p: argparse.ArgumentParser, help_text: str) -> None:
    """``--chunk-size`` of the commands that run the uncertainty engine; see :func:`chunk_size`."""
    p.add_argument("--chunk-size", type=positive_int, default=None, help=help_text)


# --- engine flags (issue 12): shared by the uncertainty and sensitivity commands ---------------------
def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """``--engine {local,dask}`` and ``--scheduler ADDRESS``."""
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="where runs are evaluated: this process, or a Dask cluster (pip install "
                             "\"indexlib[dask]\"); same seed, same results")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask: the scheduler's address (default: start a LocalCluster)")


def engine_options(args: argparse.Namespace) -> dict[str, Any]:
    """The ``engine`` and ``scheduler`` keywords of the analyses; ``--scheduler`` needs ``--engine dask``."""
    if args.scheduler is not None and args.engine != "dask":
        from indicators.errors import SpecificationError

        raise SpecificationError("--scheduler needs --engine dask")
    return {"engine": args.engine, "scheduler": args.scheduler}
# --- end of engine flags ---------------------------------------------------------------------------




def chunk_size(args: argparse.Namespace) -> int:
    """``--chunk-size``, or the engine's default: read here so that ``--help`` does not import the engine."""
    from indexlib.uncertainty.engine import DEFAULT_CHUNK_SIZE

    return DEFAULT_CHUNK_SIZE if args.chunk_size is None else int(args.chunk_size)


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib uncertainty``."""
    add_build_inputs(p)
    add_year(p)
    p.add_argument("--runs", type=int, help="Monte Carlo runs (default: the spec's, 10000)")
    p.add_argument("--seed", type=int, help="seed of numpy.random.default_rng (default: the spec's, 0)")
    p.add_argument("--spec", help="uncertainty spec (TOML/JSON); default: weights ±25%% on the dimensions, "
                                  "normalisation {min-max [1,100], z-score (100,10)}, aggregation "
                                  "{arithmetic, geometric}, outlier treatment {on, off}")
    p.add_argument("--out", type=output_folder,
                   help="folder for rank_intervals.csv, runs.csv.gz, scenarios.csv, scenario_ranks.csv, "
                        "uncertainty.json and rank_intervals.png/.svg")
    add_chunk_size(p, "runs scored at once (bounds memory; results do not depend on it)")
    p.add_argument("--show", type=non_negative_int, default=10, help="cities with the widest intervals to print")
    p.add_argument("--no-figures", action="store_true", help="do not draw rank_intervals.png/.svg")
    add_engine_arguments(p)


def run(args: argparse.Namespace) -> int:
    from indexlib.uncertainty.engine import UncertaintyModel, one_at_a_time, uncertainty_analysis
    from indexlib.uncertainty.spec import load_spec

    spec = load_spec(args.spec)
    changes = {k: v for k, v in (("runs", args.runs), ("seed", args.seed)) if v is not None}
    if changes:
        spec = spec.replace(**changes)  # validates --runs >= 1 and --seed >= 0
    model = UncertaintyModel(panel_input(args), args.method, args.framework, spec, spec_source=args.spec)
    result = uncertainty_analysis(model=model, chunk_size=chunk_size(args),
                                  progress=terminal_progress("uncertainty"), **engine_options(args))
    scenarios = one_at_a_time(model=model)
    summary = result.summary()

    varied = model.varied_sections
    weights = model.spec.weights
    parts = []
    if model.weight_ids:
        if model.weight_method == "uniform":
            parts.append(f"weights ±{weights.spread:.0%} ({len(model.weight_ids)} weights)")
        elif model.weight_method == "dirichlet":
            parts.append(f"weights Dirichlet c={weights.concentration:g} ({len(model.weight_ids)} weights)")
        else:
            parts.append(f"weights: {len(model.weight_alternatives)} alternatives")
    parts += [f"{s} {{{', '.join(model.labels[s][int(k)] for k in model.drawn[s])}}}" for s in varied]
    print(f"uncertainty analysis: {result.runs:,} runs, seed {result.seed}; varied: {'; '.join(parts) or 'nothing'}")
    print(f"mean absolute rank shift vs nominal: {result.mean_abs_shift:.3f}; median rank within 3 places of "
          f"nominal for {summary['share_median_within_3']:.0%} of {summary['cities']} cities")
    table = result.rank_intervals
    widest = table.sort_values(["interval_width", "nominal_rank"], ascending=[False, True]).head(args.show)
    columns = ["city_id", "nominal_rank", "median_rank", "p05_rank", "p95_rank", "interval_width",
               "mean_abs_shift", f"p_top{result.spec.top}"]
    print("\ncities with the widest 5–95% rank intervals:")
    print(format_table(widest[columns]))
    if len(scenarios.table):
        print("\none-at-a-time scenarios (largest mean shift first):")
        ordered = scenarios.table.sort_values(["mean_abs_shift", "scenario"], ascending=[False, True])
        print(format_table(ordered.drop(columns=["factor", "option"]).head(args.show), floats=3))
    for note in scenarios.notes:
        print_note(note)
    if args.out:
        from indexlib.figures import figure_names, rank_interval_figure_files
        from indexlib.io import write_folder

        files = {**result.files(), **scenarios.files()}
        if not args.no_figures:
            files.update(rank_interval_figure_files(result))
        written = write_folder(args.out, files, owns=[*result.OUTPUTS, *scenarios.OUTPUTS,
                                                      *figure_names("rank_intervals")])
        print(f"\nwrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0
