"""The ``indexlib sensitivity`` command: Sobol' indices of the rank shift and of every city's rank.

Outputs (with ``--out DIR``), written together as one folder (:func:`indexlib.io.write_folder`) and
byte-identical for the same seed:
``sobol.csv`` (``output, factor, S1, S1_conf, ST, ST_conf``; outputs ``mean_abs_shift`` and
``rank:<city_id>`` for every city), ``sensitivity.json`` and the bar chart ``sobol.png``/``.svg``.
"""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import (add_build_inputs, add_year, format_table, non_negative_int, output_folder,
                                unit_fraction, panel_input, positive_int)
from indexlib.cli.uncertainty import (add_chunk_size, add_engine_arguments, chunk_size, engine_options,
                                      terminal_progress)

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "sensitivity"
HELP = "Sobol' indices: which assumption drives the rank shift and each city's rank"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib sensitivity``."""
    add_build_inputs(p)
    add_year(p)
    p.add_argument("--n-base", type=positive_int, default=1024, metavar="N",
                   help="base sample size N, a power of 2 (runs: N (D + 2))")
    # the names of sensitivity_analysis(); --n and --resamples are the former names, kept as hidden aliases
    p.add_argument("--n", dest="n_base", type=positive_int, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed of the Sobol' sequence and the bootstrap")
    p.add_argument("--spec", help="uncertainty spec (TOML/JSON) whose assumptions are the factors; default: "
                                  "the uncertainty command's default")
    p.add_argument("--out", type=output_folder, help="folder for sobol.csv, sensitivity.json and sobol.png/.svg")
    p.add_argument("--num-resamples", type=int, default=100, metavar="R",
                   help="bootstrap resamples of the confidence intervals")
    p.add_argument("--resamples", dest="num_resamples", type=int, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.add_argument("--conf-level", type=unit_fraction, default=0.95, help="confidence level of the intervals")
    add_chunk_size(p, "runs ranked at once")
    p.add_argument("--no-figures", action="store_true", help="do not draw sobol.png/.svg")
    add_engine_arguments(p)


def run(args: argparse.Namespace) -> int:
    from indexlib.sensitivity.analysis import SHIFT_OUTPUT, sensitivity_analysis
    from indexlib.uncertainty.engine import UncertaintyModel
    from indexlib.uncertainty.spec import load_spec
    from indicators.text import plural

    model = UncertaintyModel(panel_input(args), args.method, args.framework, load_spec(args.spec),
                             spec_source=args.spec)
    result = sensitivity_analysis(model=model, n_base=args.n_base, seed=args.seed, num_resamples=args.num_resamples,
                                  conf_level=args.conf_level, chunk_size=chunk_size(args),
                                  progress=terminal_progress("sensitivity"), **engine_options(args))
    design = result.design
    print(f"Sobol' sensitivity analysis: N = {design.n_base}, {design.n_factors} factors, {design.n_runs:,} runs, "
          f"{result.sobol.num_resamples} bootstrap resamples, seed {design.seed}; "
          f"{len(result.sobol.outputs)} outputs ({SHIFT_OUTPUT} and the rank of {len(model.city_ids)} cities)")
    print(f"\nindices of {SHIFT_OUTPUT} (mean absolute rank shift vs nominal):")
    print(format_table(result.for_output(SHIFT_OUTPUT), floats=3))
    frame = result.to_frame()
    ranks = frame[frame["output"] != SHIFT_OUTPUT]
    leading = ranks.loc[ranks.groupby("output", sort=False)["ST"].idxmax()]
    counts = leading["factor"].value_counts()
    print("\nfactor with the largest total index, counted over the cities' ranks:")
    for factor, count in counts.items():
        print(f"  {factor}: {plural(count, 'city')}")
    if args.out:
        from indexlib.figures import figure_names, sobol_figure_files
        from indexlib.io import write_folder

        files: dict[str, str | bytes] = {**result.files()}
        if not args.no_figures:
            files.update(sobol_figure_files(result))
        written = write_folder(args.out, files, owns=[*result.OUTPUTS, *figure_names("sobol")])
        print(f"\nwrote {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0
