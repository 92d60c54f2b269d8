"""The ``indexlib compare`` command: rank under alternative weightings (the work is in :mod:`indexlib.compare`)."""

from __future__ import annotations

import argparse
import sys

from indexlib.cli._args import add_build_inputs, add_year, format_table, output_folder, panel_input

__all__ = ["NAME", "HELP", "parser", "run", "scheme_list"]

NAME = "compare"
HELP = "rank under alternative weightings, side by side with the nominal ranking"


_SCHEME_KINDS = ("ahp", "budget", "scheme")


def scheme_list(text: str) -> list[str]:
    """``--weights``: comma-separated scheme specs, each a method name, ``nominal`` or ``kind:X``."""
    schemes = [s.strip() for s in text.split(",") if s.strip()]
    if not schemes:
        raise argparse.ArgumentTypeError(f"{text!r} names no scheme; expected e.g. 'entropy,equal' or "
                                         "'ahp:ahp-example'")
    for spec in schemes:
        kind, colon, argument = spec.partition(":")
        if colon and kind not in _SCHEME_KINDS:
            raise argparse.ArgumentTypeError(f"unknown scheme kind {kind!r} in {spec!r}; expected ahp:X, budget:X or "
                                             "scheme:X")
        if colon and not argument.strip():
            raise argparse.ArgumentTypeError(f"{spec!r} names no scheme after ':'; expected {kind}:X with X a built-in "
                                             "scheme id or a TOML/JSON scheme file")
    return schemes


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib compare``."""
    add_build_inputs(p)
    add_year(p)
    p.add_argument("--weights", required=True, type=scheme_list,
                   help="comma-separated schemes: equal, entropy, critic, variation, pca, nominal, "
                        "ahp:X, budget:X, scheme:X (X a built-in scheme id or a TOML/JSON file)")
    p.add_argument("--out", type=output_folder,
                   help="folder for comparison.csv, ranks_by_scheme.csv, weights_by_scheme.csv "
                        "and compare.json (versions, SHA-256 of every input)")


def run(args: argparse.Namespace) -> int:
    schemes = args.weights if isinstance(args.weights, list) else scheme_list(args.weights)
    from indexlib.compare import compare_weightings
    from indexlib.io import write_folder

    comparison = compare_weightings(schemes, panel_input(args), args.method, args.framework)
    summary = comparison.summary
    print("Each scheme against the nominal ranking (rank shifts in positions):")
    print(format_table(summary.drop(columns="largest_moves"), floats=3))
    print("\nThe five cities that move most under each scheme (nominal rank → scheme rank):")
    for row in summary.itertuples(index=False):
        print(f"  {row.scheme}: {row.largest_moves}")
    if args.out:
        for path in write_folder(args.out, comparison.files(), owns=comparison.OUTPUTS):
            print(f"wrote {path}", file=sys.stderr)
    return 0
