"""Organisations a promotions file names that are not registered: offered, not refused blindly."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from exchange_app.models import AuditEntry, Organization, Promotion
from tests.import_files import make_file
from tests.test_imports_cli import write

HEADERS = ["external_id", "date", "title", "channel", "organization", "theme", "medium"]
ROWS = [
    ["PR-1", "2024-05-01", "タイ観光PR", "embassy_consulate", "在日タイ大使館", "food", "event"],
    ["PR-2", "2024-06-01", "タイ料理PR", "embassy_consulate", "在日タイ大使館", "food", "event"],
    ["PR-3", "2024-07-01", "ハビタット会議", "international_organization", "国連ハビタット福岡",
     "groundwater", "presentation"],
]


def count(db, model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_unknown_organisations_are_refused_unless_asked_to_create_them(app, db, tmp_path) -> None:
    path = write(tmp_path, "xlsx", HEADERS, ROWS)
    organizations = count(db, Organization)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["import", "promotions", path, "--lang", "en"])
    assert refused.exit_code == 1
    assert "unknown organisation '在日タイ大使館': register it first" in refused.output
    assert "3 of them name what is not registered yet: --create-missing" in refused.output

    dry = runner.invoke(args=["import", "promotions", path, "--create-missing", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "to create: 在日タイ大使館 (大使館・領事館) (rows 2, 3)" in dry.output
    assert "to create: 国連ハビタット福岡 (国際機関) (rows 4)" in dry.output
    assert count(db, Organization) == organizations and count(db, Promotion) == 0

    done = runner.invoke(args=["import", "promotions", path, "--create-missing"])
    assert done.exit_code == 0, done.output
    assert "3 created" in done.output and "2 referenced record(s) created" in done.output
    embassy = db.scalars(select(Organization).where(Organization.name_ja == "在日タイ大使館")).one()
    assert embassy.kind == "embassy_consulate"
    assert {p.external_id for p in db.scalars(select(Promotion).where(
        Promotion.organization_id == embassy.id))} == {"PR-1", "PR-2"}
    # Each organisation's creation is in the audit trail, and the import lists them.
    created = db.scalars(select(AuditEntry).where(
        AuditEntry.action == "create", AuditEntry.entity_type == "organization")).all()
    assert len(created) == 2
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "import")).one()
    assert sorted(entry.changes["referenced_created"]) == sorted(e.entity_id for e in created)

    # Imported again, the organisations are found: nothing more is created.
    again = runner.invoke(args=["import", "promotions", path, "--create-missing"])
    assert again.exit_code == 0 and "3 unchanged" in again.output
    assert "to create" not in again.output


def test_what_the_row_does_not_tell_is_still_refused(app, db, tmp_path) -> None:
    rows = [
        # A partner-city promotion names no organisation: nothing tells what it would be.
        ["PR-1", "2024-05-01", "桂林で発信", "partner_city", "桂林市旅游局", "food", "event"],
        # The same new name for two channels would be two kinds of organisation.
        ["PR-2", "2024-06-01", "発信A", "embassy_consulate", "熊本の友", "food", "event"],
        ["PR-3", "2024-07-01", "発信B", "overseas_office", "熊本の友", "food", "event"],
    ]
    path = write(tmp_path, "csv-utf8-bom", HEADERS, rows)
    organizations = count(db, Organization)
    result = app.test_cli_runner().invoke(
        args=["import", "promotions", path, "--create-missing", "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "Row 2, column organization: unknown organisation '桂林市旅游局'" in result.output
    assert "Row 4, column organization: '熊本の友' is to be created from row 3" in result.output
    assert count(db, Organization) == organizations and count(db, Promotion) == 0


def test_the_wizard_lists_them_in_the_preview_and_confirming_creates_them(
    client, auth, db
) -> None:
    auth.login("staff")
    filename, content = make_file("xlsx", HEADERS, ROWS)
    response = client.post(
        "/imports/",
        data={"kind": "promotions", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "未登録の 2 件" in html
    listed = re.search(r'<ul class="mb-0" id="new-records">(.*?)</ul>', html, re.S)
    assert listed and "在日タイ大使館 (大使館・領事館)" in listed.group(1)
    assert "2, 3行目" in listed.group(1)
    assert "在日タイ大使館（新規登録）" in html
    assert count(db, Organization, Organization.name_ja == "在日タイ大使館") == 0

    confirmed = client.post(f"{preview_url}/confirm")
    assert confirmed.status_code == 303
    client.get(confirmed.headers["Location"])
    db.expire_all()
    assert count(db, Promotion) == 3
    new_names = Organization.name_ja.in_(["在日タイ大使館", "国連ハビタット福岡"])
    assert count(db, Organization, new_names) == 2


def test_a_new_organisation_the_form_would_refuse_refuses_every_row_naming_it(
    app, db, tmp_path
) -> None:
    long_name = "機" * 201
    rows = [
        [f"PR-{n}", "2024-05-01", f"発信{n}", "embassy_consulate", long_name, "food", "event"]
        for n in range(2)
    ]
    path = write(tmp_path, "xlsx", HEADERS, rows)
    result = app.test_cli_runner().invoke(
        args=["import", "promotions", path, "--create-missing", "--lang", "en"]
    )
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if "column organization:" in line]
    assert [line.split(",")[0] for line in refused] == ["Row 2", "Row 3"], result.output
    assert all("200" in line for line in refused), refused
    assert count(db, Promotion) == 0
