"""Missing-data imputation (:mod:`~indexlib.impute.methods`) and its cross-validated accuracy
(:mod:`~indexlib.impute.check`, ``indexlib impute-check``)."""

from indexlib.impute.check import ImputationCheck, check_imputation
from indexlib.impute.methods import LOG_COLUMNS, filling_methods, haversine_km, impute, summary_note

__all__ = ["impute", "filling_methods", "LOG_COLUMNS", "haversine_km", "summary_note", "check_imputation",
           "ImputationCheck"]
