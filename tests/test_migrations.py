"""Migrations: from empty to head and back, on the database under test; no drift."""

from __future__ import annotations

import os

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from exchange_app import migrate
from tests.conftest import reset_database


@pytest.fixture
def scratch_url(tmp_path) -> str:
    """An empty database of the same kind as the one under test."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + str(tmp_path / "migrations.sqlite3")
    url = make_url(base)
    scratch = url.set(database=f"{url.database}_migrations")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": scratch.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    admin.dispose()
    rendered = scratch.render_as_string(hide_password=False)
    reset_database(rendered)
    return rendered


def test_exactly_one_head() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_to_head_and_down_to_base(scratch_url: str) -> None:
    migrate.upgrade(scratch_url, "head")
    engine = create_engine(scratch_url)
    tables = set(inspect(engine).get_table_names())
    assert {"partner_cities", "delegations", "participants", "promotions", "indicators"} <= tables
    engine.dispose()

    migrate.downgrade(scratch_url, "base")
    engine = create_engine(scratch_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()

    migrate.upgrade(scratch_url, "head")  # and up again, cleanly


def test_models_and_migrations_agree(scratch_url: str) -> None:
    migrate.upgrade(scratch_url, "head")
    migrate.check(scratch_url)  # raises if autogenerate would find a difference
