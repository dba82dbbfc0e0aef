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


def test_the_city_offices_are_in_the_network_shanghai_overseas_tokyo_its_own_kind(db) -> None:
    offices = dict(
        db.execute(
            select(Organization.name_ja, Organization.kind).where(
                Organization.name_ja.in_(["熊本市上海事務所", "熊本市東京事務所"])
            )
        ).all()
    )
    assert offices == {"熊本市上海事務所": "overseas_office", "熊本市東京事務所": "tokyo_office"}


def test_tokyo_office_kind_is_labelled_as_the_citys_own_office(app) -> None:
    from flask_babel import force_locale

    from exchange_app import vocab

    with app.test_request_context():
        with force_locale("ja"):
            assert str(vocab.OrganizationKind.label_of("tokyo_office")) == "本市の東京事務所"
            assert str(vocab.PromotionChannel.label_of("tokyo_office")) == "本市の東京事務所"
            assert str(vocab.OrganizationKind.label_of("overseas_office")) == "本市の海外事務所"
        with force_locale("en"):
            assert str(vocab.OrganizationKind.label_of("tokyo_office")) == "City's Tokyo office"


def test_indicator_1b_is_a_calendar_year_figure_as_its_statistics_are(db) -> None:
    b1 = db.scalar(select(Indicator).where(Indicator.code == "1b"))
    assert (b1.basis, b1.baseline_year) == ("calendar", 2019)


def test_aix_citizens_exchanges_are_known_to_the_decade(db) -> None:
    aix = db.scalar(select(PartnerCity).where(PartnerCity.slug == "aix-en-provence"))
    first = aix.events[0]
    assert (first.kind, first.occurred_on.year, first.precision) == (
        "citizens_exchange",
        1980,
        "decade",
    )


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
