#!/usr/bin/env python3
"""Load test: many clients against gunicorn and the job worker while both are killed, then count.

Starts gunicorn (3 workers) and a job worker (``flask jobs worker``) on 127.0.0.1 over a
fresh database. Most clients create records (users, through the admin form, as a browser
would); a quarter of them upload import files, each checked by a job. Every few seconds a
gunicorn worker is killed with SIGKILL, and so is the job worker (then started again). A
``flask backup`` is taken in the middle. At the end a worker drains the queue, and the run
checks that

* every write the server acknowledged is in the database exactly once,
* every job ended (done, or failed with its reason): none is lost, none waits for ever,
  and every acknowledged upload has its job,
* ``PRAGMA integrity_check`` is ok (SQLite) and the mid-run backup is usable,
* no "database is locked" (nor any other server error) appeared.

Short form (the test suite runs it):  python scripts/load_test.py --seconds 10 --min-writes 20
The reliability run:   python scripts/load_test.py --seconds 60 --kill-every 10 --kill-jobs-every 10
Against PostgreSQL:  --database-url postgresql+psycopg://postgres@127.0.0.1:5432/load_db
(the database is emptied first); the queue on Redis: --redis-url redis://127.0.0.1:6379/0.
Only loopback addresses are ever contacted.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PROJECT_ROOT)

HOST = "127.0.0.1"
ADMIN_EMAIL = "load-admin@example.org"
ADMIN_PASSWORD = "load test administrator 熊本 passphrase"
COOKIE = "exchange_session"
JOB_STALE_SECONDS = 6
FLASK = [sys.executable, "-m", "flask", "--app", "exchange_app"]  # the app's commands


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


def terminate(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """SIGTERM a running process, SIGKILL it if it has not ended within ``timeout`` s."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def read_log(path: str) -> str:
    """A log file's text ("" before anything was written)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""


class Server:
    """gunicorn serving the app on 127.0.0.1 with its own instance folder and logs."""

    def __init__(
        self,
        database_url: str,
        port: int,
        workers: int = 3,
        logdir: str | None = None,
        redis_url: str | None = None,
    ):
        self.database_url = database_url
        self.port = port
        self.workers = workers
        self.logdir = logdir or tempfile.mkdtemp(prefix="exchange-app-serve-")
        self.error_log = os.path.join(self.logdir, "error.log")
        self.access_log = os.path.join(self.logdir, "access.log")
        self.process: subprocess.Popen[bytes] | None = None
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=database_url,
            SECRET_KEY="load-test-secret-" + uuid.uuid4().hex,
            EXCHANGE_APP_INSTANCE_PATH=os.path.join(self.logdir, "instance"),
            # A killed job worker's job is noticed within seconds, and may be tried often.
            JOB_STALE_SECONDS=str(JOB_STALE_SECONDS),
            JOB_MAX_ATTEMPTS="5",
            JOBS_QUEUE_NAME="exchange-app-load-" + uuid.uuid4().hex[:8],
        )
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        else:
            self.env.pop("REDIS_URL", None)
        self.env.pop("TEST_DATABASE_URL", None)

    def environment(self) -> dict[str, str]:
        """What the server, its job workers and its commands run with."""
        return dict(self.env)

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
        terminate(self.process, timeout=15)

    def error_log_text(self) -> str:
        return read_log(self.error_log)

    def access_log_lines(self) -> list[str]:
        return read_log(self.access_log).splitlines()


# --- a browser-like client --------------------------------------------------------


def request(
    method: str,
    port: int,
    path: str,
    *,
    cookie: str | None = None,
    form: dict | None = None,
    files: dict[str, tuple[str, bytes]] | None = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], str]:
    """One HTTP request to 127.0.0.1:port (a new connection each time).

    ``form`` is sent url-encoded, or as multipart/form-data with ``files`` (field: name, bytes).
    """
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Host": f"{HOST}:{port}"}
    body: str | bytes | None = None
    if cookie:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    if files:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
            for name, value in (form or {}).items()
        ]
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif form is not None:
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

    def call(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, dict, str]:
        status, headers, body = request(
            method, self.port, path, cookie=self.cookie, form=form, files=files
        )
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
    uploads: list[str] = field(default_factory=list)  # tokens of acknowledged uploads
    unanswered: int = 0  # connection dropped (a worker killed mid-request): outcome unknown
    server_errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


Until = float | threading.Event


def going(until: Until) -> bool:
    """Whether a client keeps going: before a deadline (monotonic), or until an event is set."""
    if isinstance(until, threading.Event):
        return not until.is_set()
    return time.monotonic() < until


Request = Callable[[Browser, str, int], tuple[str, int, dict[str, str]]]


def client(
    port: int,
    until: Until,
    tally: Tally,
    form_page: str,
    send: Request,
    acknowledged: Callable[[str, int, str], bool],
    pause: float = 0,
) -> None:
    """One client: sign in, then send requests one after another until told to stop.

    ``send(browser, csrf_token, sequence)`` makes one request and returns what it sent (for
    the findings), the status and the headers; ``acknowledged(what, status, location)``
    records it if the server acknowledged it, and says whether it did. The tally counts
    the rest as unanswered, server errors or refused.
    """
    browser = Browser(port)
    sequence = 0
    token = None
    while going(until):
        try:
            if token is None:
                if browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD) != 302:
                    time.sleep(0.2)
                    continue
                token = browser.token(form_page)
            sequence += 1
            what, status, headers = send(browser, token, sequence)
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
            if not acknowledged(what, status, location):
                errors = tally.server_errors if status >= 500 else tally.refused
                errors.append(f"{status} for {what}")
        time.sleep(pause)


def writer(port: int, run: str, number: int, until: Until, tally: Tally) -> None:
    """One client: sign in, then create users until told to stop."""

    def send(browser: Browser, token: str, sequence: int) -> tuple[str, int, dict[str, str]]:
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
        return email, status, headers

    def acknowledged(email: str, status: int, location: str) -> bool:
        if status == 302 and location == "/admin/users":
            tally.acknowledged.append(email)
            return True
        return False

    client(port, until, tally, "/admin/users/new", send, acknowledged)


UPLOAD_HEADER = "管理番号,方向,相手都市,件名,開始日,終了日,人数\n"


def uploader(port: int, run: str, number: int, until: Until, tally: Tally) -> None:
    """One client: sign in, then upload delegation files (each checked by a job) in turn."""

    def send(browser: Browser, token: str, sequence: int) -> tuple[str, int, dict[str, str]]:
        rows = "".join(
            f"load-{run}-{number}-{sequence}-{line},受入,桂林市,負荷テスト {line},"
            f"2024-04-0{line},2024-04-0{line},{line + 2}\n"
            for line in range(1, 4)
        )
        name = f"load-{number}-{sequence}.csv"
        status, headers, _body = browser.call(
            "POST",
            "/imports/",
            {"csrf_token": token, "kind": "delegations"},
            files={"file": (name, (UPLOAD_HEADER + rows).encode())},
        )
        return f"upload {name}", status, headers

    def acknowledged(_what: str, status: int, location: str) -> bool:
        if status == 303 and location.startswith("/imports/"):
            tally.uploads.append(location.rsplit("/", 1)[1])
            return True
        return False

    # A person looks at the progress page before the next file.
    client(port, until, tally, "/imports/", send, acknowledged, pause=0.5)


def killer(server: Server, every: float, until: Until, kills: list[int]) -> None:
    """SIGKILL one gunicorn worker every ``every`` seconds."""
    turn = 0
    while going(until):
        time.sleep(every)
        if not going(until):
            break
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


class JobWorker:
    """``flask jobs worker`` beside the server: same database, queue and settings."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.log = os.path.join(server.logdir, "job-worker.log")
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [*FLASK, "jobs", "worker"],
                cwd=PROJECT_ROOT,
                env=self.server.environment(),
                stdout=log,
                stderr=log,
            )

    def kill(self) -> None:
        """SIGKILL the worker (its job threads die with it), then start a new one."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.kills += 1
        self.start()

    def stop(self) -> None:
        """Stop the worker (the jobs under way finish first)."""
        terminate(self.process, timeout=30)

    def log_text(self) -> str:
        return read_log(self.log)


def job_killer(worker: JobWorker, every: float, until: Until) -> None:
    """SIGKILL the job worker every ``every`` seconds, and start it again."""
    while going(until):
        time.sleep(every)
        if going(until):
            worker.kill()


def job_states(database_url: str) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Jobs by status (and ``retried``: run more than once), each upload token's job status,
    and the failed jobs' reasons."""
    from sqlalchemy import select

    from exchange_app.db import create_db_engine
    from exchange_app.models import Job

    engine = create_db_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(Job.status, Job.params, Job.error, Job.attempts)
            ).all()
    finally:
        engine.dispose()
    by_status: dict[str, int] = {}
    by_token: dict[str, str] = {}
    reasons = []
    for status, params, error, attempts in rows:
        by_status[status] = by_status.get(status, 0) + 1
        if attempts > 1:
            by_status["retried"] = by_status.get("retried", 0) + 1
        if params and params.get("token"):
            by_token[params["token"]] = status
        if status == "failed":
            reasons.append(error or "")
    return by_status, by_token, reasons


def drain(server: Server, worker: JobWorker, timeout: float) -> float:
    """Let a worker finish every job (stale ones recovered as they are found); seconds taken."""
    started = time.monotonic()
    if worker.process is None or worker.process.poll() is not None:
        worker.start()
    while time.monotonic() - started < timeout:
        by_status, _tokens, _reasons = job_states(server.database_url)
        if not by_status.get("queued") and not by_status.get("running"):
            break
        time.sleep(JOB_STALE_SECONDS)
        # What a job's page or the worker's periodic pass would do, without waiting a minute.
        subprocess.run(
            [*FLASK, "jobs", "recover"],
            cwd=PROJECT_ROOT,
            env=server.environment(),
            capture_output=True,
            timeout=120,
            check=False,
        )
    return time.monotonic() - started


def take_backup(server: Server, target: str, tally: Tally) -> str:
    """``flask backup`` while the clients write; returns the command's output."""
    with tally.lock:
        tally.acknowledged_before_backup = list(tally.acknowledged)
    result = subprocess.run(
        [*FLASK, "backup", target],
        cwd=PROJECT_ROOT,
        env=server.environment(),
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
    kill_jobs_every: float | None = None,
    redis_url: str | None = None,
    min_writes: int = 0,
    min_uploads: int = 0,
    max_seconds: float | None = None,
) -> dict:
    """Run the load test and return the findings (``ok`` says whether it passed).

    The clients run ``seconds``, then on (up to ``max_seconds`` in all) until at least
    ``min_writes`` writes and ``min_uploads`` uploads were acknowledged: a busy machine
    makes the run longer, not its checks weaker.
    """
    workdir = tempfile.mkdtemp(prefix="exchange-app-load-")
    prepare_database(database_url)
    server = Server(database_url, port, workers=workers, logdir=workdir, redis_url=redis_url)
    server.start()
    job_worker = JobWorker(server)
    job_worker.start()
    tally, kills = Tally(), list[int]()
    run_id = uuid.uuid4().hex[:6]
    backup_file = os.path.join(workdir, "mid-run.backup")
    stop = threading.Event()
    uploaders = max(1, clients // 4)
    started = time.monotonic()
    try:
        threads = [
            threading.Thread(
                target=uploader if n < uploaders else writer,
                args=(port, run_id, n, stop, tally),
                daemon=True,
            )
            for n in range(clients)
        ]
        threads.append(
            threading.Thread(target=killer, args=(server, kill_every, stop, kills), daemon=True)
        )
        if kill_jobs_every:
            threads.append(
                threading.Thread(
                    target=job_killer, args=(job_worker, kill_jobs_every, stop), daemon=True
                )
            )
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        take_backup(server, backup_file, tally)
        cap = started + max(seconds, max_seconds or seconds)
        while time.monotonic() < cap and (
            time.monotonic() < started + seconds
            or len(tally.acknowledged) < min_writes
            or len(tally.uploads) < min_uploads
        ):
            time.sleep(0.2)
        stop.set()
        ran = time.monotonic() - started  # how long the clients ran
        for thread in threads:
            thread.join(timeout=60 + max(kill_every, kill_jobs_every or 0))
        drained = drain(server, job_worker, timeout=180)
    finally:
        job_worker.stop()
        server.stop()

    findings: dict = {
        "database": database_url.split("://", 1)[0],
        "queue": "redis" if redis_url else "sqlite",
        "seconds": round(ran, 1),
        "clients": clients,
        "uploading_clients": uploaders,
        "workers_killed": len(kills),
        "job_workers_killed": job_worker.kills,
        "acknowledged": len(tally.acknowledged),
        "uploads_acknowledged": len(tally.uploads),
        "unanswered": tally.unanswered,
        "refused": tally.refused[:10],
        "server_errors": tally.server_errors[:10],
        "logdir": workdir,
    }
    counts = count_emails(database_url, tally.acknowledged)
    findings["missing"] = [e for e, c in counts.items() if c == 0][:10]
    findings["duplicated"] = [e for e, c in counts.items() if c > 1][:10]
    by_status, by_token, reasons = job_states(database_url)
    findings["jobs"] = by_status
    findings["jobs_drained_in_seconds"] = round(drained, 1)
    findings["jobs_failed_reasons"] = sorted(set(reasons))[:5]
    findings["uploads_without_job"] = [t for t in tally.uploads if t not in by_token][:10]
    findings["jobs_lost"] = by_status.get("queued", 0) + by_status.get("running", 0)
    log = server.error_log_text()
    findings["database_locked_in_log"] = "database is locked" in log + job_worker.log_text()
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
        and (not kill_jobs_every or findings["job_workers_killed"] > 0)
        and findings["acknowledged"] >= min_writes
        and findings["uploads_acknowledged"] >= min_uploads
        and not findings["missing"]
        and not findings["duplicated"]
        and not findings["jobs_lost"]
        and not findings["uploads_without_job"]
        and all(reasons)  # a failed job says why
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
    parser.add_argument("--redis-url", help="the job queue on Redis (default: its SQLite file)")
    parser.add_argument("--seconds", type=float, default=20, help="how long the clients run")
    parser.add_argument("--clients", type=int, default=20, help="a quarter of them upload files")
    parser.add_argument("--kill-every", type=float, default=3, help="seconds between SIGKILLs")
    parser.add_argument(
        "--kill-jobs-every", type=float, default=None, help="seconds between job-worker SIGKILLs"
    )
    parser.add_argument("--min-writes", type=int, default=0, help="run on until this many")
    parser.add_argument("--min-uploads", type=int, default=0, help="run on until this many")
    parser.add_argument("--max-seconds", type=float, default=None, help="the longest run")
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
        kill_jobs_every=args.kill_jobs_every,
        redis_url=args.redis_url,
        min_writes=args.min_writes,
        min_uploads=args.min_uploads,
        max_seconds=args.max_seconds,
    )
    print(json.dumps(findings, ensure_ascii=False, indent=2))
    return 0 if findings["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
