"""Tables out to Excel (.xlsx) and CSV, safe to open in a spreadsheet program.

A cell whose text starts like a formula is prefixed with an apostrophe so that no
spreadsheet ever evaluates it (CSV/formula injection), and xlsx cells are always
written as values, never as formulas.

A CSV in Shift_JIS (cp932) never loses a character silently: text that cp932 cannot
hold (Korean, many simplified Chinese characters, emoji) makes the export refuse with
the records and characters named (``UnencodableText``), unless the caller explicitly
asks for substitution, in which case each such character becomes ``SUBSTITUTE`` and
the substitutions are returned for listing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exchange_app.services.dates import today_in_japan

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
CSV_ENCODINGS = {"utf-8-sig": "utf-8-sig", "cp932": "cp932"}
# What a character cp932 cannot hold becomes when the user asks for substitution:
# the geta mark, which Japanese print has long used for a missing character.
SUBSTITUTE = "〓"
# Columns whose values name a record in a refusal or substitution list (first found first).
NAME_HEADERS = (
    "ID", "external_id", "program_external_id", "件名", "title", "family_name", "given_name",
    "name_ja",
)


@dataclass(frozen=True)
class Unencodable:
    """Characters of one cell that the chosen encoding cannot hold."""

    row: int  # the row in the file: 1 is the header row, records start at 2
    record: str  # the record as its identifying columns name it
    column: str
    characters: str  # each character once, in order of appearance

    def code_points(self) -> str:
        """The characters as Unicode code points: ``U+C6B8 U+C0B0``."""
        return " ".join(f"U+{ord(c):04X}" for c in self.characters)


class UnencodableText(ValueError):
    """A Shift_JIS (cp932) export refused: some records hold characters it cannot write."""

    def __init__(self, findings: list[Unencodable], encoding: str) -> None:
        self.findings = findings
        self.encoding = encoding
        super().__init__(
            f"{len(findings)} cell(s) hold characters {encoding} cannot write: "
            + "; ".join(f"row {f.row} {f.record} [{f.column}] {f.characters}" for f in findings[:5])
        )


def unencodable_characters(text: str, codec: str) -> str:
    """The characters of ``text`` that ``codec`` cannot write, each once, in order."""
    found: dict[str, None] = {}
    for character in text:
        if character not in found:
            try:
                character.encode(codec)
            except UnicodeEncodeError:
                found[character] = None
    return "".join(found)


def dated_filename(basename: str, extension: str) -> str:
    """A download's file name with today's date in Japan: ``delegations_2026-12-02.csv``."""
    return f"{basename}_{today_in_japan().isoformat()}.{extension}"


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
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    encoding: str = "utf-8-sig",
    *,
    substitute: bool = False,
    substitutions: list[Unencodable] | None = None,
) -> bytes:
    """CSV for Excel: UTF-8 with a byte-order mark (default) or cp932 (Shift_JIS).

    A character cp932 cannot hold raises ``UnencodableText`` naming every such record,
    column and character; with ``substitute`` it is written as ``SUBSTITUTE`` instead
    and each substitution is appended to ``substitutions``.
    """
    codec = CSV_ENCODINGS.get(encoding, "utf-8-sig")
    header_texts = [str(h) for h in headers]
    table = [header_texts, *([_csv_value(v) for v in row] for row in rows)]
    findings = _unencodable_cells(table, codec)
    if findings and not substitute:
        raise UnencodableText(findings, codec)
    if substitutions is not None:
        substitutions.extend(findings)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows(table)
    if findings:
        return _encode_substituting(text.getvalue(), codec)
    return text.getvalue().encode(codec)


def _encode_substituting(text: str, codec: str) -> bytes:
    marker = SUBSTITUTE.encode(codec)
    out = bytearray()
    for character in text:
        try:
            out += character.encode(codec)
        except UnicodeEncodeError:
            out += marker
    return bytes(out)


def _unencodable_cells(table: list[list[str]], codec: str) -> list[Unencodable]:
    """Every cell of ``table`` (header row first) holding characters ``codec`` cannot write."""
    if codec.startswith("utf"):
        return []
    headers = table[0]
    name_columns = [headers.index(h) for h in NAME_HEADERS if h in headers][:2]
    findings = []
    for row_number, row in enumerate(table, start=1):
        for index, value in enumerate(row):
            characters = unencodable_characters(value, codec)
            if characters:
                record = " ".join(row[i] for i in name_columns if row[i]) if row_number > 1 else ""
                column = headers[index] if index < len(headers) else str(index + 1)
                findings.append(Unencodable(row_number, record, column, characters))
    return findings


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(neutralise(value if isinstance(value, str) else str(value)))


def download(content: bytes, filename: str, mimetype: str) -> Response:
    """A response that downloads ``content`` as ``filename`` (non-ASCII names allowed)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    # content_type, not mimetype: werkzeug would add a second "charset=utf-8" to text types.
    response = Response(content, content_type=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_download(content: bytes, basename: str, encoding: str) -> Response:
    """Download CSV bytes as ``basename_<date in Japan>.csv`` with the encoding's charset."""
    charset = "shift_jis" if encoding == "cp932" else "utf-8"
    return download(content, dated_filename(basename, "csv"), f"text/csv; charset={charset}")


def xlsx_download(content: bytes, basename: str) -> Response:
    """Download xlsx bytes as ``basename_<date in Japan>.xlsx``."""
    return download(content, dated_filename(basename, "xlsx"), XLSX_MIMETYPE)


SUBSTITUTE_ARG = "substitute"


def substitution_requested(args: Any) -> bool:
    """Whether the user explicitly chose to substitute what Shift_JIS cannot hold."""
    return args.get(SUBSTITUTE_ARG) == "1"


def substitution_audit(substituted: Sequence[Unencodable]) -> dict[str, Any]:
    """What an audit entry keeps of the substitutions made: row, column and characters."""
    if not substituted:
        return {}
    return {"substituted": [[f.row, f.column, f.characters] for f in substituted]}


def table_download(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    basename: str,
    file_format: str,
    encoding: str = "utf-8-sig",
    sheet_title: str = "Sheet1",
    substitute: bool = False,
    substitutions: list[Unencodable] | None = None,
) -> Response:
    """Download a table as ``xlsx`` or ``csv`` (``encoding``: ``utf-8-sig`` or ``cp932``).

    The file name gets today's date in Japan. A cp932 CSV raises ``UnencodableText``
    when a character cannot be written, unless ``substitute`` (see ``csv_bytes``).
    """
    if file_format == "csv":
        content = csv_bytes(
            headers, rows, encoding, substitute=substitute, substitutions=substitutions
        )
        return csv_download(content, basename, encoding)
    return xlsx_download(xlsx_bytes(headers, rows, sheet_title), basename)
