"""Changes between two editions: rank and score moves of the cities present in both, on one scale.

Ranks are each edition's own (what each would publish). Scores are made comparable by *rebasing on
the base edition*: both editions are normalised with goalposts fixed at the base edition's minimum
and maximum of every indicator (after imputation and outlier treatment), not truncated, and
aggregated with the same weights; the raw scores are then on the base edition's 0–100 scale. A city
whose values did not change keeps its score exactly, whatever other cities did, which a min-max
normalisation per edition cannot give (OECD/JRC 2008 Handbook, step 5; methods.md §1.2 goalposts
and §5 on comparability across editions).

What makes two editions less comparable is listed in the notes: cities added or removed,
indicators used in one edition only (left out of the rebased scores), and indicators whose outlier
treatment differs between the editions (their rebased values are on different transforms).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indexlib.io import write_folder
from indexlib.methodology import Methodology, Normalisation, Presentation, load_methodology
from indexlib.panel import Panel, read_panel
from indexlib.pipeline import build
from indexlib.publish.tables import csv_text
from indexlib.result import IndexResult
from indicators import Framework, load_framework
from indicators.errors import IndexlibWarning, SpecificationError

__all__ = ["EditionChanges", "edition_changes"]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _rank(value: float) -> str:
    """A rank as printed: whole ranks without a decimal point, half ranks (average ties) with one."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class EditionChanges:
    """Rank and score changes between ``base_year`` and ``year``.

    Attributes
    ----------
    table : DataFrame
        One row per city present in both editions, by rank in ``year``: ``city_id, city_en``, each
        edition's rank, ``rank_change`` (positive: moved up), the rebased overall score of each
        edition and ``score_change``, then ``<dimension>_change`` for every dimension (rebased).
    notes : tuple of str
        What limits the comparison (cities added or removed, indicators changed, treatments that differ).
    base, current : IndexResult
        Each edition's own build.
    """

    base_year: int
    year: int
    table: pd.DataFrame
    notes: tuple[str, ...]
    base: IndexResult
    current: IndexResult

    def to_text(self, top: int | None = 10) -> str:
        """The largest moves up and down, and the notes."""
        table = self.table
        lines = [f"Changes from {self.base_year} to {self.year}: {_plural(len(table), 'city', 'cities')} in both "
                 f"editions; scores rebased on {self.base_year} (0–100, goalposts fixed at its minimum and maximum)"]
        moved = table.sort_values(["rank_change", "city_id"], ascending=[False, True], kind="stable")
        for title, rows in (("largest moves up", moved[moved["rank_change"] > 0].head(top)),
                            ("largest moves down", moved[moved["rank_change"] < 0].iloc[::-1].head(top))):
            lines += ["", f"{title}:"] if len(rows) else []
            lines += [f"  {r.city_id}: rank {_rank(r[f'rank_{self.base_year}'])} → {_rank(r[f'rank_{self.year}'])} "
                      f"({'+' if r.rank_change > 0 else ''}{_rank(r.rank_change)}), "
                      f"score {r[f'score_{self.base_year}']:.2f} → "
                      f"{r[f'score_{self.year}']:.2f} ({r.score_change:+.2f})"
                      for _, r in rows.iterrows()]
        lines += [""] + [f"note: {note}" for note in self.notes]
        return "\n".join(lines) + "\n"

    def write(self, folder: str | Path) -> list[Path]:
        """Write ``changes.csv`` and ``changes.txt`` (complete or untouched: :func:`indexlib.io.write_folder`)."""
        files = {"changes.csv": csv_text(self.table), "changes.txt": self.to_text(top=None)}
        return write_folder(folder, files, owns=files)


def _edition(data: str | Path | pd.DataFrame | None, framework: Framework, year: int) -> Panel:
    return read_panel(data, framework, year=year)


def _quiet_build(panel: Any, methodology: Methodology, framework: Framework) -> IndexResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndexlibWarning)  # each edition's notes are kept in its result
        return build(panel, methodology, framework)


def edition_changes(data: str | Path | pd.DataFrame | None, base_year: int, year: int,
                    methodology: Methodology | str | Path | None = None,
                    framework: Framework | str | Path | None = None) -> EditionChanges:
    """Rank and score changes between two editions of a panel.

    Parameters
    ----------
    data : path, DataFrame or None
        A panel holding both years (its ``year`` or COINr ``Time`` column); ``None``: the packaged
        editions (:func:`city_data.available_years`).
    base_year, year : int
        The editions compared; scores are rebased on ``base_year``.
    methodology, framework
        As for :func:`indexlib.build`, the same for both editions. Rebasing needs min-max
        normalisation (the default), whose goalposts it fixes.

    Returns
    -------
    EditionChanges

    Raises
    ------
    SpecificationError
        The two years are equal, or the normalisation is not min-max.
    DataValidationError
        A year the panel does not hold (the message lists those it does).
    """
    if base_year == year:
        raise SpecificationError(f"the two editions are the same year ({year}); give two different years")
    meth = methodology if isinstance(methodology, Methodology) else load_methodology(methodology)
    fw = framework if isinstance(framework, Framework) else load_framework(framework)
    if meth.normalisation.method != "minmax":
        raise SpecificationError(f"comparing editions rebases min-max normalisation on the base year; the "
                                 f"methodology normalises by {meth.normalisation.method!r} (use 'minmax', the default)")
    base_panel, current_panel = _edition(data, fw, base_year), _edition(data, fw, year)
    base, current = _quiet_build(base_panel, meth, fw), _quiet_build(current_panel, meth, fw)
    notes: list[str] = []

    added = sorted(set(current.values.index) - set(base.values.index))
    removed = sorted(set(base.values.index) - set(current.values.index))
    if added:
        notes.append(f"{_plural(len(added), 'city', 'cities')} ranked in {year} but not in {base_year} (not "
                     f"compared): {', '.join(added[:20])}{' …' if len(added) > 20 else ''}")
    if removed:
        notes.append(f"{_plural(len(removed), 'city', 'cities')} ranked in {base_year} but not in {year} (not "
                     f"compared): {', '.join(removed[:20])}{' …' if len(removed) > 20 else ''}")
    common_indicators = [i for i in base.framework.indicator_ids if i in set(current.framework.indicator_ids)]
    changed = sorted(set(base.framework.indicator_ids) ^ set(current.framework.indicator_ids))
    if changed:
        notes.append(f"indicator(s) {changed} are used in one edition only and are left out of the rebased scores")
    treatments = [log.set_index("indicator_id")["action"] if len(log) else pd.Series(dtype=object)
                  for log in (base.treatment_log, current.treatment_log)]
    differing = sorted(i for i in common_indicators
                       if treatments[0].get(i, "none") != treatments[1].get(i, "none"))
    if differing:
        notes.append("outlier treatment differs between the editions for indicator(s) "
                     + ", ".join(f"{i} ({treatments[0].get(i, 'none')} in {base_year}, "
                                 f"{treatments[1].get(i, 'none')} in {year})" for i in differing)
                     + "; their rebased values are on different transforms")

    # Goalposts at the base edition's treated minimum and maximum; a constant indicator has none.
    treated = base.values[common_indicators]
    low, high = treated.min(), treated.max()
    posts = {i: (float(low[i]), float(high[i])) for i in common_indicators if high[i] > low[i]}
    rebased_framework = fw.without_indicators([i for i in fw.indicator_ids if i not in posts])
    rebased = meth.replace(
        normalisation=Normalisation(method="goalposts", goalposts=posts, truncate=False,
                                    range=meth.normalisation.range, on_constant=meth.normalisation.on_constant),
        presentation=Presentation(scale="none"),
    )
    scores = [_quiet_build(panel, rebased, rebased_framework).raw_scores for panel in (base_panel, current_panel)]

    common = [c for c in current.ranking["city_id"] if c in set(base.values.index)]  # by rank in `year`
    rank_base, rank_now = base.ranks[base.root].reindex(common), current.ranks[current.root].reindex(common)
    score_base, score_now = scores[0][fw.root].reindex(common), scores[1][fw.root].reindex(common)
    names = current.ranking.set_index("city_id")["city_en"].reindex(common)
    table = pd.DataFrame({
        "city_id": common,
        "city_en": names.to_numpy(),
        f"rank_{base_year}": rank_base.to_numpy(),
        f"rank_{year}": rank_now.to_numpy(),
        "rank_change": (rank_base - rank_now).to_numpy(),
        f"score_{base_year}": score_base.to_numpy(),
        f"score_{year}": score_now.to_numpy(),
        "score_change": (score_now - score_base).to_numpy(),
    })
    for dimension in rebased_framework.dimension_ids:
        table[f"{dimension}_change"] = (scores[1][dimension].reindex(common)
                                        - scores[0][dimension].reindex(common)).to_numpy()
    if np.isnan(table["score_change"].to_numpy(dtype=float)).any():
        notes.append("some cities have no rebased score in one edition (no data under a node)")
    return EditionChanges(base_year, year, table, tuple(notes), base, current)
