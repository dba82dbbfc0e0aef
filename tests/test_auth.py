"""Signing in and out, and who may reach which route."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from exchange_app.models import AuditEntry, LoginSession, PartnerCity, User
from tests.conftest import PASSWORD, csrf_token_from
from tests.helpers import routes

PUBLIC = {"auth.login", "main.font", "main.favicon"}  # sign-in page, web font, site icon


def test_every_route_refuses_anonymous_users(app, client) -> None:
    checked = 0
    for rule, method, url in routes(app):
        if rule.endpoint in PUBLIC:
            continue
        response = client.open(url, method=method)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/auth/login"), (method, url)
        checked += 1
    assert checked >= 5


def test_static_files_and_login_page_need_no_login(client) -> None:
    assert client.get("/auth/login").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200


def _row_counts(db) -> dict[str, int]:
    return {
        model.__tablename__: db.scalar(select(func.count()).select_from(model))
        for model in (User, PartnerCity, AuditEntry)
    }


def test_viewer_cannot_post_anywhere(app, client, auth, db) -> None:
    auth.login("viewer")
    # Signing in and out, one's own password and one's own API tokens are for every role.
    allowed_for_everyone = {
        "auth.login", "auth.logout", "auth.change_password", "api.tokens", "api.revoke_token",
    }
    before = _row_counts(db)
    posts = [(rule, url) for rule, method, url in routes(app) if method == "POST"]
    assert posts
    for rule, url in posts:
        if rule.endpoint in allowed_for_everyone:
            continue
        response = client.post(url, data={"name_ja": "x", "role": "admin", "email": "x@y.z"})
        assert response.status_code == 403, (url, response.status_code)
    assert _row_counts(db) == before


def test_login_with_correct_password(client, make_user, db) -> None:
    user = make_user("staff")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    live = db.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert len(live) == 1 and live[0].ended_at is None
    db.refresh(user)
    assert user.last_login_at is not None


def test_login_email_is_case_insensitive(client, make_user, db) -> None:
    user = make_user("staff")
    response = client.post(
        "/auth/login", data={"email": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert db.scalars(select(LoginSession.user_id)).all() == [user.id]


def test_wrong_password_is_refused_with_a_message(client, make_user, db) -> None:
    user = make_user("staff")
    response = client.post("/auth/login", data={"email": user.email, "password": "wrong" * 4})
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_disabled_user_cannot_sign_in(client, make_user, db) -> None:
    user = make_user("staff", active=False)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401
    assert db.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert client.get("/").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client, make_user) -> None:
    user = make_user("staff")
    for target, expected in [
        ("/partners/guilin", "/partners/guilin"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ]:
        response = client.post(
            "/auth/login?next=" + target, data={"email": user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == expected, target
        client.post("/auth/logout")


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    def test_login_and_logout_with_csrf(self, client, make_user, db) -> None:
        user = make_user("staff")
        page = client.get("/auth/login").get_data(as_text=True)
        response = client.post(
            "/auth/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token_from(page)},
        )
        assert response.status_code == 302

        # logout without the token is refused and the session stays
        assert client.post("/auth/logout").status_code == 400
        assert client.get("/").status_code == 200

        home = client.get("/").get_data(as_text=True)
        response = client.post("/auth/logout", data={"csrf_token": csrf_token_from(home)})
        assert response.status_code == 302
        assert client.get("/").status_code == 302

    def test_login_without_csrf_token_is_refused(self, client, make_user) -> None:
        user = make_user("staff")
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400


def test_logout_ends_the_session_on_the_server(app, client, auth, db) -> None:
    auth.login("staff")
    copied_cookie = client.get_cookie("exchange_session").value
    client.post("/auth/logout")
    assert db.scalar(select(LoginSession).where(LoginSession.ended_at.is_(None))) is None

    replay = app.test_client()
    replay.set_cookie("exchange_session", copied_cookie)
    assert replay.get("/").status_code == 302


def test_logout_is_post_only(client, auth) -> None:
    auth.login("staff")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/").status_code == 200
