"""Anniversaries and partnership histories: what is coming up, and the 沿革 for each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from sqlalchemy.orm import Session

from exchange_app.sections import register_section
from exchange_app.services import anniversaries
from exchange_app.services.dates import today_in_japan

bp = Blueprint("history", __name__, url_prefix="/history")


def _home_section(*, cities: list[Any], **_context: Any) -> dict[str, Any]:
    today = today_in_japan()
    within = current_app.config.get("ANNIVERSARY_HORIZON_YEARS", 10)
    return {
        "milestones": anniversaries.upcoming(cities, today, within),
        "within": within,
        "today": today,
    }


def _partner_section(*, session: Session, city: Any, **_context: Any) -> dict[str, Any]:
    today = today_in_japan()
    return {
        "city": city,
        "milestones": anniversaries.milestones_of(city, today, 10),
        "next": anniversaries.next_milestone(city, today),
        "today": today,
    }


@bp.app_template_global("anniversary_basis")
def anniversary_basis(city: Any) -> str | None:
    """What ``city``'s anniversaries count from, in the UI language, when it was taken over."""
    from exchange_app import current_language

    return anniversaries.basis_text(city, current_language())


@bp.app_template_filter("ordinal")
def ordinal_filter(number: int) -> str:
    """An anniversary's number as the UI language writes it: 50th in English, 50 in Japanese."""
    from exchange_app import current_language

    return anniversaries.ordinal_suffix(number) if current_language() == "en" else str(number)


register_section("home", "anniversaries/_home_section.html", _home_section, order=10)
register_section(
    "partner_detail", "anniversaries/_partner_section.html", _partner_section, order=10
)

from exchange_app.history import routes  # noqa: E402,F401
