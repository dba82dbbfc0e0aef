"""The change history of any record: what changed, compared the one way for every kind.

``diff`` decides what counts as a change (sets compared as sets, child rows as a
multiset, personal values never written); ``change_history`` turns a record's audit
entries into lines for the one template macro (``macros/history.html``), with labels
from the kind's declaration and actions translated.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from exchange_app.models import AuditEntry
from exchange_app.records.fields import SET_TYPES, Field, FieldType, RowKind
from exchange_app.records.kind import RecordKind
from exchange_app.services.dates import format_date
from exchange_app.vocab import AuditAction

# What the audit trail keeps of a personal value: only that it changed.
PERSONAL = "(personal)"


def _as_multiset(item: Field, value: Any) -> Counter[Any] | None:
    if item.type in SET_TYPES:
        return Counter(str(v) for v in value or ())
    if item.type is FieldType.ROWS:
        return Counter(repr(sorted(row.items())) for row in value or ())
    return None


def _same(item: Field | None, old: Any, new: Any) -> bool:
    if old in (None, "", []) and new in (None, "", []):
        return True
    if item is not None:
        as_set = _as_multiset(item, old)
        if as_set is not None:
            return as_set == _as_multiset(item, new)
    return bool(old == new)


def diff(kind: RecordKind, before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The changed keys of two snapshots, as ``{key: [old, new]}``.

    Reordering a set or the rows of a list is no change; a personal value is written
    as ``"(personal)"``, since the audit trail outlives the purge of personal data.
    """
    by_audit_key = {item.audit_name: item for item in kind.fields}
    changes: dict[str, Any] = {}
    for key in dict.fromkeys([*before, *after]):
        item = by_audit_key.get(key)
        old, new = before.get(key), after.get(key)
        if _same(item, old, new):
            continue
        if item is not None and item.personal:
            changes[key] = [PERSONAL if old is not None else None, PERSONAL]
        else:
            changes[key] = [old, new]
    return changes


@dataclass
class ChangeLine:
    """One changed field of one history entry, as text."""

    label: str
    old: str = ""
    new: str = ""
    # Long text: the pieces of the difference, each ("same" | "removed" | "added", text).
    pieces: list[tuple[str, str]] | None = None
    # Sets and rows: what was added and removed.
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    personal: bool = False


@dataclass
class HistoryEntry:
    """One audit entry of a record, ready to show."""

    occurred_at: datetime
    action: str
    action_label: str
    user_name: str
    summary: str | None
    lines: list[ChangeLine]


def describe(
    item: Field | RowKind | None, value: Any, names: Mapping[Any, str] | None = None
) -> str:
    """A stored (audit) value of a field as short text in the current language.

    ``names`` names the records a reference's audit values point at by id.
    """
    if value in (None, "", []):
        return "—"
    if value == PERSONAL:
        return _("(personal data, not shown)")
    if isinstance(item, RowKind):
        parts = [
            _("person no. %(number)s", number=value[sub.key])
            if sub.type is FieldType.REFERENCE and value.get(sub.key) is not None
            else describe(sub, value.get(sub.key))
            for sub in item.fields
        ]
        return " / ".join(part for part in parts if part != "—")
    if item is None:
        return _separator().join(map(str, value)) if isinstance(value, list) else str(value)
    if names is not None and item.type in (FieldType.REFERENCE, FieldType.REFERENCES):
        values = value if isinstance(value, list) else [value]
        return _separator().join(names.get(v, str(v)) for v in values)
    if item.type is FieldType.CHOICE and item.vocabulary is not None:
        return str(item.vocabulary.label_of(value))
    if item.type in SET_TYPES or isinstance(value, list):
        if item.type is FieldType.ROWS and item.rows is not None:
            return "; ".join(describe(item.rows, row) for row in value)
        labels = item.vocabulary.label_of if item.vocabulary is not None else str
        return _separator().join(str(labels(v)) for v in value)
    if item.type is FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if item.type is FieldType.COUNTRY:
        from exchange_app.countries import country_name

        return country_name(str(value), _language())
    if item.type is FieldType.DATE:
        try:
            return format_date(date.fromisoformat(str(value)), _language())
        except ValueError:
            return str(value)
    if item.type is FieldType.INTEGER and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _separator() -> str:
    """How a list of values is joined in the current language."""
    return "、" if _language() == "ja" else ", "


def _language() -> str:
    from exchange_app import current_language

    return current_language()


_TOKEN = re.compile(r"\s+|[A-Za-z0-9_'\-]+|.", re.DOTALL)


def text_pieces(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level difference (each CJK character a word) of two texts."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("removed", "".join(before[a1:a2])))
        if b2 > b1:
            pieces.append(("added", "".join(after[b1:b2])))
    return pieces


def change_line(
    kind: RecordKind, key: str, old: Any, new: Any, names: Mapping[Any, str] | None = None
) -> ChangeLine | None:
    """How one changed key reads in the history (None for a change that is none)."""
    item = next((f for f in kind.fields if f.audit_name == key), None)
    if item is not None and not item.history:
        return None
    label = str(item.label) if item is not None else str(kind.history_labels.get(key, key))
    # A personal value is masked on both sides, so the two look the same: it did change.
    if PERSONAL in (old, new) or (item is not None and item.personal):
        return ChangeLine(label, personal=True)
    if item is not None and _same(item, old, new):
        return None  # an old entry that recorded only a reordering
    if item is not None and item.type in (*SET_TYPES, FieldType.ROWS):
        if item.type is FieldType.ROWS and item.rows is not None:
            rows = item.rows
            old_items = Counter(describe(rows, row) for row in old or ())
            new_items = Counter(describe(rows, row) for row in new or ())
        else:
            old_items = Counter(describe(item, [v], names) for v in old or ())
            new_items = Counter(describe(item, [v], names) for v in new or ())
        return ChangeLine(
            label,
            added=list((new_items - old_items).elements()),
            removed=list((old_items - new_items).elements()),
        )
    if item is not None and item.type is FieldType.LONG_TEXT and old and new:
        return ChangeLine(label, pieces=text_pieces(str(old), str(new)))
    return ChangeLine(label, old=describe(item, old, names), new=describe(item, new, names))


def _referenced_names(
    session: Session, kind: RecordKind, entries: list[AuditEntry]
) -> dict[str, dict[Any, str]]:
    """Names of the records that the entries' reference values point at by id, by audit key.

    One query per reference field, whatever the number of entries.
    """
    by_key = {
        item.audit_name: item
        for item in kind.fields
        if item.type in (FieldType.REFERENCE, FieldType.REFERENCES)
        and item.reference is not None
        and item.reference.audit_name is None
        and item.reference.label is not None
    }
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.action != AuditAction.UPDATE or not isinstance(entry.changes, dict):
            continue
        for key, pair in entry.changes.items():
            if key in by_key and isinstance(pair, list):
                for value in pair:
                    for one in value if isinstance(value, list) else [value]:
                        if isinstance(one, int) and not isinstance(one, bool):
                            wanted.setdefault(key, set()).add(one)
    names: dict[str, dict[Any, str]] = {}
    language = _language()
    for key, ids in wanted.items():
        reference = by_key[key].reference
        assert reference is not None and reference.label is not None
        model = reference.model
        names[key] = {
            record.id: reference.label(record, language)
            for record in session.scalars(select(model).where(model.id.in_(sorted(ids))))
        }
    return names


def change_history(
    session: Session, kind: RecordKind, entity_id: int, *, newest_first: bool = True
) -> list[HistoryEntry]:
    """The history of one record of ``kind``, from its audit entries."""
    order = (
        (AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        if newest_first
        else (
            AuditEntry.occurred_at,
            AuditEntry.id,
        )
    )
    entries = list(
        session.scalars(
            select(AuditEntry)
            .options(joinedload(AuditEntry.user))
            .where(AuditEntry.entity_type == kind.entity_type, AuditEntry.entity_id == entity_id)
            .order_by(*order)
        )
    )
    names = _referenced_names(session, kind, entries)
    history = []
    for entry in entries:
        lines: list[ChangeLine] = []
        if entry.action == AuditAction.UPDATE and isinstance(entry.changes, dict):
            for key, pair in entry.changes.items():
                if isinstance(pair, list) and len(pair) == 2:
                    line = change_line(kind, key, pair[0], pair[1], names.get(key))
                    if line is not None:
                        lines.append(line)
        history.append(
            HistoryEntry(
                occurred_at=entry.occurred_at,
                action=entry.action,
                action_label=str(AuditAction.label_of(entry.action)),
                user_name=entry.user.display_name if entry.user else _("unknown user"),
                summary=entry.summary,
                lines=lines,
            )
        )
    return history
