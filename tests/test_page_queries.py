"""The main pages run the same number of SQL queries whatever the amount of data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from exchange_app.services import demo_data
from tests.factories import (
    city,
    make_delegation,
    make_participant,
    make_program,
    make_promotion,
)

PAGES = {
    "home page": "/",
    "partner city page": "/partners/guilin",
    "indicators dashboard": "/indicators/",
    "history page": "/history/guilin?ordinal=50",
    "programme detail": "/youth/{program_id}",
    "delegation list, filtered": "/delegations/?city=guilin&fy=2024",
    "promotion list, filtered": "/promotions/?city=guilin&fy=2024",
}


def _small_data(db: Session) -> dict[str, Any]:
    """A record of each kind with Guilin, and a programme of two participants."""
    guilin = city(db, "guilin")
    make_delegation(db, city_slug="guilin", title="Guilin visit")
    make_promotion(
        db,
        start_date=date(2024, 10, 1),
        title="Kumamoto fair in Guilin",
        partner_city_id=guilin.id,
        theme=demo_data.PromotionTheme.values()[0],
        medium=demo_data.PromotionMedium.values()[0],
    )
    program = make_program(db, start_date=date(2024, 8, 1))
    for _ in range(2):
        make_participant(db, program)
    db.commit()
    return {"program": program, "guilin_id": guilin.id}


def _grow(db: Session, program: Any) -> None:
    """Demo data at scale 1 (hundreds of records of every kind) and 60 more participants."""
    demo_data.generate(db, 1, force=True)
    for _ in range(60):
        make_participant(db, program)
    db.commit()


def _queries(client: Any, count_queries: Any, path: str) -> int:
    client.get(path)  # warm-up: the user and anything looked up once per process
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_query_count_does_not_grow_with_data(
    name: str, client: Any, auth: Any, db: Session, count_queries: Any
) -> None:
    auth.login("admin")  # admins see everything, participants' names included
    arranged = _small_data(db)
    path = PAGES[name].format(program_id=arranged["program"].id, guilin_id=arranged["guilin_id"])
    few = _queries(client, count_queries, path)
    _grow(db, arranged["program"])
    many = _queries(client, count_queries, path)
    assert many == few, f"{name}: {few} queries with little data, {many} with more"


def test_programme_page_lists_a_page_of_participants_and_links_to_the_next(
    client: Any, auth: Any, db: Session
) -> None:
    auth.login("coordinator")
    program = make_program(db)
    for number in range(55):
        make_participant(db, program, given_name=f"参加者{number:02d}", given_name_kana="サンカ")
    db.commit()
    first = client.get(f"/youth/{program.id}").get_data(as_text=True)
    assert first.count('class="status-buttons"') == 50
    assert f"/youth/{program.id}?page=2" in first
    second = client.get(f"/youth/{program.id}?page=2").get_data(as_text=True)
    assert second.count('class="status-buttons"') == 5
    assert 'name="page" value="2"' in second  # a status change comes back to this page


def test_partner_page_lists_the_latest_delegations_and_counts_every_year(
    client: Any, auth: Any, db: Session
) -> None:
    auth.login("viewer")
    for number in range(14):
        make_delegation(
            db,
            city_slug="guilin",
            title=f"Visit {number:02d}",
            start_date=date(2010 + number, 5, 1),
            end_date=date(2010 + number, 5, 2),
        )
    page = client.get("/partners/guilin").get_data(as_text=True)
    section = page.split('id="delegations-heading"', 1)[1].split("</section>", 1)[0]
    assert "Visit 13" in section and "Visit 04" in section
    assert "Visit 03" not in section  # the 11th newest is left to the filtered list
    assert "/delegations/?city=guilin" in section
    assert "2010年度" in section and "2023年度" in section  # every year is counted


def _reading(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if f"FROM {table}" in " ".join(s.split())]


def test_the_home_page_reads_the_partner_cities_and_their_events_once(
    client: Any, auth: Any, count_queries: Any
) -> None:
    auth.login("viewer")
    client.get("/")
    with count_queries() as statements:
        assert client.get("/").status_code == 200
    # The page and its anniversaries section share one list; the events come with it.
    assert len(_reading(statements, "partner_cities")) == 1
    assert len(_reading(statements, "relationship_events")) == 1


def test_a_signed_in_request_reads_its_user_with_its_login_session(
    client: Any, auth: Any, count_queries: Any
) -> None:
    auth.login("viewer")
    client.get("/auth/password")
    with count_queries() as statements:
        assert client.get("/auth/password").status_code == 200
    sessions = _reading(statements, "login_sessions")
    assert len(sessions) == 1 and "JOIN users" in " ".join(sessions[0].split())
    assert not _reading(statements, "users")


def test_the_dashboard_counts_a_draft_year_without_fetching_its_records(
    client: Any, auth: Any, db: Session, count_queries: Any
) -> None:
    auth.login("viewer")
    _small_data(db)
    client.get("/indicators/?year=2024")
    with count_queries() as statements:
        page = client.get("/indicators/?year=2024").get_data(as_text=True)
    fetched = [
        s
        for s in statements
        if " ".join(s.split()).startswith(("SELECT participants.id", "SELECT promotions.id"))
    ]
    assert fetched == []
    assert 'data-unique-persons="' in page  # 5b's people are still counted
