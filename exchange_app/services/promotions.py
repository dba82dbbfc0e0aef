"""Promotions through the international network, its organisations, and the indicator 3b rule.

Everything about promotions and organisations that is more than a view lives here:
the 3b rule, which counterpart a channel needs, the list query with its filters and
totals, create/update/delete with their audit entries, merging duplicate organisations,
and the export table. Functions add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from exchange_app import vocab
from exchange_app.models import LeadingProject, Organization, PartnerCity, Promotion
from exchange_app.services import audit
from exchange_app.services.dates import fiscal_year_bounds, fiscal_year_of
from exchange_app.services.pagination import Page, paginate

# --------------------------------------------------------------------------- the 3b rule


def counted_toward_3b(fiscal_year: int | None = None) -> list[ColumnElement[bool]]:
    """The conditions of indicator 3b: the flag is set and, for a year, the first day is in it."""
    conditions: list[ColumnElement[bool]] = [Promotion.counts_toward_3b.is_(True)]
    if fiscal_year is not None:
        first_day, last_day = fiscal_year_bounds(fiscal_year)
        conditions += [Promotion.start_date >= first_day, Promotion.start_date <= last_day]
    return conditions


def promotions_3b_statement(fiscal_year: int) -> Select[tuple[int]]:
    """Ids of the promotions that indicator 3b counts for ``fiscal_year``.

    The rule: ``counts_toward_3b`` is set and the (first) date falls in the fiscal
    year, so a promotion spanning March and April counts once, in the year it starts.
    """
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


def counts_in_fiscal_year(promotion: Promotion) -> int | None:
    """The fiscal year whose 3b figure includes ``promotion`` (None when it is excluded)."""
    return fiscal_year_of(promotion.start_date) if promotion.counts_toward_3b else None


# ------------------------------------------------------------- channel and counterpart rule

# The organisation kind each channel goes through; ``None``: any kind (or a partner city).
ORGANIZATION_KIND_FOR_CHANNEL: dict[str, str | None] = {
    "international_organization": "international_organization",
    "embassy_consulate": "embassy_consulate",
    "overseas_office": "overseas_office",
    "foreign_city": "foreign_city",
    "international_conference": None,
}


def counterpart_errors(
    channel: str | None, partner_city: PartnerCity | None, organization: Organization | None
) -> dict[str, Any]:
    """What is wrong with a promotion's counterpart for ``channel``, as ``{field: message}``.

    - ``partner_city``: a partner city, and no organisation;
    - an organisation channel: an organisation of the same kind (an embassy for
      ``embassy_consulate``, ...), and no partner city;
    - ``international_conference``: an organisation of any kind, a partner city, or both
      (a conference can be organised with a UN body, held in a partner city, or both).
    A merged organisation can never be chosen. Empty when the combination is valid.
    """
    errors: dict[str, Any] = {}
    if partner_city is None and organization is None:
        message = _l("Choose the partner city or the organisation the promotion went through.")
        return {"partner_city_id": message, "organization_id": message}
    if organization is not None and organization.merged_into_id is not None:
        errors["organization_id"] = _l(
            "This organisation was merged into another one; choose that one instead."
        )
    if channel == "partner_city":
        if partner_city is None:
            errors["partner_city_id"] = _l("A promotion through a partner city needs the city.")
        if organization is not None:
            errors["organization_id"] = _l(
                "A promotion through a partner city names no organisation; "
                "choose the channel of the organisation instead."
            )
    elif channel in ORGANIZATION_KIND_FOR_CHANNEL:
        kind = ORGANIZATION_KIND_FOR_CHANNEL[channel]
        if kind is None:
            return errors
        if partner_city is not None:
            errors["partner_city_id"] = _l(
                "A partner city goes with the channel “partner city” or “international "
                "conference”, not with this channel."
            )
        if organization is None:
            errors["organization_id"] = _l(
                "This channel needs an organisation of the kind “%(kind)s”.",
                kind=vocab.ORGANIZATION_KIND_LABELS[kind],
            )
        elif organization.kind != kind and "organization_id" not in errors:
            errors["organization_id"] = _l(
                "“%(name)s” is of the kind “%(actual)s”; this channel needs “%(kind)s”.",
                name=organization.name_ja,
                actual=vocab.ORGANIZATION_KIND_LABELS[organization.kind],
                kind=vocab.ORGANIZATION_KIND_LABELS[kind],
            )
    else:
        errors["channel"] = _l("Choose a channel.")
    return errors


def channel_for_organization(organization: Organization | None) -> str:
    """The channel a promotion through ``organization`` most likely used (a form default)."""
    if organization is None:
        return "partner_city"
    for channel, kind in ORGANIZATION_KIND_FOR_CHANNEL.items():
        if kind == organization.kind:
            return channel
    return "international_conference"


def promotion_errors(values: Mapping[str, Any]) -> dict[str, Any]:
    """Field rules other than the counterpart: dates in order, reach, a reason when excluded."""
    errors: dict[str, Any] = {}
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        errors["end_date"] = _l("The last day cannot be before the first day.")
    reach = values.get("reach")
    if reach is not None and reach < 0:
        errors["reach"] = _l("The audience reach cannot be negative.")
    if (
        not values.get("counts_toward_3b", True)
        and not (values.get("exclusion_reason") or "").strip()
    ):
        errors["exclusion_reason"] = _l(
            "Say why this promotion does not count toward indicator 3b."
        )
    return errors


# ------------------------------------------------------------------------------ listing

SORTS: dict[str, tuple[Any, ...]] = {
    "date": (Promotion.start_date, Promotion.id),
    "title": (Promotion.title, Promotion.id),
    "channel": (Promotion.channel, Promotion.start_date, Promotion.id),
    "reach": (Promotion.reach, Promotion.id),
}
DEFAULT_SORT = "-date"


@dataclass
class PromotionFilters:
    """The filters of the promotion list (and of its export)."""

    q: str = ""
    fiscal_year: int | None = None
    channel: str = ""
    partner_city_id: int | None = None
    organization_id: int | None = None
    theme: str = ""
    leading_project_id: int | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PromotionFilters:
        """Filters from a query string; values that make no sense are ignored."""
        sort = args.get("sort", DEFAULT_SORT)
        if sort.removeprefix("-") not in SORTS:
            sort = DEFAULT_SORT
        channel = args.get("channel", "")
        theme = args.get("theme", "")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            fiscal_year=int_arg(args.get("fy"), 1900, 2200),
            channel=channel if channel in vocab.PROMOTION_CHANNELS else "",
            partner_city_id=int_arg(args.get("partner")),
            organization_id=int_arg(args.get("organization")),
            theme=theme if theme in vocab.PROMOTION_THEMES else "",
            leading_project_id=int_arg(args.get("project")),
            sort=sort,
        )

    def as_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (empty ones left out)."""
        values = {
            "q": self.q,
            "fy": self.fiscal_year,
            "channel": self.channel,
            "partner": self.partner_city_id,
            "organization": self.organization_id,
            "theme": self.theme,
            "project": self.leading_project_id,
            "sort": None if self.sort == DEFAULT_SORT else self.sort,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def int_arg(raw: str | None, low: int = 1, high: int = 2**31 - 1) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


def _filter_conditions(filters: PromotionFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        conditions.append(
            or_(
                func.lower(Promotion.title).like(pattern),
                func.lower(func.coalesce(Promotion.notes, "")).like(pattern),
            )
        )
    if filters.fiscal_year is not None:
        first_day, last_day = fiscal_year_bounds(filters.fiscal_year)
        conditions += [Promotion.start_date >= first_day, Promotion.start_date <= last_day]
    if filters.channel:
        conditions.append(Promotion.channel == filters.channel)
    if filters.partner_city_id is not None:
        conditions.append(Promotion.partner_city_id == filters.partner_city_id)
    if filters.organization_id is not None:
        conditions.append(Promotion.organization_id == filters.organization_id)
    if filters.theme:
        conditions.append(Promotion.theme == filters.theme)
    if filters.leading_project_id is not None:
        conditions.append(
            Promotion.leading_projects.any(LeadingProject.id == filters.leading_project_id)
        )
    return conditions


def promotion_list_statement(filters: PromotionFilters) -> Select[tuple[Promotion]]:
    """The promotions matching ``filters`` in their sort order, with what a row shows loaded."""
    descending = filters.sort.startswith("-")
    columns = SORTS[filters.sort.removeprefix("-")]
    order = [c.desc() if descending else c.asc() for c in columns]
    return (
        select(Promotion)
        .options(
            joinedload(Promotion.partner_city),
            joinedload(Promotion.organization),
            selectinload(Promotion.leading_projects),
        )
        .where(*_filter_conditions(filters))
        .order_by(*order)
    )


@dataclass
class PromotionTotals:
    """Totals of the promotions a list shows (all pages)."""

    count: int
    reach: int
    counted_3b: int
    # Indicator 3b for the filtered fiscal year, over all promotions (None without a year).
    indicator_3b: int | None = None


def promotion_totals(session: Session, filters: PromotionFilters) -> PromotionTotals:
    """How many promotions match, their total reach, and how many of them 3b counts."""
    conditions = _filter_conditions(filters)
    counted = func.count().filter(*counted_toward_3b(filters.fiscal_year))
    row = session.execute(
        select(func.count(), func.coalesce(func.sum(Promotion.reach), 0), counted).where(
            *conditions
        )
    ).one()
    indicator = (
        promotions_3b_count(session, filters.fiscal_year)
        if filters.fiscal_year is not None
        else None
    )
    return PromotionTotals(
        count=row[0], reach=int(row[1]), counted_3b=row[2], indicator_3b=indicator
    )


def list_promotions(
    session: Session, filters: PromotionFilters, raw_page: str | None
) -> tuple[Page, PromotionTotals]:
    """One page of promotions and the totals of all that match."""
    page = paginate(session, promotion_list_statement(filters), raw_page)
    return page, promotion_totals(session, filters)


def fiscal_years_with_promotions(session: Session) -> list[int]:
    """The fiscal years that have promotions, newest first (with the current one)."""
    bounds = session.execute(
        select(func.min(Promotion.start_date), func.max(Promotion.start_date))
    ).one()
    current = fiscal_year_of(date.today())
    first = fiscal_year_of(bounds[0]) if bounds[0] else current
    last = max(current, fiscal_year_of(bounds[1]) if bounds[1] else current)
    return list(range(last, min(first, current) - 1, -1))


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


def recent_promotions_of(
    session: Session,
    *,
    partner_city_id: int | None = None,
    organization_id: int | None = None,
    limit: int = 10,
) -> tuple[list[Promotion], int]:
    """The latest promotions through a partner city or an organisation, and how many in all."""
    filters = PromotionFilters(partner_city_id=partner_city_id, organization_id=organization_id)
    statement = promotion_list_statement(filters)
    items = list(session.scalars(statement.limit(limit)))
    total = (
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    return items, total


# ---------------------------------------------------------------------- writing promotions

PROMOTION_FIELDS = (
    "start_date",
    "end_date",
    "title",
    "channel",
    "partner_city_id",
    "organization_id",
    "theme",
    "medium",
    "reach",
    "counts_toward_3b",
    "exclusion_reason",
    "notes",
)


class PromotionRuleError(ValueError):
    """The values break a promotion rule; ``errors`` maps fields to messages."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def validate_promotion(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every rule a promotion must satisfy, as ``{field: message}`` (empty when valid)."""
    partner_city = (
        session.get(PartnerCity, values["partner_city_id"])
        if values.get("partner_city_id")
        else None
    )
    organization = (
        session.get(Organization, values["organization_id"])
        if values.get("organization_id")
        else None
    )
    errors = promotion_errors(values)
    for key, message in counterpart_errors(
        values.get("channel"), partner_city, organization
    ).items():
        errors.setdefault(key, message)
    return errors


def _leading_projects(session: Session, ids: Sequence[int]) -> list[LeadingProject]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(LeadingProject).where(LeadingProject.id.in_(ids)).order_by(LeadingProject.number)
        )
    )


def _snapshot(promotion: Promotion) -> dict[str, Any]:
    return audit.snapshot(
        promotion, {"leading_projects": sorted(p.number for p in promotion.leading_projects)}
    )


def _apply(session: Session, promotion: Promotion, values: Mapping[str, Any]) -> None:
    errors = validate_promotion(session, values)
    if errors:
        raise PromotionRuleError(errors)
    for name in PROMOTION_FIELDS:
        if name in values:
            setattr(promotion, name, values[name])
    promotion.title = (promotion.title or "").strip()
    if promotion.counts_toward_3b:
        promotion.exclusion_reason = None
    if "leading_project_ids" in values:
        promotion.leading_projects = _leading_projects(session, values["leading_project_ids"])


def create_promotion(session: Session, values: Mapping[str, Any], user_id: int | None) -> Promotion:
    """Record a promotion (audited); raises ``PromotionRuleError`` if a rule is broken."""
    promotion = Promotion(created_by_id=user_id, updated_by_id=user_id, counts_toward_3b=True)
    promotion.leading_projects = []
    _apply(session, promotion, values)
    session.add(promotion)
    session.flush()
    audit.record(
        session,
        "create",
        "promotion",
        promotion.id,
        changes=audit.diff({}, _snapshot(promotion)),
        summary=promotion.title,
    )
    return promotion


def update_promotion(
    session: Session, promotion: Promotion, values: Mapping[str, Any], user_id: int | None
) -> dict[str, list[Any]]:
    """Change a promotion (audited with the changes); returns the changes."""
    before = _snapshot(promotion)
    _apply(session, promotion, values)
    promotion.updated_by_id = user_id
    session.flush()
    changes = audit.diff(before, _snapshot(promotion))
    if changes:
        audit.record(session, "update", "promotion", promotion.id, changes=changes)
    return changes


def delete_promotion(session: Session, promotion: Promotion) -> None:
    """Delete a promotion; the audit entry keeps what it was."""
    before = _snapshot(promotion)
    promotion_id = promotion.id
    session.delete(promotion)
    session.flush()
    audit.record(
        session,
        "delete",
        "promotion",
        promotion_id,
        changes=audit.diff(before, {}),
        summary=before.get("title"),
    )


# --------------------------------------------------------------------------- organisations

ORGANIZATION_FIELDS = ("kind", "country", "name_ja", "name_en", "notes")


@dataclass
class OrganizationFilters:
    """The filters of the organisation list."""

    q: str = ""
    kind: str = ""
    country: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> OrganizationFilters:
        """Filters from a query string; values that make no sense are ignored."""
        kind = args.get("kind", "")
        country = (args.get("country") or "").strip().upper()
        return cls(
            q=(args.get("q") or "").strip()[:200],
            kind=kind if kind in vocab.ORGANIZATION_KINDS else "",
            country=country if len(country) == 2 and country.isalpha() else "",
        )


def organization_list_statement(filters: OrganizationFilters) -> Select[tuple[Organization]]:
    """Organisations that were not merged away, matching ``filters``, by Japanese name."""
    statement = select(Organization).where(Organization.merged_into_id.is_(None))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        statement = statement.where(
            or_(
                func.lower(Organization.name_ja).like(pattern),
                func.lower(Organization.name_en).like(pattern),
            )
        )
    if filters.kind:
        statement = statement.where(Organization.kind == filters.kind)
    if filters.country:
        statement = statement.where(Organization.country == filters.country)
    return statement.order_by(Organization.kind, Organization.name_ja, Organization.id)


def list_organizations(
    session: Session, filters: OrganizationFilters, raw_page: str | None
) -> tuple[Page, dict[int, int]]:
    """One page of organisations and, for each, how many promotions went through it."""
    page = paginate(session, organization_list_statement(filters), raw_page)
    ids = [org.id for org in page.items]
    counts: dict[int, int] = {}
    if ids:
        counts = dict(
            session.execute(
                select(Promotion.organization_id, func.count())
                .where(Promotion.organization_id.in_(ids))
                .group_by(Promotion.organization_id)
            ).all()
        )
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


def _clean_organization_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: values[name] for name in ORGANIZATION_FIELDS if name in values}
    for name in ("name_ja", "name_en"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "").strip().upper() or None
    if "notes" in cleaned:
        cleaned["notes"] = (cleaned["notes"] or "").strip() or None
    return cleaned


def create_organization(
    session: Session, values: Mapping[str, Any], user_id: int | None
) -> Organization:
    """Add an organisation of the network (audited)."""
    organization = Organization(
        created_by_id=user_id, updated_by_id=user_id, **_clean_organization_values(values)
    )
    session.add(organization)
    session.flush()
    audit.record(
        session,
        "create",
        "organization",
        organization.id,
        changes=audit.diff({}, audit.snapshot(organization)),
        summary=organization.name_ja,
    )
    return organization


def organization_kind_errors(session: Session, organization: Organization, kind: str) -> list[str]:
    """Titles of promotions whose channel would not fit the organisation as ``kind``."""
    promotions = session.scalars(
        select(Promotion).where(Promotion.organization_id == organization.id)
    )
    probe = Organization(kind=kind, name_ja=organization.name_ja, name_en=organization.name_en)
    return [
        p.title
        for p in promotions
        if counterpart_errors(p.channel, p.partner_city, probe).get("organization_id")
    ]


def update_organization(
    session: Session, organization: Organization, values: Mapping[str, Any], user_id: int | None
) -> dict[str, list[Any]]:
    """Change an organisation (audited with the changes); returns the changes."""
    before = audit.snapshot(organization)
    for name, value in _clean_organization_values(values).items():
        setattr(organization, name, value)
    organization.updated_by_id = user_id
    session.flush()
    changes = audit.diff(before, audit.snapshot(organization))
    if changes:
        audit.record(session, "update", "organization", organization.id, changes=changes)
    return changes


class MergeError(ValueError):
    """Two organisations cannot be merged; the message says why."""

    def __init__(self, message: Any, blocking: list[str] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.blocking = blocking or []


@dataclass
class MergeResult:
    """What a merge did."""

    survivor: Organization
    merged: Organization
    moved_promotion_ids: list[int] = field(default_factory=list)


def merge_organizations(
    session: Session, survivor: Organization, duplicate: Organization, user_id: int | None
) -> MergeResult:
    """Merge ``duplicate`` into ``survivor``: its promotions move, it is marked and hidden.

    Refused when they are the same, when either was already merged, or when a moved
    promotion's channel would not fit the survivor's kind (the counterpart rule).
    """
    if survivor.id == duplicate.id:
        raise MergeError(_l("An organisation cannot be merged with itself."))
    if survivor.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise MergeError(_l("One of these organisations has already been merged."))
    promotions = list(
        session.scalars(
            select(Promotion)
            .options(joinedload(Promotion.partner_city))
            .where(Promotion.organization_id == duplicate.id)
            .order_by(Promotion.id)
        )
    )
    blocking = [
        p.title
        for p in promotions
        if counterpart_errors(p.channel, p.partner_city, survivor).get("organization_id")
    ]
    if blocking:
        raise MergeError(
            _l(
                "Some promotions of the merged organisation would not fit the kind of the "
                "one that stays. Change their channel first, or keep the other organisation."
            ),
            blocking,
        )
    for promotion in promotions:
        promotion.organization_id = survivor.id
        promotion.updated_by_id = user_id
        audit.record(
            session,
            "update",
            "promotion",
            promotion.id,
            changes={"organization_id": [duplicate.id, survivor.id]},
            summary=f"merge of organization {duplicate.id} into {survivor.id}",
        )
    # Organisations merged earlier into the duplicate now point at the survivor.
    for earlier in session.scalars(
        select(Organization).where(Organization.merged_into_id == duplicate.id)
    ):
        earlier.merged_into_id = survivor.id
    duplicate.merged_into_id = survivor.id
    duplicate.updated_by_id = user_id
    session.flush()
    moved = [p.id for p in promotions]
    audit.record(
        session,
        "update",
        "organization",
        duplicate.id,
        changes={"merged_into_id": [None, survivor.id], "moved_promotions": [moved, []]},
        summary=f"merged into organization {survivor.id}",
    )
    audit.record(
        session,
        "update",
        "organization",
        survivor.id,
        changes={"absorbed_organization": [None, duplicate.id], "moved_promotions": [[], moved]},
        summary=f"organization {duplicate.id} merged into this one",
    )
    return MergeResult(survivor=survivor, merged=duplicate, moved_promotion_ids=moved)


# ------------------------------------------------------------------------------ history

HISTORY_FIELD_LABELS: dict[str, Any] = {
    "start_date": _l("Date (first day)"),
    "end_date": _l("Last day (if more than one day)"),
    "title": _l("Title"),
    "channel": _l("Channel"),
    "partner_city_id": _l("Partner city"),
    "organization_id": _l("Organisation"),
    "theme": _l("Theme"),
    "medium": _l("Medium"),
    "reach": _l("Audience reach (people)"),
    "leading_projects": _l("Leading projects"),
    "counts_toward_3b": _l("Counts toward indicator 3b"),
    "exclusion_reason": _l("Reason it does not count"),
    "notes": _l("Notes"),
    "kind": _l("Kind"),
    "country": _l("Country"),
    "name_ja": _l("Name (Japanese)"),
    "name_en": _l("Name (English)"),
    "merged_into_id": _l("Merged into"),
    "absorbed_organization": _l("Absorbed organisation"),
    "moved_promotions": _l("Promotions moved"),
    "external_id": _l("External ID"),
}
HISTORY_ACTION_LABELS: dict[str, Any] = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "export": _l("Exported"),
    "import": _l("Imported"),
}
_VALUE_LABELS: dict[str, Mapping[str, Any]] = {
    "channel": vocab.PROMOTION_CHANNEL_LABELS,
    "theme": vocab.PROMOTION_THEME_LABELS,
    "medium": vocab.PROMOTION_MEDIUM_LABELS,
    "kind": vocab.ORGANIZATION_KIND_LABELS,
}


@dataclass
class HistoryLine:
    """One audit entry made readable: who, when, what, and each change as label/old/new."""

    entry: Any
    action: Any
    changes: list[tuple[Any, Any, Any]]


def readable_history(
    session: Session, entries: Sequence[Any], lang: str = "ja"
) -> list[HistoryLine]:
    """Audit entries of a promotion or organisation with labels and names instead of codes."""
    city_ids: set[int] = set()
    org_ids: set[int] = set()
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            target = city_ids if name == "partner_city_id" else org_ids
            if name in (
                "partner_city_id",
                "organization_id",
                "merged_into_id",
                "absorbed_organization",
            ):
                target.update(v for v in pair if isinstance(v, int))
    cities = (
        {
            c.id: c.name(lang)
            for c in session.scalars(select(PartnerCity).where(PartnerCity.id.in_(city_ids)))
        }
        if city_ids
        else {}
    )
    orgs = (
        {
            o.id: o.name(lang)
            for o in session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
        }
        if org_ids
        else {}
    )

    def show(name: str, value: Any) -> Any:
        if value is None or value == "" or value == []:
            return "—"
        if name == "partner_city_id":
            return cities.get(value, value)
        if name in ("organization_id", "merged_into_id", "absorbed_organization"):
            return orgs.get(value, value)
        if name in _VALUE_LABELS:
            return _VALUE_LABELS[name].get(value, value)
        if isinstance(value, bool):
            return _l("Yes") if value else _l("No")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    lines = []
    for entry in entries:
        changes = []
        if entry.action == "update":
            for name, pair in (entry.changes or {}).items():
                old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
                changes.append(
                    (HISTORY_FIELD_LABELS.get(name, name), show(name, old), show(name, new))
                )
        lines.append(
            HistoryLine(
                entry=entry,
                action=HISTORY_ACTION_LABELS.get(entry.action, entry.action),
                changes=changes,
            )
        )
    return lines


# ------------------------------------------------------------------------------- export

EXPORT_HEADERS = (
    "ID",
    "開始日",
    "終了日",
    "年度",
    "件名",
    "チャネル",
    "友好姉妹都市等",
    "機関・団体",
    "テーマ",
    "媒体",
    "リーディングプロジェクト",
    "発信対象者数",
    "指標3bに計上",
    "計上しない理由",
    "備考",
)


def export_rows(session: Session, filters: PromotionFilters) -> list[list[Any]]:
    """The promotions matching ``filters`` as export rows, labels in Japanese."""
    promotions = session.scalars(promotion_list_statement(filters)).unique()
    rows: list[list[Any]] = []
    with force_locale("ja"):
        for p in promotions:
            rows.append(
                [
                    p.id,
                    p.start_date,
                    p.end_date,
                    fiscal_year_of(p.start_date),
                    p.title,
                    str(vocab.PROMOTION_CHANNEL_LABELS[p.channel]),
                    p.partner_city.name_ja if p.partner_city else "",
                    p.organization.name_ja if p.organization else "",
                    str(vocab.PROMOTION_THEME_LABELS[p.theme]),
                    str(vocab.PROMOTION_MEDIUM_LABELS[p.medium]),
                    "、".join(str(lp.number) for lp in p.leading_projects),
                    p.reach,
                    "はい" if p.counts_toward_3b else "いいえ",
                    p.exclusion_reason or "",
                    p.notes or "",
                ]
            )
    return rows
