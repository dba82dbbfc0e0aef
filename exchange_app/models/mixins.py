"""Columns shared by every record that staff edit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from exchange_app.db import UTCDateTime, utcnow
from exchange_app.vocab import Vocabulary


class EditableRecord:
    """A record with an optimistic-lock version and who/when of creation and change."""

    version: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def one_of(column: str, vocabulary: type[Vocabulary], name: str | None = None) -> CheckConstraint:
    """A CHECK constraint that ``column`` holds one of the vocabulary's values."""
    allowed = ", ".join(f"'{value}'" for value in vocabulary.values())
    # The vocabulary is kept on the constraint so that a test can compare it with the
    # CHECK the migrations actually created.
    return CheckConstraint(
        f"{column} IN ({allowed})",
        name=name or column,
        info={"vocabulary": vocabulary, "column": column},
    )
