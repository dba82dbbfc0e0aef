"""Network promotions (indicator 3b) and the organisations of the international network."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy.orm import Session

from exchange_app.sections import register_section

bp = Blueprint("promotions", __name__, url_prefix="/promotions")


def partner_section(*, session: Session, city: Any) -> dict[str, Any]:
    """The latest promotions through ``city`` for its page."""
    from exchange_app.services.promotions import recent_promotions_of

    items, total = recent_promotions_of(session, partner_city_id=city.id)
    return {"promotions": items, "total": total, "city": city}


register_section("partner_detail", "promotions/_partner_section.html", partner_section, order=50)

from exchange_app.promotions import routes  # noqa: E402,F401
