"""Participants looked up by birth date (the same person is looked for among those born
on the same day), replacing the index on the exact kana name.

Revision ID: 617f95ab95d5
Revises: 5d2a8e61c7f3
Create Date: 2026-12-03 15:56:52.680240

"""
from collections.abc import Sequence

from alembic import op

revision: str = '617f95ab95d5'
down_revision: str | None = '5d2a8e61c7f3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_kana_birth'))
        batch_op.create_index('ix_participants_birth_date', ['birth_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index('ix_participants_birth_date')
        batch_op.create_index(batch_op.f('ix_participants_kana_birth'), ['family_name_kana', 'given_name_kana', 'birth_date'], unique=False)
