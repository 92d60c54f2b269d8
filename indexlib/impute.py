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
        filled = values.copy()
        todo = missing.copy()
        for group, needed in zip(groups, min_values):
            if group not in attributes.columns:
                raise SpecificationError(
                    f"group_median imputation uses the city attribute {group!r}, which the panel does not have; "
                    f"available attributes: {list(attributes.columns)}"
                )
            labels = attributes[group].reindex(values.index)
            unlabelled = labels.isna() | (labels.astype(str).str.strip() == "")
            grouped = values.groupby(labels.where(~unlabelled, "\x00unlabelled"))
            median = grouped.transform("median")
            count = grouped.transform("count")
            usable = todo & (count >= needed) & ~pd.DataFrame(
                np.repeat(unlabelled.to_numpy()[:, None], values.shape[1], axis=1), index=values.index,
                columns=values.columns)
            filled = filled.mask(usable, median)
            described = count.astype(int).astype(str).radd(f"median of {group} (").add(" cities)")
            rules = rules.mask(usable, described)
            todo = todo & ~usable
        if todo.to_numpy().any():
            filled = filled.mask(todo, values.median(), axis=1)
            rules = rules.mask(todo, "median of all cities")
    else:
        raise SpecificationError(f"unknown imputation method {method!r}")
    stacked = missing.stack()
    cells = stacked[stacked].index
    log = pd.DataFrame({
        "city_id": [c for c, _ in cells],
        "indicator_id": [i for _, i in cells],
        "value": [filled.at[c, i] for c, i in cells],
        "rule": [rules.at[c, i] for c, i in cells],
    })
    return filled, log
