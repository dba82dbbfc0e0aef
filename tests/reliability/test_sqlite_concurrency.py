"""SQLite under several workers: WAL, busy timeout, writers begin IMMEDIATE, no connection
made before fork. (The load test shows the whole under gunicorn with killed workers.)"""

from __future__ import annotations

from sqlalchemy import event

from exchange_app import create_app
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
