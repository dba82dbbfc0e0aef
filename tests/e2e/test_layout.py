"""Fits the screen: every list and form at 1280 px and 1024 px, in both languages.

Measured in the browser, on records written to be hard to lay out (long titles in
Japanese and English, 市議会議長, a Korean name, five fields, long organisation names):

- no list overflows its frame (a ``.table-responsive`` whose content is wider than it)
  and the page itself never scrolls sideways;
- no named button wraps onto a second line, no badge either;
- a chosen option is never cut in its select (``2026年度 (令和…``);
- the title column keeps a readable width and a date never breaks in its middle;
- a table that does scroll can be reached with the keyboard (axe's
  ``scrollable-region-focusable``).

The last test shows the check fails when a list overflows or a button wraps.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from exchange_app.delegations import operations as delegation_operations
from exchange_app.models import DelegationMember, PartnerCity
from exchange_app.promotions import operations as promotion_operations
from tests.e2e.conftest import AXE_SOURCE, screenshot, sign_in
from tests.factories import make_participant, make_program

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 1024)
# The fiscal year the layout records are in, far from the years other tests write to.
FY = 2019

LAYOUT_CHECK = """() => {
  const problems = [];
  const hidden = el => !el.offsetParent || el.closest('.visually-hidden, template, [hidden]');
  const where = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string'
         ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1)
    problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  for (const frame of document.querySelectorAll('main .table-responsive')) {
    if (hidden(frame)) continue;
    if (frame.scrollWidth > frame.clientWidth + 1)
      problems.push(
        `list overflows its frame ${where(frame)}: ${frame.scrollWidth} > ${frame.clientWidth}`);
  }
  for (const table of document.querySelectorAll('main table')) {
    if (hidden(table)) continue;
    const parent = table.parentElement;
    if (table.getBoundingClientRect().width > parent.clientWidth + 1)
      problems.push(`table wider than its container ${where(table)}`);
  }
  for (const button of document.querySelectorAll('main .btn, main .badge, main .page-link')) {
    if (hidden(button)) continue;
    const style = getComputedStyle(button);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    const frame = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
      .reduce((sum, key) => sum + parseFloat(style[key]), 0);
    const height = button.getBoundingClientRect().height;
    if (height > line * 1.5 + frame)
      problems.push(`"${button.innerText.trim()}" wraps: ${Math.round(height)} px high`);
  }
  const ruler = document.createElement('canvas').getContext('2d');
  for (const select of document.querySelectorAll('main select:not([multiple])')) {
    if (hidden(select)) continue;
    const option = select.options[select.selectedIndex];
    if (!option) continue;
    const style = getComputedStyle(select);
    ruler.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    if (ruler.measureText(option.text).width > room + 1)
      problems.push(`select ${select.name} cuts "${option.text}"`);
  }
  for (const cell of document.querySelectorAll('main td.list-title')) {
    if (hidden(cell)) continue;
    const size = parseFloat(getComputedStyle(cell).fontSize);
    if (cell.clientWidth < size * 8)
      problems.push(
        `title column squeezed to ${cell.clientWidth} px: "${cell.innerText.slice(0, 12)}"`);
  }
  for (const part of document.querySelectorAll('main .date-part')) {
    if (hidden(part)) continue;
    if (part.getClientRects().length > 1)
      problems.push(`date breaks in its middle: "${part.innerText}"`);
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def hard_records(live_server) -> dict[str, int]:
    """Records chosen to be hard to lay out, in FY2019."""
    with live_server.session() as session:
        cities = {c.slug: c for c in session.scalars(select(PartnerCity))}
        values = dict(
            direction="outbound",
            partner_city_id=cities["ulsan"].id,
            counterpart=None,
            title="蔚山広域市との青少年スポーツ交流及び観光プロモーションに関する協議のための訪問団",
            start_date=date(FY, 9, 29),
            end_date=date(FY, 10, 2),
            head_name="김민준",
            head_title="市議会議長",
            member_count=12,
            purpose="青少年交流事業の打合せ",
            outcome=None,
            fields=["youth", "sports", "tourism", "culture", "administration"],
        )
        delegation = delegation_operations.create_delegation(session, values, None)
        session.add(DelegationMember(delegation_id=delegation.id, position=9, name="이서연"))
        english = dict(
            direction="inbound",
            partner_city_id=None,
            counterpart="Embassy of the United States of America in Japan, Public Affairs Section",
            title="Courtesy visit of the Consul General and the Public Affairs Officer "
            "to the Mayor",
            start_date=date(FY, 6, 3),
            end_date=date(FY, 6, 3),
            head_name="Jennifer Montgomery-Richardson",
            head_title="Consul General of the United States of America",
            member_count=3,
            purpose=None,
            outcome=None,
            fields=["administration", "economy"],
        )
        delegation_operations.create_delegation(session, english, None)
        program = make_program(
            session,
            title="エクサンプロヴァンス市青少年文化芸術交流派遣事業（能楽ワークショップ）",
            partner_city=cities["aix-en-provence"],
            start_date=date(FY, 11, 30),
            end_date=date(FY, 12, 8),
        )
        make_participant(session, program, given_name_kana="レイアウト")
        organization = promotion_operations.create_organization(
            session,
            {
                "kind": "international_organization",
                "country": None,
                "name_ja": "持続可能性をめざす自治体協議会（イクレイ）日本事務所",
                "name_en": "ICLEI – Local Governments for Sustainability, Japan Office",
                "notes": None,
            },
            None,
        )
        promotion = promotion_operations.create_promotion(
            session,
            {
                "start_date": date(FY, 7, 16),
                "end_date": date(FY, 7, 18),
                "title": "国際会議のエクスカーションで熊本城と地下水都市くまもとの魅力を紹介",
                "channel": "international_organization",
                "partner_city_id": None,
                "organization_id": organization.id,
                "theme": "groundwater",
                "medium": "presentation",
                "reach": 12500,
                "counts_toward_3b": True,
                "exclusion_reason": None,
                "notes": None,
                "leading_project_ids": [],
            },
            None,
        )
        session.commit()
        return {
            "delegation": delegation.id,
            "program": program.id,
            "organization": organization.id,
            "promotion": promotion.id,
        }


def layout_pages(records: dict[str, int]) -> dict[str, str]:
    return {
        "home": "/",
        "partners": "/partners/",
        "partner-rome": "/partners/rome-ga",
        "partner-form": "/partners/ulsan/edit",
        "delegations": "/delegations/",
        "delegations-filtered": f"/delegations/?fy={FY}&city=ulsan&direction=outbound",
        "delegation": f"/delegations/{records['delegation']}",
        "delegation-form": "/delegations/new",
        "delegation-edit": f"/delegations/{records['delegation']}/edit",
        "youth": f"/youth/?fy={FY}",
        "youth-programme": f"/youth/{records['program']}",
        "youth-programme-form": "/youth/new",
        "youth-participant-form": f"/youth/{records['program']}/participants/new",
        "youth-needs-checking": "/youth/needs-checking",
        "counterparts": "/counterparts/",
        "counterpart-form": "/counterparts/new",
        "promotions": f"/promotions/?fy={FY}",
        "promotion": f"/promotions/{records['promotion']}",
        "promotion-form": "/promotions/new",
        "organisations": "/promotions/organizations/?kind=international_organization",
        "organisation": f"/promotions/organizations/{records['organization']}",
        "indicators": "/indicators/",
        "indicator-records": f"/indicators/3b/{2024}/records",
        "anniversaries": "/history/",
        "history-rome": "/history/rome-ga?ordinal=35",
        "history-edit": "/history/guilin/edit?ordinal=50",
        "imports": "/imports/",
        "users": "/admin/users",
        "api-tokens": "/account/api-tokens",
    }


def scroll_violations(page) -> list[str]:
    """axe's ``scrollable-region-focusable``: a region that scrolls is keyboard-reachable."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: ['scrollable-region-focusable']}))
            .violations.flatMap(v => v.nodes.map(n => n.target.join(' ')))"""
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_list_and_form_fits_the_screen(
    live_server, browser, people, hard_records, lang, width
):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, live_server, people["admin"], lang)
        problems: dict[str, list[str]] = {}
        for name, path in layout_pages(hard_records).items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, (path, response.status)
            page.evaluate("async () => { await document.fonts.ready; }")
            found = page.evaluate(LAYOUT_CHECK)
            found += [f"scrolls without keyboard access: {n}" for n in scroll_violations(page)]
            if found:
                problems[path] = found
            if name in ("delegations-filtered", "youth", "anniversaries", "indicators"):
                screenshot(page, f"layout-{name}-{lang}-{width}")
        assert problems == {}, problems
    finally:
        context.close()


def test_the_check_fails_when_a_list_overflows_or_a_button_wraps(
    live_server, browser, people, hard_records
):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, people["admin"], "en")
        page.goto(f"{live_server.url}/delegations/?fy={FY}")
        assert page.evaluate(LAYOUT_CHECK) == []
        page.evaluate(
            """() => {
              const cell = document.querySelector('main .table-responsive td');
              cell.style.whiteSpace = 'nowrap';
              cell.textContent = 'x'.repeat(400);
              const button = document.querySelector('main a.btn-primary');  // New delegation
              button.style.whiteSpace = 'normal';
              button.style.width = '2.5em';
              const select = document.querySelector('main select#fy');
              select.style.width = '4em';
              select.style.minWidth = '0';
            }"""
        )
        problems = page.evaluate(LAYOUT_CHECK)
        assert any(p.startswith("list overflows its frame") for p in problems), problems
        assert any("wraps" in p for p in problems), problems
        assert any(p.startswith("select fy cuts") for p in problems), problems
    finally:
        context.close()


def test_a_wide_list_at_1024_px_can_be_scrolled_with_the_keyboard(
    live_server, browser, people, hard_records
):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, people["admin"], "en")
        page.goto(f"{live_server.url}/delegations/?fy={FY}")
        frame = page.locator("main .table-responsive").first
        assert frame.get_attribute("tabindex") == "0"
        assert frame.get_attribute("role") == "region" and frame.get_attribute("aria-label")
        # Squeeze the frame so that the list must scroll, then scroll it from the keyboard.
        page.evaluate(
            "() => { document.querySelector('main .table-responsive').style.width = '300px'; }"
        )
        assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
        frame.focus()
        assert frame.evaluate("el => document.activeElement === el")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        # Keyboard scrolling is animated: wait for it rather than read it at once.
        page.wait_for_function(
            "() => document.querySelector('main .table-responsive').scrollLeft > 0", timeout=5000
        )
        assert scroll_violations(page) == []
    finally:
        context.close()
