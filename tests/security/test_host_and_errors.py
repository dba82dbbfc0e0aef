"""ASVS V14/V7: the Host header is checked, error pages say nothing inside, debug is off."""

from __future__ import annotations

import logging
import re

import pytest

from exchange_app import create_app


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["exchange.example.org"]}])
def test_an_untrusted_host_header_is_refused(client):
    assert client.get("/auth/login", headers={"Host": "evil.example.com"}).status_code == 400
    assert client.get("/auth/login", headers={"Host": "exchange.example.org"}).status_code == 200


def test_trusted_hosts_come_from_the_environment(monkeypatch, tmp_path):
    import importlib

    from exchange_app import settings

    monkeypatch.setenv("TRUSTED_HOSTS", "exchange.example.org, localhost")
    try:
        importlib.reload(settings)
        monkeypatch.setenv("EXCHANGE_APP_INSTANCE_PATH", str(tmp_path))
        app = create_app()
        assert app.config["TRUSTED_HOSTS"] == ["exchange.example.org", "localhost"]
        response = app.test_client().get("/auth/login", headers={"Host": "evil.example.com"})
        assert response.status_code == 400
    finally:
        monkeypatch.delenv("TRUSTED_HOSTS")
        importlib.reload(settings)


def test_debug_is_off_unless_asked(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("EXCHANGE_APP_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.debug is False
    assert not app.config.get("PROPAGATE_EXCEPTIONS")
    assert not app.testing


@pytest.fixture
def failing_app(app):
    def explode():
        raise RuntimeError("secret internals: password=hunter2 at /srv/app.py")

    app.add_url_rule("/explode", "explode", explode)
    app.testing = False  # as in production: errors are handled, not raised
    return app


def test_an_unexpected_error_shows_a_generic_page_with_an_incident_id(failing_app, auth, caplog):
    client = failing_app.test_client()
    from tests.conftest import AuthActions

    AuthActions(client, auth._make_user).login("viewer")
    with caplog.at_level(logging.ERROR):
        response = client.get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body and "hunter2" not in body
    assert "RuntimeError" not in body and "app.py" not in body
    incident = re.search(r"\b([0-9a-f]{12})\b", body)
    assert incident, body
    assert incident.group(1) in caplog.text  # the log ties the page to the traceback


def test_not_found_is_generic(client, auth):
    auth.login("viewer")
    response = client.get("/partners/<script>")
    assert response.status_code == 404
    assert "<script>" not in response.get_data(as_text=True)
