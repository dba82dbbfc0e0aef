"""5b's 実人数 (different young people) is the same on the dashboard, the records page, the
export, the API and ``flask kpi``, follows merges, and stays frozen once the year is confirmed."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from exchange_app.indicators import queries
from exchange_app.models import Participant
from exchange_app.youth import operations
from tests.factories import make_participant, make_program


def arrange_fy2024(db: Session) -> list[Participant]:
    """Three participations in FY2024 by two young people (one of them twice)."""
    spring, summer, autumn = (
        make_program(db, start_date=date(2024, month, 1)) for month in (5, 8, 10)
    )
    twice = make_participant(db, spring)
    again = make_participant(db, summer, person=twice.person)
    other = make_participant(db, autumn)
    db.commit()
    return [twice, again, other]


def figure_5b(db: Session, year: int = 2024) -> queries.IndicatorFigure:
    figure = queries.indicator_report(db, year).figure("5b")
    assert figure is not None
    return figure


def shown_everywhere(app: Any, client: Any) -> dict[str, Any]:
    """5b's 延べ and 実人数 for FY2024, as each way out of the app shows them."""
    shown: dict[str, Any] = {}
    api = client.get("/api/v1/indicators?year=2024").get_json()
    item = next(i for i in api["indicators"] if i["code"] == "5b")
    shown["api"] = (item["value"], item["unique_persons"])

    runner = app.test_cli_runner()
    cli = json.loads(runner.invoke(args=["kpi", "--year", "2024", "--json"]).output)
    item = next(i for i in cli["indicators"] if i["code"] == "5b")
    shown["kpi --json"] = (item["value"], item["unique_persons"])
    line = next(
        row.split("\t")
        for row in runner.invoke(args=["kpi", "--year", "2024"]).output.splitlines()
        if row.startswith("5b\t")
    )
    shown["kpi"] = (int(line[1]), int(line[-1].removeprefix("persons=")))

    workbook = load_workbook(io.BytesIO(client.get("/indicators/export?year=2024").data))
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    row = next(r for r in rows[1:] if r[0] == "5b")
    shown["export"] = (row[headers.index("実績値")], row[headers.index("実人数（人）")])

    page = client.get("/indicators/?year=2024").get_data(as_text=True)
    card = page.split('id="indicator-5b"')[1].split("</article>")[0]
    persons = card.split('data-unique-persons="')[1].split('"')[0]
    value = card.split('data-figure="')[1].split('"')[0]
    assert f"実人数 {persons}人" in card
    shown["dashboard"] = (int(value), int(persons))

    records = client.get("/indicators/5b/2024/records").get_data(as_text=True)
    total = records.split('class="youth-total">')[1].split("<")[0]
    unique = records.split('class="youth-unique">')[1].split("<")[0]
    shown["records"] = (int(total), int(unique))
    return shown


def test_every_way_out_shows_the_same_participations_and_people(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    arrange_fy2024(db)
    auth.login("coordinator")
    shown = shown_everywhere(app, client)
    assert set(shown.values()) == {(3, 2)}, shown


def test_a_merge_lowers_the_people_everywhere_and_keeps_the_participations(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    _twice, _again, other = arrange_fy2024(db)
    user = auth.login("coordinator")
    first = db.get(Participant, _twice.id)
    assert first is not None
    operations.merge_persons(db, first.person, other.person, user.id)
    db.commit()
    shown = shown_everywhere(app, client)
    assert set(shown.values()) == {(3, 1)}, shown


def test_a_confirmed_year_keeps_its_people_after_a_merge_and_a_deletion(
    db: Session, client: Any, auth: Any
) -> None:
    twice, again, other = arrange_fy2024(db)
    user = auth.login("coordinator")
    response = client.post("/indicators/confirm", data={"year": "2024"})
    assert response.status_code == 302
    frozen = figure_5b(db)
    assert (frozen.status, frozen.unique_persons, frozen.current_unique_persons) == (
        "confirmed",
        2,
        2,
    )

    operations.delete_participant(db, db.get(Participant, again.id), "entered twice")
    operations.merge_persons(
        db, db.get(Participant, twice.id).person, db.get(Participant, other.id).person, user.id
    )
    db.commit()
    figure = figure_5b(db)
    assert figure.value == 3 and figure.current_value == 2
    assert figure.unique_persons == 2 and figure.current_unique_persons == 1
    records = client.get("/indicators/5b/2024/records").get_data(as_text=True)
    assert 'class="youth-unique">2<' in records

    # Revising the figure freezes the records and their people as they are now.
    response = client.post("/indicators/5b/2024/refreeze", data={"reason": "duplicates merged"})
    assert response.status_code == 302
    db.expire_all()
    figure = figure_5b(db)
    assert (figure.value, figure.unique_persons) == (2, 1)
    assert figure.stored is not None
    assert [r.unique_persons for r in figure.stored.revisions] == [2]


def test_figures_of_promotions_have_no_people(db: Session) -> None:
    arrange_fy2024(db)
    figure = queries.indicator_report(db, 2024).figure("3b")
    assert figure is not None and figure.unique_persons is None
    assert "unique_persons" not in figure.as_json()


def test_deleting_a_participant_of_a_draft_year_lowers_5b_everywhere(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    _twice, again, other = arrange_fy2024(db)
    auth.login("coordinator")
    assert set(shown_everywhere(app, client).values()) == {(3, 2)}
    # The second participation of one person: 延べ falls, 実人数 stays.
    operations.delete_participant(db, db.get(Participant, again.id), "entered twice")
    db.commit()
    assert set(shown_everywhere(app, client).values()) == {(2, 2)}
    # The only participation of the other: both fall.
    operations.delete_participant(db, db.get(Participant, other.id), "entered by mistake")
    db.commit()
    assert set(shown_everywhere(app, client).values()) == {(1, 1)}
