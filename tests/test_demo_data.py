"""The demo dataset: realistic volume, clearly marked, never mixed into real records."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from exchange_app.models import Delegation, Participant, Promotion, YouthProgram
from exchange_app.services import demo_data


def test_scale_one_is_a_decade_of_one_office(db) -> None:
    steps: list[int] = []
    counts = demo_data.generate(db, 1, progress=steps.append)
    assert counts == {
        "delegations": 200, "youth_programs": 200, "participants": 2000, "promotions": 200,
    }
    assert steps[-1] == 100
    titles = db.scalars(select(Delegation.title)).all()
    assert titles and all(t.startswith("[デモ]") for t in titles)
    assert db.scalar(select(func.count()).select_from(Participant)) == 2000
    ids = db.scalars(select(Promotion.external_id)).all()
    assert all(i.startswith("demo-") for i in ids)


def test_refuses_when_real_records_exist_unless_forced(db) -> None:
    db.add(Delegation(direction="inbound", counterpart="Real City", title="本物の訪問",
                      start_date=date(2024, 5, 1), end_date=date(2024, 5, 2), member_count=2))
    db.flush()
    with pytest.raises(demo_data.DemoDataRefused):
        demo_data.generate(db, 1)
    counts = demo_data.generate(db, 1, force=True)
    assert counts["youth_programs"] == 200
    assert db.scalar(select(func.count()).select_from(YouthProgram)) == 200


def test_demo_data_respects_the_database_rules(db) -> None:
    demo_data.generate(db, 1)
    db.flush()
    wrong = db.scalar(
        select(func.count()).select_from(Participant).where(
            Participant.role == "youth",
            Participant.status.in_(("selected", "participated")),
            Participant.guardian_consent_on.is_(None),
        )
    )
    assert wrong == 0


def test_scale_one_spans_the_decade_up_to_today_in_japan(db) -> None:
    from exchange_app.services.dates import fiscal_year_bounds, fiscal_year_of, today_in_japan

    demo_data.generate(db, 1)
    db.flush()
    today = today_in_japan()
    first_day = fiscal_year_bounds(fiscal_year_of(today) - 9)[0]
    for model in (Delegation, YouthProgram, Promotion):
        earliest, latest = db.execute(
            select(func.min(model.start_date), func.max(model.start_date))
        ).one()
        assert first_day <= earliest <= date(first_day.year + 1, 12, 31), model.__name__
        assert today - (latest or today) < (today - first_day) / 5, model.__name__
        assert latest <= today, model.__name__
