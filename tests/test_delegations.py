"""Delegation visits: recording, finding, editing, deleting, the rows on the same page."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from exchange_app.delegations import operations
from exchange_app.models import AuditEntry, Delegation, DelegationMember, Gift
from tests.factories import city, delegation_form, make_delegation, project


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_staff_records_outbound_visit_with_members_and_gift(client, auth, db) -> None:
    auth.login("staff")
    heidelberg = city(db, "heidelberg")
    response = client.post(
        "/delegations/new",
        data=delegation_form(
            partner_city_id=str(heidelberg.id),
            fields=["environment", "culture"],
            leading_projects=[str(project(db, 11).id)],
            **{
                "members-1-name": "阿蘇 花子",
                "members-1-organization": "熊本市国際課",
                "members-2-name": "Hans Müller",
                "gifts-0-direction": "given",
                "gifts-0-description": "肥後象嵌の文鎮",
                "gifts-0-counterpart": "ハイデルベルク市長",
                "gifts-0-given_on": "2025-05-11",
                "courtesy_calls-0-visited": "ハイデルベルク市長",
                "courtesy_calls-0-visited_on": "2025-05-11",
            },
        ),
    )
    assert response.status_code == 302
    delegation = db.scalar(select(Delegation).where(Delegation.title == "ハイデルベルク市訪問"))
    assert delegation is not None
    assert delegation.partner_city_id == heidelberg.id
    assert [m.name for m in delegation.members] == ["熊本 太郎", "阿蘇 花子", "Hans Müller"]
    assert [g.description for g in delegation.gifts] == ["肥後象嵌の文鎮"]
    assert delegation.gifts[0].given_on == date(2025, 5, 11)
    assert delegation.courtesy_calls[0].visited == "ハイデルベルク市長"
    assert sorted(delegation.fields) == ["culture", "environment"]
    assert [p.number for p in delegation.leading_projects] == [11]
    assert response.headers["Location"].endswith(f"/delegations/{delegation.id}")

    page = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    for text in ("ハイデルベルク市訪問", "阿蘇 花子", "肥後象嵌の文鎮", "2025年度 (令和7年度)"):
        assert text in page


def test_blank_rows_are_ignored(client, auth, db) -> None:
    auth.login("staff")
    response = client.post(
        "/delegations/new",
        data=delegation_form(
            counterpart="Vienna",
            **{"members-1-name": " ", "gifts-0-direction": "given", "gifts-0-description": ""},
        ),
    )
    assert response.status_code == 302
    delegation = db.scalar(select(Delegation).where(Delegation.counterpart == "Vienna"))
    assert len(delegation.members) == 1
    assert delegation.gifts == []


def test_edit_syncs_rows_and_audits_what_changed(client, auth, db) -> None:
    user = auth.login("staff")
    delegation = make_delegation(
        db,
        members=[{"name": "A"}, {"name": "B"}],
        gifts=[{"direction": "received", "description": "Wine"}],
    )
    page = client.get(f"/delegations/{delegation.id}/edit").get_data(as_text=True)
    assert 'value="A"' in page and 'value="Wine"' in page
    response = client.post(
        f"/delegations/{delegation.id}/edit",
        data=delegation_form(
            partner_city_id=str(delegation.partner_city_id),
            title="Visit",
            start_date="2024-10-01",
            end_date="2024-10-05",
            head_name="",
            head_title="",
            purpose="",
            version=str(delegation.version),
            **{
                "members-0-name": "A",
                "members-0-organization": "",
                "members-0-title": "",
                "members-1-name": "C",
            },
        ),
    )
    assert response.status_code == 302
    db.expire_all()
    delegation = db.get(Delegation, delegation.id)
    assert [m.name for m in delegation.members] == ["A", "C"]
    assert delegation.gifts == []
    assert delegation.updated_by_id == user.id
    assert _count(db, DelegationMember) == 2  # the replaced row is gone, not orphaned
    entry = db.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "delegation", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    )
    assert entry.user_id == user.id
    assert entry.entity_id == delegation.id
    assert set(entry.changes) == {"members", "gifts"}
    assert entry.changes["gifts"][1] == []
    assert entry.changes["members"][1][1]["name"] == "C"

    history = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert "Wine" in history  # the removed gift shows in the change history
    assert user.display_name in history


def test_row_change_alone_moves_the_version_on(db) -> None:
    delegation = make_delegation(db, members=[{"name": "A"}])
    version = delegation.version
    operations.update_delegation(db, delegation, {"members": [{"name": "B"}]}, None)
    db.commit()
    assert delegation.version == version + 1


def test_delete_asks_first_then_removes_with_rows_and_audits(client, auth, db) -> None:
    auth.login("coordinator")
    delegation = make_delegation(
        db,
        title="To delete",
        members=[{"name": "A"}],
        gifts=[{"direction": "given", "description": "G"}],
    )
    delegation_id = delegation.id
    confirm = client.get(f"/delegations/{delegation_id}/delete")
    assert confirm.status_code == 200
    assert "To delete" in confirm.get_data(as_text=True)
    assert db.get(Delegation, delegation_id) is not None  # asking deletes nothing
    response = client.post(
        f"/delegations/{delegation_id}/delete", data={"version": str(delegation.version)}
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Delegation, delegation_id) is None
    assert _count(db, Gift) == 0
    entry = db.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_id == delegation_id, AuditEntry.action == "delete"
        )
    )
    assert entry.changes["title"] == ["To delete", None]
    assert entry.changes["members"][0] == [
        {"name": "A", "organization": None, "title": None, "counterpart_id": None}
    ]


def test_delete_is_not_a_get(client, auth, db) -> None:
    auth.login("staff")
    delegation = make_delegation(db)
    client.get(f"/delegations/{delegation.id}/delete")
    db.expire_all()
    assert db.get(Delegation, delegation.id) is not None


# --- rows added and removed without JavaScript -------------------------------------------


def test_add_row_button_keeps_everything_typed_and_saves_nothing(client, auth, db) -> None:
    auth.login("staff")
    before = _count(db, Delegation)
    response = client.post(
        "/delegations/new",
        data=delegation_form(title="途中の入力", row_action="add:members", member_count=""),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="途中の入力"' in page
    assert 'value="熊本 太郎"' in page
    assert 'name="members-1-name"' in page  # one more row
    assert "is-invalid" not in page  # not validated yet
    assert _count(db, Delegation) == before


def test_remove_row_button_drops_that_row_only(client, auth, db) -> None:
    auth.login("staff")
    response = client.post(
        "/delegations/new",
        data=delegation_form(
            row_action="remove:members:0",
            **{
                "members-1-name": "残る人",
                "gifts-0-direction": "received",
                "gifts-0-description": "記念品",
            },
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'name="members-0-name"[^>]*value="残る人"', page)
    assert 'name="members-1-name"' not in page
    assert 'value="記念品"' in page


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"end_date": "2025-05-01"}, "end_date", "The end date cannot be before the start date."),
        ({"member_count": "0"}, "member_count", "The number of people must be from 1 to 10,000."),
        ({"partner_city_id": "999999"}, "partner_city_id", "This partner city is not known."),
        ({"start_date": "2025/05/10"}, "start_date", "Enter the date as YYYY-MM-DD"),
        ({"title": "長" * 5000}, "title", "at most 200 characters"),
        ({"partner_city_id": "", "counterpart": ""}, "partner_city_id", "Choose a partner city"),
        ({"member_count": "three"}, "member_count", "as a whole number"),
        (
            {"gifts-0-given_on": "11 May", "gifts-0-description": "x"},
            "gifts-0-given_on",
            "Enter the date as YYYY-MM-DD",
        ),
        ({"members-1-organization": "熊本市"}, "members-1-name", "Enter the member's name."),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_written(
    client, auth, db, values, field, message
) -> None:
    auth.login("staff")
    before = (_count(db, Delegation), _count(db, AuditEntry))
    data = delegation_form(**{"counterpart": "Vienna", **values})
    response = client.post("/delegations/new?lang=en", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error_block = page.split(f'id="{field}-error"', 1)
    assert len(error_block) == 2, f"no error shown on {field}"
    assert message in html.unescape(error_block[1].split("</div>", 1)[0])
    assert 'value="熊本 太郎"' in page  # what was typed stays
    if "title" in values:
        assert "長" * 5000 in page
    assert (_count(db, Delegation), _count(db, AuditEntry)) == before


def test_bad_input_message_in_japanese(client, auth, db) -> None:
    auth.login("staff")
    response = client.post(
        "/delegations/new", data=delegation_form(counterpart="Vienna", end_date="2025-05-01")
    )
    page = response.get_data(as_text=True)
    assert "終了日は開始日より前にできません" in page


def test_more_members_listed_than_people_is_refused(client, auth, db) -> None:
    auth.login("staff")
    response = client.post(
        "/delegations/new?lang=en",
        data=delegation_form(counterpart="Vienna", member_count="1", **{"members-1-name": "B"}),
    )
    assert "2 members are listed" in response.get_data(as_text=True)


def test_saving_an_unchanged_form_writes_nothing(client, auth, db) -> None:
    auth.login("staff")
    delegation = make_delegation(db, members=[{"name": "A", "organization": "熊本市"}])
    version = delegation.version
    edit_page = client.get(f"/delegations/{delegation.id}/edit").get_data(as_text=True)
    assert 'value="熊本市"' in edit_page
    data = {
        "direction": "outbound",
        "partner_city_id": str(delegation.partner_city_id),
        "title": "Visit",
        "start_date": "2024-10-01",
        "end_date": "2024-10-05",
        "member_count": "3",
        "members-0-name": "A",
        "members-0-organization": "熊本市",
        "version": str(version),
    }
    before = _count(db, AuditEntry)
    response = client.post(f"/delegations/{delegation.id}/edit", data=data)
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Delegation, delegation.id).version == version
    assert _count(db, AuditEntry) == before
