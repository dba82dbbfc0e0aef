"""Building spreadsheet files for the import tests: xlsx, CSV in UTF-8 with BOM, cp932."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

FORMATS = ("xlsx", "csv-utf8-bom", "csv-cp932")


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook as a spreadsheet program would save it (dates stay dates, '=x' is a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str) -> bytes:
    """A CSV file in ``encoding`` (``utf-8-sig``, ``utf-8`` or ``cp932``)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)


def make_file(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[str, bytes]:
    """``(filename, content)`` of a table in one of ``FORMATS``."""
    if fmt == "xlsx":
        return "records.xlsx", xlsx_bytes(headers, rows)
    if fmt == "csv-utf8-bom":
        content = csv_bytes(headers, rows, "utf-8-sig")
        assert content.startswith(b"\xef\xbb\xbf")
        return "records.csv", content
    if fmt == "csv-cp932":
        return "records.csv", csv_bytes(headers, rows, "cp932")
    raise ValueError(fmt)
