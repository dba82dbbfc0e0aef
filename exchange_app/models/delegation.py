"""Delegation visits, both ways, with their members, courtesy calls and gifts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base
from exchange_app.models.counterpart import Counterpart
from exchange_app.models.mixins import EditableRecord, one_of
from exchange_app.models.partner import PartnerCity
from exchange_app.models.reference import LeadingProject
from exchange_app.vocab import (
    Direction,
    ExchangeField,
    GiftDirection,
)

delegation_leading_projects = Table(
    "delegation_leading_projects",
    Base.metadata,
    Column("delegation_id", ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True),
    Column("leading_project_id", ForeignKey("leading_projects.id"), primary_key=True),
)


class Delegation(EditableRecord, Base):
    """A delegation the city sent (outbound, 派遣) or hosted (inbound, 受入)."""

    __tablename__ = "delegations"
    __table_args__ = (
        one_of("direction", Direction),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("member_count >= 1", name="member_count_positive"),
        CheckConstraint(
            "partner_city_id IS NOT NULL OR counterpart IS NOT NULL", name="partner_or_counterpart"
        ),
        Index("ix_delegations_start_date_id", "start_date", "id"),
        # A partner city's records by date: its page, its history, the list filtered by city.
        Index("ix_delegations_partner_city_id_start_date", "partner_city_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(10))
    partner_city_id: Mapped[int | None] = mapped_column(ForeignKey("partner_cities.id"), index=True)
    counterpart: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    head_name: Mapped[str | None] = mapped_column(String(100))
    head_title: Mapped[str | None] = mapped_column(String(100))
    member_count: Mapped[int]
    purpose: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)

    partner_city: Mapped[PartnerCity | None] = relationship()
    field_rows: Mapped[list[DelegationField]] = relationship(
        cascade="all, delete-orphan", order_by="DelegationField.field"
    )
    leading_projects: Mapped[list[LeadingProject]] = relationship(
        secondary=delegation_leading_projects, order_by="LeadingProject.number"
    )
    members: Mapped[list[DelegationMember]] = relationship(
        back_populates="delegation",
        cascade="all, delete-orphan",
        order_by="DelegationMember.position",
    )
    courtesy_calls: Mapped[list[CourtesyCall]] = relationship(
        back_populates="delegation", cascade="all, delete-orphan", order_by="CourtesyCall.position"
    )
    gifts: Mapped[list[Gift]] = relationship(
        back_populates="delegation", cascade="all, delete-orphan", order_by="Gift.position"
    )

    @property
    def fields(self) -> list[str]:
        """The fields of exchange of this visit."""
        return [row.field for row in self.field_rows]

    @fields.setter
    def fields(self, values: list[str]) -> None:
        current = {row.field: row for row in self.field_rows}
        self.field_rows = [
            current.get(v) or DelegationField(field=v) for v in dict.fromkeys(values)
        ]


class DelegationField(Base):
    """A field of exchange of one delegation."""

    __tablename__ = "delegation_fields"
    __table_args__ = (one_of("field", ExchangeField),)

    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)


class DelegationMember(Base):
    """A member of a delegation."""

    __tablename__ = "delegation_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100))
    organization: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    counterpart_id: Mapped[int | None] = mapped_column(
        ForeignKey("counterparts.id", ondelete="SET NULL"), index=True
    )

    delegation: Mapped[Delegation] = relationship(back_populates="members")
    person: Mapped[Counterpart | None] = relationship()


class CourtesyCall(Base):
    """A courtesy call (表敬訪問) made or received during a visit."""

    __tablename__ = "courtesy_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    visited: Mapped[str] = mapped_column(String(200))
    visited_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    counterpart_id: Mapped[int | None] = mapped_column(
        ForeignKey("counterparts.id", ondelete="SET NULL"), index=True
    )

    delegation: Mapped[Delegation] = relationship(back_populates="courtesy_calls")
    person: Mapped[Counterpart | None] = relationship()


class Gift(Base):
    """A gift (贈呈品) given or received during a visit."""

    __tablename__ = "gifts"
    __table_args__ = (one_of("direction", GiftDirection),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    direction: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(500))
    counterpart: Mapped[str | None] = mapped_column(String(200))
    given_on: Mapped[date | None] = mapped_column(Date)
    counterpart_id: Mapped[int | None] = mapped_column(
        ForeignKey("counterparts.id", ondelete="SET NULL"), index=True
    )

    delegation: Mapped[Delegation] = relationship(back_populates="gifts")
    person: Mapped[Counterpart | None] = relationship()
