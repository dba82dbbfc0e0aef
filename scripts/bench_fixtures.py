#!/usr/bin/env python3
"""Benchmark fixtures: one large youth programme, an import file; the pages to measure.

bench_fixtures.py              add the large programme (run once after demo-data)
bench_fixtures.py --paths      print "name<TAB>path<TAB>target" of each page to measure
bench_fixtures.py --import-file FILE [--rows N]
                               write an xlsx of N new delegations for ``flask import``
"""

from __future__ import annotations

import sys
from datetime import date, timedelta

from sqlalchemy import insert, select

from exchange_app import create_app
from exchange_app.db import get_session
from exchange_app.models import Delegation, Participant, PartnerCity, Promotion, YouthProgram
from exchange_app.services.dates import fiscal_year_of, today_in_japan

LARGE_PROGRAM = "bench-large-program"
LARGE_PROGRAM_SIZE = 2000
CITY = "guilin"


def add_large_program() -> None:
    """A programme with 2,000 participants, for the participant list."""
    session = get_session()
    if session.scalar(select(YouthProgram.id).where(YouthProgram.external_id == LARGE_PROGRAM)):
        return
    guilin = session.scalar(select(PartnerCity).where(PartnerCity.slug == CITY))
    program = YouthProgram(
        external_id=LARGE_PROGRAM,
        title="[デモ] 大規模青少年交流",
        kind="partner_exchange",
        partner_city=guilin,
        direction="outbound",
        start_date=date(2025, 8, 1),
        end_date=date(2025, 8, 10),
    )
    session.add(program)
    session.flush()
    session.execute(
        insert(Participant),
        [
            {
                "program_id": program.id,
                "role": "youth",
                "resident": True,
                "status": "participated",
                "age_band": "15-17",
                "family_name": "山田",
                "given_name": f"生徒{i}",
                "family_name_kana": "やまだ",
                "given_name_kana": f"せいと{i:04d}",
                "birth_date": date(2008, 9, 1) + timedelta(days=i % 900),
                "guardian_consent_on": date(2025, 6, 1),
                "version": 1,
            }
            for i in range(LARGE_PROGRAM_SIZE)
        ],
    )
    session.commit()


def busiest_fiscal_year(session, model, city_id: int) -> int:
    """The fiscal year with the most records of ``model`` with the city (a full filtered page)."""
    days = session.scalars(select(model.start_date).where(model.partner_city_id == city_id)).all()
    counts: dict[int, int] = {}
    for day in days:
        counts[fiscal_year_of(day)] = counts.get(fiscal_year_of(day), 0) + 1
    return (
        max(counts, key=lambda year: (counts[year], year))
        if counts
        else fiscal_year_of(today_in_japan())
    )


def paths() -> list[tuple[str, str, int]]:
    """(name, path, target) of each page to measure, with the query parameters each list reads."""
    app = create_app()
    with app.app_context():
        session = get_session()
        large = session.scalar(
            select(YouthProgram.id).where(YouthProgram.external_id == LARGE_PROGRAM)
        )
        city = session.scalar(select(PartnerCity).where(PartnerCity.slug == CITY))
        delegation_fy = busiest_fiscal_year(session, Delegation, city.id)
        promotion_fy = busiest_fiscal_year(session, Promotion, city.id)
    # (name, endpoint, values, target): the name stays the same at every scale (the
    # flatness target compares a page with itself); the target is the most its p95 may be,
    # as a multiple of the minimal signed-in page's p95 (0: no target of its own).
    wanted = [
        ("home page", "main.home", {}, 2),
        (
            f"delegation list, {CITY}, its busiest fiscal year",
            "delegations.index",
            {"city": CITY, "fy": delegation_fy},
            2,
        ),
        (
            f"participant list of a programme of {LARGE_PROGRAM_SIZE:,} (names shown)",
            "youth.program_detail",
            {"program_id": large},
            2,
        ),
        (
            f"promotion list, {CITY}, its busiest fiscal year",
            "promotions.index",
            {"city": CITY, "fy": promotion_fy},
            2,
        ),
        ("promotion list, all", "promotions.index", {}, 2),
        ("indicators dashboard", "indicators.dashboard", {}, 3),
        ("partner city page", "partners.detail", {"slug": CITY}, 2),
        # The PDF first: its first request is timed with nothing kept yet.
        ("50-year history (PDF, kept)", "history.pdf", {"slug": CITY, "ordinal": 50}, 0),
        ("50-year history (HTML)", "history.report", {"slug": CITY, "ordinal": 50}, 4),
    ]
    result = []
    with app.test_request_context():
        for name, endpoint, values, target in wanted:
            if endpoint in app.view_functions:
                result.append((name, app.url_for(endpoint, **values), target))
    return result


def service_times(password: str, repeat: int = 5) -> list[tuple[str, float, int]]:
    """(name, ms, SQL statements) of one request to each page, in-process and alone
    (``bench_timing.fastest_get``)."""
    from bench_timing import fastest_get

    from exchange_app.jobs.queue import run_job

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/auth/login", data={"email": "bench@example.org", "password": password})
    engine = app.extensions["exchange_app.db"].engine
    result = []
    for name, path, _target in paths():
        response = client.get(path)  # warm-up
        job_page = response.headers.get("Location", "")
        if response.status_code == 303 and job_page.startswith("/jobs/"):
            # A PDF not laid out yet: its job runs here first, so the PDF is kept.
            run_job(app, int(job_page.split("/")[2]))
            client.get(path)
        ms, statements = fastest_get(client, engine, path, repeat)
        result.append((name, ms, statements))
    return result


def write_import_file(path: str, rows: int) -> None:
    """An xlsx of ``rows`` new delegations, in the columns ``flask import delegations`` reads."""
    from openpyxl import Workbook

    cities = ["guilin", "桂林市", "Heidelberg", "ulsan", "kaohsiung", "高雄市", "san-antonio"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(
        [
            "管理番号",
            "区分",
            "相手都市",
            "件名",
            "開始日",
            "終了日",
            "団長",
            "団長役職",
            "人数",
            "交流分野",
            "目的",
        ]
    )
    first = date(2000, 4, 1)
    for index in range(rows):
        start = first + timedelta(days=index % 9000)
        sheet.append(
            [
                f"BENCH-{index:05d}",
                "受入" if index % 2 else "派遣",
                cities[index % len(cities)],
                f"[デモ] 取込試験 {index}",
                start,
                start + timedelta(days=index % 5),
                "熊本 太郎",
                "副市長",
                1 + index % 20,
                "観光、青少年" if index % 3 else "経済",
                "取込の性能試験",
            ]
        )
    workbook.save(path)


if __name__ == "__main__":
    if "--paths" in sys.argv:
        for name, path, target in paths():
            print(f"{name}\t{path}\t{target}")
    elif "--service-times" in sys.argv:
        for name, ms, queries in service_times(sys.argv[sys.argv.index("--service-times") + 1]):
            print(f"{name}\t{ms:.1f}\t{queries}")
    elif "--import-file" in sys.argv:
        target = sys.argv[sys.argv.index("--import-file") + 1]
        count = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 10_000
        app = create_app()
        with app.app_context():
            write_import_file(target, count)
    else:
        app = create_app()
        with app.app_context():
            add_large_program()
