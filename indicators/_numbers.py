"""Numbers from text, read exactly: one parser for every reader of values (panels, attributes, sources).

``pandas.to_numeric`` before pandas 3.0 misreads about a third of decimal literals by one unit in
the last place, and ``read_csv`` does too unless given ``float_precision="round_trip"``; a value must
read back as the double nearest its decimal text, whatever the pandas version.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["EXACT_CSV", "to_floats"]

#: ``read_csv`` options that read every float column exactly: pandas 3's default parser is exact (and
#: deprecates ``float_precision``); before it, the round-trip parser is needed.
EXACT_CSV: dict[str, str] = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def to_floats(values: Any) -> np.ndarray:
    """The nearest doubles to ``values`` (text or numbers); NaN where a value is not a number.

    pandas decides which values are numbers (its rules: no thousands separators, ``inf`` and
    exponents accepted); Python's ``float`` (or numpy's parser), correctly rounding, reads them.

    Examples
    --------
    >>> to_floats(["0.1", "2.5e3", "", "abc", 7]).tolist()
    [0.1, 2500.0, nan, nan, 7.0]
    """
    if isinstance(values, pd.Series) and values.dtype != object and pd.api.types.is_string_dtype(values.dtype):
        # a string column (a file's cells): stripped by one vectorised call in its own storage
        text = pd.Series(values.str.strip().to_numpy(dtype=object, na_value=""), dtype=object)
    else:
        series = pd.Series(values, dtype=object).reset_index(drop=True)
        if pd.api.types.infer_dtype(series, skipna=False) in ("string", "empty"):
            text = series.str.strip() if len(series) else series
        else:
            text = series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else
                              (repr(v) if isinstance(v, float) else str(v)).strip())
    filled = (text != "").to_numpy(dtype=bool)
    numbers = np.array(pd.to_numeric(text.where(filled, None), errors="coerce"), dtype=np.float64)
    # pandas before 3.0 coerces a literal beyond the float range ('1e999') to NaN, not ±inf; the
    # pattern is matched on the unparsed cells only
    unparsed = np.flatnonzero(np.isnan(numbers) & filled)
    if unparsed.size:
        overflow = text.iloc[unparsed].str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+").to_numpy(dtype=bool)
        numbers[unparsed[overflow]] = 0.0  # read below, with the other numbers
    parsed = ~np.isnan(numbers)
    chosen = text.to_numpy(dtype=object)[parsed].tolist()
    try:  # Python's float() rounds correctly, and maps over a list faster than numpy parses text
        numbers[parsed] = np.fromiter(map(float, chosen), dtype=np.float64, count=len(chosen))
    except ValueError:  # a form pandas accepts and Python does not: numpy's parser
        numbers[parsed] = np.asarray(np.array(chosen, dtype=str), dtype=np.float64)
    return numbers
