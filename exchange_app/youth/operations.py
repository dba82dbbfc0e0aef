"""Writing youth programmes and participants: each function adds, flushes and audits.

The view commits once. A save that changes nothing writes nothing; personal values
never reach the audit trail (the declaration marks them, ``records.history.diff`` masks
them).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.importing import uploads
from exchange_app.models import Participant, YouthPerson, YouthProgram
from exchange_app.records import operations
from exchange_app.records.kind import RecordValues
from exchange_app.records.operations import RecordRefused
from exchange_app.services import audit
from exchange_app.vocab import AuditAction, EntityType, ParticipantStatus
from exchange_app.youth import queries
from exchange_app.youth.identity import identity_of
from exchange_app.youth.kind import (
    PARTICIPANTS,
    YOUTH_PROGRAMS,
    age_band,
    age_on,
    consent_before_selection,
    normalised,
    participated_only_once_started,
)

logger = logging.getLogger(__name__)


# --- programmes -------------------------------------------------------------------------


def create_program(
    session: Session, values: Mapping[str, Any], user_id: int | None
) -> YouthProgram:
    """Add a youth programme."""
    program: YouthProgram = operations.create(session, YOUTH_PROGRAMS, values, user_id)
    return program


def refresh_age_band(participant: Participant, start: date) -> None:
    """Store the participant's age band at the programme's start (kept after anonymisation)."""
    if participant.birth_date is not None:
        participant.age_band = age_band(age_on(participant.birth_date, start))


def update_program(
    session: Session, program: YouthProgram, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a programme; a new start date moves its participants' age bands with it."""
    changes = operations.update(session, YOUTH_PROGRAMS, program, values, user_id)
    if "start_date" in changes:
        for participant in program.participants:
            refresh_age_band(participant, program.start_date)
        session.flush()
    return changes


def delete_program(session: Session, program: YouthProgram) -> None:
    """Remove a programme and its participants; the audit entry says how many went with it."""
    registered = session.scalar(
        select(func.count()).select_from(Participant).where(Participant.program_id == program.id)
    )
    operations.delete(
        session,
        YOUTH_PROGRAMS,
        program,
        summary=f"{program.title} ({registered or 0} participant records deleted with it)",
    )


# --- participants -----------------------------------------------------------------------


class AlreadyRegistered(RecordRefused):
    """The same person is already registered on this programme."""

    def __init__(self) -> None:
        super().__init__(
            {"family_name_kana": _("This person is already registered on this programme.")}
        )


class PersonChoiceNeeded(Exception):
    """A person who is, or may be, the one being registered is known: is it the same?"""

    def __init__(self, matches: list[queries.PersonMatch]) -> None:
        super().__init__(f"{len(matches)} matching persons")
        self.matches = matches


class ConsentRequired(ValueError):
    """A youth cannot be selected or take part before the guardian's consent is received."""


class StatusRefused(ValueError):
    """A status the participant cannot have now (taken part before the start); the message."""


def person_to_link(
    session: Session, program: YouthProgram, values: Mapping[str, Any], person_choice: str
) -> YouthPerson | None:
    """The known person a new registration stands for (None: a new person).

    ``person_choice`` is the user's answer: "" (not asked yet), "new", or a person's id.
    Every match is offered, never linked silently. Raises ``AlreadyRegistered`` when the
    person is on the programme already, and ``PersonChoiceNeeded`` when a person who is or
    may be the same is known and the user has not chosen.
    """
    identity = identity_of(values)
    matches = queries.matching_persons(session, identity)
    person = None
    if person_choice.isdigit():
        person = next((m.person for m in matches if m.person.id == int(person_choice)), None)
        if person is None:
            person_choice = ""  # an answer about someone else: ask again
    if queries.duplicate_on_program(
        session, program.id, identity, person_id=person.id if person else None
    ):
        raise AlreadyRegistered()
    if matches and person_choice == "":
        raise PersonChoiceNeeded(matches)
    return person


def register_participant(
    session: Session,
    program: YouthProgram,
    values: Mapping[str, Any],
    user_id: int | None,
    person: YouthPerson | None = None,
) -> Participant:
    """Add a participant to ``program``, linked to ``person`` (a new person when None)."""
    values = {**normalised(values), "program_id": program.id}
    participant = Participant(
        person=person if person is not None else YouthPerson(),
        age_band=age_band(age_on(values.get("birth_date"), program.start_date)),
    )
    summary = f"registered on programme {program.id}" + (
        f", linked to person {person.id}" if person else ""
    )
    created: Participant = operations.create(
        session, PARTICIPANTS, values, user_id, record=participant, summary=summary
    )
    return created


def update_participant(
    session: Session, participant: Participant, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a registration; refused (``AlreadyRegistered``) if it becomes a duplicate."""
    values = {**normalised(values), "program_id": participant.program_id}
    if queries.duplicate_on_program(
        session,
        participant.program_id,
        identity_of(values),
        person_id=participant.person_id,
        exclude_id=participant.id,
    ):
        raise AlreadyRegistered()
    birth = values.get("birth_date")
    if birth is not None:
        participant.age_band = age_band(age_on(birth, participant.program.start_date))
    return operations.update(session, PARTICIPANTS, participant, values, user_id)


def delete_participant(session: Session, participant: Participant, reason: str) -> None:
    """Remove a wrongly entered participant; the audit entry keeps the reason.

    Every count follows at once; a confirmed indicator figure stays as it was frozen
    (its difference page shows the deletion). A person left with no participation goes.
    """
    person = participant.person
    operations.delete(
        session,
        PARTICIPANTS,
        participant,
        summary=f"registration on programme {participant.program_id} deleted: {reason}",
    )
    if person is not None:
        remaining = session.scalar(
            select(func.count()).where(Participant.person_id == person.id)
        )
        if not remaining:
            session.delete(person)
            session.flush()


class PersonChangeRefused(ValueError):
    """A merge or split that would break the one-person-per-programme rule; the message."""


def merge_persons(
    session: Session, survivor: YouthPerson, duplicate: YouthPerson, user_id: int | None
) -> int:
    """Move every participation of ``duplicate`` to ``survivor``; returns how many moved.

    Refused when they are one person already, or when both are on the same programme
    (a person is on a programme once: delete the wrong registration first). The
    duplicate person goes; each moved participation's audit entry says from where.
    """
    if survivor.id == duplicate.id:
        raise PersonChangeRefused(_("A person cannot be merged with themselves."))
    shared = {p.program_id for p in survivor.participations} & {
        p.program_id for p in duplicate.participations
    }
    if shared:
        titles = sorted(
            {p.program.title for p in survivor.participations if p.program_id in shared}
        )
        raise PersonChangeRefused(
            _(
                "Both are registered on the same programme (%(titles)s), and a person is on a "
                "programme only once: delete the wrong registration first.",
                titles=", ".join(titles),
            )
        )
    moved = list(duplicate.participations)
    for participation in moved:
        _move(
            session,
            participation,
            survivor,
            user_id,
            f"merge of person {duplicate.id} into person {survivor.id}",
        )
    audit.record(
        session,
        AuditAction.DELETE,
        EntityType.YOUTH_PERSON,
        duplicate.id,
        summary=f"merged into person {survivor.id} ({len(moved)} participations moved)",
    )
    session.delete(duplicate)
    session.flush()
    return len(moved)


def split_participation(
    session: Session, participant: Participant, user_id: int | None
) -> YouthPerson:
    """Make a wrongly linked participation a person of its own; the new person."""
    former = participant.person
    if former is None or len(former.participations) < 2:
        raise PersonChangeRefused(_("This participation is already a person of its own."))
    person = YouthPerson()
    session.add(person)
    session.flush()
    _move(
        session,
        participant,
        person,
        user_id,
        f"split out of person {former.id} into new person {person.id}",
    )
    return person


def _move(
    session: Session,
    participation: Participant,
    person: YouthPerson,
    user_id: int | None,
    summary: str,
) -> None:
    """Link ``participation`` to ``person``; the audit entry says from whom, and why."""
    former_id = participation.person_id
    participation.person = person
    participation.updated_by_id = user_id
    session.flush()
    audit.record(
        session,
        AuditAction.UPDATE,
        EntityType.PARTICIPANT,
        participation.id,
        changes={"person_id": [former_id, person.id]},
        summary=summary,
    )
    session.flush()


def change_status(
    session: Session, participant: Participant, status: str, user_id: int | None
) -> dict[str, Any]:
    """Set a participant's status; refuses (``ConsentRequired``) what the consent rule forbids."""
    if status not in ParticipantStatus.values():
        raise ValueError(f"unknown status {status!r}")
    wanted = RecordValues(
        {
            "role": participant.role,
            "status": status,
            "guardian_consent_on": participant.guardian_consent_on,
        },
        {"program_id": {"start_date": participant.program.start_date}},
    )
    if any(consent_before_selection(wanted)):
        raise ConsentRequired(participant.id)
    for _key, message in participated_only_once_started(wanted):
        raise StatusRefused(message)
    return operations.update(session, PARTICIPANTS, participant, {"status": status}, user_id)


# --- who looked at and took out personal data -----------------------------------------------


def record_view(
    session: Session, entity_type: EntityType, entity_id: int, summary: str | None = None
) -> None:
    """Audit a look at personal data (a participant, a person, a programme's list)."""
    audit.record(session, AuditAction.VIEW, entity_type, entity_id, summary=summary)
    session.flush()


def record_list_view(session: Session, summary: str, participants: list[Participant]) -> None:
    """Audit a look at a list of participants from several programmes: whose data it was."""
    audit.record(
        session,
        AuditAction.VIEW,
        EntityType.PARTICIPANT,
        None,
        summary=summary,
        changes={"participant_ids": [p.id for p in participants]},
    )
    session.flush()


def record_participant_export(
    session: Session, program: YouthProgram, participants: list[Participant]
) -> None:
    """Audit the export of a programme's participant list: who took whose data."""
    audit.record(
        session,
        AuditAction.EXPORT,
        EntityType.YOUTH_PROGRAM,
        program.id,
        summary=f"participant list exported as xlsx ({len(participants)} records)",
        changes={"participant_ids": [p.id for p in participants]},
    )
    session.flush()


# --- retention --------------------------------------------------------------------------


def purge_personal_data(session: Session, before: date) -> int:
    """Anonymise participants of programmes that ended before ``before``; returns how many.

    Every pending upload (an import waiting for confirmation, which may hold the very data
    purged) is discarded too, and counterparts not met since ``before`` lose their private
    contacts (``counterparts.operations.purge_private_contacts``).

    Every field the declaration marks personal is removed (names, kana, romaji, birth
    date, school, grade, guardian's name and contacts, emergency contact, notes), and
    photo consent is withdrawn. Role, residence, status, age band, the consent date
    (the consent rule needs it), the person link and the programme stay, so every
    count and indicator is the same before and after.
    """
    from exchange_app.counterparts.operations import purge_private_contacts

    uploads.discard_all(session)
    purge_private_contacts(session, before)
    participants = list(session.scalars(queries.purge_statement(before)))
    now = utcnow()
    for participant in participants:
        if participant.age_band is None:
            refresh_age_band(participant, participant.program.start_date)
        for item in PARTICIPANTS.personal_fields:
            setattr(participant, item.model_attribute, None)
        participant.photo_consent = False
        participant.anonymized_at = now
    if participants:
        audit.record(
            session,
            AuditAction.PURGE,
            EntityType.PARTICIPANT,
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
        assert driver is not None
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
