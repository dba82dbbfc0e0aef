"""Partner cities: listing, lookup and editing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from exchange_app.models import PartnerCity


def list_partner_cities(session: Session, *, with_events: bool = False) -> list[PartnerCity]:
    """All partner cities in their display order, with their fields of exchange, and with
    their relationship events (what anniversaries count from) when ``with_events``."""
    query = select(PartnerCity).options(selectinload(PartnerCity.field_rows))
    if with_events:
        query = query.options(selectinload(PartnerCity.events))
    return list(session.scalars(query.order_by(PartnerCity.display_order, PartnerCity.id)))


def get_partner_city_by_slug(session: Session, slug: str) -> PartnerCity | None:
    """The partner city with this slug, with its fields and history loaded."""
    return session.scalar(
        select(PartnerCity)
        .options(selectinload(PartnerCity.field_rows), selectinload(PartnerCity.events))
        .where(PartnerCity.slug == slug)
    )
