"""Import columns: how headers are matched, and the notes every kind's template shares.

Each kind declares its own columns (``Field.import_column``); the notes are bilingual on
purpose: they fill the template's notes sheet, read in Japanese and in English at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from exchange_app.importing.normalise import lookup_key
from exchange_app.records.fields import Field, FieldType, ImportColumn

EXTERNAL_ID_NOTE_JA = (
    "この行を識別する番号（例: GL-1979-01）。同じ番号の行を再度取り込むと、新規作成せずに更新します。"
)
EXTERNAL_ID_NOTE_EN = (
    "A code that identifies this row (e.g. GL-1979-01). Importing a row with the same code "
    "again updates that record instead of creating a new one."
)


def external_id_field(aliases: tuple[str, ...], example: str) -> Field:
    """A kind's external id: what a file names its row by, so that importing it again updates
    the record. Never typed in the form and not part of the change history."""
    return Field(
        "external_id",
        FieldType.TEXT,
        _l("External ID"),
        required=True,
        max_length=64,
        in_form=False,
        history=False,
        import_column=ImportColumn(
            "external_id",
            aliases,
            EXTERNAL_ID_NOTE_JA,
            EXTERNAL_ID_NOTE_EN,
            example,
            structured=True,
        ),
    )
DATE_NOTE_JA = "日付。Excel の日付、2024-04-01、2024/4/1、令和6年4月1日、R6.4.1 など。"
DATE_NOTE_EN = "A date: an Excel date, 2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1 ..."

def header_key(text: str) -> str:
    """A header as written, folded for matching (NFKC, case, spaces, required marks)."""
    folded = lookup_key(text or "")
    for mark in ("(必須)", "*", "※"):
        folded = folded.replace(mark, "")
    return folded.strip().replace(" ", "_")


def header_map(fields: Iterable[Field]) -> dict[str, str]:
    """Every accepted header (column key or alias), folded, to its column key."""
    accepted: dict[str, str] = {}
    for item in fields:
        assert item.import_column is not None
        column = item.import_column
        accepted[header_key(column.key)] = column.key
        for alias in column.aliases:
            accepted.setdefault(header_key(alias), column.key)
    return accepted
