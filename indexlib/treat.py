"""Outlier treatment by the JRC rule (COINr ``Treat`` defaults; methods.md §1.3).

For each indicator: skewness G1 (adjusted Fisher–Pearson, ``scipy.stats.skew(bias=False)``) and excess
kurtosis G2 (``scipy.stats.kurtosis(bias=False)``). The indicator passes when ``|G1| < 2`` or
``G2 < 3.5``. Otherwise winsorise: on the side of the skew, set the extreme value (all ties together)
to the next value inward, re-test, and stop on a pass or when ``max_winsorised`` points have been
moved. If it still fails, revert to the original values and log-transform:
``log_ct``: ``ln(x − min + 0.01 (max − min))``; ``log_ct_plus`` additionally mirrors it for negative
skew, ``−ln(max + 0.01 (max − min) − x)``, so the order of the values is preserved.

The limit counts *distinct* points moved (methods.md §1.3): a point already winsorised that moves again
with the next step is not counted twice, and a tie group moves and counts together. This is COINr's
``nwin``: the size of the tie group now at the treated extreme, which holds every point moved before.
An indicator that still fails the rule after the log transform is reported (``passes_after`` False).

References: OECD/JRC (2008) Handbook, §3; Becker et al., COINr 1.1 ``winsorise``/``log_CT``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from indicators.registry import MethodOptions, Registry, parse_options

__all__ = ["passes_rule", "skew_kurtosis", "treat_indicator", "treat_outliers", "JrcOptions", "NoTreatmentOptions",
           "OutlierRuleSpec", "OUTLIER_RULES"]


def skew_kurtosis(x: np.ndarray) -> tuple[float, float]:
    """Adjusted sample skewness G1 and excess kurtosis G2 of the non-missing values.

    .. math:: G_1 = \\frac{\\sqrt{n(n-1)}}{n-2}\\,\\frac{m_3}{m_2^{3/2}},\\qquad
              G_2 = \\frac{(n-1)\\,[(n+1)(m_4/m_2^2 - 3) + 6]}{(n-2)(n-3)}

    with central moments :math:`m_k`; equal to ``scipy.stats.skew(x, bias=False)`` and
    ``scipy.stats.kurtosis(x, bias=False)`` (e1071 type 2, as COINr), written out because the
    scipy wrappers cost more than the whole rest of a build. NaN below 4 values or for a constant.
    The values are sorted first, so that the sums, and hence a pass or fail at a threshold, do not
    depend on the order of the cities.
    """
    x = np.sort(x)
    x = x[:np.searchsorted(x, np.nan)]  # NaN sort last
    n = x.size
    if n < 4:
        return float("nan"), float("nan")
    if x[-1] - x[0] == 0:  # the range of the sorted values
        return float("nan"), float("nan")
    d = x - x.mean()
    # G1 and G2 are scale-free: deviations scaled to at most 1 keep m2**1.5 and m2**2 from underflowing
    # to 0 for tiny spreads (values near 1e-100) and d**4 from overflowing for huge ones; the deviations
    # are sorted, so the largest in size is the first or the last
    d = d / np.abs(d[[0, -1]]).max()
    m2 = float(np.mean(d * d))
    if m2 <= 1e-300:
        return float("nan"), float("nan")
    d2 = d * d  # products, not powers: ``d**3`` and ``d**4`` cost many times more
    m3 = float(np.mean(d2 * d))
    m4 = float(np.mean(d2 * d2))
    g1 = m3 / m2**1.5
    g2 = m4 / m2**2 - 3.0
    skew = np.sqrt(n * (n - 1.0)) / (n - 2.0) * g1
    kurtosis = (n - 1.0) * ((n + 1.0) * g2 + 6.0) / ((n - 2.0) * (n - 3.0))
    return float(skew), float(kurtosis)


def passes_rule(skew: float, kurtosis: float, skew_threshold: float, kurtosis_threshold: float) -> bool:
    """The JRC rule: pass when ``|skew| < skew_threshold`` or ``kurtosis < kurtosis_threshold``
    (an indicator too short or constant to have a skew, NaN, passes)."""
    if np.isnan(skew):
        return True
    return abs(skew) < skew_threshold or kurtosis < kurtosis_threshold


def treat_indicator(
    x: np.ndarray,
    *,
    skew_threshold: float = 2.0,
    kurtosis_threshold: float = 3.5,
    max_winsorised: int = 5,
    log_transform: str = "log_ct_plus",
) -> tuple[np.ndarray, dict[str, object], np.ndarray]:
    """Treat one indicator (1-D, NaN allowed and kept).

    Returns
    -------
    treated : ndarray
    record : dict
        ``skew_before, kurtosis_before, action ('none'|'winsorised'|'log'), points, skew_after,
        kurtosis_after, passes_after``; ``points`` is the number of distinct values changed.
    flags : ndarray of str
        Per value: '' untouched, 'winsorised_high', 'winsorised_low' or the log transform's name.
    """
    original = np.asarray(x, dtype=float)
    skew0, kurt0 = skew_kurtosis(original)
    if passes_rule(skew0, kurt0, skew_threshold, kurtosis_threshold):
        return original, _untreated(skew0, kurt0), np.full(original.shape, "", dtype=object)
    return _treat_failing(original, skew0, kurt0, skew_threshold=skew_threshold,
                          kurtosis_threshold=kurtosis_threshold, max_winsorised=max_winsorised,
                          log_transform=log_transform)


def _untreated(skew: float, kurtosis: float) -> dict[str, object]:
    """The record of an indicator that passes the rule as it is."""
    return {"skew_before": skew, "kurtosis_before": kurtosis, "action": "none", "points": 0,
            "skew_after": skew, "kurtosis_after": kurtosis, "passes_after": True}


def _treat_failing(original: np.ndarray, skew0: float, kurt0: float, *, skew_threshold: float,
                   kurtosis_threshold: float, max_winsorised: int, log_transform: str
                   ) -> tuple[np.ndarray, dict[str, object], np.ndarray]:
    """:func:`treat_indicator` of an indicator failing the rule, its skew and kurtosis ``skew0``, ``kurt0``."""
    record: dict[str, object] = {"skew_before": skew0, "kurtosis_before": kurt0, "action": "none", "points": 0}
    flags = np.full(original.shape, "", dtype=object)
    treated = original.copy()
    moved = 0
    skew, kurt = skew0, kurt0
    while moved < max_winsorised and not passes_rule(skew, kurt, skew_threshold, kurtosis_threshold):
        present = treated[~np.isnan(treated)]
        high_side = skew >= 0
        extreme = present.max() if high_side else present.min()
        rest = present[present != extreme]
        if rest.size == 0:
            break
        positions = np.flatnonzero(treated == extreme)
        treated[positions] = rest.max() if high_side else rest.min()
        flags[positions] = "winsorised_high" if high_side else "winsorised_low"
        # Distinct points moved so far: the tie group just moved contains the points moved before.
        moved = int(np.count_nonzero(flags != ""))
        skew, kurt = skew_kurtosis(treated)
    if passes_rule(skew, kurt, skew_threshold, kurtosis_threshold):
        record.update(action="winsorised", points=moved, skew_after=skew, kurtosis_after=kurt, passes_after=True)
        return treated, record, flags
    # Winsorising up to the limit was not enough: revert and log-transform the original values.
    low, high = np.nanmin(original), np.nanmax(original)
    offset = 0.01 * (high - low)
    if log_transform == "log_ct_plus" and skew0 < 0:
        logged = -np.log(high + offset - original)
    else:
        logged = np.log(original - low + offset)
    flags = np.where(np.isnan(original), "", log_transform).astype(object)
    skew, kurt = skew_kurtosis(logged)
    record.update(action="log", points=int(np.sum(~np.isnan(original))), transform=log_transform,
                  skew_after=skew, kurtosis_after=kurt,
                  passes_after=passes_rule(skew, kurt, skew_threshold, kurtosis_threshold))
    return logged, record, flags


def treat_outliers(values: pd.DataFrame, *, skew_threshold: float = 2.0, kurtosis_threshold: float = 3.5,
                   max_winsorised: int = 5, log_transform: str = "log_ct_plus"
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Apply :func:`treat_indicator` to every column.

    Returns the treated values, a log with one row per indicator, and the per-cell flags. Only the
    columns failing the rule are copied cell by cell: the others keep their values and empty flags.
    """
    data = values.to_numpy(dtype=float)
    treated = data.copy(order="K")  # a frame's values are stored column by column: so are these
    flags = np.empty(data.shape[::-1], dtype=object).T  # column by column too
    flags.fill("")  # a third of numpy.full's time for objects
    rows = []
    for j, column in enumerate(values.columns):
        skew, kurtosis = skew_kurtosis(data[:, j])
        if passes_rule(skew, kurtosis, skew_threshold, kurtosis_threshold):
            record = _untreated(skew, kurtosis)
        else:
            treated[:, j], record, flags[:, j] = _treat_failing(
                data[:, j], skew, kurtosis, skew_threshold=skew_threshold, kurtosis_threshold=kurtosis_threshold,
                max_winsorised=max_winsorised, log_transform=log_transform,
            )
        rows.append({"indicator_id": column, **record})
    log = pd.DataFrame(rows, columns=["indicator_id", "skew_before", "kurtosis_before", "action", "points",
                                      "transform", "skew_after", "kurtosis_after",
                                      "passes_after"])
    return (pd.DataFrame(treated, index=values.index, columns=values.columns, copy=False), log,
            pd.DataFrame(flags, index=values.index, columns=values.columns, dtype=object,
                         copy=False))  # object, as untreated builds have


# ---------------------------------------------------------------------------------------------- registry
class NoTreatmentOptions(MethodOptions):
    """The rule ``none`` has no options."""


class JrcOptions(MethodOptions):
    """Options of the JRC rule (COINr ``Treat`` defaults)."""

    skew_threshold: float = Field(2.0, gt=0, description="Treat when |skew| >= this (and kurtosis high).")
    kurtosis_threshold: float = Field(3.5, description="Treat when excess kurtosis >= this (and |skew| high).")
    max_winsorised: int = Field(5, ge=0, description="At most this many distinct points winsorised.")
    log_transform: Literal["log_ct", "log_ct_plus"] = Field(
        "log_ct_plus", description="Transform when winsorising fails ('log_ct_plus' mirrors it for negative skew).")


@dataclass(frozen=True)
class OutlierRuleSpec:
    """A registered outlier rule: ``treat(values, options) -> (treated, log, flags)`` as
    :func:`treat_outliers` returns them (None for ``none``: values unchanged), and its options model."""

    name: str
    treat: Callable[[pd.DataFrame, Any], tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] | None
    options: type[MethodOptions] = NoTreatmentOptions
    description: str = ""

    def parse_options(self, values: Mapping[str, Any]) -> MethodOptions:
        """Validate ``values`` as this rule's options (``ValueError`` naming a misspelt option)."""
        return parse_options(self.options, values, kind="outlier rule", method=self.name)


def _jrc(values: pd.DataFrame, options: JrcOptions) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return treat_outliers(values, skew_threshold=options.skew_threshold,
                          kurtosis_threshold=options.kurtosis_threshold, max_winsorised=options.max_winsorised,
                          log_transform=options.log_transform)


OUTLIER_RULES: Registry[OutlierRuleSpec] = Registry("outlier rule")
OUTLIER_RULES.register("none")(OutlierRuleSpec("none", None, description="No treatment."))
OUTLIER_RULES.register("jrc")(OutlierRuleSpec(
    "jrc", _jrc, JrcOptions, description="Winsorise up to max_winsorised points, else log-transform, while "
                                         "|skew| >= skew_threshold and kurtosis >= kurtosis_threshold."))
