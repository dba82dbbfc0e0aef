"""ASVS V4 (access control): every route answers every role as the matrix says."""

from __future__ import annotations

import pytest

from tests.security import route_matrix
from tests.security.conftest import app_rules, rule_url

OFFERED = ("GET", "POST")


def test_every_route_is_in_the_matrix(app) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(route_matrix.ROUTES))
    stale = sorted(set(route_matrix.ROUTES) - endpoints)
    assert not missing, f"add these endpoints to tests/security/route_matrix.py: {missing}"
    assert not stale, f"these matrix entries name no endpoint: {stale}"


def test_matrix_lists_exactly_the_methods_each_route_offers(app) -> None:
    wrong = []
    for rule in app_rules(app):
        expect = route_matrix.ROUTES[rule.endpoint]
        for method in OFFERED:
            offered = method in rule.methods
            listed = getattr(expect, method.lower()) is not None
            if offered != listed:
                wrong.append(f"{rule.endpoint} {method}: offered={offered} listed={listed}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", route_matrix.ROLES)
def test_each_role_gets_what_the_matrix_says(app, client, db, sign_in, role) -> None:
    user = sign_in(role)
    wrong = []
    for rule in app_rules(app):
        expect = route_matrix.ROUTES[rule.endpoint]
        url = rule_url(app, rule, db)
        for method in OFFERED:
            statuses = getattr(expect, method.lower())
            response = client.open(url, method=method, data={})
            not_offered = (401 if url.startswith("/api/") else 302) if role == "anonymous" else 405
            wanted = not_offered if statuses is None else statuses[role]
            if response.status_code != wanted:
                wrong.append(f"{method} {url} as {role}: {response.status_code}, expected {wanted}")
            if method == "POST" and rule.endpoint in route_matrix.ENDS_SESSION and user:
                sign_in_again(client, user)
    assert not wrong, "\n".join(wrong)


def sign_in_again(client, user) -> None:
    from tests.conftest import PASSWORD

    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("role", route_matrix.ROLES)
def test_unknown_ids_never_show_data(app, client, db, sign_in, role) -> None:
    """A record that does not exist (or may not be seen) is 403/404, never a page of data."""
    sign_in(role)
    checked = 0
    for rule in app_rules(app):
        if not rule.arguments or rule.endpoint in ("static", "main.font"):
            continue  # public files, no records
        url = rule_url(app, rule, db, missing=True)
        for method in OFFERED:
            if method not in rule.methods:
                continue
            response = client.open(url, method=method, data={})
            checked += 1
            allowed = {302} if role == "anonymous" else {403, 404}
            assert response.status_code in allowed, f"{method} {url} as {role}"
    assert checked >= 4
