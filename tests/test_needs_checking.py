"""Participants the same person cannot be looked for with are kept, marked and listed."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import AuditEntry, Participant
from exchange_app.youth import queries
from exchange_app.youth.identity import identity_of_record
from tests.factories import make_participant, make_program


def _three(db: Session) -> tuple[Participant, Participant, Participant]:
    program = make_program(db, title="桂林市青少年交流", start_date=date(2025, 8, 1))
    later = make_program(db, title="ハイデルベルク派遣", start_date=date(2026, 3, 20))
    dated = make_participant(db, program, family_name="日付", birth_date=date(2010, 4, 2))
    boy = make_participant(
        db, program, family_name="肥後", given_name="一郎", birth_date=None,
        family_name_kana=None, given_name_kana=None,
    )
    girl = make_participant(db, later, family_name="白川", birth_date=None)
    db.commit()
    return dated, boy, girl


def test_the_list_holds_exactly_those_the_identity_cannot_compare(db: Session) -> None:
    participants = _three(db)
    listed = set(db.scalars(select(Participant.id).where(queries.not_matchable())))
    assert listed == {p.id for p in participants if not identity_of_record(p).matchable}
    assert listed == {participants[1].id, participants[2].id}
    assert queries.not_matchable_count(db) == 2


def test_coordinators_see_the_list_filtered_and_each_look_is_audited(
    client: Any, auth: Any, db: Session
) -> None:
    dated, boy, girl = _three(db)
    auth.login("coordinator")
    programmes = client.get("/youth/").get_data(as_text=True)
    assert "/youth/needs-checking" in programmes and "確認が必要な参加者" in programmes
    page = client.get("/youth/needs-checking").get_data(as_text=True)
    assert "肥後 一郎" in page and "白川" in page and "日付" not in page
    assert page.index("白川") < page.index("肥後")  # the latest programme first
    found = client.get("/youth/needs-checking?q=肥後").get_data(as_text=True)
    assert "肥後 一郎" in found and "白川" not in found
    only = client.get("/youth/needs-checking?q=ハイデルベルク").get_data(as_text=True)
    assert "白川" in only and "肥後 一郎" not in only
    by_year = client.get("/youth/needs-checking?fy=2025").get_data(as_text=True)
    assert "白川" in by_year and "肥後 一郎" in by_year
    entry = db.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "view", AuditEntry.entity_type == "participant")
        .order_by(AuditEntry.id.desc())
    )
    assert entry is not None and entry.changes["participant_ids"] == [girl.id, boy.id]
    detail = client.get(f"/youth/participants/{boy.id}").get_data(as_text=True)
    assert 'id="not-matchable"' in detail
    assert 'id="not-matchable"' not in client.get(
        f"/youth/participants/{dated.id}"
    ).get_data(as_text=True)


def test_staff_see_no_count_and_no_list(client: Any, auth: Any, db: Session) -> None:
    _three(db)
    auth.login("staff")
    assert "/youth/needs-checking" not in client.get("/youth/").get_data(as_text=True)
    assert client.get("/youth/needs-checking").status_code == 403
