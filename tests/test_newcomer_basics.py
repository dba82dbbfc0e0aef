"""What a newcomer sees first: the served address, a site icon, no 404 on every page."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from exchange_app import gunicorn_conf

ROOT = Path(__file__).resolve().parent.parent


def test_favicon_is_served_without_signing_in_and_linked_from_every_page(client, auth) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "public" in icon.headers["Cache-Control"]
    assert client.get("/static/img/favicon.svg").status_code == 200
    login = client.get("/auth/login").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.ico"' in login
    auth.login("viewer")
    assert 'href="/static/img/favicon.svg"' in client.get("/partners/").get_data(as_text=True)


class _Listener:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock


class _Server:
    def __init__(self, sock: socket.socket) -> None:
        self.LISTENERS = [_Listener(sock)]
        self.log = logging.getLogger("test.gunicorn")


def test_gunicorn_says_the_address_it_really_bound(caplog) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # any free port, as gunicorn --bind 127.0.0.1:0 would
        port = sock.getsockname()[1]
        with caplog.at_level(logging.INFO, logger="test.gunicorn"):
            gunicorn_conf.when_ready(_Server(sock))
    assert f"open http://127.0.0.1:{port}/ in a browser" in caplog.text


def test_make_run_serves_with_that_configuration_and_announces_host_and_port() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "--config python:exchange_app.gunicorn_conf" in run
    assert "http://$(HOST):$(PORT)/" in run
    assert "--bind $(HOST):$(PORT)" in run
