"""Youth programmes and participants, and the indicator 5b rule."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from exchange_app.db import utcnow
from exchange_app.models import Participant, YouthPerson, YouthProgram
from exchange_app.services import audit
from exchange_app.services.dates import fiscal_year_bounds, fiscal_year_of
from exchange_app.vocab import (
    DIRECTIONS,
    PARTICIPANT_ROLES,
    PARTICIPANT_STATUSES,
    YOUTH_PROGRAM_KINDS,
)

logger = logging.getLogger(__name__)


def _counts_toward_5b() -> tuple[ColumnElement[bool], ...]:
    """The conditions of indicator 5b other than the year (see ``youth_5b_statement``)."""
    return (
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
    )


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
            *_counts_toward_5b(),
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


# --- Programmes -------------------------------------------------------------------------

PROGRAM_SORTS: dict[str, Any] = {
    "start_date": (YouthProgram.start_date, YouthProgram.id),
    "title": (YouthProgram.title, YouthProgram.id),
    "kind": (YouthProgram.kind, YouthProgram.start_date, YouthProgram.id),
    "direction": (YouthProgram.direction, YouthProgram.start_date, YouthProgram.id),
}
DEFAULT_PROGRAM_SORT = "-start_date"


@dataclass(frozen=True)
class ProgramFilters:
    """What the programme list is narrowed to; empty values mean 'any'."""

    q: str = ""
    partner_city_id: int | None = None
    kind: str = ""
    direction: str = ""
    fiscal_year: int | None = None
    sort: str = DEFAULT_PROGRAM_SORT


def program_filters_from(args: Mapping[str, str]) -> ProgramFilters:
    """Filters read from a query string; values outside the vocabularies are ignored."""

    def integer(raw: str | None) -> int | None:
        try:
            return int(raw) if raw else None
        except ValueError:
            return None

    fiscal_year = integer(args.get("fy"))
    if fiscal_year is not None and not 1900 <= fiscal_year <= 2200:
        fiscal_year = None
    sort = args.get("sort", DEFAULT_PROGRAM_SORT)
    if sort.removeprefix("-") not in PROGRAM_SORTS:
        sort = DEFAULT_PROGRAM_SORT
    kind = args.get("kind", "")
    direction = args.get("direction", "")
    return ProgramFilters(
        q=(args.get("q") or "").strip()[:100],
        partner_city_id=integer(args.get("city")),
        kind=kind if kind in YOUTH_PROGRAM_KINDS else "",
        direction=direction if direction in DIRECTIONS else "",
        fiscal_year=fiscal_year,
        sort=sort,
    )


def programs_statement(filters: ProgramFilters) -> Select[tuple[YouthProgram]]:
    """The programmes matching ``filters``, sorted, with their partner city loaded."""
    statement = select(YouthProgram).options(joinedload(YouthProgram.partner_city))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        statement = statement.where(
            or_(
                func.lower(YouthProgram.title).like(pattern),
                func.lower(func.coalesce(YouthProgram.counterpart, "")).like(pattern),
                func.lower(func.coalesce(YouthProgram.description, "")).like(pattern),
            )
        )
    if filters.partner_city_id is not None:
        statement = statement.where(YouthProgram.partner_city_id == filters.partner_city_id)
    if filters.kind:
        statement = statement.where(YouthProgram.kind == filters.kind)
    if filters.direction:
        statement = statement.where(YouthProgram.direction == filters.direction)
    if filters.fiscal_year is not None:
        first_day, last_day = fiscal_year_bounds(filters.fiscal_year)
        statement = statement.where(
            YouthProgram.start_date >= first_day, YouthProgram.start_date <= last_day
        )
    columns = PROGRAM_SORTS[filters.sort.removeprefix("-")]
    if filters.sort.startswith("-"):
        return statement.order_by(*(column.desc() for column in columns))
    return statement.order_by(*columns)


@dataclass
class ProgramCounts:
    """How many participations a programme (or a set of them) has, by status, role, residence."""

    total: int = 0
    by_status: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(PARTICIPANT_STATUSES, 0)
    )
    by_role: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTICIPANT_ROLES, 0))
    residents: int = 0
    non_residents: int = 0
    counted_5b: int = 0
    unique_persons: int = 0


def program_counts(session: Session, program_ids: list[int]) -> dict[int, ProgramCounts]:
    """Counts for each programme in ``program_ids``; three queries whatever their number."""
    counts = {program_id: ProgramCounts() for program_id in program_ids}
    if not program_ids:
        return counts
    rows = session.execute(
        select(
            Participant.program_id,
            Participant.status,
            Participant.role,
            Participant.resident,
            func.count(),
        )
        .where(Participant.program_id.in_(program_ids))
        .group_by(
            Participant.program_id, Participant.status, Participant.role, Participant.resident
        )
    )
    for program_id, status, role, resident, number in rows:
        item = counts[program_id]
        item.total += number
        item.by_status[status] += number
        item.by_role[role] += number
        if resident:
            item.residents += number
        else:
            item.non_residents += number
    persons = session.execute(
        select(
            Participant.program_id,
            func.count(func.distinct(func.coalesce(Participant.person_id, -Participant.id))),
        )
        .where(Participant.program_id.in_(program_ids))
        .group_by(Participant.program_id)
    )
    for program_id, number in persons:
        counts[program_id].unique_persons = number
    # The 5b conditions joined to these programmes only (an IN over every year's 5b ids
    # made the database gather all of them first).
    counted = session.execute(
        select(Participant.program_id, func.count())
        .join(YouthProgram, Participant.program_id == YouthProgram.id)
        .where(Participant.program_id.in_(program_ids), *_counts_toward_5b())
        .group_by(Participant.program_id)
    )
    for program_id, number in counted:
        counts[program_id].counted_5b = number
    return counts


def get_program(session: Session, program_id: int) -> YouthProgram | None:
    """A programme with its partner city."""
    return session.scalar(
        select(YouthProgram)
        .options(joinedload(YouthProgram.partner_city))
        .where(YouthProgram.id == program_id)
    )


# Participants listed per page on a programme's page.
PARTICIPANTS_PER_PAGE = 50


def program_participants_statement(program_id: int) -> Select[tuple[Participant]]:
    """A programme's participants: youth first, then by kana name."""
    role_order = case(
        {role: index for index, role in enumerate(PARTICIPANT_ROLES)}, value=Participant.role
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


# --- Participants -----------------------------------------------------------------------

PERSONAL_FIELDS = (
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "family_name_romaji",
    "given_name_romaji",
    "birth_date",
    "school",
    "grade",
    "guardian_name",
    "guardian_phone",
    "guardian_email",
    "emergency_contact",
    "notes",
)
"""The fields that identify or contact a person: removed by the purge, never audited as values."""

CONSENT_STATUSES = ("selected", "participated")

AGE_BANDS = ((0, 12, "0-12"), (13, 15, "13-15"), (16, 18, "16-18"), (19, 22, "19-22"))
ADULT_BAND = "23+"

_KANA_RE = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fb-\u30fe\s]+$")
_PHONE_RE = re.compile(r"^\+?[0-9()\- ]{6,}$")
_ROMAJI_RE = re.compile(r"^[A-Za-z][A-Za-z' \-.]*$")


def normalise_kana(value: str | None) -> str:
    """Kana as stored: full-width katakana, no surrounding or doubled spaces."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)
    return " ".join(text.split())


def is_kana(value: str) -> bool:
    """Whether ``value`` is written only in hiragana/katakana (and spaces)."""
    return bool(_KANA_RE.match(unicodedata.normalize("NFKC", value)))


def normalise_phone(value: str | None) -> str:
    """A phone number with full-width digits and dashes made half-width."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    return text.replace("ー", "-").replace("−", "-").replace("‐", "-")


def is_phone(value: str) -> bool:
    """Whether ``value`` looks like a phone number: digits, spaces, dashes, brackets, +."""
    return bool(_PHONE_RE.match(normalise_phone(value)))


def is_romaji(value: str) -> bool:
    """Whether ``value`` is written in Latin letters."""
    return bool(_ROMAJI_RE.match(unicodedata.normalize("NFKC", value).strip()))


def age_on(birth_date: date | None, day: date) -> int | None:
    """Age in whole years on ``day`` (None without a birth date)."""
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(age: int | None) -> str | None:
    """The coarse age band kept after anonymisation (``13-15`` ...)."""
    if age is None:
        return None
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return ADULT_BAND


def needs_consent(role: str, status: str, guardian_consent_on: date | None) -> bool:
    """Whether this breaks the rule that a youth is selected only with the guardian's consent."""
    return role == "youth" and status in CONSENT_STATUSES and guardian_consent_on is None


def refresh_age_band(participant: Participant, program: YouthProgram) -> None:
    """Store the participant's age band at the programme's start (kept after anonymisation)."""
    if participant.birth_date is not None:
        participant.age_band = age_band(age_on(participant.birth_date, program.start_date))


def matching_persons(
    session: Session, family_kana: str, given_kana: str, birth_date: date | None
) -> list[YouthPerson]:
    """Persons already registered with this kana name and birth date, with their participations."""
    if not family_kana or not given_kana or birth_date is None:
        return []
    person_ids = select(Participant.person_id).where(
        Participant.family_name_kana == family_kana,
        Participant.given_name_kana == given_kana,
        Participant.birth_date == birth_date,
        Participant.person_id.is_not(None),
    )
    return list(
        session.scalars(
            select(YouthPerson)
            .options(selectinload(YouthPerson.participations).joinedload(Participant.program))
            .where(YouthPerson.id.in_(person_ids))
            .order_by(YouthPerson.id)
        )
    )


def duplicate_on_program(
    session: Session,
    program_id: int,
    *,
    family_kana: str,
    given_kana: str,
    birth_date: date | None,
    person_id: int | None = None,
    exclude_id: int | None = None,
) -> bool:
    """Whether the same person is already registered on this programme."""
    same_person = and_(
        Participant.family_name_kana == family_kana,
        Participant.given_name_kana == given_kana,
        Participant.birth_date == birth_date if birth_date else Participant.birth_date.is_(None),
    )
    conditions = [same_person]
    if person_id is not None:
        conditions.append(Participant.person_id == person_id)
    statement = select(func.count()).where(Participant.program_id == program_id, or_(*conditions))
    if exclude_id is not None:
        statement = statement.where(Participant.id != exclude_id)
    return (session.scalar(statement) or 0) > 0


def register_participant(
    session: Session, program: YouthProgram, participant: Participant, person: YouthPerson | None
) -> Participant:
    """Add ``participant`` to ``program``, linked to ``person`` (a new person when None)."""
    if person is None:
        person = YouthPerson()
        session.add(person)
    participant.program = program
    participant.person = person
    refresh_age_band(participant, program)
    session.add(participant)
    session.flush()
    return participant


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


def participant_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """An audit diff in which personal values are never written, only that they changed.

    The audit trail outlives the purge, so it must not keep a copy of what the purge removes.
    """
    changes: dict[str, Any] = {}
    for key, values in audit.diff(before, after).items():
        changes[key] = ["(personal)", "(personal)"] if key in PERSONAL_FIELDS else values
    return changes


def set_status(participant: Participant, status: str) -> None:
    """Change a participant's status; refuses what the consent rule forbids."""
    if status not in PARTICIPANT_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if needs_consent(participant.role, status, participant.guardian_consent_on):
        raise ConsentRequired(participant.id)
    participant.status = status


class ConsentRequired(ValueError):
    """A youth cannot be selected or take part before the guardian's consent is received."""


def personal_rows(
    participants: list[Participant],
    program: YouthProgram,
    *,
    label: Callable[[str, Any], Any] = lambda _kind, value: value,
) -> list[list[Any]]:
    """The rows of a programme's participant list export, one column per ``EXPORT_COLUMNS``.

    ``label(kind, value)`` turns coded values (kind ``role``, ``status``, ``yes_no``) into
    the words of the export's language.
    """
    return [
        [
            p.family_name,
            p.given_name,
            p.family_name_kana,
            p.given_name_kana,
            " ".join(filter(None, [p.given_name_romaji, p.family_name_romaji])),
            p.birth_date,
            age_on(p.birth_date, program.start_date),
            p.school,
            p.grade,
            label("role", p.role),
            label("yes_no", p.resident),
            label("status", p.status),
            p.guardian_name,
            p.guardian_phone,
            p.guardian_email,
            p.guardian_consent_on,
            p.emergency_contact,
            label("yes_no", p.photo_consent),
        ]
        for p in participants
    ]


# --- Retention --------------------------------------------------------------------------


def purge_statement(before: date) -> Select[tuple[Participant]]:
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


def purge_preview(session: Session, before: date) -> PurgePreview:
    """How many participant records (of how many programmes) a purge would anonymise."""
    subquery = purge_statement(before).order_by(None).subquery()
    row = session.execute(
        select(func.count(), func.count(func.distinct(subquery.c.program_id))).select_from(subquery)
    ).one()
    return PurgePreview(before=before, participants=row[0], programs=row[1])


def purge_personal_data(session: Session, before: date) -> int:
    """Anonymise participants of programmes that ended before ``before``; returns how many.

    Names, kana, romaji, birth date, school, grade, guardian's name and contacts,
    emergency contact and notes are removed. Role, residence, status, age band, the
    consent date (the consent rule needs it), the person link and the programme
    stay, so every count and indicator is the same before and after.
    """
    participants = list(session.scalars(purge_statement(before)))
    now = utcnow()
    for participant in participants:
        if participant.age_band is None and participant.birth_date is not None:
            participant.age_band = age_band(
                age_on(participant.birth_date, participant.program.start_date)
            )
        for name in PERSONAL_FIELDS:
            setattr(participant, name, None)
        participant.photo_consent = False
        participant.anonymized_at = now
    if participants:
        audit.record(
            session,
            "purge",
            "participant",
            None,
            summary=f"personal data removed from {len(participants)} participant records "
            f"of programmes ended before {before.isoformat()}",
            changes={"participant_ids": [p.id for p in participants]},
        )
    session.flush()
    return len(participants)


def compact_storage(engine: Engine) -> bool:
    """Make removed values unrecoverable from SQLite's file (VACUUM, WAL checkpoint).

    Run after the purge has been committed; returns whether it could be done now (it
    gives up at once, rather than wait, when another connection holds the database).
    PostgreSQL has no single file to rewrite: its autovacuum reclaims the old rows.
    """
    if engine.dialect.name != "sqlite":
        return True
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        (timeout,) = driver.execute("PRAGMA busy_timeout").fetchone()
        driver.execute("PRAGMA busy_timeout=0")
        try:
            driver.execute("VACUUM")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as error:  # reported; the purge itself is already committed
            logger.warning("could not compact the database after the purge: %s", error)
            return False
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(timeout)}")
    finally:
        raw.close()
    return True


def program_fiscal_years(session: Session) -> list[int]:
    """The fiscal years from the earliest programme to the latest (newest first)."""
    first, last = session.execute(
        select(func.min(YouthProgram.start_date), func.max(YouthProgram.start_date))
    ).one()
    if first is None:
        return []
    return list(range(fiscal_year_of(last), fiscal_year_of(first) - 1, -1))


def partner_city_summary(session: Session, partner_city_id: int) -> dict[str, Any]:
    """A partner city's youth programmes (newest first) with their counts."""
    programs = list(
        session.scalars(
            select(YouthProgram)
            .where(YouthProgram.partner_city_id == partner_city_id)
            .order_by(YouthProgram.start_date.desc(), YouthProgram.id.desc())
            .limit(10)
        )
    )
    return {"programs": programs, "counts": program_counts(session, [p.id for p in programs])}
