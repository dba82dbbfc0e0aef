"""A form sent again with the browser's back button records nothing new (both languages)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from exchange_app.models import Delegation, FormSubmission
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _count(live_server, title: str) -> int:
    with live_server.session() as session:
        return session.scalar(
            select(func.count()).select_from(Delegation).where(Delegation.title == title)
        )


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_back_button_and_save_again_shows_the_saved_visit_instead_of_a_second_one(
    live_server, page, people, tr, lang
):
    title = f"Back-button visit ({lang})"
    sign_in(page, live_server, people["staff"], lang)
    page.goto(f"{live_server.url}/delegations/new")
    page.locator("select[name=partner_city_id]").select_option(value=None, index=1)
    page.locator("input[name=title]").fill(title)
    page.locator("input[name=start_date]").fill("2026-11-10")
    page.locator("input[name=end_date]").fill("2026-11-12")
    page.locator("input[name=member_count]").fill("4")
    page.locator("input[name='members-0-name']").fill("Kumamoto Taro")
    save = page.get_by_role("button", name=tr(lang, "Save"), exact=True).last
    save.click()
    page.wait_for_url(re.compile(r"/delegations/\d+$"))
    saved_at = page.url
    assert _count(live_server, title) == 1

    page.go_back()
    page.wait_for_url("**/delegations/new")
    assert page.locator("input[name=title]").input_value() == title  # the browser kept it
    page.get_by_role("button", name=tr(lang, "Save"), exact=True).last.click()
    page.wait_for_url(re.compile(r"/delegations/\d+$"))
    assert page.url == saved_at
    assert _count(live_server, title) == 1
    notice = tr(
        lang,
        "This form had already been saved; the browser sent it again and nothing new was "
        "recorded. Here is the record it created.",
    )
    assert page.get_by_text(notice).is_visible()

    # A new form is a new record: the token is not carried into a fresh visit.
    page.goto(f"{live_server.url}/delegations/new")
    with live_server.session() as session:
        spent = set(session.scalars(select(FormSubmission.token)))
    assert page.locator("input[name=form_token]").input_value() not in spent
