"""The ``indexlib schema`` command: the JSON Schema of the framework and of the methodology."""

from __future__ import annotations

import argparse
import json

__all__ = ["NAME", "HELP", "parser", "run"]

NAME = "schema"
HELP = "print the JSON Schema of the framework and of the methodology"


def parser(p: argparse.ArgumentParser) -> None:
    """The options of ``indexlib schema``."""
    p.add_argument("--which", choices=["framework", "methodology", "both"], default="both")


def run(args: argparse.Namespace) -> int:
    from indexlib.methodology import Methodology
    from indicators import Framework

    schemas = {"framework": Framework.model_json_schema(), "methodology": Methodology.model_json_schema()}
    if args.which != "both":
        schemas = {args.which: schemas[args.which]}
    print(json.dumps(schemas, ensure_ascii=False, indent=2))
    return 0
