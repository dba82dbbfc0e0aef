"""How other records point at a counterpart person (the rows of a delegation link to one),
and the counterparts that can be chosen.

Kept out of the counterparts feature so that the delegation's declaration can name it
without importing the organisations the counterpart's declaration depends on.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, selectinload

from exchange_app.models import (
    Counterpart,
    CounterpartPost,
    CourtesyCall,
    Delegation,
    DelegationMember,
    Gift,
    PartnerCity,
)
from exchange_app.records.fields import Reference
from exchange_app.records.filters import text_matches


def counterpart_label(counterpart: Counterpart, language: str) -> str:
    """A counterpart as one line: name, romaji, current title and city or organisation."""
    name = counterpart.name_local
    if counterpart.name_romaji:
        name = f"{name} ({counterpart.name_romaji})"
    post = counterpart.current_post
    where = (
        counterpart.partner_city.name(language)
        if counterpart.partner_city is not None
        else counterpart.organization.name(language)
        if counterpart.organization is not None
        else None
    )
    details = [part for part in (post.title if post else None, where) if part]
    return f"{name} — {' · '.join(details)}" if details else name


def active_counterparts(session: Session) -> list[Counterpart]:
    """Counterparts that can be linked (merged ones are not): by city, then name."""
    return list(
        session.scalars(
            select(Counterpart)
            .outerjoin(PartnerCity, PartnerCity.id == Counterpart.partner_city_id)
            .where(Counterpart.merged_into_id.is_(None))
            .options(
                selectinload(Counterpart.posts),
                selectinload(Counterpart.partner_city),
                selectinload(Counterpart.organization),
            )
            .order_by(
                PartnerCity.display_order.nulls_last(), Counterpart.name_local, Counterpart.id
            )
        )
    )


def name_matches(text: str) -> ColumnElement[bool]:
    """A counterpart whose names, posts or notes hold ``text`` (the directory's search, and
    the delegation list's)."""
    return or_(
        text_matches(
            text,
            Counterpart.name_local,
            Counterpart.name_romaji,
            Counterpart.name_kana,
            Counterpart.notes,
        ),
        exists().where(
            CounterpartPost.counterpart_id == Counterpart.id,
            text_matches(text, CounterpartPost.title, CounterpartPost.organization),
        ),
    )


def encounter_dates() -> Any:
    """(counterpart_id, delegation_id, date) of every member, courtesy call and gift linked
    to a counterpart: the date of the call or gift, else the visit's start."""
    parts = []
    for model, own_date in (
        (DelegationMember, None),
        (CourtesyCall, CourtesyCall.visited_on),
        (Gift, Gift.given_on),
    ):
        on = Delegation.start_date if own_date is None else func.coalesce(
            own_date, Delegation.start_date
        )
        parts.append(
            select(
                model.counterpart_id.label("counterpart_id"),
                model.delegation_id.label("delegation_id"),
                on.label("on"),
            )
            .join(Delegation, Delegation.id == model.delegation_id)
            .where(model.counterpart_id.is_not(None))
        )
    return union_all(*parts).subquery()


def _counterpart_options(session: Session, language: str) -> list[tuple[int, str]]:
    return [(c.id, counterpart_label(c, language)) for c in active_counterparts(session)]


COUNTERPART = Reference(
    model=Counterpart,
    options=_counterpart_options,
    label=counterpart_label,
    not_offered_message=_l("Choose a counterpart person from the list."),
    unknown_message=lambda value: _("No counterpart person has the number %(value)s.", value=value),
)
