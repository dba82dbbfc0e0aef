"""XSS in a real browser: stored payloads never run, on any page (zero dialogs).

The payloads go into a partner city's names and every user's name, so the test has a server
and a database of its own: no other test meets them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from exchange_app.models import PartnerCity, User
from exchange_app.services import accounts
from tests.e2e.conftest import serve_app
from tests.security.conftest import app_rules, rule_url
from tests.security.test_xss import store_record_payloads

pytestmark = pytest.mark.e2e

PASSWORD = "browser test passphrase 熊本城"
PAYLOADS = {
    "script": "<script>alert('script')</script>",
    "img": "<img src=x onerror=alert('img')>",
    "attribute": "\" autofocus onfocus=alert('attr') x=\"",
    "svg": "<svg onload=alert('svg')>",
    "javascript_url": "<a href=\"javascript:alert('href')\">click</a>",
}
STORED = " ".join(PAYLOADS.values())


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    """A server and database of this module's own."""
    with serve_app("e2e_xss", str(tmp_path_factory.mktemp("e2e-xss"))) as server:
        yield server


@pytest.fixture
def admin_with_payloads(xss_server):
    """An administrator whose name, and a partner city whose texts, hold the payloads."""
    with xss_server.session() as session:
        user = accounts.find_user_by_email(session, "xss-admin@example.org")
        if user is None:
            user = accounts.create_user(
                session,
                email="xss-admin@example.org",
                display_name="x",
                role="admin",
                password=PASSWORD,
            )
        user.display_name = STORED[:100]
        city = session.scalars(select(PartnerCity).order_by(PartnerCity.id)).first()
        city.notes = STORED
        city.name_local = PAYLOADS["img"]
        for other in session.scalars(select(User).where(User.id != user.id)):
            other.display_name = PAYLOADS["svg"]
        store_record_payloads(session, city)
        session.commit()
        return user.email, city.slug


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input#submit")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_stored_payloads_never_run_in_the_browser(xss_server, page, admin_with_payloads):
    email, slug = admin_with_payloads
    dialogs, csp_reports = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: (
            csp_reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(page, xss_server.url, email)

    # Save the payloads through the real form as well.
    page.goto(f"{xss_server.url}/partners/{slug}/edit")
    page.fill("input[name=name_en]", PAYLOADS["attribute"][:100])
    page.fill("input[name=name_ja]", PAYLOADS["script"])
    page.click("input#submit")
    page.wait_for_url(f"{xss_server.url}/partners/{slug}")

    app = xss_server.app
    with xss_server.session() as session:
        urls = [
            rule_url(app, rule, session)
            for rule in app_rules(app)
            if "GET" in rule.methods and rule.endpoint not in {"static", "auth.login"}
        ]
    visited = 0
    for path in urls:
        content_type = page.request.get(xss_server.url + path).headers.get("content-type", "")
        if not content_type.startswith("text/html"):
            continue  # downloads (xlsx, pdf, csv) and JSON are not rendered as pages
        page.goto(xss_server.url + path)
        page.wait_for_load_state("load")
        assert "/auth/login" not in page.url, f"signed out while visiting {path}"
        injected = page.evaluate(
            """() => ({
                images: document.querySelectorAll('img[src="x"]').length,
                svgs: document.querySelectorAll('svg[onload]').length,
                handlers: document.querySelectorAll('[onfocus],[onerror],[onload]').length,
                scripts: [...document.scripts]
                    .filter(s => !s.src && s.type !== 'application/json').length,
                jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
            })"""
        )
        assert injected == {"images": 0, "svgs": 0, "handlers": 0, "scripts": 0, "jsLinks": 0}, (
            path,
            injected,
        )
        visited += 1
    page.goto(f"{xss_server.url}/partners/{slug}")
    assert "<script>alert('script')</script>" in page.inner_text("body")  # shown as text
    assert visited >= 7
    assert dialogs == []
    assert csp_reports == [], csp_reports
