"""tokyo office kind, decade dates, 1b by calendar year

- The city's Tokyo office is a domestic office (本市の東京事務所), not an overseas office:
  its own organisation kind and promotion channel, ``tokyo_office``. The seeded Tokyo
  office and the promotions that went through it move to it; Shanghai stays overseas.
- A step of a relationship may be known only to its decade ("since the 1980s"): the
  event date precision ``decade``. Aix-en-Provence's citizens' exchanges take it.
- Indicator 1b (国際コンベンション開催数) is a calendar-year figure, as the convention
  statistics it comes from (and the strategy's "（2019年）") are.

Revision ID: 1910681382e1
Revises: b1e4c2d9f0a7
Create Date: 2026-12-02 13:40:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '1910681382e1'
down_revision: str | None = 'b1e4c2d9f0a7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORGANIZATION_KINDS_BEFORE = (
    "international_organization", "embassy_consulate", "overseas_office", "foreign_city", "other",
)
ORGANIZATION_KINDS_AFTER = (
    "international_organization", "embassy_consulate", "overseas_office", "tokyo_office",
    "foreign_city", "other",
)
CHANNELS_BEFORE = (
    "partner_city", "international_organization", "embassy_consulate", "overseas_office",
    "international_conference", "foreign_city",
)
CHANNELS_AFTER = (
    "partner_city", "international_organization", "embassy_consulate", "overseas_office",
    "tokyo_office", "international_conference", "foreign_city",
)
PRECISIONS_BEFORE = ("year", "month", "day")
PRECISIONS_AFTER = ("year", "month", "day", "decade")

TOKYO_OFFICE = ("熊本市東京事務所", "Kumamoto City Tokyo Office")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_check(table: str, column: str, values: tuple[str, ...]) -> None:
    name = f"ck_{table}_{column}"
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.create_check_constraint(op.f(name), _one_of(column, values))


def upgrade() -> None:
    _replace_check("organizations", "kind", ORGANIZATION_KINDS_AFTER)
    _replace_check("promotions", "channel", CHANNELS_AFTER)
    with op.batch_alter_table("relationship_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_relationship_events_precision"), type_="check")
        batch_op.alter_column(
            "precision", existing_type=sa.String(length=5), type_=sa.String(length=10),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            op.f("ck_relationship_events_precision"), _one_of("precision", PRECISIONS_AFTER)
        )

    bind = op.get_bind()
    tokyo = bind.execute(
        sa.text(
            "SELECT id FROM organizations WHERE kind = 'overseas_office' "
            "AND (name_ja = :ja OR name_en = :en)"
        ),
        {"ja": TOKYO_OFFICE[0], "en": TOKYO_OFFICE[1]},
    ).scalars().all()
    for organization_id in tokyo:
        bind.execute(
            sa.text("UPDATE organizations SET kind = 'tokyo_office' WHERE id = :id"),
            {"id": organization_id},
        )
        bind.execute(
            sa.text(
                "UPDATE promotions SET channel = 'tokyo_office' "
                "WHERE organization_id = :id AND channel = 'overseas_office'"
            ),
            {"id": organization_id},
        )
    bind.execute(
        sa.text(
            "UPDATE relationship_events SET precision = 'decade' "
            "WHERE kind = 'citizens_exchange' AND precision = 'year' AND occurred_on = :day "
            "AND partner_city_id IN "
            "(SELECT id FROM partner_cities WHERE slug = 'aix-en-provence')"
        ),
        {"day": "1980-01-01"},
    )
    bind.execute(
        sa.text("UPDATE indicators SET basis = 'calendar' WHERE code = '1b' AND basis = 'fiscal'")
    )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text("UPDATE indicators SET basis = 'fiscal' WHERE code = '1b' AND basis = 'calendar'")
    )
    # A decade is written as its first year, the closest the older schema can hold.
    bind.execute(
        sa.text("UPDATE relationship_events SET precision = 'year' WHERE precision = 'decade'")
    )
    bind.execute(
        sa.text("UPDATE promotions SET channel = 'overseas_office' WHERE channel = 'tokyo_office'")
    )
    bind.execute(
        sa.text("UPDATE organizations SET kind = 'overseas_office' WHERE kind = 'tokyo_office'")
    )
    with op.batch_alter_table("relationship_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_relationship_events_precision"), type_="check")
        batch_op.alter_column(
            "precision", existing_type=sa.String(length=10), type_=sa.String(length=5),
            existing_nullable=False,
        )
        batch_op.create_check_constraint(
            op.f("ck_relationship_events_precision"), _one_of("precision", PRECISIONS_BEFORE)
        )
    _replace_check("promotions", "channel", CHANNELS_BEFORE)
    _replace_check("organizations", "kind", ORGANIZATION_KINDS_BEFORE)
