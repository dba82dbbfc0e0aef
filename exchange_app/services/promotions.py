"""Promotions through the international network, and the indicator 3b rule."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from exchange_app.models import Promotion
from exchange_app.services.dates import fiscal_year_bounds


def promotions_3b_statement(fiscal_year: int) -> Select[tuple[int]]:
    """Ids of the promotions that indicator 3b counts for ``fiscal_year``.

    The rule: ``counts_toward_3b`` is set and the (first) date falls in the fiscal
    year, so a promotion spanning March and April counts once, in the year it starts.
    """
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    return (
        select(Promotion.id)
        .where(
            Promotion.counts_toward_3b.is_(True),
            Promotion.start_date >= first_day,
            Promotion.start_date <= last_day,
        )
        .order_by(Promotion.start_date, Promotion.id)
    )


def promotions_3b_ids(session: Session, fiscal_year: int) -> list[int]:
    """The promotions counted toward 3b in ``fiscal_year``."""
    return list(session.scalars(promotions_3b_statement(fiscal_year)))


def promotions_3b_count(session: Session, fiscal_year: int) -> int:
    """Indicator 3b for ``fiscal_year``: the number of counted promotions."""
    subquery = promotions_3b_statement(fiscal_year).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0
