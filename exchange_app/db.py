"""Database plumbing: the declarative base, one engine per app, one session per request.

The engine is created inside ``create_app`` so that every gunicorn worker (which
imports the app after fork) opens its own connections.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from exchange_app import paths

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints are named by convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware (a callable for column defaults)."""
    return datetime.now(UTC)


@dataclass
class Database:
    """The engine and session factory that belong to one app."""

    engine: Engine
    session_factory: sessionmaker[Session]


def sqlite_url_for_instance(app: Flask) -> str:
    """The default database: a SQLite file in the app's instance folder."""
    os.makedirs(app.instance_path, exist_ok=True)
    return "sqlite:///" + os.path.join(app.instance_path, "exchange_app.sqlite3")


_SQLITE_BEGIN = {"DEFERRED": "BEGIN DEFERRED", "IMMEDIATE": "BEGIN IMMEDIATE"}


def create_db_engine(url: str, *, sqlite_busy_timeout_ms: int = 15000, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, a busy timeout and explicit BEGINs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)

    database_file = parsed.database or ""
    if (
        database_file not in ("", ":memory:")
        and not database_file.startswith("file:")
        and os.path.isdir(os.path.dirname(os.path.abspath(database_file)))
    ):
        # The file holds personal data: owner-only, and so are the -wal and -shm files
        # SQLite makes beside it (with the database file's mode).
        for suffix in ("", "-wal", "-shm"):
            if suffix == "" or os.path.exists(database_file + suffix):
                paths.private_file(database_file + suffix)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin, so that
        # SAVEPOINTs work and writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
        if parsed.database and parsed.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_sqlite(connection: Any) -> None:
        # A request that will write takes the write lock at BEGIN: two writers
        # then queue on busy_timeout instead of failing with "database is locked"
        # when a deferred read transaction tries to upgrade.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(_SQLITE_BEGIN[mode])

    return engine


def init_app(app: Flask) -> None:
    """Create the engine for ``app`` and close the request's session at teardown."""
    url = app.config.get("DATABASE_URL") or sqlite_url_for_instance(app)
    app.config["DATABASE_URL"] = url
    engine = create_db_engine(url, sqlite_busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    app.extensions["exchange_app.db"] = Database(
        engine=engine,
        session_factory=sessionmaker(bind=engine, expire_on_commit=False),
    )
    app.teardown_appcontext(close_session)


def get_db(app: Flask | None = None) -> Database:
    """The ``Database`` of ``app`` (or of the current app)."""
    return (app or current_app).extensions["exchange_app.db"]


def get_session() -> Session:
    """The session of the current request or app context, created on first use.

    State-changing requests begin their SQLite transaction with ``BEGIN IMMEDIATE``.
    """
    if "db_session" not in g:
        session = get_db().session_factory()
        from flask import has_request_context, request

        if has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS"):
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        g.db_session = session
    return g.db_session


def begin_write(session: Session) -> None:
    """End the session's read transaction and begin one that writes.

    Every writer that is not a state-changing request calls this before its first write:
    a GET view that records something (an audit entry of a view or an export) right
    before it adds the entry, a command that writes before it reads what it will change.
    On SQLite a read transaction that later writes fails at once ("database is locked")
    when another connection wrote in between; a transaction begun with ``BEGIN IMMEDIATE``
    waits its turn (the busy timeout) like a form save does.
    """
    session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def write_session() -> Session:
    """The current session in a transaction that writes (for commands that write)."""
    session = get_session()
    begin_write(session)
    return session


# A write of at least this many rows changes a table enough for the planner's statistics.
LARGE_WRITE_ROWS = 1000


def refresh_planner_statistics(session: Session, rows_written: int | None = None) -> bool:
    """After a bulk load (demo data, a large import), let PostgreSQL's planner see the new
    rows at once: autovacuum analyses late, and the pages served before it are planned on
    the empty tables' statistics. ``rows_written`` below ``LARGE_WRITE_ROWS`` is no reason.
    SQLite keeps no statistics unless asked, and its plans are written for that.
    Returns whether the statistics were refreshed."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    if rows_written is not None and rows_written < LARGE_WRITE_ROWS:
        return False
    session.execute(text("ANALYZE"))
    return True


def close_session(_exc: BaseException | None = None) -> None:
    """Close the session at the end of the request; uncommitted work is rolled back."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, so values are normalised to UTC on the way in and
    marked as UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
