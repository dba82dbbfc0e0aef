"""Tables out to Excel (.xlsx) and CSV, safe to open in a spreadsheet program.

A cell whose text starts like a formula is prefixed with an apostrophe so that no
spreadsheet ever evaluates it (CSV/formula injection), and xlsx cells are always
written as values, never as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CSV_ENCODINGS = {"utf-8-sig": "utf-8-sig", "cp932": "cp932"}


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    return neutralise(str(value))


def _fill_sheet(sheet: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_cell_value(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            if index < len(widths):
                widths[index] = max(widths[index], min(60, len(str(value))))
    # openpyxl treats a string starting with "=" as a formula; force every text cell to text.
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, width * 1.6 + 2)
    sheet.freeze_panes = "A2"


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet_title: str = "Sheet1"
) -> bytes:
    """An .xlsx workbook with one sheet: a bold header row, then ``rows``."""
    return xlsx_workbook_bytes([(sheet_title, headers, rows)])


def xlsx_workbook_bytes(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
) -> bytes:
    """An .xlsx workbook with one sheet per ``(title, headers, rows)``, in order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        _fill_sheet(workbook.create_sheet(title=str(title)[:31]), headers, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str = "utf-8-sig"
) -> bytes:
    """CSV for Excel: UTF-8 with a byte-order mark (default) or cp932 (Shift_JIS).

    Characters cp932 cannot represent are replaced by '?' rather than failing the export.
    """
    codec = CSV_ENCODINGS.get(encoding, "utf-8-sig")
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return text.getvalue().encode(codec, errors="replace")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(neutralise(value if isinstance(value, str) else str(value)))


def download(content: bytes, filename: str, mimetype: str) -> Response:
    """A response that downloads ``content`` as ``filename`` (non-ASCII names allowed)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_download(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    basename: str,
    file_format: str,
    encoding: str = "utf-8-sig",
    sheet_title: str = "Sheet1",
) -> Response:
    """Download a table as ``xlsx`` or ``csv`` (``encoding``: ``utf-8-sig`` or ``cp932``)."""
    if file_format == "csv":
        charset = "shift_jis" if encoding == "cp932" else "utf-8"
        return download(
            csv_bytes(headers, rows, encoding), f"{basename}.csv", f"text/csv; charset={charset}"
        )
    return download(xlsx_bytes(headers, rows, sheet_title), f"{basename}.xlsx", XLSX_MIMETYPE)
