"""What an upload may cost: each limit refuses a file with a message naming the limit."""

from __future__ import annotations

import zipfile

import pytest
from flask_babel import force_locale

from exchange_app.importing import plan_import
from exchange_app.importing.limits import UploadLimits, current_limits
from exchange_app.imports.kinds import get_kind
from tests.import_files import csv_bytes
from tests.test_imports import DELEGATION_HEADERS
from tests.test_job_queue import bomb_xlsx


def test_the_limits_come_from_the_configuration(app) -> None:
    app.config.update(IMPORT_MAX_ROWS=7, IMPORT_MAX_COLUMNS=8, IMPORT_MAX_UNPACKED_BYTES=9)
    with app.app_context():
        limits = current_limits()
    assert (limits.max_rows, limits.max_columns, limits.max_unpacked_bytes) == (7, 8, 9)
    assert limits.max_bytes == app.config["IMPORT_MAX_BYTES"]


def test_a_bomb_is_refused_from_the_zip_directory_without_unpacking(app, db, monkeypatch) -> None:
    def never(*_args, **_kwargs):
        raise AssertionError("a member was unpacked")

    content = bomb_xlsx(60)
    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with app.test_request_context(), force_locale("en"):
        plan = plan_import(db, get_kind("delegations"), "bomb.xlsx", content)
    (problem,) = plan.problems
    assert "too large once unpacked" in problem.message and "50.0 MB" in problem.message


@pytest.mark.parametrize(
    "lang,expected",
    [("en", "files of up to 100 columns"), ("ja", "取り込めるのは 100 列までです")],
)
def test_too_many_columns_are_refused_in_both_languages(app, db, lang, expected) -> None:
    headers = [*DELEGATION_HEADERS, *(f"extra {n}" for n in range(120))]
    content = csv_bytes(headers, [["GL-1"]], "utf-8-sig")
    with app.test_request_context(), force_locale(lang):
        plan = plan_import(db, get_kind("delegations"), "wide.csv", content)
    assert expected in plan.problems[0].message


def test_rows_over_the_limit_are_refused_and_reading_stops(app, db) -> None:
    rows = [[f"GL-{n}", "受入", "桂林市", "x", "2024-04-01", "2024-04-02", "", "1", ""]
            for n in range(30)]
    limits = UploadLimits(max_bytes=10**7, max_unpacked_bytes=10**7, max_rows=10, max_columns=50)
    read: list[int] = []
    with app.test_request_context(), force_locale("en"):
        plan = plan_import(
            db, get_kind("delegations"), "long.csv", csv_bytes(DELEGATION_HEADERS, rows, "utf-8"),
            limits=limits, progress=lambda done, total: read.append(done),
        )
    assert "more than 10 rows" in plan.problems[0].message and not plan.rows
