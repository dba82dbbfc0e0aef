"""participant roster number

A participant can carry the number of the office's own roster, so that importing a
corrected roster finds each participation by it first. Existing participants keep none.

Revision ID: 3451e10f9c58
Revises: 961fd2dbf7a9
Create Date: 2026-12-04 02:40:17.995333

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3451e10f9c58'
down_revision: str | None = '961fd2dbf7a9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_participants_external_id'), ['external_id']
        )


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participants_external_id'), type_='unique')
        batch_op.drop_column('external_id')
