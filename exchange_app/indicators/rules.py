"""The computed indicators: each ``Indicator.computed_rule`` names one rule function here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from exchange_app.promotions import queries as promotions
from exchange_app.youth import queries as youth


@dataclass(frozen=True)
class ComputedRule:
    """How a computed indicator counts its records for a year."""

    record_type: str  # what the ids are: "promotion", "participant"
    ids: Callable[[Session, int], list[int]]
    count: Callable[[Session, int], int]
    # How many different people the records are, for indicators that count participations:
    # of given records, and a year's participations with their people in one count.
    distinct: Callable[[Session, list[int]], int] | None = None
    participations: Callable[[Session, int], youth.Participations] | None = None


COMPUTED_RULES: dict[str, ComputedRule] = {
    "promotions_3b": ComputedRule(
        "promotion", promotions.promotions_3b_ids, promotions.promotions_3b_count
    ),
    "youth_5b": ComputedRule(
        "participant",
        youth.youth_5b_ids,
        youth.youth_5b_count,
        youth.distinct_persons,
        youth.youth_5b_participations,
    ),
}
