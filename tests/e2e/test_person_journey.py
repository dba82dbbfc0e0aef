"""A coordinator finds the same young person registered twice, merges them, and splits a
wrongly linked participation out again, in a real browser, in Japanese and in English."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.e2e.conftest import axe_violations, sign_in
from tests.factories import make_participant, make_program
from tests.import_files import csv_bytes
from tests.test_imports import PARTICIPANT_HEADERS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_coordinator_merges_and_splits_persons(live_server, page, people, tr, lang) -> None:
    birth = date(2011, 2, 3) if lang == "ja" else date(2011, 2, 4)
    with live_server.session() as session:
        earlier = make_program(session, title=f"Merge {lang} 2024", start_date=date(2024, 8, 1))
        later = make_program(session, title=f"Merge {lang} 2025", start_date=date(2025, 8, 1))
        values = {
            "family_name": "緑川",
            "family_name_kana": "ミドリカワ",
            "given_name_kana": "アオイ",
            "birth_date": birth,
        }
        first = make_participant(session, earlier, given_name="葵", **values)
        # The same reading and birth date written with other kanji: a second person.
        second = make_participant(session, later, given_name="碧", **values)
        session.commit()
        person_id, duplicate_id, moved_id = first.person_id, second.person_id, second.id

    sign_in(page, live_server, people["coordinator"], lang)
    page.goto(f"{live_server.url}/youth/persons/{person_id}")
    offered = page.get_by_role("list").filter(has_text=later_title(lang))
    assert offered.count() == 1
    possible = tr(lang, "Possibly the same: the name, reading or school differs")
    assert possible in offered.inner_text()
    assert axe_violations(page) == []
    merge = re.compile(re.escape(tr(lang, "Merge into this person")))
    offered.get_by_role("button", name=merge).click()
    page.wait_for_load_state("load")
    main = page.locator("main")
    assert tr(lang, "Merged: %(count)s participations moved to this person.", count=1) in (
        page.locator(".alert").first.inner_text()
    )
    rows = main.locator("table tbody tr")
    assert rows.count() == 2

    # The later registration was someone else after all: split it out again.
    rows.filter(has_text=later_title(lang)).get_by_role(
        "button", name=re.compile(re.escape(tr(lang, "Split out as another person")))
    ).click()
    page.wait_for_url(re.compile(r"/youth/persons/\d+$"))
    assert not page.url.endswith(f"/youth/persons/{person_id}")
    assert page.locator("main table tbody tr").count() == 1
    assert later_title(lang) in page.locator("main table").inner_text()
    assert tr(lang, "The participation is now a person of its own.") in page.locator(
        ".alert"
    ).first.inner_text()
    assert axe_violations(page) == []

    # Typing the number of a person on the same programme is refused with a reason.
    page.goto(f"{live_server.url}/youth/persons/{person_id}")
    page.get_by_label(tr(lang, "Number of the other person")).fill(str(person_id))
    page.get_by_role("button", name=tr(lang, "Merge into this person"), exact=True).click()
    page.wait_for_load_state("load")
    assert tr(lang, "A person cannot be merged with themselves.") in page.locator(
        ".alert"
    ).first.inner_text()
    assert duplicate_id != person_id and moved_id


def later_title(lang: str) -> str:
    return f"Merge {lang} 2025"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_coordinator_links_an_imported_row_to_a_registered_person(
    live_server, page, people, tr, lang
) -> None:
    birth = date(2011, 3, 5) if lang == "ja" else date(2011, 3, 6)
    with live_server.session() as session:
        earlier = make_program(
            session, title=f"Link {lang} 2024", start_date=date(2024, 8, 1),
            external_id=f"LINK-{lang}-2024",
        )
        make_program(
            session, title=f"Link {lang} 2025", start_date=date(2025, 8, 1),
            external_id=f"LINK-{lang}-2025",
        )
        known = make_participant(
            session, earlier, family_name="白川", given_name="葵",
            family_name_kana="シラカワ", given_name_kana="アオイ", birth_date=birth,
        )
        session.commit()
        person_id = known.person_id
    values = {
        "program_external_id": f"LINK-{lang}-2025", "姓": "白川", "名": "碧",
        "姓（カナ）": "しらかわ", "名（カナ）": "あおい", "生年月日": birth.isoformat(),
        "役割": "youth", "市内在住": "yes", "状況": "selected",
        "保護者氏名": "白川 花子", "保護者同意日": "2025-06-01",
    }
    content = csv_bytes(
        PARTICIPANT_HEADERS, [[values.get(h, "") for h in PARTICIPANT_HEADERS]], "cp932"
    )

    sign_in(page, live_server, people["coordinator"], lang)
    page.goto(f"{live_server.url}/imports/")
    page.locator("select[name=kind]").select_option("participants")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "participants.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.locator("#submit").click()
    page.get_by_role("heading", name=tr(lang, "Check the import")).wait_for()
    link = page.get_by_label(tr(lang, "Link to person %(number)s", number=person_id))
    new = page.get_by_label(tr(lang, "A new person"))
    assert new.is_checked() and not link.is_checked()
    assert axe_violations(page) == []

    link.check()
    page.get_by_role(
        "button", name=tr(lang, "Save the choices of this page and check again")
    ).click()
    page.get_by_role("heading", name=tr(lang, "Check the import")).wait_for()
    assert page.get_by_label(tr(lang, "Link to person %(number)s", number=person_id)).is_checked()
    assert axe_violations(page) == []
    page.get_by_role("button", name=tr(lang, "Import all rows")).click()
    page.wait_for_url(re.compile(r"/jobs/\d+$"))

    page.goto(f"{live_server.url}/youth/persons/{person_id}")
    assert f"Link {lang} 2025" in page.locator("main table").inner_text()
    assert page.locator("main table tbody tr").count() == 2


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_coordinator_finds_and_fixes_a_participant_who_cannot_be_matched(
    live_server, page, people, tr, lang
) -> None:
    family = "肥後" if lang == "ja" else "球磨"
    with live_server.session() as session:
        program = make_program(
            session, title=f"Check {lang} 2025", start_date=date(2025, 8, 1)
        )
        boy = make_participant(
            session, program, family_name=family, given_name="一郎", birth_date=None,
            family_name_kana=None, given_name_kana=None,
        )
        session.commit()
        boy_id = boy.id

    sign_in(page, live_server, people["coordinator"], lang)
    page.goto(f"{live_server.url}/youth/")
    page.get_by_role("link", name=re.compile(re.escape(tr(lang, "Participants to check")))).click()
    page.get_by_role("heading", name=tr(lang, "Participants to check")).wait_for()
    listed = page.locator("#needs-checking tbody")
    assert f"{family} 一郎" in listed.inner_text()
    assert axe_violations(page) == []

    listed.get_by_role("link", name=f"{family} 一郎").click()
    page.wait_for_url(re.compile(rf"/youth/participants/{boy_id}$"))
    assert page.locator("#not-matchable").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name=tr(lang, "Edit"), exact=True).click()
    page.get_by_label(tr(lang, "Birth date")).fill("2012-05-05")
    page.locator(".form-actions .btn-primary").click()
    page.wait_for_url(re.compile(rf"/youth/participants/{boy_id}$"))
    assert page.locator("#not-matchable").count() == 0
    page.goto(f"{live_server.url}/youth/needs-checking")
    assert f"{family} 一郎" not in page.locator("main").inner_text()
