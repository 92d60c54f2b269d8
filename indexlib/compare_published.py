"""How our build's ranking compares with the report's published ranking — reported as it is.

Nothing here feeds back into the build: values and methods are never adjusted to move the ranking
toward the published one. The comparison is over the cities present in both rankings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from indexlib.agreement import rank_agreement
from indexlib.rank import rank_dtype
from indexlib.result import IndexResult
from indicators.errors import DataValidationError

__all__ = ["PublishedComparison", "compare_with_published"]


@dataclass(frozen=True)
class PublishedComparison:
    """Agreement between a build and a published ranking.

    Attributes
    ----------
    year : int
    cities : int
        Cities in both rankings.
    spearman, kendall : float
        Rank correlations (Spearman's rho, Kendall's tau-b) of our rank and the published rank.
    top10_overlap : int
        Cities ranked ≤ 10 in both rankings (:func:`indexlib.agreement.rank_agreement`).
    ranks : DataFrame
        ``city_id, city_en, rank, published_rank, rank_difference`` (ours − published) and our
        dimension ranks, by published rank.
    largest_differences : DataFrame
        The 10 cities with the largest absolute rank difference, with their dimension profile.
    dimensions : DataFrame
        Published dimension scores beside ours where the report publishes them.
    """

    year: int
    cities: int
    spearman: float
    kendall: float
    top10_overlap: int
    ranks: pd.DataFrame
    largest_differences: pd.DataFrame
    dimensions: pd.DataFrame


def compare_with_published(result: IndexResult, year: int | None = None) -> PublishedComparison:
    """Compare ``result`` with the ranking the report published for ``year`` (default: the packaged
    edition, :data:`city_data.EDITION`)."""
    import city_data

    year = city_data.EDITION if year is None else year
    published = city_data.published(year)
    ours = result.ranking
    merged = ours.merge(published[["city_id", "rank", "score"]].rename(
        columns={"rank": "published_rank", "score": "published_score"}), on="city_id", how="inner")
    if len(merged) < 3:
        raise DataValidationError(
            f"{result.panel.source}: only {len(merged)} of its ranked cities are in the published {year} ranking; "
            "at least 3 are needed to compare rankings (city ids must match city_data.cities())"
        )
    merged["rank_difference"] = merged["rank"].astype(int) - merged["published_rank"].astype(int)
    agreement = rank_agreement(merged["published_rank"].to_numpy(), merged["rank"].to_numpy(), k=10)
    dimension_ids = result.framework.dimension_ids
    columns = ["city_id", "city_en", "rank", "published_rank", "rank_difference", "score", "published_score"]
    ranks = merged[columns + [f"{d}_rank" for d in dimension_ids]].sort_values("published_rank")
    order = merged["rank_difference"].abs().sort_values(ascending=False, kind="stable").index[:10]
    largest = merged.loc[order, ["city_id", "rank", "published_rank", "rank_difference", *dimension_ids]]
    facts = city_data.published_dimensions(year)
    facts = facts[facts["dimension_id"].isin(dimension_ids)].copy()
    our_scores = result.scores[dimension_ids]
    our_ranks = result.ranks[dimension_ids]
    facts["our_score"] = [our_scores.at[c, d] if c in our_scores.index else np.nan
                          for c, d in zip(facts["city_id"], facts["dimension_id"])]
    facts["our_rank"] = [our_ranks.at[c, d] if c in our_ranks.index else np.nan
                         for c, d in zip(facts["city_id"], facts["dimension_id"])]
    facts["our_rank"] = facts["our_rank"].astype(rank_dtype(result.methodology.ties))
    facts = facts.rename(columns={"rank": "published_rank", "score": "published_score"})
    dimensions = facts[["dimension_id", "city_id", "published_rank", "our_rank", "published_score", "our_score"]]
    return PublishedComparison(year, len(merged), agreement["spearman"], agreement["kendall"],
                               agreement["top_k_overlap"],
                               ranks.reset_index(drop=True), largest.reset_index(drop=True),
                               dimensions.reset_index(drop=True))
