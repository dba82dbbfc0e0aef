"""A participant's reason for withdrawal, and the confirmation that a youth outside the
youth age range is one on purpose (existing participants: not confirmed).

Revision ID: f5f50f6c7418
Revises: 617f95ab95d5
Create Date: 2026-12-03 16:24:23.225436

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f5f50f6c7418'
down_revision: str | None = '617f95ab95d5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('age_confirmed', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('age_confirmed')
        batch_op.drop_column('withdrawal_reason')
