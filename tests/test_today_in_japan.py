"""'Today' is Kumamoto's: the day and the fiscal year turn at midnight in Japan, 15:00 UTC,
whatever the server's own time zone (here: a server running in UTC)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from exchange_app.indicators import queries as indicators
from exchange_app.services.dates import (
    fiscal_year_label,
    fiscal_year_of,
    now_in_japan,
    today_in_japan,
)
from tests.factories import make_participant, make_program

BEFORE_MIDNIGHT_IN_JAPAN = datetime(2025, 3, 31, 14, 59, tzinfo=UTC)  # 23:59 on 31 March
AFTER_MIDNIGHT_IN_JAPAN = datetime(2025, 3, 31, 15, 0, tzinfo=UTC)  # 00:00 on 1 April

TURN_OF_THE_FISCAL_YEAR = [
    pytest.param(BEFORE_MIDNIGHT_IN_JAPAN, date(2025, 3, 31), 2024, id="14:59-UTC"),
    pytest.param(AFTER_MIDNIGHT_IN_JAPAN, date(2025, 4, 1), 2025, id="15:00-UTC"),
]


@pytest.fixture
def server_in_utc(monkeypatch) -> Iterator[None]:
    """The process's local time zone is UTC, as on most servers."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("instant", "day", "fiscal_year"), TURN_OF_THE_FISCAL_YEAR)
def test_today_and_the_fiscal_year_are_japans(
    time_machine, server_in_utc, instant, day, fiscal_year
):
    time_machine.move_to(instant, tick=False)
    assert today_in_japan() == day
    assert now_in_japan().utcoffset() == timedelta(hours=9)
    assert now_in_japan().date() == day
    assert fiscal_year_of(today_in_japan()) == fiscal_year
    assert indicators.current_fiscal_year() == fiscal_year
    assert indicators.default_year() == fiscal_year
    # The server's own calendar says 31 March all along.
    assert date.today() == date(2025, 3, 31)


@pytest.mark.parametrize(("instant", "day", "fiscal_year"), TURN_OF_THE_FISCAL_YEAR)
def test_the_dashboard_opens_on_japans_fiscal_year(
    time_machine, server_in_utc, client, auth, instant, day, fiscal_year
):
    time_machine.move_to(instant, tick=True)
    auth.login("viewer")
    page = client.get("/indicators/").get_data(as_text=True)
    years = set(re.findall(r"/indicators/\w+/(\d{4})/records", page))
    assert years == {str(fiscal_year)}


@pytest.mark.parametrize(("instant", "day", "fiscal_year"), TURN_OF_THE_FISCAL_YEAR)
def test_the_youth_list_counts_5b_for_japans_fiscal_year(
    time_machine, server_in_utc, client, auth, db, instant, day, fiscal_year
):
    time_machine.move_to(instant, tick=True)
    make_participant(db, make_program(db, title="Spring exchange", start_date=date(2025, 3, 20)))
    make_participant(db, make_program(db, title="April exchange", start_date=date(2025, 4, 1)))
    make_participant(db, make_program(db, title="Second April", start_date=date(2025, 4, 2)))
    db.commit()
    auth.login("viewer")
    page = client.get("/youth/").get_data(as_text=True)
    label = re.escape(fiscal_year_label(fiscal_year, "ja"))
    figure = re.search(rf"指標5b（{label}）:</strong>\s*5bに計上した参加 延べ(\d+)人", page)
    assert figure is not None, page[page.find('id="indicator-5b"'):][:300]
    assert int(figure.group(1)) == (1 if fiscal_year == 2024 else 2)


@pytest.mark.parametrize(("instant", "day", "fiscal_year"), TURN_OF_THE_FISCAL_YEAR)
def test_a_new_promotion_starts_on_japans_today(
    time_machine, server_in_utc, client, auth, instant, day, fiscal_year
):
    time_machine.move_to(instant, tick=True)
    auth.login("staff")
    page = client.get("/promotions/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="start_date"[^>]*>', page).group(0)
    assert f'value="{day.isoformat()}"' in field


def test_consent_given_today_in_japan_is_not_in_the_future(
    time_machine, server_in_utc, client, auth, db
):
    """At 00:30 on 1 April in Japan (15:30 UTC on 31 March) the consent dated 1 April counts."""
    time_machine.move_to(AFTER_MIDNIGHT_IN_JAPAN + timedelta(minutes=30), tick=True)
    from tests.test_youth_routes import participant_form

    program = make_program(db, title="Programme starting in April", start_date=date(2025, 4, 20))
    db.commit()
    auth.login("coordinator")
    response = client.post(
        f"/youth/{program.id}/participants/new",
        # Selected (which needs the consent): nobody takes part before the start.
        data=participant_form(guardian_consent_on="2025-04-01", status="selected"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.refresh(program)
    assert [p.guardian_consent_on for p in program.participants] == [date(2025, 4, 1)]

    tomorrow = client.post(
        f"/youth/{program.id}/participants/new",
        data=participant_form(guardian_consent_on="2025-04-02", given_name="次郎",
                              given_name_kana="じろう", given_name_romaji="Jiro"),
    )
    assert tomorrow.status_code == 200
    assert "同意受領日に未来の日付は入力できません。" in tomorrow.get_data(as_text=True)
    db.refresh(program)
    assert len(program.participants) == 1
