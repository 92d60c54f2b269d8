"""The one reader of a polarity (the direction of an indicator) for frameworks, normalisers and weights.

A polarity says whether more of an indicator is better (``+1``) or worse (``-1``). The framework
files write it ``"+"``/``"-"``, COINr and numeric code ``1``/``-1``, and some data dictionaries
``"higher_is_better"``/``"lower_is_better"``; every caller reads all of them through
:func:`parse_polarity`, so a spelling valid in one place is valid in all.
"""

from __future__ import annotations

import numbers
from typing import Any

from indicators.errors import PolarityError

__all__ = ["POLARITY_SPELLINGS", "parse_polarity"]

_WORDS = {"+": 1, "-": -1, "higher_is_better": 1, "lower_is_better": -1}

#: The accepted spellings, for messages and documentation.
POLARITY_SPELLINGS = "+1/-1, '+'/'-', 'higher_is_better'/'lower_is_better'"


def parse_polarity(value: Any, *, where: str = "polarity") -> int:
    """``+1`` (more is better) or ``-1`` (more is worse) for one polarity value.

    Parameters
    ----------
    value : str or number
        ``"+"``, ``"higher_is_better"`` or a number equal to 1 give ``+1``; ``"-"``,
        ``"lower_is_better"`` or a number equal to -1 give ``-1``. A bool is refused: ``False``
        has no direction, so ``True`` is not read as one either.
    where : str, default "polarity"
        What the value is the polarity of, for the message, e.g. ``"polarity of indicator 'b'"``.

    Raises
    ------
    PolarityError
        Any other value; the message names ``where``, the value and the accepted spellings.

    Examples
    --------
    >>> parse_polarity("-"), parse_polarity(1.0), parse_polarity("higher_is_better")
    (-1, 1, 1)
    """
    if isinstance(value, str):
        sign = _WORDS.get(value)
        if sign is not None:
            return sign
    elif isinstance(value, numbers.Real) and not isinstance(value, bool) and value in (1, -1):
        return 1 if float(value) > 0 else -1
    raise PolarityError(f"{where} is {value!r}; use {POLARITY_SPELLINGS}")
