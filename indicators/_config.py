"""Reading configuration (frameworks, methodologies, weight schemes, analysis specs) from TOML/JSON,
with one way of turning pydantic's validation errors into one readable line per problem, and
:class:`ConfigModel`, the one base of every configuration model."""

from __future__ import annotations

import difflib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from indicators import _toml
from indicators.errors import IndexlibError

__all__ = ["did_you_mean", "validation_message", "parse_model", "load_text", "read_file", "read_input_bytes",
           "decode_utf8",
           "ConfigModel"]

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
    if not isinstance(path, (str, os.PathLike)):
        raise error(f"expected the path of a {what} file (.toml or .json); got {type(path).__name__} {path!r}")
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"toml", "json"}:
        raise error(f"{path}: a {what} file must be .toml or .json")
    raw = read_input_bytes(path, what=what, expected=f"a {what} file (.toml or .json)", error=error)
    text = decode_utf8(raw, path, expected=f"a UTF-8 encoded {fmt.upper()} {what} file", error=error)
    return load_text(text, fmt, source=str(path), error=error)


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` naming the valid name closest to ``name`` (difflib), or ``""``."""
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


ConfigT = TypeVar("ConfigT", bound="ConfigModel")


class ConfigModel(BaseModel):
    """Base of the configuration models (framework, methodology, weight scheme, uncertainty spec).

    Frozen, and unknown keys are refused, naming the closest valid key, so a typo in a file is an
    error, not a silently ignored setting. A subclass names the error its reading raises
    (:attr:`config_error`) and what its files are called (:attr:`config_kind`); every problem of a
    file is one line of that error, naming the file (or ``source``) and the key.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The :class:`~indicators.errors.IndexlibError` subclass raised for an invalid file or mapping.
    config_error: ClassVar[type[IndexlibError]] = IndexlibError
    #: What a file of this model is called in messages ("methodology", "weight scheme", …).
    config_kind: ClassVar[str] = "configuration"
    #: Whether :meth:`to_dict` leaves out optional settings that are unset (``None``).
    config_exclude_none: ClassVar[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        """A misspelt setting names the closest valid one (pydantic would only say "extra input")."""
        if isinstance(data, dict):
            for key in data:
                if key not in cls.model_fields:
                    raise ValueError(f"unknown setting {key!r}{did_you_mean(key, cls.model_fields)} "
                                     f"(valid: {', '.join(cls.model_fields)})")
        return data

    @classmethod
    def parse(cls: type[ConfigT], data: Mapping[str, Any], *, source: str | None = None) -> ConfigT:
        """Validate a mapping; every problem becomes one line of :attr:`config_error`."""
        return parse_model(cls, data, source=source or cls.config_kind, error=cls.config_error)

    @classmethod
    def from_toml(cls: type[ConfigT], text: str, *, source: str | None = None) -> ConfigT:
        """Read TOML text."""
        source = source or cls.config_kind
        return cls.parse(load_text(text, "toml", source=source, error=cls.config_error), source=source)

    @classmethod
    def from_json(cls: type[ConfigT], text: str, *, source: str | None = None) -> ConfigT:
        """Read JSON text."""
        source = source or cls.config_kind
        return cls.parse(load_text(text, "json", source=source, error=cls.config_error), source=source)

    @classmethod
    def from_file(cls: type[ConfigT], path: str | Path) -> ConfigT:
        """Read a ``.toml`` or ``.json`` file; messages name the file."""
        return cls.parse(read_file(path, what=cls.config_kind, error=cls.config_error), source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-compatible data (what :meth:`parse` reads back)."""
        return self.model_dump(mode="json", exclude_none=self.config_exclude_none)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_toml(self) -> str:
        return _toml.dumps(self._toml_data())

    def _toml_data(self) -> dict[str, Any]:
        # a subclass adapts what TOML cannot hold as JSON does (integer keys, infinity)
        return self.to_dict()

    def replace(self: ConfigT, **changes: Any) -> ConfigT:
        """A validated copy with top-level fields replaced."""
        data = self.model_dump()
        for key, value in changes.items():
            data[key] = value.model_dump() if isinstance(value, BaseModel) else value
        return type(self).parse(data)
