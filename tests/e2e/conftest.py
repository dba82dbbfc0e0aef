"""Browser tests: the app served from a thread over a freshly migrated database, driven by
the system's Chromium through Playwright.

Chromium comes from Debian (``make install-test`` installs it); a missing browser is a
test failure, never a skip.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from exchange_app import create_app, migrate
from exchange_app.db import create_db_engine
from exchange_app.services.seed import seed_reference_data
from tests.conftest import reset_database
from tests.scratch import scratch_database_url

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class LiveServer:
    """The running app: its base URL, the app object and a session factory on its database."""

    url: str
    app: Flask

    def session(self) -> Session:
        return self.app.extensions["exchange_app.db"].session_factory()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 (a free port), CSRF on, over a fresh migrated and seeded database."""
    folder = str(tmp_path_factory.mktemp("e2e"))
    url = scratch_database_url("e2e", folder)
    reset_database(url)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": True, "TESTING": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["exchange_app.db"].engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched by Playwright (no downloaded browser)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make install-test` (installs Debian chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page for one test."""
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
