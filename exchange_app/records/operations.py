"""Writing a record from its kind's declaration: apply values, create, update, delete.

Each function adds and flushes, and writes the audit entry; the view commits once.
A save that changes nothing writes nothing (no history entry, no new version).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.records.fields import Field, FieldType, RowKind
from exchange_app.records.history import diff
from exchange_app.records.kind import RecordKind
from exchange_app.services import audit
from exchange_app.vocab import AuditAction


class RecordRefused(ValueError):
    """The values break a rule; ``errors`` holds one message per field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = dict(errors)


def _sync_rows(rows: RowKind, current: list[Any], wanted: list[Mapping[str, Any]]) -> list[Any]:
    """``current`` rows updated in place to match ``wanted``, extra rows added; order kept."""
    result = []
    for position, values in enumerate(wanted):
        row = current[position] if position < len(current) else rows.model()
        row.position = position
        for item in rows.fields:
            setattr(row, item.model_attribute, values.get(item.key))
        result.append(row)
    return result


def _set(session: Session, record: Any, item: Field, value: Any) -> None:
    if item.type is FieldType.ROWS:
        assert item.rows is not None
        current = list(getattr(record, item.model_attribute))
        setattr(record, item.model_attribute, _sync_rows(item.rows, current, value or []))
    elif item.type is FieldType.REFERENCES:
        assert item.reference is not None and item.relationship is not None
        model = item.reference.model
        related = list(session.scalars(select(model).where(model.id.in_(value)))) if value else []
        sort_key = item.reference.sort_key
        if sort_key is not None:
            related.sort(key=lambda other: getattr(other, sort_key))
        setattr(record, item.relationship, related)
    elif item.type is FieldType.REFERENCE:
        setattr(record, item.model_attribute, value)
        if item.relationship is not None:
            assert item.reference is not None
            target = session.get(item.reference.model, value) if value is not None else None
            setattr(record, item.relationship, target)
    else:
        setattr(record, item.model_attribute, value)


def apply_values(
    session: Session, kind: RecordKind, record: Any, values: Mapping[str, Any]
) -> None:
    """Set every declared field present in ``values`` on ``record`` (rows included)."""
    for item in kind.fields:
        if item.key in values:
            _set(session, record, item, values[item.key])


def create(
    session: Session,
    kind: RecordKind,
    values: Mapping[str, Any],
    user_id: int | None,
    *,
    record: Any = None,
    summary: str | None = None,
) -> Any:
    """Add a record of ``kind`` with ``values``, and its audit entry."""
    record = record if record is not None else kind.model()
    if hasattr(record, "created_by_id"):
        record.created_by_id = user_id
        record.updated_by_id = user_id
    apply_values(session, kind, record, values)
    session.add(record)
    session.flush()
    audit.record(
        session,
        AuditAction.CREATE,
        kind.entity_type,
        record.id,
        changes=diff(kind, {}, kind.snapshot(record)),
        summary=summary,
    )
    return record


def update(
    session: Session, kind: RecordKind, record: Any, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a record; returns the changes, and audits them when there are any.

    When anything changed, the record's own row is touched so that its version moves
    on even if only its rows (members, gifts) changed.
    """
    before = kind.snapshot(record)
    apply_values(session, kind, record, values)
    changes = diff(kind, before, kind.snapshot(record))
    if changes:
        if hasattr(record, "updated_by_id"):
            record.updated_by_id = user_id
            record.updated_at = utcnow()
        audit.record(session, AuditAction.UPDATE, kind.entity_type, record.id, changes=changes)
    session.flush()
    return changes


def delete(session: Session, kind: RecordKind, record: Any, *, summary: str | None = None) -> None:
    """Remove a record (and its rows); the audit entry keeps what it was."""
    before = kind.snapshot(record)
    record_id = record.id
    session.delete(record)
    session.flush()
    audit.record(
        session,
        AuditAction.DELETE,
        kind.entity_type,
        record_id,
        changes=diff(kind, before, {}),
        summary=summary if summary is not None else before.get("title"),
    )
