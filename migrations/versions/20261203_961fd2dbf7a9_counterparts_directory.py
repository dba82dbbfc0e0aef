"""counterparts directory: the people met abroad, their posts, and the rows linked to them

Revision ID: 961fd2dbf7a9
Revises: f5f50f6c7418
Create Date: 2026-12-03 19:04:15.676395

The audit trail's entity types gain 'counterpart' (written out, as in b1e4c2d9f0a7).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import exchange_app.db

revision: str = '961fd2dbf7a9'
down_revision: str | None = 'f5f50f6c7418'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY_TYPES = (
    'delegation', 'youth_program', 'participant', 'youth_person', 'promotion', 'organization',
    'partner_city', 'indicator_value', 'indicator_year', 'history_report', 'user', 'api_token',
)
WITH_COUNTERPART = (*ENTITY_TYPES[:6], 'counterpart', *ENTITY_TYPES[6:])


def _entity_type_check(values: tuple[str, ...]) -> None:
    allowed = ", ".join(f"'{value}'" for value in values)
    with op.batch_alter_table('audit_entries') as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entries_entity_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entries_entity_type'), f"entity_type IN ({allowed})")


def upgrade() -> None:
    op.create_table('counterparts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_city_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('name_local', sa.String(length=200), nullable=False),
    sa.Column('name_romaji', sa.String(length=200), nullable=True),
    sa.Column('name_kana', sa.String(length=200), nullable=True),
    sa.Column('languages', sa.String(length=200), nullable=True),
    sa.Column('business_email', sa.String(length=254), nullable=True),
    sa.Column('business_phone', sa.String(length=50), nullable=True),
    sa.Column('business_address', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('private_address', sa.String(length=500), nullable=True),
    sa.Column('private_phone', sa.String(length=50), nullable=True),
    sa.Column('private_email', sa.String(length=254), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', exchange_app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', exchange_app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_counterparts_created_by_id_users')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['counterparts.id'], name=op.f('fk_counterparts_merged_into_id_counterparts')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_counterparts_organization_id_organizations')),
    sa.ForeignKeyConstraint(['partner_city_id'], ['partner_cities.id'], name=op.f('fk_counterparts_partner_city_id_partner_cities')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_counterparts_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counterparts'))
    )
    with op.batch_alter_table('counterparts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counterparts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counterparts_partner_city_id'), ['partner_city_id'], unique=False)

    op.create_table('counterpart_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counterpart_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organization', sa.String(length=200), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_counterpart_posts_end_after_start')),
    sa.ForeignKeyConstraint(['counterpart_id'], ['counterparts.id'], name=op.f('fk_counterpart_posts_counterpart_id_counterparts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counterpart_posts'))
    )
    with op.batch_alter_table('counterpart_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counterpart_posts_counterpart_id'), ['counterpart_id'], unique=False)

    with op.batch_alter_table('courtesy_calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counterpart_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_courtesy_calls_counterpart_id'), ['counterpart_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_courtesy_calls_counterpart_id_counterparts'), 'counterparts', ['counterpart_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('delegation_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counterpart_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_delegation_members_counterpart_id'), ['counterpart_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_delegation_members_counterpart_id_counterparts'), 'counterparts', ['counterpart_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('gifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counterpart_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_gifts_counterpart_id'), ['counterpart_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_gifts_counterpart_id_counterparts'), 'counterparts', ['counterpart_id'], ['id'], ondelete='SET NULL')

    _entity_type_check(WITH_COUNTERPART)


def downgrade() -> None:
    # The audit entries of a kind of record that no longer exists go with it.
    op.execute("DELETE FROM audit_entries WHERE entity_type = 'counterpart'")
    _entity_type_check(ENTITY_TYPES)
    with op.batch_alter_table('gifts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_gifts_counterpart_id_counterparts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_gifts_counterpart_id'))
        batch_op.drop_column('counterpart_id')

    with op.batch_alter_table('delegation_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delegation_members_counterpart_id_counterparts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_delegation_members_counterpart_id'))
        batch_op.drop_column('counterpart_id')

    with op.batch_alter_table('courtesy_calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_courtesy_calls_counterpart_id_counterparts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_courtesy_calls_counterpart_id'))
        batch_op.drop_column('counterpart_id')

    with op.batch_alter_table('counterpart_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counterpart_posts_counterpart_id'))

    op.drop_table('counterpart_posts')
    with op.batch_alter_table('counterparts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counterparts_partner_city_id'))
        batch_op.drop_index(batch_op.f('ix_counterparts_organization_id'))

    op.drop_table('counterparts')
