"""Writers that wait their turn on SQLite: saves, audited GET pages, exports and CLI writes
at the same moment, against gunicorn (the server of scripts/load_test.py) on one file.

A GET that audits (an export, a participant's page or edit form) and a command that
writes (``flask users create``) must take SQLite's write lock the way a form save does
(BEGIN IMMEDIATE, with the busy timeout): none of them may fail with "database is locked".
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from exchange_app.db import create_db_engine
from exchange_app.models import AuditEntry
from tests import factories
from tests.scratch import PROJECT_ROOT, free_port, load_test_module

pytestmark = pytest.mark.skipif(
    make_url(os.environ.get("TEST_DATABASE_URL") or "sqlite://").get_backend_name() != "sqlite",
    reason="SQLite's single write lock; PostgreSQL locks rows",
)

SECONDS = 8


def _prepare(load_test, url: str) -> tuple[int, int, int]:
    """The load test's database plus a programme with a participant; their ids."""
    load_test.prepare_database(url)
    engine = create_db_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        program = factories.make_program(db)
        participant = factories.make_participant(db, program)
        factories.make_delegation(db)
        ids = program.id, participant.id, participant.person_id
    engine.dispose()
    return ids


def _reader(load_test, port: int, paths: list[str], deadline: float, seen: dict) -> None:
    """A signed-in administrator opening audited pages and exports in turn."""
    browser = load_test.Browser(port)
    if browser.sign_in(load_test.ADMIN_EMAIL, load_test.ADMIN_PASSWORD) != 302:
        seen["errors"].append("reader could not sign in")
        return
    turn = 0
    while time.monotonic() < deadline:
        path = paths[turn % len(paths)]
        turn += 1
        status, _headers, _body = browser.call("GET", path)
        with seen["lock"]:
            seen["gets"] += 1
            if status != 200:
                seen["errors"].append(f"{status} for GET {path}")


def _cli_writer(url: str, instance: str, run: str, deadline: float, seen: dict) -> None:
    """``flask users create`` again and again while the server writes."""
    env = dict(os.environ, DATABASE_URL=url, EXCHANGE_APP_INSTANCE_PATH=instance)
    env.pop("TEST_DATABASE_URL", None)
    number = 0
    # One started near the end would mostly run alone, after the others have stopped.
    while number == 0 or time.monotonic() < deadline - 3:
        number += 1
        email = f"cli-{run}-{number}@example.org"
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "exchange_app", "users", "create",
             "--email", email, "--role", "viewer"],
            input=f"command line password {number} 阿蘇山\n",
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        with seen["lock"]:
            if result.returncode == 0:
                seen["cli_created"].append(email)
            else:
                seen["errors"].append(f"flask users create: {result.stderr.strip()[-300:]}")


def test_saves_audited_pages_exports_and_commands_wait_their_turn(tmp_path):
    load_test = load_test_module()
    url = "sqlite:///" + str(tmp_path / "contention.sqlite3")
    program_id, participant_id, person_id = _prepare(load_test, url)
    server = load_test.Server(url, free_port(), workers=2, logdir=str(tmp_path))
    server.start()
    tally = load_test.Tally()
    seen: dict = {"lock": threading.Lock(), "gets": 0, "errors": [], "cli_created": []}
    run = uuid.uuid4().hex[:6]
    audited = [
        "/delegations/export",
        "/delegations/export?format=csv",
        "/promotions/export",
        "/indicators/export?year=2025",
        f"/youth/participants/{participant_id}/edit",
        f"/youth/participants/{participant_id}",
        f"/youth/{program_id}",
        f"/youth/{program_id}/participants.xlsx",
        f"/youth/persons/{person_id}",
        "/imports/export/participants",
    ]
    try:
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(
                target=load_test.writer, args=(server.port, run, n, deadline, tally), daemon=True
            )
            for n in range(3)
        ]
        threads += [
            threading.Thread(
                target=_reader,
                args=(load_test, server.port, audited[n::2], deadline, seen),
                daemon=True,
            )
            for n in range(2)
        ]
        threads.append(
            threading.Thread(
                target=_cli_writer,
                args=(url, str(tmp_path / "cli-instance"), run, deadline, seen),
                daemon=True,
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 90)
    finally:
        server.stop()

    log = server.error_log_text()
    assert "database is locked" not in log, log[-3000:]
    assert not tally.server_errors and not tally.refused, (tally.server_errors, tally.refused)
    assert not seen["errors"], seen["errors"][:10]
    # Enough of each to have overlapped (the machine may be slow): the point is no failure.
    assert len(tally.acknowledged) >= 3 and seen["gets"] >= 5 and seen["cli_created"]
    counts = load_test.count_emails(url, tally.acknowledged + seen["cli_created"])
    assert all(count == 1 for count in counts.values()), counts
    engine = create_db_engine(url)
    with engine.connect() as connection:
        exports = connection.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action.in_(["export", "view"]))
        )
    engine.dispose()
    assert exports and exports >= seen["gets"] - len(seen["errors"])
