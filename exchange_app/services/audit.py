"""Writing the audit trail. Entries are only ever added, never changed or removed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from exchange_app.models import AuditEntry


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a column value."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(record: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The record's column values (without bookkeeping columns), JSON-friendly."""
    skipped = {"version", "created_at", "updated_at", "created_by_id", "updated_by_id"}
    values = {
        attr.key: _plain(getattr(record, attr.key))
        for attr in inspect(record).mapper.column_attrs
        if attr.key not in skipped
    }
    for key, value in (extra or {}).items():
        values[key] = _plain(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as ``{field: [old, new]}``."""
    keys = list(dict.fromkeys([*before, *after]))
    return {
        key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)
    }


def current_actor() -> tuple[int | None, str | None]:
    """The signed-in user's id and remote address, when there is a request."""
    from flask import has_request_context, request
    from flask_login import current_user

    if not has_request_context():
        return None, None
    user_id = current_user.id if current_user.is_authenticated else None
    return user_id, request.remote_addr


def record(
    session: Session,
    action: str,
    entity_type: str,
    entity_id: int | None,
    *,
    changes: dict[str, Any] | None = None,
    summary: str | None = None,
    user_id: int | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (the caller's transaction commits it)."""
    actor_id, remote_addr = current_actor()
    entry = AuditEntry(
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes,
        summary=summary,
        user_id=user_id if user_id is not None else actor_id,
        remote_addr=remote_addr,
    )
    session.add(entry)
    return entry


def history_of(session: Session, entity_type: str, entity_id: int) -> list[AuditEntry]:
    """A record's audit entries, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.occurred_at, AuditEntry.id)
        )
    )
