"""The migration that gives the Tokyo office its own kind moves an existing installation's data."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from exchange_app import migrate
from exchange_app.db import create_db_engine
from tests.conftest import reset_database
from tests.scratch import scratch_database_url

BEFORE = "a83565d193d7"
REVISION = "1910681382e1"
NOW = "2026-11-30 00:00:00+00:00"


@pytest.fixture
def old_installation(tmp_path) -> str:
    """A database at the revision before, holding what the old seed wrote."""
    url = scratch_database_url("tokyo_office", str(tmp_path))
    reset_database(url)
    migrate.upgrade(url, BEFORE)
    engine = create_db_engine(url)
    stamp = {"now": NOW}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (id, kind, country, name_ja, name_en, version, "
                "created_at, updated_at) VALUES "
                "(1, 'overseas_office', 'CN', '熊本市上海事務所', 'Kumamoto City Shanghai Office', "
                "1, :now, :now), "
                "(2, 'overseas_office', 'JP', '熊本市東京事務所', 'Kumamoto City Tokyo Office', "
                "1, :now, :now)"
            ),
            stamp,
        )
        for number, organization in ((1, 1), (2, 2)):
            connection.execute(
                text(
                    "INSERT INTO promotions (id, start_date, title, channel, organization_id, "
                    "theme, medium, counts_toward_3b, version, created_at, updated_at) VALUES "
                    "(:id, '2024-05-01', 'promotion', 'overseas_office', :org, 'food', 'event', "
                    ":yes, 1, :now, :now)"
                ),
                {"id": number, "org": organization, "yes": True, **stamp},
            )
        connection.execute(
            text(
                "INSERT INTO partner_cities (id, slug, name_ja, name_en, name_local, country, "
                "relationship_type, established_on, established_precision, display_order, "
                "version, created_at, updated_at) VALUES (1, 'aix-en-provence', "
                "'エクサンプロヴァンス市', 'Aix-en-Provence', 'Aix-en-Provence', 'FR', 'exchange', "
                "'2013-01-01', 'year', 7, 1, :now, :now)"
            ),
            stamp,
        )
        connection.execute(
            text(
                "INSERT INTO relationship_events (partner_city_id, kind, occurred_on, precision, "
                "title_ja, title_en, version, created_at, updated_at) VALUES (1, "
                "'citizens_exchange', '1980-01-01', 'year', '民間交流', 'Citizens', 1, :now, :now)"
            ),
            stamp,
        )
        connection.execute(
            text(
                "INSERT INTO indicators (code, display_order, pillar, policy, name_ja, name_en, "
                "unit, basis, source, is_representative, cumulative, baseline_value, "
                "baseline_year, version, created_at, updated_at) VALUES ('1b', 4, 1, 1, "
                "'国際コンベンション開催数', 'International conventions held', 'events', "
                "'fiscal', 'entered', :no, :no, 18, 2019, 1, :now, :now)"
            ),
            {"no": False, **stamp},
        )
    engine.dispose()
    return url


def _values(url: str, sql: str) -> list:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(sql))]
    engine.dispose()
    return rows


def test_tokyo_office_decade_and_1b_basis_move_and_move_back(old_installation: str) -> None:
    url = old_installation
    migrate.upgrade(url, REVISION)
    assert _values(url, "SELECT id, kind FROM organizations ORDER BY id") == [
        (1, "overseas_office"),
        (2, "tokyo_office"),
    ]
    assert _values(url, "SELECT id, channel FROM promotions ORDER BY id") == [
        (1, "overseas_office"),
        (2, "tokyo_office"),
    ]
    assert _values(url, "SELECT precision FROM relationship_events") == [("decade",)]
    assert _values(url, "SELECT basis FROM indicators WHERE code = '1b'") == [("calendar",)]

    engine = create_db_engine(url)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE organizations SET kind = 'embassy' WHERE id = 1"))
    engine.dispose()

    migrate.downgrade(url, BEFORE)
    assert _values(url, "SELECT kind FROM organizations ORDER BY id") == [
        ("overseas_office",),
        ("overseas_office",),
    ]
    assert _values(url, "SELECT channel FROM promotions ORDER BY id") == [
        ("overseas_office",),
        ("overseas_office",),
    ]
    assert _values(url, "SELECT precision FROM relationship_events") == [("year",)]
    assert _values(url, "SELECT basis FROM indicators WHERE code = '1b'") == [("fiscal",)]
