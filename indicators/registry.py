"""A small explicit registry: methods register themselves by name; unknown names list the valid ones.

Every kind of method (normalisers, aggregators, imputers, outlier rules, weighting methods) is a
:class:`Registry` of specs, each spec carrying its options as a :class:`MethodOptions` model that
:func:`parse_options` validates, so that a misspelt method or option names the closest valid one.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from indicators._config import did_you_mean, validation_message
from indicators.errors import SpecificationError, UnknownMethodError

T = TypeVar("T")
OptionsT = TypeVar("OptionsT", bound=BaseModel)

__all__ = ["Registry", "MethodOptions", "parse_options", "unknown_option_message"]


class MethodOptions(BaseModel):
    """Base of a registered method's options: unknown or misspelt options and inf/NaN are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def unknown_option_message(option: str, options: type[BaseModel], kind: str, method: str) -> str:
    """``unknown option 'x' of <kind> 'm'; did you mean 'y'? (valid options: …)``."""
    valid = list(options.model_fields)
    return (f"unknown option {option!r} of {kind} {method!r}{did_you_mean(option, valid)} "
            f"(valid options: {', '.join(valid) or 'none'})")


def parse_options(options: type[OptionsT], values: Mapping[str, Any], *, kind: str, method: str) -> OptionsT:
    """Validate ``values`` as the options model ``options`` of the ``kind`` method ``method``.

    Raises
    ------
    SpecificationError
        (a ``ValueError``) One line per problem; a misspelt option names the closest valid one.
    """
    unknown = [k for k in values if k not in options.model_fields]
    if unknown:
        raise SpecificationError(unknown_option_message(unknown[0], options, kind, method))
    try:
        return options.model_validate(dict(values))
    except ValidationError as exc:
        raise SpecificationError(validation_message(exc, f"{kind} {method!r}")) from None


class Registry(Generic[T]):
    """Name → object mapping with helpful errors.

    Parameters
    ----------
    kind : str
        What is registered ("normaliser", "aggregator", …), used in error messages.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator registering ``obj`` under ``name``; a name can be registered once."""

        def decorate(obj: T) -> T:
            if name in self._items:
                raise SpecificationError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = obj
            return obj

        return decorate

    def unregister(self, name: str) -> None:
        """Remove ``name`` (for a method registered only for a while, e.g. by a test)."""
        self.get(name)
        del self._items[name]

    def get(self, name: str) -> T:
        """Return the object registered as ``name`` or raise :class:`UnknownMethodError`."""
        try:
            return self._items[name]
        except KeyError:
            close = difflib.get_close_matches(str(name), self._items, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise UnknownMethodError(
                f"unknown {self.kind} {name!r}; valid names: {', '.join(sorted(self._items))}.{hint}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))
