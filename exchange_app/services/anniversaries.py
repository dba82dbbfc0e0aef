"""Anniversaries of the partnerships: 5-year milestones counted from the date established.

A milestone is as precise as the date it counts from: Guilin (1979-10-01) has its
50th on 2029-10-01, Rome (May 1995) its 35th in May 2030, Kaohsiung (2017) its
10th some time in 2027.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from exchange_app.models import PartnerCity, RelationshipEvent
from exchange_app.services import partners
from exchange_app.services.dates import fiscal_year_of, format_date

STEP_YEARS = 5
# Budgets are requested years ahead: a milestone is flagged for planning from this
# many fiscal years before the fiscal year it falls in.
PLANNING_LEAD_FISCAL_YEARS = 3


@dataclass(frozen=True)
class Milestone:
    """One anniversary of one partnership (10周年, 15周年 ...)."""

    city: PartnerCity
    ordinal: int
    day: date
    precision: str

    @property
    def year(self) -> int:
        """The calendar year of the anniversary."""
        return self.day.year

    @property
    def earliest_day(self) -> date:
        """The first day the anniversary can fall on, given the precision."""
        if self.precision == "year":
            return date(self.day.year, 1, 1)
        if self.precision == "month":
            return date(self.day.year, self.day.month, 1)
        return self.day

    @property
    def latest_day(self) -> date:
        """The last day the anniversary can fall on, given the precision."""
        if self.precision == "year":
            return date(self.day.year, 12, 31)
        if self.precision == "month":
            last = calendar.monthrange(self.day.year, self.day.month)[1]
            return date(self.day.year, self.day.month, last)
        return self.day

    @property
    def fiscal_year(self) -> int:
        """The fiscal year the anniversary falls in.

        An anniversary known only to the year is celebrated in the fiscal year that year
        begins (FY2027 for 2027, April to December being nine of its twelve months),
        not in the one its 1 January happens to fall in.
        """
        if self.precision == "year":
            return self.day.year
        return fiscal_year_of(self.earliest_day)

    @property
    def planning_from_fiscal_year(self) -> int:
        """The fiscal year from which the anniversary should be in the budget planning."""
        return self.fiscal_year - PLANNING_LEAD_FISCAL_YEARS

    def in_planning_window(self, today: date) -> bool:
        """Whether budgets for this anniversary should be requested now (or already were)."""
        return fiscal_year_of(today) >= self.planning_from_fiscal_year

    def as_dict(self) -> dict[str, object]:
        """The milestone as plain data (for JSON): partner, year, ordinal, date, precision.

        ``basis_ja``/``basis_en`` say what the anniversary counts from when the city did
        not sign the pact itself (Rome: former Ueki town's 1995 pact), else None.
        """
        return {
            "partner": self.city.slug,
            "partner_name_ja": self.city.name_ja,
            "partner_name_en": self.city.name_en,
            "year": self.year,
            "ordinal": self.ordinal,
            "date": self.date_text(),
            "precision": self.precision,
            "fiscal_year": self.fiscal_year,
            "basis_ja": basis_text(self.city, "ja"),
            "basis_en": basis_text(self.city, "en"),
        }

    def date_text(self) -> str:
        """ISO text as precise as known: ``2029-10-01``, ``2030-05`` or ``2027``."""
        if self.precision == "year":
            return f"{self.day.year:04d}"
        if self.precision == "month":
            return f"{self.day.year:04d}-{self.day.month:02d}"
        return self.day.isoformat()


def anniversary_date(established_on: date, years: int) -> date:
    """``established_on`` plus ``years`` years; 29 February falls on the 28th in other years."""
    year = established_on.year + years
    day = min(established_on.day, calendar.monthrange(year, established_on.month)[1])
    return date(year, established_on.month, day)


def milestone(city: PartnerCity, ordinal: int) -> Milestone:
    """The ``ordinal``-th anniversary of ``city``'s partnership."""
    if ordinal <= 0 or ordinal % STEP_YEARS:
        raise ValueError(f"an anniversary is a positive multiple of {STEP_YEARS} years")
    return Milestone(
        city=city,
        ordinal=ordinal,
        day=anniversary_date(city.established_on, ordinal),
        precision=city.established_precision,
    )


def next_milestone(city: PartnerCity, today: date) -> Milestone:
    """The first milestone of ``city`` that has not passed by ``today``."""
    ordinal = STEP_YEARS
    while True:
        candidate = milestone(city, ordinal)
        if candidate.latest_day >= today:
            return candidate
        ordinal += STEP_YEARS


UPCOMING_OFFERED = 2


def offered_ordinals(city: PartnerCity, today: date) -> list[int]:
    """The anniversaries of ``city`` a history can be written for: every one passed and
    the next ``UPCOMING_OFFERED`` to come."""
    last = next_milestone(city, today).ordinal + STEP_YEARS * (UPCOMING_OFFERED - 1)
    return list(range(STEP_YEARS, last + 1, STEP_YEARS))


def is_offered(city: PartnerCity, ordinal: int, today: date) -> bool:
    """Whether ``ordinal`` is one of ``city``'s anniversaries (see ``offered_ordinals``)."""
    return ordinal in offered_ordinals(city, today)


def milestones_of(city: PartnerCity, today: date, within_years: int) -> list[Milestone]:
    """The milestones of ``city`` from ``today`` up to the end of ``today.year + within_years``."""
    result = []
    current = next_milestone(city, today)
    while current.year <= today.year + within_years:
        result.append(current)
        current = milestone(city, current.ordinal + STEP_YEARS)
    return result


def upcoming(cities: Iterable[PartnerCity], today: date, within_years: int) -> list[Milestone]:
    """Every partnership's milestones in the next ``within_years`` years, soonest first."""
    found = [m for city in cities for m in milestones_of(city, today, within_years)]
    return sorted(found, key=lambda m: (m.earliest_day, m.city.display_order, m.city.id))


def upcoming_for_all(session: Session, today: date, within_years: int) -> list[Milestone]:
    """Milestones of all partner cities in the next ``within_years`` years."""
    return upcoming(partners.list_partner_cities(session, with_events=True), today, within_years)


def ordinal_suffix(number: int) -> str:
    """English ordinal: 1st, 2nd, 3rd, 11th, 50th."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


@dataclass(frozen=True)
class Basis:
    """What a partnership's anniversaries count from when the city took it over.

    Rome's pact was signed in May 1995 by the former town of Ueki; Kumamoto City took
    it over in 2015. Its 35th anniversary counts from 1995, and must say so.
    """

    signed: RelationshipEvent
    taken_over: RelationshipEvent


def basis_of(city: PartnerCity) -> Basis | None:
    """The pact and the take-over a partnership's anniversaries count from, if taken over."""
    taken_over = next((e for e in city.events if e.kind == "inherited"), None)
    if taken_over is None:
        return None
    signed = [
        e for e in city.events if e.kind == "signed" and e.occurred_on <= taken_over.occurred_on
    ]
    if not signed:
        return None
    return Basis(signed=signed[0], taken_over=taken_over)


def basis_text(city: PartnerCity, language: str) -> str | None:
    """The basis as one line: ``起算: 1995年5月 旧植木町が… （2015年に熊本市が継承）``."""
    basis = basis_of(city)
    if basis is None:
        return None
    with force_locale(language):
        return _(
            "Counted from %(date)s: %(event)s (taken over by Kumamoto City in %(year)s)",
            date=format_date(basis.signed.occurred_on, language, basis.signed.precision, era=False),
            event=basis.signed.title(language),
            year=basis.taken_over.occurred_on.year,
        )
