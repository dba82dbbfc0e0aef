"""A creation form sent again (the back button, a reload) creates no second record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from exchange_app.models import Delegation, FormSubmission, Promotion, YouthProgram
from exchange_app.services import form_tokens
from tests import test_promotions
from tests.conftest import csrf_token_from
from tests.factories import city, delegation_form


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _token_in(html: str) -> str:
    match = re.search(r'name="form_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="form_token" name="form_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no one-time token in the form"
    return match.group(1)


def _delegation(**values: Any) -> dict[str, Any]:
    return delegation_form(counterpart="Other city", **values)


def _youth_form(db) -> dict[str, Any]:
    guilin = city(db, "guilin")
    return {
        "title": "桂林市青少年派遣", "kind": "partner_exchange",
        "partner_city_id": str(guilin.id), "direction": "outbound",
        "start_date": "2025-08-01", "end_date": "2025-08-07",
    }


@pytest.mark.parametrize(
    ("path", "model", "data", "detail"),
    [
        ("/delegations/new", Delegation, lambda db: _delegation(), "/delegations/"),
        ("/promotions/new", Promotion, lambda db: test_promotions.form_data(db), "/promotions/"),
        ("/youth/new", YouthProgram, _youth_form, "/youth/"),
    ],
)
def test_the_same_form_sent_twice_creates_one_record_and_shows_it(
    client, auth, db, path, model, data, detail
) -> None:
    auth.login("staff")
    page = client.get(path).get_data(as_text=True)
    token = _token_in(page)
    before = _count(db, model)
    submitted = {**data(db), "form_token": token}
    first = client.post(path, data=submitted)
    assert first.status_code == 302
    assert _count(db, model) == before + 1
    # The back button brings the filled-in form back; Save sends the same token again.
    again = client.post(path, data=submitted)
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Location"].startswith(detail)
    assert _count(db, model) == before + 1
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "既に保存されています" in shown
    # A new form (a new token) records a new visit.
    fresh = _token_in(client.get(path).get_data(as_text=True))
    assert fresh != token
    assert client.post(path, data={**data(db), "form_token": fresh}).status_code == 302
    assert _count(db, model) == before + 2


def test_a_form_with_errors_keeps_its_token_and_saves_once_when_fixed(client, auth, db) -> None:
    auth.login("staff")
    token = _token_in(client.get("/delegations/new").get_data(as_text=True))
    wrong = client.post("/delegations/new", data={**_delegation(title=""), "form_token": token})
    assert wrong.status_code == 200
    assert _token_in(wrong.get_data(as_text=True)) == token
    fixed = client.post("/delegations/new", data={**_delegation(), "form_token": token})
    assert fixed.status_code == 302
    assert db.scalar(select(FormSubmission.entity_type).where(FormSubmission.token == token)) == (
        "delegation"
    )


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_with_csrf_on_the_back_button_resubmission_is_still_recognised(client, auth, db) -> None:
    auth.login("staff")
    page = client.get("/delegations/new").get_data(as_text=True)
    submitted = {**_delegation(), "form_token": _token_in(page),
                 "csrf_token": csrf_token_from(page)}
    before = _count(db, Delegation)
    assert client.post("/delegations/new", data=submitted).status_code == 302
    assert client.post("/delegations/new", data=submitted).status_code == 302
    assert _count(db, Delegation) == before + 1


def test_two_copies_at_the_same_moment_keep_only_the_first(app, db, monkeypatch) -> None:
    """The second copy passes the look-up before the first commits, then meets the key."""
    token = form_tokens.new_token()
    db.add(FormSubmission(token=token, entity_type="delegation", entity_id=12345))
    db.commit()
    created = []
    real_get = db.get
    calls = {"n": 0}

    def get_as_if_not_yet_committed(model, key, *args, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_get(model, key, *args, **kwargs)

    monkeypatch.setattr(db, "get", get_as_if_not_yet_committed)
    entity_id, made = form_tokens.create_once(
        db, token, "delegation", lambda: created.append(1) or 999, None
    )
    assert (entity_id, made) == (12345, False)
    assert created == [1]  # it was built, then rolled back with the failed insert
