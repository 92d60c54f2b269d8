"""The ``indexlib schema`` command: the JSON Schema of the framework and of the methodology."""

from __future__ import annotations

import argparse
import json

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "schema"
HELP = "print the JSON Schema of the framework and of the methodology, or the registered methods"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib schema``."""
    p.add_argument("--which", choices=["framework", "methodology", "both", "methods"], default="both",
                   help="'methods': every registered normaliser, aggregator, imputation method, outlier rule "
                        "and weighting method with the JSON Schema of its options")


def run(args: argparse.Namespace) -> int:
    from indexlib.methodology import METHOD_KINDS, Methodology, method_options_schemas
    from indicators import Framework

    if args.which == "methods":
        print(json.dumps({kind: method_options_schemas(kind) for kind in METHOD_KINDS}, ensure_ascii=False, indent=2))
        return 0

    schemas = {"framework": Framework.model_json_schema(), "methodology": Methodology.model_json_schema()}
    if args.which != "both":
        schemas = {args.which: schemas[args.which]}
    print(json.dumps(schemas, ensure_ascii=False, indent=2))
    return 0
