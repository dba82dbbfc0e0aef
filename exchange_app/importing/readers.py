"""Reading an uploaded table: .xlsx (values only, never formulas) or CSV in UTF-8 or cp932."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook

from exchange_app.importing.limits import UploadLimits, current_limits, megabytes

# ``tick(rows_read)`` is called every this many rows while a file is read (progress, time).
TICK_EVERY = 500
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls and other Office 97 files


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says why, in plain language."""


class SheetProblem(FileProblem):
    """One sheet of a workbook cannot be read (too many rows, ...): says which."""

    def __init__(self, sheet: str, message: str) -> None:
        super().__init__(message)
        self.sheet = sheet


class Formula:
    """Stands for a cell that holds a formula: it is never evaluated nor kept."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Formula({self.text!r})"


@dataclass
class Table:
    """A sheet's header row and data rows; ``line`` is the row number a user sees."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def file_format(filename: str) -> str:
    """``xlsx`` or ``csv`` from the file name, or a ``FileProblem``."""
    lowered = (filename or "").lower().strip()
    if lowered.endswith(".xlsx"):
        return "xlsx"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    if lowered.endswith((".xls", ".xlsm", ".ods", ".numbers")):
        raise FileProblem(
            _(
                "This kind of spreadsheet cannot be read. Save it as an Excel workbook (.xlsx) "
                "or as CSV and upload that."
            )
        )
    raise FileProblem(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def read_table(
    filename: str,
    content: bytes,
    max_bytes: int | None = None,
    *,
    limits: UploadLimits | None = None,
    tick: Callable[[int], None] | None = None,
) -> Table:
    """The table in ``content``; the format comes from the name and is checked against the bytes.

    A file over ``limits`` (by default the app's, ``max_bytes`` overriding its size) is
    refused with a message naming the limit; ``tick`` hears how many rows were read.
    """
    limits = (limits or current_limits()).with_max_bytes(max_bytes)
    if len(content) > limits.max_bytes:
        raise FileProblem(
            _(
                "The file is %(size)s MB; files up to %(limit)s MB can be imported. "
                "Split it into smaller files.",
                size=megabytes(len(content)),
                limit=megabytes(limits.max_bytes),
            )
        )
    kind = file_format(filename)
    if not content.strip():
        raise FileProblem(_("The file is empty."))
    table = (
        read_xlsx(content, limits, tick) if kind == "xlsx" else read_csv(content, limits, tick)
    )
    if not table.headers or not any(h.strip() for h in table.headers):
        raise FileProblem(_("The file is empty: the first row should hold the column names."))
    return table


def _too_many_rows(limits: UploadLimits) -> FileProblem:
    return FileProblem(
        _(
            "The file has more than %(limit)s rows; files of up to %(limit)s rows can be "
            "imported. Split it into smaller files.",
            limit=f"{limits.max_rows:,}",
        )
    )


def _too_many_columns(limits: UploadLimits, found: int) -> FileProblem:
    return FileProblem(
        _(
            "The file has %(found)s columns; files of up to %(limit)s columns can be "
            "imported. Remove the columns this import does not use.",
            found=f"{found:,}",
            limit=f"{limits.max_columns:,}",
        )
    )


def _check_row(limits: UploadLimits, rows: int, columns: int) -> None:
    if rows > limits.max_rows:
        raise _too_many_rows(limits)
    if columns > limits.max_columns:
        raise _too_many_columns(limits, columns)


def check_zip_members(archive: zipfile.ZipFile, limits: UploadLimits) -> None:
    """Refuse a workbook any of whose parts would unpack to more than the limit.

    Read from the zip's directory, so a compressed bomb is refused without unpacking it;
    Python's zip reader never unpacks more than the size the directory declares.
    """
    for info in archive.infolist():
        if info.file_size > limits.max_unpacked_bytes:
            raise FileProblem(
                _(
                    "The workbook is too large once unpacked: its part %(part)s would take "
                    "%(size)s MB, and at most %(limit)s MB per part can be read. Split it "
                    "into smaller files or save it as CSV.",
                    part=info.filename[:80],
                    size=megabytes(info.file_size),
                    limit=megabytes(limits.max_unpacked_bytes),
                )
            )


def read_xlsx(
    content: bytes,
    limits: UploadLimits | None = None,
    tick: Callable[[int], None] | None = None,
) -> Table:
    """The first sheet of a workbook. Dates stay dates; a formula cell becomes a ``Formula``."""
    sheets = read_xlsx_sheets(content, limits, tick, first_only=True)
    if not sheets or sheets[0][1] is None:
        raise FileProblem(_("The file is empty."))
    return sheets[0][1]


def read_xlsx_sheets(
    content: bytes,
    limits: UploadLimits | None = None,
    tick: Callable[[int], None] | None = None,
    *,
    first_only: bool = False,
) -> list[tuple[str, Table | None]]:
    """Every sheet of a workbook by title, in the workbook's order (None: a blank sheet).

    The limits hold for each sheet, as for a file of its own (a whole office's workbook
    holds one sheet per kind).
    """
    limits = limits or current_limits()
    if content.startswith(OLE_MAGIC):
        raise FileProblem(
            _("This is an old Excel file (.xls), not an .xlsx workbook. Save it as .xlsx.")
        )
    if not content.startswith(XLSX_MAGIC):
        raise FileProblem(
            _("The file is named .xlsx but is not an Excel workbook. Save it again from Excel.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                check_zip_members(archive, limits)
    except zipfile.BadZipFile as error:
        raise FileProblem(
            _("The file is named .xlsx but is not an Excel workbook. Save it again from Excel.")
        ) from error
    if "xl/workbook.xml" not in names:
        raise FileProblem(
            _("The file is named .xlsx but is not an Excel workbook. Save it again from Excel.")
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds of errors on broken files
        raise FileProblem(
            _("The workbook could not be read. Save it again from Excel and retry.")
        ) from error
    sheets: list[tuple[str, Table | None]] = []
    try:
        for sheet in workbook.worksheets[:1] if first_only else workbook.worksheets:
            table: Table | None = None
            for line, cells in enumerate(sheet.iter_rows(), start=1):
                try:
                    _check_row(limits, len(table.rows) + 1 if table else 0, len(cells))
                except FileProblem as problem:
                    if first_only:
                        raise
                    raise SheetProblem(sheet.title, str(problem)) from problem
                if tick and line % TICK_EVERY == 0:
                    tick(line)
                values = [_xlsx_value(cell) for cell in cells]
                if table is None:
                    if not any(v not in (None, "") for v in values):
                        continue  # blank rows above the header
                    table = Table(headers=["" if v is None else str(v) for v in values])
                    continue
                table.rows.append((line, values))
            sheets.append((sheet.title, table))
    finally:
        workbook.close()
    return sheets


def _xlsx_value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f" or (
        value is not None and value.__class__.__name__ in ("ArrayFormula", "DataTableFormula")
    ):
        return Formula(str(getattr(value, "text", value)))
    return value


def decode_csv(content: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or cp932 (Shift_JIS)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:4096]:
        raise FileProblem(
            _(
                "The file is not a CSV this system can read (it looks like UTF-16 or a binary "
                "file). Save it as 'CSV UTF-8' or as 'CSV' (Shift_JIS)."
            )
        )
    if content.startswith(XLSX_MAGIC) or content.startswith(OLE_MAGIC):
        raise FileProblem(
            _("The file is named .csv but is an Excel workbook. Name it .xlsx or save it as CSV.")
        )
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileProblem(_unknown_encoding()) from error
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp932")
    except UnicodeDecodeError as error:
        raise FileProblem(_unknown_encoding()) from error
    if _looks_like_euc_jp(content, text):
        raise FileProblem(_unknown_encoding())
    return text


def _unknown_encoding() -> str:
    return _(
        "The CSV file's character encoding is neither UTF-8 nor Shift_JIS (cp932). "
        "Save it from Excel as 'CSV UTF-8' and upload it again."
    )


def _looks_like_euc_jp(content: bytes, cp932_text: str) -> bool:
    """EUC-JP often decodes as cp932 half-width katakana; catch that rather than import garbage."""
    halfwidth_kana = sum(1 for c in cp932_text if "\uff61" <= c <= "\uff9f")
    if halfwidth_kana < max(4, len(cp932_text) // 20):
        return False
    try:
        content.decode("euc_jp")
    except UnicodeDecodeError:
        return False
    return True


def read_csv(
    content: bytes,
    limits: UploadLimits | None = None,
    tick: Callable[[int], None] | None = None,
) -> Table:
    """A CSV file's rows; the first non-blank row is the header."""
    limits = limits or current_limits()
    text = decode_csv(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    table: Table | None = None
    try:
        # Row numbers count records, as a spreadsheet program shows them (header = 1).
        for line, values in enumerate(reader, start=1):
            _check_row(limits, len(table.rows) + 1 if table else 0, len(values))
            if tick and line % TICK_EVERY == 0:
                tick(line)
            if table is None:
                if not any(v.strip() for v in values):
                    continue
                table = Table(headers=values)
                continue
            table.rows.append((line, [v if v != "" else None for v in values]))
    except csv.Error as error:
        raise FileProblem(
            _("The CSV file is malformed near line %(line)s.", line=reader.line_num)
        ) from error
    if table is None:
        raise FileProblem(_("The file is empty."))
    return table
