"""Spreadsheet exports never carry a live formula and keep Japanese intact."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from exchange_app.services.exports import csv_bytes, neutralise, xlsx_bytes

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "＝1+1", "＋1", "－1", "＠x"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_is_quoted(value: str) -> None:
    assert neutralise(value) == "'" + value


def test_plain_text_and_numbers_untouched() -> None:
    assert neutralise("熊本市") == "熊本市"
    assert neutralise(-5) == -5


def test_xlsx_cells_are_values_not_formulas() -> None:
    content = xlsx_bytes(["件名", "人数", "日付"], [["=HYPERLINK(\"x\")", 3, date(2024, 4, 1)]])
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == ["件名", "人数", "日付"]
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'=HYPERLINK(\"x\")"
    assert sheet["B2"].value == 3


def test_csv_has_bom_and_reads_back() -> None:
    content = csv_bytes(["都市", "件名"], [["桂林市", "=cmd"]])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["都市", "件名"], ["桂林市", "'=cmd"]]


def test_csv_cp932() -> None:
    content = csv_bytes(["都市"], [["高雄市"]], encoding="cp932")
    assert content.decode("cp932").splitlines() == ["都市", "高雄市"]
