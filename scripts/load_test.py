#!/usr/bin/env python3
"""Load test: many writers against gunicorn while workers are killed, then count.

Starts gunicorn (3 workers) on 127.0.0.1 over a fresh database, runs 20 clients
that create records (users, through the admin form, as a browser would) for a set
time while a worker is killed with SIGKILL every few seconds, takes a backup with
``flask backup`` in the middle of it, and then checks that

* every write the server acknowledged is in the database exactly once,
* ``PRAGMA integrity_check`` is ok (SQLite) and the mid-run backup is usable,
* no "database is locked" (nor any other server error) appeared.

Short form (the test suite runs it):  python scripts/load_test.py --seconds 20
Long form:                            python scripts/load_test.py --seconds 600
Against PostgreSQL:  --database-url postgresql+psycopg://postgres@127.0.0.1:5432/load_db
(the database is emptied first). Only loopback addresses are ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PROJECT_ROOT)

HOST = "127.0.0.1"
ADMIN_EMAIL = "load-admin@example.org"
ADMIN_PASSWORD = "load test administrator 熊本 passphrase"
COOKIE = "exchange_session"


# --- the database -------------------------------------------------------------


def prepare_database(database_url: str) -> None:
    """Empty the database, migrate it to head, seed it and add the administrator."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from exchange_app import migrate
    from exchange_app.db import create_db_engine
    from exchange_app.services import accounts
    from exchange_app.services.seed import seed_reference_data

    engine = create_db_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            connection.commit()
    else:
        path = engine.url.database
        for suffix in ("", "-wal", "-shm"):
            if path and os.path.exists(path + suffix):
                os.remove(path + suffix)
    engine.dispose()
    migrate.upgrade(database_url)
    engine = create_db_engine(database_url)
    with Session(engine) as session:
        seed_reference_data(session)
        accounts.create_user(
            session, email=ADMIN_EMAIL, display_name="Load", role="admin", password=ADMIN_PASSWORD
        )
        session.commit()
    engine.dispose()


def count_emails(database_url: str, emails: list[str]) -> dict[str, int]:
    """How many users hold each e-mail address."""
    from sqlalchemy import func, select

    from exchange_app.db import create_db_engine
    from exchange_app.models import User

    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(User.email, func.count()).group_by(User.email)).all()
    finally:
        engine.dispose()
    found = {email: count for email, count in rows}
    return {email: found.get(email, 0) for email in emails}


def sqlite_path(database_url: str) -> str | None:
    """The file of a SQLite URL, or None for other databases."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return url.database if url.get_backend_name() == "sqlite" else None


def integrity_check(path: str) -> str:
    """SQLite's own verdict on a database file."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


# --- the server ---------------------------------------------------------------


class Server:
    """gunicorn serving the app on 127.0.0.1 with its own instance folder and logs."""

    def __init__(self, database_url: str, port: int, workers: int = 3, logdir: str | None = None):
        self.database_url = database_url
        self.port = port
        self.workers = workers
        self.logdir = logdir or tempfile.mkdtemp(prefix="exchange-app-serve-")
        self.error_log = os.path.join(self.logdir, "error.log")
        self.access_log = os.path.join(self.logdir, "access.log")
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            SECRET_KEY="load-test-secret-" + uuid.uuid4().hex,
            EXCHANGE_APP_INSTANCE_PATH=os.path.join(self.logdir, "instance"),
        )
        env.pop("TEST_DATABASE_URL", None)
        return env

    def start(self, timeout: float = 90) -> None:
        """Start gunicorn and wait until it answers."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(self.workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--error-logfile",
                self.error_log,
                "--access-logfile",
                self.access_log,
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
                "exchange_app:create_app()",
            ],
            cwd=PROJECT_ROOT,
            env=self.environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.error_log}")
            try:
                # A short wait per try: a connection made while the workers boot may sit
                # unanswered until gunicorn's own timeout; a new one is answered at once.
                status, _headers, _body = request("GET", self.port, "/auth/login", timeout=2)
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {timeout} s; see {self.error_log}")

    def worker_pids(self) -> list[int]:
        """The worker processes of the running master."""
        if self.process is None:
            return []
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    stat = handle.read()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                pids.append(int(entry))
        return pids

    def stop(self) -> None:
        """Stop gunicorn (its master and, through it, the workers)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def error_log_text(self) -> str:
        try:
            with open(self.error_log, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except FileNotFoundError:
            return ""

    def access_log_lines(self) -> list[str]:
        try:
            with open(self.access_log, encoding="utf-8", errors="replace") as handle:
                return handle.read().splitlines()
        except FileNotFoundError:
            return []


# --- a browser-like client --------------------------------------------------------


def request(
    method: str,
    port: int,
    path: str,
    *,
    cookie: str | None = None,
    form: dict | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], str]:
    """One HTTP request to 127.0.0.1:port (a new connection each time)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Host": f"{HOST}:{port}"}
    body = None
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        received = {k.lower(): v for k, v in response.getheaders() if k.lower() != "set-cookie"}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == COOKIE:
                received["session"] = rest.split(";", 1)[0]
        return response.status, received, text
    finally:
        connection.close()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    """A signed-in administrator's browser: keeps the session cookie and a CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie: str | None = None

    def call(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        status, headers, body = request(method, self.port, path, cookie=self.cookie, form=form)
        if "session" in headers:
            self.cookie = headers["session"]
        return status, headers, body

    def token(self, path: str) -> str:
        status, _headers, body = self.call("GET", path)
        match = CSRF.search(body)
        if status != 200 or not match:
            raise RuntimeError(f"no form at {path} ({status})")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> int:
        token = self.token("/auth/login")
        status, _h, _b = self.call(
            "POST", "/auth/login", {"csrf_token": token, "email": email, "password": password}
        )
        return status


# --- the run ------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw."""

    acknowledged: list[str] = field(default_factory=list)
    acknowledged_before_backup: list[str] = field(default_factory=list)
    unanswered: int = 0  # connection dropped (a worker killed mid-request): outcome unknown
    server_errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def writer(port: int, run: str, number: int, deadline: float, tally: Tally) -> None:
    """One client: sign in, then create users until the deadline."""
    browser = Browser(port)
    sequence = 0
    token = None
    while time.monotonic() < deadline:
        try:
            if token is None:
                if browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD) != 302:
                    time.sleep(0.2)
                    continue
                token = browser.token("/admin/users/new")
            sequence += 1
            email = f"load-{run}-{number}-{sequence}@example.org"
            status, headers, _body = browser.call(
                "POST",
                "/admin/users/new",
                {
                    "csrf_token": token,
                    "email": email,
                    "display_name": f"負荷テスト {number}-{sequence}",
                    "role": "viewer",
                    "password": f"load test password {number} {sequence} 阿蘇",
                },
            )
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.unanswered += 1
            continue
        except RuntimeError as error:
            with tally.lock:
                tally.refused.append(str(error))
            continue
        location = urlsplit(headers.get("location", "")).path
        with tally.lock:
            if status == 302 and location == "/admin/users":
                tally.acknowledged.append(email)
            elif status >= 500:
                tally.server_errors.append(f"{status} for {email}")
            else:
                tally.refused.append(f"{status} for {email}")


def killer(server: Server, every: float, deadline: float, kills: list[int]) -> None:
    """SIGKILL one worker every ``every`` seconds."""
    turn = 0
    while time.monotonic() + every < deadline:
        time.sleep(every)
        pids = sorted(server.worker_pids())
        if not pids:
            continue
        victim = pids[turn % len(pids)]
        turn += 1
        try:
            os.kill(victim, signal.SIGKILL)
            kills.append(victim)
        except ProcessLookupError:
            pass


def take_backup(database_url: str, target: str, tally: Tally) -> str:
    """``flask backup`` while the clients write; returns the command's output."""
    with tally.lock:
        tally.acknowledged_before_backup = list(tally.acknowledged)
    env = dict(os.environ, DATABASE_URL=database_url)
    env.pop("TEST_DATABASE_URL", None)
    env["EXCHANGE_APP_INSTANCE_PATH"] = os.path.dirname(target)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "exchange_app", "backup", target],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"backup failed: {result.stderr.strip()}")
    return result.stdout.strip()


def restore_into_scratch(database_url: str, backup_file: str) -> str:
    """Restore a PostgreSQL backup into ``<database>_restored`` (emptied first); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from exchange_app.services import backups

    url = make_url(database_url)
    target = url.set(database=f"{url.database}_restored")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    rendered = target.render_as_string(hide_password=False)
    backups.restore(rendered, backup_file)
    return rendered


def run(
    database_url: str,
    *,
    seconds: float,
    clients: int,
    kill_every: float,
    port: int,
    workers: int = 3,
) -> dict:
    """Run the load test and return the findings (``ok`` says whether it passed)."""
    workdir = tempfile.mkdtemp(prefix="exchange-app-load-")
    prepare_database(database_url)
    server = Server(database_url, port, workers=workers, logdir=workdir)
    server.start()
    tally, kills = Tally(), []
    run_id = uuid.uuid4().hex[:6]
    backup_file = os.path.join(workdir, "mid-run.backup")
    try:
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=writer, args=(port, run_id, n, deadline, tally), daemon=True)
            for n in range(clients)
        ]
        threads.append(
            threading.Thread(target=killer, args=(server, kill_every, deadline, kills), daemon=True)
        )
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        take_backup(database_url, backup_file, tally)
        for thread in threads:
            thread.join(timeout=seconds + 60)
    finally:
        server.stop()

    findings: dict = {
        "database": database_url.split("://", 1)[0],
        "seconds": seconds,
        "clients": clients,
        "workers_killed": len(kills),
        "acknowledged": len(tally.acknowledged),
        "unanswered": tally.unanswered,
        "refused": tally.refused[:10],
        "server_errors": tally.server_errors[:10],
        "logdir": workdir,
    }
    counts = count_emails(database_url, tally.acknowledged)
    findings["missing"] = [e for e, c in counts.items() if c == 0][:10]
    findings["duplicated"] = [e for e, c in counts.items() if c > 1][:10]
    log = server.error_log_text()
    findings["database_locked_in_log"] = "database is locked" in log
    findings["tracebacks_in_log"] = log.count("Traceback")
    path = sqlite_path(database_url)
    if path:
        findings["integrity_check"] = integrity_check(path)
        findings["backup_integrity_check"] = integrity_check(backup_file)
        backup_counts = count_emails("sqlite:///" + backup_file, tally.acknowledged_before_backup)
        findings["missing_from_backup"] = [e for e, c in backup_counts.items() if c != 1][:10]
    else:
        findings["backup_size"] = os.path.getsize(backup_file)
        restored = restore_into_scratch(database_url, backup_file)
        backup_counts = count_emails(restored, tally.acknowledged_before_backup)
        findings["missing_from_backup"] = [e for e, c in backup_counts.items() if c != 1][:10]
    findings["ok"] = bool(
        findings["acknowledged"] > 0
        and findings["workers_killed"] > 0
        and not findings["missing"]
        and not findings["duplicated"]
        and not findings["server_errors"]
        and not findings["database_locked_in_log"]
        and findings.get("integrity_check", "ok") == "ok"
        and findings.get("backup_integrity_check", "ok") == "ok"
        and not findings.get("missing_from_backup")
        and findings.get("backup_size", 1) > 0
    )
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temp folder")
    parser.add_argument("--seconds", type=float, default=20, help="how long the clients write")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--kill-every", type=float, default=3, help="seconds between SIGKILLs")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=5090)
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 24 * 3600 or not 1 <= args.clients <= 200:
        parser.error("--seconds must be within 1..86400 and --clients within 1..200")
    database_url = args.database_url or "sqlite:///" + os.path.join(
        tempfile.mkdtemp(prefix="exchange-app-load-db-"), "load.sqlite3"
    )
    findings = run(
        database_url,
        seconds=args.seconds,
        clients=args.clients,
        kill_every=args.kill_every,
        port=args.port,
        workers=args.workers,
    )
    print(json.dumps(findings, ensure_ascii=False, indent=2))
    return 0 if findings["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
