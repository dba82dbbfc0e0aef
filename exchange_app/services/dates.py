"""Fiscal years (年度, April to March) and Japanese era dates (和暦)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Every "today" and "now" of the app is Kumamoto's: the fiscal year turns at midnight in Japan
# (15:00 UTC on 31 March), whatever the server's own time zone.
JAPAN = ZoneInfo("Asia/Tokyo")

# (first day, era name), newest first.
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
)


def now_in_japan() -> datetime:
    """The current time in Japan, timezone-aware."""
    return datetime.now(JAPAN)


def today_in_japan() -> date:
    """Today's date in Japan (the one place the app asks the clock for a day)."""
    return now_in_japan().date()


def in_japan(moment: datetime) -> datetime:
    """``moment`` in Japan time; a naive datetime is taken to be UTC (as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(JAPAN)


def fiscal_year_of(day: date) -> int:
    """The fiscal year a day falls in: 2025-03-31 is FY2024, 2025-04-01 is FY2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a fiscal year (inclusive)."""
    return date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)


def calendar_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of a calendar year (inclusive)."""
    return date(year, 1, 1), date(year, 12, 31)


def era_of(day: date) -> tuple[str, int]:
    """The era and the year within it of a day: 2019-05-01 is (令和, 1)."""
    for first_day, name in ERAS:
        if day >= first_day:
            return name, day.year - first_day.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era")


def _era_year_text(name: str, year_in_era: int) -> str:
    return f"{name}{'元' if year_in_era == 1 else year_in_era}年"


def wareki(day: date, precision: str = "day") -> str:
    """A date in 和暦: ``令和6年4月1日``; ``昭和54年`` for a year, ``平成7年5月`` for a month.

    A year or a month is named by the era in force at its end, as official
    documents do (2019 is 令和元年).
    """
    if precision == "year":
        return _era_year_text(*era_of(date(day.year, 12, 31)))
    if precision == "month":
        next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        last_day = date.fromordinal(next_month.toordinal() - 1)
        return f"{_era_year_text(*era_of(last_day))}{day.month}月"
    return f"{_era_year_text(*era_of(day))}{day.month}月{day.day}日"


def wareki_fiscal_year(fiscal_year: int) -> str:
    """A fiscal year in 和暦: FY2024 is ``令和6年度``, FY2019 ``令和元年度``."""
    name, year_in_era = era_of(date(fiscal_year, 12, 31))
    return f"{name}{'元' if year_in_era == 1 else year_in_era}年度"


def fiscal_year_label(fiscal_year: int, locale: str = "ja") -> str:
    """How a fiscal year is shown: ``2024年度 (令和6年度)``, or ``FY2024`` in English."""
    if locale == "en":
        return f"FY{fiscal_year}"
    return f"{fiscal_year}年度 ({wareki_fiscal_year(fiscal_year)})"


def format_date_parts(
    day: date | None, locale: str = "ja", precision: str = "day"
) -> tuple[str, str | None]:
    """A date's Western part and its 和暦 part in parentheses (None in English or by decade).

    Lists keep each part on one line: a date never wraps in its middle.
    """
    if day is None:
        return "", None
    western = format_date(day, locale, precision, era=False)
    if locale == "en" or precision == "decade":
        return western, None
    if isinstance(day, datetime):
        day = in_japan(day).date()
    return western, f"({wareki(day, precision)})"


def format_date(
    day: date | None, locale: str = "ja", precision: str = "day", *, era: bool = True
) -> str:
    """A date for display: Western and 和暦 in Japanese, ISO-like in English.

    A stored moment (a datetime, kept in UTC) is shown as its date in Japan.
    """
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = in_japan(day).date()
    if precision == "decade":
        decade = day.year // 10 * 10
        return f"{decade}s" if locale == "en" else f"{decade}年代"
    if precision == "year":
        western = f"{day.year}年" if locale != "en" else str(day.year)
    elif precision == "month":
        western = f"{day.year}年{day.month}月" if locale != "en" else day.strftime("%B %Y")
    else:
        western = f"{day.year}年{day.month}月{day.day}日" if locale != "en" else day.isoformat()
    if locale == "en" or not era:
        return western
    return f"{western} ({wareki(day, precision)})"


def fiscal_years_on_record(first: date | None, last: date | None) -> list[int]:
    """The fiscal years from the first record's to the latest's or this one, newest first.

    The current fiscal year (in Japan) is always offered, so a new year's list can be
    chosen before anything is recorded in it.
    """
    current = fiscal_year_of(today_in_japan())
    oldest = min(fiscal_year_of(first), current) if first else current
    newest = max(fiscal_year_of(last), current) if last else current
    return list(range(newest, oldest - 1, -1))
def format_datetime(moment: datetime | None, locale: str = "ja") -> str:
    """A moment for display, in Japan time: ``2026年12月2日 12:57`` or ``2026-12-02 12:57 JST``."""
    if moment is None:
        return ""
    local = in_japan(moment)
    if locale == "en":
        return f"{local:%Y-%m-%d %H:%M} JST"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
