"""Fiscal years and 和暦 at their boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from exchange_app.services.dates import (
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    wareki,
    wareki_fiscal_year,
)


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2024, 4, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
    ],
)
def test_fiscal_year_of(day: date, fiscal_year: int) -> None:
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2024) == (date(2024, 4, 1), date(2025, 3, 31))


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2024, 4, 1), "令和6年4月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_wareki_day(day: date, text: str) -> None:
    assert wareki(day) == text


def test_wareki_year_and_month() -> None:
    assert wareki(date(1979, 10, 1), "year") == "昭和54年"
    assert wareki(date(1995, 5, 1), "month") == "平成7年5月"
    assert wareki(date(2019, 1, 1), "year") == "令和元年"


def test_fiscal_year_labels() -> None:
    assert wareki_fiscal_year(2024) == "令和6年度"
    assert wareki_fiscal_year(2019) == "令和元年度"
    assert wareki_fiscal_year(2018) == "平成30年度"
    assert fiscal_year_label(2024) == "2024年度 (令和6年度)"
    assert fiscal_year_label(2024, "en") == "FY2024"


def test_before_meiji_is_refused() -> None:
    with pytest.raises(ValueError):
        wareki(date(1800, 1, 1))


def test_today_in_japan_turns_the_fiscal_year_at_15_utc_on_31_march() -> None:
    import time_machine

    from exchange_app.services.dates import now_in_japan, today_in_japan

    with time_machine.travel(datetime(2025, 3, 31, 14, 59, 59, tzinfo=UTC), tick=False):
        assert today_in_japan() == date(2025, 3, 31)
        assert fiscal_year_of(today_in_japan()) == 2024
    with time_machine.travel(datetime(2025, 3, 31, 15, 0, 0, tzinfo=UTC), tick=False):
        assert today_in_japan() == date(2025, 4, 1)
        assert fiscal_year_of(today_in_japan()) == 2025
        assert now_in_japan().utcoffset() == timedelta(hours=9)


def test_fiscal_years_on_record_always_offer_this_year() -> None:
    import time_machine

    from exchange_app.services.dates import fiscal_years_on_record

    with time_machine.travel(datetime(2026, 12, 2, 3, 0, tzinfo=UTC), tick=False):
        assert fiscal_years_on_record(None, None) == [2026]
        assert fiscal_years_on_record(date(2023, 4, 1), date(2024, 3, 31)) == [
            2026,
            2025,
            2024,
            2023,
        ]
        assert fiscal_years_on_record(date(2027, 5, 1), date(2028, 4, 2))[:2] == [2028, 2027]
    # On 31 March after 15:00 UTC it is already the new fiscal year in Japan.
    with time_machine.travel(datetime(2027, 3, 31, 15, 30, tzinfo=UTC), tick=False):
        assert fiscal_years_on_record(None, None) == [2027]
