"""The history page's overview and decade chronology agree exactly with the whole document."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import select

from exchange_app.models import Delegation, HistoryReport, PartnerCity, Promotion, YouthProgram
from exchange_app.services import demo_data
from exchange_app.services import history as history_service


def _city(db, slug: str) -> PartnerCity:
    return db.scalar(select(PartnerCity).where(PartnerCity.slug == slug))


def _figures(history: history_service.History) -> dict:
    return {
        "totals": asdict(history.totals),
        "by_decade": [(decade, asdict(totals)) for decade, totals in history.by_decade],
        "by_field": history.by_field,
        "events": [entry.key for entry in history.events],
        "excluded": history.excluded_count,
    }


@pytest.fixture
def demo(app, db):
    with app.test_request_context():
        demo_data.generate(db, 1)
    db.commit()


@pytest.mark.parametrize("slug", ["guilin", "heidelberg", "ulsan"])
def test_the_overview_counts_what_the_whole_document_counts(app, db, demo, slug):
    city = _city(db, slug)
    with app.test_request_context():
        whole = history_service.build_history(db, city, 50)
        overview = history_service.build_overview(db, city, 50)
    assert whole.totals.records > 0
    assert _figures(overview) == _figures(whole)
    assert overview.years == []


def test_records_left_out_by_the_editors_are_left_out_of_the_overview_too(app, db, demo):
    city = _city(db, "guilin")
    left_out = [
        f"{kind}:{db.scalar(select(model.id).where(model.partner_city_id == city.id))}"
        for kind, model in (("delegation", Delegation), ("youth", YouthProgram),
                            ("promotion", Promotion))
    ]
    db.add(HistoryReport(partner_city_id=city.id, ordinal=50, language="ja",
                         excluded_records=left_out, photo_captions=[]))
    db.commit()
    with app.test_request_context():
        whole = history_service.build_history(db, city, 50)
        overview = history_service.build_overview(db, city, 50)
    assert whole.excluded_count == 3
    assert _figures(overview) == _figures(whole)


def test_each_decade_lists_the_same_years_and_entries_as_the_whole_chronology(app, db, demo):
    city = _city(db, "guilin")
    with app.test_request_context():
        whole = history_service.build_history(db, city, 50, per_year=3)
        overview = history_service.build_overview(db, city, 50)
        pieces = [
            history_service.build_decade(db, city, decade, 50, per_year=3)
            for decade, _totals in overview.by_decade
        ]
    listed = [(year, [e.key for e in entries]) for piece in pieces for year, entries in piece.years]
    assert listed == [(year, [e.key for e in entries]) for year, entries in whole.years]
    more = {year: count for piece in pieces for year, count in piece.more_by_year.items()}
    assert more == whole.more_by_year
    assert more  # at demo volume some years list only part of their records


def test_the_overview_reads_as_many_statements_whatever_the_volume(
    app, db, demo, count_queries
):
    city = _city(db, "guilin")
    with app.test_request_context():
        with count_queries() as few:
            history_service.build_overview(db, city, 50)
        demo_data.generate(db, 2, force=True)
        db.commit()
        with count_queries() as many:
            history_service.build_overview(db, city, 50)
    assert len(many) == len(few)
