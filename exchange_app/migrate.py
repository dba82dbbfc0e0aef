"""Alembic, driven from the app: the schema is only ever created by migrations."""

from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext

from exchange_app import paths


def _shipped_config() -> AlembicConfig:
    """The Alembic configuration and migrations that come with the app (checkout or wheel)."""
    config = AlembicConfig(str(paths.resource("alembic.ini")))
    config.set_main_option("script_location", str(paths.resource("migrations")))
    return config


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic configuration for the project's migrations against ``database_url``."""
    config = _shipped_config()
    # configparser interpolates '%', which URL-encoded passwords may contain.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)


def current_revision(database_url: str) -> str | None:
    """The database's revision (None for an empty database)."""
    from exchange_app.db import create_db_engine

    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revisions() -> tuple[str, ...]:
    """The newest revision(s) of the migrations shipped with the app."""
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(_shipped_config()).get_heads())


def check(database_url: str) -> None:
    """Fail if the models and the migrations disagree."""
    command.check(alembic_config(database_url))
