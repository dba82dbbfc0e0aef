"""Partner cities and the history of each relationship."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base
from exchange_app.models.mixins import EditableRecord, one_of
from exchange_app.vocab import (
    DatePrecision,
    EventDatePrecision,
    ExchangeField,
    RelationshipEventKind,
    RelationshipType,
)


class PartnerCity(EditableRecord, Base):
    """One of the city's partner cities (友好姉妹都市等)."""

    __tablename__ = "partner_cities"
    __table_args__ = (
        one_of("relationship_type", RelationshipType),
        one_of("established_precision", DatePrecision),
        CheckConstraint("length(country) = 2", name="country_iso2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    name_local: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    relationship_type: Mapped[str] = mapped_column(String(30))
    established_on: Mapped[date] = mapped_column(Date)
    established_precision: Mapped[str] = mapped_column(String(5))
    notes: Mapped[str | None] = mapped_column(Text)
    display_order: Mapped[int] = mapped_column(default=0)

    field_rows: Mapped[list[PartnerCityField]] = relationship(
        cascade="all, delete-orphan", order_by="PartnerCityField.field"
    )
    events: Mapped[list[RelationshipEvent]] = relationship(
        back_populates="partner_city",
        cascade="all, delete-orphan",
        order_by="RelationshipEvent.occurred_on",
    )

    @property
    def fields(self) -> list[str]:
        """The fields of exchange named for this partnership."""
        return [row.field for row in self.field_rows]

    @fields.setter
    def fields(self, values: list[str]) -> None:
        current = {row.field: row for row in self.field_rows}
        self.field_rows = [
            current.get(v) or PartnerCityField(field=v) for v in dict.fromkeys(values)
        ]

    def name(self, locale: str) -> str:
        """The city's name in ``locale`` (Japanese unless English is asked for)."""
        return self.name_en if locale == "en" else self.name_ja


class PartnerCityField(Base):
    """A field of exchange (youth, tourism, ...) named for a partnership."""

    __tablename__ = "partner_city_fields"
    __table_args__ = (one_of("field", ExchangeField),)

    partner_city_id: Mapped[int] = mapped_column(
        ForeignKey("partner_cities.id", ondelete="CASCADE"), primary_key=True
    )
    field: Mapped[str] = mapped_column(String(20), primary_key=True)


class RelationshipEvent(EditableRecord, Base):
    """A dated step in a relationship's history: signed, taken over, renewed, ..."""

    __tablename__ = "relationship_events"
    __table_args__ = (
        one_of("kind", RelationshipEventKind),
        one_of("precision", EventDatePrecision),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_city_id: Mapped[int] = mapped_column(
        ForeignKey("partner_cities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(10))
    title_ja: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_ja: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)

    partner_city: Mapped[PartnerCity] = relationship(back_populates="events")

    def title(self, locale: str) -> str:
        """The event's title in ``locale``."""
        return self.title_en if locale == "en" else self.title_ja

    def description(self, locale: str) -> str | None:
        """The event's description in ``locale``."""
        return self.description_en if locale == "en" else self.description_ja
