"""A participant's life: deleted with a reason, withdrawn with one, taking part only once
the programme has started, and a youth's age checked against the youth range."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange_app.indicators.queries import indicator_report
from exchange_app.models import AuditEntry, Participant, YouthPerson, YouthProgram
from exchange_app.records.kind import RecordValues
from exchange_app.services.dates import today_in_japan
from exchange_app.youth import operations, queries
from exchange_app.youth.kind import PARTICIPANTS
from tests.factories import make_participant, make_program
from tests.import_files import make_file
from tests.test_imports import PARTICIPANT_HEADERS, plan_import
from tests.test_youth_routes import participant_form


def _count_5b(db: Session, year: int = 2025) -> int:
    return queries.youth_5b_count(db, year)


def test_a_coordinator_deletes_a_participant_with_a_reason(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    kept = make_participant(db, program)
    wrong = make_participant(db, program, family_name="誤登録")
    person_id, wrong_id = wrong.person_id, wrong.id
    assert _count_5b(db) == 2
    auth.login("coordinator")
    page = client.get(f"/youth/participants/{wrong.id}/delete")
    assert page.status_code == 200 and "誤登録" in page.get_data(as_text=True)
    refused = client.post(
        f"/youth/participants/{wrong.id}/delete", data={"version": str(wrong.version)}
    )
    assert refused.status_code == 200
    assert "削除する理由を入力してください" in refused.get_data(as_text=True)
    assert db.get(Participant, wrong.id) is not None
    done = client.post(
        f"/youth/participants/{wrong.id}/delete",
        data={"version": str(wrong.version), "reason": "二重登録"},
    )
    assert done.status_code == 302
    db.expire_all()
    assert db.get(Participant, wrong_id) is None
    assert db.get(Participant, kept.id) is not None
    # The person held nothing else: it goes with its only participation.
    assert db.get(YouthPerson, person_id) is None
    assert _count_5b(db) == 1
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
    assert entry is not None and entry.entity_id == wrong_id
    assert entry.summary is not None and "二重登録" in entry.summary
    assert "誤登録" not in str(entry.changes)  # personal values never reach the trail


def test_deleting_a_participant_of_a_confirmed_year_keeps_the_frozen_figure(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db, start_date=date(2024, 8, 1))
    make_participant(db, program)
    wrong = make_participant(db, program, family_name="誤登録")
    wrong_id = wrong.id
    db.commit()
    auth.login("coordinator")
    client.get("/indicators/?lang=en")
    client.post("/indicators/confirm", data={"year": "2024", "note": "annual report"})
    client.post(
        f"/youth/participants/{wrong_id}/delete",
        data={"version": str(wrong.version), "reason": "二重登録"},
    )
    db.expire_all()
    assert db.get(Participant, wrong_id) is None
    figure = indicator_report(db, 2024).figure("5b")
    assert figure is not None
    # The confirmed figure stays as it was; the records page names the deletion.
    assert (figure.value, figure.current_value) == (2, 1)
    assert figure.removed_ids == [wrong_id]
    records = client.get("/indicators/5b/2024/records").get_data(as_text=True)
    assert f"Deleted records: {wrong_id}" in records


def test_a_stale_delete_is_refused(client: Any, auth: Any, db: Session) -> None:
    program = make_program(db)
    participant = make_participant(db, program)
    auth.login("admin")
    response = client.post(
        f"/youth/participants/{participant.id}/delete",
        data={"version": str(participant.version + 1), "reason": "x"},
    )
    assert response.status_code == 409
    assert db.get(Participant, participant.id) is not None


def test_deleting_keeps_the_person_of_other_programmes(db: Session) -> None:
    first = make_participant(db, make_program(db, start_date=date(2024, 8, 1)))
    again = make_participant(db, make_program(db), person=first.person)
    operations.delete_participant(db, again, "wrong programme")
    db.commit()
    assert db.get(YouthPerson, first.person_id) is not None


def test_withdrawn_from_the_programme_page_asks_for_the_reason(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    participant = make_participant(db, program, status="selected")
    auth.login("coordinator")
    listing = client.get(f"/youth/{program.id}").get_data(as_text=True)
    edit_url = f"/youth/participants/{participant.id}/edit?status=withdrawn#withdrawal_reason"
    assert edit_url.replace("&", "&amp;") in listing
    form = client.get(f"/youth/participants/{participant.id}/edit?status=withdrawn")
    assert '<option selected value="withdrawn">' in form.get_data(as_text=True)
    saved = client.post(
        f"/youth/participants/{participant.id}/edit",
        data=participant_form(
            status="withdrawn",
            withdrawal_reason="部活動の大会と重なったため",
            version=str(participant.version),
            birth_date=participant.birth_date.isoformat(),
        ),
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    detail = client.get(f"/youth/participants/{participant.id}").get_data(as_text=True)
    assert "辞退理由" in detail and "部活動の大会と重なったため" in detail


def _future_program(db: Session) -> YouthProgram:
    start = today_in_japan() + timedelta(days=30)
    return make_program(db, start_date=start, end_date=start + timedelta(days=5))


def _values(program: YouthProgram, **values: Any) -> RecordValues:
    base = {
        "program_id": program.id,
        "family_name": "熊本",
        "given_name": "花子",
        "birth_date": program.start_date - timedelta(days=14 * 365),
        "role": "youth",
        "resident": True,
        "status": "participated",
        "guardian_consent_on": today_in_japan(),
        "age_confirmed": False,
        **values,
    }
    return RecordValues(base, {"program_id": {"start_date": program.start_date}})


def test_taking_part_before_the_start_is_refused_everywhere(
    app: Flask, client: Any, auth: Any, db: Session
) -> None:
    program = _future_program(db)
    with app.test_request_context():
        assert "status" in PARTICIPANTS.check(_values(program))
        assert "status" not in PARTICIPANTS.check(_values(program, status="selected"))
    selected = make_participant(db, program, status="selected")
    with app.test_request_context(), pytest.raises(operations.StatusRefused):
        operations.change_status(db, selected, "participated", None)
    auth.login("coordinator")
    page = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert 'disabled title="事業はまだ始まっていません。"' in page
    client.post(f"/youth/participants/{selected.id}/status", data={"status": "participated"})
    db.expire_all()
    assert db.get(Participant, selected.id).status == "selected"


def test_a_youth_outside_the_age_range_needs_a_confirmation(app: Flask, db: Session) -> None:
    program = make_program(db)
    forty_seven = program.start_date - timedelta(days=47 * 366)
    with app.test_request_context():
        problems = PARTICIPANTS.check(_values(program, birth_date=forty_seven))
        assert "47" in problems["age_confirmed"][0]
        assert "age_confirmed" not in PARTICIPANTS.check(
            _values(program, birth_date=forty_seven, age_confirmed=True)
        )
        assert "age_confirmed" not in PARTICIPANTS.check(
            _values(program, birth_date=forty_seven, role="chaperone")
        )
        five = program.start_date - timedelta(days=5 * 366)
        assert "age_confirmed" in PARTICIPANTS.check(_values(program, birth_date=five))


def test_the_youth_age_range_is_configurable(app: Flask, db: Session) -> None:
    program = make_program(db)
    thirty = program.start_date - timedelta(days=30 * 366)
    with app.test_request_context():
        assert "age_confirmed" in PARTICIPANTS.check(_values(program, birth_date=thirty))
        app.config["YOUTH_AGE_MAX"] = 35
        try:
            assert "age_confirmed" not in PARTICIPANTS.check(_values(program, birth_date=thirty))
        finally:
            app.config["YOUTH_AGE_MAX"] = 29


def test_the_form_shows_why_and_keeps_what_was_typed(
    client: Any, auth: Any, db: Session
) -> None:
    program = make_program(db)
    auth.login("coordinator")
    data = participant_form(birth_date="1978-01-01", family_name="年長")
    response = client.post(f"/youth/{program.id}/participants/new", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "47 歳で、青少年の年齢範囲（6～29 歳）の外です" in text
    assert 'value="年長"' in text
    assert db.scalar(select(func.count()).select_from(Participant)) == 0
    confirmed = client.post(
        f"/youth/{program.id}/participants/new", data={**data, "age_confirmed": "y"}
    )
    assert confirmed.status_code == 302
    stored = db.scalar(select(Participant))
    assert stored is not None and stored.age_confirmed
    detail = client.get(f"/youth/participants/{stored.id}").get_data(as_text=True)
    assert "確認のうえ青少年として登録されています" in detail


def _import_row(**values: str) -> list[str]:
    row = {
        "program_external_id": "YP-LIFE",
        "姓": "熊本",
        "名": "花子",
        "姓（カナ）": "",
        "名（カナ）": "",
        "生年月日": "2010-04-02",
        "学校名": "",
        "学年": "",
        "役割": "youth",
        "市内在住": "yes",
        "状況": "participated",
        "保護者氏名": "",
        "保護者電話番号": "",
        "保護者同意日": "2024-06-01",
    }
    row.update(values)
    return [row[header] for header in PARTICIPANT_HEADERS]


def test_the_import_holds_the_same_rules(app: Flask, db: Session) -> None:
    make_program(db, external_id="YP-LIFE", start_date=date(2024, 8, 1))
    future = _future_program(db)
    future.external_id = "YP-LATER"
    db.commit()
    rows = [
        _import_row(),
        _import_row(生年月日="1970-01-01", 名="年長"),
        _import_row(program_external_id="YP-LATER", 名="未来"),
    ]
    with app.test_request_context():
        plan = plan_import(db, "participants", *make_file("xlsx", PARTICIPANT_HEADERS, rows))
    assert sorted((p.line, p.column) for p in plan.problems) == [
        (3, "age_confirmed"),
        (4, "status"),
    ]
