"""Building delegations for tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.delegations import operations
from exchange_app.models import Delegation, LeadingProject, PartnerCity


def city(db: Session, slug: str) -> PartnerCity:
    """A seeded partner city."""
    found = db.scalar(select(PartnerCity).where(PartnerCity.slug == slug))
    assert found is not None, slug
    return found


def project(db: Session, number: int) -> LeadingProject:
    """A seeded leading project."""
    found = db.scalar(select(LeadingProject).where(LeadingProject.number == number))
    assert found is not None
    return found


def make_delegation(
    db: Session, *, city_slug: str | None = "heidelberg", **values: Any
) -> Delegation:
    """A delegation saved through the service (with its audit entry), committed."""
    partner = city(db, city_slug) if city_slug else None
    defaults: dict[str, Any] = {
        "direction": "outbound",
        "partner_city_id": partner.id if partner else None,
        "counterpart": None if partner else "Other city",
        "title": "Visit",
        "start_date": date(2024, 10, 1),
        "end_date": date(2024, 10, 5),
        "head_name": None,
        "head_title": None,
        "member_count": 3,
        "purpose": None,
        "outcome": None,
    }
    defaults.update(values)
    delegation = operations.create_delegation(db, defaults, None)
    db.commit()
    return delegation


def form_data(**values: Any) -> dict[str, Any]:
    """A valid delegation form submission, with ``values`` overriding."""
    data: dict[str, Any] = {
        "direction": "outbound",
        "partner_city_id": "",
        "counterpart": "",
        "title": "ハイデルベルク市訪問",
        "start_date": "2025-05-10",
        "end_date": "2025-05-14",
        "head_name": "熊本 太郎",
        "head_title": "副市長",
        "member_count": "3",
        "purpose": "環境分野の技術交流",
        "outcome": "",
        "members-0-name": "熊本 太郎",
        "members-0-organization": "熊本市",
        "members-0-title": "副市長",
    }
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}
