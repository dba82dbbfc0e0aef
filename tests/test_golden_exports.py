"""Golden exports: every export of every record kind, compared cell by cell on the demo data.

Export columns, headers, sheet names and file names are public contracts: offices keep
spreadsheets and macros built on them. These tests pin every export, in every format,
to the files under ``tests/golden/`` (see ``tests/golden_files.py`` for their format).

The data is the demo dataset at scale 1 (seed 2029) plus a handful of records that fill
what the demo leaves empty (a counterpart that is not a partner city, courtesy calls,
a promotion left out of 3b, a guardian's e-mail ...), including text that looks like a
formula and characters that cp932 cannot hold. It lives in a database of its own,
migrated and filled once for this module with the clock at a fixed Japan date, so that
record ids, the fiscal year and every date are the same on SQLite and PostgreSQL and do
not depend on which tests ran before.

After an intended change of an export: ``UPDATE_GOLDEN=1 python -m pytest
tests/test_golden_exports.py`` rewrites the files; review ``git diff tests/golden``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app import create_app, migrate
from exchange_app.db import create_db_engine
from exchange_app.indicators import operations as indicators
from exchange_app.models import (
    CourtesyCall,
    Delegation,
    DelegationMember,
    Gift,
    HistoryReport,
    Indicator,
    LeadingProject,
    Organization,
    Participant,
    PartnerCity,
    Promotion,
    RelationshipEvent,
    YouthPerson,
    YouthProgram,
)
from exchange_app.services import accounts, anniversaries, demo_data
from exchange_app.services.seed import seed_reference_data
from exchange_app.youth import operations as youth
from tests.conftest import PASSWORD, reset_database
from tests.golden_files import (
    CsvShapeError,
    Export,
    check_golden,
    csv_export,
    first_difference,
    xlsx_export,
)
from tests.scratch import scratch_database_url

# Noon in Kumamoto on 15 June 2025 (03:00 UTC): the same day in Japan and on a UTC server,
# well inside fiscal year 2025.
NOW = datetime(2025, 6, 15, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
TODAY = NOW.date()
DEMO_SEED = 2029
ADMIN_EMAIL = "golden-admin@example.org"
PREFIX = "golden-"  # external ids of the records added to the demo data
PURGED_BEFORE = date(2020, 4, 1)


def frozen_clock() -> time_machine.travel:
    return time_machine.travel(NOW, tick=True)


# --- the data --------------------------------------------------------------------------------


def _add_records_the_demo_leaves_empty(session: Session) -> None:
    """Records that fill every exported column the demo data leaves empty."""
    cities = {city.slug: city for city in session.scalars(select(PartnerCity))}
    projects = list(session.scalars(select(LeadingProject).order_by(LeadingProject.number)))
    embassy = session.scalars(
        select(Organization).where(Organization.kind == "embassy_consulate")
    ).one()
    embassy.notes = "窓口: 文化担当官\n(Cultural attaché)"

    consulate_visit = Delegation(
        external_id=f"{PREFIX}d1",
        direction="inbound",
        partner_city_id=None,
        counterpart="在福岡大韓民国総領事館",
        title="[デモ] 総領事の表敬訪問",
        start_date=date(2024, 11, 5),
        end_date=date(2024, 11, 6),
        head_name="김민수",  # hangul: cp932 has no such characters
        head_title="総領事",
        member_count=4,
        purpose="経済交流の打合せ\n観光プロモーションの協力（11月5日〜6日）",
        outcome="=今後も定期的に協議することを確認した。",
        version=1,
    )
    consulate_visit.fields = ["economy", "tourism", "culture"]
    consulate_visit.leading_projects = projects[:2]
    consulate_visit.members = [
        DelegationMember(position=0, name="김민수", organization="在福岡大韓民国総領事館",
                         title="総領事"),
        DelegationMember(position=1, name="髙橋 一郎", organization=None, title="通訳"),
        DelegationMember(position=2, name="Park Ji-won", organization="Consulate", title=None),
    ]
    consulate_visit.courtesy_calls = [
        CourtesyCall(position=0, visited="熊本市長", visited_on=date(2024, 11, 5), notes="市長室"),
        CourtesyCall(position=1, visited="熊本市議会議長", visited_on=None),
    ]
    consulate_visit.gifts = [
        Gift(position=0, direction="given", description="肥後象がん", counterpart="総領事",
             given_on=date(2024, 11, 5)),
        Gift(position=1, direction="received", description="青磁の花瓶", counterpart=None,
             given_on=None),
    ]
    ulsan_visit = Delegation(  # typed in the form: no external id
        external_id=None,
        direction="outbound",
        partner_city_id=cities["ulsan"].id,
        counterpart=None,
        title="[デモ] 蔚山広域市 友好都市提携記念式典 ①",
        start_date=date(2024, 11, 5),  # the same day as the visit above
        end_date=date(2024, 11, 5),
        head_name=None,
        head_title=None,
        member_count=10_000,
        purpose=None,
        outcome=None,
        version=1,
    )
    ulsan_visit.fields = ["administration"]
    session.add_all([consulate_visit, ulsan_visit])

    session.add_all([
        Promotion(
            external_id=f"{PREFIX}p1",
            start_date=date(2024, 7, 1),
            end_date=date(2024, 7, 31),
            title="[デモ] 大使館ニュースレターでの熊本城紹介",
            channel="embassy_consulate",
            partner_city_id=None,
            organization_id=embassy.id,
            theme="tourism",
            medium="publication",
            reach=None,
            counts_toward_3b=False,
            exclusion_reason="市の主催ではないため（共催扱い）",
            notes="+ 次年度は共同主催を検討\n担当: 国際課",
            version=1,
        ),
        Promotion(  # typed in the form: no external id
            external_id=None,
            start_date=date(2025, 4, 1),
            end_date=date(2025, 4, 6),
            title="[デモ] 桂林市での物産展 〜熊本の魅力〜",
            channel="partner_city",
            partner_city_id=cities["guilin"].id,
            organization_id=None,
            theme="food",
            medium="exhibition",
            reach=0,
            counts_toward_3b=True,
            exclusion_reason=None,
            notes="－ 会場: 桂林市",
            version=1,
        ),
    ])

    conference = YouthProgram(  # typed in the form: no external id
        external_id=None,
        title="[デモ] アジア青少年環境会議",
        kind="international_conference",
        partner_city_id=None,
        counterpart="アジア青少年環境フォーラム",
        direction="outbound",
        start_date=date(2024, 8, 1),
        end_date=date(2024, 8, 5),
        description="環境問題について英語で発表する。\n事前研修: 7月に3回",
        version=1,
    )
    people = [YouthPerson(), YouthPerson()]
    conference.participants = [
        Participant(
            person=people[0], role="youth", resident=True, status="participated",
            age_band="15-17", family_name="髙木", given_name="葵", family_name_kana="たかぎ",
            given_name_kana="あおい",
            family_name_romaji="Takagi", given_name_romaji="Aoi", birth_date=date(2008, 8, 1),
            school="熊本市立必由館高等学校", grade="高校2年", guardian_name="髙木 保護者",
            guardian_phone="096-328-2070", guardian_email="takagi@example.org",
            guardian_consent_on=date(2024, 6, 20), emergency_contact="父 090-0000-0000",
            photo_consent=True, external_id="P-2024-001", version=1,
        ),
        Participant(
            person=people[1], role="youth", resident=False, status="applied", age_band="12-14",
            family_name="林", given_name="蓮", family_name_kana="はやし", given_name_kana="れん",
            family_name_romaji=None, given_name_romaji="Ren", birth_date=date(2011, 12, 31),
            school=None, grade=None, guardian_name=None, guardian_phone=None,
            guardian_email=None, guardian_consent_on=None, emergency_contact=None,
            photo_consent=False, version=1,
        ),
        Participant(
            person=None, role="staff", resident=True, status="participated", age_band="18+",
            family_name="坂本", given_name="悠真", family_name_kana="さかもと",
            given_name_kana="ゆうま", family_name_romaji="Sakamoto", given_name_romaji="Yuma",
            birth_date=None, school=None, grade=None, guardian_name=None, guardian_phone=None,
            guardian_email=None, guardian_consent_on=None, emergency_contact="国際課 096-328-2070",
            photo_consent=True, version=1,
        ),
    ]
    session.add(conference)
    session.flush()


def _purge_old_programmes(session: Session) -> None:
    """Personal data of programmes that ended over five years ago removed, as offices do."""
    assert youth.purge_personal_data(session, PURGED_BEFORE) > 0


def _enter_and_confirm_indicators(session: Session, admin_id: int) -> None:
    """Entered figures for 2024 (then the year confirmed) and one draft figure for 2025."""
    entered = list(
        session.scalars(
            select(Indicator).where(Indicator.source == "entered").order_by(Indicator.display_order)
        )
    )
    for offset, indicator in enumerate(entered[:3]):
        step = Decimal("1.5") if indicator.unit == "percent" else Decimal(1200)
        indicators.save_entered_value(
            session, indicator, 2024,
            value=indicator.baseline_value + step * (offset + 1),
            source_note="熊本市国際課調べ" if offset != 1 else None,
            note="令和6年度の実績（速報値）" if offset == 0 else None,
            reason=None, user_id=admin_id,
        )
    indicators.confirm_year(session, 2024, user_id=admin_id, note="確定")
    indicators.save_entered_value(
        session, entered[0], 2025, value=entered[0].baseline_value, source_note="見込み",
        note="年度途中の見込み値", reason=None, user_id=admin_id,
    )


def _leave_records_out_of_a_history(session: Session) -> None:
    """Guilin's next history, saved with a delegation and a promotion left out."""
    guilin = session.scalars(select(PartnerCity).where(PartnerCity.slug == "guilin")).one()
    milestone = anniversaries.next_milestone(guilin, TODAY)
    delegation = session.scalars(
        select(Delegation.id).where(Delegation.partner_city_id == guilin.id)
        .order_by(Delegation.start_date, Delegation.id).limit(1)
    ).one()
    promotion = session.scalars(
        select(Promotion.id).where(Promotion.partner_city_id == guilin.id)
        .order_by(Promotion.start_date, Promotion.id).limit(1)
    ).one()
    session.add(
        HistoryReport(
            partner_city_id=guilin.id,
            ordinal=milestone.ordinal,
            language="ja",
            excluded_records=[f"delegation:{delegation}", f"promotion:{promotion}"],
            photo_captions=[],
            version=1,
        )
    )


@dataclass
class GoldenSite:
    """The app on the golden database, and a stable name for every record id."""

    app: Flask
    # entity -> record id -> its external id, or its title for a record typed in the form
    names: dict[str, dict[int, str]]
    # records picked by the tests (name -> stable name)
    picked: dict[str, str]
    # exports already read by a test, by URL (the same data for every test of the module)
    read: dict[str, Export] = field(default_factory=dict)

    def record_id(self, entity: str) -> Callable[[Any], str | None]:
        """Names the record an ID cell (a number, or digits as text) points at."""

        def name(value: Any) -> str | None:
            if isinstance(value, str):
                if not value.isdigit():
                    return None
                value = int(value)
            stable = self.names[entity].get(value)
            return f"{entity} {stable}" if stable is not None else None

        return name

    def made_up_external_id(self, entity: str) -> Callable[[Any], str | None]:
        """Names the record of an external id the import export makes up (``delegation-12``)."""
        prefix = entity.replace("_", "-") + "-"
        record_id = self.record_id(entity)

        def name(value: Any) -> str | None:
            if not isinstance(value, str) or not value.startswith(prefix):
                return None
            stable = record_id(value.removeprefix(prefix))
            return f"{prefix}<{stable}>" if stable is not None else None

        return name

    def id_of(self, entity: str, stable: str) -> int:
        return next(i for i, name in self.names[entity].items() if name == stable)


def _record_names(session: Session) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = {}
    for entity, model in (
        ("delegation", Delegation),
        ("youth_program", YouthProgram),
        ("promotion", Promotion),
    ):
        rows = session.execute(select(model.id, model.external_id, model.title)).all()
        names[entity] = {
            row.id: row.external_id or f"typed in: {row.title}" for row in rows
        }
        assert len(set(names[entity].values())) == len(rows), f"two {entity} share a name"
    organizations = session.execute(
        select(Organization.id, Organization.external_id, Organization.name_ja)
    ).all()
    names["organization"] = {
        row.id: row.external_id or f"typed in: {row.name_ja}" for row in organizations
    }
    events = session.execute(
        select(
            RelationshipEvent.id,
            PartnerCity.slug,
            RelationshipEvent.occurred_on,
            RelationshipEvent.title_ja,
        ).join(PartnerCity, PartnerCity.id == RelationshipEvent.partner_city_id)
    ).all()
    names["event"] = {row.id: f"{row.slug} {row.occurred_on} {row.title_ja}" for row in events}
    assert len(set(names["event"].values())) == len(events), "two events share a name"
    return names


def _picked_programmes(session: Session, names: dict[str, dict[int, str]]) -> dict[str, str]:
    demo = (
        select(YouthProgram.id)
        .where(YouthProgram.external_id.startswith(demo_data.DEMO_PREFIX))
        .where(YouthProgram.kind == "partner_exchange")
    )
    newest = session.scalars(
        demo.order_by(YouthProgram.start_date.desc(), YouthProgram.id.desc()).limit(1)
    ).one()
    oldest = session.scalars(demo.order_by(YouthProgram.start_date, YouthProgram.id).limit(1)).one()
    conference = session.scalars(
        select(YouthProgram.id).where(YouthProgram.kind == "international_conference")
        .where(YouthProgram.external_id.is_(None))
    ).one()
    programs = names["youth_program"]
    return {"conference": programs[conference], "newest": programs[newest],
            "purged": programs[oldest]}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GoldenSite]:
    """A database of its own: migrated, seeded, demo data at scale 1 and the extra records."""
    url = scratch_database_url("golden_exports", str(tmp_path_factory.mktemp("golden")))
    reset_database(url)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with frozen_clock(), Session(engine) as session:
        seed_reference_data(session)
        admin = accounts.create_user(
            session, email=ADMIN_EMAIL, display_name="Golden Admin", role="admin",
            password=PASSWORD,
        )
        session.flush()
        demo_data.generate(session, 1, seed=DEMO_SEED)
        _add_records_the_demo_leaves_empty(session)
        _purge_old_programmes(session)
        _enter_and_confirm_indicators(session, admin.id)
        _leave_records_out_of_a_history(session)
        session.commit()
        names = _record_names(session)
        picked = _picked_programmes(session, names)
    engine.dispose()
    app = create_app({"DATABASE_URL": url})
    yield GoldenSite(app=app, names=names, picked=picked)
    app.extensions["exchange_app.db"].engine.dispose()
    reset_database(url)


def _sign_in(site: GoldenSite) -> FlaskClient:
    client = site.app.test_client()
    response = client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


@pytest.fixture
def signed_in(site: GoldenSite) -> Iterator[FlaskClient]:
    """An administrator's client, with the clock at ``NOW`` for the whole test."""
    with frozen_clock():
        yield _sign_in(site)


# --- the exports -----------------------------------------------------------------------------

IMPORT_KINDS = (
    "delegations",
    "delegation-members",
    "courtesy-calls",
    "gifts",
    "youth-programs",
    "participants",
    "organizations",
    "promotions",
)
# The entity of the records each import kind exports, and the programme its rows point at.
IMPORT_IDS = {
    "delegations": (("external_id", "delegation"),),
    "youth-programs": (("external_id", "youth_program"),),
    "participants": (("program_external_id", "youth_program"),),
    "delegation-members": (("delegation_external_id", "delegation"),),
    "courtesy-calls": (("delegation_external_id", "delegation"),),
    "gifts": (("delegation_external_id", "delegation"),),
    "organizations": (("external_id", "organization"),),
    "promotions": (("external_id", "promotion"),),
}
HISTORY_SHEETS = ("delegation", "youth_program", "promotion", "event")


@dataclass(frozen=True)
class Download:
    """One download: the golden file it must equal, its URL, and how to read it."""

    golden: str
    url: str
    file_format: str = "xlsx"  # or csv
    encoding: str = "utf-8-sig"
    # (sheet title or index, header, entity) of columns holding record ids
    ids: tuple[tuple[str | int, str, str], ...] = ()
    made_up_ids: tuple[tuple[str, str], ...] = ()  # (header, entity) of made-up external ids
    full: bool = True  # every record of the kind (not a filtered list, not a template)


def _list_downloads(golden: str, path: str, entity: str, filtered: str) -> list[Download]:
    ids = ((0, "ID", entity),)
    return [
        Download(f"{golden}.xlsx", f"{path}?lang=ja", ids=ids),
        # The list exports are in Japanese whatever the user's language.
        Download(f"{golden}.xlsx", f"{path}?lang=en", ids=ids),
        Download(f"{golden}.utf8.csv", f"{path}?format=csv&lang=ja", "csv", ids=ids),
        Download(
            # cp932 cannot hold the hangul: the user chose to substitute it (else: refused).
            f"{golden}.cp932.csv", f"{path}?format=csv&encoding=cp932&substitute=1&lang=ja",
            "csv", "cp932",
            ids=ids,
        ),
        Download(f"{golden}-filtered.xlsx", f"{path}?{filtered}&lang=ja", ids=ids, full=False),
    ]


def _import_downloads() -> list[Download]:
    downloads = []
    for kind in IMPORT_KINDS:
        made_up = IMPORT_IDS[kind]
        path = f"/imports/export/{kind}"
        downloads += [
            Download(f"import-{kind}.xlsx", f"{path}?format=xlsx", made_up_ids=made_up),
            Download(f"import-{kind}.utf8.csv", f"{path}?format=csv", "csv", made_up_ids=made_up),
            Download(
                f"import-{kind}.cp932.csv",
                f"{path}?format=csv&encoding=cp932&substitute=1",
                "csv",
                "cp932",
                made_up_ids=made_up,
            ),
            Download(f"import-template-{kind}.xlsx", f"/imports/templates/{kind}.xlsx", full=False),
        ]
    return downloads


HISTORY_IDS = tuple((index, "ID", entity) for index, entity in enumerate(HISTORY_SHEETS))
DOWNLOADS = [
    *_list_downloads("delegations-list", "/delegations/export", "delegation",
                     "city=guilin&sort=-size"),
    *_list_downloads("promotions-list", "/promotions/export", "promotion",
                     "channel=partner_city&sort=reach"),
    # The fiscal year the clock is in (the default), in both languages, and a confirmed year.
    Download("indicators-2025.ja.xlsx", "/indicators/export?lang=ja"),
    Download("indicators-2025.en.xlsx", "/indicators/export?lang=en"),
    Download("indicators-2024.ja.xlsx", "/indicators/export?year=2024&lang=ja"),
    *_import_downloads(),
    # Guilin's history is saved in Japanese with two records left out.
    Download("history-guilin.ja.xlsx", "/history/guilin/xlsx?lang=ja", ids=HISTORY_IDS),
    Download("history-guilin.en.xlsx", "/history/guilin/xlsx?language=en&lang=en",
             ids=HISTORY_IDS),
    Download("history-heidelberg.ja.xlsx", "/history/heidelberg/xlsx?lang=ja", ids=HISTORY_IDS),
]
# Participant lists: (golden, programme picked, language).
PARTICIPANT_LISTS = [
    ("youth-participants-conference.ja.xlsx", "conference", "ja"),
    ("youth-participants-conference.en.xlsx", "conference", "en"),
    ("youth-participants-newest.ja.xlsx", "newest", "ja"),
    ("youth-participants-purged.ja.xlsx", "purged", "ja"),
]


def _participant_list(site: GoldenSite, golden: str, picked: str, language: str) -> Download:
    program_id = site.id_of("youth_program", site.picked[picked])
    return Download(golden, f"/youth/{program_id}/participants.xlsx?lang={language}")


def _read(site: GoldenSite, response: Any, download: Download) -> Export:
    """A downloaded file as golden data, with its record ids named."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    disposition = response.headers["Content-Disposition"]
    if download.url.startswith("/youth/"):  # the file name holds the programme's id
        program_id = download.url.split("/")[2]
        program = site.names["youth_program"][int(program_id)]
        disposition = disposition.replace(f"-{program_id}_", f"-<youth_program {program}>_")
    header = {
        "export": download.golden,
        "download": {
            "content_type": response.headers["Content-Type"],
            "content_disposition": disposition,
        },
    }
    ids: dict[str | int, dict[str, Callable[[Any], str | None]]] = {}
    for sheet, column, entity in download.ids:
        ids.setdefault(sheet, {})[column] = site.record_id(entity)
    for column, entity in download.made_up_ids:
        ids.setdefault(0, {})[column] = site.made_up_external_id(entity)
    if download.file_format == "csv":
        export = csv_export(response.data, header, download.encoding, ids.get(0))
    else:
        export = xlsx_export(response.data, header, ids)
    site.read[download.url] = export
    return export


@pytest.mark.parametrize("download", DOWNLOADS, ids=lambda download: download.url)
def test_export_matches_its_golden_file(
    site: GoldenSite, signed_in: FlaskClient, download: Download
) -> None:
    response = signed_in.get(download.url, follow_redirects=True)
    check_golden(download.golden, _read(site, response, download))


@pytest.mark.parametrize(("golden", "picked", "language"), PARTICIPANT_LISTS)
def test_participant_list_matches_its_golden_file(
    site: GoldenSite, signed_in: FlaskClient, golden: str, picked: str, language: str
) -> None:
    download = _participant_list(site, golden, picked, language)
    response = signed_in.get(download.url, follow_redirects=True)
    check_golden(golden, _read(site, response, download))


def _same_workbook(first: bytes, second: bytes) -> str | None:
    """None if two xlsx files hold the same sheets and cells (their write times differ)."""
    header = {"export": "", "download": None}
    return first_difference(xlsx_export(first, header), xlsx_export(second, header))


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "csv-cp932"])
@pytest.mark.parametrize("kind", IMPORT_KINDS)
def test_export_command_writes_what_the_wizard_downloads(
    site: GoldenSite, tmp_path: Any, kind: str, file_format: str
) -> None:
    form, _sep, encoding = file_format.partition("-")
    output = tmp_path / f"{kind}.{form}"
    with frozen_clock():
        substitute = ["--substitute"] if encoding == "cp932" else []
        result = site.app.test_cli_runner().invoke(
            args=["export", kind, "--format", form, "--encoding", encoding or "utf-8-sig",
                  *substitute, "--output", str(output)]
        )
        assert result.exit_code == 0, result.output
        query = f"format={form}" + (f"&encoding={encoding}&substitute=1" if encoding else "")
        downloaded = _sign_in(site).get(f"/imports/export/{kind}?{query}")
    assert downloaded.status_code == 200
    if form == "csv":
        assert output.read_bytes() == downloaded.data
    else:
        difference = _same_workbook(downloaded.data, output.read_bytes())
        assert difference is None, difference


@pytest.mark.parametrize("language", ["ja", "en"])
def test_history_command_writes_what_the_page_downloads(
    site: GoldenSite, tmp_path: Any, language: str
) -> None:
    output = tmp_path / "guilin.xlsx"
    with frozen_clock():
        result = site.app.test_cli_runner().invoke(
            args=["history", "guilin", "--format", "xlsx", "--lang", language,
                  "--output", str(output)]
        )
        assert result.exit_code == 0, result.output
        downloaded = _sign_in(site).get(f"/history/guilin/xlsx?language={language}")
    assert downloaded.status_code == 200
    difference = _same_workbook(downloaded.data, output.read_bytes())
    assert difference is None, difference


def test_the_data_fills_every_exported_column(
    site: GoldenSite, signed_in: FlaskClient
) -> None:
    """Each column of each full export holds a value in some row, so none goes unchecked."""
    participant_lists = [_participant_list(site, *case) for case in PARTICIPANT_LISTS]
    tables: dict[tuple[str, str], list[list[Any]]] = {}
    for download in [d for d in DOWNLOADS if d.full] + participant_lists:
        export = site.read.get(download.url) or _read(
            site, signed_in.get(download.url), download
        )
        # Per-programme lists and per-city histories count together: one export each.
        if download in participant_lists:
            family = "participant lists"
        elif download.golden.startswith("history-"):
            family = "history appendices, " + download.golden.rsplit(".", 2)[1]
        else:
            family = download.golden
        for index, section in enumerate(export.sections):
            tables.setdefault((family, f"{section.title} (sheet {index + 1})"), []).extend(
                section.rows
            )
    unfilled = []
    for (family, title), rows in tables.items():
        headers = rows[0]
        empty = [
            header
            for index, header in enumerate(headers)
            if all(row[index] in (None, "") for row in rows if row != headers)
        ]
        if empty:
            unfilled.append(f"{family}, {title}: {empty}")
    assert not unfilled, "columns without a value in any row:\n" + "\n".join(unfilled)


# --- the comparison itself -------------------------------------------------------------------


def _one_sheet(start: Any) -> Export:
    from exchange_app.services.exports import xlsx_workbook_bytes

    content = xlsx_workbook_bytes(
        [("訪問団", ["ID", "件名", "開始日"], [[7, "桂林市", start]]), ("発信", ["ID"], [[2]])]
    )
    return xlsx_export(content, {"export": "x", "download": None})


def test_a_difference_names_the_sheet_row_column_and_both_values() -> None:
    expected = _one_sheet(date(2024, 4, 1))
    assert first_difference(expected, _one_sheet(date(2024, 4, 1))) is None
    assert first_difference(expected, _one_sheet("2024-04-01")) == (
        "sheet '訪問団', row 2, column 3 (\"開始日\"): "
        'expected {"date": "2024-04-01", "format": "yyyy-mm-dd"}, found "2024-04-01"'
    )
    assert first_difference(expected, _one_sheet(datetime(2024, 4, 1, 9, 30))) == (
        "sheet '訪問団', row 2, column 3 (\"開始日\"): "
        'expected {"date": "2024-04-01", "format": "yyyy-mm-dd"}, '
        'found {"datetime": "2024-04-01T09:30:00", "format": "yyyy-mm-dd h:mm:ss"}'
    )


def test_a_number_is_not_text_nor_a_boolean() -> None:
    from exchange_app.services.exports import xlsx_bytes

    def cell(value: Any) -> str:
        export = xlsx_export(xlsx_bytes(["n"], [[value]]), {"export": "x"})
        return json.dumps(export.sections[0].rows[1][0])

    # An xlsx number has no int/float distinction of its own (3.0 is stored as 3).
    assert [cell(3), cell(2.5), cell("3"), cell(True)] == ["3", "2.5", '"3"', "true"]


def test_ids_are_named_and_unknown_ids_left_for_the_comparison_to_show() -> None:
    from exchange_app.services.exports import xlsx_bytes

    names = {"ID": lambda value: {7: "delegation GL-1"}.get(int(value))}
    content = xlsx_bytes(["ID", "件名"], [[7, "a"], [8, "b"]])
    rows = xlsx_export(content, {"export": "x"}, {0: names}).sections[0].rows
    assert rows[1:] == [[{"id": "delegation GL-1"}, "a"], [8, "b"]]
    csv_rows = csv_export(b"ID\r\n7\r\n", {"export": "x"}, "cp932", names).sections[0].rows
    assert csv_rows[1:] == [[{"id_text": "delegation GL-1"}]]


def test_a_csv_is_compared_as_the_exact_text() -> None:
    good = 'ID,件名\r\n1,"a,b"\r\n'.encode("utf-8-sig")
    export = csv_export(good, {"export": "x"}, "utf-8-sig")
    assert export.sections[0].rows == [["ID", "件名"], ["1", "a,b"]]
    assert export.sections[0].meta["csv"]["bom"] is True
    with pytest.raises(CsvShapeError, match="line 2"):  # needless quotes
        csv_export('ID,件名\r\n"1","a,b"\r\n'.encode("utf-8-sig"), {"export": "x"}, "utf-8-sig")
    with pytest.raises(CsvShapeError, match="line 1"):  # bare line feeds
        csv_export("ID,件名\n1,x\n".encode(), {"export": "x"}, "utf-8-sig")
    with pytest.raises(CsvShapeError, match="not valid cp932"):
        csv_export(b"ID\r\n\x82\r\n", {"export": "x"}, "cp932")
    without_bom = csv_export("ID\r\n高雄\r\n".encode("cp932"), {"export": "x"}, "cp932")
    assert without_bom.sections[0].meta["csv"] == {
        "encoding": "cp932", "bom": False, "line_terminator": "\r\n"
    }


def test_the_frozen_moment_is_one_day_in_japan_and_on_the_server() -> None:
    with frozen_clock():
        assert date.today() == TODAY
        assert datetime.now(ZoneInfo("Asia/Tokyo")).date() == TODAY
        # a server anywhere from UTC-3 to UTC+9 sees the same day
        utc = datetime.now(ZoneInfo("UTC"))
        assert (utc - timedelta(hours=3)).date() == (utc + timedelta(hours=9)).date() == TODAY
