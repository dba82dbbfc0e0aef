"""Bulk import and export: every kind, every file format, and all-or-nothing writes."""

from __future__ import annotations

import io
import time
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from exchange_app import importing
from exchange_app.importing import ImportRefused
from exchange_app.importing import spreadsheets as files
from exchange_app.importing.normalise import ValueProblem, parse_date, parse_int
from exchange_app.imports.kinds import get_kind
from exchange_app.models import (
    AuditEntry,
    Delegation,
    Participant,
    Promotion,
    YouthProgram,
)
from tests.factories import make_organization, make_program
from tests.import_files import FORMATS, csv_bytes, make_file, xlsx_bytes


def plan_import(db, kind: str, *args: Any, **kwargs: Any) -> importing.ImportPlan:
    """The engine's plan for a file of the kind called ``kind``."""
    return importing.plan_import(db, get_kind(kind), *args, **kwargs)


def apply_plan(db, plan: importing.ImportPlan, **kwargs: Any) -> dict[str, list[int]]:
    """Write a plan with the kind it was made for."""
    return importing.apply_plan(db, get_kind(plan.kind), plan, **kwargs)


def export_bytes(db, kind: str, *args: Any) -> bytes:
    """The import-format export of every record of ``kind``."""
    return files.export_bytes(db, get_kind(kind), *args)


def template_bytes(kind: str) -> bytes:
    """The blank template of ``kind``."""
    return files.template_bytes(get_kind(kind))

DELEGATION_HEADERS = [
    "管理番号",
    "方向",
    "相手都市",
    "件名",
    "開始日",
    "終了日",
    "団長名",
    "人数",
    "分野",
]
PROGRAM_HEADERS = ["external_id", "title", "kind", "partner", "direction", "start_date", "end_date"]
PARTICIPANT_HEADERS = [
    "program_external_id",
    "姓",
    "名",
    "姓（カナ）",
    "名（カナ）",
    "生年月日",
    "学校名",
    "学年",
    "役割",
    "市内在住",
    "状況",
    "保護者氏名",
    "保護者電話番号",
    "保護者同意日",
]
PROMOTION_HEADERS = [
    "external_id",
    "date",
    "title",
    "channel",
    "partner",
    "organization",
    "theme",
    "medium",
    "reach",
]


@pytest.fixture
def ctx(app):
    """A request context (Japanese UI), as during an upload."""
    with app.test_request_context():
        yield


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def run_import(db, kind: str, filename: str, content: bytes) -> Any:
    plan = plan_import(db, kind, filename, content)
    assert plan.ok, [p.text() for p in plan.problems]
    apply_plan(db, plan)
    db.commit()
    return plan


def add_program(db, external_id: str = "YP-2024-01") -> YouthProgram:
    """The Guilin programme the participant samples belong to."""
    return make_program(
        db,
        external_id=external_id,
        title="桂林市青少年交流",
        start_date=date(2024, 8, 1),
        end_date=date(2024, 8, 7),
    )


def add_organization(db, name_ja: str = "在福岡中国総領事館", kind: str = "embassy_consulate"):
    return make_organization(
        db, kind, name_ja=name_ja, name_en="Consulate-General of China in Fukuoka"
    )


SAMPLES: dict[str, tuple[list[str], list[list[Any]]]] = {
    "delegations": (
        DELEGATION_HEADERS,
        [
            [
                "GL-1",
                "受入",
                "桂林市",
                "桂林市友好代表団",
                "令和6年4月1日",
                "R6.4.5",
                "王 明",
                "8",
                "観光、青少年",
            ],
            [
                "GL-2",
                "派遣",
                "Guilin",
                "熊本市訪問団",
                "S54.10.1",
                "1979/10/05",
                "",
                "12人",
                "culture;arts",
            ],
        ],
    ),
    "youth-programs": (
        PROGRAM_HEADERS,
        [
            [
                "YP-1",
                "桂林市青少年交流派遣",
                "友好姉妹都市等との交流",
                "guilin",
                "派遣",
                "2024-08-01",
                "2024-08-07",
            ],
            [
                "YP-2",
                "国際会議",
                "international_conference",
                "",
                "outbound",
                "H31.4.30",
                "令和元年5月1日",
            ],
        ],
    ),
    "participants": (
        PARTICIPANT_HEADERS,
        [
            [
                "YP-2024-01",
                "熊本",
                "花子",
                "クマモト",
                "ハナコ",
                "H21.5.3",
                "○○中学校",
                "中学2年",
                "青少年",
                "はい",
                "参加",
                "熊本 太郎",
                "096-328-2070",
                "2024-06-20",
            ],
            [
                "YP-2024-01",
                "肥後",
                "一郎",
                "ひご",
                "いちろう",
                "2009-01-15",
                "",
                "",
                "youth",
                "no",
                "applied",
                "",
                "",
                "",
            ],
        ],
    ),
    "promotions": (
        PROMOTION_HEADERS,
        [
            [
                "PR-1",
                "2024-05-10",
                "桂林市観光展で熊本城をPR",
                "友好姉妹都市等",
                "桂林市",
                "",
                "熊本城",
                "展示",
                "1200",
            ],
            [
                "PR-2",
                "R6.6.1",
                "総領事館での食の紹介",
                "embassy_consulate",
                "",
                "在福岡中国総領事館",
                "food",
                "event",
                "",
            ],
        ],
    ),
}


def _prepare(db, kind: str) -> None:
    if kind == "participants":
        add_program(db)
    if kind == "promotions":
        add_organization(db)


def _model(kind: str):
    return {
        "delegations": Delegation,
        "youth-programs": YouthProgram,
        "participants": Participant,
        "promotions": Promotion,
    }[kind]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_each_kind_imports_from_each_file_format(db, ctx, kind: str, fmt: str) -> None:
    _prepare(db, kind)
    headers, rows = SAMPLES[kind]
    filename, content = make_file(fmt, headers, rows)
    model = _model(kind)
    before = count(db, model)
    plan = run_import(db, kind, filename, content)
    assert plan.counts["create"] == 2
    assert count(db, model) == before + 2
    # The same file again changes nothing.
    again = plan_import(db, kind, filename, content)
    assert again.ok and again.counts == {"unchanged": 2}


def test_delegation_values_from_japanese_headers_wareki_and_labels(db, ctx) -> None:
    headers, rows = SAMPLES["delegations"]
    run_import(db, "delegations", *make_file("csv-cp932", headers, rows))
    first = db.scalar(select(Delegation).where(Delegation.external_id == "GL-1"))
    second = db.scalar(select(Delegation).where(Delegation.external_id == "GL-2"))
    assert (first.direction, first.partner_city.slug) == ("inbound", "guilin")
    assert (first.start_date, first.end_date) == (date(2024, 4, 1), date(2024, 4, 5))
    assert sorted(first.fields) == ["tourism", "youth"]
    assert (second.direction, second.member_count) == ("outbound", 12)
    assert (second.start_date, second.end_date) == (date(1979, 10, 1), date(1979, 10, 5))
    assert sorted(second.fields) == ["arts", "culture"]


def test_full_width_digits_and_spaces_are_normalised(db, ctx) -> None:
    rows = [
        [
            "GL-Ｗ１",
            "受入",
            "桂林市",
            "桂林市　友好　訪問団",
            "令和６年４月１日",
            "２０２４／４／３",
            "",
            "１２",
            "観光",
        ]
    ]
    run_import(db, "delegations", *make_file("xlsx", DELEGATION_HEADERS, rows))
    record = db.scalar(select(Delegation).where(Delegation.external_id == "GL-W1"))
    assert record.title == "桂林市 友好 訪問団"
    assert record.member_count == 12
    assert (record.start_date, record.end_date) == (date(2024, 4, 1), date(2024, 4, 3))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和6年4月1日", date(2024, 4, 1)),
        ("R6.4.1", date(2024, 4, 1)),
        ("r6/4/1", date(2024, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("S54.10.1", date(1979, 10, 1)),
        ("昭和54年10月1日", date(1979, 10, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("2024-04-01", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("2024年4月1日", date(2024, 4, 1)),
        ("２０２４－０４－０１", date(2024, 4, 1)),
        (45383, date(2024, 4, 1)),  # an Excel day number that lost its date format
    ],
)
def test_dates_in_every_accepted_form(ctx, text: Any, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["R1.4.30", "H31.5.1", "令和6年2月30日", "2024-13-01", "next week", "R0.1.1"]
)
def test_impossible_or_unreadable_dates_are_refused(ctx, text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_date(text)


def test_numbers_accept_units_and_refuse_text(ctx) -> None:
    assert parse_int("1,200") == 1200
    assert parse_int("８人") == 8
    with pytest.raises(ValueProblem):
        parse_int("eight")
    with pytest.raises(ValueProblem):
        parse_int("2.5")


def test_one_bad_row_among_many_writes_nothing(db, ctx) -> None:
    rows = [
        [f"BULK-{i}", "受入", "桂林市", f"訪問 {i}", "2020-04-01", "2020-04-03", "", "5", "観光"]
        for i in range(300)
    ]
    rows[217][5] = "2020-03-01"  # ends before it starts
    filename, content = make_file("xlsx", DELEGATION_HEADERS, rows)
    plan = plan_import(db, "delegations", filename, content)
    assert not plan.ok
    assert [(p.line, p.column) for p in plan.problems] == [(219, "end_date")]
    assert plan.counts["create"] == 299 and plan.counts["error"] == 1
    with pytest.raises(ImportRefused):
        apply_plan(db, plan)
    db.rollback()
    assert count(db, Delegation) == 0
    assert count(db, AuditEntry) == 0


def test_reimport_updates_by_external_id_and_never_duplicates(db, ctx) -> None:
    headers, rows = SAMPLES["delegations"]
    run_import(db, "delegations", *make_file("xlsx", headers, rows))
    record = db.scalar(select(Delegation).where(Delegation.external_id == "GL-1"))
    version = record.version
    changed = [list(rows[0]), list(rows[1])]
    changed[0][3] = "桂林市友好代表団（改）"
    changed[0][8] = "観光"
    plan = plan_import(db, "delegations", *make_file("xlsx", headers, changed))
    assert plan.counts == {"update": 1, "unchanged": 1}
    assert sorted(plan.rows[0].changed) == ["fields", "title"]
    apply_plan(db, plan)
    db.commit()
    db.expire_all()
    record = db.scalar(select(Delegation).where(Delegation.external_id == "GL-1"))
    assert record.title == "桂林市友好代表団（改）"
    assert record.fields == ["tourism"]
    assert record.version == version + 1
    assert count(db, Delegation) == 2


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "csv-cp932"])
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_export_then_import_gives_the_same_records(db, ctx, kind: str, file_format: str) -> None:
    _prepare(db, kind)
    headers, rows = SAMPLES[kind]
    run_import(db, kind, *make_file("xlsx", headers, rows))
    model = _model(kind)
    exported_format, encoding = (
        ("csv", "cp932") if file_format == "csv-cp932" else (file_format, "utf-8-sig")
    )
    content = export_bytes(db, kind, exported_format, encoding)
    filename = f"export.{exported_format}"

    # Into the same database: nothing to do.
    plan = plan_import(db, kind, filename, content)
    assert plan.ok, [p.text() for p in plan.problems]
    assert plan.counts == {"unchanged": 2}

    # Into an emptied table: the same records come back.
    def snapshot() -> list[tuple]:
        skip = {"id", "version", "created_at", "updated_at", "person_id"}
        columns = [c for c in model.__table__.columns if c.name not in skip]
        return sorted(
            tuple(str(getattr(r, c.key)) for c in columns) for r in db.scalars(select(model))
        )

    before = snapshot()
    fields_before = (
        sorted(tuple(sorted(d.fields)) for d in db.scalars(select(Delegation)))
        if kind == "delegations"
        else None
    )
    for record in db.scalars(select(model)):
        db.delete(record)
    db.commit()
    run_import(db, kind, filename, content)
    db.expire_all()
    assert snapshot() == before
    if kind == "delegations":
        assert (
            sorted(tuple(sorted(d.fields)) for d in db.scalars(select(Delegation))) == fields_before
        )


def test_formula_cells_are_row_errors_never_evaluated(db, ctx) -> None:
    rows = [
        [
            "GL-F",
            "受入",
            "桂林市",
            '=HYPERLINK("http://example.com")',
            "2024-04-01",
            "2024-04-02",
            "",
            "=2+3",
            "観光",
        ]
    ]
    plan = plan_import(db, "delegations", *make_file("xlsx", DELEGATION_HEADERS, rows))
    assert not plan.ok
    assert {(p.line, p.column) for p in plan.problems} == {(2, "title"), (2, "member_count")}
    assert all("=" in p.message for p in plan.problems)
    # In CSV a cell starting with '=' is refused the same way.
    plan = plan_import(db, "delegations", *make_file("csv-utf8-bom", DELEGATION_HEADERS, rows))
    assert {(p.line, p.column) for p in plan.problems} == {(2, "title"), (2, "member_count")}
    assert count(db, Delegation) == 0


def test_formula_like_text_round_trips_as_text_never_as_formula(db, ctx) -> None:
    # An export quotes formula-like text; importing the export restores the text as typed.
    rows = [["GL-T", "受入", "桂林市", "'=1+1 の謎", "2024-04-01", "2024-04-02", "", "3", ""]]
    run_import(db, "delegations", *make_file("csv-utf8-bom", DELEGATION_HEADERS, rows))
    record = db.scalar(select(Delegation).where(Delegation.external_id == "GL-T"))
    assert record.title == "=1+1 の謎"
    content = export_bytes(db, "delegations", "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    title_column = [c.value for c in sheet[1]].index("title")
    cell = sheet.cell(row=2, column=title_column + 1)
    assert cell.data_type == "s"
    assert cell.value == "'=1+1 の謎"
    plan = plan_import(db, "delegations", "export.xlsx", content)
    assert plan.ok and plan.counts == {"unchanged": 1}


def _problem_for(db, kind: str, filename: str, content: bytes) -> list[tuple]:
    plan = plan_import(db, kind, filename, content)
    assert not plan.ok
    return [(p.line, p.column) for p in plan.problems]


def test_bad_rows_say_which_row_and_column(db, ctx) -> None:
    rows = [
        ["A", "受入", "桂林市", "ok", "2024-04-01", "2024-04-02", "", "3", ""],
        ["B", "受入", "Atlantis", "unknown city", "2024-04-01", "2024-04-02", "", "3", ""],
        ["C", "受入", "桂林市", "ends first", "2024-04-05", "2024-04-02", "", "3", ""],
        ["D", "受入", "桂林市", "text count", "2024-04-01", "2024-04-02", "", "many", ""],
        ["E", "sideways", "桂林市", "bad direction", "2024-04-01", "2024-04-02", "", "3", ""],
        ["F", "受入", "桂林市", "", "2024-04-01", "2024-04-02", "", "3", ""],
        ["A", "受入", "桂林市", "duplicate", "2024-04-01", "2024-04-02", "", "3", ""],
    ]
    problems = _problem_for(db, "delegations", *make_file("xlsx", DELEGATION_HEADERS, rows))
    assert problems == [
        (3, "partner"),
        (4, "end_date"),
        (5, "member_count"),
        (6, "direction"),
        (7, "title"),
        (8, "external_id"),
    ]
    assert count(db, Delegation) == 0


def test_missing_required_column_is_reported_before_any_row(db, ctx) -> None:
    headers = [h for h in DELEGATION_HEADERS if h != "開始日"]
    rows = [["A", "受入", "桂林市", "t", "2024-04-02", "", "3", ""]]
    plan = plan_import(db, "delegations", *make_file("csv-utf8-bom", headers, rows))
    assert [(p.line, p.column) for p in plan.problems] == [(None, "start_date")]
    assert "開始日" in plan.problems[0].message
    assert plan.rows == []


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("records.pdf", b"%PDF-1.4 ..."),
        ("records.xlsx", b"external_id,title\nA,B\n"),  # a CSV named .xlsx
        ("records.csv", xlsx_bytes(["external_id"], [["A"]])),  # a workbook named .csv
        ("records.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("records.csv", b""),
        ("records.xlsx", b""),
        ("records.csv", "external_id,title\nA,桂林\n".encode("utf-16")),
        (
            "records.csv",
            ("管理番号,件名\n" + "A,ｶﾀｶﾅではない桂林市友好訪問団の記録\n" * 3).encode("euc_jp"),
        ),
    ],
    ids=[
        "pdf",
        "csv-named-xlsx",
        "xlsx-named-csv",
        "old-xls",
        "empty-csv",
        "empty-xlsx",
        "utf16",
        "euc-jp",
    ],
)
def test_unreadable_files_give_one_clear_message(db, ctx, filename: str, content: bytes) -> None:
    plan = plan_import(db, "delegations", filename, content)
    assert not plan.ok
    assert len(plan.problems) == 1 and plan.problems[0].line is None
    assert plan.problems[0].message
    assert plan.rows == []


def test_header_only_file_has_no_data_rows(db, ctx) -> None:
    plan = plan_import(db, "delegations", *make_file("xlsx", DELEGATION_HEADERS, []))
    assert [p.message for p in plan.problems] == ["ファイルにデータ行がありません。"]


def test_oversize_file_is_refused_by_the_service(db, ctx) -> None:
    content = csv_bytes(DELEGATION_HEADERS, [["A"] * 9] * 2000, "utf-8-sig")
    plan = plan_import(db, "delegations", "big.csv", content, max_bytes=len(content) - 1)
    assert not plan.ok and "MB" in plan.problems[0].message


def test_messages_follow_the_interface_language(app, db) -> None:
    rows = [["A", "受入", "桂林市", "t", "2024-04-05", "2024-04-01", "", "3", ""]]
    filename, content = make_file("xlsx", DELEGATION_HEADERS, rows)
    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        english = plan_import(db, "delegations", filename, content).problems[0].text()
    with app.test_request_context():
        japanese = plan_import(db, "delegations", filename, content).problems[0].text()
    # The form's own message, in the interface's language.
    assert english == (
        "Row 2, column 終了日 (end_date): The end date cannot be before the start date."
    )
    assert japanese == "2行目・終了日 (end_date) 列: 終了日は開始日より前にできません。"


# --- rules of the other features, applied by the importer ---------------------------------------


def test_participant_rules_consent_kana_and_phone(db, ctx) -> None:
    add_program(db)
    rows = [
        [
            "YP-2024-01",
            "熊本",
            "花子",
            "クマモト",
            "ハナコ",
            "2009-05-03",
            "",
            "",
            "youth",
            "yes",
            "participated",
            "",
            "",
            "",
        ],
        [
            "YP-2024-01",
            "熊本",
            "次郎",
            "Kumamoto",
            "ジロウ",
            "2009-05-03",
            "",
            "",
            "youth",
            "yes",
            "applied",
            "",
            "",
            "",
        ],
        [
            "YP-2024-01",
            "熊本",
            "三郎",
            "クマモト",
            "サブロウ",
            "2009-05-03",
            "",
            "",
            "youth",
            "yes",
            "applied",
            "",
            "call me",
            "",
        ],
        [
            "YP-9999",
            "熊本",
            "四郎",
            "クマモト",
            "シロウ",
            "2009-05-03",
            "",
            "",
            "youth",
            "yes",
            "applied",
            "",
            "",
            "",
        ],
    ]
    problems = _problem_for(db, "participants", *make_file("xlsx", PARTICIPANT_HEADERS, rows))
    assert problems == [
        (2, "guardian_consent_on"),
        (3, "family_name_kana"),
        (4, "guardian_phone"),
        (5, "program_external_id"),
    ]
    assert count(db, Participant) == 0


def test_same_young_person_on_two_programmes_is_one_person(db, ctx) -> None:
    add_program(db, "YP-A")
    add_program(db, "YP-B")
    row = [
        "熊本",
        "花子",
        "クマモト",
        "ハナコ",
        "2009-05-03",
        "",
        "",
        "youth",
        "yes",
        "applied",
        "",
        "",
        "",
    ]
    run_import(db, "participants", *make_file("xlsx", PARTICIPANT_HEADERS, [["YP-A", *row]]))
    hiragana = list(row)
    hiragana[2:4] = ["くまもと", "はなこ"]
    run_import(db, "participants", *make_file("xlsx", PARTICIPANT_HEADERS, [["YP-B", *hiragana]]))
    persons = set(db.scalars(select(Participant.person_id)))
    assert len(persons) == 1 and None not in persons
    assert count(db, Participant) == 2
    # born 2009-05-03, the programmes start 2024-08-01: 15, kept as a band after purging
    assert set(db.scalars(select(Participant.age_band))) == {"13-15"}


def test_promotion_channel_must_match_partner_or_organisation(db, ctx) -> None:
    add_organization(db, "国際交流基金", "international_organization")
    rows = [
        ["P1", "2024-05-10", "a", "partner_city", "", "国際交流基金", "food", "event", ""],
        ["P2", "2024-05-10", "b", "embassy_consulate", "", "国際交流基金", "food", "event", ""],
        [
            "P3",
            "2024-05-10",
            "c",
            "international_organization",
            "",
            "国際交流基金",
            "food",
            "event",
            "-5",
        ],
        [
            "P4",
            "2024-05-10",
            "d",
            "international_organization",
            "",
            "国際交流基金",
            "food",
            "event",
            "10",
        ],
    ]
    problems = _problem_for(db, "promotions", *make_file("xlsx", PROMOTION_HEADERS, rows))
    # Row 2 is refused on both columns, as the form refuses both fields.
    assert problems == [(2, "partner"), (2, "organization"), (3, "organization"), (4, "reach")]


def test_promotion_left_out_of_3b_needs_a_reason(db, ctx) -> None:
    headers = [*PROMOTION_HEADERS, "counts_toward_3b", "exclusion_reason"]
    rows = [
        ["P1", "2024-05-10", "a", "partner_city", "guilin", "", "food", "event", "", "いいえ", ""],
        [
            "P2",
            "2024-05-10",
            "b",
            "partner_city",
            "guilin",
            "",
            "food",
            "event",
            "",
            "いいえ",
            "重複",
        ],
    ]
    problems = _problem_for(db, "promotions", *make_file("xlsx", headers, rows))
    assert problems == [(2, "exclusion_reason")]


# --- templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_template_has_keys_an_example_and_bilingual_notes(db, ctx, kind: str) -> None:
    workbook = load_workbook(io.BytesIO(template_bytes(kind)))
    data, notes = workbook.worksheets
    keys = [c.value for c in data[1]]
    assert keys[0] in ("external_id", "program_external_id")
    assert any(c.value not in (None, "") for c in data[2])
    documented = {row[0].value: row for row in notes.iter_rows(min_row=2) if row[0].value in keys}
    assert set(documented) == set(keys)
    assert all(c.data_type != "f" for row in data.iter_rows() for c in row)
    if kind == "delegations":
        direction = documented["direction"]
        assert "方向" in direction[1].value and "受入" in direction[4].value
        assert "inbound" in direction[6].value
    _prepare(db, kind)
    plan = plan_import(db, kind, "template.xlsx", template_bytes(kind))
    assert plan.ok, [p.text() for p in plan.problems]


# --- speed -------------------------------------------------------------------------------------


def _bulk_csv(n: int, prefix: str = "BULK") -> bytes:
    rows = [
        [
            f"{prefix}-{i}",
            "inbound" if i % 2 else "outbound",
            "guilin",
            f"Visit {i}",
            f"20{i % 25:02d}-04-01",
            f"20{i % 25:02d}-04-0{1 + i % 8}",
            "",
            str(1 + i % 30),
            "tourism;youth",
        ]
        for i in range(n)
    ]
    return csv_bytes(DELEGATION_HEADERS, rows, "utf-8-sig")


def test_ten_thousand_rows_import_in_seconds(db, ctx) -> None:
    content = _bulk_csv(10_000)
    started = time.perf_counter()
    plan = run_import(db, "delegations", "big.csv", content)
    elapsed = time.perf_counter() - started
    assert plan.counts["create"] == 10_000
    assert count(db, Delegation) == 10_000
    assert elapsed < 30, elapsed
    again = plan_import(db, "delegations", "big.csv", content)
    assert again.counts == {"unchanged": 10_000}


def test_queries_do_not_grow_with_rows(db, ctx, count_queries) -> None:
    def statements(n: int, prefix: str) -> int:
        content = _bulk_csv(n, prefix)
        with count_queries() as seen:
            plan = plan_import(db, "delegations", "f.csv", content)
            apply_plan(db, plan)
        db.rollback()
        return len(seen)

    assert statements(20, "S") == statements(400, "M")


def test_unknown_columns_are_ignored_with_a_warning(db, ctx) -> None:
    headers, rows = SAMPLES["delegations"]
    plan = plan_import(
        db,
        "delegations",
        *make_file("xlsx", [*headers, "担当者メモ"], [[*r, "memo"] for r in rows]),
    )
    assert plan.ok and plan.counts["create"] == 2
    assert len(plan.warnings) == 1 and "担当者メモ" in plan.warnings[0].message


def test_duplicate_header_is_a_problem(db, ctx) -> None:
    headers = [*DELEGATION_HEADERS, "件名"]
    rows = [[*SAMPLES["delegations"][1][0], "again"]]
    plan = plan_import(db, "delegations", *make_file("xlsx", headers, rows))
    assert [(p.line, p.column) for p in plan.problems] == [(None, "title")]
