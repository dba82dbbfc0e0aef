"""The strategy's indicators (検証指標), their targets and their yearly values."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base, UTCDateTime, utcnow
from exchange_app.models.mixins import EditableRecord, one_of
from exchange_app.models.user import User
from exchange_app.vocab import (
    IndicatorBasis,
    IndicatorSource,
    IndicatorUnit,
    IndicatorValueStatus,
)


class Indicator(EditableRecord, Base):
    """One of the fourteen indicators, with its baseline."""

    __tablename__ = "indicators"
    __table_args__ = (
        one_of("basis", IndicatorBasis),
        one_of("source", IndicatorSource),
        one_of("unit", IndicatorUnit),
        CheckConstraint("pillar IN (1, 2)", name="pillar"),
        CheckConstraint("policy IS NULL OR policy BETWEEN 1 AND 5", name="policy"),
        CheckConstraint(
            "(source = 'computed') = (computed_rule IS NOT NULL)", name="computed_has_rule"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name_ja: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    computed_rule: Mapped[str | None] = mapped_column(String(40))
    pillar: Mapped[int]
    policy: Mapped[int | None]
    is_representative: Mapped[bool] = mapped_column(default=False)
    cumulative: Mapped[bool] = mapped_column(default=False)
    baseline_value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    baseline_year: Mapped[int]
    display_order: Mapped[int] = mapped_column(default=0)

    targets: Mapped[list[IndicatorTarget]] = relationship(
        cascade="all, delete-orphan", order_by="IndicatorTarget.year"
    )
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.year"
    )

    def name(self, locale: str) -> str:
        """The indicator's name in ``locale``."""
        return self.name_en if locale == "en" else self.name_ja


class IndicatorTarget(Base):
    """A target value of an indicator for a year (2027, 2031)."""

    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class IndicatorValue(EditableRecord, Base):
    """An indicator's figure for one year: entered by staff, or frozen from the records."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "year"),
        one_of("status", IndicatorValueStatus),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    year: Mapped[int]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    source_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # For a confirmed computed figure: the ids of the records it counted.
    record_ids: Mapped[list[int] | None] = mapped_column(JSON)
    # For a confirmed figure of participations: how many different people they were (実人数).
    unique_persons: Mapped[int | None]
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    indicator: Mapped[Indicator] = relationship(back_populates="values")
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    revisions: Mapped[list[IndicatorValueRevision]] = relationship(
        back_populates="indicator_value", order_by="IndicatorValueRevision.changed_at"
    )


class IndicatorValueRevision(Base):
    """An earlier state of an indicator value, kept whenever it changes."""

    __tablename__ = "indicator_value_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_value_id: Mapped[int] = mapped_column(ForeignKey("indicator_values.id"), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(10))
    source_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    record_ids: Mapped[list[int] | None] = mapped_column(JSON)
    unique_persons: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    indicator_value: Mapped[IndicatorValue] = relationship(back_populates="revisions")


class ConfirmedYear(Base):
    """A reporting year whose figures a coordinator has frozen (確定)."""

    __tablename__ = "confirmed_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
