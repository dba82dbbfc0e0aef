"""PostgreSQL's planner sees bulk-loaded rows at once (demo data, large imports)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from exchange_app import db as database
from exchange_app.services import demo_data


def _analysed_columns(db: Session, table: str) -> int:
    """Columns of ``table`` the planner has statistics for (0 on SQLite, which has none)."""
    if db.get_bind().dialect.name == "postgresql":
        return (
            db.scalar(
                text(
                    "SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() "
                    "AND tablename = :table"
                ),
                {"table": table},
            )
            or 0
        )
    has_stats = db.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
    return db.scalar(text("SELECT count(*) FROM sqlite_stat1")) if has_stats else 0


def test_demo_data_leaves_the_planner_statistics_of_what_it_loaded(db: Session) -> None:
    demo_data.generate(db, 1)
    analysed = _analysed_columns(db, "participants")
    if db.get_bind().dialect.name == "postgresql":
        assert analysed > 0
    else:
        # SQLite's queries are planned without statistics, as they were written.
        assert analysed == 0


def test_a_small_write_is_no_reason_to_analyse(db: Session, monkeypatch: Any) -> None:
    ran: list[str] = []
    original = db.execute

    def spy(statement: Any, *args: Any, **kwargs: Any) -> Any:
        ran.append(str(statement))
        return original(statement, *args, **kwargs)

    monkeypatch.setattr(db, "execute", spy)
    small = database.LARGE_WRITE_ROWS - 1
    assert database.refresh_planner_statistics(db, rows_written=small) is False
    large = database.refresh_planner_statistics(db, rows_written=database.LARGE_WRITE_ROWS)
    assert large is (db.get_bind().dialect.name == "postgresql")
    assert ran == (["ANALYZE"] if large else [])
    assert db.scalar(select(func.count()).select_from(text("partner_cities"))) == 8
