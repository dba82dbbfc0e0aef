"""A delegation's members, courtesy calls and gifts in and out, like every other kind."""

from __future__ import annotations

from sqlalchemy import select

from exchange_app.models import CourtesyCall, Delegation, DelegationMember, Gift
from tests.test_imports_cli import write

MEMBER_HEADERS = ["delegation_external_id", "name", "organization", "title"]


def members(db, delegation: Delegation) -> list[tuple[int, str, str | None]]:
    db.expire_all()
    return [
        (m.position, m.name, m.title)
        for m in db.scalars(
            select(DelegationMember)
            .where(DelegationMember.delegation_id == delegation.id)
            .order_by(DelegationMember.position)
        )
    ]


def test_members_come_in_by_their_delegation_and_order_and_once(app, db, make, tmp_path) -> None:
    delegation = make.delegation(external_id="D-1", member_count=3)
    version = delegation.version
    rows = [["D-1", "王 明", "桂林市", "副市長"], ["D-1", "李 華", "桂林市", ""]]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import", "delegation-members", write(tmp_path, "xlsx",
                                                                        MEMBER_HEADERS, rows)])
    assert first.exit_code == 0, first.output
    assert "2 created" in first.output
    assert members(db, delegation) == [(0, "王 明", "副市長"), (1, "李 華", None)]
    # A form open on the delegation is now stale: its save would put the old rows back.
    assert db.get(Delegation, delegation.id).version == version + 1

    again = runner.invoke(args=["import", "delegation-members", write(tmp_path, "csv-utf8-bom",
                                                                        MEMBER_HEADERS, rows)])
    assert again.exit_code == 0 and "2 unchanged" in again.output, again.output
    changed = [rows[0], ["D-1", "李 華", "桂林市", "秘書長"]]
    third = runner.invoke(args=["import", "delegation-members", write(tmp_path, "csv-utf8-bom",
                                                                        MEMBER_HEADERS, changed)])
    assert "1 updated" in third.output and "1 unchanged" in third.output, third.output
    assert members(db, delegation)[1] == (1, "李 華", "秘書長")


def test_more_members_than_people_or_an_unknown_delegation_is_refused(
    app, db, make, tmp_path
) -> None:
    delegation = make.delegation(external_id="D-1", member_count=2)
    rows = [["D-1", f"団員 {n}", "", ""] for n in range(3)] + [["D-404", "誰か", "", ""]]
    result = app.test_cli_runner().invoke(
        args=["import", "delegation-members", write(tmp_path, "xlsx", MEMBER_HEADERS, rows),
              "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "Row 4, column delegation_external_id: 3 members are listed" in result.output
    assert "Row 2," not in result.output and "Row 3," not in result.output
    assert "Row 5, column delegation_external_id: no delegation has the external_id" in (
        result.output
    )
    assert members(db, delegation) == []


def test_courtesy_calls_and_gifts_are_exported_as_the_import_reads_them(
    app, db, make, tmp_path
) -> None:
    delegation = make.delegation(external_id="D-1")
    delegation.courtesy_calls = [CourtesyCall(position=0, visited="熊本市長")]
    delegation.gifts = [
        Gift(position=0, direction="given", description="肥後象嵌"),
        Gift(position=1, direction="received", description="山水画", counterpart="桂林市長"),
    ]
    db.commit()
    runner = app.test_cli_runner()
    for kind, expected in (("courtesy-calls", "1 unchanged"), ("gifts", "2 unchanged")):
        path = tmp_path / f"{kind}.xlsx"
        exported = runner.invoke(args=["export", kind, "--output", str(path)])
        assert exported.exit_code == 0, exported.output
        back = runner.invoke(args=["import", kind, str(path)])
        assert back.exit_code == 0 and expected in back.output, back.output


def test_the_delegation_page_shows_imported_members(app, db, make, client, auth, tmp_path):
    delegation = make.delegation(external_id="D-1", member_count=3)
    rows = [["D-1", "王 明", "桂林市", "副市長"]]
    result = app.test_cli_runner().invoke(
        args=["import", "delegation-members", write(tmp_path, "xlsx", MEMBER_HEADERS, rows)]
    )
    assert result.exit_code == 0, result.output
    auth.login("viewer")
    html = client.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert "王 明" in html and "副市長" in html
