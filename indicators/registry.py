"""A small explicit registry: methods register themselves by name; unknown names list the valid ones."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from indicators.errors import SpecificationError, UnknownMethodError

T = TypeVar("T")

__all__ = ["Registry"]


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
