"""A realistic synthetic dataset, clearly marked as demo data.

Scale 1 is about one decade of one office's activity (about 200 delegations,
2,000 participations and 200 promotions); scale N is N times that. Every record
gets an ``external_id`` starting with ``demo-`` and a title starting with
``[デモ]``, so demo data is never mistaken for real records.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from exchange_app.db import refresh_planner_statistics
from exchange_app.models import (
    Delegation,
    DelegationField,
    DelegationMember,
    Gift,
    LeadingProject,
    Organization,
    Participant,
    PartnerCity,
    Promotion,
    YouthPerson,
    YouthProgram,
    delegation_leading_projects,
    promotion_leading_projects,
)
from exchange_app.services.dates import fiscal_year_bounds, fiscal_year_of, today_in_japan
from exchange_app.vocab import (
    ExchangeField,
    PromotionMedium,
    PromotionTheme,
)
from exchange_app.youth.kind import age_band, age_on, normalise_kana

DEMO_PREFIX = "demo-"
DEMO_TITLE = "[デモ] "
DECADE_FISCAL_YEARS = 10
BATCH = 5_000

FAMILY = [
    ("山田", "やまだ", "Yamada"),
    ("佐藤", "さとう", "Sato"),
    ("鈴木", "すずき", "Suzuki"),
    ("田中", "たなか", "Tanaka"),
    ("中村", "なかむら", "Nakamura"),
    ("松本", "まつもと", "Matsumoto"),
    ("井上", "いのうえ", "Inoue"),
    ("木村", "きむら", "Kimura"),
    ("林", "はやし", "Hayashi"),
    ("坂本", "さかもと", "Sakamoto"),
]
GIVEN = [
    ("花子", "はなこ", "Hanako"),
    ("太郎", "たろう", "Taro"),
    ("結衣", "ゆい", "Yui"),
    ("蓮", "れん", "Ren"),
    ("陽菜", "ひな", "Hina"),
    ("湊", "みなと", "Minato"),
    ("葵", "あおい", "Aoi"),
    ("悠真", "ゆうま", "Yuma"),
    ("凛", "りん", "Rin"),
    ("大和", "やまと", "Yamato"),
]
PURPOSES = [
    "青少年交流事業の打合せ",
    "観光プロモーション",
    "環境技術研修",
    "文化交流公演",
    "経済交流ミッション",
    "スポーツ交流（マラソン大会）",
    "医療分野の視察",
    "教育交流協議",
]
WITHDRAWAL_REASONS = ("体調不良のため", "部活動の大会と重なったため", "家庭の事情により")
SCHOOLS = [
    "熊本市立第一中学校",
    "熊本市立必由館高等学校",
    "熊本市立千原台高等学校",
    "熊本市立西原中学校",
]


class DemoDataRefused(RuntimeError):
    """The database holds real records and --force was not given."""


def real_record_count(session: Session) -> int:
    """How many delegations, programmes and promotions are not demo data."""
    total = 0
    for model in (Delegation, YouthProgram, Promotion):
        total += (
            session.scalar(
                select(func.count())
                .select_from(model)
                .where(or_(model.external_id.is_(None), ~model.external_id.startswith(DEMO_PREFIX)))
            )
            or 0
        )
    return total


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def generate(
    session: Session,
    scale: int,
    *,
    force: bool = False,
    seed: int = 2029,
    progress: Callable[[int], None] | None = None,
    first_year: int | None = None,
) -> dict[str, int]:
    """Add demo data at ``scale``; returns how many rows of each kind were added.

    The records span ``first_year`` (a fiscal year; default: nine before the current one)
    to today in Japan: a decade, as the README says. ``progress`` is called with a
    number of steps done (100 in all).
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if not force and real_record_count(session):
        raise DemoDataRefused("the database holds real records")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    step = progress or (lambda _n: None)
    cities = list(session.scalars(select(PartnerCity).order_by(PartnerCity.id)))
    projects = list(session.scalars(select(LeadingProject.id).order_by(LeadingProject.id)))
    if not cities:
        raise RuntimeError("seed the partner cities first")
    run = (
        session.scalar(
            select(func.count())
            .select_from(Delegation)
            .where(Delegation.external_id.startswith(DEMO_PREFIX))
        )
        or 0
    )
    tag = f"{DEMO_PREFIX}{seed}-{run}-"
    today = today_in_japan()
    first_day = fiscal_year_bounds(
        first_year if first_year is not None else fiscal_year_of(today) - DECADE_FISCAL_YEARS + 1
    )[0]
    span_days = (today - first_day).days

    def random_day(city: PartnerCity) -> date:
        start = max(first_day, city.established_on)
        return start + timedelta(days=rng.randrange(max(1, (today - start).days)))

    counts: dict[str, int] = {}

    # Organisations of the network (a handful, whatever the scale).
    organizations = [
        Organization(
            kind="international_organization",
            country=None,
            name_ja="[デモ] 国連人間居住計画",
            name_en="[Demo] UN-Habitat",
            version=1,
        ),
        Organization(
            kind="embassy_consulate",
            country="FR",
            name_ja="[デモ] 在日フランス大使館",
            name_en="[Demo] Embassy of France in Japan",
            version=1,
        ),
        Organization(
            kind="overseas_office",
            country="CN",
            name_ja="[デモ] 熊本市上海事務所",
            name_en="[Demo] Kumamoto City Shanghai Office",
            version=1,
        ),
        Organization(
            kind="foreign_city",
            country="TH",
            name_ja="[デモ] チェンマイ市",
            name_en="[Demo] Chiang Mai",
            version=1,
        ),
    ]
    session.add_all(organizations)
    session.flush()
    step(2)

    # Delegations with members, fields, gifts and leading projects.
    n_delegations = 200 * scale
    delegation_rows: list[dict[str, Any]] = []
    for index in range(n_delegations):
        city = rng.choice(cities)
        start = random_day(city)
        delegation_rows.append(
            {
                "external_id": f"{tag}d{index}",
                "direction": rng.choice(("inbound", "outbound")),
                "partner_city_id": city.id,
                "counterpart": None,
                "title": f"{DEMO_TITLE}{city.name_ja}{rng.choice(PURPOSES)}",
                "start_date": start,
                "end_date": start + timedelta(days=rng.randrange(0, 7)),
                "head_name": "".join(rng.choice(FAMILY)[0] + rng.choice(GIVEN)[0]),
                "head_title": rng.choice(["副市長", "国際課長", "市議会議長", "外事弁公室主任"]),
                "member_count": rng.randrange(1, 25),
                "purpose": rng.choice(PURPOSES),
                "outcome": "今後の交流継続を確認した。",
                "version": 1,
            }
        )
    for batch in _batches(delegation_rows):
        session.execute(insert(Delegation), batch)
    step(20)
    ids = dict(
        session.execute(
            select(Delegation.external_id, Delegation.id).where(
                Delegation.external_id.startswith(tag)
            )
        ).all()
    )
    members, fields, gifts, links = [], [], [], []
    for row in delegation_rows:
        delegation_id = ids[row["external_id"]]
        for position in range(min(row["member_count"], 3)):
            family, given = rng.choice(FAMILY), rng.choice(GIVEN)
            members.append(
                {
                    "delegation_id": delegation_id,
                    "position": position,
                    "name": family[0] + given[0],
                    "organization": "熊本市",
                    "title": rng.choice(["課長", "主査", "主事"]),
                }
            )
        for field in rng.sample(ExchangeField.values(), rng.randrange(1, 3)):
            fields.append({"delegation_id": delegation_id, "field": field})
        if rng.random() < 0.5:
            gifts.append(
                {
                    "delegation_id": delegation_id,
                    "position": 0,
                    "direction": rng.choice(("given", "received")),
                    "description": rng.choice(["肥後象がん", "くまモン人形", "山鹿灯籠", "記念盾"]),
                    "counterpart": "市長",
                    "given_on": row["start_date"],
                }
            )
        if projects and rng.random() < 0.4:
            links.append(
                {"delegation_id": delegation_id, "leading_project_id": rng.choice(projects)}
            )
    for rows, target in ((members, DelegationMember), (fields, DelegationField), (gifts, Gift)):
        for batch in _batches(rows):
            session.execute(insert(target), batch)
    for batch in _batches(links):
        session.execute(insert(delegation_leading_projects), batch)
    counts["delegations"] = n_delegations
    step(40)

    # Youth programmes (about 10 participations each) and participants.
    n_programs = 200 * scale
    program_rows: list[dict[str, Any]] = []
    for index in range(n_programs):
        city = rng.choice(cities)
        start = random_day(city)
        kind = rng.choices(("partner_exchange", "international_conference", "other"), (8, 1, 1))[0]
        program_rows.append(
            {
                "external_id": f"{tag}y{index}",
                "title": f"{DEMO_TITLE}{city.name_ja}青少年交流",
                "kind": kind,
                "partner_city_id": city.id if kind == "partner_exchange" else None,
                "counterpart": None if kind == "partner_exchange" else "国際青少年会議",
                "direction": rng.choice(("inbound", "outbound")),
                "start_date": start,
                "end_date": start + timedelta(days=rng.randrange(2, 10)),
                "version": 1,
            }
        )
    for batch in _batches(program_rows):
        session.execute(insert(YouthProgram), batch)
    program_ids = dict(
        session.execute(
            select(YouthProgram.external_id, YouthProgram.id).where(
                YouthProgram.external_id.startswith(tag)
            )
        ).all()
    )
    step(50)
    n_persons = 1_400 * scale
    for offset in range(0, n_persons, BATCH):
        session.execute(insert(YouthPerson), [{} for _ in range(min(BATCH, n_persons - offset))])
    person_ids = list(
        session.scalars(select(YouthPerson.id).order_by(YouthPerson.id.desc()).limit(n_persons))
    )
    participants: list[dict[str, Any]] = []
    for row in program_rows:
        program_id = program_ids[row["external_id"]]
        chosen = rng.sample(person_ids, 8)
        for slot in range(10):
            youth = slot < 8
            family, given = rng.choice(FAMILY), rng.choice(GIVEN)
            status = rng.choices(
                ("participated", "withdrawn", "selected", "applied"), (85, 7, 5, 3)
            )[0]
            birth = (
                row["start_date"] - timedelta(days=rng.randrange(12 * 365, 18 * 365))
                if youth
                else row["start_date"] - timedelta(days=rng.randrange(25 * 365, 60 * 365))
            )
            resident = rng.random() < 0.9
            if youth:
                # This draw once chose an age band; kept so that the rest of the demo data
                # (and the golden files made from it) stays as it was.
                rng.random()
            participants.append(
                {
                    "program_id": program_id,
                    "person_id": chosen[slot] if youth else None,
                    "role": "youth" if youth else "chaperone",
                    "resident": resident,
                    "status": status,
                    # Derived from the birth date as every other path derives it.
                    "age_band": age_band(age_on(birth, row["start_date"])),
                    "family_name": family[0],
                    "given_name": given[0],
                    # Stored as the form stores what was typed (katakana).
                    "family_name_kana": normalise_kana(family[1]),
                    "given_name_kana": normalise_kana(given[1]),
                    "family_name_romaji": family[2],
                    "given_name_romaji": given[2],
                    "birth_date": birth,
                    "school": rng.choice(SCHOOLS) if youth else None,
                    "grade": str(rng.randrange(1, 4)) if youth else None,
                    "guardian_name": family[0] + "保護者" if youth else None,
                    "guardian_phone": "096-000-0000" if youth else None,
                    "guardian_consent_on": row["start_date"] - timedelta(days=30),
                    "photo_consent": rng.random() < 0.7,
                    # Chosen without a draw, so the rest of the demo data stays as it was.
                    "withdrawal_reason": (
                        WITHDRAWAL_REASONS[len(participants) % len(WITHDRAWAL_REASONS)]
                        if status == "withdrawn"
                        else None
                    ),
                    "version": 1,
                }
            )
    for number, batch in enumerate(_batches(participants)):
        session.execute(insert(Participant), batch)
        step(50 + min(30, number * 30 * BATCH // max(1, len(participants))))
    counts["youth_programs"] = n_programs
    counts["participants"] = len(participants)
    step(80)

    # Promotions through the network.
    n_promotions = 200 * scale
    promotion_rows, promotion_links = [], []
    for index in range(n_promotions):
        if rng.random() < 0.6:
            city = rng.choice(cities)
            channel, partner_id, organization_id = "partner_city", city.id, None
            start = random_day(city)
        else:
            organization = rng.choice(organizations)
            channel = {
                "international_organization": "international_organization",
                "embassy_consulate": "embassy_consulate",
                "overseas_office": "overseas_office",
                "tokyo_office": "tokyo_office",
                "foreign_city": "foreign_city",
            }[organization.kind]
            partner_id, organization_id = None, organization.id
            start = first_day + timedelta(days=rng.randrange(span_days))
        promotion_rows.append(
            {
                "external_id": f"{tag}p{index}",
                "start_date": start,
                "end_date": None,
                "title": f"{DEMO_TITLE}熊本市の魅力発信",
                "channel": channel,
                "partner_city_id": partner_id,
                "organization_id": organization_id,
                "theme": rng.choice(PromotionTheme.values()),
                "medium": rng.choice(PromotionMedium.values()),
                "reach": rng.randrange(50, 5000),
                "counts_toward_3b": True,
                "version": 1,
            }
        )
    for batch in _batches(promotion_rows):
        session.execute(insert(Promotion), batch)
    if projects:
        promotion_ids = session.scalars(
            select(Promotion.id)
            .where(Promotion.external_id.startswith(tag))
            .order_by(Promotion.id)
        ).all()
        promotion_links = [
            {"promotion_id": pid, "leading_project_id": rng.choice(projects)}
            for pid in promotion_ids
            if rng.random() < 0.5
        ]
        for batch in _batches(promotion_links):
            session.execute(insert(promotion_leading_projects), batch)
    counts["promotions"] = n_promotions
    refresh_planner_statistics(session)
    step(100)
    return counts
