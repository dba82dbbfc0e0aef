#!/usr/bin/env python3
"""Benchmark fixtures: one large youth programme; with --paths, the pages to measure."""

from __future__ import annotations

import sys
from datetime import date, timedelta

from sqlalchemy import insert, select

from exchange_app import create_app
from exchange_app.db import get_session
from exchange_app.models import Participant, PartnerCity, YouthProgram

LARGE_PROGRAM = "bench-large-program"


def add_large_program() -> None:
    """A programme with 2,000 participants, for the participant list."""
    session = get_session()
    if session.scalar(select(YouthProgram.id).where(YouthProgram.external_id == LARGE_PROGRAM)):
        return
    guilin = session.scalar(select(PartnerCity).where(PartnerCity.slug == "guilin"))
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
                "family_name": "山田",
                "given_name": f"生徒{i}",
                "family_name_kana": "やまだ",
                "given_name_kana": "せいと",
                "birth_date": date(2010, 1, 1) + timedelta(days=i % 900),
                "guardian_consent_on": date(2025, 6, 1),
                "version": 1,
            }
            for i in range(2000)
        ],
    )
    session.commit()


def paths() -> list[tuple[str, str]]:
    """(name, path) of each page to measure; pages of features not installed are left out."""
    app = create_app()
    with app.app_context():
        session = get_session()
        large = session.scalar(
            select(YouthProgram.id).where(YouthProgram.external_id == LARGE_PROGRAM)
        )
    wanted = [
        (
            "delegation list, filtered",
            "delegations.index",
            {"partner": "guilin", "direction": "outbound"},
        ),
        ("participant list of a large programme", "youth.program_detail", {"program_id": large}),
        ("promotion list", "promotions.index", {}),
        ("indicators dashboard", "indicators.dashboard", {}),
        ("partner city page", "partners.detail", {"slug": "guilin"}),
        ("50-year history (HTML)", "history.report", {"slug": "guilin"}),
        ("50-year history (PDF)", "history.pdf", {"slug": "guilin"}),
    ]
    result = []
    with app.test_request_context():
        for name, endpoint, values in wanted:
            if endpoint in app.view_functions:
                result.append((name, app.url_for(endpoint, **values)))
    return result


if __name__ == "__main__":
    if "--paths" in sys.argv:
        for name, path in paths():
            print(f"{name}\t{path}")
    else:
        app = create_app()
        with app.app_context():
            add_large_program()
