"""A record kind: the declaration of every field of one kind of record, and its rules.

Each feature declares its kinds in its own ``kind.py``. Everything that handles
records of a kind (its form, the import, the exports, the change history, the purge)
is driven by that one declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from exchange_app.records.fields import Field, FieldType, RowKind
from exchange_app.vocab import EntityType

# Columns every editable record has, kept by the machinery itself.
BOOKKEEPING = frozenset(
    {"id", "version", "created_at", "updated_at", "created_by_id", "updated_by_id"}
)


class RecordValues(dict[str, Any]):
    """A record's values by field key, with the details of the records it references.

    ``details[key]`` holds, for a reference field, the referenced record's columns that
    the rules need (``values.detail("organization_id", "kind")``).
    """

    def __init__(
        self, values: Mapping[str, Any], details: Mapping[str, Mapping[str, Any]] | None = None
    ) -> None:
        super().__init__(values)
        self.details: dict[str, Mapping[str, Any]] = dict(details or {})

    def detail(self, key: str, name: str) -> Any:
        """A column of the record referenced by ``key`` (None when there is none)."""
        return (self.details.get(key) or {}).get(name)


# A rule across fields: yields (field key, message) for each problem of a record's values.
Rule = Callable[[RecordValues], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class ExportColumn:
    """A list-export column that is not a field of its own (the fiscal year of a visit)."""

    header: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class RecordKind:
    """Every field of one kind of record, declared once, and the rules across them."""

    key: str
    entity_type: EntityType
    model: Any
    label: Any
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    # Model columns deliberately not declared as fields (bookkeeping, derived values).
    not_declared: frozenset[str] = BOOKKEEPING
    # Columns of the list export placed before the declared fields' columns.
    export_prefix: tuple[ExportColumn, ...] = ()
    # Whether the kind holds personal data (participants): who may see it is narrowed.
    personal: bool = False
    # Labels of audit keys written by operations other than editing a field (a merge).
    history_labels: Mapping[str, Any] = field(default_factory=dict)
    _by_key: dict[str, Field] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({item.key: item for item in self.fields})

    def field(self, key: str) -> Field:
        """The declared field called ``key``."""
        return self._by_key[key]

    def fields_of(self, *types: FieldType) -> list[Field]:
        """The declared fields of the given types, in declaration order."""
        return [item for item in self.fields if item.type in types]

    @property
    def personal_fields(self) -> list[Field]:
        """The fields that identify or contact a person: purged, never audited as values."""
        return [item for item in self.fields if item.personal]

    @property
    def import_fields(self) -> list[Field]:
        """The fields an import file carries, in column order."""
        return [item for item in self.fields if item.import_column is not None]

    @property
    def export_fields(self) -> list[Field]:
        """The fields the list export shows, in column order."""
        return [item for item in self.fields if item.export_header is not None]

    def check(self, values: RecordValues) -> dict[str, list[str]]:
        """Every problem of a record's clean values, by field key: each field, then the rules.

        A rule's message is left out for a field that already failed on its own, so the
        user sees one message per field, whichever path the values came by.
        """
        problems: dict[str, list[str]] = {}
        for item in self.fields:
            if item.key in values:
                message = item.check(values[item.key])
                if message:
                    problems.setdefault(item.key, []).append(message)
        for key, message in self.rule_problems(values):
            if key not in problems:
                problems.setdefault(key, []).append(message)
        return problems

    def rule_problems(self, values: RecordValues) -> Iterator[tuple[str, str]]:
        """The problems the kind's rules across fields find in ``values``."""
        for rule in self.rules:
            yield from rule(values)

    def snapshot(self, record: Any) -> dict[str, Any]:
        """The record's declared values as plain JSON values, keyed as in the audit trail."""
        return {item.audit_name: audit_value(item, record) for item in self.fields if item.history}


def plain(value: Any) -> Any:
    """A JSON-friendly form of a stored value."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {key: plain(v) for key, v in value.items()}
    return value


def audit_value(item: Field, record: Any) -> Any:
    """How a record's value of a field is written in the audit trail."""
    name = item.reference.audit_name if item.reference else None
    if item.relationship and name:
        related = getattr(record, item.relationship)
        if item.type is FieldType.REFERENCES:
            return [plain(getattr(other, name)) for other in related or ()]
        return None if related is None else plain(getattr(related, name))
    value = getattr(record, item.model_attribute)
    if item.type is FieldType.CHOICES and item.vocabulary is not None:
        return [v for v in item.vocabulary.values() if v in set(value or ())]
    if item.type is FieldType.ROWS and item.rows is not None:
        return [row_snapshot(item.rows, row) for row in value or ()]
    return plain(value)


def row_snapshot(rows: RowKind, row: Any) -> dict[str, Any]:
    """One child row's declared values, as plain JSON values."""
    return {item.key: plain(getattr(row, item.model_attribute)) for item in rows.fields}


def undeclared_columns(kind: RecordKind | RowKind) -> set[str]:
    """Model columns that are neither declared nor explicitly excluded (should be empty)."""
    declared = {
        item.model_attribute
        for item in kind.fields
        if item.type not in (FieldType.ROWS, FieldType.REFERENCES)
    }
    columns = {column.key for column in kind.model.__table__.columns}
    return columns - declared - set(kind.not_declared)
