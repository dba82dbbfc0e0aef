#!/usr/bin/env python3
"""Load invented demo records for a partner city, to try the anniversary history.

    .venv/bin/python scripts/demo_history.py guilin            # about 40 years of exchanges
    .venv/bin/python scripts/demo_history.py guilin --per-year 60   # thousands of records

Uses the app's database (DATABASE_URL or the instance SQLite file). The records are
invented; the participants' names are fake and exist only to show they never reach a history.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import (
    Delegation,
    Participant,
    PartnerCity,
    Promotion,
    RelationshipEvent,
    YouthProgram,
)

OUTBOUND_TITLES = [
    "熊本市長を団長とする友好訪問団",
    "熊本市議会友好訪問団",
    "環境技術研修団（派遣）",
    "観光・物産プロモーション訪問団",
    "熊本市民友好の翼",
]
INBOUND_TITLES = [
    "{city}人民政府代表団",
    "{city}環境技術研修団（受入）",
    "{city}観光局視察団",
    "{city}芸術団 公演",
    "{city}教育関係者訪問団",
]
HEADS = [("熊本市長", "大西 一史"), ("副市長", "中村 英文"), ("市議会議長", "田中 博"),
         ("副市長", "王 建国"), ("観光局長", "李 明"), (None, None)]
PURPOSES = [
    "友好交流の推進と今後の協力分野に関する意見交換",
    "水環境保全に関する技術研修（地下水保全・下水処理）",
    "観光・物産の相互プロモーション",
    "青少年交流事業の打合せ",
    "文化・芸術交流公演",
]
FIELDS = ["youth", "tourism", "environment", "culture", "economy", "education", "administration"]
PROMOTIONS = [
    ("{city}国際観光博覧会 熊本市ブース出展", "tourism", "exhibition"),
    ("熊本城復旧状況の紹介パネル展", "kumamoto_castle", "exhibition"),
    ("「地下水都市くまもと」PRセミナー", "groundwater", "presentation"),
    ("熊本の食 試食・商談会", "food", "event"),
    ("現地メディアによる熊本特集", "tourism", "media_coverage"),
]
FAKE_NAMES = [
    ("山田", "花子"), ("佐藤", "健太"), ("鈴木", "美咲"), ("高橋", "翔"), ("田中", "結衣")
]


def load(session: Session, city: PartnerCity, *, per_year: int = 3, seed: int = 7) -> int:
    """Add invented delegations, youth programmes and promotions; return how many records."""
    rng = random.Random(seed)  # noqa: S311  (invented demo data, not security)
    start_year = city.established_on.year
    end_year = min(date.today().year, start_year + 60)
    added = 0
    for year in range(start_year, end_year + 1):
        for index in range(per_year):
            day = date(year, rng.randint(1, 12), rng.randint(1, 28))
            outbound = (year + index) % 2 == 0
            title = rng.choice(OUTBOUND_TITLES if outbound else INBOUND_TITLES)
            head_title, head_name = rng.choice(HEADS)
            delegation = Delegation(
                direction="outbound" if outbound else "inbound",
                partner_city_id=city.id,
                title=title.format(city=city.name_ja),
                start_date=day,
                end_date=day + timedelta(days=rng.randint(2, 6)),
                head_title=head_title,
                head_name=head_name,
                member_count=rng.randint(3, 25),
                purpose=rng.choice(PURPOSES),
            )
            delegation.fields = rng.sample(FIELDS, rng.randint(1, 2))
            session.add(delegation)
            added += 1
            if index % 3 == 1 or per_year == 1:
                title, theme, medium = rng.choice(PROMOTIONS)
                session.add(
                    Promotion(
                        start_date=day + timedelta(days=1),
                        title=title.format(city=city.name_ja),
                        channel="partner_city",
                        partner_city_id=city.id,
                        theme=theme,
                        medium=medium,
                        reach=rng.choice([None, 300, 1200, 5000]),
                    )
                )
                added += 1
        if year >= 1990 and year % 2 == 0:
            outbound = year % 4 == 0
            program = YouthProgram(
                title=f"{year}年度 {city.name_ja}青少年交流"
                + ("（派遣）" if outbound else "（受入）"),
                kind="partner_exchange",
                partner_city_id=city.id,
                direction="outbound" if outbound else "inbound",
                start_date=date(year, 8, 1),
                end_date=date(year, 8, 7),
                description="ホームステイ、学校訪問、文化体験",
            )
            for number in range(rng.randint(6, 12)):
                family, given = FAKE_NAMES[number % len(FAKE_NAMES)]
                program.participants.append(
                    Participant(
                        role="youth" if number > 1 else "chaperone",
                        resident=True,
                        status="participated",
                        family_name=family,
                        given_name=f"{given}{number}",
                        guardian_consent_on=date(year, 6, 1),
                    )
                )
            session.add(program)
            added += 1
    if not any(e.kind == "anniversary_held" for e in city.events):
        for ordinal in range(10, end_year - start_year + 1, 10):
            held = date(start_year + ordinal, city.established_on.month, 1)
            session.add(
                RelationshipEvent(
                    partner_city_id=city.id,
                    kind="anniversary_held",
                    occurred_on=held,
                    precision="month",
                    title_ja=f"友好都市締結{ordinal}周年記念式典",
                    title_en=f"Ceremony for the {ordinal}th anniversary of the partnership",
                    description_ja="両市の代表が出席し、記念植樹を行った。",
                    description_en="Representatives of both cities attended and planted a tree.",
                )
            )
            added += 1
    session.flush()
    return added


def main() -> None:
    """Load demo records into the app's database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("slug", help="partner city, e.g. guilin")
    parser.add_argument("--per-year", type=int, default=3)
    args = parser.parse_args()

    from exchange_app import create_app
    from exchange_app.db import get_session

    app = create_app()
    with app.app_context():
        session = get_session()
        city = session.scalar(select(PartnerCity).where(PartnerCity.slug == args.slug))
        if city is None:
            raise SystemExit(f"no partner city {args.slug!r}")
        added = load(session, city, per_year=args.per_year)
        session.commit()
        print(f"added {added} demo records for {city.name_en}")


if __name__ == "__main__":
    main()
