"""Builders for youth programmes and participants used by the youth tests."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import Participant, PartnerCity, YouthPerson, YouthProgram
from exchange_app.youth import operations

_serial = count(1)


def city(db: Session, slug: str = "guilin") -> PartnerCity:
    """A seeded partner city."""
    found = db.scalar(select(PartnerCity).where(PartnerCity.slug == slug))
    assert found is not None
    return found


def make_program(db: Session, **values: Any) -> YouthProgram:
    """A partner exchange with Guilin starting 2025-08-01 unless told otherwise."""
    kind = values.pop("kind", "partner_exchange")
    partner = values.pop("partner_city", city(db) if kind == "partner_exchange" else None)
    start = values.pop("start_date", date(2025, 8, 1))
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
    db.flush()
    return program


def make_participant(
    db: Session, program: YouthProgram, person: YouthPerson | None = None, **values: Any
) -> Participant:
    """A resident youth who took part, with the guardian's consent, unless told otherwise."""
    n = next(_serial)
    defaults: dict[str, Any] = {
        "role": "youth",
        "resident": True,
        "status": "participated",
        "family_name": "熊本",
        "given_name": f"太郎{n}",
        "family_name_kana": "クマモト",
        "given_name_kana": f"タロウ{chr(0x30A2 + n % 40)}",
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
    return operations.register_participant(db, program, defaults, None, person)
