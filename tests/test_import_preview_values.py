"""The import preview shows each row's values as they will be stored, before confirming."""

from __future__ import annotations

import io
import re

import pytest

from exchange_app.imports.kinds import get_kind
from exchange_app.imports.preview import preview_values
from tests.import_files import make_file
from tests.test_imports import DELEGATION_HEADERS, add_program, plan_import
from tests.test_person_identity import _file, _row

ROWS = [
    # 令和6年 is 2024, typed in the file as the office writes it; 2043 is a typing slip.
    ["GL-1", "受入", "桂林市", "桂林市友好代表団", "令和6年4月1日", "R6.4.5", "王 明", "1200",
     "観光;青少年"],
    ["GL-2", "派遣", "guilin", "熊本市訪問団", "2043-10-01", "2043-10-05", "", "5", ""],
]


@pytest.fixture(autouse=True)
def own_instance_folder(app, tmp_path):
    app.instance_path = str(tmp_path)
    return tmp_path


def _preview(client, lang: str) -> dict[str, str]:
    client.get(f"/?lang={lang}")
    _name, content = make_file("xlsx", DELEGATION_HEADERS, ROWS)
    response = client.post(
        "/imports/",
        data={"kind": "delegations", "file": (io.BytesIO(content), "visits.xlsx")},
        content_type="multipart/form-data",
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    table = html.split('class="table table-sm align-middle import-rows"', 1)[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]:
        identifier = re.search(r'<td class="text-nowrap">([^<]*)</td>', row).group(1)
        values = row.split('class="import-values"', 1)[1].split("</td>", 1)[0]
        rows[identifier] = re.sub(r"<[^>]+>", " ", values)
    return rows


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_preview_shows_dates_with_wareki_city_numbers_and_vocabulary(client, auth) -> None:
    auth.login("staff")
    rows = {key: _squash(text) for key, text in _preview(client, "ja").items()}
    first = rows["GL-1"]
    assert "開始日 2024年4月1日 (令和6年4月1日)" in first
    assert "終了日 2024年4月5日 (令和6年4月5日)" in first
    assert "相手都市 桂林市" in first
    assert "方向 受入" in first
    assert "人数 1,200" in first
    assert "分野 観光、青少年" in first
    assert "団長名 王 明" in first
    # The slip is visible before anything is stored.
    assert "開始日 2043年10月1日 (令和25年10月1日)" in rows["GL-2"]
    assert "相手都市 桂林市" in rows["GL-2"]


def test_preview_in_english_names_the_columns_by_key(client, auth) -> None:
    auth.login("staff")
    first = _squash(_preview(client, "en")["GL-1"])
    assert "start_date 2024-04-01" in first
    assert "partner Guilin" in first
    assert "direction Inbound (hosted)" in first
    assert "fields Tourism, Youth" in first


def test_a_participant_row_names_its_programme_not_its_number(app, db) -> None:
    add_program(db, "YP-A")
    plan = plan_import(db, "participants", *_file(_row("YP-A")))
    assert plan.ok, plan.problems
    with app.test_request_context():
        shown = dict(preview_values(db, get_kind("participants"), plan.rows, "ja")[2])
    assert shown["事業管理番号"] == "桂林市青少年交流 2024-08-01"
