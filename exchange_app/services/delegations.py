"""Delegation visits: filtering, totals, creating and changing them with their rows, exports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from exchange_app import vocab
from exchange_app.db import utcnow
from exchange_app.models import (
    CourtesyCall,
    Delegation,
    DelegationField,
    DelegationMember,
    Gift,
    LeadingProject,
    PartnerCity,
    delegation_leading_projects,
)
from exchange_app.services import audit
from exchange_app.services.dates import fiscal_year_bounds, fiscal_year_label, fiscal_year_of

ENTITY_TYPE = "delegation"
SORTS = ("date", "-date", "city", "-city", "size", "-size")
DEFAULT_SORT = "-date"


@dataclass(frozen=True)
class DelegationFilters:
    """What the list is narrowed to; every value already checked."""

    q: str = ""
    city: str = ""  # partner city slug
    direction: str = ""
    fiscal_year: int | None = None
    field: str = ""
    leading_project: int | None = None  # leading project number
    sort: str = DEFAULT_SORT

    def as_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (empty ones left out)."""
        args = {
            "q": self.q,
            "city": self.city,
            "direction": self.direction,
            "fy": self.fiscal_year,
            "field": self.field,
            "lp": self.leading_project,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
        }
        return {key: value for key, value in args.items() if value not in ("", None)}


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def parse_filters(args: Mapping[str, str]) -> DelegationFilters:
    """Filters from a query string; anything unknown or malformed is ignored."""
    fiscal_year = _int_or_none(args.get("fy"))
    if fiscal_year is not None and not 1900 <= fiscal_year <= 2200:
        fiscal_year = None
    sort = args.get("sort", DEFAULT_SORT)
    return DelegationFilters(
        q=(args.get("q") or "").strip()[:200],
        city=(args.get("city") or "").strip()[:40],
        direction=args.get("direction") if args.get("direction") in vocab.DIRECTIONS else "",
        fiscal_year=fiscal_year,
        field=args.get("field") if args.get("field") in vocab.EXCHANGE_FIELDS else "",
        leading_project=_int_or_none(args.get("lp")),
        sort=sort if sort in SORTS else DEFAULT_SORT,
    )


def filtered_statement(filters: DelegationFilters) -> Select[tuple[Delegation]]:
    """Delegations matching ``filters``, unordered and without eager loads."""
    statement = select(Delegation)
    if filters.q:
        needle = filters.q.lower()
        statement = statement.where(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (
                        Delegation.title,
                        Delegation.head_name,
                        Delegation.head_title,
                        Delegation.counterpart,
                        Delegation.purpose,
                    )
                )
            )
        )
    if filters.city:
        statement = statement.where(
            Delegation.partner_city_id.in_(
                select(PartnerCity.id).where(PartnerCity.slug == filters.city)
            )
        )
    if filters.direction:
        statement = statement.where(Delegation.direction == filters.direction)
    if filters.fiscal_year is not None:
        first_day, last_day = fiscal_year_bounds(filters.fiscal_year)
        statement = statement.where(
            Delegation.start_date >= first_day, Delegation.start_date <= last_day
        )
    if filters.field:
        statement = statement.where(
            Delegation.id.in_(
                select(DelegationField.delegation_id).where(DelegationField.field == filters.field)
            )
        )
    if filters.leading_project is not None:
        statement = statement.where(
            Delegation.id.in_(
                select(delegation_leading_projects.c.delegation_id)
                .join(
                    LeadingProject,
                    LeadingProject.id == delegation_leading_projects.c.leading_project_id,
                )
                .where(LeadingProject.number == filters.leading_project)
            )
        )
    return statement


def list_statement(filters: DelegationFilters) -> Select[tuple[Delegation]]:
    """The list's query: filtered, sorted, with what each row shows loaded up front."""
    descending = filters.sort.startswith("-")
    key = filters.sort.lstrip("-")
    statement = filtered_statement(filters).options(
        joinedload(Delegation.partner_city),
        selectinload(Delegation.field_rows),
        selectinload(Delegation.leading_projects),
    )
    if key == "city":
        statement = statement.outerjoin(PartnerCity, PartnerCity.id == Delegation.partner_city_id)
        not_partner = case((PartnerCity.id.is_(None), 1), else_=0)
        order = [not_partner, PartnerCity.display_order, Delegation.counterpart]
        if descending:
            order = [
                not_partner.desc(),
                PartnerCity.display_order.desc(),
                Delegation.counterpart.desc(),
            ]
        return statement.order_by(*order, Delegation.start_date.desc(), Delegation.id.desc())
    column = Delegation.member_count if key == "size" else Delegation.start_date
    if descending:
        return statement.order_by(column.desc(), Delegation.id.desc())
    return statement.order_by(column, Delegation.id)


@dataclass
class DelegationTotals:
    """Visits and people of a list, in all and by direction."""

    visits: int = 0
    people: int = 0
    by_direction: dict[str, tuple[int, int]] = field(default_factory=dict)


def totals(session: Session, filters: DelegationFilters) -> DelegationTotals:
    """Visits and people of every delegation matching ``filters`` (one aggregate query)."""
    matching = filtered_statement(filters).subquery()
    rows = session.execute(
        select(
            matching.c.direction, func.count(), func.coalesce(func.sum(matching.c.member_count), 0)
        ).group_by(matching.c.direction)
    ).all()
    result = DelegationTotals(by_direction={d: (0, 0) for d in vocab.DIRECTIONS})
    for direction, visits, people in rows:
        result.by_direction[direction] = (int(visits), int(people))
        result.visits += int(visits)
        result.people += int(people)
    return result


def fiscal_years_recorded(session: Session) -> list[int]:
    """Fiscal years from the earliest to the latest visit recorded, newest first."""
    first, last = session.execute(
        select(func.min(Delegation.start_date), func.max(Delegation.start_date))
    ).one()
    today_fy = fiscal_year_of(date.today())
    if first is None:
        return [today_fy]
    newest = max(fiscal_year_of(last), today_fy)
    return list(range(newest, fiscal_year_of(first) - 1, -1))


def leading_projects(session: Session) -> list[LeadingProject]:
    """The strategy's leading projects, in number order."""
    return list(session.scalars(select(LeadingProject).order_by(LeadingProject.number)))


def get_delegation(session: Session, delegation_id: int) -> Delegation | None:
    """One delegation with everything its page shows."""
    return session.scalar(
        select(Delegation)
        .options(
            joinedload(Delegation.partner_city),
            selectinload(Delegation.field_rows),
            selectinload(Delegation.leading_projects),
            selectinload(Delegation.members),
            selectinload(Delegation.courtesy_calls),
            selectinload(Delegation.gifts),
        )
        .where(Delegation.id == delegation_id)
    )


# --- creating and changing -------------------------------------------------------------


@dataclass
class DelegationValues:
    """What a user entered for a delegation, already validated."""

    direction: str
    partner_city_id: int | None
    counterpart: str | None
    title: str
    start_date: date
    end_date: date
    head_name: str | None
    head_title: str | None
    member_count: int
    purpose: str | None
    outcome: str | None
    fields: list[str] = field(default_factory=list)
    leading_project_ids: list[int] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    courtesy_calls: list[dict[str, Any]] = field(default_factory=list)
    gifts: list[dict[str, Any]] = field(default_factory=list)


SCALARS = (
    "direction",
    "partner_city_id",
    "counterpart",
    "title",
    "start_date",
    "end_date",
    "head_name",
    "head_title",
    "member_count",
    "purpose",
    "outcome",
)
MEMBER_COLUMNS = ("name", "organization", "title")
CALL_COLUMNS = ("visited", "visited_on", "notes")
GIFT_COLUMNS = ("direction", "description", "counterpart", "given_on")


def _sync_rows(
    current: list[Any], wanted: Iterable[dict[str, Any]], model: type, columns: tuple[str, ...]
) -> list[Any]:
    """``current`` rows updated in place to match ``wanted``, extra rows added; order kept."""
    rows = []
    for position, values in enumerate(wanted):
        row = current[position] if position < len(current) else model()
        row.position = position
        for column in columns:
            setattr(row, column, values.get(column))
        rows.append(row)
    return rows


def _apply(session: Session, delegation: Delegation, values: DelegationValues) -> None:
    for name in SCALARS:
        setattr(delegation, name, getattr(values, name))
    delegation.partner_city = (
        session.get(PartnerCity, values.partner_city_id) if values.partner_city_id else None
    )
    delegation.fields = values.fields
    delegation.leading_projects = (
        list(
            session.scalars(
                select(LeadingProject)
                .where(LeadingProject.id.in_(values.leading_project_ids))
                .order_by(LeadingProject.number)
            )
        )
        if values.leading_project_ids
        else []
    )
    delegation.members = _sync_rows(
        delegation.members, values.members, DelegationMember, MEMBER_COLUMNS
    )
    delegation.courtesy_calls = _sync_rows(
        delegation.courtesy_calls, values.courtesy_calls, CourtesyCall, CALL_COLUMNS
    )
    delegation.gifts = _sync_rows(delegation.gifts, values.gifts, Gift, GIFT_COLUMNS)


def _rows(rows: Iterable[Any], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{column: getattr(row, column) for column in columns} for row in rows]


def snapshot(delegation: Delegation) -> dict[str, Any]:
    """The delegation and its rows as plain values, for the audit trail."""
    values = audit.snapshot(
        delegation,
        {
            "partner_city": delegation.partner_city.name_ja if delegation.partner_city else None,
            "fields": delegation.fields,
            "leading_projects": [project.number for project in delegation.leading_projects],
            "members": _rows(delegation.members, MEMBER_COLUMNS),
            "courtesy_calls": _rows(delegation.courtesy_calls, CALL_COLUMNS),
            "gifts": _rows(delegation.gifts, GIFT_COLUMNS),
        },
    )
    values.pop("partner_city_id", None)
    values.pop("external_id", None)
    return _json(values)


def _json(value: Any) -> Any:
    """Nested values (rows of dicts) made JSON-friendly."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def create_delegation(
    session: Session, values: DelegationValues, user_id: int | None
) -> Delegation:
    """Add a delegation with its rows, and its audit entry."""
    delegation = Delegation(created_by_id=user_id, updated_by_id=user_id)
    _apply(session, delegation, values)
    session.add(delegation)
    session.flush()
    audit.record(
        session, "create", ENTITY_TYPE, delegation.id, changes=audit.diff({}, snapshot(delegation))
    )
    return delegation


def update_delegation(
    session: Session, delegation: Delegation, values: DelegationValues, user_id: int | None
) -> dict[str, list[Any]]:
    """Change a delegation and its rows; the audit entry says what changed (rows included).

    When anything changed, the record's own row is touched so that its version moves
    on even if only members, calls or gifts changed. Saving an unchanged form writes
    nothing and returns no changes.
    """
    before = snapshot(delegation)
    _apply(session, delegation, values)
    changes = audit.diff(before, snapshot(delegation))
    if changes:
        delegation.updated_by_id = user_id
        delegation.updated_at = utcnow()
        audit.record(session, "update", ENTITY_TYPE, delegation.id, changes=changes)
    session.flush()
    return changes


def delete_delegation(session: Session, delegation: Delegation) -> None:
    """Remove a delegation and its rows; the audit entry keeps what it was."""
    before = snapshot(delegation)
    delegation_id = delegation.id
    session.delete(delegation)
    session.flush()
    audit.record(
        session,
        "delete",
        ENTITY_TYPE,
        delegation_id,
        changes=audit.diff(before, {}),
        summary=before.get("title"),
    )


# --- partner city page -------------------------------------------------------------------


@dataclass
class FiscalYearDelegations:
    """One fiscal year of a partner city's delegations, counted."""

    fiscal_year: int
    outbound: int = 0
    inbound: int = 0
    people: int = 0

    @property
    def total(self) -> int:
        return self.outbound + self.inbound


# How many of a partner city's latest delegations its page lists by name.
PARTNER_PAGE_RECENT = 10


def delegations_of_city_by_year(session: Session, city: PartnerCity) -> list[FiscalYearDelegations]:
    """A partner city's delegations each way and people, by fiscal year (newest first).

    One aggregate query by calendar month, folded into fiscal years (April to March):
    its size follows the years recorded, not the number of delegations.
    """
    year = func.extract("year", Delegation.start_date)
    month = func.extract("month", Delegation.start_date)
    rows = session.execute(
        select(
            year,
            month,
            Delegation.direction,
            func.count(),
            func.coalesce(func.sum(Delegation.member_count), 0),
        )
        .where(Delegation.partner_city_id == city.id)
        .group_by(year, month, Delegation.direction)
    )
    years: dict[int, FiscalYearDelegations] = {}
    for calendar_year, calendar_month, direction, count, people in rows:
        fiscal_year = fiscal_year_of(date(int(calendar_year), int(calendar_month), 1))
        item = years.setdefault(fiscal_year, FiscalYearDelegations(fiscal_year))
        if direction == "outbound":
            item.outbound += count
        else:
            item.inbound += count
        item.people += int(people)
    return [years[key] for key in sorted(years, reverse=True)]


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
    """Data of the delegations section of a partner city's page: counts by fiscal year and
    the latest visits (the rest are one click away in the filtered list)."""
    years = delegations_of_city_by_year(session, city)
    return {
        "years": years,
        "recent": recent_delegations_of_city(session, city),
        "outbound": sum(year.outbound for year in years),
        "inbound": sum(year.inbound for year in years),
    }


# --- export -----------------------------------------------------------------------------

EXPORT_HEADERS = (
    "ID",
    "年度",
    "区分",
    "相手都市",
    "相手先（友好姉妹都市等以外）",
    "件名",
    "開始日",
    "終了日",
    "団長",
    "団長役職",
    "人数",
    "交流分野",
    "リーディングプロジェクト",
    "目的",
    "成果",
    "団員",
    "表敬訪問",
    "贈呈品",
)


def export_statement(filters: DelegationFilters) -> Select[tuple[Delegation]]:
    """Every delegation of the filtered list, in the list's order, rows loaded up front."""
    return list_statement(filters).options(
        selectinload(Delegation.members),
        selectinload(Delegation.courtesy_calls),
        selectinload(Delegation.gifts),
    )


def _joined(parts: Iterable[str | None], separator: str = " ") -> str:
    return separator.join(part for part in parts if part)


def export_rows(session: Session, filters: DelegationFilters) -> list[list[Any]]:
    """The filtered list as table rows under ``EXPORT_HEADERS`` (labels in Japanese)."""
    rows = []
    with force_locale("ja"):
        for d in session.scalars(export_statement(filters)).unique():
            rows.append(
                [
                    d.id,
                    fiscal_year_label(fiscal_year_of(d.start_date), "ja"),
                    str(vocab.DIRECTION_LABELS[d.direction]),
                    d.partner_city.name_ja if d.partner_city else "",
                    d.counterpart or "",
                    d.title,
                    d.start_date,
                    d.end_date,
                    d.head_name or "",
                    d.head_title or "",
                    d.member_count,
                    "、".join(str(vocab.EXCHANGE_FIELD_LABELS[f]) for f in d.fields),
                    "、".join(f"{p.number} {p.name_ja}" for p in d.leading_projects),
                    d.purpose or "",
                    d.outcome or "",
                    "\n".join(
                        _joined([m.name, _joined([m.organization, m.title])], "　")
                        for m in d.members
                    ),
                    "\n".join(
                        _joined([c.visited_on.isoformat() if c.visited_on else None, c.visited])
                        for c in d.courtesy_calls
                    ),
                    "\n".join(
                        _joined(
                            [
                                f"[{vocab.GIFT_DIRECTION_LABELS[g.direction]}]",
                                g.description,
                                g.counterpart,
                                g.given_on.isoformat() if g.given_on else None,
                            ]
                        )
                        for g in d.gifts
                    ),
                ]
            )
    return rows
