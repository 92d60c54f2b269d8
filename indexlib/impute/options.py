"""Which settings of :class:`~indexlib.methodology.MissingData` each imputation method reads.

Plain data with no imports, so that the methodology can check its settings against it while the
imputation methods (which import the methodology) are themselves being imported.
"""

from __future__ import annotations

__all__ = ["IMPUTATION_OPTIONS"]

#: method name → the settings it reads (a setting changed from its default for another method is an
#: error, never ignored). Every method of :data:`indexlib.impute.methods.IMPUTATION_METHODS` is a key.
IMPUTATION_OPTIONS: dict[str, tuple[str, ...]] = {
    "none": (), "mean": (), "median": (),
    "group_median": ("groups", "min_values", "min_distinct", "max_copies"),
    "knn": ("neighbours",), "iterative": ("seed",), "nearest": ("neighbours", "min_same_country"),
}
