"""Staff add the vice-mayor of Guilin to the directory, link him to a visit by typing his
name in the delegation form, and open his page; a coordinator sees his private contacts,
staff never do. In a real browser, in Japanese and in English."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_build_the_directory_and_link_a_visit(live_server, page, people, tr, lang) -> None:
    name = f"王 明{lang}"
    sign_in(page, live_server, people["coordinator"], lang)
    page.goto(f"{live_server.url}/counterparts/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=tr(lang, "Add a person")).first.click()
    page.get_by_label(tr(lang, "Name (local script)")).fill(name)
    page.get_by_label(tr(lang, "Name (romaji)")).fill(f"Wang Ming {lang}")
    page.locator("select[name='partner_city_id']").select_option(label=guilin(lang))
    page.locator("input[name='posts-0-title']").fill("副市長")
    page.get_by_label(tr(lang, "Home address")).fill("桂林市私宅路1号")
    page.get_by_role("button", name=tr(lang, "Save")).click()
    page.wait_for_url(re.compile(r"/counterparts/\d+$"))
    person_url = page.url
    added = tr(lang, "The person has been added to the directory.")
    assert added in page.locator(".alert").first.inner_text()
    assert "桂林市私宅路1号" in page.locator("main").inner_text()  # a coordinator sees it
    assert axe_violations(page) == []

    # A visit: typing the name in a member row offers him and links the row.
    page.goto(f"{live_server.url}/delegations/new")
    page.locator("select[name='partner_city_id']").select_option(label=guilin(lang))
    page.get_by_label(tr(lang, "Title"), exact=True).fill(f"副市長来熊 {lang}")
    page.get_by_label(tr(lang, "Start date")).fill("2025-10-01")
    page.get_by_label(tr(lang, "End date")).fill("2025-10-03")
    page.get_by_label(tr(lang, "Number of people")).fill("3")
    member = page.locator("input[name='members-0-name']")
    member.fill(name)
    member.dispatch_event("change")
    linked = page.locator("select[name='members-0-counterpart_id']")
    assert linked.input_value() != ""  # the typed name chose the person
    page.get_by_role("button", name=tr(lang, "Save")).first.click()
    page.wait_for_url(re.compile(r"/delegations/\d+$"))
    page.get_by_role("link", name=tr(lang, "Directory: %(name)s", name=name)).click()
    page.wait_for_url(person_url)
    encounters = page.locator("main table").first.inner_text()
    assert f"副市長来熊 {lang}" in encounters
    assert tr(lang, "Member of the delegation") in encounters

    # Staff see the same page without the private contacts.
    page.context.clear_cookies()
    sign_in(page, live_server, people["staff"], lang)
    page.goto(person_url)
    text = page.locator("main").inner_text()
    assert f"副市長来熊 {lang}" in text and "桂林市私宅路1号" not in text
    assert axe_violations(page) == []


def guilin(lang: str) -> str:
    return "Guilin" if lang == "en" else "桂林市"
