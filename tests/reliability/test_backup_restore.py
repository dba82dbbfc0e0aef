"""Backups: ``flask backup FILE`` then ``flask restore FILE`` brings every record back.

(That a backup can be taken while gunicorn serves writers is shown by the load test,
which runs ``flask backup`` mid-run and checks the copy.)
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from exchange_app import create_app
from exchange_app.db import get_session
from exchange_app.models import AuditEntry, PartnerCity, User
from exchange_app.services import accounts, audit
from tests.scratch import load_test_module, scratch_database_url


@pytest.fixture
def scratch_app(tmp_path):
    url = scratch_database_url("backup", str(tmp_path))
    load_test_module().prepare_database(url)
    app = create_app({"DATABASE_URL": url})
    yield app
    app.extensions["exchange_app.db"].engine.dispose()


def snapshot(session) -> dict:
    session.expire_all()
    return {
        "users": sorted(
            (u.email, u.display_name, u.role, u.password_hash)
            for u in session.scalars(select(User))
        ),
        "cities": sorted(
            (c.slug, c.name_ja, c.notes, c.version) for c in session.scalars(select(PartnerCity))
        ),
        "audit": sorted(
            (a.id, a.summary, str(a.changes)) for a in session.scalars(select(AuditEntry))
        ),
    }


def test_a_restored_backup_holds_every_record(scratch_app, tmp_path):
    app = scratch_app
    runner = app.test_cli_runner()
    backup_file = str(tmp_path / "exchange.backup")
    with app.app_context():
        session = get_session()
        for n in range(25):
            accounts.create_user(
                session,
                email=f"person{n}@example.org",
                display_name=f"熊本 太郎 {n} — ünïcode",
                role="staff",
                password=f"passphrase number {n} 熊本",
            )
        city = session.scalars(select(PartnerCity).order_by(PartnerCity.id)).first()
        city.notes = "姉妹都市の記録\n" + "長" * 4000
        audit.record(session, "update", "partner_city", city.id, summary="before the backup")
        session.commit()
        before = snapshot(session)

    result = runner.invoke(args=["backup", backup_file])
    assert result.exit_code == 0, result.output
    assert os.path.getsize(backup_file) > 0

    with app.app_context():  # damage after the backup
        session = get_session()
        for user in session.scalars(select(User).where(User.email.like("person1%"))):
            session.delete(user)
        city = session.scalars(select(PartnerCity).order_by(PartnerCity.id)).first()
        city.notes = "overwritten"
        accounts.create_user(
            session,
            email="late@example.org",
            display_name="Late",
            role="viewer",
            password="added after the backup",
        )
        session.commit()
        assert snapshot(session) != before

    app.extensions["exchange_app.db"].engine.dispose()
    result = runner.invoke(args=["restore", backup_file, "--yes"])
    assert result.exit_code == 0, result.output

    with app.app_context():
        after = snapshot(get_session())
    assert after == before
    assert len(after["users"]) == 26  # 25 people and the administrator


def test_restore_refuses_a_file_that_is_not_a_backup(scratch_app, tmp_path):
    bogus = tmp_path / "not-a-backup"
    bogus.write_bytes(b"this is not a database")
    result = scratch_app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    with scratch_app.app_context():
        assert get_session().scalar(select(User).where(User.email == "load-admin@example.org"))


def test_restore_asks_before_replacing_everything(scratch_app, tmp_path):
    result = scratch_app.test_cli_runner().invoke(args=["restore", __file__], input="n\n")
    assert result.exit_code != 0 and "Continue?" in result.output
