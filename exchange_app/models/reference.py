"""Reference data of the strategy: the eleven leading projects."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from exchange_app.db import Base


class LeadingProject(Base):
    """One of the strategy's eleven leading projects (リーディングプロジェクト)."""

    __tablename__ = "leading_projects"
    __table_args__ = (CheckConstraint("number BETWEEN 1 AND 99", name="number_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    def name(self, locale: str) -> str:
        """The name in ``locale`` (Japanese unless English is asked for)."""
        return self.name_en if locale == "en" else self.name_ja
