"""Browser tests: the app served from a thread over a freshly migrated database, driven by
the system's Chromium through Playwright.

Chromium comes from Debian (``make install-test`` installs it); a missing browser is a
test failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from exchange_app import create_app, migrate
from exchange_app.db import create_db_engine
from exchange_app.services.seed import seed_reference_data
from tests.conftest import reset_database
from tests.scratch import PROJECT_ROOT, scratch_database_url

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


@contextmanager
def serve_app(
    name: str, folder: str, config: dict[str, object] | None = None
) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 (a free port), CSRF on, over a fresh migrated and seeded database
    of its own (``name`` tells the scratch databases apart); ``config`` adds settings."""
    url = scratch_database_url(name, folder)
    reset_database(url)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    app = create_app(
        {"DATABASE_URL": url, "WTF_CSRF_ENABLED": True, "TESTING": False, **(config or {})}
    )
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
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The server the journeys share. Each test creates the records it changes; a test that
    must change shared ones (the partner cities, every user) gets a server of its own."""
    with serve_app("e2e", str(tmp_path_factory.mktemp("e2e"))) as server:
        yield server


def ensure_chromium() -> None:
    """Install Debian's Chromium when it is missing and we may (root with apt-get); else fail.

    Never a skip: in CI (CI=true) and everywhere else a missing browser fails the run.
    """
    if os.access(CHROMIUM, os.X_OK):
        return
    # CI installs it with `make install-test`; there a missing browser means a broken set-up.
    if os.environ.get("CI", "").lower() != "true" and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]
        if subprocess.call(command, env=env) != 0:
            subprocess.call(["apt-get", "update", "-qq"], env=env)
            subprocess.call(command, env=env)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make install-test` (installs Debian chromium)")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched by Playwright (no downloaded browser)."""
    ensure_chromium()
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
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


# --- helpers for the journeys --------------------------------------------------------------

PASSWORD = "browser journeys passphrase 阿蘇山"
SCREENSHOTS = Path(PROJECT_ROOT) / "test-artifacts" / "screenshots"
AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def people(live_server) -> dict[str, str]:
    """One user per role (staff, coordinator, admin, viewer): role -> e-mail."""
    from exchange_app.services import accounts

    emails = {}
    with live_server.session() as session:
        for role in ("viewer", "staff", "coordinator", "admin"):
            email = f"e2e-{role}@example.org"
            if accounts.find_user_by_email(session, email) is None:
                accounts.create_user(
                    session, email=email, display_name=f"E2E {role}", role=role, password=PASSWORD
                )
            emails[role] = email
        session.commit()
    return emails


@pytest.fixture(scope="session")
def tr(live_server) -> Callable[..., str]:
    """``tr(lang, msgid, **values)``: the UI text the app shows for ``msgid`` in ``lang``."""
    from flask_babel import force_locale, gettext

    def translate(lang: str, msgid: str, **values: object) -> str:
        with live_server.app.test_request_context(), force_locale(lang):
            return gettext(msgid, **values)

    return translate


def sign_in(page, live_server, email: str, lang: str = "ja") -> None:
    """Sign in through the form, after choosing the language with the header switch."""
    page.goto(f"{live_server.url}/auth/login")
    if lang == "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_url("**/auth/login*")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input#submit").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's violations of the page (of the given impacts), run inside the page.

    The script is evaluated through the DevTools protocol, so the page's CSP stays as it is.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;0")
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""
    )
    return [v for v in violations if v["impact"] in impacts]


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """A PNG of the page in test-artifacts/screenshots/ (after the web fonts have loaded)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("async () => { await document.fonts.ready; }")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def next_guilin_anniversary(live_server) -> int:
    """The ordinal of Guilin's next anniversary in Japan today: 50 until 1 October 2029."""
    from exchange_app.models import PartnerCity
    from exchange_app.services import anniversaries
    from exchange_app.services.dates import today_in_japan

    with live_server.session() as session:
        city = session.scalars(select(PartnerCity).where(PartnerCity.slug == "guilin")).one()
        return anniversaries.next_milestone(city, today_in_japan()).ordinal


def anniversary_heading(lang: str, number: int) -> str:
    """The PDF's heading for Guilin, a friendship city (友好都市)."""
    if lang == "en":
        return f"{ordinal('en', number)} Anniversary of the Friendship City Relationship"
    return f"友好都市締結{number}周年"


def ordinal(lang: str, number: int) -> str:
    """The anniversary's number as the UI writes it (50 in Japanese, 50th in English)."""
    from exchange_app.services.anniversaries import ordinal_suffix

    return ordinal_suffix(number) if lang == "en" else str(number)
