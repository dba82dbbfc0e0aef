"""Writing partner cities (admins): the change is audited; the view commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from exchange_app.models import PartnerCity
from exchange_app.partners.kind import PARTNER_CITIES
from exchange_app.records import operations


def update_partner_city(
    session: Session, city: PartnerCity, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a partner city's names, relationship and fields; returns what changed."""
    return operations.update(session, PARTNER_CITIES, city, values, user_id)
