"""Youth pages as each role sees them: programmes for everyone, personal data for coordinators."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import AuditEntry, Participant, YouthProgram
from exchange_app.youth import queries
from tests.factories import city, make_participant, make_program
from tests.helpers import routes

PERSONAL_ENDPOINTS = {
    "youth.participant_new",
    "youth.participant_detail",
    "youth.participant_edit",
    "youth.participant_delete",
    "youth.participant_status",
    "youth.participants_export",
    "youth.person_detail",
    "youth.person_merge",
    "youth.participant_split",
}


def participant_form(**values: Any) -> dict[str, Any]:
    """A valid registration form for a resident youth with the guardian's consent."""
    data = {
        "family_name": "桂",
        "given_name": "花子",
        "family_name_kana": "かつら",
        "given_name_kana": "はなこ",
        "family_name_romaji": "Katsura",
        "given_name_romaji": "Hanako",
        "birth_date": "2010-04-10",
        "school": "熊本市立西中学校",
        "grade": "2",
        "role": "youth",
        "resident": "y",
        "status": "participated",
        "guardian_name": "桂 一郎",
        "guardian_phone": "096-222-3333",
        "guardian_email": "katsura@example.org",
        "guardian_consent_on": "2025-06-01",
        "emergency_contact": "096-222-4444",
        "notes": "",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def program(db: Session) -> YouthProgram:
    program = make_program(db, title="桂林市青少年交流 2025")
    db.commit()
    return program


@pytest.fixture
def participant(db: Session, program: YouthProgram) -> Participant:
    participant = make_participant(db, program, family_name="秘密", given_name="花子")
    db.commit()
    return participant


# --- Role matrix ------------------------------------------------------------------------


def test_every_personal_data_route_is_in_the_matrix(app: Flask) -> None:
    youth_endpoints = {
        rule.endpoint for rule, _m, _u in routes(app) if rule.endpoint.startswith("youth.")
    }
    assert youth_endpoints >= PERSONAL_ENDPOINTS
    personal_rules = {
        rule.endpoint
        for rule, _m, _u in routes(app)
        if "participant" in rule.rule
        or "person" in rule.rule
        or (rule.rule.startswith("/api/") and "youth" in rule.rule)
    }
    assert personal_rules <= PERSONAL_ENDPOINTS


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewer_are_refused_every_participant_route(
    app: Flask, client: Any, auth: Any, db: Session, participant: Participant, role: str
) -> None:
    auth.login(role)
    ids = {
        "program_id": participant.program_id,
        "participant_id": participant.id,
        "person_id": participant.person_id,
    }
    checked = 0
    for rule, method, _url in routes(app):
        if rule.endpoint not in PERSONAL_ENDPOINTS and not (
            rule.rule.startswith("/api/") and "youth" in rule.rule
        ):
            continue
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
        response = client.open(url, method=method, data={"status": "withdrawn"})
        assert response.status_code == 403, (rule.endpoint, method)
        assert "秘密".encode() not in response.data
        checked += 1
    assert checked >= len(PERSONAL_ENDPOINTS)
    db.expire_all()
    assert db.get(Participant, participant.id).status == "participated"
    assert not db.scalars(select(AuditEntry).where(AuditEntry.action.in_(["view", "export"]))).all()


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinator_and_admin_reach_every_participant_route(
    client: Any, auth: Any, participant: Participant, role: str
) -> None:
    auth.login(role)
    pages = [
        f"/youth/{participant.program_id}/participants/new",
        f"/youth/participants/{participant.id}",
        f"/youth/participants/{participant.id}/edit",
        f"/youth/{participant.program_id}/participants.xlsx",
        f"/youth/persons/{participant.person_id}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


@pytest.mark.parametrize("role", ["staff", "viewer"])
def test_staff_and_viewer_see_counts_but_no_names(
    client: Any, auth: Any, db: Session, program: YouthProgram, role: str
) -> None:
    for _ in range(3):
        make_participant(db, program, family_name="秘密")
    db.commit()
    auth.login(role)
    page = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert 'data-count="counted_5b">3<' in page
    assert "秘密" not in page
    assert "クマモト" not in page
    assert "/youth/participants/" not in page
    listing = client.get("/youth/").get_data(as_text=True)
    assert program.title in listing
    assert "秘密" not in listing


def test_coordinator_sees_names_with_no_store_and_the_view_is_audited(
    client: Any, auth: Any, db: Session, participant: Participant
) -> None:
    auth.login("coordinator")
    response = client.get(f"/youth/{participant.program_id}")
    assert "秘密" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.entity_type == "youth_program")).one()
    assert entry.action == "view"


def test_viewing_a_participant_writes_an_audit_entry_each_time(
    client: Any, auth: Any, db: Session, participant: Participant
) -> None:
    user = auth.login("coordinator")
    for _ in range(2):
        assert client.get(f"/youth/participants/{participant.id}").status_code == 200
    views = db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "participant",
            AuditEntry.entity_id == participant.id,
            AuditEntry.action == "view",
        )
    ).all()
    assert len(views) == 2
    assert {entry.user_id for entry in views} == {user.id}


def test_person_history_view_is_audited(
    client: Any, auth: Any, db: Session, participant: Participant
) -> None:
    auth.login("admin")
    page = client.get(f"/youth/persons/{participant.person_id}").get_data(as_text=True)
    assert "秘密" in page
    assert db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "youth_person", AuditEntry.action == "view"
        )
    ).one()


# --- Export -----------------------------------------------------------------------------


def test_export_is_formula_safe_and_audited(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    make_participant(db, program, family_name='=HYPERLINK("x")', given_name="＋1")
    make_participant(db, program, role="chaperone", guardian_consent_on=None)
    db.commit()
    user = auth.login("coordinator")
    response = client.get(f"/youth/{program.id}/participants.xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == 3
    values = [cell.value for cell in sheet[2]]
    assert values[0] == '\'=HYPERLINK("x")'
    assert values[1] == "'＋1"
    assert values[9] == "青少年" and values[11] == "参加"  # coded values in words
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.entity_type, entry.entity_id, entry.user_id) == (
        "youth_program",
        program.id,
        user.id,
    )
    assert len(entry.changes["participant_ids"]) == 2


# --- Programmes -------------------------------------------------------------------------


def test_staff_creates_edits_and_deletes_an_empty_programme(
    client: Any, auth: Any, db: Session
) -> None:
    auth.login("staff")
    guilin = city(db)
    response = client.post(
        "/youth/new",
        data={
            "title": "桂林市青少年派遣",
            "kind": "partner_exchange",
            "partner_city_id": str(guilin.id),
            "direction": "outbound",
            "start_date": "2025-08-01",
            "end_date": "2025-08-07",
        },
    )
    assert response.status_code == 302
    program = db.scalars(select(YouthProgram).where(YouthProgram.title == "桂林市青少年派遣")).one()
    assert program.partner_city_id == guilin.id
    edit = client.post(
        f"/youth/{program.id}/edit",
        data={
            "title": "桂林市青少年派遣 2025",
            "kind": "partner_exchange",
            "partner_city_id": str(guilin.id),
            "direction": "outbound",
            "start_date": "2025-08-01",
            "end_date": "2025-08-08",
            "version": str(program.version),
        },
    )
    assert edit.status_code == 302
    db.refresh(program)
    assert program.title == "桂林市青少年派遣 2025"
    actions = [
        e.action
        for e in db.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "youth_program")
            .order_by(AuditEntry.id)
        )
    ]
    assert actions == ["create", "update"]
    program_id = program.id
    delete = client.post(f"/youth/{program_id}/delete", data={"version": str(program.version)})
    assert delete.status_code == 302
    db.expire_all()
    assert db.get(YouthProgram, program_id) is None


def test_stale_programme_edit_answers_409_and_keeps_the_other_change(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    auth.login("staff")
    stale = str(program.version)
    program.title = "changed by someone else"
    db.commit()
    response = client.post(
        f"/youth/{program.id}/edit",
        data={
            "title": "mine",
            "kind": "partner_exchange",
            "partner_city_id": str(program.partner_city_id),
            "direction": "outbound",
            "start_date": "2025-08-01",
            "end_date": "2025-08-01",
            "version": stale,
        },
    )
    assert response.status_code == 409
    assert f"/youth/{program.id}" in response.get_data(as_text=True)
    db.refresh(program)
    assert program.title == "changed by someone else"


def test_staff_cannot_delete_a_programme_with_participants(
    client: Any, auth: Any, db: Session, participant: Participant
) -> None:
    auth.login("staff")
    program_id = participant.program_id
    assert client.post(f"/youth/{program_id}/delete", data={"version": "1"}).status_code == 403
    assert db.get(YouthProgram, program_id) is not None


def test_programme_form_errors_keep_what_was_typed(client: Any, auth: Any, db: Session) -> None:
    auth.login("staff")
    response = client.post(
        "/youth/new",
        data={
            "title": "迷子の交流",
            "kind": "partner_exchange",
            "direction": "outbound",
            "start_date": "2025-08-10",
            "end_date": "2025-08-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "迷子の交流" in page
    assert 'id="end_date-error"' in page
    assert 'id="partner_city_id-error"' in page
    assert db.scalar(select(YouthProgram).where(YouthProgram.title == "迷子の交流")) is None


def test_programme_list_filters_search_sort_and_5b_total(
    client: Any, auth: Any, db: Session
) -> None:
    guilin_2025 = make_program(db, title="Guilin summer", start_date=date(2025, 8, 1))
    make_program(
        db, title="Ulsan spring", partner_city=city(db, "ulsan"), start_date=date(2026, 3, 31)
    )
    conference = make_program(
        db, title="Asia Youth Summit", kind="international_conference", start_date=date(2026, 4, 1)
    )
    make_participant(db, guilin_2025)
    make_participant(db, conference)
    db.commit()
    auth.login("viewer")

    def titles(query: str) -> list[str]:
        page = client.get("/youth/" + query).get_data(as_text=True)
        return [t for t in ("Guilin summer", "Ulsan spring", "Asia Youth Summit") if t in page]

    assert titles("?fy=2025") == ["Guilin summer", "Ulsan spring"]
    assert titles("?kind=international_conference") == ["Asia Youth Summit"]
    assert titles("?city=guilin") == ["Guilin summer"]
    # The list's old spelling (a city's id) is sent to the current one, filters kept.
    old_link = client.get(f"/youth/?city={city(db).id}&kind=partner_exchange")
    assert old_link.status_code == 301
    assert old_link.headers["Location"] == "/youth/?kind=partner_exchange&city=guilin"
    assert titles("?q=summit") == ["Asia Youth Summit"]
    assert titles("?direction=inbound") == []
    page = client.get("/youth/?sort=title").get_data(as_text=True)
    assert (
        page.index("Asia Youth Summit") < page.index("Guilin summer") < page.index("Ulsan spring")
    )
    page = client.get("/youth/?sort=-start_date").get_data(as_text=True)
    assert (
        page.index("Asia Youth Summit") < page.index("Ulsan spring") < page.index("Guilin summer")
    )
    summary = client.get("/youth/?fy=2025").get_data(as_text=True)
    assert queries.youth_5b_count(db, 2025) == 1
    assert 'id="indicator-5b"' in summary


def test_programme_list_queries_do_not_grow_with_rows(
    client: Any, auth: Any, db: Session, count_queries: Any
) -> None:
    auth.login("viewer")
    make_participant(db, make_program(db))
    db.commit()
    with count_queries() as few:
        client.get("/youth/")
    for _ in range(6):
        program = make_program(db, partner_city=city(db, "kaohsiung"))
        make_participant(db, program)
        make_participant(db, program, role="chaperone", guardian_consent_on=None)
    db.commit()
    with count_queries() as many:
        assert client.get("/youth/").status_code == 200
    assert len(many) == len(few)


# --- Participants -----------------------------------------------------------------------


def test_coordinator_registers_a_participant(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    auth.login("coordinator")
    response = client.post(f"/youth/{program.id}/participants/new", data=participant_form())
    assert response.status_code == 302
    participant = db.scalars(select(Participant).where(Participant.program_id == program.id)).one()
    assert participant.family_name_kana == "カツラ"
    assert participant.person_id is not None
    assert participant.age_band == "13-15"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.entity_type == "participant")).one()
    assert entry.action == "create"
    assert "桂" not in str(entry.changes)  # the audit trail keeps no personal values


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("birth_date", "2099-01-01", "birth_date"),
        ("birth_date", "2025-08-02", "birth_date"),
        ("family_name_kana", "桂", "family_name_kana"),
        ("given_name_kana", "Hanako", "given_name_kana"),
        ("guardian_phone", "096-abc-3333", "guardian_phone"),
        ("guardian_email", "not-an-address", "guardian_email"),
        ("family_name_romaji", "桂", "family_name_romaji"),
        ("guardian_consent_on", "", "guardian_consent_on"),
    ],
)
def test_bad_participant_input_is_refused_on_its_field(
    client: Any,
    auth: Any,
    db: Session,
    program: YouthProgram,
    field: str,
    value: str,
    error_field: str,
) -> None:
    auth.login("coordinator")
    response = client.post(
        f"/youth/{program.id}/participants/new", data=participant_form(**{field: value})
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{error_field}-error"' in page
    assert "熊本市立西中学校" in page  # what was typed is kept
    assert response.headers["Cache-Control"] == "no-store"
    assert db.scalars(select(Participant)).all() == []


def test_consent_rule_applies_to_youth_only(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    auth.login("coordinator")
    applied = client.post(
        f"/youth/{program.id}/participants/new",
        data=participant_form(status="applied", guardian_consent_on=""),
    )
    assert applied.status_code == 302
    chaperone = client.post(
        f"/youth/{program.id}/participants/new",
        data=participant_form(
            role="chaperone",
            family_name_kana="センセイ",
            birth_date="1980-01-01",
            guardian_consent_on="",
        ),
    )
    assert chaperone.status_code == 302
    assert len(db.scalars(select(Participant)).all()) == 2


def test_duplicate_registration_on_the_same_programme_is_refused(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    auth.login("coordinator")
    assert (
        client.post(f"/youth/{program.id}/participants/new", data=participant_form()).status_code
        == 302
    )
    again = client.post(
        f"/youth/{program.id}/participants/new",
        data=participant_form(
            family_name_kana="カツラ", given_name_kana="ハナコ", person_choice="new"
        ),
    )
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert 'id="family_name_kana-error"' in page
    assert len(db.scalars(select(Participant)).all()) == 1


def test_same_person_on_another_programme_is_offered_and_linked(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    auth.login("coordinator")
    client.post(f"/youth/{program.id}/participants/new", data=participant_form())
    first = db.scalars(select(Participant)).one()
    later = make_program(db, kind="international_conference", start_date=date(2026, 1, 5))
    db.commit()
    offer = client.post(f"/youth/{later.id}/participants/new", data=participant_form())
    page = offer.get_data(as_text=True)
    assert offer.status_code == 200
    assert 'id="person-match"' in page
    assert f'value="{first.person_id}"' in page
    assert len(db.scalars(select(Participant)).all()) == 1  # nothing written yet
    linked = client.post(
        f"/youth/{later.id}/participants/new",
        data=participant_form(person_choice=str(first.person_id)),
    )
    assert linked.status_code == 302
    second = db.scalars(select(Participant).where(Participant.program_id == later.id)).one()
    assert second.person_id == first.person_id
    assert queries.youth_5b_count(db, 2025) == 2
    assert queries.youth_5b_unique_persons(db, 2025) == 1
    history = client.get(f"/youth/persons/{first.person_id}").get_data(as_text=True)
    assert program.title in history and later.title in history


def test_registering_as_a_different_person_creates_a_new_person(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    auth.login("coordinator")
    client.post(f"/youth/{program.id}/participants/new", data=participant_form())
    later = make_program(db, start_date=date(2026, 2, 1))
    db.commit()
    response = client.post(
        f"/youth/{later.id}/participants/new", data=participant_form(person_choice="new")
    )
    assert response.status_code == 302
    assert len({p.person_id for p in db.scalars(select(Participant))}) == 2


def test_edit_participant_with_version_check(
    client: Any, auth: Any, db: Session, participant: Participant
) -> None:
    auth.login("coordinator")
    data = participant_form(
        family_name="秘密", given_name="花子", version=str(participant.version), grade="3"
    )
    response = client.post(f"/youth/participants/{participant.id}/edit", data=data)
    assert response.status_code == 302
    db.refresh(participant)
    assert participant.grade == "3"
    stale = client.post(f"/youth/participants/{participant.id}/edit", data={**data, "grade": "1"})
    assert stale.status_code == 409
    assert stale.headers["Cache-Control"] == "no-store"
    db.refresh(participant)
    assert participant.grade == "3"


def test_status_buttons_change_status_and_respect_consent(
    client: Any, auth: Any, db: Session, program: YouthProgram
) -> None:
    ready = make_participant(db, program, status="applied")
    unconsented = make_participant(db, program, status="applied", guardian_consent_on=None)
    db.commit()
    auth.login("coordinator")
    page = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert f'action="/youth/participants/{ready.id}/status"' in page
    assert (
        client.post(
            f"/youth/participants/{ready.id}/status", data={"status": "participated"}
        ).status_code
        == 302
    )
    refused = client.post(
        f"/youth/participants/{unconsented.id}/status",
        data={"status": "selected"},
        follow_redirects=True,
    )
    assert "consent" in refused.get_data(as_text=True).lower() or "同意" in refused.get_data(
        as_text=True
    )
    db.expire_all()
    assert db.get(Participant, ready.id).status == "participated"
    assert db.get(Participant, unconsented.id).status == "applied"
    change = db.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == ready.id, AuditEntry.action == "update")
    ).one()
    assert change.changes == {"status": ["applied", "participated"]}


class TestCsrf:
    """With CSRF on, the one-click status change needs the page's token."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_status_change_without_token_is_refused(
        self, client: Any, auth: Any, db: Session, program: YouthProgram
    ) -> None:
        target = make_participant(db, program, status="applied")
        db.commit()
        auth.login("coordinator")
        assert (
            client.post(
                f"/youth/participants/{target.id}/status", data={"status": "withdrawn"}
            ).status_code
            == 400
        )
        db.expire_all()
        assert db.get(Participant, target.id).status == "applied"
        from tests.conftest import csrf_token_from

        token = csrf_token_from(client.get(f"/youth/{program.id}").get_data(as_text=True))
        response = client.post(
            f"/youth/participants/{target.id}/status",
            data={"status": "withdrawn", "csrf_token": token},
        )
        assert response.status_code == 302
        db.expire_all()
        assert db.get(Participant, target.id).status == "withdrawn"


def test_partner_city_page_lists_its_youth_programmes(
    client: Any, auth: Any, program: YouthProgram
) -> None:
    auth.login("viewer")
    page = client.get("/partners/guilin").get_data(as_text=True)
    assert program.title in page
