"""Anniversary milestones: 5-year steps from the date established, as precise as that date."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from exchange_app.services import anniversaries
from exchange_app.services.dates import JAPAN
from tests.factories import city


def test_guilin_50th_anniversary_falls_on_1_october_2029(db):
    guilin = city(db, "guilin")
    milestone = anniversaries.next_milestone(guilin, date(2026, 11, 28))
    assert milestone.ordinal == 50
    assert milestone.day == date(2029, 10, 1)
    assert milestone.precision == "day"
    assert milestone.date_text() == "2029-10-01"


def test_guilin_50th_is_still_next_on_the_day_itself_and_55th_the_day_after(db):
    guilin = city(db, "guilin")
    assert anniversaries.next_milestone(guilin, date(2029, 10, 1)).ordinal == 50
    assert anniversaries.next_milestone(guilin, date(2029, 10, 2)).ordinal == 55


def test_rome_month_precision_gives_a_month_not_a_day(db):
    rome = city(db, "rome-ga")
    assert rome.established_precision == "month"
    milestone = anniversaries.next_milestone(rome, date(2026, 11, 28))
    assert milestone.ordinal == 35
    assert milestone.date_text() == "2030-05"
    assert milestone.precision == "month"
    # Any day of May 2030 may be the anniversary: it is still coming on 31 May ...
    assert anniversaries.next_milestone(rome, date(2030, 5, 31)).ordinal == 35
    # ... and has passed in June.
    assert anniversaries.next_milestone(rome, date(2030, 6, 1)).ordinal == 40


def test_kaohsiung_2017_has_its_10th_anniversary_in_2027(db):
    kaohsiung = city(db, "kaohsiung")
    milestone = anniversaries.next_milestone(kaohsiung, date(2026, 11, 28))
    assert (milestone.ordinal, milestone.year, milestone.date_text()) == (10, 2027, "2027")
    assert milestone.as_dict()["partner"] == "kaohsiung"


def test_a_29_february_anniversary_falls_on_28_february_in_common_years():
    assert anniversaries.anniversary_date(date(2000, 2, 29), 5) == date(2005, 2, 28)
    assert anniversaries.anniversary_date(date(2000, 2, 29), 4) == date(2004, 2, 29)


def test_only_multiples_of_five_are_milestones(db):
    with pytest.raises(ValueError):
        anniversaries.milestone(city(db, "guilin"), 12)


def test_planning_starts_three_fiscal_years_ahead(db):
    milestone = anniversaries.milestone(city(db, "guilin"), 50)
    assert milestone.fiscal_year == 2029
    assert milestone.planning_from_fiscal_year == 2026
    assert not milestone.in_planning_window(date(2026, 3, 31))  # still FY2025
    assert milestone.in_planning_window(date(2026, 4, 1))


def test_upcoming_lists_each_partnership_within_the_horizon_soonest_first(db):
    found = anniversaries.upcoming_for_all(db, date(2026, 11, 28), 3)
    pairs = [(m.city.slug, m.ordinal) for m in found]
    assert ("guilin", 50) in pairs
    assert ("kaohsiung", 10) in pairs
    assert ("rome-ga", 35) not in pairs  # May 2030 is more than 3 years ahead
    assert [m.earliest_day for m in found] == sorted(m.earliest_day for m in found)


# "Today" for the tests that read the clock: a day in Japan before Guilin's 50th, and one after.
BEFORE_GUILIN_50TH = datetime(2026, 11, 28, 10, 0, tzinfo=JAPAN)
AFTER_GUILIN_50TH = datetime(2029, 10, 2, 9, 0, tzinfo=JAPAN)


def test_cli_lists_anniversaries_as_json(app, time_machine):
    time_machine.move_to(BEFORE_GUILIN_50TH, tick=False)
    result = app.test_cli_runner().invoke(args=["anniversaries", "--within", "10", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    guilin = [r for r in rows if r["partner"] == "guilin"]
    assert {"partner", "year", "ordinal", "date"} <= set(guilin[0])
    assert guilin[0] == {**guilin[0], "ordinal": 50, "date": "2029-10-01", "year": 2029}
    assert [r["ordinal"] for r in guilin] == [50, 55]


def test_cli_after_guilins_50th_lists_the_55th_next(app, time_machine):
    time_machine.move_to(AFTER_GUILIN_50TH, tick=False)
    result = app.test_cli_runner().invoke(args=["anniversaries", "--within", "10", "--json"])
    rows = [r for r in json.loads(result.output) if r["partner"] == "guilin"]
    assert [(r["ordinal"], r["date"]) for r in rows] == [(55, "2034-10-01"), (60, "2039-10-01")]


def test_home_page_shows_the_coming_anniversaries(client, auth, time_machine):
    time_machine.move_to(BEFORE_GUILIN_50TH, tick=True)
    auth.login("viewer")
    page = client.get("/").get_data(as_text=True)
    assert "今後10年間の周年記念" in page
    assert "50周年" in page and "2029年10月1日" in page


def test_city_page_offers_to_create_the_next_history(client, auth, time_machine):
    time_machine.move_to(BEFORE_GUILIN_50TH, tick=True)
    auth.login("viewer")
    page = client.get("/partners/guilin").get_data(as_text=True)
    assert "50周年の沿革を作成" in page
    assert "/history/guilin?ordinal=50" in page


def test_after_guilins_50th_the_city_page_offers_the_55th(client, auth, time_machine):
    time_machine.move_to(AFTER_GUILIN_50TH, tick=True)
    auth.login("viewer")
    page = client.get("/partners/guilin").get_data(as_text=True)
    assert "55周年の沿革を作成" in page
    assert "/history/guilin?ordinal=55" in page
    assert "/history/guilin?ordinal=50" not in page
    home = client.get("/").get_data(as_text=True)
    assert "2034年10月1日" in home
