"""ASVS V3 (sessions): cookie flags, fresh sessions, server-side logout, timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from exchange_app.db import utcnow
from exchange_app.models import LoginSession
from exchange_app.services import accounts
from tests.conftest import PASSWORD

COOKIE = "exchange_session"


def set_cookie_headers(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def session_cookie_header(response) -> str:
    headers = [h for h in set_cookie_headers(response) if h.startswith(COOKIE + "=")]
    assert headers, set_cookie_headers(response)
    return headers[-1]


def login_response(client, user):
    return client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def copy_session_cookie(source, target) -> None:
    target.set_cookie(COOKIE, source.get_cookie(COOKIE).value)


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


# --- 1. cookies ---------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    header = session_cookie_header(login_response(client, make_user("viewer")))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain HTTP in development


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_session_cookie_is_secure_when_served_over_https(client, make_user):
    header = session_cookie_header(login_response(client, make_user("viewer")))
    assert "Secure" in header


def test_secure_cookies_follow_hsts_in_production_config(monkeypatch):
    import importlib

    from exchange_app import settings

    monkeypatch.setenv("HSTS_ENABLED", "1")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    reloaded = importlib.reload(settings)
    try:
        assert reloaded.Config.SESSION_COOKIE_SECURE is True
        assert reloaded.Config.REMEMBER_COOKIE_SECURE is True
    finally:
        monkeypatch.delenv("HSTS_ENABLED")
        importlib.reload(settings)


def test_no_remember_me_cookie_is_ever_issued(client, make_user):
    response = login_response(client, make_user("viewer"))
    assert not [h for h in set_cookie_headers(response) if h.startswith("remember_token")]


def test_a_forged_remember_cookie_signs_nobody_in(app, client, make_user):
    from flask_login.utils import encode_cookie

    user = make_user("admin")
    with app.test_request_context():
        client.set_cookie("remember_token", encode_cookie(str(user.id)))
    assert client.get("/").status_code == 302


# --- 2. session lifecycle -----------------------------------------------------


def test_login_starts_a_new_session(app, client, make_user):
    client.get("/auth/login")  # an anonymous session (with a CSRF secret) exists
    with client.session_transaction() as anonymous:
        anonymous["planted"] = "by an attacker"
    before = client.get_cookie(COOKIE).value
    login_response(client, make_user("viewer"))
    with client.session_transaction() as signed_in:
        assert "planted" not in signed_in
        assert "login_token" in signed_in
    assert client.get_cookie(COOKIE).value != before


def test_the_pre_login_cookie_is_not_signed_in_after_login(app, client, make_user):
    with client.session_transaction() as anonymous:
        anonymous["lang"] = "ja"
    victim_before_login = app.test_client()
    copy_session_cookie(client, victim_before_login)
    login_response(client, make_user("viewer"))
    assert is_signed_in(client)
    assert not is_signed_in(victim_before_login)


def test_logout_ends_the_session_on_the_server(app, client, auth):
    auth.login("viewer")
    thief = app.test_client()
    copy_session_cookie(client, thief)
    assert is_signed_in(thief)
    auth.logout()
    assert not is_signed_in(client)
    assert not is_signed_in(thief), "a copied cookie still works after logout"


def test_logout_marks_the_login_session_ended(client, auth, db):
    user = auth.login("viewer")
    auth.logout()
    rows = db.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert rows and all(row.ended_at is not None for row in rows)


def test_disabling_a_user_ends_their_sessions(app, client, auth, make_user, db):
    victim = make_user("staff")
    victim_client = app.test_client()
    assert login_response(victim_client, victim).status_code == 302
    assert is_signed_in(victim_client)
    auth.login("admin")
    db.refresh(victim)
    response = client.post(
        f"/admin/users/{victim.id}",
        data={"display_name": victim.display_name, "role": "staff", "version": victim.version},
    )
    assert response.status_code == 302
    assert not is_signed_in(victim_client)
    db.refresh(victim)
    assert victim.active is False
    assert login_response(victim_client, victim).status_code == 401


def test_a_password_change_ends_the_other_sessions(app, client, auth, db):
    user = auth.login("viewer")
    other_browser = app.test_client()
    assert login_response(other_browser, user).status_code == 302
    response = client.post(
        "/auth/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase 阿蘇山",
            "confirm_password": "a brand new passphrase 阿蘇山",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert is_signed_in(client)
    assert not is_signed_in(other_browser)
    db.refresh(user)
    assert accounts.verify_password(user.password_hash, "a brand new passphrase 阿蘇山")
    assert not accounts.verify_password(user.password_hash, PASSWORD)


def test_an_admin_password_reset_ends_the_users_sessions(app, client, auth, make_user, db):
    victim = make_user("staff")
    victim_client = app.test_client()
    login_response(victim_client, victim)
    auth.login("admin")
    response = client.post(
        f"/admin/users/{victim.id}/password", data={"pw-password": "reset by admin 熊本城 2026"}
    )
    assert response.status_code == 302
    assert not is_signed_in(victim_client)
    db.refresh(victim)
    assert accounts.verify_password(victim.password_hash, "reset by admin 熊本城 2026")


def test_idle_timeout_of_30_minutes(client, auth):
    auth.login("viewer")
    with client.session_transaction() as session:
        session["last_seen"] = (utcnow() - timedelta(minutes=29)).timestamp()
    assert is_signed_in(client)
    with client.session_transaction() as session:
        session["last_seen"] = (utcnow() - timedelta(minutes=31)).timestamp()
    response = client.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert not is_signed_in(client)


def test_the_cookie_is_sent_again_only_when_the_last_request_time_is_due(client, auth):
    auth.login("viewer")
    client.get("/")
    with client.session_transaction() as session:
        recorded = session["last_seen"]
    # Within the minute: the session is unchanged, and no cookie is signed or sent.
    response = client.get("/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    with client.session_transaction() as session:
        assert session["last_seen"] == recorded
        session["last_seen"] = (utcnow() - accounts.LAST_SEEN_RESOLUTION).timestamp()
    response = client.get("/")
    assert COOKIE in response.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert session["last_seen"] > recorded


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_TIMEOUT": timedelta(minutes=5)}])
def test_idle_timeout_is_configurable(client, auth):
    auth.login("viewer")
    with client.session_transaction() as session:
        session["last_seen"] = (utcnow() - timedelta(minutes=6)).timestamp()
    assert not is_signed_in(client)


def test_absolute_timeout_of_12_hours_even_when_active(client, auth, db):
    user = auth.login("viewer")
    db.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id)
        .values(created_at=utcnow() - timedelta(hours=11, minutes=50))
    )
    db.commit()
    assert is_signed_in(client)
    db.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id)
        .values(created_at=utcnow() - timedelta(hours=12, minutes=1))
    )
    db.commit()
    assert not is_signed_in(client)


@pytest.mark.parametrize("app_config", [{"SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=1)}])
def test_absolute_timeout_is_configurable(client, auth, db):
    user = auth.login("viewer")
    db.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id)
        .values(created_at=utcnow() - timedelta(minutes=61))
    )
    db.commit()
    assert not is_signed_in(client)


def test_ending_all_sessions_keeps_none_alive(db, make_user):
    user = make_user("viewer")
    tokens = [accounts.start_session(db, user, remote_addr=None, user_agent=None) for _ in range(3)]
    db.flush()
    accounts.end_all_sessions(db, user)
    db.flush()
    for token in tokens:
        assert accounts.find_live_session(db, token, user.id, timedelta(hours=12)) is None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "\\\\evil.example.com",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x=1",
        " //evil.example.com",
    ],
)
def test_sign_in_never_redirects_off_site(client, make_user, target):
    user = make_user("viewer")
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location and "\n" not in location


def test_sign_in_returns_to_a_page_on_this_site(client, make_user):
    user = make_user("viewer")
    response = client.post(
        "/auth/login",
        query_string={"next": "/partners/guilin?lang=en"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/partners/guilin?lang=en"


# --- idle timeout whatever headers the browser sends ---------------------------


@pytest.mark.parametrize(
    "path", ["/", "/delegations/", "/youth/", "/account/api-tokens", "/api/v1/indicators?year=2024"]
)
def test_a_bearer_header_does_not_lift_the_idle_timeout_of_a_cookie_session(client, auth, path):
    auth.login("coordinator")
    with client.session_transaction() as session:
        session["last_seen"] = (utcnow() - timedelta(minutes=31)).timestamp()
    response = client.get(path, headers={"Authorization": "Bearer anything at all"})
    assert response.status_code in (302, 401), response.status_code
    assert not is_signed_in(client)


def test_a_real_api_token_still_opens_the_api_without_a_cookie(client, db, make_user):
    from exchange_app.services import api_tokens

    user = make_user("viewer")
    _token, secret = api_tokens.create_token(db, user.id, "report script")
    db.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/indicators?year=2024", headers=headers).status_code == 200
    # Only on /api/: the same token opens no page.
    assert client.get("/", headers=headers).status_code == 302
