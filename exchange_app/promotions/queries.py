"""Reading promotions and organisations, and THE rule and count of indicator 3b.

``counted_toward_3b`` is the 3b rule; ``promotions_3b_count`` the figure. The promotion
list's totals, the promotion page, the organisation page, the indicators and their
roll-up by channel all call them, so no screen can count 3b another way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from exchange_app.models import (
    Organization,
    PartnerCity,
    Promotion,
    promotion_leading_projects,
)
from exchange_app.records.filters import (
    ListFilters,
    in_city,
    in_fiscal_year,
    parse_list_filters,
    text_matches,
    with_leading_project,
)
from exchange_app.services.dates import fiscal_year_of
from exchange_app.services.pagination import Page, paginate
from exchange_app.vocab import OrganizationKind, PromotionChannel, PromotionTheme

# --------------------------------------------------------------------------- the 3b rule


def counted_toward_3b(fiscal_year: int | None = None) -> list[ColumnElement[bool]]:
    """The conditions of indicator 3b: the flag is set and, for a year, the first day is in it.

    A promotion spanning March and April counts once, in the fiscal year it starts.
    """
    conditions: list[ColumnElement[bool]] = [Promotion.counts_toward_3b.is_(True)]
    if fiscal_year is not None:
        conditions += in_fiscal_year(Promotion.start_date, fiscal_year)
    return conditions


def promotions_3b_statement(fiscal_year: int) -> Select[int]:
    """Ids of the promotions that indicator 3b counts for ``fiscal_year``, by date."""
    return (
        select(Promotion.id)
        .where(*counted_toward_3b(fiscal_year))
        .order_by(Promotion.start_date, Promotion.id)
    )


def promotions_3b_ids(session: Session, fiscal_year: int) -> list[int]:
    """The promotions counted toward 3b in ``fiscal_year``."""
    return list(session.scalars(promotions_3b_statement(fiscal_year)))


def promotions_3b_count(session: Session, fiscal_year: int) -> int:
    """Indicator 3b for ``fiscal_year``: the number of counted promotions."""
    subquery = promotions_3b_statement(fiscal_year).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def counted_in_fiscal_year(session: Session, promotion: Promotion) -> int | None:
    """The fiscal year whose 3b figure includes ``promotion`` (None when it is left out)."""
    fiscal_year = fiscal_year_of(promotion.start_date)
    counted = session.scalar(
        select(Promotion.id).where(Promotion.id == promotion.id, *counted_toward_3b(fiscal_year))
    )
    return fiscal_year if counted is not None else None


# ------------------------------------------------------------------------ the list

SORTS: dict[str, tuple[Any, ...]] = {
    "date": (Promotion.start_date, Promotion.id),
    "title": (Promotion.title, Promotion.id),
    "channel": (Promotion.channel, Promotion.start_date, Promotion.id),
    "reach": (Promotion.reach, Promotion.id),
}
DEFAULT_SORT = "-date"


def parse_filters(args: Mapping[str, str]) -> ListFilters:
    """The promotion list's filters from a query string."""
    return parse_list_filters(
        args,
        sorts=SORTS,
        default_sort=DEFAULT_SORT,
        vocabularies={"channel": PromotionChannel, "theme": PromotionTheme},
    )


def filters_of(**values: Any) -> ListFilters:
    """Filters set in code (an organisation's promotions), sorted as the list is."""
    return ListFilters(sort=DEFAULT_SORT, default_sort=DEFAULT_SORT, **values)


def filter_conditions(filters: ListFilters) -> list[ColumnElement[bool]]:
    """The conditions a promotion must meet to be on the filtered list."""
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(text_matches(filters.q, Promotion.title, Promotion.notes))
    if filters.fiscal_year is not None:
        conditions += in_fiscal_year(Promotion.start_date, filters.fiscal_year)
    if filters.channel:
        conditions.append(Promotion.channel == filters.channel)
    if filters.city:
        conditions.append(in_city(Promotion.partner_city_id, filters.city))
    if filters.organization is not None:
        conditions.append(Promotion.organization_id == filters.organization)
    if filters.theme:
        conditions.append(Promotion.theme == filters.theme)
    if filters.leading_project is not None:
        conditions.append(
            with_leading_project(Promotion.id, promotion_leading_projects, filters.leading_project)
        )
    return conditions


def list_statement(filters: ListFilters) -> Select[Promotion]:
    """The promotions matching ``filters`` in their sort order, with what a row shows loaded."""
    columns = SORTS.get(filters.sort_key) or SORTS[DEFAULT_SORT.removeprefix("-")]
    descending = filters.descending if filters.sort_key in SORTS else True
    order = [column.desc() if descending else column.asc() for column in columns]
    return (
        select(Promotion)
        .options(
            joinedload(Promotion.partner_city),
            joinedload(Promotion.organization),
            selectinload(Promotion.leading_projects),
        )
        .where(*filter_conditions(filters))
        .order_by(*order)
    )


@dataclass
class PromotionTotals:
    """Totals of the promotions a list shows (all its pages)."""

    count: int
    reach: int
    # Of the promotions shown, how many the 3b rule counts.
    counted_3b: int
    # Indicator 3b for the filtered fiscal year, over all promotions (None without a year).
    indicator_3b: int | None = None


def totals(session: Session, filters: ListFilters) -> PromotionTotals:
    """How many promotions match, their total reach, and how many of them 3b counts."""
    counted = func.count().filter(*counted_toward_3b(filters.fiscal_year))
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(Promotion.reach), 0), counted).where(
            *filter_conditions(filters)
        )
    ).one()
    indicator = (
        promotions_3b_count(session, filters.fiscal_year)
        if filters.fiscal_year is not None
        else None
    )
    return PromotionTotals(
        count=row[0], reach=int(row[1] or 0), counted_3b=row[2], indicator_3b=indicator
    )


def promotion_page(
    session: Session, filters: ListFilters, raw_page: str | None
) -> tuple[Page, PromotionTotals]:
    """One page of promotions and the totals of all that match."""
    return paginate(session, list_statement(filters), raw_page), totals(session, filters)


def get_promotion(session: Session, promotion_id: int) -> Promotion | None:
    """One promotion with its counterpart and leading projects."""
    return session.scalar(
        select(Promotion)
        .options(
            joinedload(Promotion.partner_city),
            joinedload(Promotion.organization),
            selectinload(Promotion.leading_projects),
        )
        .where(Promotion.id == promotion_id)
    )


# How many of a partner city's latest promotions its page lists by name.
PARTNER_PAGE_RECENT = 10


def partner_section(*, session: Session, city: PartnerCity) -> dict[str, Any]:
    """The promotions section of a partner city's page: the latest, and how many in all."""
    statement = list_statement(filters_of(city=city.slug))
    items = list(session.scalars(statement.limit(PARTNER_PAGE_RECENT)))
    total = session.scalar(
        select(func.count()).select_from(Promotion).where(Promotion.partner_city_id == city.id)
    )
    return {"promotions": items, "total": total or 0, "city": city}


def promotions_through(session: Session, organization_id: int) -> list[Promotion]:
    """Every promotion made through an organisation, oldest first."""
    return list(
        session.scalars(
            select(Promotion)
            .where(Promotion.organization_id == organization_id)
            .order_by(Promotion.id)
        )
    )


# --------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class OrganizationFilters:
    """The filters of the organisation list: search, kind and country."""

    q: str = ""
    kind: str = ""
    country: str = ""


def parse_organization_filters(args: Mapping[str, str]) -> OrganizationFilters:
    """The organisation list's filters; ``q`` and ``kind`` are read as every list reads them."""
    common = parse_list_filters(
        args, sorts=("name",), default_sort="name", vocabularies={"kind": OrganizationKind}
    )
    country = (args.get("country") or "").strip().upper()
    return OrganizationFilters(
        q=common.q,
        kind=common.kind,
        country=country if len(country) == 2 and country.isascii() and country.isalpha() else "",
    )


def organization_list_statement(filters: OrganizationFilters) -> Select[Organization]:
    """Organisations that were not merged away, matching ``filters``, by kind and name."""
    statement = select(Organization).where(Organization.merged_into_id.is_(None))
    if filters.q:
        statement = statement.where(
            text_matches(filters.q, Organization.name_ja, Organization.name_en)
        )
    if filters.kind:
        statement = statement.where(Organization.kind == filters.kind)
    if filters.country:
        statement = statement.where(Organization.country == filters.country)
    return statement.order_by(Organization.kind, Organization.name_ja, Organization.id)


def organization_page(
    session: Session, filters: OrganizationFilters, raw_page: str | None
) -> tuple[Page, dict[int, int]]:
    """One page of organisations and, for each, how many promotions went through it."""
    page = paginate(session, organization_list_statement(filters), raw_page)
    ids = [organization.id for organization in page.items]
    counts: dict[int, int] = {}
    if ids:
        counts = {
            organization_id: number
            for organization_id, number in session.execute(
                select(Promotion.organization_id, func.count())
                .where(Promotion.organization_id.in_(ids))
                .group_by(Promotion.organization_id)
            )
            if organization_id is not None
        }
    return page, counts


def active_organizations(session: Session) -> list[Organization]:
    """Organisations that can be chosen (merged ones are hidden), by kind and name."""
    return list(session.scalars(organization_list_statement(OrganizationFilters())))


def organizations_with_same_name(
    session: Session, name_ja: str, name_en: str, exclude_id: int | None = None
) -> list[Organization]:
    """Active organisations already recorded under the same Japanese or English name."""
    statement = select(Organization).where(
        Organization.merged_into_id.is_(None),
        or_(
            func.lower(Organization.name_ja) == name_ja.strip().lower(),
            func.lower(Organization.name_en) == name_en.strip().lower(),
        ),
    )
    if exclude_id is not None:
        statement = statement.where(Organization.id != exclude_id)
    return list(session.scalars(statement))
