"""api token expiry

Every personal API token stops working at its ``expires_at``. Tokens that exist when
this runs get one year from now, so that none stops working at once.

Revision ID: c3a9e1f07b24
Revises: 3c7e2a9b5d14
Create Date: 2026-12-02 17:50:00.000000

"""
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import exchange_app.db

revision: str = 'c3a9e1f07b24'
down_revision: str | None = '3c7e2a9b5d14'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('expires_at', exchange_app.db.UTCDateTime(timezone=True), nullable=True)
        )
    api_tokens = sa.table(
        'api_tokens', sa.column('expires_at', exchange_app.db.UTCDateTime(timezone=True))
    )
    op.execute(
        api_tokens.update().values(expires_at=datetime.now(UTC) + timedelta(days=365))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column(
            'expires_at',
            existing_type=exchange_app.db.UTCDateTime(timezone=True),
            nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
