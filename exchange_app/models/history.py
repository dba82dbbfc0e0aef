"""Saved anniversary histories (沿革): the staff's edits kept with each report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base
from exchange_app.models.mixins import EditableRecord, one_of
from exchange_app.models.partner import PartnerCity
from exchange_app.vocab import HistoryLanguage


class HistoryReport(EditableRecord, Base):
    """The history of one partnership for one anniversary, with its foreword and choices.

    The records themselves are read afresh each time; what is kept here is what staff
    decided: the forewords, which records to leave out (``"delegation:12"``), and the
    captions of the photographs to be placed in the printed document.
    """

    __tablename__ = "history_reports"
    __table_args__ = (
        one_of("language", HistoryLanguage),
        CheckConstraint("ordinal > 0 AND ordinal % 5 = 0", name="ordinal_step"),
        UniqueConstraint("partner_city_id", "ordinal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_city_id: Mapped[int] = mapped_column(
        ForeignKey("partner_cities.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int]
    language: Mapped[str] = mapped_column(String(4), default="ja")
    foreword_ja: Mapped[str | None] = mapped_column(Text)
    foreword_en: Mapped[str | None] = mapped_column(Text)
    excluded_records: Mapped[list[Any]] = mapped_column(JSON, default=list)
    photo_captions: Mapped[list[Any]] = mapped_column(JSON, default=list)

    partner_city: Mapped[PartnerCity] = relationship()
