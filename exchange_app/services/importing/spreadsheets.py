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

from exchange_app.models import Organization, PartnerCity
from exchange_app.services import exports
from exchange_app.services.importing.columns import Column
from exchange_app.services.importing.kinds import get_kind
from exchange_app.services.importing.normalise import english_labels, japanese_labels

NOTES_SHEET = "notes 説明"
TYPE_NOTES = {
    "text": ("文字", "text"),
    "date": ("日付", "date"),
    "int": ("整数", "whole number"),
    "bool": ("はい/いいえ", "yes/no"),
    "choice": ("選択肢から1つ", "one of the values"),
    "choices": ("選択肢から複数（; か 、 で区切る）", "several values, separated by ; or 、"),
    "partner": ("友好姉妹都市等", "partner city"),
    "organization": ("機関", "organisation"),
    "program": ("青少年事業の管理番号", "youth programme external_id"),
}


def export_table(session: Session, kind_key: str) -> tuple[list[str], list[list[Any]]]:
    """The header (canonical keys) and rows of every record of a kind, as the import reads them."""
    kind = get_kind(kind_key)
    partners = dict(session.execute(select(PartnerCity.id, PartnerCity.slug)).all())
    organizations = dict(session.execute(select(Organization.id, Organization.name_ja)).all())
    headers = [c.key for c in kind.columns]
    rows = [
        [
            _export_cell(column, values.get(column.key), partners, organizations)
            for column in kind.columns
        ]
        for values in kind.export_values(session)
    ]
    return headers, rows


def _export_cell(
    column: Column, value: Any, partners: dict[int, str], organizations: dict[int, str]
) -> Any:
    if value is None:
        return None
    if column.type == "partner":
        return partners.get(value)
    if column.type == "organization":
        return organizations.get(value)
    if column.type == "choices":
        return "; ".join(value)
    if column.type == "bool":
        return "yes" if value else "no"
    return value


def export_bytes(
    session: Session, kind_key: str, file_format: str, encoding: str = "utf-8-sig"
) -> bytes:
    """An export file (``xlsx`` or ``csv``) of every record of a kind."""
    headers, rows = export_table(session, kind_key)
    if file_format == "csv":
        return exports.csv_bytes(headers, rows, encoding)
    return exports.xlsx_bytes(headers, rows, sheet_title=kind_key)


def template_bytes(kind_key: str) -> bytes:
    """A blank template: header row of canonical keys, one example row, and a notes sheet."""
    kind = get_kind(kind_key)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind_key
    sheet.append([c.key for c in kind.columns])
    sheet.append([c.example if c.example not in (None, "") else None for c in kind.columns])
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.key) + 4)
        if column.type == "date":
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
    for column in kind.columns:
        type_ja, type_en = TYPE_NOTES[column.type]
        notes.append(
            [
                column.key,
                "、".join(column.aliases),
                "必須 required" if column.required else "任意 optional",
                f"{type_ja} / {type_en}",
                _allowed_values(column),
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


def _allowed_values(column: Column) -> str:
    if column.labels:
        ja = japanese_labels(column.labels)
        en = english_labels(column.labels)
        return "\n".join(f"{key} = {ja[key]} / {en[key]}" for key in column.labels)
    if column.type == "partner":
        return (
            "guilin (桂林市), san-antonio, heidelberg, rome-ga, ulsan, suzhou-snd, "
            "aix-en-provence, kaohsiung"
        )
    if column.type == "bool":
        return "yes / no, はい / いいえ, ○ / ×, 1 / 0"
    if column.type == "date":
        return "2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1, H31.4.30, S54.10.1"
    if column.type == "int":
        return f">= {column.minimum}" if column.minimum is not None else ""
    if column.max_length:
        return f"{column.max_length} 文字まで / up to {column.max_length} characters"
    return ""
