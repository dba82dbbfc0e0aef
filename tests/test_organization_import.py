"""Organisations in and out like every other kind: by external id, with the form's rules."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import func, select

from exchange_app.models import Organization, Promotion
from tests.test_imports_cli import write

HEADERS = ["external_id", "kind", "country", "name_ja", "name_en", "notes"]
ROWS = [
    ["ORG-1", "国際機関", "", "国連人間居住計画", "UN-Habitat", ""],
    ["ORG-2", "大使館・領事館", "フランス", "在日フランス大使館", "Embassy of France", "メモ"],
]


def organizations(db) -> dict[str, Organization]:
    return {o.external_id: o for o in db.scalars(select(Organization)) if o.external_id}


def test_organisations_are_imported_once_and_updated_by_external_id(app, db, tmp_path) -> None:
    path = write(tmp_path, "xlsx", HEADERS, ROWS)
    result = app.test_cli_runner().invoke(args=["import", "organizations", path])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    found = organizations(db)
    assert found["ORG-2"].country == "FR" and found["ORG-2"].kind == "embassy_consulate"
    assert found["ORG-1"].country is None
    changed = [ROWS[0], [*ROWS[1][:4], "French Embassy", "メモ"]]
    again = app.test_cli_runner().invoke(
        args=["import", "organizations", write(tmp_path, "csv-utf8-bom", HEADERS, changed)]
    )
    assert again.exit_code == 0, again.output
    assert "1 updated" in again.output and "1 unchanged" in again.output
    db.expire_all()
    assert organizations(db)["ORG-2"].name_en == "French Embassy"


def test_a_name_already_registered_or_twice_in_the_file_is_refused(app, db, tmp_path) -> None:
    first = app.test_cli_runner().invoke(
        args=["import", "organizations", write(tmp_path, "xlsx", HEADERS, ROWS[:1])]
    )
    assert first.exit_code == 0, first.output
    rows = [
        ["ORG-9", "国際機関", "", "国連人間居住計画", "Another", ""],
        ["ORG-3", "その他", "", "熊本の友", "Friends", ""],
        ["ORG-4", "その他", "", "熊本の友", "Friends 2", ""],
        ["ORG-5", "その他", "Atlantis", "架空", "Nowhere", ""],
        ["ORG-6", "その他", "", "熊本の仲間", "Friends", ""],
    ]
    result = app.test_cli_runner().invoke(
        args=["import", "organizations", write(tmp_path, "xlsx", HEADERS, rows)]
    )
    assert result.exit_code == 1
    assert "国連人間居住計画" in result.output and "登録済み" in result.output
    assert "ORG-3" in result.output
    # Said on the column where the name repeats.
    assert "6行目・name_en 列" in result.output and "6行目・name_ja 列" not in result.output
    assert "Atlantis" in result.output
    assert db.scalar(select(func.count()).select_from(Organization)) == 1 + _seeded(db)


def _seeded(db) -> int:
    return db.scalar(
        select(func.count()).select_from(Organization).where(Organization.external_id.is_(None))
    )


def test_exported_organisations_come_back_and_their_promotions_find_them(
    app, db, tmp_path, make
) -> None:
    organization = make.organization(
        "embassy_consulate", name_ja="在日タイ大使館", name_en="Royal Thai Embassy", country="TH"
    )
    make.promotion(channel="embassy_consulate", organization_id=organization.id)
    exported = tmp_path / "organizations.xlsx"
    result = app.test_cli_runner().invoke(
        args=["export", "organizations", "--output", str(exported)]
    )
    assert result.exit_code == 0, result.output
    db.delete(db.scalars(select(Promotion)).one())
    db.delete(organization)
    db.commit()
    back = app.test_cli_runner().invoke(args=["import", "organizations", str(exported)])
    assert back.exit_code == 0, back.output
    restored = db.scalars(
        select(Organization).where(Organization.name_ja == "在日タイ大使館")
    ).one()
    assert (restored.kind, restored.country, restored.name_en) == (
        "embassy_consulate",
        "TH",
        "Royal Thai Embassy",
    )


def test_the_import_page_offers_organisations_with_a_template_and_an_export(
    app, db, client, auth, make
) -> None:
    make.organization("embassy_consulate", name_ja="在日タイ大使館", name_en="Thai", country="TH")
    auth.login("admin")
    assert "機関・団体" in client.get("/imports/").get_data(as_text=True)
    template = client.get("/imports/templates/organizations.xlsx")
    assert template.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(template.data))
    assert [c.value for c in next(sheets.worksheets[0].iter_rows(max_row=1))][:2] == [
        "external_id",
        "kind",
    ]
    notes = [row for ws in sheets.worksheets[1:] for row in ws.iter_rows(values_only=True)]
    assert any("国名または ISO コード" in str(cell) for row in notes for cell in row)
    export = client.get("/imports/export/organizations?format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert any("在日タイ大使館" in row and "TH" in row for row in rows)
