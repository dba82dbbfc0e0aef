"""The filters of every list page, read from the query string by one parser.

Every list spells a filter the same way: ``q`` (search), ``city`` (a partner city's
slug), ``fy`` (fiscal year), ``direction``, ``kind``, ``field``, ``lp`` (a leading
project's number), ``channel``, ``theme``, ``organization`` (an id) and ``sort``.
Older spellings (``partner=<id>``, ``city=<id>``, ``project=<id>``) are answered with a
redirect to the current one, so saved links keep working.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from werkzeug.datastructures import MultiDict

from exchange_app.models import LeadingProject, PartnerCity
from exchange_app.services.dates import fiscal_year_bounds, fiscal_years_on_record
from exchange_app.vocab import Vocabulary

FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 1900, 2200
# The largest id or number a filter takes (a database integer).
MAX_ID = 2**31 - 1
QUERY_LENGTH = 200

# The query-string name of each filter, where it differs from the attribute.
PARAMETER_NAMES = {"fiscal_year": "fy", "leading_project": "lp"}


def in_fiscal_year(column: Any, fiscal_year: int) -> tuple[ColumnElement[bool], ...]:
    """``column`` (a record's first day) falls in ``fiscal_year``, April to March: the one
    condition every list, total and indicator counts a record's year by."""
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    return (column >= first_day, column <= last_day)


def in_city(column: Any, slug: str) -> ColumnElement[bool]:
    """``column`` (a partner city id) is the city with ``slug``, compared with ``=`` (an
    ``IN`` subquery makes SQLite read all of the city's records to show a page of them)."""
    return column == select(PartnerCity.id).where(PartnerCity.slug == slug).scalar_subquery()


def with_leading_project(record_id: Any, link: Any, number: int) -> ColumnElement[bool]:
    """``record_id`` is linked, through the table ``link`` (its record's id and
    ``leading_project_id``), to the leading project numbered ``number``."""
    (record_column,) = (column for column in link.c if column.name != "leading_project_id")
    return record_id.in_(
        select(record_column)
        .join(LeadingProject, LeadingProject.id == link.c.leading_project_id)
        .where(LeadingProject.number == number)
    )


@dataclass(frozen=True)
class ListFilters:
    """What a list is narrowed to; every value already checked (empty means any)."""

    q: str = ""
    city: str = ""
    fiscal_year: int | None = None
    direction: str = ""
    kind: str = ""
    field: str = ""
    leading_project: int | None = None
    channel: str = ""
    theme: str = ""
    organization: int | None = None
    sort: str = ""
    default_sort: str = ""

    def as_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (empty ones and the default sort left out)."""
        args = {}
        for name, value in asdict(self).items():
            if name == "default_sort" or value in ("", None):
                continue
            if name == "sort" and value == self.default_sort:
                continue
            args[PARAMETER_NAMES.get(name, name)] = value
        return args

    @property
    def sort_key(self) -> str:
        """The sort without its direction (``date`` for ``-date``)."""
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        """Whether the list is sorted from the largest value down."""
        return self.sort.startswith("-")


def _int(raw: str | None, low: int = 1, high: int = MAX_ID) -> int | None:
    text = (raw or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if low <= value <= high else None


def _one_of(raw: str | None, vocabulary: type[Vocabulary] | None) -> str:
    if vocabulary is None or raw is None:
        return ""
    return raw if raw in vocabulary.values() else ""


def parse_list_filters(
    args: Mapping[str, str],
    *,
    sorts: Iterable[str],
    default_sort: str,
    vocabularies: Mapping[str, type[Vocabulary]] | None = None,
) -> ListFilters:
    """A list's filters from a query string; anything unknown or malformed is ignored.

    ``vocabularies`` names the vocabulary of each coded filter the list offers
    (``{"direction": Direction}``); a coded filter the list does not offer is ignored.
    """
    vocabularies = vocabularies or {}
    sort = args.get("sort") or default_sort
    if sort.removeprefix("-") not in set(sorts):
        sort = default_sort
    city = (args.get("city") or "").strip()[:40]
    return ListFilters(
        q=(args.get("q") or "").strip()[:QUERY_LENGTH],
        city="" if city.isdigit() else city,
        fiscal_year=_int(args.get("fy"), FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR),
        direction=_one_of(args.get("direction"), vocabularies.get("direction")),
        kind=_one_of(args.get("kind"), vocabularies.get("kind")),
        field=_one_of(args.get("field"), vocabularies.get("field")),
        leading_project=_int(args.get("lp"), 1, 99),
        channel=_one_of(args.get("channel"), vocabularies.get("channel")),
        theme=_one_of(args.get("theme"), vocabularies.get("theme")),
        organization=_int(args.get("organization")),
        sort=sort,
        default_sort=default_sort,
    )


def legacy_query(session: Session, args: MultiDict[str, str]) -> str | None:
    """The current query string for a link with an older spelling, or None if it has none.

    ``partner=<id>`` and ``city=<id>`` become ``city=<slug>``; ``project=<id>`` becomes
    ``lp=<number>``. Every other argument is kept as it was.
    """
    pairs = list(args.items(multi=True))
    names = {name for name, _value in pairs}
    city_id = _int(args.get("partner")) if "partner" in names else None
    if city_id is None and (args.get("city") or "").isdigit():
        city_id = _int(args.get("city"))
    project_id = _int(args.get("project")) if "project" in names else None
    if not ({"partner", "project"} & names or (args.get("city") or "").isdigit()):
        return None
    kept = [(name, value) for name, value in pairs if name not in ("partner", "project", "city")]
    if city_id is not None:
        slug = session.scalar(select(PartnerCity.slug).where(PartnerCity.id == city_id))
        if slug:
            kept.append(("city", slug))
    elif args.get("city") and not (args.get("city") or "").isdigit():
        kept.append(("city", args["city"]))
    if project_id is not None:
        number = session.scalar(
            select(LeadingProject.number).where(LeadingProject.id == project_id)
        )
        if number:
            kept.append(("lp", str(number)))
    return urlencode(kept)


def text_matches(text: str, *columns: Any) -> ColumnElement[bool]:
    """The list search: ``text`` within any of ``columns``, ignoring case, taken literally
    (``%`` and ``_`` are no wildcards)."""
    needle = text.lower()
    return or_(
        *(
            func.lower(func.coalesce(column, "")).contains(needle, autoescape=True)
            for column in columns
        )
    )


# --- what a list's filters offer ------------------------------------------------------------


def fiscal_years_recorded(session: Session, start_date: InstrumentedAttribute[Any]) -> list[int]:
    """Fiscal years from the earliest ``start_date`` recorded to the latest or this one,
    newest first: the fiscal-year filter of a list."""
    # Two scalar subqueries, not min() and max() in one select: SQLite answers each alone
    # from the start_date index, but scans every row for the pair.
    first, last = session.execute(
        select(
            select(func.min(start_date)).scalar_subquery(),
            select(func.max(start_date)).scalar_subquery(),
        )
    ).one()
    return fiscal_years_on_record(first, last)


def leading_projects(session: Session) -> list[LeadingProject]:
    """The strategy's leading projects, in number order: the leading-project filter."""
    return list(session.scalars(select(LeadingProject).order_by(LeadingProject.number)))
