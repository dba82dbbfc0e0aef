"""Files out: the blank templates, and exports in exactly the form the import reads."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.importing.bulk import KindImport
from exchange_app.importing.normalise import english_labels, japanese_labels
from exchange_app.records.fields import Field, FieldType, Reference
from exchange_app.services import exports

NOTES_SHEET = "notes 説明"
TYPE_NOTES = {
    FieldType.TEXT: ("文字", "text"),
    FieldType.LONG_TEXT: ("文字", "text"),
    FieldType.DATE: ("日付", "date"),
    FieldType.INTEGER: ("整数", "whole number"),
    FieldType.BOOLEAN: ("はい/いいえ", "yes/no"),
    FieldType.CHOICE: ("選択肢から1つ", "one of the values"),
    FieldType.CHOICES: ("選択肢から複数（; か 、 で区切る）", "several values, separated by ; or 、"),
    FieldType.COUNTRY: ("国名または ISO コード", "a country's name or ISO code"),
}


def reference_export_names(session: Session, reference: Reference) -> dict[int, Any]:
    """How the export names each record a reference may point at (a city's slug)."""
    model = reference.model
    name = reference.export_name or "id"
    names: dict[int, Any] = dict(session.execute(select(model.id, getattr(model, name))).all())
    if reference.external_id_prefix is not None:
        # Records without an external id are named as the import resolves them.
        return {
            key: value or f"{reference.external_id_prefix}-{key}" for key, value in names.items()
        }
    return names


def export_table(session: Session, kind: KindImport) -> tuple[list[str], list[list[Any]]]:
    """The header (column keys) and rows of every record of a kind, as the import reads them."""
    names = {
        kind.column(item): reference_export_names(session, item.reference)
        for item in kind.fields
        if item.type is FieldType.REFERENCE and item.reference is not None
    }
    headers = [kind.column(item) for item in kind.fields]
    rows = [
        [_export_cell(item, values.get(kind.column(item)), names) for item in kind.fields]
        for values in kind.export_values(session)
    ]
    return headers, rows


def _export_cell(item: Field, value: Any, names: dict[str, dict[int, Any]]) -> Any:
    if value is None:
        return None
    if item.type is FieldType.REFERENCE:
        assert item.import_column is not None
        return names[item.import_column.key].get(value)
    if item.type is FieldType.CHOICES:
        return "; ".join(value)
    if item.type is FieldType.BOOLEAN:
        return "yes" if value else "no"
    return value


def export_bytes(
    session: Session,
    kind: KindImport,
    file_format: str,
    encoding: str = "utf-8-sig",
    *,
    substitute: bool = False,
    substitutions: list[exports.Unencodable] | None = None,
) -> bytes:
    """An export file (``xlsx`` or ``csv``) of every record of a kind.

    A cp932 CSV follows ``exports.csv_bytes``: refused or, if asked, substituted.
    """
    headers, rows = export_table(session, kind)
    if file_format == "csv":
        return exports.csv_bytes(
            headers, rows, encoding, substitute=substitute, substitutions=substitutions
        )
    return exports.xlsx_bytes(headers, rows, sheet_title=kind.key)


def template_bytes(kind: KindImport) -> bytes:
    """A blank template: header row of column keys, one example row, and a notes sheet."""
    columns = [item.import_column for item in kind.fields]
    assert all(column is not None for column in columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.key
    sheet.append([c.key for c in columns if c])
    sheet.append([c.example if c and c.example not in (None, "") else None for c in columns])
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING
    for index, item in enumerate(kind.fields, start=1):
        key = kind.column(item)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(key) + 4)
        if item.type is FieldType.DATE:
            example = sheet.cell(row=2, column=index)
            if isinstance(example.value, date):
                example.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(
        [
            "列 (column)",
            "日本語の見出し (Japanese headers accepted)",
            "必須 (required)",
            "形式 (type)",
            "使える値 (allowed values)",
            "説明",
            "Description",
        ]
    )
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for item in kind.fields:
        column = item.import_column
        assert column is not None
        type_ja, type_en = (
            item.reference.type_note if item.reference is not None else TYPE_NOTES[item.type]
        )
        notes.append(
            [
                column.key,
                "、".join(column.aliases),
                "必須 required" if item.required else "任意 optional",
                f"{type_ja} / {type_en}",
                _allowed_values(item),
                column.note_ja,
                column.note_en,
            ]
        )
    notes.append([])
    for line in (
        "1行目は列名（英語のキーまたは日本語の見出し）。2行目は記入例なので、取り込む前に書き換えるか削除してください。",
        "Row 1 holds the column names (English keys or Japanese headers). Row 2 is an example: "
        "replace or delete it before importing.",
        "数式は取り込みません。値を入力してください。全角の数字・スペースは自動で半角にします。",
        "Formulas are not imported: type values. Full-width digits and spaces are converted.",
        "CSV は UTF-8（BOM 付き可）または Shift_JIS（cp932）で保存してください。",
        "Save CSV as UTF-8 (with or without BOM) or Shift_JIS (cp932).",
        "1行でも誤りがあれば何も登録されません。external_id が同じ行は更新になります。",
        "If any row is wrong nothing is imported. "
        "A row whose external_id exists updates that record.",
    ):
        notes.append([line])
    widths = (22, 34, 16, 26, 60, 60, 60)
    for index, width in enumerate(widths, start=1):
        notes.column_dimensions[get_column_letter(index)].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _allowed_values(item: Field) -> str:
    if item.vocabulary is not None:
        labels = item.vocabulary.labels()
        ja = japanese_labels(labels)
        en = english_labels(labels)
        return "\n".join(f"{key} = {ja[key]} / {en[key]}" for key in labels)
    if item.reference is not None:
        return item.reference.allowed_values
    if item.type is FieldType.BOOLEAN:
        return "yes / no, はい / いいえ, ○ / ×, 1 / 0"
    if item.type is FieldType.DATE:
        return "2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1, H31.4.30, S54.10.1"
    if item.type is FieldType.INTEGER:
        if item.minimum is not None and item.maximum is not None:
            return f"{item.minimum:,} – {item.maximum:,}"
        return f">= {item.minimum}" if item.minimum is not None else ""
    if item.max_length:
        return f"{item.max_length} 文字まで / up to {item.max_length} characters"
    return ""
