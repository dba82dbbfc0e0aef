"""Youth programmes and participants, and the indicator 5b rule."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from exchange_app.models import Participant, YouthProgram
from exchange_app.services.dates import fiscal_year_bounds


def youth_5b_statement(fiscal_year: int) -> Select[tuple[int]]:
    """Ids of the participations that indicator 5b counts for ``fiscal_year``.

    The rule: role ``youth``, resident of the city, status ``participated``, in a
    programme that is an exchange with a partner city or an international
    conference, whose start date falls in the fiscal year. 延べ: a person who
    takes part twice counts twice.
    """
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    return (
        select(Participant.id)
        .join(YouthProgram, Participant.program_id == YouthProgram.id)
        .where(
            Participant.role == "youth",
            Participant.resident.is_(True),
            Participant.status == "participated",
            or_(
                and_(
                    YouthProgram.kind == "partner_exchange",
                    YouthProgram.partner_city_id.is_not(None),
                ),
                YouthProgram.kind == "international_conference",
            ),
            YouthProgram.start_date >= first_day,
            YouthProgram.start_date <= last_day,
        )
        .order_by(YouthProgram.start_date, Participant.id)
    )


def youth_5b_ids(session: Session, fiscal_year: int) -> list[int]:
    """The participations counted toward 5b in ``fiscal_year``."""
    return list(session.scalars(youth_5b_statement(fiscal_year)))


def youth_5b_count(session: Session, fiscal_year: int) -> int:
    """Indicator 5b for ``fiscal_year``: participations counted (延べ)."""
    subquery = youth_5b_statement(fiscal_year).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def youth_5b_unique_persons(session: Session, fiscal_year: int) -> int:
    """How many different young people the 5b participations of ``fiscal_year`` are.

    A participation not linked to a person counts as its own person.
    """
    counted = youth_5b_statement(fiscal_year).order_by(None).subquery()
    person_key = func.coalesce(Participant.person_id, -Participant.id)
    return (
        session.scalar(
            select(func.count(func.distinct(person_key))).where(Participant.id.in_(select(counted)))
        )
        or 0
    )
