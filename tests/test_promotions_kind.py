"""Promotions and organisations read from their declaration: one check, one history, one link."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange_app import importing
from exchange_app.imports.kinds import get_kind
from exchange_app.models import AuditEntry, LeadingProject, Organization, Promotion
from exchange_app.promotions import operations
from exchange_app.promotions.kind import ORGANIZATIONS, PROMOTIONS
from exchange_app.records.kind import undeclared_columns
from exchange_app.services import dates
from tests.factories import city, make_organization, make_promotion
from tests.import_files import make_file

IMPORT_HEADERS = [
    "external_id",
    "date",
    "title",
    "channel",
    "partner",
    "organization",
    "theme",
    "medium",
    "reach",
    "counts_toward_3b",
    "exclusion_reason",
]




def consulate(db: Session) -> Organization:
    return make_organization(
        db, "embassy_consulate", name_ja="在福岡中国総領事館", name_en="CN Fukuoka"
    )




def audit_count(db: Session) -> int:
    return db.scalar(select(func.count(AuditEntry.id))) or 0


# ------------------------------------------------------------------------- the declaration


@pytest.mark.parametrize("kind", [PROMOTIONS, ORGANIZATIONS], ids=lambda kind: kind.key)
def test_every_column_is_declared_or_excluded(kind: Any) -> None:
    assert undeclared_columns(kind) == set()


# ----------------------------------------------------- the form and the import say the same


def _form_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error" class="invalid-feedback[^"]*">(.*?)</div>', page, re.S)
    assert match, f"no error on {field}"
    return html.unescape(match.group(1)).strip()


@pytest.mark.parametrize(
    ("form_values", "row_values", "field", "column"),
    [
        # A channel that does not fit the organisation's kind.
        (
            {"channel": "international_organization", "partner_city_id": "", "org": True},
            {"channel": "international_organization", "partner": "", "org": True},
            "organization_id",
            "organization",
        ),
        # A negative reach.
        ({"reach": "-5"}, {"reach": "-5"}, "reach", "reach"),
        # Left out of 3b without a reason.
        ({"counts_toward_3b": None}, {"counts_toward_3b": "いいえ"}, "exclusion_reason",
         "exclusion_reason"),
        # The last day before the first.
        ({"end_date": "2024-05-31"}, {"end_date": "2024-05-31"}, "end_date", "end_date"),
    ],
)
def test_import_refuses_what_the_form_refuses_with_the_same_message(
    app: Any,
    auth: Any,
    client: Any,
    db: Session,
    form_values: dict[str, Any],
    row_values: dict[str, Any],
    field: str,
    column: str,
) -> None:
    organization = consulate(db)
    form = {
        "start_date": "2024-06-01",
        "end_date": "",
        "title": "総領事館での食の紹介",
        "channel": "partner_city",
        "partner_city_id": str(city(db, "guilin").id),
        "organization_id": "",
        "theme": "food",
        "medium": "event",
        "reach": "",
        "counts_toward_3b": "y",
        "exclusion_reason": "",
    }
    form.update(form_values)
    if form.pop("org", False):
        form["organization_id"] = str(organization.id)
    auth.login("staff")
    response = client.post("/promotions/new", data={k: v for k, v in form.items() if v is not None})
    assert response.status_code == 200
    form_message = _form_error(response.get_data(as_text=True), field)

    row = {
        "external_id": "PR-X",
        "date": "2024-06-01",
        "end_date": "",
        "title": "総領事館での食の紹介",
        "channel": "partner_city",
        "partner": "guilin",
        "organization": "",
        "theme": "food",
        "medium": "event",
        "reach": "",
        "counts_toward_3b": "",
        "exclusion_reason": "",
    }
    row.update(row_values)
    if row.pop("org", False):
        row["organization"] = organization.name_ja
    headers = list(row)
    with app.test_request_context():
        plan = importing.plan_import(
            db, get_kind("promotions"), *make_file("xlsx", headers, [list(row.values())])
        )
    messages = [p.message for p in plan.problems if p.column == column]
    assert messages == [form_message]
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", form_message), "shown in Japanese"
    assert db.scalar(select(func.count(Promotion.id))) == 0


def test_a_merged_organisation_named_in_a_file_stands_for_the_one_it_was_merged_into(
    app: Any, db: Session
) -> None:
    keep = consulate(db)
    duplicate = operations.create_organization(
        db, {"kind": "embassy_consulate", "name_ja": "中国駐福岡総領事館", "name_en": "Dup"}, None
    )
    operations.merge_organizations(db, keep, duplicate, None)
    db.commit()
    row = ["PR-M", "2024-06-01", "x", "embassy_consulate", "", "中国駐福岡総領事館", "food",
           "event", "", "", ""]
    with app.test_request_context():
        plan = importing.plan_import(
            db, get_kind("promotions"), *make_file("xlsx", IMPORT_HEADERS, [row])
        )
        assert plan.ok, [p.text() for p in plan.problems]
        importing.apply_plan(db, get_kind("promotions"), plan)
    db.commit()
    stored = db.scalar(select(Promotion).where(Promotion.external_id == "PR-M"))
    assert stored.organization_id == keep.id
    assert stored.counts_toward_3b is True  # a blank cell means it counts


# --------------------------------------------------------------------------- the history


def _edit_form(db: Session, item: Promotion, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": str(item.version),
        "start_date": item.start_date.isoformat(),
        "end_date": item.end_date.isoformat() if item.end_date else "",
        "title": item.title,
        "channel": item.channel,
        "partner_city_id": str(item.partner_city_id or ""),
        "organization_id": str(item.organization_id or ""),
        "theme": item.theme,
        "medium": item.medium,
        "reach": "" if item.reach is None else str(item.reach),
        "leading_project_ids": [str(p.id) for p in item.leading_projects],
        "exclusion_reason": item.exclusion_reason or "",
        "notes": item.notes or "",
    }
    if item.counts_toward_3b:
        data["counts_toward_3b"] = "y"
    data.update(changes)
    return data


def test_saving_an_unchanged_promotion_writes_no_history(
    auth: Any, client: Any, db: Session
) -> None:
    projects = list(db.scalars(select(LeadingProject).order_by(LeadingProject.number).limit(2)))
    item = make_promotion(db, reach=300, notes="メモ", leading_project_ids=[p.id for p in projects])
    version, before = item.version, audit_count(db)
    auth.login("staff")
    response = client.post(f"/promotions/{item.id}/edit", data=_edit_form(db, item))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "変更はありませんでした" in page or "Nothing was changed" in page
    db.expire_all()
    assert db.get(Promotion, item.id).version == version
    assert audit_count(db) == before


def test_reordered_leading_projects_are_no_change(db: Session) -> None:
    projects = list(db.scalars(select(LeadingProject).order_by(LeadingProject.number).limit(3)))
    item = make_promotion(db, leading_project_ids=[p.id for p in projects])
    before = audit_count(db)
    reordered = [p.id for p in reversed(projects)]
    assert operations.update_promotion(db, item, {"leading_project_ids": reordered}, None) == {}
    assert audit_count(db) == before


def test_history_names_the_cities_and_says_what_changed(
    auth: Any, client: Any, db: Session
) -> None:
    item = make_promotion(db)
    auth.login("staff")
    client.post(
        f"/promotions/{item.id}/edit",
        data=_edit_form(db, item, partner_city_id=str(city(db, "guilin").id), title="桂林で発信"),
    )
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "promotion", AuditEntry.entity_id == item.id)
        .order_by(AuditEntry.id.desc())
    ).first()
    # The audit trail keeps the ids, as it always has; the page names the cities.
    kaohsiung, guilin = city(db, "kaohsiung").id, city(db, "guilin").id
    assert entry.changes["partner_city_id"] == [kaohsiung, guilin]
    page = client.get(f"/promotions/{item.id}").get_data(as_text=True)
    assert "高雄市 → 桂林市" in page
    assert "作成" in page and "更新" in page  # actions translated
    # The entry's time as Japan reads it (format_datetime converts to Asia/Tokyo).
    assert dates.format_datetime(entry.occurred_at, "ja") in page


def test_a_merge_reads_in_both_organisations_histories(
    auth: Any, client: Any, db: Session
) -> None:
    keep = consulate(db)
    duplicate = operations.create_organization(
        db, {"kind": "embassy_consulate", "name_ja": "中国総領事館（福岡）", "name_en": "Dup"}, None
    )
    moved = make_promotion(
        db, channel="embassy_consulate", partner_city_id=None, organization_id=duplicate.id
    )
    operations.merge_organizations(db, keep, duplicate, None)
    db.commit()
    auth.login("viewer")
    merged_page = client.get(f"/promotions/organizations/{duplicate.id}").get_data(as_text=True)
    assert "統合先" in merged_page and "在福岡中国総領事館" in merged_page
    kept_page = client.get(f"/promotions/organizations/{keep.id}").get_data(as_text=True)
    assert "統合した機関・団体" in kept_page and "移した発信" in kept_page
    assert str(moved.id) in kept_page


# ------------------------------------------------------------------------- one spelling


def test_the_old_partner_link_redirects_to_the_city_slug(
    auth: Any, client: Any, db: Session
) -> None:
    guilin = city(db, "guilin").id
    project = db.scalar(select(LeadingProject).where(LeadingProject.number == 2))
    auth.login("viewer")
    response = client.get(f"/promotions/?partner={guilin}&fy=2024")
    assert response.status_code == 301
    assert response.headers["Location"] == "/promotions/?fy=2024&city=guilin"
    response = client.get(f"/promotions/?project={project.id}")
    assert response.status_code == 301
    assert response.headers["Location"] == "/promotions/?lp=2"


def test_filter_links_use_the_city_slug_and_the_project_number(
    auth: Any, client: Any, db: Session
) -> None:
    project = db.scalar(select(LeadingProject).where(LeadingProject.number == 2))
    make_promotion(db, title="桂林で食のPR", partner_city_id=city(db, "guilin").id,
              leading_project_ids=[project.id])
    make_promotion(db, title="高雄で城のPR")
    auth.login("staff")
    page = client.get("/promotions/?city=guilin&lp=2").get_data(as_text=True)
    assert "桂林で食のPR" in page and "高雄で城のPR" not in page
    assert 'href="/promotions/export?format=xlsx&amp;city=guilin&amp;lp=2"' in page
    partner_page = client.get("/partners/guilin").get_data(as_text=True)
    assert 'href="/promotions/?city=guilin"' in partner_page
    assert 'href="/promotions/new?city=guilin"' in partner_page
    new_page = client.get("/promotions/new?city=guilin").get_data(as_text=True)
    guilin = city(db, "guilin").id
    chosen = rf'<option selected value="{guilin}">|<option value="{guilin}" selected'
    assert re.search(chosen, new_page)
    legacy = client.get(f"/promotions/new?partner={guilin}")
    assert legacy.status_code == 301
    assert legacy.headers["Location"] == "/promotions/new?city=guilin"


# ------------------------------------------------------------------------------- export


def test_export_row_cell_by_cell(auth: Any, client: Any, db: Session) -> None:
    projects = list(db.scalars(select(LeadingProject).where(LeadingProject.number.in_([1, 3]))))
    organization = operations.create_organization(
        db, {"kind": "international_organization", "name_ja": "国連ハビタット",
             "name_en": "UN-Habitat"}, None
    )
    item = make_promotion(
        db,
        title="高雄マラソンで熊本をPR",
        partner_city_id=city(db, "kaohsiung").id,
        start_date=date(2025, 3, 30),
        end_date=date(2025, 4, 2),
        channel="international_conference",
        organization_id=organization.id,
        theme="groundwater",
        medium="presentation",
        reach=1200,
        leading_project_ids=[p.id for p in projects],
        counts_toward_3b=False,
        exclusion_reason="重複",
        notes="=1+1",
    )
    auth.login("viewer")
    response = client.get("/promotions/export?format=csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1] == [
        str(item.id),
        "2025-03-30",
        "2025-04-02",
        "2024",
        "高雄マラソンで熊本をPR",
        "国際会議",
        "高雄市",
        "国連ハビタット",
        "地下水・くまもと水ブランド",
        "プレゼンテーション",
        "1、3",
        "1200",
        "いいえ",
        "重複",
        "'=1+1",
    ]
