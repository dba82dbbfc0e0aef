"""The dashboard explains itself: every indicator at a glance, what the badges mean,
0% shown as measured, and why the youth roll-up differs from 5b."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from exchange_app.indicators import operations, queries

CODES = ["R1", "R2", "1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "4d", "5a", "5b"]


def _summary(page: str) -> str:
    return page.split('id="summary-title"', 1)[1].split("</section>", 1)[0]


def _row(summary: str, code: str) -> str:
    return summary.split(f'data-indicator="{code}"', 1)[1].split("</tr>", 1)[0]


def test_summary_lists_all_fourteen_indicators_first_each_linking_to_its_card(client, auth):
    auth.login("viewer")
    page = client.get("/indicators/?year=2024").get_data(as_text=True)
    summary = _summary(page)
    assert page.index('id="summary-title"') < page.index('id="indicator-R1"')
    assert re.findall(r'data-indicator="(\w+)"', summary) == CODES
    for code in CODES:
        assert f'href="#indicator-{code}"' in _row(summary, code)
        assert f'id="indicator-{code}"' in page


def test_summary_row_gives_value_target_progress_and_state(app, db, client, auth):
    indicator = queries.get_indicator(db, "4b")
    operations.save_entered_value(db, indicator, 2024, value=Decimal("1126"), source_note="統計",
                               note=None, reason=None, user_id=None)
    db.commit()
    auth.login("viewer")
    row = _row(_summary(client.get("/indicators/?year=2024").get_data(as_text=True)), "4b")
    assert '<span class="indicator-summary-figure">1,126</span>人' in row
    assert "1,500人" in row and "2031年度 (令和13年度)" in row
    # (1126 - 752) / (1500 - 752) = 50%
    assert 'value="50.0"' in row and "50%" in row
    assert "暫定" in row


def test_a_missing_value_has_no_bar_and_zero_is_a_bar_that_has_started(app, db, client, auth):
    auth.login("viewer")
    page = client.get("/indicators/?year=2024").get_data(as_text=True)
    summary = _summary(page)
    assert "<progress" not in _row(summary, "R1")  # nothing entered
    assert "未入力" in _row(summary, "R1")
    zero = _row(summary, "3b")  # no promotion recorded: 0, below the baseline of 33
    assert 'value="0.0"' in zero and "progress-zero" in zero and "0%" in zero
    card = page.split('id="indicator-R1"', 1)[1].split("</article>", 1)[0]
    assert "<progress" not in card and "値が入力されるまで算出できません" in card


def test_legend_explains_every_badge_in_both_languages(client, auth):
    auth.login("viewer")
    for lang, words in (
        ("ja", ["順調", "遅れ", "暫定", "確定", "未入力", "基準値から次の目標までを直線で結んだ"]),
        ("en", ["On track", "Behind", "Draft", "Confirmed", "Not entered", "straight line"]),
    ):
        client.get(f"/?lang={lang}")
        legend = client.get("/indicators/?year=2024").get_data(as_text=True)
        legend = legend.split('class="indicator-legend', 1)[1].split("</dl>", 1)[0]
        for word in words:
            assert word in legend, (lang, word)


def test_the_page_says_how_the_youth_roll_up_differs_from_5b(make, client, auth):
    program = make.program(start_date=date(2024, 8, 1))
    make.participant(program)
    make.participant(program, resident=False)  # counted in the roll-up, not in 5b
    auth.login("viewer")
    page = client.get("/indicators/?year=2024").get_data(as_text=True)
    note = page.split('id="rollup-youth-note"', 1)[1].split("</p>", 1)[0]
    assert "計2人" in note and "（1人）" in note and "本市の青少年" in note
