"""Youth exchange programmes, the young people registered on them, and their persons."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base, UTCDateTime, utcnow
from exchange_app.models.mixins import EditableRecord, one_of
from exchange_app.models.partner import PartnerCity
from exchange_app.vocab import (
    Direction,
    ParticipantRole,
    ParticipantStatus,
    YouthProgramKind,
)


class YouthProgram(EditableRecord, Base):
    """A youth exchange (青少年交流) or an international conference young people attend."""

    __tablename__ = "youth_programs"
    __table_args__ = (
        one_of("kind", YouthProgramKind),
        one_of("direction", Direction),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint(
            "kind <> 'partner_exchange' OR partner_city_id IS NOT NULL",
            name="partner_exchange_has_partner",
        ),
        Index("ix_youth_programs_start_date_id", "start_date", "id"),
        # A partner city's records by date: its page, its history, the list filtered by city.
        Index("ix_youth_programs_partner_city_id_start_date", "partner_city_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    partner_city_id: Mapped[int | None] = mapped_column(ForeignKey("partner_cities.id"), index=True)
    counterpart: Mapped[str | None] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)

    partner_city: Mapped[PartnerCity | None] = relationship()
    participants: Mapped[list[Participant]] = relationship(
        back_populates="program", cascade="all, delete-orphan", order_by="Participant.id"
    )


class YouthPerson(Base):
    """One young person across programmes (who is the same: ``youth.identity``).

    Holds no personal data of its own: it only links participations, so counts of
    unique persons survive the anonymisation of the participations.
    """

    __tablename__ = "youth_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    participations: Mapped[list[Participant]] = relationship(back_populates="person")


class Participant(EditableRecord, Base):
    """One person's registration on one programme.

    Name, contact, birth date and school are personal data: they are nullable so
    that anonymisation can remove them while role, residence, status and age band
    (and so every count) stay.
    """

    __tablename__ = "participants"
    __table_args__ = (
        one_of("role", ParticipantRole),
        one_of("status", ParticipantStatus),
        CheckConstraint(
            "NOT (role = 'youth' AND status IN ('selected', 'participated')"
            " AND guardian_consent_on IS NULL)",
            name="youth_selected_needs_consent",
        ),
        UniqueConstraint("program_id", "person_id"),
        # The same person is looked for among those born on the same day (youth.identity).
        Index("ix_participants_birth_date", "birth_date"),
        # Counts of a programme's participations (5b with its different people, the counts
        # by status and role) read from the index alone.
        Index(
            "ix_participants_program_counts",
            "program_id",
            "role",
            "status",
            "resident",
            "person_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("youth_programs.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("youth_persons.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    resident: Mapped[bool]
    status: Mapped[str] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(10))

    family_name: Mapped[str | None] = mapped_column(String(50))
    given_name: Mapped[str | None] = mapped_column(String(50))
    family_name_kana: Mapped[str | None] = mapped_column(String(50))
    given_name_kana: Mapped[str | None] = mapped_column(String(50))
    family_name_romaji: Mapped[str | None] = mapped_column(String(50))
    given_name_romaji: Mapped[str | None] = mapped_column(String(50))
    birth_date: Mapped[date | None] = mapped_column(Date)
    school: Mapped[str | None] = mapped_column(String(100))
    grade: Mapped[str | None] = mapped_column(String(20))
    guardian_name: Mapped[str | None] = mapped_column(String(100))
    guardian_phone: Mapped[str | None] = mapped_column(String(30))
    guardian_email: Mapped[str | None] = mapped_column(String(254))
    guardian_consent_on: Mapped[date | None] = mapped_column(Date)
    emergency_contact: Mapped[str | None] = mapped_column(String(200))
    photo_consent: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    # A youth whose age at the start is outside the youth range, registered as youth on
    # purpose (youth.kind.youth_age_in_range).
    age_confirmed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The participant's number in the office's own roster (optional, import only).
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    program: Mapped[YouthProgram] = relationship(back_populates="participants")
    person: Mapped[YouthPerson | None] = relationship(back_populates="participations")
