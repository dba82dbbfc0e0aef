"""Alembic environment: runs migrations for the exchange_app models."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, text

import exchange_app.models  # noqa: F401  (registers every table on Base.metadata)
from exchange_app.db import Base, create_db_engine

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    if url:
        return url
    from exchange_app import create_app

    return create_app().config["DATABASE_URL"]


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(_database_url())
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch migrations copy and drop tables; with foreign keys on, dropping a
            # referenced table would cascade or fail. Turn them off (outside any
            # transaction) and check the result afterwards.
            # The PRAGMA is a no-op inside a transaction, and every statement through the
            # Connection begins one: it goes to the driver's connection (autocommit) first.
            raw = connection.connection.dbapi_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
        _run(connection)
        if connection.dialect.name == "sqlite":
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            connection.commit()
            if problems:
                raise RuntimeError(f"foreign key violations after migration: {problems}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
