"""Golden files for exports: an exported file as diffable text, and a readable first difference.

A golden file (``tests/golden/<name>.jsonl``) holds one JSON value a line:

- line 1: ``{"export": <name>, "download": {"content_type": ..., "content_disposition": ...}}``
  (``download`` is null for files written by a command);
- for an xlsx, per sheet in workbook order: ``{"sheet": <title>, "rows": n, "columns": n,
  "freeze_panes": ..., "header_bold": ...}`` then one line per row, a list of typed cells;
- for a CSV: ``{"csv": {"encoding": ..., "bom": ..., "line_terminator": "\\r\\n"}}`` then one
  line per record, a list of fields (CSV has only text).

Cells: text as a JSON string, whole numbers as JSON integers, other numbers as JSON floats,
booleans as true/false, an empty cell as null, a date as ``{"date": "2024-04-01", "format":
"yyyy-mm-dd"}`` (the cell's number format), a datetime as ``{"datetime": ...}``, a formula as
``{"formula": ...}``, a number with a number format as ``{"number": ..., "format": ...}``.
Record ids, which differ from one database to another, are written as the record they point
at: ``{"id": "delegation demo-2029-0-d17"}`` (an integer cell) or ``{"id_text": ...}`` (text).

``UPDATE_GOLDEN=1`` rewrites the files instead of comparing (never in CI).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

GOLDEN_DIR = Path(__file__).parent / "golden"
REGENERATE = "UPDATE_GOLDEN=1 python -m pytest tests/test_golden_exports.py"
CSV_LINE_TERMINATOR = "\r\n"
UTF8_BOM = b"\xef\xbb\xbf"

# header -> a function giving the stable name of the record a cell's id points at (None: none)
IdColumns = dict[str, Callable[[Any], str | None]]


@dataclass
class Section:
    """One sheet of a workbook, or the single table of a CSV."""

    meta: dict[str, Any]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def title(self) -> str:
        if "sheet" in self.meta:
            return f"sheet {self.meta['sheet']!r}"
        return "CSV"


@dataclass
class Export:
    """An exported file as golden data: what it is, and its sections in order."""

    header: dict[str, Any]
    sections: list[Section]

    def lines(self) -> list[str]:
        lines = [_dump(self.header)]
        for section in self.sections:
            lines.append(_dump(section.meta))
            lines.extend(_dump(row) for row in section.rows)
        return lines

    @classmethod
    def parse(cls, lines: Sequence[str]) -> Export:
        header = json.loads(lines[0])
        sections: list[Section] = []
        for number, line in enumerate(lines[1:], start=2):
            value = json.loads(line)
            if isinstance(value, dict) and ("sheet" in value or "csv" in value):
                sections.append(Section(meta=value))
            elif isinstance(value, list) and sections:
                sections[-1].rows.append(value)
            else:
                raise ValueError(f"golden line {number} is neither a section nor a row: {line}")
        return cls(header=header, sections=sections)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- xlsx -----------------------------------------------------------------------------------


def _xlsx_cell(cell: Any) -> Any:
    value = cell.value
    if cell.data_type == "f":
        return {"formula": str(value)}
    if cell.data_type == "e":
        return {"error": str(value)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, datetime):
        if value.time() == time(0) and not _has_time_part(cell.number_format):
            return {"date": value.date().isoformat(), "format": cell.number_format}
        return {"datetime": value.isoformat(), "format": cell.number_format}
    if isinstance(value, date):
        return {"date": value.isoformat(), "format": cell.number_format}
    if isinstance(value, int | float):
        if cell.number_format != "General":
            return {"number": value, "format": cell.number_format}
        return value
    return {"unknown": repr(value)}


def _has_time_part(number_format: str) -> bool:
    lowered = number_format.lower()
    return any(token in lowered for token in ("h", "s", "am/pm"))


def xlsx_export(
    content: bytes,
    header: dict[str, Any],
    id_columns: dict[str | int, IdColumns] | None = None,
) -> Export:
    """An xlsx file as golden data; ``id_columns[sheet title or index][header]`` names ids."""
    workbook = load_workbook(io.BytesIO(content))
    sections = []
    for index, sheet in enumerate(workbook.worksheets):
        rows = [[_xlsx_cell(cell) for cell in row] for row in sheet.iter_rows()]
        first_row = list(sheet.iter_rows(min_row=1, max_row=1))
        header_cells = first_row[0] if first_row else ()
        meta = {
            "sheet": sheet.title,
            "rows": sheet.max_row if rows else 0,
            "columns": sheet.max_column if rows else 0,
            "freeze_panes": sheet.freeze_panes,
            "header_bold": bool(header_cells) and all(c.font.b for c in header_cells),
        }
        names = (id_columns or {}).get(sheet.title) or (id_columns or {}).get(index) or {}
        _name_ids(rows, names)
        sections.append(Section(meta=meta, rows=rows))
    return Export(header=header, sections=sections)


# --- CSV ------------------------------------------------------------------------------------


class CsvShapeError(AssertionError):
    """The CSV is not what ``csv.writer`` writes for its own records (quoting, line ends)."""


def csv_export(
    content: bytes,
    header: dict[str, Any],
    encoding: str,
    id_columns: IdColumns | None = None,
) -> Export:
    """A CSV file as golden data.

    The text is decoded strictly, split into records and written again with the export's
    dialect; that must give back the very same text, so comparing the records compares
    the text exactly (quoting and line ends included).
    """
    bom = content.startswith(UTF8_BOM)
    body = content[len(UTF8_BOM) :] if bom else content
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as error:
        raise CsvShapeError(f"the CSV is not valid {codec}: {error}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rewritten = io.StringIO()
    csv.writer(rewritten, lineterminator=CSV_LINE_TERMINATOR).writerows(rows)
    if rewritten.getvalue() != text:
        expected_lines = [*rewritten.getvalue().split(CSV_LINE_TERMINATOR), "(end)"]
        found_lines = [*text.split(CSV_LINE_TERMINATOR), "(end)"]
        pairs = zip(expected_lines, found_lines, strict=False)
        number = next(n for n, (want, got) in enumerate(pairs, 1) if want != got)
        want, got = expected_lines[number - 1], found_lines[number - 1]
        raise CsvShapeError(
            "the CSV text is not what csv.writer(lineterminator='\\r\\n') writes for its "
            f"records; line {number}: written back as {want!r}, found {got!r}"
        )
    cells: list[list[Any]] = [list(row) for row in rows]
    _name_ids(cells, id_columns or {})
    meta = {"csv": {"encoding": encoding, "bom": bom, "line_terminator": CSV_LINE_TERMINATOR}}
    return Export(header=header, sections=[Section(meta=meta, rows=cells)])


def _name_ids(rows: list[list[Any]], names: IdColumns) -> None:
    """Replace the record ids under the headers of ``names`` by the records' stable names."""
    if not rows or not names:
        return
    for index, title in enumerate(rows[0]):
        name_of = names.get(title) if isinstance(title, str) else None
        if name_of is None:
            continue
        for row in rows[1:]:
            value = row[index] if index < len(row) else None
            if isinstance(value, bool) or not isinstance(value, int | str):
                continue
            stable = name_of(value)
            if stable is not None:  # else left as it is, for the comparison to show
                row[index] = {"id" if isinstance(value, int) else "id_text": stable}


# --- comparing ------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    return _dump(value)


def first_difference(expected: Export, found: Export) -> str | None:
    """Where ``found`` first departs from ``expected``, in words; None when they are equal."""
    if expected.header != found.header:
        for key in sorted(set(expected.header) | set(found.header)):
            if expected.header.get(key) != found.header.get(key):
                return (
                    f"the file's {key} differs: expected {_dump(expected.header.get(key))}, "
                    f"found {_dump(found.header.get(key))}"
                )
    titles = [s.title for s in expected.sections]
    found_titles = [s.title for s in found.sections]
    if titles != found_titles:
        return f"sheets differ (names or order): expected {titles}, found {found_titles}"
    for want, got in zip(expected.sections, found.sections, strict=True):
        if want.meta != got.meta:
            if "csv" in want.meta and "csv" in got.meta:
                want_meta, got_meta = want.meta["csv"], got.meta["csv"]
            else:
                want_meta, got_meta = want.meta, got.meta
            for key in sorted(set(want_meta) | set(got_meta)):
                if want_meta.get(key) != got_meta.get(key):
                    return (
                        f"{want.title}: {key} differs: expected {_dump(want_meta.get(key))}, "
                        f"found {_dump(got_meta.get(key))}"
                    )
            for key in sorted(set(want.meta) | set(got.meta)):
                if want.meta.get(key) != got.meta.get(key):
                    return (
                        f"{want.title}: {key} differs: expected {_dump(want.meta.get(key))}, "
                        f"found {_dump(got.meta.get(key))}"
                    )
            return f"{want.title}: expected {_dump(want.meta)}, found {_dump(got.meta)}"
        headers = want.rows[0] if want.rows else []
        for number, (want_row, got_row) in enumerate(zip(want.rows, got.rows, strict=False), 1):
            if [_cell_text(c) for c in want_row] == [_cell_text(c) for c in got_row]:
                continue
            for column, (want_cell, got_cell) in enumerate(
                zip(want_row, got_row, strict=False), start=1
            ):
                if _cell_text(want_cell) != _cell_text(got_cell):
                    label = headers[column - 1] if column - 1 < len(headers) else "?"
                    return (
                        f"{want.title}, row {number}, column {column} ({_dump(label)}): "
                        f"expected {_cell_text(want_cell)}, found {_cell_text(got_cell)}"
                    )
            return (
                f"{want.title}, row {number}: expected {len(want_row)} cells, "
                f"found {len(got_row)}: expected {_dump(want_row)}, found {_dump(got_row)}"
            )
        if len(want.rows) != len(got.rows):
            shorter = min(len(want.rows), len(got.rows))
            extra = (got.rows if len(got.rows) > shorter else want.rows)[shorter]
            which = "found an extra" if len(got.rows) > shorter else "missing the expected"
            return (
                f"{want.title}: expected {len(want.rows)} rows, found {len(got.rows)}; "
                f"{which} row {shorter + 1}: {_dump(extra)}"
            )
    return None


def updating() -> bool:
    """Whether this run rewrites the golden files (``UPDATE_GOLDEN=1``; refused in CI)."""
    if os.environ.get("UPDATE_GOLDEN", "") not in ("", "0"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("UPDATE_GOLDEN is set in CI: golden files are only rewritten by hand")
        return True
    return False


def check_golden(name: str, found: Export) -> None:
    """Compare ``found`` with ``tests/golden/<name>.jsonl`` (or rewrite it when updating)."""
    path = GOLDEN_DIR / f"{name}.jsonl"
    if updating():
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(found.lines()) + "\n", encoding="utf-8", newline="\n")
        return
    if not path.exists():
        pytest.fail(f"no golden file {path.name}; create it deliberately with {REGENERATE}")
    expected = Export.parse(path.read_text(encoding="utf-8").splitlines())
    difference = first_difference(expected, found)
    if difference is not None:
        pytest.fail(
            f"export {name!r} differs from tests/golden/{path.name}:\n  {difference}\n"
            f"If the change is intended, regenerate the golden files with {REGENERATE} "
            "and review the diff.",
            pytrace=False,
        )
    # Equal data must also mean an equal file (guards the file format itself).
    assert found.lines() == path.read_text(encoding="utf-8").splitlines()
