"""A minimal TOML writer for indexlib's own models (the standard library only reads TOML).

It writes what the models contain: tables, arrays of tables, strings, numbers, booleans and
arrays of scalars. ``None`` values are omitted, which round-trips because every optional field of
the models defaults to ``None``.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["dumps"]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        # JSON string escapes are a subset of TOML basic-string escapes.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items() if v is not None)
        return "{ " + items + " }" if items else "{}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _key(key: str) -> str:
    key = str(key)
    if key and all(c.isalnum() or c in "-_" for c in key):
        return key
    return json.dumps(key, ensure_ascii=False)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0 and all(isinstance(v, dict) for v in value)


def _write_table(data: dict[str, Any], prefix: str, out: list[str]) -> None:
    simple = {k: v for k, v in data.items() if v is not None and not isinstance(v, dict) and not _is_table_array(v)}
    for k, v in simple.items():
        out.append(f"{_key(k)} = {_scalar(v)}")
    for k, v in data.items():
        name = f"{prefix}.{_key(k)}" if prefix else _key(k)
        if isinstance(v, dict):
            out.append("")
            out.append(f"[{name}]")
            _write_table(v, name, out)
        elif _is_table_array(v):
            for item in v:
                out.append("")
                out.append(f"[[{name}]]")
                _write_table(item, name, out)


def dumps(data: dict[str, Any]) -> str:
    """Serialise a JSON-compatible mapping to TOML text."""
    out: list[str] = []
    _write_table(data, "", out)
    return "\n".join(out).strip() + "\n"
