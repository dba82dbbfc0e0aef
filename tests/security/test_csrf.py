"""ASVS V13/V4: every state-changing route needs the CSRF token; no GET changes anything."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from exchange_app.models import Job, StoredFile
from exchange_app.vocab import JobKind, StoredFilePurpose
from tests.security import route_matrix
from tests.security.conftest import app_rules, rule_url, table_fingerprint


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_every_post_without_a_csrf_token_is_refused(app, client, db, sign_in, role, caplog):
    sign_in(role)
    targets = [(r.endpoint, rule_url(app, r, db)) for r in app_rules(app) if "POST" in r.methods]
    before = table_fingerprint(db)
    posted = []
    with caplog.at_level(logging.INFO, logger="exchange_app.security"):
        for endpoint, url in targets:
            response = client.post(url, data={"display_name": "changed", "version": "1"})
            assert response.status_code == 400, f"POST {url} as {role} without a token"
            posted.append(endpoint)
    assert {"auth.logout", "auth.login", "admin.edit_user"} <= set(posted)
    assert table_fingerprint(db) == before
    assert caplog.text.count('"event": "csrf_failure"') == len(posted)


def test_logout_without_a_token_keeps_the_session(client, auth):
    auth.login("viewer")
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_a_token_from_another_session_is_refused(app, client, auth, make_user):
    from tests.conftest import csrf_token_from

    other = app.test_client()
    foreign_token = csrf_token_from(other.get("/auth/login").get_data(as_text=True))
    auth.login("viewer")
    assert client.post("/auth/logout", data={"csrf_token": foreign_token}).status_code == 400


@pytest.mark.parametrize("role", route_matrix.ROLES)
def test_no_get_changes_the_database(app, client, db, sign_in, role):
    sign_in(role)
    urls = [rule_url(app, rule, db) for rule in app_rules(app) if "GET" in rule.methods]
    before = table_fingerprint(db)
    visited = 0
    for url in urls:
        client.get(url)
        client.get(url, query_string={"q": "x", "page": "2", "sort": "name"})
        visited += 1
    assert visited >= 8
    after = table_fingerprint(db)
    # Reading personal data or exporting leaves an audit entry, as the law expects; asking
    # for a history PDF not yet laid out queues its layout and keeps the PDF (a cache of
    # what the records already say); nothing else may change.
    for table in ("audit_entries", "jobs", "stored_files"):
        before.pop(table)
        after.pop(table)
    assert after == before
    assert set(db.scalars(select(Job.kind))) <= {JobKind.HISTORY_PDF}
    assert set(db.scalars(select(StoredFile.purpose))) <= {StoredFilePurpose.HISTORY_PDF}
