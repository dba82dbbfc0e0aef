"""Alembic, driven from the app: the schema is only ever created by migrations."""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config as AlembicConfig

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def alembic_config(database_url: str) -> AlembicConfig:
    """An Alembic configuration for the project's migrations against ``database_url``."""
    config = AlembicConfig(os.path.join(PROJECT_ROOT, "alembic.ini"))
    config.set_main_option("script_location", os.path.join(PROJECT_ROOT, "migrations"))
    # configparser interpolates '%', which URL-encoded passwords may contain.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate the database up to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    """Migrate the database down to ``revision``."""
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    """Print the database's current revision."""
    command.current(alembic_config(database_url), verbose=False)


def check(database_url: str) -> None:
    """Fail if the models and the migrations disagree."""
    command.check(alembic_config(database_url))
