"""The international network (organisations) and the promotions made through it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base
from exchange_app.models.mixins import EditableRecord, one_of
from exchange_app.models.partner import PartnerCity
from exchange_app.models.reference import LeadingProject
from exchange_app.vocab import (
    OrganizationKind,
    PromotionChannel,
    PromotionMedium,
    PromotionTheme,
)

promotion_leading_projects = Table(
    "promotion_leading_projects",
    Base.metadata,
    Column("promotion_id", ForeignKey("promotions.id", ondelete="CASCADE"), primary_key=True),
    Column("leading_project_id", ForeignKey("leading_projects.id"), primary_key=True),
)


class Organization(EditableRecord, Base):
    """A member of the city's international network other than a partner city."""

    __tablename__ = "organizations"
    __table_args__ = (
        one_of("kind", OrganizationKind),
        CheckConstraint("country IS NULL OR length(country) = 2", name="country_iso2"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    country: Mapped[str | None] = mapped_column(String(2))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))

    merged_into: Mapped[Organization | None] = relationship(remote_side=[id])

    def name(self, locale: str) -> str:
        """The organisation's name in ``locale``."""
        return self.name_en if locale == "en" else self.name_ja


class Promotion(EditableRecord, Base):
    """One time the city promoted itself through its international network (indicator 3b)."""

    __tablename__ = "promotions"
    __table_args__ = (
        one_of("channel", PromotionChannel),
        one_of("theme", PromotionTheme),
        one_of("medium", PromotionMedium),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("reach IS NULL OR reach >= 0", name="reach_not_negative"),
        CheckConstraint(
            "partner_city_id IS NOT NULL OR organization_id IS NOT NULL",
            name="partner_or_organization",
        ),
        CheckConstraint(
            "counts_toward_3b OR exclusion_reason IS NOT NULL", name="exclusion_has_reason"
        ),
        Index("ix_promotions_start_date_id", "start_date", "id"),
        # A partner city's records by date: its page, its history, the list filtered by city.
        Index("ix_promotions_partner_city_id_start_date", "partner_city_id", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(30))
    partner_city_id: Mapped[int | None] = mapped_column(ForeignKey("partner_cities.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    theme: Mapped[str] = mapped_column(String(30))
    medium: Mapped[str] = mapped_column(String(30))
    reach: Mapped[int | None]
    counts_toward_3b: Mapped[bool] = mapped_column(default=True)
    exclusion_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    partner_city: Mapped[PartnerCity | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    leading_projects: Mapped[list[LeadingProject]] = relationship(
        secondary=promotion_leading_projects, order_by="LeadingProject.number"
    )
