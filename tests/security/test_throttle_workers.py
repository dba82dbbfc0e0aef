"""ASVS V2.2.1: sign-in throttling holds across gunicorn workers.

Three workers serve the app; the attempts are sent in parallel bursts so that several
workers answer them (the access log names the worker of each answer). After five
failures the next attempts must wait whichever worker answers, even with the right
password, because the count lives in the database.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from exchange_app.db import create_db_engine
from exchange_app.services import accounts
from tests.scratch import free_port, load_test_module, scratch_database_url

THROTTLED = "ログインの失敗が多すぎます"


@pytest.fixture
def server(tmp_path):
    load_test = load_test_module()
    url = scratch_database_url("throttle", str(tmp_path))
    load_test.prepare_database(url)
    server = load_test.Server(url, free_port(), workers=3, logdir=str(tmp_path))
    server.start()
    yield load_test, server, url
    server.stop()


def test_the_eleventh_attempt_is_refused_by_every_worker(server):
    load_test, server, url = server

    def attempt(password: str) -> tuple[int, str]:
        browser = load_test.Browser(server.port)
        token = browser.token("/auth/login")
        status, _headers, body = browser.call(
            "POST",
            "/auth/login",
            {"csrf_token": token, "email": load_test.ADMIN_EMAIL, "password": password},
        )
        return status, body

    with ThreadPoolExecutor(max_workers=5) as pool:
        failures = list(pool.map(attempt, [f"wrong guess number {n}" for n in range(5)]))
    assert [status for status, _ in failures] == [401] * 5  # five are free, not fewer
    assert not any(THROTTLED in body for _, body in failures)

    # Earlier failures as well: the wait is now long enough for the bursts below.
    engine = create_db_engine(url)
    with Session(engine) as session:
        for _ in range(10):
            accounts.record_failure(session, load_test.ADMIN_EMAIL, None, timedelta(hours=24))
        session.commit()
    engine.dispose()

    with ThreadPoolExecutor(max_workers=6) as pool:
        later = list(pool.map(attempt, [load_test.ADMIN_PASSWORD] * 12))
    assert all(status == 429 and THROTTLED in body for status, body in later), [
        status for status, _ in later
    ]

    answered_by = {
        line.split()[0] for line in server.access_log_lines() if " POST /auth/login " in line
    }
    assert len(answered_by) >= 2, f"only worker(s) {answered_by} answered; try more bursts"
