"""Reading youth programmes and participants, and THE counts of participations.

``participation_counts`` is the one count of participations (延べ) and of different
people (実人数): the programme page, the list, a partner city's page and the 5b page
all call it, each with the conditions of what it counts. ``youth_5b_statement`` holds
the rule of indicator 5b.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from exchange_app.importing.bulk import chunks
from exchange_app.models import Participant, PartnerCity, YouthPerson, YouthProgram
from exchange_app.records.filters import (
    ListFilters,
    in_city,
    in_fiscal_year,
    parse_list_filters,
    text_matches,
)
from exchange_app.vocab import (
    Direction,
    ParticipantRole,
    ParticipantStatus,
    YouthProgramKind,
)
from exchange_app.youth.identity import Identity, Likeness, identity_of_record, likeness

# --- THE counts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Participations:
    """How many participations (延べ) and how many different people (実人数) a set holds.

    A participation not linked to a youth person counts as a person of its own.
    """

    participations: int = 0
    persons: int = 0


def participation_counts(
    session: Session, *conditions: ColumnElement[bool], by_program: bool = False
) -> dict[int | None, Participations]:
    """Participations and different people among those meeting ``conditions``.

    The conditions may name the programme's columns (the programme is joined). Keyed
    by programme id when ``by_program``, else under the key None. One query.
    """
    person = func.coalesce(Participant.person_id, -Participant.id)
    groups: list[Any] = [Participant.program_id] if by_program else []
    rows = session.execute(
        select(*groups, func.count(), func.count(func.distinct(person)))
        .select_from(Participant)
        .join(YouthProgram, Participant.program_id == YouthProgram.id)
        .where(*conditions)
        .group_by(*groups)
    )
    result: dict[int | None, Participations] = {}
    for row in rows:
        key = row[0] if by_program else None
        result[key] = Participations(int(row[-2]), int(row[-1]))
    return result


def participations_of(session: Session, *conditions: ColumnElement[bool]) -> Participations:
    """``participation_counts`` of every participation meeting ``conditions``, not grouped."""
    return participation_counts(session, *conditions).get(None, Participations())


# --- indicator 5b ---------------------------------------------------------------------------


def counted_toward_5b() -> tuple[ColumnElement[bool], ...]:
    """The conditions of indicator 5b other than the year (see ``youth_5b_statement``)."""
    return (
        Participant.role == ParticipantRole.YOUTH,
        Participant.resident.is_(True),
        Participant.status == ParticipantStatus.PARTICIPATED,
        or_(
            and_(
                YouthProgram.kind == YouthProgramKind.PARTNER_EXCHANGE,
                YouthProgram.partner_city_id.is_not(None),
            ),
            YouthProgram.kind == YouthProgramKind.INTERNATIONAL_CONFERENCE,
        ),
    )


def youth_5b_statement(fiscal_year: int) -> Select[int]:
    """Ids of the participations that indicator 5b counts for ``fiscal_year``.

    The rule: role ``youth``, resident of the city, status ``participated``, in a
    programme that is an exchange with a partner city or an international
    conference, whose start date falls in the fiscal year. 延べ: a person who
    takes part twice counts twice.
    """
    return (
        select(Participant.id)
        .join(YouthProgram, Participant.program_id == YouthProgram.id)
        .where(*counted_toward_5b(), *in_fiscal_year(YouthProgram.start_date, fiscal_year))
        .order_by(YouthProgram.start_date, Participant.id)
    )


def youth_5b_ids(session: Session, fiscal_year: int) -> list[int]:
    """The participations counted toward 5b in ``fiscal_year``."""
    return list(session.scalars(youth_5b_statement(fiscal_year)))


def youth_5b_participations(session: Session, fiscal_year: int) -> Participations:
    """Indicator 5b for ``fiscal_year``: participations counted (延べ) and their people."""
    in_year = in_fiscal_year(YouthProgram.start_date, fiscal_year)
    return participations_of(session, *counted_toward_5b(), *in_year)


def youth_5b_count(session: Session, fiscal_year: int) -> int:
    """Indicator 5b for ``fiscal_year``: participations counted (延べ)."""
    return youth_5b_participations(session, fiscal_year).participations


def youth_5b_unique_persons(session: Session, fiscal_year: int) -> int:
    """How many different young people the 5b participations of ``fiscal_year`` are."""
    return youth_5b_participations(session, fiscal_year).persons


def distinct_persons(session: Session, participant_ids: list[int]) -> int:
    """How many different people the participations ``participant_ids`` are (one query,
    also for none, so that a page's query count does not depend on the records)."""
    return participations_of(session, Participant.id.in_(participant_ids)).persons


# --- a programme's counts -------------------------------------------------------------------


def participations_per_programme(*conditions: ColumnElement[bool]) -> ScalarSelect[int]:
    """How many participations of the programme in the enclosing query meet ``conditions``:
    a correlated count answered from the participants' index, for totals by city or decade
    that are summed over programmes (a join of the participations to the programmes made
    PostgreSQL hash every participation, and SQLite without statistics read them all)."""
    return (
        select(func.count())
        .where(Participant.program_id == YouthProgram.id, *conditions)
        .correlate(YouthProgram)
        .scalar_subquery()
    )


@dataclass
class ProgramCounts:
    """A programme's participations: everyone registered, those 5b counts, and by kind."""

    registered: Participations = field(default_factory=Participations)
    counted_5b: Participations = field(default_factory=Participations)
    by_status: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ParticipantStatus.values(), 0)
    )
    by_role: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(ParticipantRole.values(), 0)
    )
    residents: int = 0
    non_residents: int = 0

    @property
    def total(self) -> int:
        """Every registration on the programme, whatever its status."""
        return self.registered.participations

    @property
    def not_counted_5b(self) -> int:
        """Registrations that indicator 5b does not count."""
        return self.registered.participations - self.counted_5b.participations


def program_counts(session: Session, program_ids: list[int]) -> dict[int, ProgramCounts]:
    """Counts for each programme in ``program_ids``; three queries whatever their number."""
    counts = {program_id: ProgramCounts() for program_id in program_ids}
    if not program_ids:
        return counts
    of_these = Participant.program_id.in_(program_ids)
    registered = participation_counts(session, of_these, by_program=True)
    # The 5b conditions joined to these programmes only (an IN over every year's 5b ids
    # made the database gather all of them first).
    counted = participation_counts(session, of_these, *counted_toward_5b(), by_program=True)
    for program_id, item in counts.items():
        item.registered = registered.get(program_id, Participations())
        item.counted_5b = counted.get(program_id, Participations())
    rows = session.execute(
        select(
            Participant.program_id,
            Participant.status,
            Participant.role,
            Participant.resident,
            func.count(),
        )
        .where(of_these)
        .group_by(
            Participant.program_id, Participant.status, Participant.role, Participant.resident
        )
    )
    for program_id, status, role, resident, number in rows:
        item = counts[program_id]
        item.by_status[status] += number
        item.by_role[role] += number
        if resident:
            item.residents += number
        else:
            item.non_residents += number
    return counts


# --- the programme list ---------------------------------------------------------------------

SORTS: dict[str, tuple[Any, ...]] = {
    "start_date": (YouthProgram.start_date, YouthProgram.id),
    "title": (YouthProgram.title, YouthProgram.id),
    "kind": (YouthProgram.kind, YouthProgram.start_date, YouthProgram.id),
    "direction": (YouthProgram.direction, YouthProgram.start_date, YouthProgram.id),
}
DEFAULT_SORT = "-start_date"


def parse_filters(args: Mapping[str, str]) -> ListFilters:
    """The programme list's filters from a query string."""
    return parse_list_filters(
        args,
        sorts=SORTS,
        default_sort=DEFAULT_SORT,
        vocabularies={"kind": YouthProgramKind, "direction": Direction},
    )


def filter_conditions(filters: ListFilters) -> list[ColumnElement[bool]]:
    """The conditions a programme must meet to be on the filtered list."""
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(
            text_matches(
                filters.q,
                YouthProgram.title,
                YouthProgram.counterpart,
                YouthProgram.description,
            )
        )
    if filters.city:
        conditions.append(in_city(YouthProgram.partner_city_id, filters.city))
    if filters.kind:
        conditions.append(YouthProgram.kind == filters.kind)
    if filters.direction:
        conditions.append(YouthProgram.direction == filters.direction)
    if filters.fiscal_year is not None:
        conditions += in_fiscal_year(YouthProgram.start_date, filters.fiscal_year)
    return conditions


def list_statement(filters: ListFilters) -> Select[YouthProgram]:
    """The programmes matching ``filters``, sorted, with their partner city loaded."""
    statement = (
        select(YouthProgram)
        .options(joinedload(YouthProgram.partner_city))
        .where(*filter_conditions(filters))
    )
    columns = SORTS[filters.sort_key]
    if filters.descending:
        return statement.order_by(*(column.desc() for column in columns))
    return statement.order_by(*columns)


# --- participants who cannot be matched ---------------------------------------------------

NOT_MATCHABLE_SORTS: dict[str, tuple[Any, ...]] = {
    "start_date": (YouthProgram.start_date, Participant.id),
    "name": (Participant.family_name_kana, Participant.family_name, Participant.id),
    "program": (YouthProgram.title, YouthProgram.start_date, Participant.id),
}
NOT_MATCHABLE_DEFAULT_SORT = "-start_date"


def not_matchable() -> ColumnElement[bool]:
    """``Identity.matchable`` in SQL: a participant not yet anonymised whom the identity
    cannot compare with anyone (no birth date, or neither a reading nor a name)."""
    return and_(
        Participant.anonymized_at.is_(None),
        or_(
            Participant.birth_date.is_(None),
            and_(
                Participant.family_name_kana.is_(None),
                Participant.given_name_kana.is_(None),
                Participant.family_name.is_(None),
                Participant.given_name.is_(None),
            ),
        ),
    )


def parse_not_matchable_filters(args: Mapping[str, str]) -> ListFilters:
    """The "needs checking" list's filters: a name, the programme's fiscal year, a sort."""
    return parse_list_filters(
        args, sorts=NOT_MATCHABLE_SORTS, default_sort=NOT_MATCHABLE_DEFAULT_SORT
    )


def not_matchable_statement(filters: ListFilters) -> Select[Participant]:
    """The participants to check (``not_matchable``), with their programmes, filtered."""
    statement = (
        select(Participant)
        .join(YouthProgram, YouthProgram.id == Participant.program_id)
        .options(joinedload(Participant.program))
        .where(not_matchable())
    )
    if filters.q:
        statement = statement.where(
            text_matches(
                filters.q,
                Participant.family_name,
                Participant.given_name,
                Participant.family_name_kana,
                Participant.given_name_kana,
                Participant.school,
                YouthProgram.title,
            )
        )
    if filters.fiscal_year is not None:
        statement = statement.where(*in_fiscal_year(YouthProgram.start_date, filters.fiscal_year))
    columns = NOT_MATCHABLE_SORTS[filters.sort_key]
    if filters.descending:
        return statement.order_by(*(column.desc() for column in columns))
    return statement.order_by(*columns)


def not_matchable_count(session: Session) -> int:
    """How many participants need checking (shown where coordinators look)."""
    return session.scalar(select(func.count()).select_from(Participant).where(not_matchable())) or 0


# --- one programme, one participant, one person -------------------------------------------


def get_program(session: Session, program_id: int) -> YouthProgram | None:
    """A programme with its partner city."""
    return session.scalar(
        select(YouthProgram)
        .options(joinedload(YouthProgram.partner_city))
        .where(YouthProgram.id == program_id)
    )


# Participants listed per page on a programme's page.
PARTICIPANTS_PER_PAGE = 50


def program_participants_statement(program_id: int) -> Select[Participant]:
    """A programme's participants: youth first, then by kana name."""
    role_order = case(
        {role: index for index, role in enumerate(ParticipantRole.values())}, value=Participant.role
    )
    return (
        select(Participant)
        .where(Participant.program_id == program_id)
        .order_by(
            role_order,
            Participant.family_name_kana,
            Participant.given_name_kana,
            Participant.id,
        )
    )


def program_participants(session: Session, program_id: int) -> list[Participant]:
    """Every participant of a programme, in list order (for the export)."""
    return list(session.scalars(program_participants_statement(program_id)))


def get_participant(session: Session, participant_id: int) -> Participant | None:
    """A participant with its programme (and the programme's partner city)."""
    return session.scalar(
        select(Participant)
        .options(joinedload(Participant.program).joinedload(YouthProgram.partner_city))
        .where(Participant.id == participant_id)
    )


def get_person(session: Session, person_id: int) -> YouthPerson | None:
    """A person with every participation and its programme, oldest programme first."""
    person = session.scalar(
        select(YouthPerson)
        .options(
            selectinload(YouthPerson.participations)
            .joinedload(Participant.program)
            .joinedload(YouthProgram.partner_city)
        )
        .where(YouthPerson.id == person_id)
    )
    if person is not None:
        person.participations.sort(key=lambda p: (p.program.start_date, p.id))
    return person


@dataclass(frozen=True)
class PersonMatch:
    """A person already known who may be the one being registered, and how likely."""

    person: YouthPerson
    likeness: Likeness


# The participations of people born on given days: (identity, person id) by birth date.
KnownPersons = dict[date, list[tuple[Identity, int | None]]]


def identities_born_on(
    session: Session, births: Iterable[date], *conditions: ColumnElement[bool]
) -> KnownPersons:
    """The participations of people born on ``births`` (and ``conditions``), with identities.

    A few queries however many days: the form asks for one day, an import for thousands.
    """
    known: KnownPersons = {}
    for part in chunks(sorted(set(births))):
        rows = session.execute(
            select(
                Participant.person_id,
                Participant.family_name_kana,
                Participant.given_name_kana,
                Participant.family_name,
                Participant.given_name,
                Participant.birth_date,
                Participant.school,
            )
            .where(Participant.birth_date.in_(part), *conditions)
            .order_by(Participant.id)
        )
        for row in rows:
            known.setdefault(row.birth_date, []).append((identity_of_record(row), row.person_id))
    return known


def likely_persons(identities: Iterable[Identity], known: KnownPersons) -> dict[int, Likeness]:
    """The persons in ``known`` that any of ``identities`` is (SAME) or may be (POSSIBLE).

    SAME wins over POSSIBLE; persons in the order first found.
    """
    found: dict[int, Likeness] = {}
    for identity in identities:
        for other, person_id in known.get(identity.birth_date, []) if identity.birth_date else []:
            match = likeness(identity, other)
            if match is not None and person_id is not None and found.get(person_id) is not (
                Likeness.SAME
            ):
                found[person_id] = match
    return found


def _person_matches(session: Session, found: Mapping[int, Likeness]) -> list[PersonMatch]:
    """``found`` as persons with their participations and programmes, the likeliest first."""
    if not found:
        return []
    persons = session.scalars(
        select(YouthPerson)
        .options(selectinload(YouthPerson.participations).joinedload(Participant.program))
        .where(YouthPerson.id.in_(sorted(found)))
    )
    matches = [PersonMatch(person, found[person.id]) for person in persons]
    matches.sort(key=lambda m: (m.likeness is not Likeness.SAME, m.person.id))
    return matches


def matching_persons(session: Session, identity: Identity) -> list[PersonMatch]:
    """Persons already registered who are, or may be, ``identity`` (``likeness``)."""
    if not identity.matchable or identity.birth_date is None:
        return []
    known = identities_born_on(session, [identity.birth_date], Participant.person_id.is_not(None))
    return _person_matches(session, likely_persons([identity], known))


def possible_duplicates(session: Session, person: YouthPerson) -> list[PersonMatch]:
    """Other persons who are, or may be, ``person`` (by any of its participations)."""
    own = [identity_of_record(p) for p in person.participations if p.anonymized_at is None]
    births = [i.birth_date for i in own if i.matchable and i.birth_date]
    known = identities_born_on(session, births, Participant.person_id != person.id)
    return _person_matches(session, likely_persons(own, known))


def duplicate_on_program(
    session: Session,
    program_id: int,
    identity: Identity,
    *,
    person_id: int | None = None,
    exclude_id: int | None = None,
) -> bool:
    """Whether the same person is already registered on this programme.

    The same person: the one chosen (``person_id``), or one ``likeness`` calls the same.
    """
    conditions: list[ColumnElement[bool]] = [Participant.program_id == program_id]
    if exclude_id is not None:
        conditions.append(Participant.id != exclude_id)
    if person_id is not None:
        chosen = select(func.count()).where(*conditions, Participant.person_id == person_id)
        if session.scalar(chosen):
            return True
    if not identity.matchable or identity.birth_date is None:
        return False
    known = identities_born_on(session, [identity.birth_date], *conditions)
    same_day = known.get(identity.birth_date, [])
    return any(likeness(identity, other) is Likeness.SAME for other, _person in same_day)


# --- retention ------------------------------------------------------------------------------


def purge_statement(before: date) -> Select[Participant]:
    """Participants not yet anonymised whose programme ended before ``before``."""
    return (
        select(Participant)
        .join(YouthProgram, Participant.program_id == YouthProgram.id)
        .where(YouthProgram.end_date < before, Participant.anonymized_at.is_(None))
        .order_by(Participant.id)
    )


@dataclass(frozen=True)
class PurgePreview:
    """What a purge would change."""

    before: date
    participants: int
    programs: int
    counterparts: int = 0  # counterparts whose private contacts go

    @property
    def anything(self) -> bool:
        """Whether the purge would remove anything."""
        return bool(self.participants or self.counterparts)


def purge_preview(session: Session, before: date) -> PurgePreview:
    """How many participant records (of how many programmes) a purge would anonymise, and
    how many counterparts would lose their private contacts."""
    # Imported here so that the youth and counterparts features do not import each other
    # at start-up (the counterparts compare names with ``youth.identity``).
    from exchange_app.counterparts.operations import private_contacts_to_purge_count

    subquery = purge_statement(before).order_by(None).subquery()
    row = session.execute(
        select(func.count(), func.count(func.distinct(subquery.c.program_id))).select_from(subquery)
    ).one()
    return PurgePreview(
        before=before,
        participants=row[0],
        programs=row[1],
        counterparts=private_contacts_to_purge_count(session, before),
    )


# --- a partner city's page ----------------------------------------------------------------

# How many of a partner city's latest programmes its page lists.
PARTNER_PAGE_RECENT = 10


def partner_section(*, session: Session, city: PartnerCity) -> dict[str, Any]:
    """The youth section of a partner city's page: its latest programmes with their counts."""
    programs = list(
        session.scalars(
            select(YouthProgram)
            .where(YouthProgram.partner_city_id == city.id)
            .order_by(YouthProgram.start_date.desc(), YouthProgram.id.desc())
            .limit(PARTNER_PAGE_RECENT)
        )
    )
    return {"programs": programs, "counts": program_counts(session, [p.id for p in programs])}
