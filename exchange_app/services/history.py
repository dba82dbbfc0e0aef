"""The history (沿革) of a partnership, drafted from what is recorded.

The history is read afresh from the records each time: relationship events,
delegations both ways, youth programmes (participants counted, never named) and
promotions. Staff choices (foreword, records left out, photo captions) live in a
``HistoryReport`` and are applied on top.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Integer, cast, extract, func, select
from sqlalchemy.orm import Session

from exchange_app.models import (
    Delegation,
    DelegationField,
    HistoryReport,
    Participant,
    PartnerCity,
    Promotion,
    RelationshipEvent,
    YouthProgram,
)
from exchange_app.services import anniversaries
from exchange_app.services.anniversaries import Milestone
from exchange_app.services.dates import today_in_japan
from exchange_app.vocab import (
    TRAVELLING_STATUSES,
    Direction,
    ExchangeField,
    HistoryLanguage,
    ParticipantRole,
    PromotionMedium,
    PromotionTheme,
    RelationshipEventKind,
)
from exchange_app.youth.queries import participations_per_programme

RECORD_KINDS = ("event", "delegation", "youth", "promotion")


class UnsupportedLanguage(ValueError):
    """A history was asked for in a language it is not offered in."""

    def __init__(self, language: str) -> None:
        super().__init__(
            f"language {language!r} is not offered; "
            f"choose one of {', '.join(HistoryLanguage.values())}"
        )
        self.language = language


def check_language(language: str | None) -> str:
    """``language`` if a history can be written in it (ja, en, both), else UnsupportedLanguage."""
    if language not in HistoryLanguage.values():
        raise UnsupportedLanguage(str(language))
    return language


def languages_of(language: str) -> list[str]:
    """The languages a document shows: ``both`` is Japanese and English side by side."""
    return ["ja", "en"] if language == "both" else [language]


@dataclass
class Entry:
    """One record in the chronology. Holds no personal data of young people."""

    key: str
    kind: str
    day: date
    precision: str = "day"
    end_day: date | None = None
    title: str = ""
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    event_kind: str | None = None
    direction: str | None = None
    head: str | None = None
    size: int | None = None
    youth_count: int = 0
    adult_count: int = 0
    purpose: str | None = None
    fields: list[str] = field(default_factory=list)
    theme: str | None = None
    medium: str | None = None
    reach: int | None = None

    def title_in(self, language: str) -> str:
        """The title in ``language`` when the record has one, else as recorded."""
        return (self.title_en or self.title) if language == "en" else self.title

    def description_in(self, language: str) -> str | None:
        """The description in ``language`` when the record has one."""
        return (self.description_en or self.description) if language == "en" else self.description


@dataclass
class Totals:
    """Counts over a span of years."""

    delegations_outbound: int = 0
    delegations_inbound: int = 0
    people_outbound: int = 0
    people_inbound: int = 0
    youth_programs: int = 0
    youth_outbound: int = 0
    youth_inbound: int = 0
    promotions: int = 0
    events: int = 0

    @property
    def delegations(self) -> int:
        """Delegations both ways."""
        return self.delegations_outbound + self.delegations_inbound

    @property
    def youth_participants(self) -> int:
        """Young people and their leaders, both ways."""
        return self.youth_outbound + self.youth_inbound

    @property
    def records(self) -> int:
        """Every record counted."""
        return self.delegations + self.youth_programs + self.promotions + self.events

    def add(self, entry: Entry) -> None:
        """Count ``entry``."""
        if entry.kind == "delegation":
            if entry.direction == "outbound":
                self.delegations_outbound += 1
                self.people_outbound += entry.size or 0
            else:
                self.delegations_inbound += 1
                self.people_inbound += entry.size or 0
        elif entry.kind == "youth":
            self.youth_programs += 1
            if entry.direction == "outbound":
                self.youth_outbound += entry.size or 0
            else:
                self.youth_inbound += entry.size or 0
        elif entry.kind == "promotion":
            self.promotions += 1
        else:
            self.events += 1


@dataclass
class History:
    """Everything a history document shows."""

    city: PartnerCity
    milestone: Milestone
    report: HistoryReport | None
    events: list[Entry]
    years: list[tuple[int, list[Entry]]]
    totals: Totals
    by_decade: list[tuple[int, Totals]]
    by_field: list[tuple[str, int, int]]
    excluded_count: int
    # Records of a year counted in the figures but not written out in the chronology.
    more_by_year: dict[int, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all is recorded for this partnership."""
        return not self.events and not self.years

    @property
    def first_year(self) -> int:
        """The year the partnership was established."""
        return self.city.established_on.year

    @property
    def entries(self) -> list[Entry]:
        """The chronology, flattened."""
        return [entry for _year, entries in self.years for entry in entries]

    @property
    def not_written_out(self) -> int:
        """Records counted in the figures that the chronology does not list one by one."""
        return sum(self.more_by_year.values())


# The most records a year of the chronology lists one by one. A city office records a
# handful a year; at many times that volume a year lists its relationship events and
# its largest exchanges, says how many more there were, and the figures count them all.
CHRONOLOGY_PER_YEAR = 8
KIND_WEIGHT = {"event": 0, "delegation": 1, "youth": 2, "promotion": 3}


def written_out(entries: list[Entry], limit: int) -> list[Entry]:
    """The entries of one year the chronology lists: all if few, else the most notable.

    Relationship events always; then delegations, youth exchanges and promotions, the
    largest first (members, participants, reach); kept in date order.
    """
    if len(entries) <= limit:
        return entries
    ranked = sorted(
        entries,
        key=lambda e: (KIND_WEIGHT[e.kind], -(e.size or e.reach or 0), e.day, e.key),
    )
    chosen = {entry.key for entry in ranked[: max(limit, sum(e.kind == "event" for e in entries))]}
    return [entry for entry in entries if entry.key in chosen]


# The entries are read as plain rows, not as ORM objects: a long partnership has
# thousands of records and the document needs only a few columns of each.


def _delegation_entries(
    session: Session, city: PartnerCity, until: date, since: date | None = None
) -> list[Entry]:
    matching = [Delegation.partner_city_id == city.id, Delegation.start_date <= until]
    if since:
        matching.append(Delegation.start_date >= since)
    fields: dict[int, list[str]] = defaultdict(list)
    for delegation_id, name in session.execute(
        select(DelegationField.delegation_id, DelegationField.field)
        .join(Delegation, Delegation.id == DelegationField.delegation_id)
        .where(*matching)
        .order_by(DelegationField.delegation_id, DelegationField.field)
    ):
        fields[delegation_id].append(name)
    rows = session.execute(
        select(
            Delegation.id,
            Delegation.start_date,
            Delegation.end_date,
            Delegation.title,
            Delegation.direction,
            Delegation.head_title,
            Delegation.head_name,
            Delegation.member_count,
            Delegation.purpose,
        )
        .where(*matching)
        .order_by(Delegation.start_date, Delegation.id)
    )
    return [
        Entry(
            key=f"delegation:{d.id}",
            kind="delegation",
            day=d.start_date,
            end_day=d.end_date,
            title=d.title,
            direction=d.direction,
            head=" ".join(part for part in (d.head_title, d.head_name) if part) or None,
            size=d.member_count,
            purpose=d.purpose,
            fields=fields.get(d.id, []),
        )
        for d in rows
    ]


def _youth_entries(
    session: Session, city: PartnerCity, until: date, since: date | None = None
) -> list[Entry]:
    matching = [YouthProgram.partner_city_id == city.id, YouthProgram.start_date <= until]
    if since:
        matching.append(YouthProgram.start_date >= since)
    programs = session.execute(
        select(
            YouthProgram.id,
            YouthProgram.start_date,
            YouthProgram.end_date,
            YouthProgram.title,
            YouthProgram.direction,
            YouthProgram.description,
        )
        .where(*matching)
        .order_by(YouthProgram.start_date, YouthProgram.id)
    ).all()
    # Only counts are read: no participant row (and so no name) is ever loaded.
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    if programs:
        rows = session.execute(
            select(Participant.program_id, Participant.role, func.count())
            .join(YouthProgram, YouthProgram.id == Participant.program_id)
            .where(*matching, Participant.status.in_(TRAVELLING_STATUSES))
            .group_by(Participant.program_id, Participant.role)
        )
        for program_id, role, count in rows:
            counts[program_id][role] += count
    entries = []
    for program in programs:
        youth = counts[program.id]["youth"]
        adults = counts[program.id]["chaperone"] + counts[program.id]["staff"]
        entries.append(
            Entry(
                key=f"youth:{program.id}",
                kind="youth",
                day=program.start_date,
                end_day=program.end_date,
                title=program.title,
                direction=program.direction,
                size=youth + adults,
                youth_count=youth,
                adult_count=adults,
                purpose=program.description,
                fields=["youth"],
            )
        )
    return entries


def _promotion_entries(
    session: Session, city: PartnerCity, until: date, since: date | None = None
) -> list[Entry]:
    matching = [Promotion.partner_city_id == city.id, Promotion.start_date <= until]
    if since:
        matching.append(Promotion.start_date >= since)
    promotions = session.execute(
        select(
            Promotion.id,
            Promotion.start_date,
            Promotion.end_date,
            Promotion.title,
            Promotion.theme,
            Promotion.medium,
            Promotion.reach,
        )
        .where(*matching)
        .order_by(Promotion.start_date, Promotion.id)
    )
    return [
        Entry(
            key=f"promotion:{p.id}",
            kind="promotion",
            day=p.start_date,
            end_day=p.end_date,
            title=p.title,
            theme=p.theme,
            medium=p.medium,
            reach=p.reach,
        )
        for p in promotions
    ]


def _event_entries(
    session: Session, city: PartnerCity, until: date, since: date | None = None
) -> list[Entry]:
    matching = [
        RelationshipEvent.partner_city_id == city.id,
        RelationshipEvent.occurred_on <= until,
    ]
    if since:
        matching.append(RelationshipEvent.occurred_on >= since)
    events = session.scalars(
        select(RelationshipEvent)
        .where(*matching)
        .order_by(RelationshipEvent.occurred_on, RelationshipEvent.id)
    )
    return [
        Entry(
            key=f"event:{e.id}",
            kind="event",
            day=e.occurred_on,
            precision=e.precision,
            title=e.title_ja,
            title_en=e.title_en,
            description=e.description_ja,
            description_en=e.description_en,
            event_kind=e.kind,
        )
        for e in events
    ]


def all_entries(
    session: Session, city: PartnerCity, milestone: Milestone, since: date | None = None
) -> list[Entry]:
    """Every record of the partnership up to the anniversary (from ``since``), oldest first."""
    until = milestone.latest_day
    entries = [
        *_event_entries(session, city, until, since),
        *_delegation_entries(session, city, until, since),
        *_youth_entries(session, city, until, since),
        *_promotion_entries(session, city, until, since),
    ]
    order = {kind: index for index, kind in enumerate(RECORD_KINDS)}
    return sorted(entries, key=lambda e: (e.day, order[e.kind], e.key))


def find_report(session: Session, city: PartnerCity, ordinal: int) -> HistoryReport | None:
    """The saved choices for ``city``'s ``ordinal``-th anniversary history, if any."""
    return session.scalar(
        select(HistoryReport).where(
            HistoryReport.partner_city_id == city.id, HistoryReport.ordinal == ordinal
        )
    )


def _milestone_and_report(
    session: Session, city: PartnerCity, ordinal: int | None, today: date | None
) -> tuple[Milestone, HistoryReport | None, set[str]]:
    today = today or today_in_japan()
    milestone = (
        anniversaries.milestone(city, ordinal)
        if ordinal
        else anniversaries.next_milestone(city, today)
    )
    report = find_report(session, city, milestone.ordinal)
    excluded = set(report.excluded_records or []) if report else set()
    return milestone, report, excluded


def _chronology(
    kept: list[Entry], per_year: int
) -> tuple[list[tuple[int, list[Entry]]], dict[int, int]]:
    """The entries by year as the chronology lists them, and how many each year leaves out."""
    by_year: dict[int, list[Entry]] = defaultdict(list)
    for entry in kept:
        # A step known only to its decade ("since the 1980s") has no year to be listed
        # under; the relationship chapter shows it with its decade.
        if entry.precision != "decade":
            by_year[entry.day.year].append(entry)
    years = []
    more_by_year = {}
    for year, year_entries in sorted(by_year.items()):
        listed = written_out(year_entries, per_year)
        years.append((year, listed))
        if len(listed) < len(year_entries):
            more_by_year[year] = len(year_entries) - len(listed)
    return years, more_by_year


def _sorted_fields(fields: Counter[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(field, delegations, youth programmes), the most frequent first."""
    field_names = list(
        dict.fromkeys(name for name, _kind in sorted(fields) if fields[(name, _kind)])
    )
    return sorted(
        ((name, fields[(name, "delegation")], fields[(name, "youth")]) for name in field_names),
        key=lambda row: (-(row[1] + row[2]), row[0]),
    )


def build_history(
    session: Session,
    city: PartnerCity,
    ordinal: int | None = None,
    today: date | None = None,
    per_year: int = CHRONOLOGY_PER_YEAR,
) -> History:
    """The history of ``city``'s partnership for its ``ordinal``-th (default: next) anniversary.

    The whole document (for the PDF, the appendix and the command line): every record
    is read. The figures count every record kept; the chronology lists at most
    ``per_year`` records a year (see ``written_out``).
    """
    milestone, report, excluded = _milestone_and_report(session, city, ordinal, today)
    entries = all_entries(session, city, milestone)
    kept = [entry for entry in entries if entry.key not in excluded]

    decades: dict[int, Totals] = defaultdict(Totals)
    fields: Counter[tuple[str, str]] = Counter()
    totals = Totals()
    for entry in kept:
        totals.add(entry)
        decades[entry.day.year // 10 * 10].add(entry)
        for name in entry.fields:
            fields[(name, entry.kind)] += 1
    years, more_by_year = _chronology(kept, per_year)
    return History(
        city=city,
        milestone=milestone,
        report=report,
        events=[entry for entry in kept if entry.kind == "event"],
        years=years,
        more_by_year=more_by_year,
        totals=totals,
        by_decade=sorted(decades.items()),
        by_field=_sorted_fields(fields),
        excluded_count=len(entries) - len(kept),
    )


def _decade_of(column: Any) -> Any:
    return cast(extract("year", column), Integer) // 10 * 10


def _ids_left_out(excluded: set[str], kind: str) -> list[int]:
    prefix = f"{kind}:"
    return [int(key[len(prefix) :]) for key in excluded if key.startswith(prefix)]


def _figures(
    session: Session, city: PartnerCity, until: date, excluded: set[str]
) -> tuple[dict[int, Totals], Counter[tuple[str, str]], int]:
    """The figures of every delegation, programme and promotion kept, counted in SQL.

    The same counts as ``Totals.add`` over the entries, without reading the records:
    per decade, the fields, and how many records the editors left out.
    """
    decades: dict[int, Totals] = defaultdict(Totals)
    fields: Counter[tuple[str, str]] = Counter()
    left_out = 0

    delegations_left_out = _ids_left_out(excluded, "delegation")
    delegation_scope = [Delegation.partner_city_id == city.id, Delegation.start_date <= until]
    kept_delegations = [*delegation_scope, Delegation.id.not_in(delegations_left_out)]
    decade = _decade_of(Delegation.start_date)
    for decade_start, direction, count, people in session.execute(
        select(decade, Delegation.direction, func.count(), func.sum(Delegation.member_count))
        .where(*kept_delegations)
        .group_by(decade, Delegation.direction)
    ):
        totals = decades[decade_start]
        if direction == "outbound":
            totals.delegations_outbound += count
            totals.people_outbound += people or 0
        else:
            totals.delegations_inbound += count
            totals.people_inbound += people or 0
    for name, count in session.execute(
        select(DelegationField.field, func.count())
        .join(Delegation, Delegation.id == DelegationField.delegation_id)
        .where(*kept_delegations)
        .group_by(DelegationField.field)
    ):
        fields[(name, "delegation")] += count

    programs_left_out = _ids_left_out(excluded, "youth")
    program_scope = [YouthProgram.partner_city_id == city.id, YouthProgram.start_date <= until]
    kept_programs = [*program_scope, YouthProgram.id.not_in(programs_left_out)]
    decade = _decade_of(YouthProgram.start_date)
    for decade_start, count in session.execute(
        select(decade, func.count()).where(*kept_programs).group_by(decade)
    ):
        decades[decade_start].youth_programs += count
        fields[("youth", "youth")] += count
    # Each programme's party, summed by decade (53 → 9 ms at scale 100 on PostgreSQL).
    party = participations_per_programme(
        Participant.status.in_(TRAVELLING_STATUSES),
        Participant.role.in_([role.value for role in ParticipantRole]),
    )
    parties = (
        select(YouthProgram.start_date, YouthProgram.direction, party.label("people"))
        .where(*kept_programs)
        .subquery()
    )
    party_decade = _decade_of(parties.c.start_date)
    for decade_start, direction, people in session.execute(
        select(party_decade, parties.c.direction, func.sum(parties.c.people)).group_by(
            party_decade, parties.c.direction
        )
    ):
        if direction == "outbound":
            decades[decade_start].youth_outbound += int(people or 0)
        else:
            decades[decade_start].youth_inbound += int(people or 0)

    promotions_left_out = _ids_left_out(excluded, "promotion")
    promotion_scope = [Promotion.partner_city_id == city.id, Promotion.start_date <= until]
    decade = _decade_of(Promotion.start_date)
    for decade_start, count in session.execute(
        select(decade, func.count())
        .where(*promotion_scope, Promotion.id.not_in(promotions_left_out))
        .group_by(decade)
    ):
        decades[decade_start].promotions += count

    for model, scope, ids in (
        (Delegation, delegation_scope, delegations_left_out),
        (YouthProgram, program_scope, programs_left_out),
        (Promotion, promotion_scope, promotions_left_out),
    ):
        if ids:
            left_out += (
                session.scalar(
                    select(func.count()).select_from(model).where(*scope, model.id.in_(ids))
                )
                or 0
            )
    return decades, fields, left_out


def build_overview(
    session: Session,
    city: PartnerCity,
    ordinal: int | None = None,
    today: date | None = None,
) -> History:
    """The history without its chronology: the figures of the whole partnership, exact.

    For the history page, which loads the chronology a decade at a time
    (``build_decade``): the figures are counted in the database, so the page reads no
    more rows with fifty years of records than with five.
    """
    milestone, report, excluded = _milestone_and_report(session, city, ordinal, today)
    until = milestone.latest_day
    decades, fields, left_out = _figures(session, city, until, excluded)
    events = _event_entries(session, city, until)
    kept_events = [entry for entry in events if entry.key not in excluded]
    for entry in kept_events:
        decades[entry.day.year // 10 * 10].add(entry)
    totals = Totals()
    for decade_totals in decades.values():
        for name in Totals.__dataclass_fields__:
            setattr(totals, name, getattr(totals, name) + getattr(decade_totals, name))
    return History(
        city=city,
        milestone=milestone,
        report=report,
        events=kept_events,
        years=[],
        totals=totals,
        by_decade=sorted(decades.items()),
        by_field=_sorted_fields(fields),
        excluded_count=left_out + len(events) - len(kept_events),
    )


def build_decade(
    session: Session,
    city: PartnerCity,
    decade: int,
    ordinal: int | None = None,
    today: date | None = None,
    per_year: int = CHRONOLOGY_PER_YEAR,
) -> History:
    """The history with the chronology of one decade only (``decade``: its first year).

    The same years, the same entries and the same "more records" counts as the whole
    document's chronology for those years; the figures are not counted.
    """
    milestone, report, excluded = _milestone_and_report(session, city, ordinal, today)
    since = date(decade, 1, 1)
    entries = [
        entry
        for entry in all_entries(session, city, milestone, since=since)
        if entry.day.year < decade + 10 and entry.key not in excluded
    ]
    years, more_by_year = _chronology(entries, per_year)
    return History(
        city=city,
        milestone=milestone,
        report=report,
        events=[],
        years=years,
        more_by_year=more_by_year,
        totals=Totals(),
        by_decade=[],
        by_field=[],
        excluded_count=0,
    )


def summary_paragraph(history: History, language: str) -> str:
    """A short paragraph built from the figures, in ``language`` (ja or en)."""
    totals = history.totals
    with force_locale(language):
        home = _("Kumamoto City")
        partner = history.city.name(language)
        if totals.delegations + totals.youth_programs + totals.promotions == 0:
            return _(
                "Since %(year)s, when %(home)s and %(partner)s became partners, no exchanges "
                "have been recorded in this system yet.",
                year=history.first_year,
                home=home,
                partner=partner,
            )
        parts = [
            _(
                "Since %(year)s, %(delegations)s delegations have travelled between %(home)s "
                "and %(partner)s: %(outbound)s sent by %(home)s with %(outbound_people)s "
                "people, and %(inbound)s received with %(inbound_people)s people.",
                year=history.first_year,
                delegations=_thousands(totals.delegations),
                home=home,
                partner=partner,
                outbound=_thousands(totals.delegations_outbound),
                outbound_people=_thousands(totals.people_outbound),
                inbound=_thousands(totals.delegations_inbound),
                inbound_people=_thousands(totals.people_inbound),
            )
        ]
        if totals.youth_programs:
            parts.append(
                _(
                    "%(programs)s youth exchange programmes brought %(people)s young people "
                    "and their leaders together.",
                    programs=_thousands(totals.youth_programs),
                    people=_thousands(totals.youth_participants),
                )
            )
        if totals.promotions:
            parts.append(
                _(
                    "%(home)s was presented to the people of %(partner)s on %(promotions)s "
                    "occasions.",
                    home=home,
                    partner=partner,
                    promotions=_thousands(totals.promotions),
                )
            )
        if history.by_field:
            parts.append(
                _(
                    "The exchanges were most active in the field of %(field)s.",
                    field=str(_field_label(history.by_field[0][0])),
                )
            )
        separator = "" if language == "ja" else " "
        return separator.join(parts)


def _thousands(number: int) -> str:
    return format(number, ",")


def _field_label(name: str) -> Any:
    return ExchangeField.label_of(name)


def appendix_sheets(history: History, entries: list[Entry], language: str) -> list[Any]:
    """The records of a history as spreadsheet sheets: (title, headers, rows) each."""
    from exchange_app.services.dates import format_date

    with force_locale(language):
        excluded = set(history.report.excluded_records or []) if history.report else set()
        included = _("Included")

        def status(entry: Entry) -> str:
            return str(_("Left out") if entry.key in excluded else included)

        def fields_text(entry: Entry) -> str:
            return ", ".join(str(ExchangeField.label_of(f)) for f in entry.fields)

        sheets = [
            (
                _("Delegations"),
                [
                    _("ID"),
                    _("Start"),
                    _("End"),
                    _("Direction"),
                    _("Title"),
                    _("Head"),
                    _("Members"),
                    _("Purpose"),
                    _("Fields of exchange"),
                    _("In the history"),
                ],
                [
                    [
                        e.key.split(":")[1],
                        e.day,
                        e.end_day,
                        str(Direction.label_of(e.direction)),
                        e.title,
                        e.head,
                        e.size,
                        e.purpose,
                        fields_text(e),
                        status(e),
                    ]
                    for e in entries
                    if e.kind == "delegation"
                ],
            ),
            (
                _("Youth programmes"),
                [
                    _("ID"),
                    _("Start"),
                    _("End"),
                    _("Direction"),
                    _("Title"),
                    _("Young people"),
                    _("Leaders"),
                    _("In the history"),
                ],
                [
                    [
                        e.key.split(":")[1],
                        e.day,
                        e.end_day,
                        str(Direction.label_of(e.direction)),
                        e.title,
                        e.youth_count,
                        e.adult_count,
                        status(e),
                    ]
                    for e in entries
                    if e.kind == "youth"
                ],
            ),
            (
                _("Promotions"),
                [
                    _("ID"),
                    _("Start"),
                    _("End"),
                    _("Title"),
                    _("Theme"),
                    _("Medium"),
                    _("Reach"),
                    _("In the history"),
                ],
                [
                    [
                        e.key.split(":")[1],
                        e.day,
                        e.end_day,
                        e.title,
                        str(PromotionTheme.label_of(e.theme)),
                        str(PromotionMedium.label_of(e.medium)),
                        e.reach,
                        status(e),
                    ]
                    for e in entries
                    if e.kind == "promotion"
                ],
            ),
            (
                _("Relationship events"),
                [_("ID"), _("Date"), _("Kind"), _("Title"), _("Description"), _("In the history")],
                [
                    [
                        e.key.split(":")[1],
                        format_date(e.day, language, e.precision),
                        str(RelationshipEventKind.label_of(e.event_kind)),
                        e.title_in(language),
                        e.description_in(language),
                        status(e),
                    ]
                    for e in entries
                    if e.kind == "event"
                ],
            ),
        ]
        return [(str(title), [str(h) for h in headers], rows) for title, headers, rows in sheets]


def new_report(session: Session, city: PartnerCity, ordinal: int) -> HistoryReport:
    """Add the saved choices for a history not edited before (defaults: Japanese, nothing out)."""
    report = HistoryReport(
        partner_city_id=city.id,
        ordinal=anniversaries.milestone(city, ordinal).ordinal,
        language="ja",
        excluded_records=[],
        photo_captions=[],
    )
    report.partner_city = city
    session.add(report)
    session.flush()
    return report
