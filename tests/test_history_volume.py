"""A history at many times the usual volume: each year lists its notable records, counts all."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from exchange_app.services import history as history_service
from exchange_app.services.history import CHRONOLOGY_PER_YEAR
from tests.factories import city, make_delegation


def _visits_in_2010(db: Session, count: int) -> None:
    for number in range(count):
        make_delegation(
            db,
            city_slug="guilin",
            title=f"Visit {number:02d}",
            member_count=number + 1,
            start_date=date(2010, 5, 1 + number),
            end_date=date(2010, 5, 1 + number),
        )
    make_delegation(
        db, city_slug="guilin", title="Lone 2011 visit",
        start_date=date(2011, 6, 1), end_date=date(2011, 6, 1),
    )


def test_a_busy_year_lists_its_largest_records_in_date_order_and_counts_every_one(
    db: Session,
) -> None:
    _visits_in_2010(db, 5)
    history = history_service.build_history(db, city(db, "guilin"), 50, per_year=3)
    years = dict(history.years)
    assert [e.title for e in years[2010]] == ["Visit 02", "Visit 03", "Visit 04"]
    assert [e.title for e in years[2011]] == ["Lone 2011 visit"]
    assert history.more_by_year == {2010: 2}
    assert history.totals.delegations == 6  # the figures count the records not listed
    assert history.totals.people_outbound == 1 + 2 + 3 + 4 + 5 + 3


def test_history_page_says_how_many_more_records_a_year_had(
    client: Any, auth: Any, db: Session
) -> None:
    auth.login("viewer")
    _visits_in_2010(db, CHRONOLOGY_PER_YEAR + 2)
    page = client.get("/history/guilin/decade/2010?ordinal=50").get_data(as_text=True)
    assert "Visit 00" not in page and "Visit 01" not in page  # the two smallest
    assert f"Visit {CHRONOLOGY_PER_YEAR + 1:02d}" in page
    assert "ほか 2件" in page


def test_the_history_page_opens_its_chronology_a_decade_at_a_time(
    client: Any, auth: Any, db: Session
) -> None:
    auth.login("viewer")
    _visits_in_2010(db, CHRONOLOGY_PER_YEAR + 2)
    page = client.get("/history/guilin?ordinal=50").get_data(as_text=True)
    assert "Visit 09" not in page  # no record is read for the chronology of the page itself
    decade_url = "/history/guilin/decade/2010?ordinal=50&amp;language=ja"
    assert f'data-decade-src="{decade_url}&amp;fragment=1"' in page
    assert f"{CHRONOLOGY_PER_YEAR + 3}件" in page  # the decade says how many records it holds
    # Without scripts the decade's link opens it as a page of its own.
    assert f'href="{decade_url}"' in page
    fragment = client.get("/history/guilin/decade/2010?ordinal=50&fragment=1")
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "2011年" in text and "Lone 2011 visit" in text
    assert client.get("/history/guilin/decade/2015?ordinal=50").status_code == 404
    auth.logout()
    assert client.get("/history/guilin/decade/2010?ordinal=50&fragment=1").status_code == 302
