"""Fiscal years (年度, April to March) and Japanese era dates (和暦)."""

from __future__ import annotations

from datetime import date

# (first day, era name), newest first.
ERAS: tuple[tuple[date, str], ...] = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
)


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


def format_date(day: date | None, locale: str = "ja", precision: str = "day") -> str:
    """A date for display: Western and 和暦 in Japanese, ISO-like in English."""
    if day is None:
        return ""
    if precision == "year":
        western = f"{day.year}年" if locale != "en" else str(day.year)
    elif precision == "month":
        western = f"{day.year}年{day.month}月" if locale != "en" else day.strftime("%B %Y")
    else:
        western = f"{day.year}年{day.month}月{day.day}日" if locale != "en" else day.isoformat()
    if locale == "en":
        return western
    return f"{western} ({wareki(day, precision)})"
