"""Wording of the messages every package prints: a count with its noun in the right number.

>>> plural(1, "city"), plural(2, "city"), plural(0, "indicator")
('1 city', '2 cities', '0 indicators')
"""

from __future__ import annotations

__all__ = ["plural"]

#: Plurals that adding "s" does not make (the nouns the messages count).
_IRREGULAR = {"city": "cities", "country": "countries", "is": "are", "has": "have", "it": "they"}


def plural(count: int, noun: str, plural_form: str | None = None, *, number: bool = True) -> str:
    """``count`` and ``noun`` in the singular for exactly 1, else in the plural: ``'1 city'``, ``'3 cities'``.

    Parameters
    ----------
    count : int
    noun : str
        The singular.
    plural_form : str, optional
        The plural, when neither :data:`_IRREGULAR` nor adding ``s`` gives it.
    number : bool, default=True
        Prefix the count (``False``: the word alone, e.g. a verb: ``plural(n, "is", number=False)``).
    """
    word = noun if count == 1 else plural_form or _IRREGULAR.get(noun, noun + "s")
    return f"{count:,} {word}" if number else word
