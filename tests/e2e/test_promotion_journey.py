"""A staff member records a promotion through an embassy, in a real browser, in both languages.

The organisation is added from the promotion form and comes back chosen with its channel;
the form shows only the counterparts that fit the channel; a form error keeps what was
typed; the saved promotion is found with the list's filters (``city``/``channel`` in the
address), edited, and the change reads in its history.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from exchange_app.models import Promotion
from tests.e2e.conftest import axe_violations, screenshot, sign_in

pytestmark = pytest.mark.e2e


def field(scope, label: str):
    """The form field whose label is exactly ``label``."""
    return scope.get_by_label(label, exact=True)


def no_serious_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], (page.url, violations)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_records_a_promotion_through_an_embassy(live_server, page, people, tr, lang):
    names = {"ja": f"在福岡大韓民国総領事館 {lang}", "en": f"Consulate-General of Korea {lang}"}
    consulate = names[lang]  # as the pages name it in the page's language
    title = f"Kumamoto water brand at the consulate {lang}"
    sign_in(page, live_server, people["staff"], lang)
    page.get_by_role("navigation", name=tr(lang, "Main navigation")).get_by_role(
        "link", name=tr(lang, "Network promotions")
    ).click()
    page.get_by_role("link", name=tr(lang, "Record a promotion")).first.click()
    no_serious_violations(page)

    # The organisation is not recorded yet: add it from the form, and come back to it.
    page.get_by_role("link", name=tr(lang, "Add an organisation")).click()
    field(page, tr(lang, "Kind")).select_option(label=tr(lang, "Embassy or consulate"))
    field(page, tr(lang, "Country")).select_option("KR")  # chosen by name; the code is stored
    field(page, tr(lang, "Name (Japanese)")).fill(names["ja"])
    field(page, tr(lang, "Name (English)")).fill(names["en"])
    page.get_by_role("button", name=tr(lang, "Save"), exact=True).click()
    page.wait_for_url(re.compile(r"/promotions/new\?organization=\d+$"))
    channel = field(page, tr(lang, "Channel"))
    assert channel.input_value() == "embassy_consulate"
    organization = field(page, tr(lang, "Organisation"))
    assert consulate in organization.locator("option:checked").inner_text()
    # An embassy channel needs no partner city: the field is hidden until one is chosen.
    assert not field(page, tr(lang, "Partner city")).is_visible()

    field(page, tr(lang, "Title")).fill(title)
    field(page, tr(lang, "Date (first day)")).fill("2026-05-10")
    field(page, tr(lang, "Last day (if more than one day)")).fill("2026-05-09")
    field(page, tr(lang, "Theme")).select_option(label=tr(lang, "Groundwater / water brand"))
    field(page, tr(lang, "Audience reach (people)")).fill("1200")
    page.get_by_role("button", name=tr(lang, "Save"), exact=True).click()
    # The last day is before the first: refused, and everything typed is still there.
    error = page.locator("#end_date-error")
    assert error.inner_text() == tr(lang, "The last day cannot be before the first day.")
    assert field(page, tr(lang, "Title")).input_value() == title
    assert field(page, tr(lang, "Audience reach (people)")).input_value() == "1200"
    no_serious_violations(page)
    field(page, tr(lang, "Last day (if more than one day)")).fill("2026-05-11")
    page.get_by_role("button", name=tr(lang, "Save"), exact=True).click()
    page.wait_for_url(re.compile(r"/promotions/\d+$"))
    assert page.get_by_role("heading", name=title).is_visible()
    assert consulate in page.locator("main").inner_text()
    no_serious_violations(page)

    # Find it again with the list's filters.
    page.get_by_role("link", name=tr(lang, "Network promotions")).first.click()
    field(page, tr(lang, "Channel")).select_option(label=tr(lang, "Embassy or consulate"))
    field(page, tr(lang, "Search")).fill(title)
    page.get_by_role("button", name=tr(lang, "Filter")).click()
    page.wait_for_url(re.compile(r"channel=embassy_consulate"))
    rows = page.locator("table.promotions-table tbody tr")
    assert rows.count() == 1
    screenshot(page, f"promotions-list-{lang}")
    no_serious_violations(page)
    rows.get_by_role("link", name=title).click()

    # Edit the reach, then read the change in the history.
    page.get_by_role("link", name=tr(lang, "Edit"), exact=True).click()
    field(page, tr(lang, "Audience reach (people)")).fill("1500")
    page.get_by_role("button", name=tr(lang, "Save"), exact=True).click()
    page.wait_for_url(re.compile(r"/promotions/\d+$"))
    history = page.locator("section[aria-labelledby=history-heading]")
    assert "1,200 → 1,500" in history.inner_text()
    assert tr(lang, "Updated") in history.inner_text()
    screenshot(page, f"promotion-detail-{lang}")
    no_serious_violations(page)
    with live_server.session() as session:
        stored = session.scalars(select(Promotion).where(Promotion.title == title)).one()
        assert (stored.channel, stored.reach) == ("embassy_consulate", 1500)
