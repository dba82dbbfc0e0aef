"""Shift_JIS (cp932) exports never lose a character silently; file names carry Japan's date."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from exchange_app.models import AuditEntry, DelegationMember
from exchange_app.services import dates, exports
from exchange_app.services.exports import SUBSTITUTE, UnencodableText, csv_bytes
from tests.factories import make_delegation, make_organization, make_promotion

KOREAN = "김민준"


def test_a_korean_name_refuses_the_cp932_csv_naming_the_record_and_characters() -> None:
    rows = [["1", "桂林市訪問", "王 明"], ["2", "蔚山広域市訪問", KOREAN + "、🎉"]]
    with pytest.raises(UnencodableText) as refused:
        csv_bytes(["ID", "件名", "団員"], rows, "cp932")
    [finding] = refused.value.findings
    assert (finding.row, finding.record, finding.column) == (3, "2 蔚山広域市訪問", "団員")
    assert finding.characters == KOREAN + "🎉"
    assert finding.code_points().startswith("U+AE40 U+BBFC U+C900")


def test_substitution_is_explicit_written_as_geta_and_listed() -> None:
    listed: list[exports.Unencodable] = []
    content = csv_bytes(
        ["ID", "件名"], [["1", f"{KOREAN}訪問"]], "cp932", substitute=True, substitutions=listed
    )
    text = content.decode("cp932")
    assert f"{SUBSTITUTE * 3}訪問" in text
    assert "?" not in text
    assert [(f.row, f.characters) for f in listed] == [(2, KOREAN)]


def test_utf8_with_bom_keeps_every_character() -> None:
    content = csv_bytes(["件名"], [[KOREAN + "🎉"]])
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [
        ["件名"],
        [KOREAN + "🎉"],
    ]


def test_cp932_characters_of_japanese_office_text_pass() -> None:
    # NEC and IBM extensions that cp932 holds and plain Shift_JIS does not.
    text = "髙橋 ①② ㈱ ～"
    assert csv_bytes(["名"], [[text]], "cp932").decode("cp932").splitlines()[1] == text


def _korean_member_delegation(db):
    delegation = make_delegation(db, city_slug="ulsan", title="蔚山広域市青少年訪問団")
    db.add(DelegationMember(delegation_id=delegation.id, position=0, name=KOREAN))
    db.commit()
    return delegation


def _export_entries(db) -> list[AuditEntry]:
    # In the order they were written: without ORDER BY, PostgreSQL may return any order.
    return list(
        db.scalars(
            select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)
        )
    )


def test_delegation_export_in_shift_jis_is_refused_with_the_record_named(db, client, auth) -> None:
    auth.login("staff")
    delegation = _korean_member_delegation(db)
    response = client.get("/delegations/export?format=csv&encoding=cp932")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"{delegation.id} 蔚山広域市青少年訪問団" in page
    assert KOREAN in page and "U+AE40" in page
    assert "encoding=utf-8-sig" in page and "substitute=1" in page
    assert _export_entries(db) == []  # a refused export is not recorded as made

    utf8 = client.get("/delegations/export?format=csv&encoding=utf-8-sig")
    assert utf8.status_code == 200 and KOREAN in utf8.data.decode("utf-8-sig")

    substituted = client.get("/delegations/export?format=csv&encoding=cp932&substitute=1")
    assert substituted.status_code == 200
    assert SUBSTITUTE * 3 in substituted.data.decode("cp932")
    entry = _export_entries(db)[-1]
    assert entry.changes["substituted"] == [[2, "団員", KOREAN]]


def test_every_web_csv_export_follows_the_rule(db, client, auth) -> None:
    auth.login("staff")
    make_delegation(db, city_slug="ulsan", title="蔚山訪問", head_name=KOREAN)
    organization = make_organization(db, "foreign_city", name_ja="서울특별시", name_en="Seoul")
    make_promotion(
        db,
        start_date=date(2024, 5, 1),
        title="ソウル特別市での発信",
        channel="foreign_city",
        organization_id=organization.id,
        theme="tourism",
        medium="event",
    )
    for url, named in (
        ("/delegations/export?format=csv&encoding=cp932", "蔚山訪問"),
        ("/imports/export/delegations?format=csv&encoding=cp932", "蔚山訪問"),
        ("/promotions/export?format=csv&encoding=cp932", "ソウル特別市での発信"),
        ("/imports/export/promotions?format=csv&encoding=cp932", "ソウル特別市での発信"),
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        page = response.get_data(as_text=True)
        assert named in page and ("서울특별시" in page or KOREAN in page), url


def test_cli_export_refuses_cp932_and_substitutes_only_when_asked(app, db, tmp_path) -> None:
    make_delegation(db, city_slug="ulsan", title="蔚山訪問", head_name=KOREAN)
    output = tmp_path / "delegations.csv"
    runner = app.test_cli_runner()
    args = ["export", "delegations", "--format", "csv", "--encoding", "cp932"]
    refused = runner.invoke(args=[*args, "--output", str(output)])
    assert refused.exit_code == 1
    assert "蔚山訪問" in refused.output and KOREAN in refused.output
    assert "head_name" in refused.output and "utf-8-sig" in refused.output
    assert not output.exists()

    substituted = runner.invoke(args=[*args, "--substitute", "--output", str(output)])
    assert substituted.exit_code == 0, substituted.output
    assert f"substituted {SUBSTITUTE}" in substituted.output
    rows = list(csv.DictReader(io.StringIO(output.read_bytes().decode("cp932"))))
    assert rows[0]["head_name"] == SUBSTITUTE * 3


def test_japan_date_in_export_file_names(db, client, auth, monkeypatch) -> None:
    class LateOn31March(datetime):
        @classmethod
        def now(cls, tz=None):  # 15:30 UTC on 31 March is 1 April in Japan
            return datetime(2025, 3, 31, 15, 30, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(dates, "datetime", LateOn31March)
    assert dates.today_in_japan() == date(2025, 4, 1)
    auth.login("staff")
    response = client.get("/delegations/export?format=xlsx")
    assert "delegations_2025-04-01.xlsx" in response.headers["Content-Disposition"]
