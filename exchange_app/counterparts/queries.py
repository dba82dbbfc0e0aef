"""Reading counterparts: the directory, one person's encounters, a city's people."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from exchange_app.models import (
    Counterpart,
    CourtesyCall,
    Delegation,
    DelegationMember,
    Gift,
    PartnerCity,
)
from exchange_app.records.filters import ListFilters, in_city, parse_list_filters
from exchange_app.services.counterparts import active_counterparts, encounter_dates, name_matches
from exchange_app.youth.identity import comparable_reading, comparable_text

SORTS = ("name", "city")
DEFAULT_SORT = "name"


def parse_filters(args: Mapping[str, str]) -> ListFilters:
    """The directory's filters: search, partner city, organisation, sort."""
    return parse_list_filters(args, sorts=SORTS, default_sort=DEFAULT_SORT)


def list_statement(filters: ListFilters) -> Select[Counterpart]:
    """Counterparts not merged away, matching ``filters``, in the chosen order."""
    statement = (
        select(Counterpart)
        .where(Counterpart.merged_into_id.is_(None))
        .options(
            selectinload(Counterpart.posts),
            selectinload(Counterpart.partner_city),
            selectinload(Counterpart.organization),
        )
    )
    if filters.q:
        statement = statement.where(name_matches(filters.q))
    if filters.city:
        statement = statement.where(in_city(Counterpart.partner_city_id, filters.city))
    if filters.organization is not None:
        statement = statement.where(Counterpart.organization_id == filters.organization)
    if filters.sort_key == "city":
        statement = statement.outerjoin(
            PartnerCity, PartnerCity.id == Counterpart.partner_city_id
        )
        order = [PartnerCity.display_order.nulls_last(), Counterpart.name_local]
        if filters.descending:
            order = [item.desc() for item in order]
        return statement.order_by(*order, Counterpart.id)
    name = Counterpart.name_local.desc() if filters.descending else Counterpart.name_local
    return statement.order_by(name, Counterpart.id)


def last_met(session: Session, counterpart_ids: list[int]) -> dict[int, date]:
    """The latest date each counterpart was met (a visit, a call or a gift)."""
    if not counterpart_ids:
        return {}
    dates = encounter_dates()
    return {
        counterpart_id: on
        for counterpart_id, on in session.execute(
            select(dates.c.counterpart_id, func.max(dates.c.on))
            .where(dates.c.counterpart_id.in_(counterpart_ids))
            .group_by(dates.c.counterpart_id)
        )
    }


@dataclass(frozen=True)
class Encounter:
    """One time a counterpart was met: as a member of a visit, at a courtesy call, or in a
    gift given or received."""

    on: date
    delegation: Delegation
    kind: str  # "member", "courtesy_call" or "gift"
    text: str | None = None
    gift_direction: str | None = None


def encounters(session: Session, counterpart_id: int) -> list[Encounter]:
    """Every visit, meeting and gift of a counterpart over the years, newest first."""
    found: list[Encounter] = []
    for member, delegation in session.execute(
        select(DelegationMember, Delegation)
        .join(Delegation, Delegation.id == DelegationMember.delegation_id)
        .where(DelegationMember.counterpart_id == counterpart_id)
    ):
        found.append(Encounter(delegation.start_date, delegation, "member", member.title))
    for call, delegation in session.execute(
        select(CourtesyCall, Delegation)
        .join(Delegation, Delegation.id == CourtesyCall.delegation_id)
        .where(CourtesyCall.counterpart_id == counterpart_id)
    ):
        found.append(
            Encounter(
                call.visited_on or delegation.start_date,
                delegation,
                "courtesy_call",
                call.notes or call.visited,
            )
        )
    for gift, delegation in session.execute(
        select(Gift, Delegation)
        .join(Delegation, Delegation.id == Gift.delegation_id)
        .where(Gift.counterpart_id == counterpart_id)
    ):
        found.append(
            Encounter(
                gift.given_on or delegation.start_date,
                delegation,
                "gift",
                gift.description,
                gift.direction,
            )
        )
    order = {"member": 0, "courtesy_call": 1, "gift": 2}
    found.sort(key=lambda e: (e.on, e.delegation.id, -order[e.kind]), reverse=True)
    return found


def visits_of(found: list[Encounter]) -> list[Delegation]:
    """The distinct visits among ``found``, in its order."""
    return list({e.delegation.id: e.delegation for e in found}.values())


def get_counterpart(session: Session, counterpart_id: int) -> Counterpart | None:
    """One counterpart with its posts, city and organisation."""
    return session.scalars(
        select(Counterpart)
        .where(Counterpart.id == counterpart_id)
        .options(
            selectinload(Counterpart.posts),
            selectinload(Counterpart.partner_city),
            selectinload(Counterpart.organization),
        )
    ).one_or_none()


def _comparable_names(counterpart: Counterpart) -> set[str]:
    names = {
        comparable_text(counterpart.name_local),
        comparable_text(counterpart.name_romaji),
        comparable_reading(counterpart.name_kana),
    }
    return {name for name in names if name}


def possible_duplicates(session: Session, counterpart: Counterpart) -> list[Counterpart]:
    """Other active counterparts with the same name in one of its spellings (compared as
    young people's names are: NFKC, spaces and dots left out, kana as katakana)."""
    names = _comparable_names(counterpart)
    return [
        other
        for other in active_counterparts(session)
        if other.id != counterpart.id and names & _comparable_names(other)
    ]


def partner_section(*, session: Session, city: PartnerCity) -> dict[str, Any]:
    """The counterparts section of a partner city's page: its people, with their posts."""
    people = list(
        session.scalars(
            list_statement(ListFilters(default_sort=DEFAULT_SORT)).where(
                Counterpart.partner_city_id == city.id
            )
        )
    )
    return {"people": people, "last_met": last_met(session, [c.id for c in people])}
