"""whole-office workbook exports as jobs

The workbook is written by the job queue and kept in the database until downloaded
(every app server finds it): one more job kind and one more stored file purpose.
Downgrading forgets those jobs and files.

Revision ID: 5d2a8e61c7f3
Revises: b4b5c114e803
Create Date: 2026-12-03 13:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5d2a8e61c7f3'
down_revision: str | None = 'b4b5c114e803'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_KINDS = ('import_check', 'import_apply', 'history_pdf')
PURPOSES = ('import_upload', 'import_plan', 'history_pdf')
NEW = 'workbook_export'


def _allowed(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _check(table: str, column: str, values: Sequence[str]) -> None:
    name = op.f(f'ck_{table}_{column}')
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(name, type_='check')
        batch_op.create_check_constraint(name, f"{column} IN ({_allowed(values)})")


def upgrade() -> None:
    _check('jobs', 'kind', (*JOB_KINDS, NEW))
    _check('stored_files', 'purpose', (*PURPOSES, NEW))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM stored_files WHERE purpose = :new").bindparams(new=NEW))
    op.execute(sa.text("DELETE FROM jobs WHERE kind = :new").bindparams(new=NEW))
    _check('stored_files', 'purpose', PURPOSES)
    _check('jobs', 'kind', JOB_KINDS)
