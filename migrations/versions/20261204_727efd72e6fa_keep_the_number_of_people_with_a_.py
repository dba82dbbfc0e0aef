"""keep the number of people with a confirmed figure

A confirmed figure of participations (5b) keeps how many different people it counted,
so that a later merge or deletion does not change a confirmed 実人数. Figures confirmed
before keep none, and are counted from their frozen records until they are revised.

Revision ID: 727efd72e6fa
Revises: 3451e10f9c58
Create Date: 2026-12-04 06:13:03.764862

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '727efd72e6fa'
down_revision: str | None = '3451e10f9c58'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('indicator_value_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unique_persons', sa.Integer(), nullable=True))
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unique_persons', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('indicator_values', schema=None) as batch_op:
        batch_op.drop_column('unique_persons')
    with op.batch_alter_table('indicator_value_revisions', schema=None) as batch_op:
        batch_op.drop_column('unique_persons')
