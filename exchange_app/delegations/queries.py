"""Reading delegations: the filtered list, its totals, one visit, a partner city's visits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from exchange_app.models import (
    Counterpart,
    CourtesyCall,
    Delegation,
    DelegationField,
    DelegationMember,
    Gift,
    PartnerCity,
    delegation_leading_projects,
)
from exchange_app.records.filters import (
    ListFilters,
    in_city,
    in_fiscal_year,
    parse_list_filters,
    text_matches,
    with_leading_project,
)
from exchange_app.services.counterparts import name_matches
from exchange_app.services.dates import fiscal_year_of
from exchange_app.vocab import Direction, ExchangeField

SORTS = ("date", "city", "size")
DEFAULT_SORT = "-date"


def parse_filters(args: Mapping[str, str]) -> ListFilters:
    """The delegation list's filters from a query string."""
    return parse_list_filters(
        args,
        sorts=SORTS,
        default_sort=DEFAULT_SORT,
        vocabularies={"direction": Direction, "field": ExchangeField},
    )


def search_matches(text: str) -> ColumnElement[bool]:
    """The list search: the visit's own text, its members, courtesy calls and gifts, and
    the people of the directory its rows link to."""
    people = select(Counterpart.id).where(name_matches(text))
    return or_(
        text_matches(
            text,
            Delegation.title,
            Delegation.head_name,
            Delegation.head_title,
            Delegation.counterpart,
            Delegation.purpose,
        ),
        exists().where(
            DelegationMember.delegation_id == Delegation.id,
            or_(
                text_matches(
                    text,
                    DelegationMember.name,
                    DelegationMember.organization,
                    DelegationMember.title,
                ),
                DelegationMember.counterpart_id.in_(people),
            ),
        ),
        exists().where(
            CourtesyCall.delegation_id == Delegation.id,
            or_(
                text_matches(text, CourtesyCall.visited, CourtesyCall.notes),
                CourtesyCall.counterpart_id.in_(people),
            ),
        ),
        exists().where(
            Gift.delegation_id == Delegation.id,
            or_(
                text_matches(text, Gift.description, Gift.counterpart),
                Gift.counterpart_id.in_(people),
            ),
        ),
    )


def filter_conditions(filters: ListFilters) -> list[ColumnElement[bool]]:
    """The conditions a delegation must meet to be on the filtered list."""
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(search_matches(filters.q))
    if filters.city:
        conditions.append(in_city(Delegation.partner_city_id, filters.city))
    if filters.direction:
        conditions.append(Delegation.direction == filters.direction)
    if filters.fiscal_year is not None:
        conditions += in_fiscal_year(Delegation.start_date, filters.fiscal_year)
    if filters.field:
        conditions.append(
            Delegation.id.in_(
                select(DelegationField.delegation_id).where(DelegationField.field == filters.field)
            )
        )
    if filters.leading_project is not None:
        conditions.append(
            with_leading_project(
                Delegation.id, delegation_leading_projects, filters.leading_project
            )
        )
    return conditions


def list_statement(filters: ListFilters) -> Select[Delegation]:
    """The list's query: filtered, sorted, with what each row shows loaded up front."""
    statement = (
        select(Delegation)
        .where(*filter_conditions(filters))
        .options(
            joinedload(Delegation.partner_city),
            selectinload(Delegation.field_rows),
            selectinload(Delegation.leading_projects),
        )
    )
    if filters.sort_key == "city":
        statement = statement.outerjoin(PartnerCity, PartnerCity.id == Delegation.partner_city_id)
        not_partner = case((PartnerCity.id.is_(None), 1), else_=0)
        order = [not_partner, PartnerCity.display_order, Delegation.counterpart]
        if filters.descending:
            order = [item.desc() for item in order]
        return statement.order_by(*order, Delegation.start_date.desc(), Delegation.id.desc())
    column = Delegation.member_count if filters.sort_key == "size" else Delegation.start_date
    if filters.descending:
        return statement.order_by(column.desc(), Delegation.id.desc())
    return statement.order_by(column, Delegation.id)


def export_statement(filters: ListFilters) -> Select[Delegation]:
    """Every delegation of the filtered list, in the list's order, rows loaded up front."""
    return list_statement(filters).options(
        selectinload(Delegation.members),
        selectinload(Delegation.courtesy_calls),
        selectinload(Delegation.gifts),
    )


@dataclass
class VisitCounts:
    """Visits and people (the sum of each visit's number of people), in all and each way."""

    visits: int = 0
    people: int = 0
    by_direction: dict[str, tuple[int, int]] = field(
        default_factory=lambda: {d.value: (0, 0) for d in Direction}
    )

    def add(self, direction: str, visits: int, people: int) -> None:
        """Count ``visits`` visits of ``people`` people in all, made ``direction``."""
        before = self.by_direction.get(direction, (0, 0))
        self.by_direction[direction] = (before[0] + visits, before[1] + people)
        self.visits += visits
        self.people += people

    def visits_of(self, direction: str) -> int:
        """How many visits were made ``direction``."""
        return self.by_direction.get(direction, (0, 0))[0]

    def people_of(self, direction: str) -> int:
        """How many people travelled ``direction``."""
        return self.by_direction.get(direction, (0, 0))[1]


def visit_counts(session: Session, *conditions: ColumnElement[bool]) -> VisitCounts:
    """Visits and people by direction of the delegations meeting ``conditions``.

    The one count of people by direction: the list's totals, the partner page, the
    dashboard and the histories all call it (or ``visit_counts_by``).
    """
    return visit_counts_by(session, *conditions).get(None, VisitCounts())


def visit_counts_by(
    session: Session, *conditions: ColumnElement[bool], group: str | None = None
) -> dict[Any, VisitCounts]:
    """``visit_counts`` for each fiscal year (``group="fiscal_year"``) or partner city
    (``group="partner_city"``, None for visits with no partner city); all under None.

    One aggregate query; by fiscal year it groups by calendar month and folds the months
    into fiscal years (April to March), so its size follows the years, not the visits.
    """
    year = func.extract("year", Delegation.start_date)
    month = func.extract("month", Delegation.start_date)
    groupings: dict[str | None, list[Any]] = {
        None: [],
        "fiscal_year": [year, month],
        "partner_city": [Delegation.partner_city_id],
    }
    groups = groupings[group]
    rows = session.execute(
        select(
            *groups,
            Delegation.direction,
            func.count(),
            func.coalesce(func.sum(Delegation.member_count), 0),
        )
        .where(*conditions)
        .group_by(*groups, Delegation.direction)
    )
    result: dict[Any, VisitCounts] = {}
    for row in rows:
        values: tuple[Any, ...] = tuple(row)
        key: Any = None
        if group == "fiscal_year":
            calendar_year, calendar_month, *rest = values
            key = fiscal_year_of(date(int(calendar_year), int(calendar_month), 1))
            values = tuple(rest)
        elif group == "partner_city":
            key, *rest = values
            values = tuple(rest)
        direction, visits, people = values
        result.setdefault(key, VisitCounts()).add(direction, int(visits), int(people))
    return result


def totals(session: Session, filters: ListFilters) -> VisitCounts:
    """Visits and people of every delegation matching ``filters`` (not just the page)."""
    return visit_counts(session, *filter_conditions(filters))


def get_delegation(session: Session, delegation_id: int) -> Delegation | None:
    """One delegation with everything its page shows."""
    return session.scalar(
        select(Delegation)
        .options(
            joinedload(Delegation.partner_city),
            selectinload(Delegation.field_rows),
            selectinload(Delegation.leading_projects),
            selectinload(Delegation.members).joinedload(DelegationMember.person),
            selectinload(Delegation.courtesy_calls).joinedload(CourtesyCall.person),
            selectinload(Delegation.gifts).joinedload(Gift.person),
        )
        .where(Delegation.id == delegation_id)
    )


# How many of a partner city's latest delegations its page lists by name.
PARTNER_PAGE_RECENT = 10


def recent_delegations_of_city(
    session: Session, city: PartnerCity, limit: int = PARTNER_PAGE_RECENT
) -> list[Delegation]:
    """A partner city's latest delegations, newest first."""
    return list(
        session.scalars(
            select(Delegation)
            .where(Delegation.partner_city_id == city.id)
            .order_by(Delegation.start_date.desc(), Delegation.id.desc())
            .limit(limit)
        )
    )


def partner_section(*, session: Session, city: PartnerCity) -> dict[str, Any]:
    """The delegations section of a partner city's page: counts by fiscal year, latest visits."""
    by_year = visit_counts_by(session, Delegation.partner_city_id == city.id, group="fiscal_year")
    all_years = VisitCounts()
    for counts in by_year.values():
        for direction, (visits, people) in counts.by_direction.items():
            all_years.add(direction, visits, people)
    return {
        "years": sorted(by_year.items(), key=lambda item: item[0] or 0, reverse=True),
        "recent": recent_delegations_of_city(session, city),
        "counts": all_years,
    }
