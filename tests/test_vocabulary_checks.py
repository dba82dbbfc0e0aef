"""Every vocabulary's CHECK constraint in the migrated database equals its enum."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import CheckConstraint, text

from exchange_app.db import Base
from exchange_app.models import AuditEntry
from exchange_app.vocab import EntityType

VOCABULARY_CHECKS = [
    (table.name, constraint)
    for table in Base.metadata.sorted_tables
    for constraint in table.constraints
    if isinstance(constraint, CheckConstraint) and "vocabulary" in constraint.info
]


def _check_sql(connection, table: str, name: str) -> str:
    if connection.dialect.name == "postgresql":
        found = connection.execute(
            text(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid"
                " WHERE t.relname = :table AND c.conname = :name"
            ),
            {"table": table, "name": name},
        ).scalar()
    else:
        ddl = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
            {"table": table},
        ).scalar()
        match = re.search(rf'CONSTRAINT "?{name}"? CHECK \((.*?)\)(,|\s*\))', ddl or "", re.S)
        found = match.group(1) if match else None
    assert found, f"{table}: no CHECK constraint {name} in the migrated database"
    return found


def test_every_vocabulary_has_a_check() -> None:
    names = {constraint.info["vocabulary"].__name__ for _table, constraint in VOCABULARY_CHECKS}
    assert {"Direction", "ParticipantStatus", "AuditAction", "EntityType"} <= names


@pytest.mark.parametrize(
    ("table", "constraint"),
    VOCABULARY_CHECKS,
    ids=[f"{table}.{c.info['column']}" for table, c in VOCABULARY_CHECKS],
)
def test_migrated_check_lists_equal_the_enum(connection, table, constraint) -> None:
    sql = _check_sql(connection, table, str(constraint.name))
    allowed = re.findall(r"'([^']*)'", sql)
    assert sorted(allowed) == sorted(constraint.info["vocabulary"].values())


def test_an_unknown_entity_type_is_refused_by_the_database(connection) -> None:
    with pytest.raises(Exception, match=r"(?i)check|constraint"), connection.begin_nested():
        connection.execute(
            AuditEntry.__table__.insert().values(action="view", entity_type="spaceship")
        )
    assert "delegation" in EntityType.values()
