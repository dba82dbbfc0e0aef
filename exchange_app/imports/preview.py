"""What the import preview shows of each row: the values as they will be stored.

A wrong date, city or number must be seen before confirming, so each row lists its
parsed values the way the app shows them everywhere else (``records.history.describe``):
dates with 和暦, the partner city by name, vocabulary values by label, numbers with
separators.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.importing import KindImport, RowPlan
from exchange_app.records.fields import Field, FieldType
from exchange_app.records.history import describe

# Columns the preview already shows in their own cells (the row's identifier and title).
SHOWN_APART = frozenset({"external_id", "title"})
LONG_TEXT = 60


def column_label(item: Field, language: str) -> str:
    """A column as the file's reader knows it: its Japanese header, or its key in English."""
    column = item.import_column
    assert column is not None
    if language == "ja" and column.aliases:
        return str(column.aliases[0])
    return str(column.key)


def _names(
    session: Session, kind: KindImport, rows: Iterable[RowPlan], language: str
) -> dict[str, dict[Any, str]]:
    """The names of the records the rows reference, by column (one query per column)."""
    names: dict[str, dict[Any, str]] = {}
    for item in kind.fields:
        reference = item.reference
        if item.type is not FieldType.REFERENCE or reference is None or reference.label is None:
            continue
        column = kind.column(item)
        ids = {row.values.get(column) for row in rows} - {None}
        if ids:
            model = reference.model
            names[column] = {
                record.id: reference.label(record, language)
                for record in session.scalars(select(model).where(model.id.in_(ids)))
            }
    return names


def _short(text: str) -> str:
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"


def preview_values(
    session: Session, kind: KindImport, rows: Sequence[RowPlan], language: str
) -> dict[int, list[tuple[str, str]]]:
    """For each row (by its line), ``(column label, value as shown)`` of every filled cell."""
    names = _names(session, kind, rows, language)
    result = {}
    for row in rows:
        shown = []
        for item in kind.fields:
            column = kind.column(item)
            value = row.values.get(column)
            if column in row.new_references:
                name = _short(row.new_references[column])
                shown.append((column_label(item, language), _("%(name)s (new)", name=name)))
                continue
            if column in SHOWN_APART or value in (None, "", []):
                continue
            text = describe(item, value, names.get(column))
            shown.append((column_label(item, language), _short(text)))
        result[row.line] = shown
    return result


def changed_labels(kind: KindImport, changed: Iterable[str], language: str) -> list[str]:
    """The changed columns of an update, named as the file names them."""
    return [
        column_label(kind.by_column[key], language) if key in kind.by_column else key
        for key in changed
    ]
