"""The youth section of a partner city's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exchange_app.sections import register_section
from exchange_app.services import youth


def partner_youth_section(*, session: Session, city: Any) -> dict[str, Any]:
    """The city's youth programmes with their counts (no personal data)."""
    return youth.partner_city_summary(session, city.id)


def register_sections() -> None:
    """Show the youth programmes on each partner city's page."""
    register_section("partner_detail", "youth/_partner_section.html", partner_youth_section, 40)
