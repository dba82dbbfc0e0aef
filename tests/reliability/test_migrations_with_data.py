"""Every migration upgrades and downgrades with data in the tables, and the data survives.

At each revision (base to head, one step at a time) every table gets rows built from
its reflected schema: one with the longest values its columns allow (Japanese text
filling each VARCHAR, the largest integers its CHECKs permit) and one with NULL in
every nullable column. After each later step up, and on the way back down, every row
is still there, unchanged, in the columns that still exist. Exactly one head; no drift.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    inspect,
    select,
)
from sqlalchemy.exc import DBAPIError

from exchange_app import migrate
from exchange_app.db import Base, create_db_engine
from exchange_app.models import AuditEntry  # noqa: F401  (the models' metadata is complete)
from tests.conftest import reset_database
from tests.scratch import scratch_database_url

KANJI = "熊本城阿蘇水前寺江津湖"
# The values of each vocabulary the models check, by (table, column).
LATER_VOCABULARIES = {
    (table.name, constraint.info["column"]): list(constraint.info["vocabulary"].values())
    for table in Base.metadata.sorted_tables
    for constraint in table.constraints
    if "vocabulary" in constraint.info
}
PG_INT_MAX = 2**31 - 1


def _items(listing: str) -> list[Any]:
    values = re.findall(r"'([^']*)'|\b(\d+)\b", listing)
    return [text if text or not number else int(number) for text, number in values]


def allowed_values(checks: list[dict], column: str) -> list[Any] | None:
    """The values a ``column IN (...)`` CHECK allows (PostgreSQL: ``= ANY (ARRAY[...])``)."""
    name = rf"\(?\"?\b{column}\b\"?\)?(?:::[a-z ]+)?"
    for check in checks:
        text = check["sqltext"]
        if re.search(r"\b(OR|AND|NOT)\b", text, flags=re.I):
            continue
        match = re.search(rf"{name}\s+IN\s*\(([^)]*)\)", text, flags=re.I) or re.search(
            rf"{name}\s*=\s*ANY\s*\(\(?ARRAY\[(.*?)\]", text, flags=re.I
        )
        if match:
            return _items(match.group(1))
    return None


def integer_ceiling(checks: list[dict], column: str) -> int:
    """The largest integer the CHECKs on ``column`` allow (BETWEEN a AND b), else INT max."""
    for check in checks:
        text = check["sqltext"]
        match = re.search(rf"\b{column}\b\s+BETWEEN\s+\d+\s+AND\s+(\d+)", text, re.I) or (
            re.search(rf"\b{column}\b\)?\s*<=\s*(\d+)", text)
        )
        if match:
            return int(match.group(1))
    return PG_INT_MAX


def integer_step(checks: list[dict], column: str) -> int:
    """N when a CHECK requires ``column % N = 0`` (e.g. anniversaries every 5 years), else 1."""
    for check in checks:
        match = re.search(rf"\b{column}\b\)?\s*%\s*(\d+)\)?\s*=\s*0", check["sqltext"])
        if match:
            return int(match.group(1))
    return 1


def longest_text(length: int | None, serial: int) -> str:
    if length is None:
        return (f"{serial}:" + KANJI * 400)[:4000]
    text = f"{serial}" + KANJI * (length // len(KANJI) + 1)
    return text[:length]


def value_for(column, checks, parents, serial: int, variant: str) -> Any:
    """A value of ``column``'s type, as large as allowed, or None for the NULL variant."""
    if variant == "nulls" and column.nullable and not column.primary_key:
        return None
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        keys = parents.get(fk.column.table.name, [])
        if not keys and column.nullable:
            return None  # e.g. a row pointing at another of its own table
        assert keys, f"{column.table.name}.{column.name}: no row in {fk.column.table.name}"
        # The parent rows added in this same step (the newest), so that composite keys
        # such as (delegation, leading project) never repeat an earlier step's row.
        return keys[-1 - serial % min(2, len(keys))]
    # A vocabulary a later revision checks holds only its values already: the app never
    # wrote anything else there.
    choices = allowed_values(checks, column.name) or LATER_VOCABULARIES.get(
        (column.table.name, column.name)
    )
    if choices:
        return choices[serial % len(choices)]
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, Integer):
        step = integer_step(checks, column.name)
        # Distinct for UNIQUE columns, and a multiple of any step a CHECK asks for; counted
        # down by rows written (two a revision), so that a narrow range (leading project
        # numbers 1-99) lasts for many revisions.
        written = serial // 10 * 2 + serial % 10
        return (integer_ceiling(checks, column.name) // step - written) * step
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        precision, scale = kind.precision or 12, kind.scale or 0
        return Decimal(10 ** (precision - scale)) - Decimal(1).scaleb(-scale)
    if isinstance(kind, Float):
        return 1.5
    if isinstance(kind, DateTime):
        return datetime(2024, 3, 31, 15, 0, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2024, 3, 31)
    if isinstance(kind, JSON):
        return {"メモ": KANJI, "none": None, "n": serial}
    if isinstance(kind, LargeBinary):
        return KANJI.encode() + bytes(range(256)) + serial.to_bytes(4, "big")
    if isinstance(kind, String):
        for check in checks:
            exact = re.search(
                rf"length\(\(?{column.name}\)?(?:::text)?\)\s*=\s*(\d+)", check["sqltext"]
            )
            if exact:
                wanted = int(exact.group(1))
                return KANJI[serial % 5 : serial % 5 + wanted]
        return longest_text(kind.length, serial)
    raise AssertionError(f"no test value for {column.table.name}.{column.name} ({kind!r})")


def candidates(table: Table, checks, parents, serial: int, variant: str):
    """The row to try first, then single-column variations (for cross-column CHECKs)."""
    columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]
    columns = [
        c
        for c in columns
        if not (c.primary_key and isinstance(c.type, Integer) and not c.foreign_keys)
    ]
    base = {c.name: value_for(c, checks, parents, serial, variant) for c in columns}
    yield base
    for column in columns:
        for choice in allowed_values(checks, column.name) or []:
            yield {**base, column.name: choice}
        if base[column.name] is None:
            yield {**base, column.name: value_for(column, checks, parents, serial, "longest")}
        elif column.nullable and not column.foreign_keys:
            yield {**base, column.name: None}


def fill(engine: Engine, serial_start: int, written: dict[str, list[dict]]) -> dict[str, int]:
    """Add a longest-values row and a NULLs row to every table; returns rows added per table."""
    metadata = MetaData()
    metadata.reflect(engine)
    inspector = inspect(engine)
    added: dict[str, int] = {}
    parents: dict[str, list[Any]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            checks = inspector.get_check_constraints(table.name)
            added[table.name] = 0
            for offset, variant in enumerate(("longest", "nulls")):
                serial = serial_start + offset
                for row in candidates(table, checks, parents, serial, variant):
                    savepoint = connection.begin_nested()
                    try:
                        connection.execute(table.insert().values(**row))
                    except DBAPIError:
                        savepoint.rollback()
                        continue
                    savepoint.commit()
                    added[table.name] += 1
                    written.setdefault(table.name, []).append(row)
                    break
            primary = list(table.primary_key.columns)
            if len(primary) == 1:
                parents[table.name] = list(
                    connection.scalars(select(primary[0]).order_by(primary[0]))
                )
        connection.commit()
    return added


def dump(engine: Engine) -> dict[str, tuple[list[str], set[tuple]]]:
    """Every table's rows, as (column names, set of rows)."""
    metadata = MetaData()
    metadata.reflect(engine)
    result = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            names = [c.name for c in table.columns]
            rows = {tuple(repr(v) for v in row) for row in connection.execute(select(table))}
            result[table.name] = (names, rows)
    return result


def survived(earlier: dict, later: dict) -> list[str]:
    """Rows of ``earlier`` missing from ``later``, in the tables and columns both have."""
    problems = []
    for name, (columns, rows) in earlier.items():
        if name not in later or name == "alembic_version":
            continue
        later_columns, later_rows = later[name]
        common = [c for c in columns if c in later_columns]
        project = lambda row, cols, common=common: tuple(row[cols.index(c)] for c in common)  # noqa: E731
        before = {project(r, columns) for r in rows}
        after = {project(r, later_columns) for r in later_rows}
        if not before <= after:
            problems.append(f"{name}: {len(before - after)} row(s) lost or changed")
    return problems


@pytest.fixture
def scratch_url(tmp_path) -> str:
    url = scratch_database_url("migrations_data", str(tmp_path))
    reset_database(url)
    return url


def test_every_revision_migrates_up_and_down_with_data(scratch_url):
    script = ScriptDirectory.from_config(migrate.alembic_config(scratch_url))
    assert len(script.get_heads()) == 1
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    dumps: list[dict] = []
    written: dict[str, list[dict]] = {}
    for step, revision in enumerate(revisions):
        migrate.upgrade(scratch_url, revision)
        engine = create_db_engine(scratch_url)
        if dumps:
            assert not survived(dumps[-1], dump(engine)), f"upgrade to {revision}"
        added = fill(engine, serial_start=step * 10, written=written)
        empty = [name for name, count in added.items() if count < 2]
        assert not empty, f"at {revision} no rows could be added to {empty}"
        dumps.append(dump(engine))
        engine.dispose()

    # Longest values and Japanese text come back exactly as written.
    engine = create_db_engine(scratch_url)
    final = dump(engine)
    engine.dispose()
    texts_checked = 0
    for table, rows in written.items():
        columns, stored = final[table]
        for row in rows:
            for name, value in row.items():
                if isinstance(value, str):
                    index = columns.index(name)
                    assert any(r[index] == repr(value) for r in stored), f"{table}.{name}"
                    texts_checked += 1
    assert texts_checked > 50

    for index in range(len(revisions) - 1, 0, -1):
        migrate.downgrade(scratch_url, revisions[index - 1])
        engine = create_db_engine(scratch_url)
        assert not survived(dumps[index - 1], dump(engine)), f"downgrade to {revisions[index - 1]}"
        engine.dispose()
    migrate.downgrade(scratch_url, "base")
    engine = create_db_engine(scratch_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(scratch_url, "head")
    migrate.check(scratch_url)
