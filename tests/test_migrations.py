"""Migrations: from empty to head and back, on the database under test; no drift."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from exchange_app import migrate
from tests.conftest import reset_database
from tests.scratch import scratch_database_url


@pytest.fixture
def scratch_url(tmp_path) -> str:
    """An empty database of the same kind as the one under test."""
    url = scratch_database_url("migrations", str(tmp_path))
    reset_database(url)
    return url


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
