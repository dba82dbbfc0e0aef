"""One-time form tokens that have been spent: a form sent again creates nothing new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange_app.db import Base, UTCDateTime, utcnow


class FormSubmission(Base):
    """A creation form's token, kept once the record it created is saved.

    Kept in the database, not in a server's memory, so that any app server recognises
    a form the browser sends again (the back button, a reload).
    """

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
