"""SQLite under several workers: WAL, busy timeout, writers begin IMMEDIATE, no connection
made before fork. (The load test shows the whole under gunicorn with killed workers.)"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from exchange_app import create_app, migrate
from exchange_app.db import create_db_engine, get_session


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = create_db_engine("sqlite:///" + str(tmp_path / "w.sqlite3"))
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_creating_the_app_opens_no_connection(tmp_path):
    """Nothing is connected in the gunicorn master, so no connection crosses a fork."""
    app = create_app({"DATABASE_URL": "sqlite:///" + str(tmp_path / "f.sqlite3")})
    engine = app.extensions["exchange_app.db"].engine
    assert engine.pool.checkedin() == 0 and engine.pool.checkedout() == 0
    engine.dispose()


def test_a_writing_request_begins_immediate_and_a_reading_one_deferred(tmp_path):
    app = create_app({"DATABASE_URL": "sqlite:///" + str(tmp_path / "b.sqlite3")})
    engine = app.extensions["exchange_app.db"].engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for method, expected in (("POST", "BEGIN IMMEDIATE"), ("GET", "BEGIN DEFERRED")):
        statements.clear()
        with app.test_request_context("/", method=method):
            get_session().connection()
            assert expected in statements, (method, statements)
    engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ["users", "create", "--email", "cli@example.org", "--role", "viewer"],
        ["ensure-admin", "--email", "first@example.org"],
        ["seed"],
    ],
)
def test_a_command_that_writes_takes_the_write_lock_before_it_writes(tmp_path, args):
    """Commands write in a transaction begun IMMEDIATE: they wait their turn, never fail."""
    url = "sqlite:///" + str(tmp_path / "c.sqlite3")
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    engine = app.extensions["exchange_app.db"].engine
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    result = app.test_cli_runner().invoke(args=args, input="command line password 阿蘇山\n")
    assert result.exit_code == 0, result.output
    write = next(
        i for i, s in enumerate(statements) if s.startswith(("INSERT", "UPDATE", "DELETE"))
    )
    begins = [s for s in statements[:write] if s.startswith("BEGIN")]
    assert begins[-1] == "BEGIN IMMEDIATE", statements[: write + 1]
    engine.dispose()
