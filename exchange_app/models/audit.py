"""The audit trail: who did what to which record, and when. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from exchange_app.db import Base, UTCDateTime, utcnow
from exchange_app.models.mixins import one_of
from exchange_app.models.user import User
from exchange_app.vocab import AuditAction, EntityType


class AuditEntry(Base):
    """One action on one record (or on a set of records, for exports)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        one_of("action", AuditAction),
        one_of("entity_type", EntityType),
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None]
    summary: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised on any attempt to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: AuditEntry) -> None:
    raise AuditTrailIsAppendOnly(f"audit entry {target.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: AuditEntry) -> None:
    raise AuditTrailIsAppendOnly(f"audit entry {target.id} cannot be removed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """``update(AuditEntry)`` / ``delete(AuditEntry)`` statements are refused as well."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEntry for mapper in state.all_mappers
    ):
        raise AuditTrailIsAppendOnly("audit entries cannot be changed or removed")
