"""Accessibility of every main page with axe-core (vendored in tests/e2e/vendor), in both
languages, and screenshots of those pages at 1280 px and at 768 px (a tablet).

0 serious or critical violations; every form field has a label (axe's ``label`` rule, and
an explicit check below).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from exchange_app.counterparts import operations as counterpart_operations
from exchange_app.models import Organization, Participant, Promotion
from exchange_app.promotions import operations
from exchange_app.promotions.kind import channel_for_organization_kind
from tests.e2e.conftest import axe_violations, screenshot, sign_in
from tests.factories import make_delegation, make_participant, make_program

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def records(live_server) -> dict[str, int]:
    """One record of each kind, made here, so that every detail page has something to show
    whatever ran before."""
    with live_server.session() as session:
        delegation = make_delegation(session, city_slug="heidelberg", title="A11y visit")
        program = make_program(session, title="A11y programme", start_date=date(2025, 8, 1))
        participant = make_participant(session, program, given_name_kana="アクセシ")
        organization = session.scalars(select(Organization).order_by(Organization.id)).first()
        if organization is None:
            organization = Organization(kind="international_organization", name_ja="JICA九州")
            session.add(organization)
        session.flush()
        promotion = session.scalars(select(Promotion).order_by(Promotion.id)).first()
        if promotion is None:
            promotion = operations.create_promotion(
                session,
                {
                    "start_date": date(2025, 5, 10),
                    "title": "A11y promotion",
                    "channel": channel_for_organization_kind(organization.kind),
                    "organization_id": organization.id,
                    "theme": "groundwater",
                    "medium": "presentation",
                    "counts_toward_3b": True,
                },
                None,
            )
            operations.update_promotion(session, promotion, {"reach": 300}, None)
        counterpart = counterpart_operations.create_counterpart(
            session,
            {
                "name_local": "王 明",
                "name_romaji": "Wang Ming",
                "partner_city_id": delegation.partner_city_id,
                "posts": [{"title": "副市長", "organization": None, "start_date": None,
                           "end_date": None}],
                "private_email": "a11y.home@example.org",
            },
            None,
        )
        session.commit()
        return {
            "counterpart": counterpart.id,
            "delegation": delegation.id,
            "program": program.id,
            "participant": participant.id,
            "person": participant.person_id,
            "organization": organization.id,
            "promotion": promotion.id,
        }


def main_pages(records: dict[str, int]) -> dict[str, str]:
    return {
        "home": "/",
        "partners": "/partners/",
        "partner-detail": "/partners/guilin",
        "delegations": "/delegations/",
        "delegation-form": "/delegations/new",
        "delegation-detail": f"/delegations/{records['delegation']}",
        "counterparts": "/counterparts/",
        "counterpart-form": "/counterparts/new",
        "counterpart": f"/counterparts/{records['counterpart']}",
        "counterpart-edit": f"/counterparts/{records['counterpart']}/edit",
        "counterpart-merge": f"/counterparts/{records['counterpart']}/merge",
        "counterpart-delete": f"/counterparts/{records['counterpart']}/delete",
        "youth": "/youth/",
        "youth-programme-form": "/youth/new",
        "youth-programme": f"/youth/{records['program']}",
        "youth-participant-form": f"/youth/{records['program']}/participants/new",
        "youth-participant": f"/youth/participants/{records['participant']}",
        "youth-participant-delete": f"/youth/participants/{records['participant']}/delete",
        "youth-person": f"/youth/persons/{records['person']}",
        "youth-needs-checking": "/youth/needs-checking",
        "promotions": "/promotions/",
        "promotion-form": "/promotions/new",
        "organisations": "/promotions/organizations/",
        "organisation": f"/promotions/organizations/{records['organization']}",
        "promotion": f"/promotions/{records['promotion']}",
        "indicators": "/indicators/",
        "anniversaries": "/history/",
        "history": "/history/guilin",
        "history-decade": "/history/guilin/decade/1970",
        "imports": "/imports/",
        "users": "/admin/users",
        "password": "/auth/password",
    }


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_main_pages_have_no_serious_accessibility_violations(
    live_server, page, people, records, lang
):
    sign_in(page, live_server, people["admin"], lang)
    problems = {}
    for name, path in main_pages(records).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, (path, response.status)
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("main h1, main .h3").count() >= 1, f"{path}: no page heading"
        assert page.locator("header nav, nav[aria-label]").count() >= 1
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('main input, main select, main textarea')]
                .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
                .filter(el => !el.closest('template'))
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                              && !el.getAttribute('aria-labelledby'))
                .map(el => el.name || el.id)"""
        )
        assert unlabelled == [], (path, unlabelled)
        if lang == "ja":
            screenshot(page, f"page-{name}-1280")
    assert problems == {}, problems


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_decade_opened_on_the_history_page_is_accessible(live_server, page, people, lang):
    sign_in(page, live_server, people["viewer"], lang)
    page.goto(f"{live_server.url}/history/guilin")
    decade = page.locator("details.decade").first
    decade.locator("summary").click()
    decade.locator(".decade-body h3.year").first.wait_for()
    assert decade.get_attribute("data-loaded") == "yes"
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page) == []


def test_login_page_is_accessible(live_server, page):
    page.goto(f"{live_server.url}/auth/login")
    assert axe_violations(page) == []
    screenshot(page, "page-login-1280")


def test_tablet_width_collapses_the_navigation(live_server, browser, people, tr):
    context = browser.new_context(locale="ja-JP", viewport={"width": 768, "height": 1024})
    try:
        page = context.new_page()
        sign_in(page, live_server, people["admin"])
        page.goto(f"{live_server.url}/delegations/")
        nav = page.get_by_role("navigation", name=tr("ja", "Main navigation"))
        delegations = nav.get_by_role("link", name=tr("ja", "Delegations"))
        assert not delegations.is_visible()
        nav.get_by_role("button", name=tr("ja", "Menu")).click()
        delegations.wait_for(state="visible")
        # Nothing wider than the screen but the tables, which scroll on their own.
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= 768
        assert axe_violations(page) == []
        for path, name in (("/", "home"), ("/delegations/new", "delegation-form")):
            page.goto(live_server.url + path)
            screenshot(page, f"page-{name}-768")
    finally:
        context.close()


def test_participant_personal_data_page_is_only_for_coordinators(
    live_server, page, people, records
):
    """The youth participant page used above is personal data: a staff member gets 403."""
    sign_in(page, live_server, people["staff"])
    response = page.goto(f"{live_server.url}/youth/participants/{records['participant']}")
    assert response.status == 403
    with live_server.session() as session:
        assert session.get(Participant, records["participant"]) is not None
