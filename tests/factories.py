"""One way to build each aggregate in tests.

Every builder goes through the feature's operations (so the record passes the same rules
and writes the same audit entry as the form), then commits. Tests use the ``make``
fixture (``make.delegation(...)``, ``make.promotion(...)``) or import the functions.
"""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange_app.delegations import operations as delegation_operations
from exchange_app.models import (
    Delegation,
    LeadingProject,
    Organization,
    Participant,
    PartnerCity,
    Promotion,
    YouthPerson,
    YouthProgram,
)
from exchange_app.promotions import operations as promotion_operations
from exchange_app.youth import operations as youth_operations

_serial = count(1)


# ------------------------------------------------------------------------------ seeded data


def city(db: Session, slug: str = "guilin") -> PartnerCity:
    """A seeded partner city."""
    found = db.scalar(select(PartnerCity).where(PartnerCity.slug == slug))
    assert found is not None, slug
    return found


def project(db: Session, number: int) -> LeadingProject:
    """A seeded leading project."""
    found = db.scalar(select(LeadingProject).where(LeadingProject.number == number))
    assert found is not None, number
    return found


# ------------------------------------------------------------------------------ delegations


def make_delegation(
    db: Session, *, city_slug: str | None = "heidelberg", **values: Any
) -> Delegation:
    """An outbound delegation to Heidelberg in October 2024 unless told otherwise."""
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
    delegation = delegation_operations.create_delegation(db, defaults, None)
    db.commit()
    return delegation


def delegation_form(**values: Any) -> dict[str, Any]:
    """A valid delegation form submission, with ``values`` overriding (None drops a field)."""
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


# ------------------------------------------------------------------------------------ youth


def make_program(db: Session, **values: Any) -> YouthProgram:
    """A partner exchange with Guilin starting 2025-08-01 unless told otherwise."""
    kind = values.pop("kind", "partner_exchange")
    partner = values.pop("partner_city", city(db) if kind == "partner_exchange" else None)
    start = values.pop("start_date", date(2025, 8, 1))
    if partner is None:
        values.setdefault("counterpart", "Conference")
    program = YouthProgram(
        title=values.pop("title", f"Programme {next(_serial)}"),
        kind=kind,
        partner_city=partner,
        direction=values.pop("direction", "outbound"),
        start_date=start,
        end_date=values.pop("end_date", start),
        **values,
    )
    db.add(program)
    db.commit()
    return program


def make_participant(
    db: Session, program: YouthProgram, person: YouthPerson | None = None, **values: Any
) -> Participant:
    """A resident youth who took part, with the guardian's consent, unless told otherwise.

    Each call is a new person (its own kana reading) unless ``person`` is given.
    """
    n = next(_serial)
    defaults: dict[str, Any] = {
        "role": "youth",
        "resident": True,
        "status": "participated",
        "family_name": "熊本",
        "given_name": f"太郎{n}",
        "family_name_kana": "クマモト",
        "given_name_kana": f"タロウ{chr(0x30A2 + n % 40)}{chr(0x30A2 + n // 40 % 40)}",
        "family_name_romaji": "Kumamoto",
        "given_name_romaji": "Taro",
        "birth_date": date(2009, 5, 5),
        "school": "熊本市立第一中学校",
        "grade": "3",
        "guardian_name": "熊本 花子",
        "guardian_phone": "096-000-0000",
        "guardian_email": "guardian@example.org",
        "guardian_consent_on": date(2025, 6, 1),
        "emergency_contact": "096-111-1111",
        "notes": "アレルギーなし",
    }
    defaults.update(values)
    participant = youth_operations.register_participant(db, program, defaults, None, person)
    db.commit()
    return participant


# ------------------------------------------------------------------------------- promotions


def make_organization(
    db: Session, kind: str = "international_organization", **values: Any
) -> Organization:
    """An organisation of ``kind`` with a name of its own unless told otherwise."""
    number = db.scalar(select(func.count(Organization.id)))
    values.setdefault("name_ja", f"機関{kind}{number}")
    values.setdefault("name_en", f"Body {kind} {number}")
    organization = promotion_operations.create_organization(db, {"kind": kind, **values}, None)
    db.commit()
    return organization


def make_promotion(db: Session, **values: Any) -> Promotion:
    """A promotion through Kaohsiung on 2024-06-01 that counts toward 3b unless told otherwise.

    ``counts_toward_3b=False`` comes with an exclusion reason unless one is given.
    """
    defaults: dict[str, Any] = {
        "start_date": date(2024, 6, 1),
        "title": "熊本の水ブランド発信",
        "channel": "partner_city",
        "theme": "groundwater",
        "medium": "presentation",
        "counts_toward_3b": True,
    }
    defaults.update(values)
    if "partner_city_id" not in values and "organization_id" not in values:
        defaults["partner_city_id"] = city(db, "kaohsiung").id
    if not defaults["counts_toward_3b"]:
        defaults.setdefault("exclusion_reason", "internal meeting")
    promotion = promotion_operations.create_promotion(db, defaults, None)
    db.commit()
    return promotion


class Make:
    """The builders above bound to one session: the ``make`` fixture."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def city(self, slug: str = "guilin") -> PartnerCity:
        return city(self.db, slug)

    def project(self, number: int) -> LeadingProject:
        return project(self.db, number)

    def delegation(self, **values: Any) -> Delegation:
        return make_delegation(self.db, **values)

    def program(self, **values: Any) -> YouthProgram:
        return make_program(self.db, **values)

    def participant(
        self, program: YouthProgram, person: YouthPerson | None = None, **values: Any
    ) -> Participant:
        return make_participant(self.db, program, person, **values)

    def organization(self, kind: str = "international_organization", **values: Any) -> Organization:
        return make_organization(self.db, kind, **values)

    def promotion(self, **values: Any) -> Promotion:
        return make_promotion(self.db, **values)
