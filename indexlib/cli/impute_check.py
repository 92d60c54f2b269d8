"""The ``indexlib impute-check`` command: cross-validated error of every imputation method."""

from __future__ import annotations

import argparse

from indexlib.cli._args import add_build_inputs, format_table, positive_int

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "impute-check"
HELP = "hide known values and measure every imputation method's error"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib impute-check``."""
    add_build_inputs(p)
    p.add_argument("--folds", type=positive_int, default=5, help="K of the K-fold split (>= 2; default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of the fold assignment (default 0)")


def run(args: argparse.Namespace) -> int:
    from indexlib.impute.check import ERROR_TIE, check_imputation
    from indexlib.pipeline import imputation_attributes, prepare, resolve_inputs

    panel, methodology, framework = resolve_inputs(args.data, args.method, args.framework)
    prep = prepare(panel, methodology, framework)
    attributes = imputation_attributes(panel, methodology, prep.values.index)
    check = check_imputation(prep.values, attributes, folds=args.folds, seed=args.seed, options=methodology.missing)
    methods = list(check.summary["method"])
    errors = check.table.pivot(index="indicator_id", columns="method", values="error")[methods]
    cells = check.table.groupby("indicator_id")["cells"].first()
    per_indicator = errors.assign(cells=cells).reset_index()[["indicator_id", "cells", *methods]]
    print(f"Imputation error by indicator ({check.folds} folds, seed {check.seed}): mean absolute error as a share "
          "of the indicator's range")
    print(format_table(per_indicator, floats=3))
    print("\nBy method (means over indicators; rank_error: mean absolute change of the city's position among the "
          "indicator's values)")
    print(format_table(check.summary, floats=3))
    if check.unchecked:
        print(f"\nnot checked (fewer than {check.folds} values, or all equal): {', '.join(check.unchecked)}")
    chosen = methodology.missing.method
    print(f"\nbest (lowest error; within {ERROR_TIE} of it, lowest rank error): {check.best}; this methodology "
          f"imputes with {chosen!r}"
          + ("" if chosen in (check.best, "none") else f" (set missing.method = {check.best!r} to follow the check)"))
    return 0
