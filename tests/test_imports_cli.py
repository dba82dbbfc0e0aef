"""``flask import`` and ``flask export``: exit codes, errors printed, nothing half-written."""

from __future__ import annotations

import stat

from sqlalchemy import func, select

from exchange_app.models import AuditEntry, Delegation, Participant
from tests.import_files import make_file
from tests.test_imports import DELEGATION_HEADERS, PARTICIPANT_HEADERS, add_program

ROWS = [
    ["GL-1", "受入", "桂林市", "桂林市友好代表団", "令和6年4月1日", "R6.4.5", "王 明", "8", "観光"],
    ["GL-2", "派遣", "guilin", "熊本市訪問団", "2023-10-01", "2023-10-05", "", "5", ""],
]


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def write(tmp_path, fmt: str, headers, rows):
    filename, content = make_file(fmt, headers, rows)
    path = tmp_path / filename
    path.write_bytes(content)
    return str(path)


def test_import_writes_rows_and_exits_zero(app, db, tmp_path) -> None:
    path = write(tmp_path, "xlsx", DELEGATION_HEADERS, ROWS)
    result = app.test_cli_runner().invoke(args=["import", "delegations", path])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    assert count(db, Delegation) == 2
    again = app.test_cli_runner().invoke(args=["import", "delegations", path])
    assert again.exit_code == 0 and "2 unchanged" in again.output
    assert count(db, Delegation) == 2


def test_dry_run_writes_nothing(app, db, tmp_path) -> None:
    path = write(tmp_path, "csv-cp932", DELEGATION_HEADERS, ROWS)
    result = app.test_cli_runner().invoke(args=["import", "delegations", path, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 to create" in result.output
    assert count(db, Delegation) == 0


def test_any_wrong_row_prints_errors_exits_one_and_writes_nothing(app, db, tmp_path) -> None:
    rows = [*ROWS, ["GL-3", "受入", "桂林市", "x", "2024-04-05", "2024-04-01", "", "abc", ""]]
    path = write(tmp_path, "csv-utf8-bom", DELEGATION_HEADERS, rows)
    result = app.test_cli_runner().invoke(args=["import", "delegations", path, "--lang", "en"])
    assert result.exit_code == 1
    assert "Row 4, column 終了日 (end_date)" in result.output
    assert "Row 4, column 人数 (member_count)" in result.output
    assert "nothing was written" in result.output
    assert count(db, Delegation) == 0
    assert count(db, AuditEntry) == 0


def test_unknown_kind_or_missing_file_is_a_usage_error(app, tmp_path) -> None:
    path = write(tmp_path, "xlsx", DELEGATION_HEADERS, ROWS)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", "souvenirs", path]).exit_code == 2
    assert runner.invoke(args=["import", "delegations", str(tmp_path / "nope.xlsx")]).exit_code == 2


def test_export_then_import_round_trip(app, db, tmp_path) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["import", "delegations", write(tmp_path, "xlsx", DELEGATION_HEADERS, ROWS)])
    for file_format in ("xlsx", "csv"):
        output = tmp_path / f"out.{file_format}"
        result = runner.invoke(
            args=["export", "delegations", "--format", file_format, "--output", str(output)]
        )
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["import", "delegations", str(output)])
        assert result.exit_code == 0 and "2 unchanged" in result.output, result.output
    assert count(db, Delegation) == 2


def test_participant_export_is_audited_and_private(app, db, tmp_path) -> None:
    add_program(db)
    rows = [
        [
            "YP-2024-01",
            "熊本",
            "花子",
            "クマモト",
            "ハナコ",
            "H21.5.3",
            "",
            "",
            "青少年",
            "はい",
            "参加",
            "熊本 太郎",
            "096-328-2070",
            "2024-06-20",
        ]
    ]
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["import", "participants", write(tmp_path, "xlsx", PARTICIPANT_HEADERS, rows)]
    )
    assert result.exit_code == 0, result.output
    assert count(db, Participant) == 1
    output = tmp_path / "participants.csv"
    result = runner.invoke(
        args=[
            "export",
            "participants",
            "--format",
            "csv",
            "--encoding",
            "cp932",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "クマモト" in output.read_bytes().decode("cp932")
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    actions = {(e.action, e.entity_type) for e in db.scalars(select(AuditEntry))}
    assert {("import", "participant"), ("export", "participant")} <= actions
