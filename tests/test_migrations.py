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


def test_existing_api_tokens_get_a_year_to_live(scratch_url: str) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text

    migrate.upgrade(scratch_url, "3c7e2a9b5d14")
    engine = create_engine(scratch_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (email, display_name, role, password_hash, active, created_at,"
                " password_changed_at, version) VALUES ('t@example.org', 'T', 'viewer', 'x', true,"
                " :now, :now, 1)"
            ),
            {"now": datetime.now(UTC)},
        )
        connection.execute(
            text(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at)"
                " SELECT id, 'old', :hash, :now FROM users"
            ),
            {"hash": "a" * 64, "now": datetime.now(UTC)},
        )
    engine.dispose()
    migrate.upgrade(scratch_url, "head")
    from sqlalchemy.orm import Session

    from exchange_app.db import create_db_engine
    from exchange_app.models import ApiToken

    engine = create_db_engine(scratch_url)
    with Session(engine) as session:
        token = session.query(ApiToken).one()
        remaining = token.expires_at - datetime.now(UTC)
        assert timedelta(days=364) < remaining <= timedelta(days=365)
    engine.dispose()
    migrate.downgrade(scratch_url, "3c7e2a9b5d14")
    engine = create_engine(scratch_url)
    assert "expires_at" not in {c["name"] for c in inspect(engine).get_columns("api_tokens")}
    engine.dispose()
