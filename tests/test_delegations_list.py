"""Finding delegations: filters, fiscal years, sorting, totals, the partner city page, exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exchange_app.delegations import queries
from exchange_app.models import AuditEntry
from tests.factories import make_delegation, project


def _titles(html: str) -> list[str]:
    """Titles of the rows of the list, in order."""
    return re.findall(r'<a href="/delegations/\d+">([^<]+)</a>', html)


def _list(client, query: str = "") -> str:
    response = client.get("/delegations/" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_visit_starting_2025_03_31_is_fiscal_2024_and_2025_04_01_is_fiscal_2025(
    client, auth, db
) -> None:
    auth.login("viewer")
    make_delegation(
        db, title="Last day of FY2024", start_date=date(2025, 3, 31), end_date=date(2025, 4, 2)
    )
    make_delegation(
        db, title="First day of FY2025", start_date=date(2025, 4, 1), end_date=date(2025, 4, 1)
    )
    assert _titles(_list(client, "?fy=2024")) == ["Last day of FY2024"]
    assert _titles(_list(client, "?fy=2025")) == ["First day of FY2025"]
    page = _list(client)
    assert "2024年度 (令和6年度)" in page
    assert "2025年度 (令和7年度)" in page


def test_filters_by_city_direction_field_project_and_search(client, auth, db) -> None:
    auth.login("viewer")
    make_delegation(
        db,
        title="Guilin environment training",
        city_slug="guilin",
        fields=["environment"],
        head_name="Li Wei",
    )
    make_delegation(
        db,
        title="Heidelberg youth",
        direction="inbound",
        fields=["youth"],
        leading_projects=[project(db, 9).id],
    )
    make_delegation(
        db, title="Vienna study", city_slug=None, counterpart="Wien Rathaus", purpose="下水道の視察"
    )
    assert _titles(_list(client, "?city=guilin")) == ["Guilin environment training"]
    assert _titles(_list(client, "?direction=inbound")) == ["Heidelberg youth"]
    assert _titles(_list(client, "?field=environment")) == ["Guilin environment training"]
    assert _titles(_list(client, "?lp=9")) == ["Heidelberg youth"]
    assert _titles(_list(client, "?q=li+wei")) == ["Guilin environment training"]  # head
    assert _titles(_list(client, "?q=rathaus")) == ["Vienna study"]  # counterpart
    assert _titles(_list(client, "?q=下水道")) == ["Vienna study"]  # purpose
    assert _titles(_list(client, "?q=YOUTH")) == ["Heidelberg youth"]  # title, any case
    assert _titles(_list(client, "?q=100%25")) == []  # % is text, not a wildcard
    assert _titles(_list(client, "?city=guilin&direction=inbound")) == []
    # Nonsense in the query string is ignored, not an error.
    assert len(_titles(_list(client, "?fy=abc&direction=sideways&field=x&lp=y&sort=z"))) == 3


def test_sort_by_date_city_and_size(client, auth, db) -> None:
    auth.login("viewer")
    make_delegation(
        db,
        title="Small Heidelberg",
        member_count=2,
        start_date=date(2024, 5, 1),
        end_date=date(2024, 5, 2),
    )
    make_delegation(
        db,
        title="Big Guilin",
        city_slug="guilin",
        member_count=30,
        start_date=date(2024, 6, 1),
        end_date=date(2024, 6, 2),
    )
    make_delegation(
        db,
        title="Mid other",
        city_slug=None,
        member_count=10,
        start_date=date(2024, 4, 10),
        end_date=date(2024, 4, 12),
    )
    assert _titles(_list(client)) == ["Big Guilin", "Small Heidelberg", "Mid other"]
    assert _titles(_list(client, "?sort=date")) == ["Mid other", "Small Heidelberg", "Big Guilin"]
    assert _titles(_list(client, "?sort=-size")) == ["Big Guilin", "Mid other", "Small Heidelberg"]
    assert _titles(_list(client, "?sort=size")) == ["Small Heidelberg", "Mid other", "Big Guilin"]
    # Partner cities in their usual order (Guilin first), other counterparts last.
    assert _titles(_list(client, "?sort=city")) == ["Big Guilin", "Small Heidelberg", "Mid other"]


def test_totals_count_what_is_shown_not_just_the_page(client, auth, db) -> None:
    auth.login("viewer")
    for n in range(30):
        make_delegation(db, title=f"Out {n}", member_count=2)
    make_delegation(db, title="In", direction="inbound", member_count=7)
    make_delegation(
        db,
        title="Other year",
        start_date=date(2023, 5, 1),
        end_date=date(2023, 5, 2),
        member_count=100,
    )
    totals = queries.totals(db, queries.parse_filters({"fy": "2024"}))
    assert totals.visits == 31
    assert totals.people == 67
    assert totals.by_direction == {"outbound": (30, 60), "inbound": (1, 7)}
    page = _list(client, "?fy=2024")
    assert len(_titles(page)) == 25  # one page
    assert '<span data-total="visits">31</span>' in page
    assert '<span data-total="people">67</span>' in page
    assert re.search(r'data-total="inbound">[^<]*1[^<]*7', page)


def test_list_query_count_does_not_grow_with_rows(client, auth, db, count_queries) -> None:
    auth.login("viewer")
    make_delegation(db, fields=["youth"], leading_projects=[project(db, 1).id])
    client.get("/delegations/")  # warm-up
    with count_queries() as few:
        _list(client)
    for n in range(20):
        make_delegation(
            db,
            title=f"More {n}",
            fields=["youth", "culture"],
            city_slug="guilin" if n % 2 else None,
            counterpart="X",
            leading_projects=[project(db, 1).id, project(db, 2).id],
        )
    with count_queries() as many:
        page = _list(client)
    assert len(_titles(page)) == 21
    assert len(many) == len(few)


def test_partner_city_page_lists_its_delegations_both_ways_by_fiscal_year(client, auth, db) -> None:
    auth.login("viewer")
    make_delegation(db, title="Sent 2024", start_date=date(2024, 8, 1), end_date=date(2024, 8, 3))
    make_delegation(
        db,
        title="Hosted 2024",
        direction="inbound",
        start_date=date(2025, 2, 1),
        end_date=date(2025, 2, 3),
    )
    make_delegation(db, title="Sent 2025", start_date=date(2025, 4, 1), end_date=date(2025, 4, 3))
    make_delegation(db, title="Guilin visit", city_slug="guilin")
    page = client.get("/partners/heidelberg").get_data(as_text=True)
    section = page.split('id="delegations-heading"', 1)[1]
    assert "Guilin visit" not in section
    fy2024 = section.split("2024年度 (令和6年度)", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<td class="text-end">1</td>\s*<td class="text-end">1</td>', fy2024)
    assert "city=heidelberg&amp;fy=2024" in section  # each year links to the filtered list
    assert section.index("2025年度") < section.index("2024年度")  # newest first
    latest = section.split("</ul>", 1)[0]
    assert latest.index("Sent 2025") < latest.index("Hosted 2024") < latest.index("Sent 2024")


# --- export -----------------------------------------------------------------------------


@pytest.fixture
def export_data(db):
    make_delegation(
        db,
        title='=HYPERLINK("http://evil")',
        head_name="＋81 熊本",
        members=[{"name": "-阿蘇", "organization": "熊本市"}],
        gifts=[{"direction": "given", "description": "肥後象嵌"}],
    )
    make_delegation(
        db,
        title="Guilin only",
        city_slug="guilin",
        start_date=date(2023, 4, 1),
        end_date=date(2023, 4, 2),
    )


def test_xlsx_export_of_the_filtered_list(client, auth, db, export_data) -> None:
    auth.login("viewer")
    response = client.get("/delegations/export?format=xlsx&city=heidelberg")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("ID", "年度", "区分", "相手都市", "相手先（友好姉妹都市等以外）", "件名")
    assert len(rows) == 2  # the Guilin visit is filtered out
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["件名"] == '\'=HYPERLINK("http://evil")'
    assert row["団長"] == "'＋81 熊本"
    assert row["団員"].startswith("'-阿蘇")
    assert row["相手都市"] == "ハイデルベルク市"
    assert row["区分"] == "派遣"
    assert row["年度"] == "2024年度 (令和6年度)"
    assert "肥後象嵌" in row["贈呈品"]
    for cell in sheet[2]:
        assert cell.data_type != "f"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry is not None and entry.changes == {"filters": {"city": "heidelberg"}}


def test_csv_export_has_bom_japanese_headers_and_neutralised_cells(
    client, auth, db, export_data
) -> None:
    auth.login("viewer")
    response = client.get("/delegations/export?format=csv&fy=2024")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][1:4] == ["年度", "区分", "相手都市"]
    assert len(rows) == 2
    assert rows[1][5] == '\'=HYPERLINK("http://evil")'
    assert rows[1][8] == "'＋81 熊本"


def test_csv_export_in_cp932(client, auth, db, export_data) -> None:
    auth.login("viewer")
    response = client.get("/delegations/export?format=csv&encoding=cp932")
    assert not response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("cp932")
    assert "相手都市" in text and "桂林市" in text and "ハイデルベルク市" in text
