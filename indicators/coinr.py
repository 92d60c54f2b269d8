"""Read COINr's framework table ``iMeta`` as a :class:`~indicators.schema.Framework`.

COINr (Becker et al., the JRC's R package for composite indicators) describes a framework as one row
per element: ``Level, iCode, iName, Direction (±1), Weight, Parent, Type`` with ``Type`` one of
``Indicator``, ``Aggregate``, ``Group`` or ``Denominator``. Group and denominator rows name columns
of the matching ``iData`` table; they become the framework's ``unit_columns``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.errors import FrameworkError
from indicators.schema import Framework

__all__ = ["read_coinr_meta", "looks_like_coinr_meta"]

_REQUIRED = ("iCode", "Parent", "Type", "Direction", "Weight")


def looks_like_coinr_meta(path: str | Path) -> bool:
    """True when ``path`` is a CSV whose header has COINr's iMeta columns."""
    path = Path(path)
    if path.suffix.lower() not in {".csv", ".tsv", ".txt"}:
        return False
    try:
        header = pd.read_csv(path, nrows=0, sep=None, engine="python").columns
    except (OSError, ValueError, pd.errors.ParserError):
        return False
    return all(c in header for c in ("iCode", "Parent", "Type"))


def read_coinr_meta(path: str | Path, *, framework_id: str | None = None) -> Framework:
    """Build a framework from a COINr ``iMeta`` CSV.

    Parameters
    ----------
    path : path-like
        The iMeta table (CSV or TSV).
    framework_id : str, optional
        Id for the framework; defaults to the file stem.

    Raises
    ------
    FrameworkError
        A required column is missing, a direction is not ±1, or the tree is invalid.
    """
    path = Path(path)
    try:
        meta = pd.read_csv(path, sep=None, engine="python", dtype={"iCode": str, "Parent": str})
    except FileNotFoundError:
        raise FrameworkError(f"{path}: COINr iMeta file not found") from None
    missing = [c for c in _REQUIRED if c not in meta.columns]
    if missing:
        raise FrameworkError(f"{path}: not a COINr iMeta table; missing columns {missing}")
    nodes, indicators, unit_columns = [], [], []
    for row_number, row in enumerate(meta.itertuples(index=False), start=2):
        kind = str(row.Type)
        code = str(row.iCode)
        name = str(getattr(row, "iName", code)) if pd.notna(getattr(row, "iName", None)) else code
        parent = None if pd.isna(row.Parent) or str(row.Parent).strip() in {"", "NA"} else str(row.Parent)
        weight = 1.0 if pd.isna(row.Weight) else float(row.Weight)
        if kind == "Indicator":
            if pd.isna(row.Direction) or float(row.Direction) not in (1.0, -1.0):
                raise FrameworkError(
                    f"{path}, row {row_number}, indicator {code!r}: Direction must be 1 or -1, got {row.Direction!r}"
                )
            unit = getattr(row, "Unit", "")
            indicators.append(
                {
                    "id": code,
                    "name_en": name,
                    "unit": "" if pd.isna(unit) else str(unit),
                    "polarity": "+" if float(row.Direction) > 0 else "-",
                    "parent": parent,
                    "weight": weight,
                }
            )
        elif kind == "Aggregate":
            nodes.append({"id": code, "name_en": name, "parent": parent, "weight": weight})
        elif kind in {"Group", "Denominator"}:
            unit_columns.append(code)
        else:
            raise FrameworkError(
                f"{path}, row {row_number}: Type {kind!r} for {code!r}; expected Indicator, Aggregate, Group or Denominator"
            )
    data = {
        "id": framework_id or path.stem.replace(" ", "_"),
        "name_en": f"COINr framework from {path.name}",
        "nodes": nodes,
        "indicators": indicators,
        "unit_columns": unit_columns,
    }
    return Framework.parse(data, source=str(path))
