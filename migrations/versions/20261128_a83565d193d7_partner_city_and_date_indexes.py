"""partner city and date indexes

A partner city's records by date (its page, its history, a list filtered by city
and fiscal year) are read through one index instead of all of the city's rows;
the counts of a programme's participations (indicator 5b, counts by status and
role) come from an index alone.

Revision ID: a83565d193d7
Revises: a97f5d8627ec
Create Date: 2026-11-28 13:05:21.568405

"""
from collections.abc import Sequence

from alembic import op

revision: str = 'a83565d193d7'
down_revision: str | None = 'a97f5d8627ec'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("delegations", "promotions", "youth_programs")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                f"ix_{table}_partner_city_id_start_date",
                ["partner_city_id", "start_date"],
                unique=False,
            )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participants_program_counts",
            ["program_id", "role", "status", "resident"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index("ix_participants_program_counts")
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_partner_city_id_start_date")
