"""Seeding the reference data."""

from __future__ import annotations

from sqlalchemy import func, select

from exchange_app.models import Indicator, LeadingProject, Organization, PartnerCity
from exchange_app.services.seed import seed_reference_data


def _counts(db) -> tuple[int, int, int]:
    return (
        db.scalar(select(func.count(PartnerCity.id))),
        db.scalar(select(func.count(Indicator.id))),
        db.scalar(select(func.count(LeadingProject.id))),
    )


def test_seed_gives_eight_cities_fourteen_indicators_eleven_projects(db) -> None:
    assert _counts(db) == (8, 14, 11)


def test_the_city_offices_are_in_the_network(db) -> None:
    offices = db.scalars(
        select(Organization.name_ja).where(Organization.kind == "overseas_office")
    ).all()
    assert {"熊本市上海事務所", "熊本市東京事務所"} <= set(offices)


def test_seeding_again_changes_nothing(db) -> None:
    guilin = db.scalar(select(PartnerCity).where(PartnerCity.slug == "guilin"))
    guilin.notes = "edited by staff"
    db.flush()
    report = seed_reference_data(db)
    assert report.created == {}
    assert _counts(db) == (8, 14, 11)
    assert guilin.notes == "edited by staff"


def test_seeded_facts(db) -> None:
    guilin = db.scalar(select(PartnerCity).where(PartnerCity.slug == "guilin"))
    assert guilin.established_on.isoformat() == "1979-10-01"
    assert guilin.established_precision == "day"
    rome = db.scalar(select(PartnerCity).where(PartnerCity.slug == "rome-ga"))
    assert rome.established_precision == "month"
    assert [e.kind for e in rome.events] == ["signed", "inherited"]
    assert rome.events[1].occurred_on.year == 2015
    kaohsiung = db.scalar(select(PartnerCity).where(PartnerCity.slug == "kaohsiung"))
    assert "熊本県" in kaohsiung.events[0].title_ja
    b3 = db.scalar(select(Indicator).where(Indicator.code == "3b"))
    assert (b3.source, b3.computed_rule, int(b3.baseline_value), b3.baseline_year) == (
        "computed",
        "promotions_3b",
        33,
        2022,
    )
    assert {t.year: int(t.value) for t in b3.targets} == {2027: 45, 2031: 60}
    r1 = db.scalar(select(Indicator).where(Indicator.code == "R1"))
    assert r1.basis == "calendar" and r1.is_representative
