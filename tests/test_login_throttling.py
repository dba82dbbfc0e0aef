"""Sign-in throttling: growing delays per account and per client address, never a lock-out.

The state is in the database (every app server applies the same delays); the client's
address is the connection's unless proxies are trusted (TRUSTED_PROXY_COUNT).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from exchange_app.models import LoginFailure
from exchange_app.services import accounts
from tests.conftest import PASSWORD

START = datetime(2026, 3, 31, 14, 59, tzinfo=UTC)
WRONG = "not the right password"


def _attempt(client, email: str, password: str = WRONG, *, addr: str = "192.0.2.10", **kw):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": addr},
        **kw,
    )


def _fail(client, email: str, times: int, **kw) -> None:
    for _ in range(times):
        assert _attempt(client, email, **kw).status_code == 401


def test_the_delay_doubles_after_the_free_failures_up_to_the_cap() -> None:
    delays = [accounts.throttle_delay(n, 5, 900) for n in range(3, 17)]
    assert delays == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    assert accounts.throttle_delay(10_000, 5, 900) == 900


def test_an_accounts_delay_grows_with_each_failure(client, make_user, app) -> None:
    user = make_user("staff")
    free = app.config["LOGIN_FREE_FAILURES"]
    with time_machine.travel(START, tick=False) as clock:
        _fail(client, user.email, free)
        refused = _attempt(client, user.email, PASSWORD)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
        clock.shift(2)
        _fail(client, user.email, 1)  # waited: tried (and failed) again
        assert _attempt(client, user.email, PASSWORD).headers["Retry-After"] == "4"
        clock.shift(3)
        assert _attempt(client, user.email, PASSWORD).status_code == 429
        clock.shift(1)
        _fail(client, user.email, 1)
        assert _attempt(client, user.email, PASSWORD).headers["Retry-After"] == "8"
        # A refused attempt is not counted: waiting out the delay is enough.
        clock.shift(8)
        assert _attempt(client, user.email, PASSWORD).status_code == 302


def test_the_administrator_signs_in_after_the_delay_and_the_count_resets(
    client, make_user, app, db
) -> None:
    admin = make_user("admin")
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(12):  # each after waiting out the delay: every one is counted
            clock.shift(app.config["LOGIN_MAX_DELAY"])
            assert _attempt(client, admin.email).status_code == 401
        waiting = _attempt(client, admin.email, PASSWORD)
        assert waiting.status_code == 429
        assert int(waiting.headers["Retry-After"]) > 60
        clock.shift(int(waiting.headers["Retry-After"]))
        assert _attempt(client, admin.email, PASSWORD).status_code == 302
        client.post("/auth/logout")
        # A fresh count: the next slip is an ordinary wrong password, not a wait.
        assert _attempt(client, admin.email).status_code == 401
        assert _attempt(client, admin.email, PASSWORD).status_code == 302


def test_ten_wrong_passwords_hold_the_administrator_up_for_a_minute_not_a_lock_out(
    client, make_user
) -> None:
    admin = make_user("admin")
    with time_machine.travel(START, tick=False) as clock:
        failures = 0
        while failures < 10:  # each as soon as it may be tried
            response = _attempt(client, admin.email)
            if response.status_code == 429:
                clock.shift(int(response.headers["Retry-After"]))
            else:
                failures += 1
        waiting = _attempt(client, admin.email, PASSWORD)
        assert waiting.status_code == 429 and int(waiting.headers["Retry-After"]) <= 64
        clock.shift(64)
        assert _attempt(client, admin.email, PASSWORD).status_code == 302


def test_the_cap_bounds_the_wait(client, make_user, app) -> None:
    user = make_user("staff")
    cap = int(app.config["LOGIN_MAX_DELAY"].total_seconds())
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(30):
            _attempt(client, user.email)
            clock.shift(cap)
        assert _attempt(client, user.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_slowed_down(client, make_user, app) -> None:
    user = make_user("staff")
    limit = app.config["LOGIN_ADDRESS_FREE_FAILURES"]
    with time_machine.travel(START, tick=False):
        for n in range(limit):  # a different account each time: no account reaches its limit
            assert _attempt(client, f"guess{n}@example.org").status_code == 401
        refused = _attempt(client, user.email, PASSWORD)
        assert refused.status_code == 429
        # The same account from another address is not held up by that address.
        assert _attempt(client, user.email, PASSWORD, addr="198.51.100.7").status_code == 302


def test_signing_in_with_one_account_does_not_reset_the_addresss_count(
    client, make_user, app
) -> None:
    own = make_user("staff")
    limit = app.config["LOGIN_ADDRESS_FREE_FAILURES"]
    with time_machine.travel(START, tick=False) as clock:
        for n in range(limit - 1):
            _fail(client, own.email if n % 2 else f"guess{n}@example.org", 1)
            clock.shift(app.config["LOGIN_MAX_DELAY"])  # never held up by the account's count
        assert _attempt(client, own.email, PASSWORD).status_code == 302
        client.post("/auth/logout")
        clock.shift(1)
        # The attacker's own account signed in; the address's failures still count.
        _fail(client, "guess-last@example.org", 1)
        assert _attempt(client, "guess-next@example.org").status_code == 429


def test_failures_older_than_the_window_no_longer_count_and_are_removed(
    client, make_user, app, db
) -> None:
    user = make_user("staff")
    with time_machine.travel(START, tick=False) as clock:
        _fail(client, user.email, app.config["LOGIN_FREE_FAILURES"])
        clock.shift(app.config["LOGIN_FAILURE_WINDOW"] + timedelta(seconds=1))
        _fail(client, "someone-else@example.org", 1)
        assert db.scalar(select(func.count()).where(LoginFailure.email == user.email)) == 0
        assert _attempt(client, user.email, PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_without_trusted_proxies(client, db, app) -> None:
    limit = app.config["LOGIN_ADDRESS_FREE_FAILURES"]
    with time_machine.travel(START, tick=False):
        for n in range(limit):
            forged = {"X-Forwarded-For": f"203.0.113.{n}"}
            assert _attempt(client, f"guess{n}@example.org", headers=forged).status_code == 401
        refused = _attempt(
            client, "another@example.org", headers={"X-Forwarded-For": "203.0.113.250"}
        )
    assert refused.status_code == 429
    addresses = set(db.scalars(select(LoginFailure.remote_addr)))
    assert addresses == {"192.0.2.10"}


class TestBehindOneProxy:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"TRUSTED_PROXY_COUNT": 1}

    def test_the_address_the_proxy_saw_is_the_clients(self, client, db, app) -> None:
        limit = app.config["LOGIN_ADDRESS_FREE_FAILURES"]
        behind = {"X-Forwarded-For": "203.0.113.5"}
        with time_machine.travel(START, tick=False):
            for n in range(limit):
                assert _attempt(client, f"guess{n}@example.org", headers=behind).status_code == 401
            assert _attempt(client, "x@example.org", headers=behind).status_code == 429
            # Another client behind the same proxy (the same REMOTE_ADDR) is not held up.
            other = {"X-Forwarded-For": "203.0.113.6"}
            assert _attempt(client, "x@example.org", headers=other).status_code == 401
            # Only the proxy's own entry counts: a client cannot prepend an address.
            spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5"}
            assert _attempt(client, "y@example.org", headers=spoofed).status_code == 429
        addresses = set(db.scalars(select(LoginFailure.remote_addr)))
        assert addresses == {"203.0.113.5", "203.0.113.6"}


@pytest.mark.parametrize(
    ("lang", "seconds", "minutes"),
    [
        ("ja", "2秒待ってから", "15分待ってから"),
        ("en", "Please wait 2 seconds", "Please wait 15 minutes"),
    ],
)
def test_the_page_says_how_long_to_wait(client, make_user, app, lang, seconds, minutes) -> None:
    user = make_user("staff")
    with time_machine.travel(START, tick=False) as clock:
        client.get(f"/auth/login?lang={lang}")
        _fail(client, user.email, app.config["LOGIN_FREE_FAILURES"])
        assert seconds in _attempt(client, user.email).get_data(as_text=True)
        for _ in range(12):
            clock.shift(app.config["LOGIN_MAX_DELAY"])
            _attempt(client, user.email)
        assert minutes in _attempt(client, user.email).get_data(as_text=True)
