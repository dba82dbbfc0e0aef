"""ASVS V2.2.1: the sign-in failure limit holds across gunicorn workers.

Three workers serve the app; the attempts are sent in parallel bursts so that several
workers answer them (the access log names the worker of each answer). After ten
failures the eleventh attempt is refused whichever worker answers, even with the
right password, because the count lives in the database.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.scratch import free_port, load_test_module, scratch_database_url

THROTTLED = "ログインの失敗が多すぎます"


@pytest.fixture
def server(tmp_path):
    load_test = load_test_module()
    url = scratch_database_url("throttle", str(tmp_path))
    load_test.prepare_database(url)
    server = load_test.Server(url, free_port(), workers=3, logdir=str(tmp_path))
    server.start()
    yield load_test, server
    server.stop()


def test_the_eleventh_attempt_is_refused_by_every_worker(server):
    load_test, server = server

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
        failures = list(pool.map(attempt, [f"wrong guess number {n}" for n in range(10)]))
    assert [status for status, _ in failures] == [401] * 10
    assert sum(THROTTLED in body for _, body in failures) <= 1  # the limit is 10, not fewer

    with ThreadPoolExecutor(max_workers=6) as pool:
        later = list(pool.map(attempt, [load_test.ADMIN_PASSWORD] * 12))
    assert all(status == 401 and THROTTLED in body for status, body in later), [
        status for status, _ in later
    ]

    answered_by = {
        line.split()[0] for line in server.access_log_lines() if " POST /auth/login " in line
    }
    assert len(answered_by) >= 2, f"only worker(s) {answered_by} answered; try more bursts"
