"""The list export of a record kind (the staff's spreadsheet of a filtered list).

Columns and their headers come from the kind's declaration (``Field.export_header``,
``RecordKind.export_prefix``), so a declared field is exported without further code.
Labels are written in Japanese, the office's language for files.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from exchange_app.records.fields import Field, FieldType
from exchange_app.records.kind import RecordKind


def export_headers(kind: RecordKind) -> list[str]:
    """The header row of the kind's list export."""
    return [column.header for column in kind.export_prefix] + [
        str(item.export_header) for item in kind.export_fields
    ]


def export_cell(item: Field, record: Any) -> Any:
    """One field of a record as an export cell (Japanese labels, dates as dates)."""
    reference = item.reference
    if item.relationship and reference is not None and reference.label is not None:
        related = getattr(record, item.relationship)
        if item.type is FieldType.REFERENCES:
            return "、".join(reference.label(other, "ja") for other in related)
        return reference.label(related, "ja") if related is not None else ""
    value = getattr(record, item.model_attribute)
    if item.type is FieldType.ROWS:
        assert item.rows is not None and item.rows.export_line is not None
        return "\n".join(item.rows.export_line(row) for row in value)
    if item.type is FieldType.CHOICE and item.vocabulary is not None:
        return str(item.vocabulary.label_of(value)) if value else ""
    if item.type is FieldType.CHOICES and item.vocabulary is not None:
        return "、".join(str(item.vocabulary.label_of(v)) for v in value or ())
    if item.type is FieldType.BOOLEAN and value is not None:
        return _("Yes") if value else _("No")
    if value is None:
        return ""
    if item.type is FieldType.COUNTRY:
        from exchange_app.countries import country_name

        return country_name(value, "ja")
    return value


def export_rows(kind: RecordKind, records: Iterable[Any]) -> list[list[Any]]:
    """The rows of the kind's list export, one per record, labels in Japanese."""
    with force_locale("ja"):
        return [
            [column.value(record) for column in kind.export_prefix]
            + [export_cell(item, record) for item in kind.export_fields]
            for record in records
        ]
