"""What users meet in the browser besides the journeys: two tabs editing the same record, a
form error, the language switch, and the three journeys done with the keyboard alone.
"""

from __future__ import annotations

import itertools
import re
import subprocess

import pytest
from sqlalchemy import select

from exchange_app.models import Delegation, PartnerCity
from exchange_app.services.dates import today_in_japan
from tests.e2e.conftest import (
    PASSWORD,
    anniversary_heading,
    axe_violations,
    next_guilin_anniversary,
    sign_in,
)
from tests.factories import make_delegation

pytestmark = pytest.mark.e2e


def field(scope, label: str):
    return scope.get_by_label(label, exact=True)


_serial = itertools.count(1)


@pytest.fixture
def delegation_id(live_server) -> int:
    title = f"Kaohsiung port visit {next(_serial)}"
    with live_server.session() as session:
        return make_delegation(session, city_slug="kaohsiung", title=title).id


def test_stale_edit_in_two_tabs_shows_the_conflict(live_server, page, people, tr, delegation_id):
    sign_in(page, live_server, people["staff"])
    first = page
    second = page.context.new_page()
    detail = f"{live_server.url}/delegations/{delegation_id}"
    for tab in (first, second):
        tab.goto(detail)
        tab.get_by_role("link", name=tr("ja", "Edit"), exact=True).click()
        tab.wait_for_url(re.compile(r"/edit$"))

    field(second, tr("ja", "Number of people")).fill("7")
    second.get_by_role("button", name=tr("ja", "Save"), exact=True).last.click()
    second.wait_for_url(detail)

    field(first, tr("ja", "Number of people")).fill("9")
    field(first, tr("ja", "Outcome")).fill("Typed in the stale tab")
    first.get_by_role("button", name=tr("ja", "Save"), exact=True).last.click()
    message = tr(
        "ja", "Someone else changed this delegation while you were editing it. Nothing was saved."
    )
    alert = first.get_by_role("alert").filter(has_text=message)
    alert.wait_for()
    assert alert.get_by_role("link").get_attribute("href").endswith(f"/delegations/{delegation_id}")
    # What the stale tab typed is still there to copy; the saved value is the other tab's.
    assert field(first, tr("ja", "Outcome")).input_value() == "Typed in the stale tab"
    with live_server.session() as session:
        assert session.get(Delegation, delegation_id).member_count == 7


def test_form_error_keeps_what_was_typed(live_server, page, people, tr):
    sign_in(page, live_server, people["staff"], "en")
    page.goto(f"{live_server.url}/delegations/new")
    field(page, tr("en", "Title")).fill("Visit with a missing date")
    field(page, tr("en", "Start date")).fill("2026-04-10")
    field(page, tr("en", "Head of delegation")).fill("Mayor Smith")
    field(page, tr("en", "Purpose")).fill("Sister-city talks\nand a concert")
    members = page.locator("fieldset#members")
    members.get_by_label(tr("en", "Full name"), exact=True).fill("Jane Roe")
    page.get_by_role("button", name=tr("en", "Save"), exact=True).last.click()

    end_date = field(page, tr("en", "End date"))
    assert end_date.get_attribute("aria-invalid") == "true"
    assert tr("en", "Enter the end date.") in page.locator("main").inner_text()
    assert field(page, tr("en", "Title")).input_value() == "Visit with a missing date"
    assert field(page, tr("en", "Start date")).input_value() == "2026-04-10"
    assert field(page, tr("en", "Head of delegation")).input_value() == "Mayor Smith"
    assert field(page, tr("en", "Purpose")).input_value() == "Sister-city talks\nand a concert"
    member = page.locator("fieldset#members").get_by_label(tr("en", "Full name"), exact=True)
    assert member.input_value() == "Jane Roe"
    assert axe_violations(page) == []
    with live_server.session() as session:
        assert (
            session.scalar(
                select(Delegation).where(Delegation.title == "Visit with a missing date")
            )
            is None
        )


def test_language_switch_keeps_the_page(live_server, page, people, tr, delegation_id):
    sign_in(page, live_server, people["viewer"])
    page.goto(f"{live_server.url}/delegations/?direction=outbound&city=kaohsiung")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", name=tr("ja", "Delegations"), exact=True).is_visible()

    page.get_by_role("group", name=tr("ja", "Language")).get_by_role("link", name="English").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert re.search(r"/delegations/\?.*direction=outbound", page.url)
    assert "city=kaohsiung" in page.url
    assert page.get_by_role("heading", name="Delegations", exact=True).is_visible()
    assert page.get_by_label("Partner city").locator("option:checked").inner_text() == "Kaohsiung"

    page.locator(f"a[href='/delegations/{delegation_id}']").click()
    page.get_by_role("group", name="Language").get_by_role("link", name="日本語").click()
    page.wait_for_url(re.compile(rf"/delegations/{delegation_id}(\?.*)?$"))
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", name=tr("ja", "Change history")).is_visible()


# --- the delegation journey with the keyboard alone ----------------------------------------

ACCESSIBLE_NAME = """() => {
    const el = document.activeElement;
    if (!el) return '';
    const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
    return (el.getAttribute('aria-label') || label || el.textContent || el.value || '').trim();
}"""


# A keyboard user must see where the focus is: a real outline, not a faint shadow.
FOCUS_RING = """() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(page, name: str, *, within: str | None = None, limit: int = 120) -> None:
    """Press Tab until the focused element's accessible name is ``name`` (inside ``within``);
    the element must show a visible focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(ACCESSIBLE_NAME) == name and (
            within is None
            or page.evaluate("(sel) => !!document.activeElement.closest(sel)", within)
        ):
            assert page.evaluate(FOCUS_RING), f"no visible focus on {name!r} at {page.url}"
            return
    raise AssertionError(f"Tab never reached {name!r} on {page.url}")


def sign_in_by_keyboard(page, live_server, email: str, t, lang: str = "ja") -> None:
    """The login page is the one page opened by address; the rest is typed."""
    page.goto(f"{live_server.url}/auth/login")
    if lang == "en":
        tab_to(page, "English")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.documentElement.lang === 'en'")
    tab_to(page, t("E-mail"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def open_from_navigation(page, label: str, url_glob: str) -> None:
    tab_to(page, label, within="nav")
    page.keyboard.press("Enter")
    page.wait_for_url(url_glob)


def choose(page, option_text: str) -> None:
    """In the focused select, press Home, then ArrowDown until ``option_text`` is chosen."""
    page.keyboard.press("Home")
    for _ in range(40):
        chosen = page.evaluate("() => document.activeElement.selectedOptions[0].textContent.trim()")
        if chosen == option_text:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {option_text!r}")


def type_date(page, year: int, month: int, day: int) -> None:
    """Type a date into the focused date field, in the order the browser shows its parts."""
    order = page.evaluate(
        """() => new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2000, 10, 22))
            .filter(p => p.type !== 'literal').map(p => p.type)"""
    )
    parts = {"year": f"{year:04d}", "month": f"{month:02d}", "day": f"{day:02d}"}
    for part in order:
        page.keyboard.type(parts[part])
    expected = f"{year:04d}-{month:02d}-{day:02d}"
    if page.evaluate("() => document.activeElement.value") != expected:
        # Chromium lays out date fields in its own UI locale: try month/day/year.
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        for part in ("month", "day", "year"):
            page.keyboard.type(parts[part])
    assert page.evaluate("() => document.activeElement.value") == expected


def test_delegation_journey_with_the_keyboard_alone(live_server, page, people, tr):
    t = lambda msgid: tr("ja", msgid)  # noqa: E731
    with live_server.session() as session:
        ulsan = session.scalars(select(PartnerCity).where(PartnerCity.slug == "ulsan")).one()
        ulsan_name = ulsan.name("ja")
    sign_in_by_keyboard(page, live_server, people["staff"], t)
    assert page.url == f"{live_server.url}/"

    # The skip link comes first.
    page.keyboard.press("Tab")
    assert page.evaluate(ACCESSIBLE_NAME) == t("Skip to content")

    tab_to(page, t("Delegations"), within="nav")
    page.keyboard.press("Enter")
    page.wait_for_url("**/delegations/")
    tab_to(page, t("New delegation"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/delegations/new")

    tab_to(page, t("Direction"))
    choose(page, t("Inbound (hosted)"))
    page.keyboard.press("Tab")
    choose(page, ulsan_name)
    tab_to(page, t("Title"))
    page.keyboard.type("Keyboard visit from Ulsan")
    page.keyboard.press("Tab")
    type_date(page, 2026, 9, 14)
    tab_to(page, t("End date"))
    type_date(page, 2026, 9, 16)
    tab_to(page, t("Number of people"))
    page.keyboard.type("2")
    tab_to(page, vocab_label(tr, "culture"))
    page.keyboard.press("Space")
    tab_to(page, t("Full name"), within="#members")
    page.keyboard.type("Park Ji-woo")
    tab_to(page, t("Add a gift"))
    page.keyboard.press("Enter")  # the new row's first field gets the focus
    choose(page, t("Received"))
    page.keyboard.press("Tab")
    page.keyboard.type("Ulsan whale figurine")
    page.keyboard.press("Enter")  # Enter in a text field saves the form
    page.wait_for_url(re.compile(r"/delegations/\d+$"))
    main = page.locator("main").inner_text()
    assert "Keyboard visit from Ulsan" in main
    assert "Park Ji-woo" in main and "Ulsan whale figurine" in main

    # Find it with the filter, open it, edit it, see the history.
    tab_to(page, t("Delegations"), within="nav")
    page.keyboard.press("Enter")
    page.wait_for_url("**/delegations/")
    tab_to(page, t("Search"))
    page.keyboard.type("Keyboard visit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Keyboard"))
    assert page.locator("table tbody tr").count() == 1
    tab_to(page, "Keyboard visit from Ulsan")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/delegations/\d+$"))
    tab_to(page, t("Edit"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit$"))
    tab_to(page, t("Number of people"))
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/delegations/\d+$"))
    history = page.locator("section[aria-labelledby=history-heading]").inner_text()
    assert "2 → 5" in history


def vocab_label(tr, key: str) -> str:
    from exchange_app import vocab

    return tr("ja", str(vocab.ExchangeField.label_of(key)._args[0]))


# --- the youth journey with the keyboard alone (in English) --------------------------------


def figure_5b(page) -> int:
    figure = page.locator("#indicator-5b .indicator-figure").first
    return int(figure.get_attribute("data-figure").replace(",", ""))


def register_by_keyboard(page, t, family, given, family_kana, given_kana) -> None:
    """From the programme page, register a young participant with the guardian's consent."""
    tab_to(page, t("Register a participant"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/participants/new$"))
    tab_to(page, t("Family name"))
    page.keyboard.type(family)
    tab_to(page, t("Given name"))
    page.keyboard.type(given)
    tab_to(page, t("Family name (kana)"))
    page.keyboard.type(family_kana)
    tab_to(page, t("Given name (kana)"))
    page.keyboard.type(given_kana)
    tab_to(page, t("Role"))
    choose(page, t("Youth"))
    tab_to(page, t("Status"))
    choose(page, t("Participated"))
    tab_to(page, t("Birth date"))
    type_date(page, 2011, 6, 2)
    tab_to(page, t("Guardian's name"))
    page.keyboard.type(f"{family} Guardian")
    tab_to(page, t("Guardian's consent received on"))
    today = today_in_japan()
    type_date(page, today.year, today.month, today.day)
    tab_to(page, t("Save"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/youth/\d+(#.*)?$"))


def test_youth_journey_with_the_keyboard_alone(live_server, page, people, tr):
    t = lambda msgid: tr("en", msgid)  # noqa: E731
    with live_server.session() as session:
        guilin = session.scalars(select(PartnerCity).where(PartnerCity.slug == "guilin")).one()
        guilin_name = guilin.name("en")
    sign_in_by_keyboard(page, live_server, people["coordinator"], t, "en")
    open_from_navigation(page, t("Indicators"), "**/indicators/**")
    before = figure_5b(page)

    open_from_navigation(page, t("Youth exchanges"), "**/youth/")
    tab_to(page, t("New programme"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/youth/new")
    tab_to(page, t("Title"))
    page.keyboard.type("Guilin youth exchange by keyboard")
    tab_to(page, t("Kind"))
    choose(page, t("Exchange with a partner city"))
    tab_to(page, t("Partner city"))
    choose(page, guilin_name)
    tab_to(page, t("Direction"))
    choose(page, t("Outbound (sent)"))
    start = today_in_japan().replace(day=1)
    tab_to(page, t("Start date"))
    type_date(page, start.year, start.month, 1)
    tab_to(page, t("End date"))
    type_date(page, start.year, start.month, 5)
    tab_to(page, t("Save"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/youth/\d+$"))
    assert page.get_by_role("heading", name="Guilin youth exchange by keyboard").is_visible()

    register_by_keyboard(page, t, "Endo", "Mio", "エンドウ", "ミオ")
    register_by_keyboard(page, t, "Fujita", "Ren", "フジタ", "レン")
    rows = page.locator("table.youth-participants tbody tr")
    assert rows.count() == 2

    programme_url = page.url
    # Ren withdraws: the status controls of his row, named after him; the form that opens
    # asks for the reason.
    tab_to(page, t("Withdrawn"), within=f"form[aria-label='{t('Status')}: Fujita Ren']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/youth/participants/\d+/edit\?status=withdrawn"))
    tab_to(page, t("Reason for withdrawal"))
    page.keyboard.type("Exams")
    tab_to(page, t("Save"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/youth/participants/\d+(#.*)?$"))
    assert "Exams" in page.locator("main").inner_text()
    page.goto(programme_url)
    row = page.locator("table.youth-participants tbody tr", has_text="Fujita")
    assert row.get_by_role("button", name=t("Withdrawn")).get_attribute("aria-pressed") == "true"

    open_from_navigation(page, t("Indicators"), "**/indicators/**")
    assert figure_5b(page) == before + 1


# --- the history journey with the keyboard alone (in Japanese) -----------------------------


def test_history_journey_with_the_keyboard_alone(live_server, page, people, tr, tmp_path):
    t = lambda msgid, **values: tr("ja", msgid, **values)  # noqa: E731
    with live_server.session() as session:
        guilin = session.scalars(select(PartnerCity).where(PartnerCity.slug == "guilin")).one()
        guilin_name = guilin.name("ja")
    sign_in_by_keyboard(page, live_server, people["coordinator"], t)
    open_from_navigation(page, t("Partner cities"), "**/partners/")
    tab_to(page, guilin_name, within="main")
    page.keyboard.press("Enter")
    page.wait_for_url("**/partners/guilin")

    number = next_guilin_anniversary(live_server)
    tab_to(page, t("Create the history for the %(ordinal)s anniversary", ordinal=str(number)))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/history/guilin\?ordinal={number}"))
    heading = t("History for the %(ordinal)s anniversary", ordinal=str(number))
    assert page.get_by_role("heading", name=heading).is_visible()

    tab_to(page, t("Download PDF"))
    with page.expect_download(timeout=120_000) as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = tmp_path / "history.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert guilin_name in text
    assert anniversary_heading("ja", number) in text
    assert "1979年10月1日" in text

    # Back on the page, the chronology opens a decade at a time, from the keyboard too.
    page.goto(page.url)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('details.decade > summary')"):
            break
    else:
        raise AssertionError("no decade of the chronology is reached by Tab")
    assert page.evaluate(FOCUS_RING), "no visible focus on the decade"
    page.keyboard.press("Enter")
    opened = page.locator("details.decade[open] .decade-body")
    opened.locator("h3.year").first.wait_for()
    assert "1979年（昭和54年）" in opened.inner_text()
