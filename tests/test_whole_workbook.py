"""The whole office as one workbook: export all, a spreadsheet program's re-save, import all."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from exchange_app.db import Base
from exchange_app.importing.spreadsheets import export_table
from exchange_app.imports import workbook
from exchange_app.imports.kinds import KINDS
from exchange_app.indicators import queries
from exchange_app.models import (
    AuditEntry,
    CourtesyCall,
    Delegation,
    DelegationMember,
    Gift,
    Organization,
    PartnerCity,
    Promotion,
    StoredFile,
)
from exchange_app.services import demo_data
from exchange_app.services import history as history_service

# What a fresh installation holds after ``make run``: the seeded reference data and users.
RECORD_TABLES = {
    "youth_persons",
    "organizations",
    "delegations",
    "promotions",
    "youth_programs",
    "courtesy_calls",
    "delegation_fields",
    "delegation_leading_projects",
    "delegation_members",
    "gifts",
    "participants",
    "promotion_leading_projects",
    "audit_entries",
}


def cells(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet's cells by title, dates as dates whatever the cell's number format."""
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [
            [c.date() if isinstance(c, datetime) else c for c in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def resaved(content: bytes) -> bytes:
    """The workbook as a spreadsheet program writes it back: shared strings, date cells."""
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.value = cell.value.date()
                    cell.number_format = "yyyy/m/d"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def empty_the_records(db) -> None:
    """Leave what a fresh installation holds (ids of new records will differ)."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in RECORD_TABLES:
            db.execute(delete(table))
    db.flush()
    db.expire_all()


def figures(db) -> dict[int, list[tuple[str, Any, str]]]:
    """Every indicator's figure for each year of the demo data."""
    return {
        year: [
            (figure.code, queries.plain_number(figure.value), figure.status)
            for figure in queries.indicator_report(db, year).figures
        ]
        for year in (2019, 2022, 2024)
    }


def histories(db) -> dict[str, Any]:
    """Each partnership's history as a reader sees it: figures and chronology."""
    today = date(2026, 12, 3)
    result = {}
    for city in db.scalars(select(PartnerCity).order_by(PartnerCity.slug)):
        history = history_service.build_history(db, city, today=today)
        result[city.slug] = [
            (entry.kind, entry.day, entry.title, entry.size, entry.youth_count)
            for entry in history.entries
        ]
    return result


def add_what_the_demo_leaves_out(db) -> None:
    """Members, courtesy calls and gifts on a few delegations (the demo has none)."""
    delegations = db.scalars(select(Delegation).order_by(Delegation.id).limit(3)).all()
    for index, delegation in enumerate(delegations):
        delegation.member_count = max(delegation.member_count or 0, 3)
        delegation.members = [
            DelegationMember(position=n, name=f"団員 {index}-{n}", organization="桂林市",
                             title="副市長" if n == 0 else None)
            for n in range(3 - index)
        ]
        delegation.courtesy_calls = [
            CourtesyCall(position=0, visited="熊本市長", visited_on=delegation.start_date,
                         notes="友好交流について意見交換")
        ]
        delegation.gifts = [
            Gift(position=0, direction="given", description="肥後象嵌の文鎮",
                 counterpart="桂林市長", given_on=delegation.start_date),
            Gift(position=1, direction="received", description="桂林の山水画"),
        ]
    db.flush()


def test_demo_data_survives_export_resave_import_and_export_cell_for_cell(db) -> None:
    demo_data.generate(db, 1, first_year=2019)
    db.flush()
    add_what_the_demo_leaves_out(db)
    before = workbook.export_workbook(db, include_personal=True)
    before_figures, before_histories = figures(db), histories(db)
    assert list(cells(before)) == list(KINDS)

    empty_the_records(db)
    assert db.scalar(select(func.count()).select_from(Delegation)) == 0
    result = workbook.import_workbook(db, "office.xlsx", resaved(before))
    assert result.ok, [p.text() for p in result.problems]
    db.flush()

    after = workbook.export_workbook(db, include_personal=True)
    before_cells, after_cells = cells(before), cells(after)
    for title, rows in before_cells.items():
        assert len(rows) > 1, title
        assert after_cells[title] == rows, title
    assert figures(db) == before_figures
    assert histories(db) == before_histories

    again = workbook.import_workbook(db, "office.xlsx", after)
    assert again.ok
    assert {plan.kind: set(plan.counts) for plan in again.plans} == {
        key: {"unchanged"} for key in KINDS
    }


def test_the_default_workbook_holds_no_personal_data(db, make) -> None:
    program = make.program(external_id="P-1")
    make.participant(program=program, family_name="秘密", given_name="花子")
    content = workbook.export_workbook(db)
    sheets = cells(content)
    assert "participants" not in sheets
    assert list(sheets) == [kind.key for kind in KINDS.values() if not kind.personal]
    assert "秘密" not in str(sheets)
    # A workbook without the participants' sheet imports as a whole.
    assert workbook.import_workbook(db, "office.xlsx", content).ok


def office_workbook(db, sheets: dict[str, tuple[list[str], list[list[Any]]]] | None = None):
    """A small workbook as ``export all`` writes it, with some sheets replaced."""
    exported = cells(workbook.export_workbook(db))
    book = Workbook()
    book.remove(book.active)
    for title, rows in exported.items():
        headers, data = (sheets or {}).get(title, (rows[0], rows[1:]))
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in data:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), exported


def reorder(content: bytes, titles: list[str]) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book._sheets = [book[title] for title in titles]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def remove_sheet(content: bytes, title: str) -> bytes:
    book = load_workbook(io.BytesIO(content))
    book.remove(book[title])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def in_japanese(app):
    """Messages in the interface's default language, as a signed-in page shows them."""
    with app.test_request_context():
        yield


@pytest.fixture
def office(db, make, in_japanese):
    """A delegation and an organisation with a promotion made through it."""
    make.delegation(external_id="D-1", title="桂林市友好代表団")
    organization = make.organization("overseas_office", name_ja="上海事務所", external_id="O-1")
    make.promotion(
        organization_id=organization.id, channel="overseas_office", external_id="PR-1"
    )
    db.flush()
    return db


def problems(db, content: bytes) -> list[str]:
    counts = {
        model: db.scalar(select(func.count()).select_from(model))
        for model in (Delegation, Organization, Promotion, AuditEntry)
    }
    result = workbook.import_workbook(db, "office.xlsx", content)
    texts = [problem.text() for problem in result.problems]
    assert not result.ok
    db.rollback()
    assert counts == {
        model: db.scalar(select(func.count()).select_from(model)) for model in counts
    }
    return texts


def test_a_missing_sheet_is_named(office) -> None:
    content, _exported = office_workbook(office)
    found = problems(office, remove_sheet(content, "organizations"))
    assert len(found) == 1
    assert found[0].startswith("シート organizations: ")
    assert ", ".join(KINDS) in found[0]


def test_sheets_out_of_order_are_refused(office) -> None:
    content, exported = office_workbook(office)
    titles = list(exported)
    titles.remove("promotions")
    titles.insert(titles.index("organizations"), "promotions")
    found = problems(office, reorder(content, titles))
    assert len(found) == 1
    assert found[0].startswith("シート promotions: ") and "organizations" in found[0]


def test_an_unknown_sheet_is_refused(office) -> None:
    content, _exported = office_workbook(office)
    book = load_workbook(io.BytesIO(content))
    book.create_sheet("counterparts").append(["external_id"])
    buffer = io.BytesIO()
    book.save(buffer)
    found = problems(office, buffer.getvalue())
    assert len(found) == 1 and found[0].startswith("シート counterparts: ")


def test_a_reference_to_an_external_id_in_no_sheet_names_sheet_row_and_column(
    db, make, in_japanese
) -> None:
    make.program(external_id="P-1")
    db.flush()
    headers, _rows = export_table(db, KINDS["participants"])
    row = dict.fromkeys(headers)
    row.update(
        program_external_id="P-404",
        family_name="熊本",
        given_name="太郎",
        family_name_kana="クマモト",
        given_name_kana="タロウ",
        role="youth",
        status="applied",
    )
    content, _exported = office_workbook(db)
    book = load_workbook(io.BytesIO(content))
    sheet = book.create_sheet("participants", index=list(KINDS).index("participants"))
    sheet.append(headers)
    sheet.append([row[h] for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    found = problems(db, buffer.getvalue())
    where = "シート participants の 2行目・program_external_id 列: "
    assert any(text.startswith(where) and "P-404" in text for text in found), found


def test_the_same_external_id_twice_is_refused(office) -> None:
    content, exported = office_workbook(office)
    headers, *rows = exported["delegations"]
    content, _ = office_workbook(office, {"delegations": (headers, [*rows, rows[0]])})
    found = problems(office, content)
    assert found and all(text.startswith("シート delegations の 3行目") for text in found), found


def test_an_extra_column_from_another_version_is_refused(office) -> None:
    content, exported = office_workbook(office)
    headers, *rows = exported["organizations"]
    content, _ = office_workbook(
        office,
        {"organizations": ([*headers, "wechat_id"], [[*row, "shanghai-office"] for row in rows])},
    )
    found = problems(office, content)
    assert len(found) == 1
    assert found[0].startswith("シート organizations の wechat_id 列: ")


def test_a_wrong_row_in_a_later_sheet_leaves_the_earlier_sheets_unwritten(office) -> None:
    content, exported = office_workbook(office)
    headers, *rows = exported["delegations"]
    new_delegation = list(rows[0])
    new_delegation[headers.index("external_id")] = "D-2"
    promotion_headers, *promotions = exported["promotions"]
    broken = list(promotions[0])
    broken[promotion_headers.index("organization")] = "存在しない機関"
    content, _ = office_workbook(
        office,
        {
            "delegations": (headers, [*rows, new_delegation]),
            "promotions": (promotion_headers, [broken]),
        },
    )
    found = problems(office, content)
    assert any(text.startswith("シート promotions の 2行目") for text in found), found
    assert office.scalar(select(func.count()).select_from(Delegation)) == 1


def test_export_all_and_import_all_from_the_command_line(app, db, office, tmp_path) -> None:
    path = tmp_path / "office.xlsx"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "all", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert list(cells(path.read_bytes())) == [k for k, kind in KINDS.items() if not kind.personal]
    dry = runner.invoke(args=["import", "all", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "promotions: 0 to create, 0 to update, 1 unchanged" in dry.output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(remove_sheet(path.read_bytes(), "delegations"))
    refused = runner.invoke(args=["import", "all", str(broken), "--lang", "en"])
    assert refused.exit_code == 1
    assert "Sheet delegations: the workbook has no sheet delegations" in refused.output
    assert "nothing was written" in refused.output


def test_personal_data_in_the_workbook_only_when_asked_and_audited(app, db, make, tmp_path):
    program = make.program(external_id="P-1")
    make.participant(program=program, family_name="秘密")
    db.flush()
    path = tmp_path / "office.xlsx"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["export", "all", "--output", str(path)]).exit_code == 0
    assert "秘密" not in str(cells(path.read_bytes()))
    exports = select(AuditEntry).where(AuditEntry.action == "export")
    assert db.scalars(exports).all() == []
    result = runner.invoke(args=["export", "all", "--include-personal", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert "秘密" in str(cells(path.read_bytes())["participants"])
    assert path.stat().st_mode & 0o077 == 0
    entries = db.scalars(exports).all()
    assert [entry.entity_type for entry in entries] == ["participant"]


def ask_for_workbook(client, **data):
    """Ask for the workbook; the finished job's page links to the download."""
    response = client.post("/imports/workbook/new", data=data)
    assert response.status_code == 303, response.status_code
    job_page = client.get(response.headers["Location"])
    assert job_page.status_code == 200, job_page.status_code
    link = re.search(r'href="([^"]+)" id="job-result-link">ブックをダウンロード<', job_page.text)
    assert link, job_page.text
    return link.group(1), client.get(link.group(1))


def test_an_administrator_downloads_the_workbook_from_the_import_page(
    client, auth, db, make, make_user
) -> None:
    program = make.program(external_id="P-1")
    make.participant(program=program, family_name="秘密")
    auth.login("admin")
    page = client.get("/imports/").get_data(as_text=True)
    assert "全記録を1つのブックに" in page and 'action="/imports/workbook/new"' in page

    url, download = ask_for_workbook(client)
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "exchange-app-all_" in download.headers["Content-Disposition"]
    sheets = cells(download.data)
    assert list(sheets) == [k for k, kind in KINDS.items() if not kind.personal]
    assert sheets["youth-programs"][1][0] == "P-1"
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all() == []

    _url, personal = ask_for_workbook(client, include_personal="y")
    assert "秘密" in str(cells(personal.data)["participants"])
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [(e.entity_type, e.changes["sheet"]) for e in entries] == [
        ("participant", "participants")
    ]

    # Another administrator cannot fetch it.
    auth.logout()
    auth.login(make_user("admin"))
    assert client.get(url).status_code == 404


def test_only_administrators_may_ask_for_the_workbook(client, auth) -> None:
    auth.login("coordinator")
    assert "/imports/workbook/new" not in client.get("/imports/").get_data(as_text=True)
    assert client.post("/imports/workbook/new", data={}).status_code == 403
    auth.logout()
    assert client.post("/imports/workbook/new", data={}).status_code in (302, 303, 401)


def test_a_workbook_no_longer_kept_is_asked_for_again(client, auth, db) -> None:
    auth.login("admin")
    url, _download = ask_for_workbook(client)
    db.execute(delete(StoredFile).where(StoredFile.purpose == "workbook_export"))
    db.flush()
    response = client.get(url)
    assert response.status_code == 303 and response.headers["Location"] == "/imports/"
    assert "もう保管されていません" in client.get("/imports/").get_data(as_text=True)


def test_written_workbooks_are_forgotten_after_hours_and_by_the_retention_purge(db) -> None:
    from datetime import timedelta

    from exchange_app.importing import uploads
    from exchange_app.services import stored_files

    def kept() -> list[str]:
        return list(
            db.scalars(select(StoredFile.token).where(StoredFile.purpose == "workbook_export"))
        )

    old = stored_files.put(db, "workbook_export", b"old", token="old")
    stored_files.put(db, "workbook_export", b"new", token="new")
    old.created_at -= timedelta(seconds=uploads.MAX_AGE_SECONDS + 60)
    db.flush()
    uploads.purge_expired(db)
    assert kept() == ["new"]
    uploads.discard_all(db)
    assert kept() == []


def test_the_limits_hold_for_each_sheet_and_name_it(office) -> None:
    from exchange_app.importing.limits import UploadLimits

    content, exported = office_workbook(office)
    headers, *rows = exported["delegations"]
    three = [list(rows[0]) for _n in range(3)]
    for n, row in enumerate(three):
        row[headers.index("external_id")] = f"D-{n + 10}"
    content, _ = office_workbook(office, {"delegations": (headers, [*rows, *three])})
    limits = UploadLimits(max_bytes=10**7, max_unpacked_bytes=10**7, max_rows=3, max_columns=50)
    result = workbook.import_workbook(office, "office.xlsx", content, limits=limits)
    assert [problem.text() for problem in result.problems] == [
        "シート delegations: ファイルの行数が 3 行を超えています。取り込めるのは 3 行までです。"
        "ファイルを分けてください。"
    ]
    # Another sheet of three rows alone is within the limit: it is each sheet's.
    limits = UploadLimits(max_bytes=10**7, max_unpacked_bytes=10**7, max_rows=4, max_columns=50)
    assert workbook.import_workbook(office, "office.xlsx", content, limits=limits).ok


def test_the_workbook_job_counts_its_progress_in_steps_not_rows(client, auth, db) -> None:
    from exchange_app import jobs
    from exchange_app.vocab import JobKind

    admin = auth.login("admin")
    job = jobs.submit(db, JobKind.WORKBOOK_EXPORT, admin.id, "ja", personal=False)
    job.status, job.progress_done, job.progress_total = "running", 2, 8
    db.commit()
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "8段階中 2段階" in html and "行中" not in html
