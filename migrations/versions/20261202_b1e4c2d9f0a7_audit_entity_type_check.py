"""audit entity types checked by the database

Revision ID: b1e4c2d9f0a7
Revises: a83565d193d7
Create Date: 2026-12-02 04:20:00

The values are written out, not read from ``exchange_app.vocab``: a migration must keep
meaning what it meant when it was written. ``tests/test_vocabulary_checks.py`` checks that
the migrated database's CHECK lists equal the enums.
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'b1e4c2d9f0a7'
down_revision: str | None = 'a83565d193d7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY_TYPES = (
    'delegation', 'youth_program', 'participant', 'youth_person', 'promotion', 'organization',
    'partner_city', 'indicator_value', 'indicator_year', 'history_report', 'user', 'api_token',
)


def upgrade() -> None:
    allowed = ", ".join(f"'{value}'" for value in ENTITY_TYPES)
    with op.batch_alter_table('audit_entries') as batch_op:
        batch_op.create_check_constraint(op.f('ck_audit_entries_entity_type'), f"entity_type IN ({allowed})")


def downgrade() -> None:
    with op.batch_alter_table('audit_entries') as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entries_entity_type'), type_='check')
