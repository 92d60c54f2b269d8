"""Reading configuration (frameworks, methodologies, weight schemes, analysis specs) from TOML/JSON,
with one way of turning pydantic's validation errors into one readable line per problem."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = ["validation_message", "parse_model", "load_text", "read_file", "read_input_bytes", "decode_utf8"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def _element_label(data: Any, loc: tuple[Any, ...]) -> str:
    """`` (indicator 'x')`` when ``loc`` goes through a list item carrying an ``id`` (nodes, indicators…)."""
    label, current, previous = "", data, None
    kinds = {"indicators": "indicator", "nodes": "node"}
    for key in loc:
        try:
            current = current[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(key, int) and isinstance(current, Mapping) and isinstance(current.get("id"), str):
            label = f" ({kinds.get(str(previous), 'id')} {current['id']!r})"
        previous = key
    return label


def validation_message(exc: ValidationError, source: str, data: Any = None) -> str:
    """One line per problem: ``source: field.path: what is wrong`` (duplicates removed).

    With the validated ``data``, a position in a list of elements also names the element's id, e.g.
    ``indicators.1.weight (indicator 'i2')``.
    """
    lines = []
    for err in exc.errors():
        # pydantic adds validator names to the location of union members; they mean nothing to a user
        loc = tuple(p for p in err["loc"] if not str(p).startswith(("function-", "literal[")))
        where = ".".join(str(p) for p in loc) + (_element_label(data, loc) if data is not None else "")
        message = err["msg"].removeprefix("Value error, ")
        lines.append(f"{source}: {where + ': ' if where else ''}{message}")
    return "\n".join(dict.fromkeys(lines))


def parse_model(model: type[ModelT], data: Mapping[str, Any], *, source: str, error: type[Exception]) -> ModelT:
    """Validate ``data`` as ``model``, raising ``error`` with :func:`validation_message`."""
    if not isinstance(data, Mapping):
        raise error(f"{source}: expected a table of settings, got {type(data).__name__}")
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise error(validation_message(exc, source, data)) from None


def load_text(text: str, fmt: str, *, source: str, error: type[Exception]) -> dict[str, Any]:
    """Parse TOML or JSON text into a mapping, raising ``error`` naming ``source`` on bad syntax."""
    try:
        data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{source}: not valid {fmt.upper()}: {exc}") from None
    if not isinstance(data, dict):
        raise error(f"{source}: expected a {fmt.upper()} object (a table of settings) at the top level")
    return data


def read_input_bytes(path: Path, *, what: str, expected: str, error: type[Exception]) -> bytes:
    """The bytes of an input file; a missing file, a folder or an unreadable file raise ``error``
    naming the path and what was expected (the input is only read, never modified)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: {what} file not found") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder; expected {expected}") from None
    except OSError as exc:  # permission denied, I/O error…
        raise error(f"{path}: cannot read the {what} file: {exc.strerror or exc}") from None


def decode_utf8(raw: bytes, path: Path, *, expected: str, error: type[Exception]) -> str:
    """UTF-8 text (a BOM, which Windows editors write, is not content); otherwise ``error`` naming the
    line and the offending byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        byte = raw[exc.start:exc.start + 1].hex().upper()
        raise error(f"{path}, line {line}: not UTF-8 text (byte 0x{byte} at offset {exc.start}); expected "
                    f"{expected}") from None


def read_file(path: str | Path, *, what: str, error: type[Exception]) -> dict[str, Any]:
    """Read a ``.toml`` or ``.json`` file into a mapping; errors name the file and say what was expected."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"toml", "json"}:
        raise error(f"{path}: a {what} file must be .toml or .json")
    raw = read_input_bytes(path, what=what, expected=f"a {what} file (.toml or .json)", error=error)
    text = decode_utf8(raw, path, expected=f"a UTF-8 encoded {fmt.upper()} {what} file", error=error)
    return load_text(text, fmt, source=str(path), error=error)
