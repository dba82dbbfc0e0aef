"""ASVS V7 (logging): structured security events; an append-only audit trail."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest
from sqlalchemy import delete, select, update

from exchange_app.models import AuditEntry
from exchange_app.models.audit import AuditTrailIsAppendOnly
from exchange_app.security_log import security_event
from exchange_app.services import audit
from tests.conftest import PASSWORD


def events(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "exchange_app.security"
    ]


@pytest.fixture
def seclog(caplog):
    caplog.set_level(logging.INFO, logger="exchange_app.security")
    return caplog


def test_sign_in_success_and_failure_are_logged_without_secrets(client, make_user, seclog):
    user = make_user("viewer")
    client.post("/auth/login", data={"email": user.email, "password": "wrong guess 123"})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    logged = events(seclog)
    kinds = [e["event"] for e in logged]
    assert kinds == ["login_failed", "login"]
    assert logged[1]["user_id"] == user.id
    cookie = client.get_cookie("exchange_session").value
    for line in seclog.text.splitlines():
        assert PASSWORD not in line and "wrong guess" not in line and cookie not in line


def test_lines_are_json_with_utc_time(client, make_user, seclog):
    client.post("/auth/login", data={"email": "x@example.org", "password": "y" * 12})
    (event,) = events(seclog)
    when = datetime.fromisoformat(event["time"])
    assert when.utcoffset().total_seconds() == 0
    assert {"event", "ip", "path", "method"} <= set(event)


def test_forbidden_is_logged(client, auth, seclog):
    user = auth.login("viewer")
    seclog.clear()
    assert client.get("/admin/users").status_code == 403
    (event,) = events(seclog)
    assert event["event"] == "forbidden" and event["user_id"] == user.id
    assert event["path"] == "/admin/users"


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_failure_is_logged(client, seclog):
    client.post("/auth/login", data={"email": "a@example.org", "password": "b"})
    assert [e["event"] for e in events(seclog)] == ["csrf_failure"]


def test_secrets_are_never_written_even_if_passed(app, seclog):
    with app.test_request_context("/"):
        security_event(
            "personal_data_view", password="p", token="t", cookie="c", csrf_token="x", ok=1
        )
    (event,) = events(seclog)
    assert event["ok"] == 1
    assert not {"password", "token", "cookie", "csrf_token"} & set(event)


def test_the_security_log_reaches_the_server_log(app):
    handlers = logging.getLogger("exchange_app.security").handlers
    assert any(isinstance(h, logging.StreamHandler) for h in handlers)


# --- the audit trail ----------------------------------------------------------


@pytest.fixture
def entry(db):
    entry = audit.record(db, "update", "partner_city", 1, changes={"notes": ["a", "b"]})
    db.commit()
    return entry


def test_an_audit_entry_cannot_be_changed(db, entry):
    entry.summary = "rewritten"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.flush()
    db.rollback()


def test_an_audit_entry_cannot_be_deleted(db, entry):
    db.delete(entry)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.flush()
    db.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(summary="rewritten"),
        delete(AuditEntry),
        delete(AuditEntry).where(AuditEntry.entity_type == "partner_city"),
    ],
)
def test_bulk_update_or_delete_of_the_audit_trail_is_refused(db, entry, statement):
    with pytest.raises(AuditTrailIsAppendOnly):
        db.execute(statement)
    db.rollback()
    assert db.scalar(select(AuditEntry.summary).where(AuditEntry.id == entry.id)) is None


def test_audit_entries_can_still_be_added_and_read(db, entry):
    audit.record(db, "update", "partner_city", 1, changes={"notes": ["b", "c"]})
    db.commit()
    assert len(audit.history_of(db, "partner_city", 1)) == 2


# --- personal data --------------------------------------------------------------


@pytest.fixture
def personal_route(app):
    from exchange_app.auth.permissions import PERSONAL_DATA, requires

    @requires(PERSONAL_DATA)
    def participant(person_id: int) -> str:
        return f"participant {person_id}"

    app.add_url_rule("/test-personal/<int:person_id>", "test_personal", participant)
    return "/test-personal/7"


def test_personal_data_views_are_logged(client, auth, seclog, personal_route):
    user = auth.login("coordinator")
    seclog.clear()
    assert client.get(personal_route + "?format=xlsx").status_code == 200
    (event,) = events(seclog)
    assert event["event"] == "personal_data_access"
    assert event["user_id"] == user.id
    assert event["view_args"] == {"person_id": 7} and event["query"] == "format=xlsx"


def test_refused_personal_data_is_logged_as_forbidden_not_as_access(
    client, auth, seclog, personal_route
):
    auth.login("staff")
    seclog.clear()
    assert client.get(personal_route).status_code == 403
    assert [e["event"] for e in events(seclog)] == ["forbidden"]


def test_every_personal_data_route_logs_its_access(app, client, db, auth, seclog):
    """Walks the URL map: any route guarded by PERSONAL_DATA writes a log line per GET."""
    from exchange_app.auth.permissions import PERSONAL_DATA
    from tests.security.conftest import app_rules, rule_url

    auth.login("coordinator")
    for rule in app_rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "required_permission", None) != PERSONAL_DATA or "GET" not in rule.methods:
            continue
        url = rule_url(app, rule, db)
        seclog.clear()
        assert client.get(url).status_code == 200, url
        assert "personal_data_access" in [e["event"] for e in events(seclog)], url


def test_password_and_account_changes_are_logged(client, auth, make_user, seclog, db):
    admin = auth.login("admin")
    target = make_user("viewer")
    db.refresh(target)
    seclog.clear()
    client.post(
        f"/admin/users/{target.id}",
        data={"display_name": "T", "role": "staff", "version": str(target.version)},
    )
    client.post(f"/admin/users/{target.id}/password", data={"pw-password": "a new one for 熊本"})
    logged = events(seclog)
    assert [e["event"] for e in logged] == ["account_changed", "password_reset"]
    assert logged[0]["changes"] == {"role": ["viewer", "staff"], "active": [True, False]}
    assert all(e["user_id"] == admin.id and e["target_user_id"] == target.id for e in logged)
    assert "熊本" not in seclog.text
