"""read a year's 5b people from the index

The index that counts a programme's participations by role, status and residence also
holds the person, so that 5b's different people (実人数) are counted from it alone.

Revision ID: ede8bbd95021
Revises: 727efd72e6fa
Create Date: 2026-12-04 13:19:29.640244

"""
from collections.abc import Sequence

from alembic import op

revision: str = 'ede8bbd95021'
down_revision: str | None = '727efd72e6fa'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED = ['program_id', 'role', 'status', 'resident']


def upgrade() -> None:
    op.drop_index('ix_participants_program_counts', table_name='participants')
    op.create_index(
        'ix_participants_program_counts', 'participants', [*COUNTED, 'person_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_participants_program_counts', table_name='participants')
    op.create_index('ix_participants_program_counts', 'participants', COUNTED, unique=False)
