"""Network promotions: the 3b rule, the channel rule, the pages, merge, export, roles."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange_app.models import AuditEntry, LeadingProject, Organization, Promotion
from exchange_app.promotions import operations, queries
from exchange_app.promotions.kind import PROMOTIONS, counterpart_fits_channel, counterpart_values
from exchange_app.records.exports import export_headers
from tests.factories import city, make_organization, make_promotion

# ----------------------------------------------------------------------------- helpers








def form_data(db: Session, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "start_date": "2024-10-20",
        "end_date": "",
        "title": "高雄マラソンで熊本をPR",
        "channel": "partner_city",
        "partner_city_id": str(city(db, "kaohsiung").id),
        "organization_id": "",
        "theme": "tourism",
        "medium": "event",
        "reach": "1200",
        "counts_toward_3b": "y",
        "exclusion_reason": "",
        "notes": "",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- the 3b rule


def test_3b_counts_promotions_starting_on_both_edges_of_the_fiscal_year(db: Session) -> None:
    first = make_promotion(db, start_date=date(2024, 4, 1))
    last = make_promotion(db, start_date=date(2025, 3, 31))
    before = make_promotion(db, start_date=date(2024, 3, 31))
    after = make_promotion(db, start_date=date(2025, 4, 1))
    assert queries.promotions_3b_ids(db, 2024) == [first.id, last.id]
    assert queries.promotions_3b_count(db, 2024) == 2
    assert queries.promotions_3b_ids(db, 2023) == [before.id]
    assert queries.promotions_3b_ids(db, 2025) == [after.id]


def test_3b_leaves_out_a_promotion_with_the_flag_off(db: Session) -> None:
    counted = make_promotion(db, start_date=date(2024, 5, 1))
    make_promotion(
        db,
        start_date=date(2024, 5, 2),
        counts_toward_3b=False,
        exclusion_reason="市の魅力発信ではなく事務連絡のため",
    )
    assert queries.promotions_3b_ids(db, 2024) == [counted.id]
    assert queries.promotions_3b_count(db, 2024) == 1


def test_promotion_spanning_march_and_april_counts_once_in_its_start_year(db: Session) -> None:
    spanning = make_promotion(db, start_date=date(2025, 3, 28), end_date=date(2025, 4, 3))
    assert queries.promotions_3b_ids(db, 2024) == [spanning.id]
    assert queries.promotions_3b_ids(db, 2025) == []
    assert queries.counted_in_fiscal_year(db, spanning) == 2024


def test_list_totals_use_the_3b_rule(auth: Any, client: Any, db: Session) -> None:
    make_promotion(db, start_date=date(2025, 3, 28), end_date=date(2025, 4, 3))
    make_promotion(db, start_date=date(2024, 4, 10), reach=100)
    make_promotion(
        db, start_date=date(2024, 4, 11), counts_toward_3b=False, exclusion_reason="重複"
    )
    make_promotion(db, start_date=date(2025, 4, 1))
    totals = queries.totals(db, queries.parse_filters({"fy": "2024"}))
    assert (totals.count, totals.counted_3b, totals.indicator_3b, totals.reach) == (3, 2, 2, 100)
    auth.login("viewer")
    page = client.get("/promotions/?fy=2024").get_data(as_text=True)
    assert 'class="total-3b">2<' in page
    assert 'class="indicator-3b">2<' in page


# -------------------------------------------------------------------- channel / counterpart


@pytest.mark.parametrize(
    ("channel", "kind", "ok"),
    [
        ("embassy_consulate", "embassy_consulate", True),
        ("embassy_consulate", "international_organization", False),
        ("international_organization", "international_organization", True),
        ("international_organization", "foreign_city", False),
        ("overseas_office", "overseas_office", True),
        ("overseas_office", "embassy_consulate", False),
        ("foreign_city", "foreign_city", True),
        ("foreign_city", "overseas_office", False),
        ("international_conference", "international_organization", True),
        ("international_conference", "other", True),
        ("partner_city", "embassy_consulate", False),
    ],
)
def test_channel_needs_an_organisation_of_its_kind(channel: str, kind: str, ok: bool) -> None:
    errors = counterpart_problems(channel, None, {"kind": kind, "name_ja": "x"})
    assert (errors == {}) is ok


def counterpart_problems(
    channel: str, partner_city_id: int | None, organization: dict[str, Any] | None
) -> dict[str, str]:
    """The counterpart rule's messages by field, for an organisation with these details."""
    values = counterpart_values(
        channel, partner_city_id, 7 if organization is not None else None, organization
    )
    return dict(counterpart_fits_channel(values))


def test_partner_city_channel_needs_the_city_and_no_organisation(db: Session) -> None:
    kaohsiung = city(db, "kaohsiung").id
    embassy = {"kind": "embassy_consulate", "name_ja": "大使館"}
    assert counterpart_problems("partner_city", kaohsiung, None) == {}
    assert "organization_id" in counterpart_problems("partner_city", kaohsiung, embassy)
    assert "partner_city_id" in counterpart_problems("partner_city", None, embassy)
    assert "partner_city_id" in counterpart_problems("embassy_consulate", kaohsiung, embassy)
    assert counterpart_problems("international_conference", kaohsiung, embassy) == {}
    assert counterpart_problems("international_conference", kaohsiung, None) == {}


def test_neither_partner_nor_organisation_is_refused() -> None:
    errors = counterpart_problems("international_conference", None, None)
    assert set(errors) == {"partner_city_id", "organization_id"}


def test_a_merged_organisation_cannot_be_chosen() -> None:
    merged = {"kind": "foreign_city", "name_ja": "x", "merged_into_id": 5}
    assert "organization_id" in counterpart_problems("foreign_city", None, merged)


def test_service_refuses_a_mismatched_channel(db: Session) -> None:
    org = make_organization(db, kind="embassy_consulate")
    with pytest.raises(operations.RecordRefused) as caught:
        operations.create_promotion(
            db,
            {
                "start_date": date(2024, 6, 1),
                "title": "x",
                "channel": "international_organization",
                "organization_id": org.id,
                "theme": "food",
                "medium": "event",
                "counts_toward_3b": True,
            },
            None,
        )
    assert "organization_id" in caught.value.errors


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("changes", "field_id"),
    [
        ({"partner_city_id": ""}, "partner_city_id-error"),
        ({"channel": "embassy_consulate"}, "partner_city_id-error"),
        ({"reach": "-5"}, "reach-error"),
        ({"counts_toward_3b": None, "exclusion_reason": ""}, "exclusion_reason-error"),
        ({"end_date": "2024-10-19"}, "end_date-error"),
        ({"title": ""}, "title-error"),
    ],
)
def test_bad_input_keeps_values_and_writes_nothing(
    auth: Any, client: Any, db: Session, changes: dict[str, Any], field_id: str
) -> None:
    auth.login("staff")
    before = db.scalar(select(func.count(Promotion.id)))
    response = client.post("/promotions/new", data=form_data(db, notes="メモ残す", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field_id}"' in page
    assert "メモ残す" in page
    assert db.scalar(select(func.count(Promotion.id))) == before


def test_an_embassy_chosen_as_a_partner_city_channel_is_refused(
    auth: Any, client: Any, db: Session
) -> None:
    embassy = make_organization(db, kind="embassy_consulate", name_ja="在福岡米国領事館")
    auth.login("staff")
    response = client.post(
        "/promotions/new",
        data=form_data(db, partner_city_id="", organization_id=str(embassy.id)),
    )
    assert 'id="organization_id-error"' in response.get_data(as_text=True)
    assert db.scalar(select(func.count(Promotion.id))) == 0


# ------------------------------------------------------------------ create, edit, delete


def test_staff_records_edits_and_deletes_a_promotion_with_audit(
    auth: Any, client: Any, db: Session
) -> None:
    auth.login("staff")
    project = db.scalar(select(LeadingProject).where(LeadingProject.number == 1))
    response = client.post(
        "/promotions/new", data=form_data(db, leading_project_ids=str(project.id))
    )
    assert response.status_code == 302
    promotion = db.scalar(select(Promotion))
    assert promotion.reach == 1200
    assert [p.number for p in promotion.leading_projects] == [1]
    response = client.post(
        f"/promotions/{promotion.id}/edit",
        data=form_data(db, reach="1500", version=str(promotion.version)),
    )
    assert response.status_code == 302
    detail = client.get(f"/promotions/{promotion.id}").get_data(as_text=True)
    assert "1,200 → 1,500" in detail
    db.expire_all()
    promotion_id = promotion.id
    version = db.get(Promotion, promotion_id).version
    unconfirmed = client.post(f"/promotions/{promotion_id}/delete", data={"version": version})
    assert unconfirmed.status_code == 200
    assert db.get(Promotion, promotion_id) is not None
    response = client.post(
        f"/promotions/{promotion_id}/delete", data={"version": version, "confirm": "y"}
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Promotion, promotion_id) is None
    actions = list(
        db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity_type == "promotion", AuditEntry.entity_id == promotion_id)
            .order_by(AuditEntry.id)
        )
    )
    assert actions == ["create", "update", "delete"]


def test_stale_edit_answers_409_and_saves_nothing(auth: Any, client: Any, db: Session) -> None:
    promotion = make_promotion(db, reach=10)
    old_version = promotion.version
    operations.update_promotion(db, promotion, {"reach": 20, **_same(promotion)}, None)
    db.commit()
    auth.login("staff")
    response = client.post(
        f"/promotions/{promotion.id}/edit", data=form_data(db, reach="30", version=old_version)
    )
    assert response.status_code == 409
    assert f"/promotions/{promotion.id}" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Promotion, promotion.id).reach == 20


def _same(promotion: Promotion) -> dict[str, Any]:
    return {
        "channel": promotion.channel,
        "partner_city_id": promotion.partner_city_id,
        "organization_id": promotion.organization_id,
        "counts_toward_3b": promotion.counts_toward_3b,
    }


def test_delete_by_get_changes_nothing(auth: Any, client: Any, db: Session) -> None:
    promotion = make_promotion(db)
    auth.login("staff")
    assert client.get(f"/promotions/{promotion.id}/delete").status_code == 200
    db.expire_all()
    assert db.get(Promotion, promotion.id) is not None


# ----------------------------------------------------------------------- organisations


def test_merge_moves_promotions_and_hides_the_duplicate(
    auth: Any, client: Any, db: Session
) -> None:
    keep = make_organization(db, name_ja="国際連合食糧農業機関", name_en="FAO")
    dup = make_organization(
        db, name_ja="国連食糧農業機関", name_en="Food and Agriculture Organization"
    )
    moved = make_promotion(
        db, channel="international_organization", partner_city_id=None, organization_id=dup.id
    )
    stays = make_promotion(
        db, channel="international_conference", partner_city_id=None, organization_id=keep.id
    )
    auth.login("staff")
    response = client.post(
        f"/promotions/organizations/{keep.id}/merge",
        data={"other_id": str(dup.id), "survivor": "this", "confirm": "y", "version": "1"},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Promotion, moved.id).organization_id == keep.id
    assert db.get(Promotion, stays.id).organization_id == keep.id
    assert db.get(Organization, dup.id).merged_into_id == keep.id
    listing = client.get("/promotions/organizations/").get_data(as_text=True)
    assert "国際連合食糧農業機関" in listing and "国連食糧農業機関" not in listing
    choices = client.get("/promotions/new").get_data(as_text=True)
    assert "国連食糧農業機関" not in choices
    history = client.get(f"/promotions/{moved.id}").get_data(as_text=True)
    assert "国連食糧農業機関 → 国際連合食糧農業機関" in history
    merges = db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "organization", AuditEntry.entity_id == dup.id
        )
    ).all()
    assert any((e.changes or {}).get("merged_into_id") == [None, keep.id] for e in merges)


def test_merge_can_keep_the_other_record(db: Session) -> None:
    first = make_organization(db, kind="embassy_consulate")
    second = make_organization(db, kind="embassy_consulate")
    promotion = make_promotion(
        db, channel="embassy_consulate", partner_city_id=None, organization_id=first.id
    )
    result = operations.merge_organizations(db, second, first, None)
    db.commit()
    assert result.moved_promotion_ids == [promotion.id]
    assert first.merged_into_id == second.id


def test_merge_refuses_when_a_channel_would_no_longer_fit(db: Session) -> None:
    embassy = make_organization(db, kind="embassy_consulate")
    office = make_organization(db, kind="overseas_office")
    make_promotion(
        db, channel="embassy_consulate", partner_city_id=None, organization_id=embassy.id
    )
    with pytest.raises(operations.MergeError):
        operations.merge_organizations(db, office, embassy, None)
    with pytest.raises(operations.MergeError):
        operations.merge_organizations(db, office, office, None)


def test_organisation_edit_checks_the_version(auth: Any, client: Any, db: Session) -> None:
    org = make_organization(
        db, kind="foreign_city", name_ja="台南市", name_en="Tainan", country="TW"
    )
    auth.login("staff")
    data = {"kind": "foreign_city", "country": "tw", "name_ja": "台南市", "name_en": "Tainan City"}
    assert (
        client.post(
            f"/promotions/organizations/{org.id}/edit", data={**data, "version": "0"}
        ).status_code
        == 409
    )
    response = client.post(
        f"/promotions/organizations/{org.id}/edit", data={**data, "version": str(org.version)}
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Organization, org.id).name_en == "Tainan City"


def test_organisation_list_filters_by_kind_and_country(auth: Any, client: Any, db: Session) -> None:
    make_organization(
        db, kind="embassy_consulate", name_ja="駐日韓国大使館", name_en="Korea", country="KR"
    )
    make_organization(
        db, kind="overseas_office", name_ja="熊本市大連事務所", name_en="Dalian", country="CN"
    )
    auth.login("viewer")
    page = client.get("/promotions/organizations/?kind=overseas_office").get_data(as_text=True)
    assert "熊本市大連事務所" in page and "駐日韓国大使館" not in page
    page = client.get("/promotions/organizations/?country=kr&q=大使").get_data(as_text=True)
    assert "駐日韓国大使館" in page and "熊本市大連事務所" not in page


def test_duplicate_organisation_name_is_refused(auth: Any, client: Any, db: Session) -> None:
    make_organization(db, name_ja="国際連合", name_en="United Nations")
    before = db.scalar(select(func.count(Organization.id)))
    auth.login("staff")
    response = client.post(
        "/promotions/organizations/new",
        data={"kind": "international_organization", "name_ja": "国際連合", "name_en": "UN"},
    )
    assert response.status_code == 200
    assert db.scalar(select(func.count(Organization.id))) == before


# ------------------------------------------------------------------ pages that list them


def test_partner_and_organisation_pages_list_their_promotions(
    auth: Any, client: Any, db: Session
) -> None:
    org = make_organization(db, name_ja="国連ハビタット", name_en="UN-Habitat")
    make_promotion(db, title="高雄マラソンで熊本PR")
    make_promotion(
        db,
        title="国際会議で水ブランド発表",
        channel="international_conference",
        partner_city_id=None,
        organization_id=org.id,
    )
    auth.login("viewer")
    partner_page = client.get("/partners/kaohsiung").get_data(as_text=True)
    assert "高雄マラソンで熊本PR" in partner_page
    assert "国際会議で水ブランド発表" not in partner_page
    org_page = client.get(f"/promotions/organizations/{org.id}").get_data(as_text=True)
    assert "国際会議で水ブランド発表" in org_page
    assert "高雄マラソンで熊本PR" not in org_page


def test_list_filters_and_search(auth: Any, client: Any, db: Session) -> None:
    guilin = city(db, "guilin")
    make_promotion(db, title="桂林で食のPR", partner_city_id=guilin.id, theme="food")
    make_promotion(db, title="高雄で城のPR", theme="kumamoto_castle")
    auth.login("viewer")
    page = client.get("/promotions/?city=guilin").get_data(as_text=True)
    assert "桂林で食のPR" in page and "高雄で城のPR" not in page
    page = client.get("/promotions/?theme=kumamoto_castle").get_data(as_text=True)
    assert "高雄で城のPR" in page and "桂林で食のPR" not in page
    page = client.get("/promotions/?q=食の").get_data(as_text=True)
    assert "桂林で食のPR" in page and "高雄で城のPR" not in page


# -------------------------------------------------------------------------------- export

# The columns of the list export, a contract with the spreadsheets staff keep.
EXPORT_HEADERS = [
    "ID",
    "開始日",
    "終了日",
    "年度",
    "件名",
    "チャネル",
    "友好姉妹都市等",
    "機関・団体",
    "テーマ",
    "媒体",
    "リーディングプロジェクト",
    "発信対象者数",
    "指標3bに計上",
    "計上しない理由",
    "備考",
]


def test_export_xlsx_reads_back_with_japanese_headers(auth: Any, client: Any, db: Session) -> None:
    make_promotion(db, title='=HYPERLINK("http://x")', reach=50, start_date=date(2024, 7, 1))
    make_promotion(db, title="翌年度", start_date=date(2025, 4, 1))
    auth.login("viewer")
    response = client.get("/promotions/export?format=xlsx&fy=2024")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    assert headers == EXPORT_HEADERS == export_headers(PROMOTIONS)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    row = dict(zip(headers, rows[0], strict=True))
    assert row["件名"] == '\'=HYPERLINK("http://x")'
    assert row["チャネル"] == "友好姉妹都市等" or row["チャネル"]
    assert row["友好姉妹都市等"] == "高雄市"
    assert row["発信対象者数"] == 50
    assert row["年度"] == 2024
    assert row["指標3bに計上"] == "はい"
    assert db.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "export")) == 1


@pytest.mark.parametrize(("encoding", "codec"), [("", "utf-8-sig"), ("cp932", "cp932")])
def test_export_csv_reads_back(
    auth: Any, client: Any, db: Session, encoding: str, codec: str
) -> None:
    make_promotion(db, title="＋水の都くまもと", notes="@note")
    auth.login("viewer")
    response = client.get(f"/promotions/export?format=csv&encoding={encoding}")
    if codec == "utf-8-sig":
        assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode(codec))))
    assert rows[0] == EXPORT_HEADERS
    assert rows[1][4] == "'＋水の都くまもと"
    assert rows[1][14] == "'@note"
    assert rows[1][6] == "高雄市"


# ------------------------------------------------------------------------- role matrix


def _write_requests(db: Session) -> list[tuple[str, str, dict[str, Any]]]:
    promotion = make_promotion(db)
    org = make_organization(db)
    other = make_organization(db)
    return [
        ("GET", "/promotions/new", {}),
        ("POST", "/promotions/new", form_data(db)),
        ("GET", f"/promotions/{promotion.id}/edit", {}),
        ("POST", f"/promotions/{promotion.id}/edit", form_data(db, version="1")),
        ("GET", f"/promotions/{promotion.id}/delete", {}),
        ("POST", f"/promotions/{promotion.id}/delete", {"version": "2", "confirm": "y"}),
        ("GET", "/promotions/organizations/new", {}),
        (
            "POST",
            "/promotions/organizations/new",
            {"kind": "foreign_city", "name_ja": "台中市", "name_en": "Taichung"},
        ),
        ("GET", f"/promotions/organizations/{org.id}/edit", {}),
        (
            "POST",
            f"/promotions/organizations/{org.id}/edit",
            {"kind": org.kind, "name_ja": org.name_ja, "name_en": "Renamed", "version": "1"},
        ),
        ("GET", f"/promotions/organizations/{org.id}/merge", {}),
        (
            "POST",
            f"/promotions/organizations/{org.id}/merge",
            {"other_id": str(other.id), "survivor": "this", "confirm": "y", "version": "2"},
        ),
    ]


def test_viewer_gets_403_on_every_write_and_changes_nothing(
    auth: Any, client: Any, db: Session
) -> None:
    requests = _write_requests(db)
    audit_before = db.scalar(select(func.count(AuditEntry.id)))
    auth.login("viewer")
    for method, url, data in requests:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url)
    assert db.scalar(select(func.count(Promotion.id))) == 1
    assert db.scalar(select(func.count(AuditEntry.id))) == audit_before


@pytest.mark.parametrize("role", ["staff", "coordinator", "admin"])
def test_writers_can_use_every_write(auth: Any, client: Any, db: Session, role: str) -> None:
    requests = _write_requests(db)
    auth.login(role)
    for method, url, data in requests:
        response = client.open(url, method=method, data=data)
        expected = 200 if method == "GET" else 302
        assert response.status_code == expected, (role, method, url)


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_every_role_reads_the_pages(auth: Any, client: Any, db: Session, role: str) -> None:
    promotion = make_promotion(db)
    org = make_organization(db)
    auth.login(role)
    for url in (
        "/promotions/",
        f"/promotions/{promotion.id}",
        "/promotions/organizations/",
        f"/promotions/organizations/{org.id}",
        "/promotions/export",
    ):
        assert client.get(url).status_code == 200, url


def test_signed_out_users_are_sent_to_sign_in(client: Any) -> None:
    response = client.get("/promotions/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# ------------------------------------------------------------------------ query counts


def _queries_for_list(client: Any, count_queries: Any, url: str) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_list_query_count_does_not_grow_with_rows(
    auth: Any, client: Any, db: Session, count_queries: Any
) -> None:
    projects = list(db.scalars(select(LeadingProject).limit(2)))
    org = make_organization(db)
    auth.login("viewer")
    make_promotion(db, leading_project_ids=[projects[0].id])
    few = _queries_for_list(client, count_queries, "/promotions/")
    few_org = _queries_for_list(client, count_queries, "/promotions/organizations/")
    for n in range(12):
        if n % 2:
            make_promotion(db, leading_project_ids=[p.id for p in projects])
        else:
            make_promotion(
                db,
                channel="international_conference",
                organization_id=org.id,
                leading_project_ids=[projects[1].id],
            )
        make_organization(db, kind="foreign_city")
    many = _queries_for_list(client, count_queries, "/promotions/")
    many_org = _queries_for_list(client, count_queries, "/promotions/organizations/")
    assert many == few
    assert many_org == few_org
    assert _queries_for_list(client, count_queries, f"/promotions/organizations/{org.id}") < 20


def test_list_sorts_by_the_chosen_column(auth: Any, client: Any, db: Session) -> None:
    make_promotion(db, title="B 早い", start_date=date(2024, 5, 1), reach=5)
    make_promotion(db, title="A 遅い", start_date=date(2024, 9, 1), reach=500)
    auth.login("viewer")
    newest_first = client.get("/promotions/").get_data(as_text=True)
    assert newest_first.index("A 遅い") < newest_first.index("B 早い")
    by_title = client.get("/promotions/?sort=title").get_data(as_text=True)
    assert by_title.index("A 遅い") < by_title.index("B 早い")
    by_reach = client.get("/promotions/?sort=reach").get_data(as_text=True)
    assert by_reach.index("B 早い") < by_reach.index("A 遅い")


def test_organisation_kind_cannot_change_under_its_promotions(
    auth: Any, client: Any, db: Session
) -> None:
    embassy = make_organization(
        db, kind="embassy_consulate", name_ja="在大阪中国総領事館", name_en="CN"
    )
    make_promotion(
        db, channel="embassy_consulate", partner_city_id=None, organization_id=embassy.id
    )
    auth.login("staff")
    response = client.post(
        f"/promotions/organizations/{embassy.id}/edit",
        data={
            "kind": "foreign_city",
            "name_ja": embassy.name_ja,
            "name_en": embassy.name_en,
            "version": str(embassy.version),
        },
    )
    assert response.status_code == 200
    assert 'id="kind-error"' in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Organization, embassy.id).kind == "embassy_consulate"
