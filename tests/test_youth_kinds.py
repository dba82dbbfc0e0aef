"""The youth declarations: complete, one message per bad value on every path, honest counts."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange_app import importing
from exchange_app.imports.kinds import get_kind
from exchange_app.models import AuditEntry, Participant, YouthProgram
from exchange_app.records.kind import undeclared_columns
from exchange_app.services import dates
from exchange_app.youth.kind import PARTICIPANTS, YOUTH_PROGRAMS
from tests.factories import city, make_participant, make_program
from tests.import_files import make_file
from tests.test_imports import PARTICIPANT_HEADERS
from tests.test_youth_routes import participant_form


def _count(db: Session, model: Any) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("kind", [YOUTH_PROGRAMS, PARTICIPANTS], ids=lambda k: k.key)
def test_every_column_is_declared_or_excluded(kind: Any) -> None:
    assert undeclared_columns(kind) == set()


def test_the_purge_and_the_audit_mask_exactly_the_personal_fields() -> None:
    assert PARTICIPANTS.personal
    assert {item.key for item in PARTICIPANTS.personal_fields} == {
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "family_name_romaji",
        "given_name_romaji",
        "birth_date",
        "school",
        "grade",
        "guardian_name",
        "guardian_phone",
        "guardian_email",
        "emergency_contact",
        "notes",
        "withdrawal_reason",
        "external_id",
    }
    # What every count needs stays after the purge.
    kept = {"role", "resident", "status", "guardian_consent_on", "program_id"}
    assert not kept & {item.key for item in PARTICIPANTS.personal_fields}


# --- the form and the import refuse a value with the same message ----------------------------

# One import row: a resident youth who took part, with the guardian's consent.
IMPORT_ROW = {
    "program_external_id": "YP-KIND-1",
    "姓": "熊本",
    "名": "花子",
    "姓（カナ）": "クマモト",
    "名（カナ）": "ハナコ",
    "生年月日": "2010-04-10",
    "学校名": "",
    "学年": "2",
    "役割": "youth",
    "市内在住": "yes",
    "状況": "participated",
    "保護者氏名": "",
    "保護者電話番号": "096-222-3333",
    "保護者同意日": "2025-06-01",
}
# The same field in the form and in the file.
FORM_TO_FILE = {
    "family_name_kana": "姓（カナ）",
    "guardian_phone": "保護者電話番号",
    "birth_date": "生年月日",
    "grade": "学年",
    "guardian_consent_on": "保護者同意日",
}


def _form_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert match, f"no error shown on {field}"
    return html.unescape(match.group(1)).strip()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("family_name_kana", "Kumamoto"),
        ("guardian_phone", "call me"),
        ("birth_date", "2099-01-01"),
        ("birth_date", "2025-08-02"),  # after the programme starts
        ("grade", "二" * 21),
        ("guardian_consent_on", ""),  # a youth who took part needs the consent date
        ("guardian_consent_on", "2099-01-01"),
    ],
)
def test_a_participant_value_is_refused_with_the_forms_message_in_the_import(
    app: Any, client: Any, auth: Any, db: Session, field: str, value: str
) -> None:
    program = make_program(db, external_id="YP-KIND-1", start_date=date(2025, 8, 1))
    db.commit()
    auth.login("coordinator")
    page = client.post(
        f"/youth/{program.id}/participants/new", data=participant_form(**{field: value})
    ).get_data(as_text=True)
    form_message = _form_error(page, field)

    row = {**IMPORT_ROW, FORM_TO_FILE[field]: value}
    with app.test_request_context():
        plan = importing.plan_import(
            db,
            get_kind("participants"),
            *make_file("xlsx", PARTICIPANT_HEADERS, [[row[h] for h in PARTICIPANT_HEADERS]]),
        )
    problems = [p for p in plan.problems if p.column == field]
    assert [p.message for p in problems] == [form_message]
    assert _count(db, Participant) == 0


def test_a_programme_without_its_partner_city_is_refused_alike(
    app: Any, client: Any, auth: Any, db: Session
) -> None:
    auth.login("staff")
    page = client.post(
        "/youth/new",
        data={
            "title": "相手のない交流",
            "kind": "partner_exchange",
            "direction": "outbound",
            "start_date": "2025-08-01",
            "end_date": "2025-08-03",
        },
    ).get_data(as_text=True)
    form_message = _form_error(page, "partner_city_id")
    headers = ["external_id", "title", "kind", "partner", "direction", "start_date", "end_date"]
    row = ["YP-X", "相手のない交流", "partner_exchange", "", "outbound", "2025-08-01", "2025-08-03"]
    with app.test_request_context():
        plan = importing.plan_import(
            db, get_kind("youth-programs"), *make_file("xlsx", headers, [row])
        )
    assert [(p.column, p.message) for p in plan.problems] == [("partner", form_message)]
    assert _count(db, YouthProgram) == 0


def test_imported_kana_is_stored_as_the_form_stores_it(app: Any, db: Session) -> None:
    make_program(db, external_id="YP-KIND-1", start_date=date(2025, 8, 1))
    row = {
        **IMPORT_ROW,
        "姓（カナ）": "くまもと",
        "名（カナ）": "ﾊﾅｺ",
        "保護者電話番号": "０９６－２２２－３３３３",
    }
    cells = [[row[h] for h in PARTICIPANT_HEADERS]]
    with app.test_request_context():
        kind = get_kind("participants")
        plan = importing.plan_import(db, kind, *make_file("xlsx", PARTICIPANT_HEADERS, cells))
        assert plan.ok, [p.text() for p in plan.problems]
        importing.apply_plan(db, kind, plan)
    stored = db.scalars(select(Participant)).one()
    assert (stored.family_name_kana, stored.given_name_kana) == ("クマモト", "ハナコ")
    assert stored.guardian_phone == "096-222-3333"


# --- saving nothing writes nothing -----------------------------------------------------------


def _program_data(program: YouthProgram, **values: str) -> dict[str, str]:
    data = {
        "title": program.title,
        "kind": program.kind,
        "partner_city_id": str(program.partner_city_id or ""),
        "direction": program.direction,
        "start_date": program.start_date.isoformat(),
        "end_date": program.end_date.isoformat(),
        "counterpart": program.counterpart or "",
        "description": program.description or "",
        "version": str(program.version),
    }
    data.update(values)
    return data


def test_an_unchanged_programme_save_writes_no_history_entry(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db, title="変わらない交流", description="一行目\n二行目")
    db.commit()
    version = program.version
    auth.login("staff")
    before = _count(db, AuditEntry)
    response = client.post(
        f"/youth/{program.id}/edit", data=_program_data(program), follow_redirects=True
    )
    assert response.status_code == 200
    assert "変更はありませんでした。" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(YouthProgram, program.id).version == version
    assert _count(db, AuditEntry) == before


def test_an_unchanged_participant_save_writes_no_history_entry(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    participant = make_participant(db, program, family_name="桂", given_name="花子")
    db.commit()
    version = participant.version
    auth.login("coordinator")
    data = participant_form(
        family_name="桂",
        given_name="花子",
        family_name_kana=participant.family_name_kana,
        given_name_kana=participant.given_name_kana,
        family_name_romaji=participant.family_name_romaji,
        given_name_romaji=participant.given_name_romaji,
        birth_date=participant.birth_date.isoformat(),
        school=participant.school,
        grade=participant.grade,
        guardian_name=participant.guardian_name,
        guardian_phone=participant.guardian_phone,
        guardian_email=participant.guardian_email,
        guardian_consent_on=participant.guardian_consent_on.isoformat(),
        emergency_contact=participant.emergency_contact,
        notes=participant.notes,
        version=str(version),
    )
    before = _count(db, AuditEntry)
    assert client.post(f"/youth/participants/{participant.id}/edit", data=data).status_code == 302
    db.expire_all()
    assert db.get(Participant, participant.id).version == version
    assert _count(db, AuditEntry) == before


# --- the change history --------------------------------------------------------------------


def test_programme_history_names_the_partner_city_and_the_change(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db, title="桂林交流")
    db.commit()
    auth.login("staff")
    ulsan = city(db, "ulsan")
    response = client.post(
        f"/youth/{program.id}/edit",
        data=_program_data(program, partner_city_id=str(ulsan.id), title="蔚山交流"),
    )
    assert response.status_code == 302
    entry = db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "youth_program", AuditEntry.action == "update"
        )
    ).one()
    # The audit trail keeps its keys: the city by id, as before.
    assert entry.changes["partner_city_id"] == [city(db).id, ulsan.id]
    page = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert "桂林市 → 蔚山広域市" in page
    assert "桂林交流 → 蔚山交流" in page


def test_participant_history_masks_personal_values_and_shows_views_in_japan_time(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    participant = make_participant(db, program, family_name="秘密", school="秘密中学校")
    db.commit()
    auth.login("coordinator")
    data = participant_form(
        family_name="秘密",
        family_name_kana=participant.family_name_kana,
        given_name_kana=participant.given_name_kana,
        school="別の中学校",
        status="withdrawn",
        version=str(participant.version),
    )
    assert client.post(f"/youth/participants/{participant.id}/edit", data=data).status_code == 302
    page = client.get(f"/youth/participants/{participant.id}").get_data(as_text=True)
    history = page[page.index('id="history-heading"') :]
    assert "秘密中学校" not in history and "別の中学校" not in history
    assert "個人情報" in history  # the school changed: said, not shown
    assert "参加 → 辞退" in history  # a status is not personal
    assert "閲覧" in history
    assert "view" not in re.sub(r"<[^>]+>", "", history)
    update = db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "participant", AuditEntry.action == "update"
        )
    ).one()
    # Its time as Japan reads it (format_datetime converts to Asia/Tokyo).
    assert dates.format_datetime(update.occurred_at, "ja") in history
    assert update.changes["school"] == ["(personal)", "(personal)"]
    assert "別の中学校" not in str(update.changes)


# --- the counts say what they count ----------------------------------------------------------


def test_programme_page_says_what_each_figure_counts_after_a_withdrawal(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db, start_date=date(2025, 8, 1))
    for _ in range(5):
        make_participant(db, program)
    make_participant(db, program, status="withdrawn")
    db.commit()
    auth.login("viewer")
    page = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert 'data-count="unique_persons">6<' in page
    assert 'data-count="counted_5b">5<' in page
    assert 'data-count="unique_persons_5b">5<' in page
    assert "参加者の実人数（登録者全員）" in page
    assert "5bに計上した実人数" in page
    note = re.search(r'id="counts-5b-note">(.*?)</p>', page, re.DOTALL)
    assert note and "1件" in note.group(1)
    # The 5b page labels its figure the same way, and agrees.
    records = client.get("/indicators/5b/2025/records").get_data(as_text=True)
    assert "5bに計上した実人数" in records
    assert re.search(r'class="youth-unique">5<', records)


def test_programme_page_has_no_note_when_every_registration_counts(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    make_participant(db, program)
    db.commit()
    auth.login("viewer")
    page = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert 'id="counts-5b-note"' not in page
