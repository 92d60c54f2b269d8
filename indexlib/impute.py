"""Missing-data imputation: cross-city mean or median, or group median with fallbacks.

Group median (the 2025 default): a missing value is replaced by the median of the other cities of
the same group that have a value — trying the groups in order (country, then continent) and taking
the first with at least ``min_values`` values — else by the median of all cities. Every imputed
cell is recorded with the rule that filled it (OECD/JRC 2008 Handbook, §3; COINr ``i_median_grp``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.errors import SpecificationError

__all__ = ["impute"]


def impute(values: pd.DataFrame, method: str, *, attributes: pd.DataFrame | None = None,
           groups: Sequence[str] = (), min_values: Sequence[int] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing cells.

    Returns
    -------
    filled : DataFrame
    log : DataFrame
        One row per imputed cell: ``city_id, indicator_id, value, rule``.
    """
    missing = values.isna()
    if method == "none" or not missing.to_numpy().any():
        return values.copy(), pd.DataFrame(columns=["city_id", "indicator_id", "value", "rule"])
    rules = pd.DataFrame("", index=values.index, columns=values.columns, dtype=object)
    if method in ("mean", "median"):
        fill = values.mean() if method == "mean" else values.median()
        filled = values.fillna(fill)
        rules = rules.mask(missing, f"{method} of all cities")
    elif method == "group_median":
        if attributes is None:
            raise SpecificationError("group_median imputation needs city attributes (e.g. country, continent)")
        data = values.to_numpy(dtype=float)
        filled_array = data.copy()
        rule_array = rules.to_numpy(copy=True)
        todo = np.isnan(data)
        for group, needed in zip(groups, min_values):
            if group not in attributes.columns:
                raise SpecificationError(
                    f"group_median imputation uses the city attribute {group!r}, which the panel does not have; "
                    f"available attributes: {list(attributes.columns)}"
                )
            labels = attributes[group].reindex(values.index).astype(object)
            codes, _ = pd.factorize(labels.where(labels.astype(str).str.strip() != "", None), use_na_sentinel=True)
            for code in np.unique(codes[codes >= 0]):
                members = codes == code
                block = data[members]
                count = np.sum(~np.isnan(block), axis=0)
                usable = todo & members[:, None] & (count >= needed)[None, :]
                if not usable.any():
                    continue
                with np.errstate(all="ignore"):
                    median = np.nanmedian(np.where(count > 0, block, 0.0), axis=0)
                rows, columns = np.nonzero(usable)
                filled_array[rows, columns] = median[columns]
                rule_array[rows, columns] = [f"median of {group} ({count[c]} cities)" for c in columns]
                todo &= ~usable
        if todo.any():
            overall = np.nanmedian(data, axis=0)
            rows, columns = np.nonzero(todo)
            filled_array[rows, columns] = overall[columns]
            rule_array[rows, columns] = "median of all cities"
        filled = pd.DataFrame(filled_array, index=values.index, columns=values.columns)
        rules = pd.DataFrame(rule_array, index=values.index, columns=values.columns)
    else:
        raise SpecificationError(f"unknown imputation method {method!r}")
    rows, columns = np.nonzero(missing.to_numpy())
    log = pd.DataFrame({
        "city_id": values.index.to_numpy()[rows],
        "indicator_id": values.columns.to_numpy()[columns],
        "value": filled.to_numpy()[rows, columns],
        "rule": rules.to_numpy()[rows, columns],
    })
    return filled, log
