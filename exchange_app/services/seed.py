"""Reference data every installation starts with: partner cities, indicators, leading projects.

Seeding only adds what is missing, so running it again changes nothing (and never
overwrites what staff have since edited).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import (
    Indicator,
    IndicatorTarget,
    LeadingProject,
    Organization,
    PartnerCity,
    RelationshipEvent,
)

LEADING_PROJECTS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "「地下水都市くまもと」・「くまもと水ブランド」の認知度向上",
        "Raising awareness of 'Kumamoto, the groundwater city' and the Kumamoto water brand",
    ),
    (2, "世界に選ばれる熊本城づくり", "Making Kumamoto Castle a castle the world chooses"),
    (
        3,
        "ストーリー性の高い海外向けコンテンツの創出と情報発信",
        "Creating and promoting story-rich content for overseas audiences",
    ),
    (
        4,
        "包括的・伴走的な「食」の海外展開支援",
        "Comprehensive, hands-on support for taking local food overseas",
    ),
    (
        5,
        "「熊本市民の親切さ・やさしさ」をいかした外国人の受入環境整備",
        "Welcoming foreign residents and visitors with Kumamoto citizens' kindness",
    ),
    (
        6,
        "外国人目線をいかした更なる本市の魅力向上の取組",
        "Making the city more attractive from a foreign visitor's point of view",
    ),
    (
        7,
        "外国人にもわかりやすい行政サービス等の推進",
        "Public services that foreign residents can easily understand",
    ),
    (
        8,
        "熊本市国際交流会館の更なる活用の検討",
        "Making more of the Kumamoto City International Center",
    ),
    (
        9,
        "次世代を担う青少年の国際的な活躍の後押し",
        "Supporting the next generation's international activities",
    ),
    (
        10,
        "ドラスティックな国際環境の変化に対する的確な対応",
        "Responding well to drastic changes in the international environment",
    ),
    (11, "ターゲット地域における各種事業の展開", "Projects in the target regions"),
)


def _event(
    kind: str,
    on: date,
    precision: str,
    title_ja: str,
    title_en: str,
    description_ja: str | None = None,
    description_en: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "occurred_on": on,
        "precision": precision,
        "title_ja": title_ja,
        "title_en": title_en,
        "description_ja": description_ja,
        "description_en": description_en,
    }


PARTNER_CITIES: tuple[dict[str, Any], ...] = (
    {
        "slug": "guilin",
        "name_ja": "桂林市",
        "name_en": "Guilin",
        "name_local": "桂林市",
        "country": "CN",
        "relationship_type": "friendship",
        "established_on": date(1979, 10, 1),
        "established_precision": "day",
        "fields": ["youth", "tourism", "environment"],
        "notes": "中国有数の国際観光都市。2029年に締結50周年。",
        "events": [
            _event(
                "signed",
                date(1979, 10, 1),
                "day",
                "友好都市締結",
                "Friendship city agreement signed",
                "締結日は自治体国際化協会（CLAIR）の姉妹自治体提携記録による。",
                "Date from CLAIR's record of sister-city affiliations.",
            ),
            _event(
                "other",
                date(2000, 4, 1),
                "year",
                "環境技術研修団の相互派遣を開始",
                "Environmental technical training delegations begin",
                "2000年度から隔年で環境技術研修の訪問団を相互に派遣（CLAIR記録）。",
                "Delegations for environmental technical training have gone both ways in "
                "alternate years since fiscal 2000 (CLAIR record).",
            ),
        ],
    },
    {
        "slug": "san-antonio",
        "name_ja": "サンアントニオ市",
        "name_en": "San Antonio",
        "name_local": "San Antonio",
        "country": "US",
        "relationship_type": "sister",
        "established_on": date(1987, 1, 1),
        "established_precision": "year",
        "fields": ["youth", "education", "culture", "economy", "technology"],
        "notes": "全米有数の観光都市。交換留学などの青少年交流。",
        "events": [
            _event(
                "signed", date(1987, 1, 1), "year", "姉妹都市締結", "Sister city agreement signed"
            )
        ],
    },
    {
        "slug": "heidelberg",
        "name_ja": "ハイデルベルク市",
        "name_en": "Heidelberg",
        "name_local": "Heidelberg",
        "country": "DE",
        "relationship_type": "friendship",
        "established_on": date(1992, 1, 1),
        "established_precision": "year",
        "fields": ["medical", "youth", "sports"],
        "notes": "ドイツ有数の学術都市、環境首都。",
        "events": [
            _event(
                "signed",
                date(1992, 1, 1),
                "year",
                "友好都市締結",
                "Friendship city agreement signed",
            )
        ],
    },
    {
        "slug": "rome-ga",
        "name_ja": "ローム市",
        "name_en": "Rome (Georgia)",
        "name_local": "Rome",
        "country": "US",
        "relationship_type": "sister",
        "established_on": date(1995, 5, 1),
        "established_precision": "month",
        "fields": ["youth"],
        "notes": "ジョージア州フロイド郡最大の都市。",
        "events": [
            _event(
                "signed",
                date(1995, 5, 1),
                "month",
                "旧植木町が友好関係の盟約を締結",
                "Former Ueki town signs a friendship pact",
            ),
            _event(
                "inherited",
                date(2015, 1, 1),
                "year",
                "旧植木町との合併に伴い熊本市が姉妹都市関係を引き継ぐ",
                "Kumamoto City takes over the sister-city relationship after merging with Ueki",
            ),
        ],
    },
    {
        "slug": "ulsan",
        "name_ja": "蔚山広域市",
        "name_en": "Ulsan Metropolitan City",
        "name_local": "울산광역시",
        "country": "KR",
        "relationship_type": "friendship_cooperation",
        "established_on": date(2010, 1, 1),
        "established_precision": "year",
        "fields": ["youth", "sports", "culture", "tourism"],
        "notes": "一大産業都市。民間を中心とした交流。",
        "events": [
            _event(
                "signed",
                date(2010, 1, 1),
                "year",
                "友好協力都市締結",
                "Friendship and cooperation city agreement signed",
            )
        ],
    },
    {
        "slug": "suzhou-snd",
        "name_ja": "蘇州高新区",
        "name_en": "Suzhou New District",
        "name_local": "苏州高新区",
        "country": "CN",
        "relationship_type": "exchange",
        "established_on": date(2013, 1, 1),
        "established_precision": "year",
        "fields": ["tourism", "sports", "education"],
        "notes": "国家ハイテク産業開発区。",
        "events": [
            _event(
                "signed", date(2013, 1, 1), "year", "交流都市締結", "Exchange city agreement signed"
            )
        ],
    },
    {
        "slug": "aix-en-provence",
        "name_ja": "エクサンプロヴァンス市",
        "name_en": "Aix-en-Provence",
        "name_local": "Aix-en-Provence",
        "country": "FR",
        "relationship_type": "exchange",
        "established_on": date(2013, 1, 1),
        "established_precision": "year",
        "fields": ["culture", "arts"],
        "notes": "1980年代から民間団体による交流。",
        "events": [
            _event(
                "citizens_exchange",
                date(1980, 1, 1),
                "decade",
                "民間団体による交流が始まる（1980年代）",
                "Citizens' groups begin exchanges (1980s)",
            ),
            _event(
                "gift",
                date(1992, 1, 1),
                "year",
                "能楽師・狩野琇鵬氏が能舞台を寄贈",
                "Noh master Kano Shuho donates a Noh stage",
            ),
            _event(
                "signed", date(2013, 1, 1), "year", "交流都市締結", "Exchange city agreement signed"
            ),
        ],
    },
    {
        "slug": "kaohsiung",
        "name_ja": "高雄市",
        "name_en": "Kaohsiung",
        "name_local": "高雄市",
        "country": "TW",
        "relationship_type": "friendship_exchange",
        "established_on": date(2017, 1, 1),
        "established_precision": "year",
        "fields": ["sports", "youth", "economy", "tourism", "education", "culture"],
        "notes": "台湾最大の港町。熊本県を含む三者協定。",
        "events": [
            _event(
                "signed",
                date(2017, 1, 1),
                "year",
                "熊本県・熊本市・高雄市友好交流協定を締結",
                "Kumamoto Prefecture, Kumamoto City and Kaohsiung sign a three-party "
                "friendship exchange agreement",
            )
        ],
    },
)


def _indicator(
    code: str,
    order: int,
    pillar: int,
    policy: int | None,
    name_ja: str,
    name_en: str,
    unit: str,
    baseline: str,
    baseline_year: int,
    targets: dict[int, str],
    *,
    basis: str = "fiscal",
    computed_rule: str | None = None,
    representative: bool = False,
    cumulative: bool = False,
) -> dict[str, Any]:
    return {
        "code": code,
        "display_order": order,
        "pillar": pillar,
        "policy": policy,
        "name_ja": name_ja,
        "name_en": name_en,
        "unit": unit,
        "basis": basis,
        "source": "computed" if computed_rule else "entered",
        "computed_rule": computed_rule,
        "is_representative": representative,
        "cumulative": cumulative,
        "baseline_value": Decimal(baseline),
        "baseline_year": baseline_year,
        "targets": {year: Decimal(value) for year, value in targets.items()},
    }


INDICATORS: tuple[dict[str, Any], ...] = (
    _indicator(
        "R1",
        1,
        1,
        None,
        "本市の外国人宿泊者数",
        "Foreign overnight guests in the city",
        "people",
        "342649",
        2019,
        {2027: "600000", 2031: "800000"},
        basis="calendar",
        representative=True,
    ),
    _indicator(
        "R2",
        2,
        2,
        None,
        "多文化共生社会が進んだと感じる市民の割合",
        "Citizens who feel the multicultural society has progressed",
        "percent",
        "24.5",
        2023,
        {2027: "50", 2031: "70"},
        representative=True,
    ),
    _indicator(
        "1a",
        3,
        1,
        1,
        "本市の外国人宿泊客数（暦年）",
        "Foreign overnight guests in the city (calendar year)",
        "people",
        "342649",
        2019,
        {2031: "800000"},
        basis="calendar",
    ),
    _indicator(
        "1b",
        4,
        1,
        1,
        "国際コンベンション開催数",
        "International conventions held",
        "events",
        "18",
        2019,
        {2027: "25"},
        # As the convention statistics it comes from, and the strategy's "（2019年）".
        basis="calendar",
    ),
    _indicator(
        "2a",
        5,
        1,
        2,
        "本市企業の海外進出数",
        "Local companies expanding overseas",
        "companies",
        "28",
        2021,
        {2031: "35"},
    ),
    _indicator(
        "2b",
        6,
        1,
        2,
        "フードビジネスの海外販路開拓に係る商談会やセミナー等に参加した企業数(延べ件数)",
        "Companies taking part in overseas food-business meetings and seminars (cumulative)",
        "companies",
        "149",
        2021,
        {2031: "180"},
        cumulative=True,
    ),
    _indicator(
        "3a",
        7,
        1,
        3,
        "友好姉妹都市等、海外都市との交流に関心がある市民の割合",
        "Citizens interested in exchanges with partner and other overseas cities",
        "percent",
        "34.3",
        2023,
        {2027: "50", 2031: "70"},
    ),
    _indicator(
        "3b",
        8,
        1,
        3,
        "海外諸都市、国際機関などとのネットワークを活用して、熊本市の魅力を発信した件数",
        "Promotions of Kumamoto through its network of overseas cities and "
        "international organisations",
        "cases",
        "33",
        2022,
        {2027: "45", 2031: "60"},
        computed_rule="promotions_3b",
    ),
    _indicator(
        "4a",
        9,
        2,
        4,
        "暮らしやすいと感じている在住外国人の割合",
        "Foreign residents who find the city easy to live in",
        "percent",
        "73.3",
        2023,
        {2031: "90"},
    ),
    _indicator(
        "4b",
        10,
        2,
        4,
        "熊本市外国人総合相談プラザにおける相談受付件数(延べ人数)",
        "Consultations at the Kumamoto City Foreign Residents' Support Plaza (cumulative)",
        "people",
        "752",
        2022,
        {2031: "1500"},
        cumulative=True,
    ),
    _indicator(
        "4c",
        11,
        2,
        4,
        "国際関係ボランティア活動数(延べ人数)",
        "International volunteer activities (cumulative head-count)",
        "people",
        "3459",
        2022,
        {2031: "7000"},
        cumulative=True,
    ),
    _indicator(
        "4d",
        12,
        2,
        4,
        "日本語支援事業参加者数(延べ人数)",
        "Participants in Japanese-language support (cumulative)",
        "people",
        "2512",
        2022,
        {2031: "5000"},
        cumulative=True,
    ),
    _indicator(
        "5a",
        13,
        2,
        5,
        "本市が実施する国際関係セミナー・講座の開催件数",
        "International seminars and courses held by the city",
        "events",
        "69",
        2022,
        {2031: "100"},
    ),
    _indicator(
        "5b",
        14,
        2,
        5,
        "本市の青少年の友好姉妹都市等との青少年交流、国際的な会議等への参加人数（延べ）",
        "Young people of the city in exchanges with partner cities and at international "
        "conferences (cumulative)",
        "people",
        "14",
        2023,
        {2031: "30"},
        computed_rule="youth_5b",
        cumulative=True,
    ),
)


# The city's own offices are part of the network its promotions run through.
ORGANIZATIONS: tuple[dict[str, Any], ...] = (
    {"kind": "overseas_office", "country": "CN", "name_ja": "熊本市上海事務所",
     "name_en": "Kumamoto City Shanghai Office"},
    {"kind": "tokyo_office", "country": "JP", "name_ja": "熊本市東京事務所",
     "name_en": "Kumamoto City Tokyo Office"},
)


@dataclass
class SeedReport:
    """What one run of the seed added."""

    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def seed_reference_data(session: Session) -> SeedReport:
    """Add the partner cities, indicators and leading projects that are missing."""
    report = SeedReport()
    existing_projects = set(session.scalars(select(LeadingProject.number)))
    for number, name_ja, name_en in LEADING_PROJECTS:
        if number not in existing_projects:
            session.add(LeadingProject(number=number, name_ja=name_ja, name_en=name_en))
            report.add("leading_projects")

    existing_cities = set(session.scalars(select(PartnerCity.slug)))
    for order, data in enumerate(PARTNER_CITIES, start=1):
        if data["slug"] in existing_cities:
            continue
        values = {k: v for k, v in data.items() if k not in {"fields", "events"}}
        city = PartnerCity(display_order=order, **values)
        city.fields = data["fields"]
        city.events = [RelationshipEvent(**event) for event in data["events"]]
        session.add(city)
        report.add("partner_cities")

    existing_indicators = set(session.scalars(select(Indicator.code)))
    for data in INDICATORS:
        if data["code"] in existing_indicators:
            continue
        values = {k: v for k, v in data.items() if k != "targets"}
        indicator = Indicator(**values)
        indicator.targets = [
            IndicatorTarget(year=year, value=value) for year, value in data["targets"].items()
        ]
        session.add(indicator)
        report.add("indicators")

    existing_organizations = set(session.scalars(select(Organization.name_en)))
    for data in ORGANIZATIONS:
        if data["name_en"] not in existing_organizations:
            session.add(Organization(**data))
            report.add("organizations")
    session.flush()
    return report
