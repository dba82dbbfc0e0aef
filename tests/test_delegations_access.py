"""Who may change delegations, and two people editing the same one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange_app.delegations import operations
from exchange_app.models import AuditEntry, Delegation
from tests.factories import delegation_form, make_delegation

WRITE_REQUESTS = [
    ("GET", "/delegations/new"),
    ("POST", "/delegations/new"),
    ("GET", "/delegations/{id}/edit"),
    ("POST", "/delegations/{id}/edit"),
    ("GET", "/delegations/{id}/delete"),
    ("POST", "/delegations/{id}/delete"),
]


def test_every_write_route_is_in_the_list(app) -> None:
    writes = {
        (method, rule.rule.replace("<int:delegation_id>", "{id}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint in ("delegations.new", "delegations.edit", "delegations.delete")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert writes == set(WRITE_REQUESTS)


@pytest.mark.parametrize(("method", "url"), WRITE_REQUESTS)
def test_viewer_gets_403_on_every_write(client, auth, db, method, url) -> None:
    auth.login("viewer")
    delegation = make_delegation(db, title="Untouched")
    before = db.scalar(select(func.count()).select_from(AuditEntry))
    data = delegation_form(counterpart="X", version=str(delegation.version))
    response = client.open(url.format(id=delegation.id), method=method, data=data)
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Delegation, delegation.id).title == "Untouched"
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_viewer_reads_but_sees_no_write_buttons(client, auth, db) -> None:
    auth.login("viewer")
    delegation = make_delegation(db)
    listing = client.get("/delegations/").get_data(as_text=True)
    detail = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert "/delegations/new" not in listing
    assert f"/delegations/{delegation.id}/edit" not in detail
    assert f"/delegations/{delegation.id}/delete" not in detail


@pytest.mark.parametrize("role", ["staff", "coordinator", "admin"])
def test_writers_may_open_the_forms(client, auth, db, role) -> None:
    auth.login(role)
    delegation = make_delegation(db)
    assert client.get("/delegations/new").status_code == 200
    assert client.get(f"/delegations/{delegation.id}/edit").status_code == 200


def _save_elsewhere(db, delegation: Delegation, title: str) -> None:
    """Another user saves the delegation in the meantime."""
    operations.update_delegation(db, delegation, {"title": title}, None)
    db.commit()


def test_save_over_a_newer_version_is_refused_with_409(client, auth, db) -> None:
    auth.login("staff")
    delegation = make_delegation(db, title="Original")
    page = client.get(f"/delegations/{delegation.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{delegation.version}"' in page
    loaded_version = delegation.version
    _save_elsewhere(db, delegation, "Changed by a colleague")

    response = client.post(
        f"/delegations/{delegation.id}/edit?lang=en",
        data=delegation_form(counterpart="X", title="My change", version=str(loaded_version)),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this delegation" in page
    assert f'href="/delegations/{delegation.id}"' in page
    assert 'value="My change"' in page  # what the user typed is still there
    db.expire_all()
    assert db.get(Delegation, delegation.id).title == "Changed by a colleague"
    assert "Changed by a colleague" in client.get(f"/delegations/{delegation.id}").get_data(
        as_text=True
    )


def test_save_without_a_version_is_refused(client, auth, db) -> None:
    auth.login("staff")
    delegation = make_delegation(db, title="Original")
    response = client.post(
        f"/delegations/{delegation.id}/edit", data=delegation_form(counterpart="X", title="Mine")
    )
    assert response.status_code == 409
    db.expire_all()
    assert db.get(Delegation, delegation.id).title == "Original"


def test_delete_of_a_record_changed_meanwhile_is_refused(client, auth, db) -> None:
    auth.login("staff")
    delegation = make_delegation(db, title="Original")
    loaded_version = delegation.version
    _save_elsewhere(db, delegation, "Changed by a colleague")
    response = client.post(
        f"/delegations/{delegation.id}/delete?lang=en", data={"version": str(loaded_version)}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "It was not deleted" in page
    assert f'href="/delegations/{delegation.id}"' in page
    db.expire_all()
    assert db.get(Delegation, delegation.id) is not None


def test_missing_delegation_is_404(client, auth) -> None:
    auth.login("staff")
    for url in ("/delegations/999999", "/delegations/999999/edit", "/delegations/999999/delete"):
        assert client.get(url).status_code == 404
