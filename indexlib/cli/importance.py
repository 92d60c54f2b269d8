"""The ``indexlib importance`` command (the work is in :mod:`indexlib.importance`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import (add_build_inputs, add_year, build_from_args, format_table, output_folder,
                                positive_number, print_notes)

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "importance"
HELP = "nominal effective weights beside each component's actual importance"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib importance``."""
    add_build_inputs(p)
    add_year(p)
    p.add_argument("--level", choices=["indicator", "dimension"], default="indicator")
    p.add_argument("--optimise", action="store_true",
                   help="also search weights whose importance matches the nominal weights")
    p.add_argument("--tolerance", type=positive_number, default=0.1,
                   help="with --optimise: flag a component whose importance share misses its "
                        "target by more than this fraction of it (default 0.1)")
    p.add_argument("--out", type=output_folder, help="write importance.csv (and optimised_weights.csv) here")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from indexlib.importance import importance_table, optimise_weights
    from indexlib.io import write_folder
    from indicators.text import plural

    result = build_from_args(args)
    print_notes(result)
    table = importance_table(result, args.level)
    print(f"Weights vs importance ({args.level} level; shares sum to 1; flagged: ratio > 2 or < 0.5)")
    print(format_table(table[["id", "weight_share", "importance_share", "ratio", "flagged"]], floats=3))
    files = {}
    if args.out:
        files["importance.csv"] = table.to_csv(index=False, float_format="%.6f", lineterminator="\n")
    if args.optimise:
        optimised = optimise_weights(result, args.level, tolerance=args.tolerance)
        print(f"\nOptimised {args.level} weights (importance matched to the nominal weights; loss "
              f"{optimised.loss:.2e}, RMS error {optimised.rms_error:.3f}; optimiser converged (local minimum): "
              f"{optimised.converged}):")
        frame = pd.DataFrame({"weight": optimised.weights, "target_share": optimised.target,
                              "achieved_share": optimised.achieved, "error": optimised.error,
                              "relative_error": optimised.relative_error, "missed": optimised.missed})
        print(format_table(frame.reset_index(names="id"), floats=3))
        missed = frame.index[frame["missed"]]
        if len(missed):
            worst = frame["relative_error"].abs().max()
            misses = "misses its" if len(missed) == 1 else "miss their"
            print(f"target NOT met: {len(missed)} of {plural(len(frame), 'component')} {misses} target share by more "
                  f"than {optimised.tolerance:.0%} ({', '.join(missed)}; worst {worst:.0%}): the best "
                  "non-negative weights found do not give these importances")
        else:
            print(f"target met: every component within {optimised.tolerance:.0%} of its target share")
        if args.out:
            files["optimised_weights.csv"] = frame.to_csv(float_format="%.6f", lineterminator="\n")
    if args.out:  # one folder: optimised_weights.csv of an earlier --optimise run is not left beside
        for path in write_folder(args.out, files, owns=["importance.csv", "optimised_weights.csv"]):
            print(f"wrote {path}", file=sys.stderr)
    return 0
