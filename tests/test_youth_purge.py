"""Retention: the purge removes every personal field and leaves every count exactly as it was."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import MetaData, func, select
from sqlalchemy.orm import Session

from exchange_app import create_app, migrate
from exchange_app.db import create_db_engine, get_session
from exchange_app.models import AuditEntry, Participant, StoredFile
from exchange_app.services.seed import seed_reference_data
from exchange_app.youth import operations, queries
from exchange_app.youth.kind import PARTICIPANTS
from tests.factories import make_participant, make_program

PURGED_VALUES = {
    "family_name": "消去田",
    "given_name": "秘子",
    "family_name_kana": "ショウキョダ",
    "given_name_kana": "ヒミコ",
    "family_name_romaji": "Shokyoda",
    "given_name_romaji": "Himiko",
    "school": "忘却中学校",
    "grade": "二年七組",
    "guardian_name": "消去田 保護者",
    "guardian_phone": "096-987-6543",
    "guardian_email": "purge-me@example.org",
    "emergency_contact": "緊急連絡先タナカ",
    "notes": "秘密のメモ",
}


def arrange(db: Session) -> dict[str, Any]:
    """Two programmes that have ended, one that has not; a person who went twice."""
    old = make_program(db, start_date=date(2024, 8, 1), end_date=date(2024, 8, 8))
    conference = make_program(
        db,
        kind="international_conference",
        start_date=date(2025, 1, 10),
        end_date=date(2025, 1, 12),
    )
    current = make_program(db, start_date=date(2025, 8, 1), end_date=date(2025, 8, 8))
    repeat = make_participant(db, old, birth_date=date(2010, 6, 1), **PURGED_VALUES)
    make_participant(
        db, conference, person=repeat.person, birth_date=date(2010, 6, 1), **PURGED_VALUES
    )
    make_participant(db, old, status="withdrawn")
    make_participant(
        db, old, role="chaperone", guardian_consent_on=None, birth_date=date(1975, 1, 1)
    )
    make_participant(db, conference, resident=False)
    kept = make_participant(db, current, family_name="残留", given_name="次郎")
    db.commit()
    return {"programs": [old, conference, current], "repeat": repeat, "kept": kept}


def all_counts(db: Session, program_ids: list[int]) -> dict[str, Any]:
    """Every figure the app shows about youth participation."""
    return {
        "5b": {fy: queries.youth_5b_count(db, fy) for fy in (2023, 2024, 2025)},
        "5b_ids": {fy: queries.youth_5b_ids(db, fy) for fy in (2023, 2024, 2025)},
        "unique": {fy: queries.youth_5b_unique_persons(db, fy) for fy in (2023, 2024, 2025)},
        "programs": {k: vars(v) for k, v in queries.program_counts(db, program_ids).items()},
        "age_bands": sorted((p.id, p.age_band) for p in db.scalars(select(Participant))),
    }


def database_text(db: Session) -> str:
    """Every value of every row of every table, as one string."""
    metadata = MetaData()
    metadata.reflect(bind=db.connection())
    parts = []
    for table in metadata.sorted_tables:
        for row in db.execute(table.select()):
            parts.append(repr(tuple(row)))
    return "\n".join(parts)


def test_purge_keeps_every_count_and_removes_every_personal_field(
    app: Flask, db: Session
) -> None:
    arranged = arrange(db)
    program_ids = [p.id for p in arranged["programs"]]
    before = all_counts(db, program_ids)
    assert before["5b"][2024] == 2 and before["unique"][2024] == 1  # 延べ 2, one person

    assert queries.purge_preview(db, date(2025, 4, 1)).participants == 5
    assert operations.purge_personal_data(db, date(2025, 4, 1)) == 5
    db.commit()
    db.expire_all()

    assert all_counts(db, program_ids) == before
    purged = db.scalars(select(Participant).where(Participant.anonymized_at.is_not(None))).all()
    assert len(purged) == 5
    for participant in purged:
        for item in PARTICIPANTS.personal_fields:
            assert getattr(participant, item.model_attribute) is None, item.key
        assert participant.role and participant.status and participant.program_id
        assert participant.person_id is not None
    kept = db.get(Participant, arranged["kept"].id)
    assert kept.anonymized_at is None and kept.family_name == "残留"
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "purge")).one()
    assert len(entry.changes["participant_ids"]) == 5
    text = database_text(db)
    for value in PURGED_VALUES.values():
        assert value not in text, value
    assert "残留" in text
    assert operations.purge_personal_data(db, date(2025, 4, 1)) == 0


def test_purge_command_reports_and_asks_before_changing(app: Flask, db: Session) -> None:
    arrange(db)
    runner = app.test_cli_runner()
    declined = runner.invoke(args=["purge-personal-data", "--before", "2025-04-01"], input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "5 participant records of 2 programmes" in declined.output
    assert "Nothing changed" in declined.output
    db.expire_all()
    assert not db.scalars(select(Participant).where(Participant.anonymized_at.is_not(None))).all()
    done = runner.invoke(args=["purge-personal-data", "--before", "2025-04-01", "--yes"])
    assert done.exit_code == 0, done.output
    assert "Anonymised 5 participant records" in done.output
    db.expire_all()
    assert (
        len(db.scalars(select(Participant).where(Participant.anonymized_at.is_not(None))).all())
        == 5
    )
    again = runner.invoke(args=["purge-personal-data", "--before", "2025-04-01", "--yes"])
    assert "No participant records" in again.output
    bad = runner.invoke(args=["purge-personal-data", "--before", "01/04/2025", "--yes"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("before", ["2025-04-01", "2000-01-01"])
def test_purge_command_discards_every_pending_upload(
    app: Flask, db: Session, make_user: Any, before: str
) -> None:
    from exchange_app.importing import uploads

    arrange(db)
    uploader = make_user("coordinator")
    secret = "消去田 秘子".encode()
    token = uploads.save_upload(db, "participants", "参加者.xlsx", secret, user_id=uploader.id)
    db.commit()
    done = app.test_cli_runner().invoke(args=["purge-personal-data", "--before", before, "--yes"])
    assert done.exit_code == 0, done.output
    db.expire_all()
    assert uploads.load_upload(db, token, uploader.id) is None
    assert db.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_admin_purge_discards_pending_uploads(
    app: Flask, client: Any, auth: Any, db: Session
) -> None:
    from exchange_app.importing import uploads

    arrange(db)
    admin = auth.login("admin")
    token = uploads.save_upload(db, "participants", "a.xlsx", b"x", user_id=admin.id)
    db.commit()
    client.post("/youth/purge", data={"before": "2025-04-01", "confirm": "yes"})
    db.expire_all()
    assert uploads.load_upload(db, token, admin.id) is None


def test_admin_screen_previews_then_purges_on_confirmation(
    client: Any, auth: Any, db: Session
) -> None:
    arranged = arrange(db)
    program_ids = [p.id for p in arranged["programs"]]
    before = all_counts(db, program_ids)
    auth.login("admin")
    assert client.get("/youth/purge").status_code == 200
    preview = client.post("/youth/purge", data={"before": "2025-04-01"})
    page = preview.get_data(as_text=True)
    assert 'id="purge-preview"' in page and "5" in page
    assert 'name="confirm"' in page
    db.expire_all()
    assert db.get(Participant, arranged["repeat"].id).family_name == "消去田"
    done = client.post("/youth/purge", data={"before": "2025-04-01", "confirm": "yes"})
    assert done.status_code == 302
    db.expire_all()
    assert db.get(Participant, arranged["repeat"].id).family_name is None
    assert all_counts(db, program_ids) == before


@pytest.mark.parametrize("role", ["coordinator", "staff", "viewer"])
def test_only_admins_reach_the_purge_screen(
    client: Any, auth: Any, db: Session, role: str
) -> None:
    arranged = arrange(db)
    auth.login(role)
    assert client.get("/youth/purge").status_code == 403
    assert (
        client.post("/youth/purge", data={"before": "2025-04-01", "confirm": "yes"}).status_code
        == 403
    )
    db.expire_all()
    assert db.get(Participant, arranged["repeat"].id).family_name == "消去田"


def test_purged_names_are_gone_from_the_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only the rows: the bytes of the database file (and its WAL) no longer hold them."""
    monkeypatch.setenv("EXCHANGE_APP_INSTANCE_PATH", str(tmp_path / "instance"))
    path = tmp_path / "purge.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x" * 32})

    def file_bytes() -> bytes:
        data = b""
        for suffix in ("", "-wal"):
            if os.path.exists(str(path) + suffix):
                data += Path(str(path) + suffix).read_bytes()
        return data

    with app.app_context():
        session = get_session()
        program = make_program(session, start_date=date(2024, 8, 1), end_date=date(2024, 8, 8))
        for index in range(3):
            make_participant(
                session, program, **{**PURGED_VALUES, "given_name_kana": f"ヒミコ{'アイウ'[index]}"}
            )
        session.commit()
        counts_before = queries.youth_5b_count(session, 2024)
    assert PURGED_VALUES["family_name"].encode() in file_bytes()

    result = app.test_cli_runner().invoke(
        args=["purge-personal-data", "--before", "2025-01-01", "--yes"]
    )
    assert result.exit_code == 0, result.output
    assert "could not be compacted" not in result.output
    app.extensions["exchange_app.db"].engine.dispose()

    content = file_bytes()
    for value in PURGED_VALUES.values():
        assert value.encode() not in content, value
    with app.app_context():
        assert queries.youth_5b_count(get_session(), 2024) == counts_before == 3
