"""login failures cleanup index

Sign-in throttling counts failures by account and by client address and deletes those
older than its window on every failure: an index on the time keeps that delete cheap.

Revision ID: 3c7e2a9b5d14
Revises: 669f20ed927c
Create Date: 2026-12-02 17:40:00.000000

"""
from collections.abc import Sequence

from alembic import op

revision: str = '3c7e2a9b5d14'
down_revision: str | None = '669f20ed927c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_occurred_at', ['occurred_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_occurred_at')
