"""organisation external ids

An organisation can be named by a file, so that importing the same organisations again
updates them instead of adding them twice. Existing organisations keep none (the export
makes one up from the id, as for every other kind).

Revision ID: b4b5c114e803
Revises: 2fc83a88d2b6
Create Date: 2026-12-03 09:50:21.392822

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b4b5c114e803'
down_revision: str | None = '2fc83a88d2b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_organizations_external_id'), ['external_id']
        )


def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organizations_external_id'), type_='unique')
        batch_op.drop_column('external_id')
