"""The whole create, edit, delete round trip through the real forms, with CSRF protection on."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from exchange_app.models import AuditEntry, Delegation
from tests.conftest import csrf_token_from
from tests.factories import city, delegation_form


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True}


def _version(html: str) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert match
    return match.group(1)


def test_create_edit_delete_round_trip_with_csrf(client, auth, db) -> None:
    auth.login("staff")
    heidelberg = city(db, "heidelberg")

    # Without the token nothing is written.
    form = delegation_form(partner_city_id=str(heidelberg.id))
    refused = client.post("/delegations/new", data=form)
    assert refused.status_code == 400
    assert db.scalar(select(Delegation).where(Delegation.title == "ハイデルベルク市訪問")) is None

    page = client.get("/delegations/new").get_data(as_text=True)
    data = delegation_form(
        partner_city_id=str(heidelberg.id),
        csrf_token=csrf_token_from(page),
        **{
            "members-1-name": "二人目",
            "members-2-name": "三人目",
            "gifts-0-direction": "given",
            "gifts-0-description": "くまモンのぬいぐるみ",
        },
    )
    created = client.post("/delegations/new", data=data)
    assert created.status_code == 302
    delegation = db.scalar(select(Delegation).where(Delegation.title == "ハイデルベルク市訪問"))
    assert len(delegation.members) == 3
    delegation_id = delegation.id

    # Adding a row is a round trip too: the token comes back with the form.
    edit_page = client.get(f"/delegations/{delegation_id}/edit").get_data(as_text=True)
    token = csrf_token_from(edit_page)
    version = _version(edit_page)
    data = delegation_form(
        partner_city_id=str(heidelberg.id),
        title="ハイデルベルク市訪問（修正）",
        csrf_token=token,
        version=version,
        row_action="add:courtesy_calls",
    )
    again = client.post(f"/delegations/{delegation_id}/edit", data=data).get_data(as_text=True)
    assert 'name="courtesy_calls-0-visited"' in again
    assert 'value="ハイデルベルク市訪問（修正）"' in again
    data.pop("row_action")
    data.update({"csrf_token": csrf_token_from(again), "courtesy_calls-0-visited": "市長表敬"})
    saved = client.post(f"/delegations/{delegation_id}/edit", data=data)
    assert saved.status_code == 302
    db.expire_all()
    delegation = db.get(Delegation, delegation_id)
    assert delegation.title == "ハイデルベルク市訪問（修正）"
    assert [c.visited for c in delegation.courtesy_calls] == ["市長表敬"]
    assert [m.name for m in delegation.members] == ["熊本 太郎"]  # the form sent one member row

    confirm = client.get(f"/delegations/{delegation_id}/delete").get_data(as_text=True)
    no_token = client.post(
        f"/delegations/{delegation_id}/delete", data={"version": _version(confirm)}
    )
    assert no_token.status_code == 400
    deleted = client.post(
        f"/delegations/{delegation_id}/delete",
        data={"version": _version(confirm), "csrf_token": csrf_token_from(confirm)},
    )
    assert deleted.status_code == 302
    db.expire_all()
    assert db.get(Delegation, delegation_id) is None
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "delegation", AuditEntry.entity_id == delegation_id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "update", "delete"]
