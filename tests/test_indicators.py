"""The indicators dashboard: computed figures, entered figures, confirmation, export."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exchange_app.indicators import queries
from exchange_app.models import (
    AuditEntry,
    ConfirmedYear,
    Delegation,
    Indicator,
    IndicatorValue,
    IndicatorValueRevision,
    YouthPerson,
)
from tests.factories import (
    city,
    make_organization,
    make_participant,
    make_program,
    make_promotion,
)


def indicator(db: Session, code: str) -> Indicator:
    return db.scalar(select(Indicator).where(Indicator.code == code))


def report(db: Session, year: int) -> queries.IndicatorReport:
    return queries.indicator_report(db, year)


# --- computed indicators at the fiscal-year edges ------------------------------------


def test_3b_counts_promotions_whose_first_day_is_in_the_fiscal_year(db: Session) -> None:
    make_promotion(db, start_date=date(2024, 3, 31))  # FY2023
    first = make_promotion(db, start_date=date(2024, 4, 1))
    last = make_promotion(db, start_date=date(2025, 3, 31), end_date=date(2025, 4, 2))
    make_promotion(db, start_date=date(2025, 4, 1))  # FY2025
    make_promotion(db, start_date=date(2024, 6, 1), counts_toward_3b=False)  # with a reason
    db.commit()

    figure = report(db, 2024).figure("3b")
    assert figure.value == 2
    assert figure.record_ids == [first.id, last.id]
    assert report(db, 2023).figure("3b").value == 1
    assert report(db, 2025).figure("3b").value == 1


def test_5b_counts_resident_youth_participations_twice_for_one_person(
    db: Session, client: Any, auth: Any
) -> None:
    person = YouthPerson()
    db.add(person)
    db.flush()
    edge_start = make_program(db, start_date=date(2024, 4, 1))
    edge_end = make_program(db, start_date=date(2025, 3, 31), kind="international_conference")
    before = make_program(db, start_date=date(2024, 3, 31))
    other = make_program(db, start_date=date(2024, 8, 1), kind="other")
    counted = [
        make_participant(db, edge_start, person=person),
        make_participant(db, edge_start, family_name="佐藤"),
        make_participant(db, edge_end, person=person),
    ]
    make_participant(db, edge_start, role="chaperone")
    make_participant(db, edge_start, resident=False, family_name="Smith")
    make_participant(db, edge_start, status="withdrawn", family_name="鈴木")
    make_participant(db, before, family_name="田中")
    make_participant(db, other, family_name="高橋")
    db.commit()

    figure = report(db, 2024).figure("5b")
    assert figure.value == 3
    assert sorted(figure.record_ids) == sorted(p.id for p in counted)

    auth.login("staff")
    page = client.get("/indicators/5b/2024/records").get_data(as_text=True)
    assert re.search(r'class="youth-total">3<', page)
    assert re.search(r'class="youth-unique">2<', page)
    assert "佐藤" not in page and "山田" not in page  # no names without PERSONAL_DATA
    assert edge_start.title in page and edge_end.title in page
    assert before.title not in page and other.title not in page


def test_coordinator_sees_the_names_behind_5b(db: Session, client: Any, auth: Any) -> None:
    prog = make_program(db, start_date=date(2024, 7, 1))
    make_participant(db, prog, family_name="佐藤")
    db.commit()
    auth.login("coordinator")
    page = client.get("/indicators/5b/2024/records").get_data(as_text=True)
    assert "佐藤" in page


def test_the_names_behind_5b_are_audited_once_per_programme_shown(
    db: Session, client: Any, auth: Any
) -> None:
    first = make_program(db, start_date=date(2024, 7, 1))
    second = make_program(db, start_date=date(2024, 9, 1))
    make_participant(db, first, family_name="佐藤")
    make_participant(db, first, family_name="鈴木")
    make_participant(db, second, family_name="高橋")
    db.commit()
    user = auth.login("coordinator")
    assert "佐藤" in client.get("/indicators/5b/2024/records").get_data(as_text=True)
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "view").order_by(AuditEntry.entity_id)
    ).all()
    assert [(e.entity_type, e.entity_id, e.user_id) for e in entries] == [
        ("youth_program", first.id, user.id),
        ("youth_program", second.id, user.id),
    ]


def test_5b_records_without_names_are_not_audited_as_views(
    db: Session, client: Any, auth: Any
) -> None:
    make_participant(db, make_program(db, start_date=date(2024, 7, 1)), family_name="佐藤")
    db.commit()
    auth.login("staff")
    assert client.get("/indicators/5b/2024/records").status_code == 200
    assert not db.scalars(select(AuditEntry).where(AuditEntry.action == "view")).all()


def test_3b_records_page_lists_exactly_the_records_counted(
    db: Session, client: Any, auth: Any
) -> None:
    counted = make_promotion(db, start_date=date(2024, 5, 1), title="Castle fair in Guilin")
    make_promotion(
        db, start_date=date(2024, 5, 2), title="Staff briefing", counts_toward_3b=False
    )
    make_promotion(db, start_date=date(2023, 5, 2), title="Last year's fair")
    db.commit()
    auth.login("viewer")
    dashboard = client.get("/indicators/?year=2024").get_data(as_text=True)
    assert 'href="/indicators/3b/2024/records"' in dashboard
    page = client.get("/indicators/3b/2024/records").get_data(as_text=True)
    assert re.findall(r'data-record-id="(\d+)"', page) == [str(counted.id)]
    assert "Castle fair in Guilin" in page


def test_records_link_to_the_promotion_page_when_it_exists(
    app: Any, db: Session, client: Any, auth: Any
) -> None:
    counted = make_promotion(db, start_date=date(2024, 5, 1))
    db.commit()
    auth.login("staff")
    page = client.get("/indicators/3b/2024/records").get_data(as_text=True)
    assert f'href="/promotions/{counted.id}"' in page


# --- calendar basis ---------------------------------------------------------------------


def test_calendar_basis_indicators_use_january_to_december(db: Session) -> None:
    figures = report(db, 2024)
    r1, one_a, three_b = figures.figure("R1"), figures.figure("1a"), figures.figure("3b")
    assert r1.indicator.basis == "calendar" and one_a.indicator.basis == "calendar"
    assert r1.period == (date(2024, 1, 1), date(2024, 12, 31))
    assert one_a.period == (date(2024, 1, 1), date(2024, 12, 31))
    assert three_b.period == (date(2024, 4, 1), date(2025, 3, 31))
    assert r1.as_json()["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert queries.wareki_year_label("calendar", 2024) == "令和6年"
    assert queries.wareki_year_label("fiscal", 2024) == "令和6年度"
    assert queries.year_label("calendar", 2019) == "2019年 (令和元年)"


def test_calendar_year_figure_is_entered_and_labelled_as_a_calendar_year(
    db: Session, client: Any, auth: Any
) -> None:
    auth.login("staff")
    page = client.get("/indicators/R1/2024").get_data(as_text=True)
    assert "2024年 (令和6年)" in page and "2024年度" not in page.split("<h1")[1].split("</p>")[0]
    client.post(
        "/indicators/R1/2024",
        data={"value": "410,000", "source_note": "観光統計 2024年1–12月", "note": ""},
    )
    assert report(db, 2024).figure("R1").value == Decimal("410000")


# --- state and progress ------------------------------------------------------------------


def test_state_follows_the_linear_path_from_baseline_to_target(db: Session) -> None:
    # 3a: 34.3 (2023) -> 50 (2027); the path in 2024 is 38.225.
    figure = queries.IndicatorFigure(
        indicator=indicator(db, "3a"),
        year=2024,
        value=Decimal("38.3"),
        status="draft",
        current_value=Decimal("38.3"),
    )
    assert figure.next_target == (2027, Decimal("50"))
    assert figure.state == "on_track"
    assert figure.progress == pytest.approx(25.5, abs=0.1)
    figure.value = Decimal("38.2")
    assert figure.state == "behind"
    figure.value = Decimal("20")
    assert figure.progress == 0.0
    # After 2027 the next target is 2031.
    late = queries.IndicatorFigure(
        indicator=indicator(db, "3a"),
        year=2028,
        value=Decimal("60"),
        status="draft",
        current_value=Decimal("60"),
    )
    assert late.next_target == (2031, Decimal("70"))


# --- entering figures ----------------------------------------------------------------------


def test_staff_enter_3a_and_every_change_keeps_the_old_value(
    db: Session, client: Any, auth: Any
) -> None:
    user = auth.login("staff")
    response = client.post(
        "/indicators/3a/2024",
        data={"value": "40.5", "source_note": "市民アンケート 2024", "note": "n=1,200"},
    )
    assert response.status_code == 302
    row = db.scalar(select(IndicatorValue).where(IndicatorValue.year == 2024))
    assert row.value == Decimal("40.5") and row.status == "draft"
    response = client.post(
        "/indicators/3a/2024",
        data={"value": "41", "source_note": "市民アンケート 2024 (確定値)", "version": row.version},
    )
    assert response.status_code == 302
    db.expire_all()
    revisions = db.scalars(select(IndicatorValueRevision)).all()
    assert [r.value for r in revisions] == [Decimal("40.5")]
    assert revisions[0].source_note == "市民アンケート 2024"
    page = client.get("/indicators/3a/2024").get_data(as_text=True)
    assert "40.5" in page and "市民アンケート 2024 (確定値)" in page
    assert revisions[0].changed_by_id == user.id and user.display_name in page
    assert report(db, 2024).figure("3a").value == Decimal("41")


def test_stale_form_is_refused_with_409(db: Session, client: Any, auth: Any) -> None:
    auth.login("staff")
    client.post("/indicators/3a/2024", data={"value": "40", "source_note": "s"})
    response = client.post(
        "/indicators/3a/2024", data={"value": "45", "source_note": "s", "version": "0"}
    )
    assert response.status_code == 409
    assert report(db, 2024).figure("3a").value == Decimal("40")


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("3a", "100.5", "between 0 and 100"),
        ("3a", "-1", "between 0 and 100"),
        ("3a", "abc", "Enter a number"),
        ("1b", "-3", "cannot be negative"),
        ("1b", "2.5", "whole number"),
        ("1b", "二十", "Enter a number"),
        ("1b", "", "Enter the figure"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_written(
    db: Session, client: Any, auth: Any, code: str, typed: str, message: str
) -> None:
    auth.login("staff")
    client.get("/indicators/?lang=en")
    response = client.post(f"/indicators/{code}/2024", data={"value": typed, "source_note": "s"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{typed}"' in page  # what was typed is kept
    assert db.scalar(select(func.count(IndicatorValue.id))) == 0
    assert db.scalar(select(func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/indicators/3a/2018",
        "/indicators/3a/2032",
        "/indicators/?year=2018",
        "/indicators/?year=2032",
        "/indicators/?year=abc",
        "/indicators/export?year=1999",
        "/indicators/3b/2032/records",
    ],
)
def test_years_outside_2019_to_2031_are_refused(client: Any, auth: Any, url: str) -> None:
    auth.login("staff")
    client.get("/indicators/?lang=en")
    response = client.get(url)
    assert response.status_code == 400
    assert "The year must be" in response.get_data(as_text=True)


def test_year_out_of_range_posts_write_nothing(db: Session, client: Any, auth: Any) -> None:
    auth.login("coordinator")
    assert (
        client.post("/indicators/3a/2032", data={"value": "1", "source_note": "s"}).status_code
        == 400
    )
    client.post("/indicators/confirm", data={"year": "2018"})
    assert db.scalar(select(func.count(IndicatorValue.id))) == 0
    assert db.scalar(select(func.count(ConfirmedYear.id))) == 0


def test_viewer_cannot_enter_figures(client: Any, auth: Any, db: Session) -> None:
    auth.login("viewer")
    assert client.get("/indicators/3a/2024").status_code == 200
    response = client.post("/indicators/3a/2024", data={"value": "40", "source_note": "s"})
    assert response.status_code == 403
    assert db.scalar(select(func.count(IndicatorValue.id))) == 0


# --- confirmation ---------------------------------------------------------------------------


def test_confirmation_freezes_values_and_record_lists_and_shows_later_changes(
    db: Session, client: Any, auth: Any
) -> None:
    first = make_promotion(db, start_date=date(2024, 4, 10))
    second = make_promotion(db, start_date=date(2024, 9, 1))
    db.commit()
    auth.login("staff")
    client.post("/indicators/3a/2024", data={"value": "40", "source_note": "survey"})
    auth.logout()
    auth.login("coordinator")
    client.get("/indicators/?lang=en")
    response = client.post(
        "/indicators/confirm", data={"year": "2024", "note": "annual report"}, follow_redirects=True
    )
    assert "no figure when the year was confirmed: R1, R2, 1a, 1b, 2a, 2b, 4a" in response.text
    assert db.scalar(select(ConfirmedYear.year)) == 2024

    frozen = report(db, 2024)
    assert frozen.figure("3b").status == "confirmed"
    assert frozen.figure("3b").record_ids == [first.id, second.id]
    assert frozen.figure("3a").status == "confirmed"
    assert frozen.figure("3a").value == Decimal("40")

    added = make_promotion(db, start_date=date(2024, 12, 1))
    db.commit()
    later = report(db, 2024).figure("3b")
    assert later.value == 2 and later.current_value == 3
    assert later.record_ids == [first.id, second.id]
    assert later.added_ids == [added.id] and later.removed_ids == []

    dashboard = client.get("/indicators/?year=2024").get_data(as_text=True)
    assert "confirmed 2 / current 3" in dashboard or "確定 2 / 現在 3" in dashboard
    records = client.get("/indicators/3b/2024/records").get_data(as_text=True)
    difference = records.split('id="difference"')[1]
    assert f'data-record-id="{added.id}"' in difference

    # A record excluded later shows as removed; the confirmed list is unchanged.
    second.counts_toward_3b = False
    second.exclusion_reason = "duplicate"
    db.commit()
    later = report(db, 2024).figure("3b")
    assert later.removed_ids == [second.id] and later.value == 2


def test_confirming_a_year_twice_is_refused(db: Session, client: Any, auth: Any) -> None:
    auth.login("coordinator")
    client.get("/indicators/?lang=en")
    client.post("/indicators/confirm", data={"year": "2024"})
    entries = db.scalar(select(func.count(AuditEntry.id)))
    response = client.post("/indicators/confirm", data={"year": "2024"}, follow_redirects=True)
    assert "already been confirmed" in response.get_data(as_text=True)
    assert db.scalar(select(func.count(ConfirmedYear.id))) == 1
    assert db.scalar(select(func.count(AuditEntry.id))) == entries


def test_staff_cannot_confirm(db: Session, client: Any, auth: Any) -> None:
    auth.login("staff")
    assert client.post("/indicators/confirm", data={"year": "2024"}).status_code == 403
    assert db.scalar(select(func.count(ConfirmedYear.id))) == 0


def test_revising_a_confirmed_figure_needs_a_reason_and_keeps_the_old_value(
    db: Session, client: Any, auth: Any
) -> None:
    auth.login("coordinator")
    client.get("/indicators/?lang=en")
    client.post("/indicators/3a/2024", data={"value": "40", "source_note": "survey"})
    client.post("/indicators/confirm", data={"year": "2024"})
    row = db.scalar(select(IndicatorValue).where(IndicatorValue.year == 2024))
    version = row.version

    response = client.post(
        "/indicators/3a/2024", data={"value": "42", "source_note": "survey", "version": version}
    )
    assert response.status_code == 200
    assert "give the reason" in response.get_data(as_text=True)
    db.expire_all()
    assert report(db, 2024).figure("3a").value == Decimal("40")
    assert db.scalar(select(func.count(IndicatorValueRevision.id))) == 0

    response = client.post(
        "/indicators/3a/2024",
        data={
            "value": "42",
            "source_note": "survey",
            "version": version,
            "reason": "the survey office corrected its weighting",
        },
    )
    assert response.status_code == 302
    db.expire_all()
    figure = report(db, 2024).figure("3a")
    assert figure.value == Decimal("42") and figure.status == "confirmed"
    revision = db.scalar(select(IndicatorValueRevision))
    assert revision.value == Decimal("40") and revision.status == "confirmed"
    assert revision.reason == "the survey office corrected its weighting"


def test_staff_cannot_revise_a_confirmed_year(db: Session, client: Any, auth: Any) -> None:
    coordinator = auth.login("coordinator")
    client.post("/indicators/confirm", data={"year": "2024"})
    auth.logout()
    auth.login("staff")
    response = client.post(
        "/indicators/3a/2024", data={"value": "42", "source_note": "s", "reason": "r"}
    )
    assert response.status_code == 403
    assert coordinator is not None
    assert (
        db.scalar(
            select(func.count(IndicatorValue.id)).where(
                IndicatorValue.indicator_id == indicator(db, "3a").id
            )
        )
        == 0
    )


def test_a_confirmed_computed_figure_can_be_revised_with_a_reason(
    db: Session, client: Any, auth: Any
) -> None:
    make_promotion(db, start_date=date(2024, 4, 10))
    db.commit()
    auth.login("coordinator")
    client.post("/indicators/confirm", data={"year": "2024"})
    added = make_promotion(db, start_date=date(2024, 5, 10))
    db.commit()
    client.post("/indicators/3b/2024/refreeze", data={"reason": ""})
    assert report(db, 2024).figure("3b").value == 1
    client.post("/indicators/3b/2024/refreeze", data={"reason": "late entry of a May fair"})
    db.expire_all()
    figure = report(db, 2024).figure("3b")
    assert figure.value == 2 and added.id in figure.record_ids and not figure.differs
    revision = db.scalar(select(IndicatorValueRevision))
    assert revision.value == 1 and len(revision.record_ids) == 1


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_groups_indicators_with_the_representative_ones_first(
    client: Any, auth: Any
) -> None:
    auth.login("viewer")
    page = client.get("/indicators/?year=2024").get_data(as_text=True)
    codes = re.findall(r'<article class="card indicator-card[^"]*" id="indicator-(\w+)"', page)
    assert codes[:2] == ["R1", "R2"]
    assert sorted(codes) == sorted(
        ["R1", "R2", "1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "4c", "4d", "5a", "5b"]
    )
    assert page.index("indicator-1a") < page.index("indicator-3b") < page.index("indicator-4a")
    assert "<progress" in page and 'style="' not in page
    assert 'type="application/json" id="indicator-charts"' in page
    assert "js/indicators.js" in page and "chart.umd.min.js" in page


def test_dashboard_query_count_does_not_grow_with_records(
    db: Session, client: Any, auth: Any, count_queries: Any
) -> None:
    auth.login("coordinator")
    client.get("/indicators/?year=2024")

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/indicators/?year=2024").status_code == 200
        return len(statements)

    few = queries()
    for day in range(1, 25):
        make_promotion(db, start_date=date(2024, 6, day))
        prog = make_program(db, start_date=date(2024, 7, day))
        make_participant(db, prog)
        db.add(
            Delegation(
                direction="inbound",
                partner_city_id=city(db).id,
                title="Visit",
                start_date=date(2024, 8, day),
                end_date=date(2024, 8, day),
                member_count=3,
            )
        )
    db.commit()
    assert queries() == few


def test_rollups_count_delegations_people_youth_and_channels(db: Session) -> None:
    guilin = city(db, "guilin")
    for direction, members in (("inbound", 5), ("inbound", 3), ("outbound", 4)):
        db.add(
            Delegation(
                direction=direction,
                partner_city_id=guilin.id,
                title="Visit",
                start_date=date(2024, 10, 1),
                end_date=date(2024, 10, 3),
                member_count=members,
            )
        )
    db.add(
        Delegation(
            direction="outbound",
            partner_city_id=guilin.id,
            title="Old",
            start_date=date(2024, 3, 1),
            end_date=date(2024, 3, 3),
            member_count=9,
        )
    )
    prog = make_program(db, start_date=date(2024, 7, 1))
    make_participant(db, prog)
    make_participant(db, prog, resident=False)
    # Neither a chaperone, nor an applicant, nor a programme of another fiscal year counts.
    make_participant(db, prog, role="chaperone")
    make_participant(db, prog, status="applied")
    make_participant(db, make_program(db, start_date=date(2024, 3, 20)))
    make_promotion(
        db,
        start_date=date(2024, 5, 1),
        channel="overseas_office",
        organization_id=make_organization(db, "overseas_office").id,
        counts_toward_3b=False,
    )
    make_promotion(db, start_date=date(2024, 5, 2))
    db.commit()
    result = queries.rollups(db, 2024)
    row = next(r for r in result.cities if r.city and r.city.id == guilin.id)
    assert (row.inbound, row.inbound_people, row.outbound, row.outbound_people) == (2, 8, 1, 4)
    assert row.youth == 2
    channels = {channel: (count, counted) for channel, count, counted in result.channels}
    assert channels["overseas_office"] == (1, 0)
    assert channels["partner_city"] == (1, 1)


# --- export ------------------------------------------------------------------------------------


def test_export_is_an_xlsx_with_wareki_labels_and_no_formulas(
    db: Session, client: Any, auth: Any
) -> None:
    make_promotion(db, start_date=date(2024, 4, 10))
    db.commit()
    auth.login("staff")
    client.post("/indicators/3a/2024", data={"value": "40", "source_note": '=HYPERLINK("x")'})
    response = client.get("/indicators/export?year=2024")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "令和6年度"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) >= {"R1", "3a", "3b", "5b"}
    assert rows["3b"][2] == "令和6年度" and rows["3b"][4] == 1
    assert rows["R1"][2] == "令和6年"  # calendar year
    assert rows["3a"][4] == 40
    assert rows["3a"][13] == '\'=HYPERLINK("x")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert db.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "export")) == 1


def test_home_page_shows_the_computed_indicators_of_the_current_year(
    db: Session, client: Any, auth: Any
) -> None:
    year = queries.default_year()
    make_promotion(db, start_date=date(year, 4, 1))
    make_promotion(db, start_date=date(year, 4, 2))
    db.commit()
    auth.login("viewer")
    page = client.get("/").get_data(as_text=True)
    assert f'href="/indicators/3b/{year}/records">2 ' in page
