"""Heavy work goes to the job queue: the web request only stores and hands over.

The queue's storage is SQLite (a file of the test's own) unless ``TEST_REDIS_URL`` is set,
when it is Redis (``scripts/run_tests.py`` runs this file a second time that way). Tests in
the first part run the queued task by hand inside the test's rolled-back transaction; the
last ones run a real consumer (a thread, then a subprocess killed with SIGKILL) over a
committed database of their own.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exchange_app import create_app, jobs, migrate
from exchange_app.db import create_db_engine, utcnow
from exchange_app.jobs import queue
from exchange_app.models import Delegation, Job, User
from exchange_app.services import accounts
from exchange_app.services.seed import seed_reference_data
from tests.conftest import PASSWORD
from tests.import_files import csv_bytes, make_file
from tests.test_imports import DELEGATION_HEADERS

REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
STORAGE = "redis" if REDIS_URL else "sqlite"
GOOD_ROWS = [
    ["GL-1", "受入", "桂林市", "桂林市友好代表団", "令和6年4月1日", "R6.4.5", "王 明", "8", "観光"],
    ["GL-2", "派遣", "guilin", "熊本市訪問団", "2023-10-01", "2023-10-05", "", "5", ""],
]
# The web request must hand heavy work over at once; a second is generous.
FAST = 1.0


def queue_settings(folder: Path) -> dict[str, Any]:
    """A queue of the test's own on the storage under test (no consumer yet)."""
    settings: dict[str, Any] = {
        "JOBS_IMMEDIATE": False,
        "JOBS_QUEUE_NAME": f"exchange-app-test-{uuid.uuid4().hex[:10]}",
    }
    if REDIS_URL:
        settings["REDIS_URL"] = REDIS_URL
    else:
        settings["JOBS_SQLITE_FILE"] = str(folder / "job-queue.sqlite3")
    return settings


def bomb_xlsx(unpacked_mb: int = 80) -> bytes:
    """A workbook whose sheet unpacks to ``unpacked_mb`` MB from well under one MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        row = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>"
        body = row * (unpacked_mb * 1024 * 1024 // len(row))
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + body)
    return buffer.getvalue()


def big_csv(target_bytes: int = 10_000_000) -> bytes:
    """A CSV of about ``target_bytes`` (just under the 10 MB the import accepts)."""
    row = ["GL-{n}", "受入", "桂林市", "桂林市友好代表団 " + "あ" * 40, "2024-04-01", "2024-04-05",
           "王 明", "8", "観光"]
    header = len(csv_bytes(DELEGATION_HEADERS, [], "utf-8-sig"))
    one = len(csv_bytes(DELEGATION_HEADERS, [row], "utf-8-sig")) - header + 2  # longer numbers
    count = (target_bytes - header) // one
    rows = [[cell.replace("{n}", str(n)) for cell in row] for n in range(count)]
    return csv_bytes(DELEGATION_HEADERS, rows, "utf-8-sig")


def post_upload(client: Any, filename: str, content: bytes) -> tuple[Any, float]:
    started = time.perf_counter()
    response = client.post(
        "/imports/",
        data={"kind": "delegations", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    return response, time.perf_counter() - started


def run_queued(app: Flask) -> int:
    """Run the tasks waiting in the app's queue, as a worker would; how many ran."""
    huey = jobs.queue_of(app).huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


class TestQueuedInTheTestTransaction:
    """The request stores and queues; the test then plays the worker."""

    @pytest.fixture
    def app_config(self, tmp_path: Path) -> dict[str, Any]:
        # No heartbeat thread: the worker's session shares the test's connection.
        return {**queue_settings(tmp_path), "JOB_HEARTBEAT_SECONDS": 3600}

    @pytest.fixture(autouse=True)
    def empty_queue(self, app: Flask) -> Iterator[None]:
        yield
        jobs.queue_of(app).huey.flush()

    def test_a_compressed_bomb_is_handed_over_at_once_and_refused_without_unpacking(
        self, app, client, auth, db
    ) -> None:
        auth.login("staff")
        content = bomb_xlsx()
        assert len(content) < 1024 * 1024
        response, seconds = post_upload(client, "bomb.xlsx", content)
        assert response.status_code == 303 and seconds < FAST, seconds
        preview_url = response.headers["Location"]

        # Queued, not yet run: the preview address shows the progress page.
        assert jobs.queue_of(app).huey.pending_count() == 1
        page = client.get(preview_url).get_data(as_text=True)
        assert "<progress" in page and "job-progress-bar" in page
        assert '<noscript><meta http-equiv="refresh"' in page
        assert "/static/js/jobs.js" in page
        (job,) = db.scalars(select(Job))
        assert (job.kind, job.status, job.user_id) == ("import_check", "queued", job.user_id)

        started = time.perf_counter()
        assert run_queued(app) == 1
        assert time.perf_counter() - started < 5  # refused from the zip's directory
        db.expire_all()
        job = db.get(Job, job.id)
        assert job.status == "failed" and job.finished_at is not None
        response = client.get(preview_url)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "展開すると大きすぎます" in html and "xl/worksheets/sheet1.xml" in html
        assert "50.0 MB" in html  # the limit, said in the message

    def test_a_10_mb_csv_is_handed_over_at_once_and_its_rows_are_capped(
        self, app, client, auth, db
    ) -> None:
        auth.login("staff")
        content = big_csv()
        assert 9_500_000 < len(content) <= app.config["IMPORT_MAX_BYTES"]
        response, seconds = post_upload(client, "big.csv", content)
        assert response.status_code == 303 and seconds < FAST, seconds
        assert run_queued(app) == 1
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "20,000 行を超えています" in html and "ファイルを分けてください" in html

    def test_a_small_file_is_checked_by_the_worker_and_its_preview_appears(
        self, app, client, auth, db
    ) -> None:
        auth.login("staff")
        client.get("/?lang=en")
        response, _seconds = post_upload(client, *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS))
        preview_url = response.headers["Location"]
        assert "Waiting for a worker" in client.get(preview_url).get_data(as_text=True)
        run_queued(app)
        html = client.get(preview_url).get_data(as_text=True)
        assert "Check the import" in html and "GL-1" in html and "桂林市友好代表団" in html
        assert db.scalar(select(Job)).result["create"] == 2

        response = client.post(f"{preview_url}/confirm")
        job_url = response.headers["Location"]
        assert response.status_code == 303 and re.match(r"^/jobs/\d+$", job_url)
        assert db.scalars(select(Delegation)).first() is None  # the worker imports
        run_queued(app)
        assert "2 created" in client.get(job_url).get_data(as_text=True)
        assert len(db.scalars(select(Delegation)).all()) == 2
        # Both jobs can be found again from the import page.
        index = client.get("/imports/").get_data(as_text=True)
        assert job_url in index and "Checking an uploaded file" in index

    def test_progress_written_by_the_worker_is_shown_on_any_server(
        self, app, client, auth, db
    ) -> None:
        user = auth.login("staff")
        job = jobs.submit(db, jobs_kind("import_check"), user.id, "ja", token="x" * 43)
        job.status = "running"
        db.commit()
        context = queue.JobContext(app=app, session=db, job=job, deadline=time.monotonic() + 60,
                                   live=True)
        context.progress(150, 600)
        state = client.get(f"/jobs/{job.id}/status").get_json()
        assert state == {"status": "running", "finished": False, "done": 150, "total": 600,
                         "percent": 25, "next": None}
        page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert re.search(r'<progress id="job-progress-bar"[^>]*value="25"', page)
        assert "600行中 150行" in page

    def test_a_job_over_its_time_budget_says_so(self, app, client, auth, db) -> None:
        app.config["JOB_TIME_LIMIT_SECONDS"] = 0
        auth.login("staff")
        response, _seconds = post_upload(client, *make_file("csv-utf8-bom", DELEGATION_HEADERS,
                                                            GOOD_ROWS))
        run_queued(app)
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "0 秒を超えたため中止しました" in html

    def test_a_job_whose_worker_died_is_queued_again_then_failed(
        self, app, client, auth, db
    ) -> None:
        user = auth.login("staff")
        job = jobs.submit(db, jobs_kind("import_check"), user.id, "ja", token="x" * 43)
        stale = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 5)
        job.status, job.attempts, job.heartbeat_at = "running", 1, stale
        db.commit()
        huey = jobs.queue_of(app).huey
        # Reading its page notices the stale heartbeat and queues it again.
        client.get(f"/jobs/{job.id}")
        db.expire_all()
        assert db.get(Job, job.id).status == "queued" and huey.pending_count() == 1
        huey.flush()
        job = db.get(Job, job.id)
        job.status, job.attempts, job.heartbeat_at = "running", 2, stale
        db.commit()
        html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
        assert "途中で停止しました" in html and "2回中 2回目" in html
        db.expire_all()
        assert db.get(Job, job.id).status == "failed" and huey.pending_count() == 0

    def test_a_queued_job_the_queue_lost_is_handed_over_again_once(
        self, app, client, auth, db
    ) -> None:
        # Recorded and committed, but the web worker died before handing it over.
        user = auth.login("staff")
        old = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 5)
        lost = jobs.submit(db, jobs_kind("import_check"), user.id, "ja", token="x" * 43)
        held = jobs.submit(db, jobs_kind("import_check"), user.id, "ja", token="y" * 43)
        recent = jobs.submit(db, jobs_kind("import_check"), user.id, "ja", token="z" * 43)
        lost.created_at = held.created_at = old
        db.commit()
        huey = jobs.queue_of(app).huey
        jobs.queue_of(app).run_task(held.id)  # waiting in the queue: not handed over twice
        assert jobs.recover_stale(db, app) == [lost.id]
        assert sorted(task.args[0] for task in huey.pending()) == sorted([held.id, lost.id])
        # Handed over just now: the next pass leaves it alone.
        assert jobs.recover_stale(db, app) == []
        assert huey.pending_count() == 2
        assert recent.id not in jobs.queue_of(app).held_job_ids()

    def test_someone_elses_job_is_not_found(self, app, client, auth, db, make_user) -> None:
        other = make_user("staff")
        job = jobs.submit(db, jobs_kind("import_check"), other.id, "ja", token="x" * 43)
        db.commit()
        auth.login("staff")
        assert client.get(f"/jobs/{job.id}").status_code == 404
        assert client.get(f"/jobs/{job.id}/status").status_code == 404


def jobs_kind(value: str) -> Any:
    from exchange_app.vocab import JobKind

    return JobKind(value)


# --- a real consumer over a committed database -------------------------------------------


@pytest.fixture(scope="module")
def committed_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated, seeded SQLite database of this module's own (its writes are committed)."""
    url = "sqlite:///" + str(tmp_path_factory.mktemp("jobs-db") / "jobs.sqlite3")
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed_reference_data(session)
        accounts.create_user(session, email="worker-test@example.org", display_name="Staff",
                             role="staff", password=PASSWORD)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def served(committed_database: str, tmp_path: Path) -> Iterator[Flask]:
    """An app server on the committed database with a queue of the test's own."""
    app = create_app({"DATABASE_URL": committed_database, **queue_settings(tmp_path)})
    yield app
    jobs.queue_of(app).huey.flush()
    app.extensions["exchange_app.db"].engine.dispose()


def signed_in(app: Flask) -> Any:
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "worker-test@example.org",
                                                "password": PASSWORD})
    assert response.status_code == 302
    return client


def wait_for(condition: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def job_row(app: Flask, job_id: int) -> Job:
    with Session(app.extensions["exchange_app.db"].engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_a_consumer_thread_checks_the_upload_and_the_preview_appears(served: Flask) -> None:
    client = signed_in(served)
    consumer = jobs.queue_of(served).huey.create_consumer(workers=1, worker_type="thread",
                                                           periodic=False)
    consumer.start()
    try:
        response, seconds = post_upload(client, *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS))
        assert response.status_code == 303 and seconds < FAST
        preview_url = response.headers["Location"]
        html = wait_for(
            lambda: (page := client.get(preview_url).get_data(as_text=True))
            and "GL-1" in page and page,
            30, "the preview",
        )
        assert "桂林市友好代表団" in html and "すべての行を取り込む" in html
    finally:
        consumer.stop(graceful=True)


def _worker(app_folder: Path, database_url: str, app: Flask) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EXCHANGE_APP_INSTANCE_PATH": str(app_folder),
        "SECRET_KEY": "test-worker-secret",
        "JOBS_QUEUE_NAME": app.config["JOBS_QUEUE_NAME"],
        "JOB_STALE_SECONDS": "2",
        "JOB_WORKERS": "1",
    }
    env.pop("JOBS_IMMEDIATE", None)
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    else:
        env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "exchange_app", "jobs", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_job_leaves_it_to_the_next_worker(
    committed_database: str, tmp_path: Path
) -> None:
    """SIGKILL while a file is being checked: the next worker starts it again and finishes."""
    folder = tmp_path / "instance"
    folder.mkdir()
    settings = queue_settings(tmp_path)
    if not REDIS_URL:
        settings["JOBS_SQLITE_FILE"] = str(folder / "job-queue.sqlite3")  # the worker's default
    app = create_app({"DATABASE_URL": committed_database, **settings, "JOB_STALE_SECONDS": 2})
    client = signed_in(app)
    rows = [[f"KILL-{n}", "受入", "桂林市", f"代表団 {n}", "2024-04-01", "2024-04-05", "", "3", ""]
            for n in range(19_000)]
    response, seconds = post_upload(client, *make_file("csv-utf8-bom", DELEGATION_HEADERS, rows))
    assert response.status_code == 303 and seconds < FAST
    with Session(app.extensions["exchange_app.db"].engine) as session:
        job_id = session.scalar(select(Job.id).order_by(Job.id.desc()))
    first = _worker(folder, committed_database, app)
    second = None
    try:
        # Progress written by the worker process is seen here, as by any app server.
        wait_for(lambda: job_row(app, job_id).progress_done > 0, 60, "progress from the worker")
        assert job_row(app, job_id).status == "running"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        time.sleep(2.5)  # the heartbeat goes stale
        assert job_row(app, job_id).status == "running"
        second = _worker(folder, committed_database, app)
        job = wait_for(
            lambda: (row := job_row(app, job_id)).finished and row, 120, "the second worker"
        )
        assert job.status == "done", job.error
        assert job.attempts == 2 and job.result["create"] == 19_000
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "KILL-0" in html
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        jobs.queue_of(app).huey.flush()
        app.extensions["exchange_app.db"].engine.dispose()


def test_recovering_waits_for_the_write_lock_while_others_write(served: Flask) -> None:
    """The stale-job pass (at a worker's start, every minute) reads, then writes. On SQLite a
    read transaction that another connection wrote past cannot write any more ("database is
    locked" at once): the pass must take the write lock before it reads, as a save does."""
    engine = served.extensions["exchange_app.db"].engine
    stale = utcnow() - timedelta(seconds=served.config["JOB_STALE_SECONDS"] + 5)
    with Session(engine) as setup:
        user_id = setup.scalar(select(User.id).where(User.email == "worker-test@example.org"))
        job = jobs.submit(setup, jobs_kind("import_check"), user_id, "ja", token="s" * 43)
        job.status, job.attempts, job.heartbeat_at = "running", 1, stale
        setup.commit()
        job_id = job.id
    with served.app_context(), Session(engine) as session:
        assert job_id in session.scalars(select(Job.id)).all()  # a read transaction is open
        with engine.begin() as other:  # a web worker saves something meanwhile
            other.execute(
                update(User).where(User.id == user_id).values(display_name="Staff (saved)")
            )
        assert jobs.recover_stale(session, served) == [job_id]
    assert job_row(served, job_id).status == "queued"


def test_a_job_the_queue_cannot_take_fails_and_says_so(app, client, auth, db, monkeypatch):
    def unreachable(_job_id: int) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(jobs.queue_of(app), "run_task", unreachable)
    auth.login("staff")
    response, _seconds = post_upload(client, *make_file("xlsx", DELEGATION_HEADERS, GOOD_ROWS))
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "処理をジョブの待ち行列に渡せませんでした" in html
    db.expire_all()
    assert db.scalar(select(Job)).status == "failed"


class TestPeriodicCleanUp:
    """Expired uploads and long-finished jobs are removed by the worker, not by the next upload."""

    @pytest.fixture
    def app_config(self, tmp_path: Path) -> dict[str, Any]:
        return {**queue_settings(tmp_path), "JOB_KEEP_DAYS": 30}

    def _aged_job(self, db: Session, user_id: int, status: str, days: float) -> Job:
        job = jobs.submit(db, jobs_kind("import_check"), user_id, "ja", token="x" * 43)
        job.status = status
        job.finished_at = utcnow() - timedelta(days=days) if status in ("done", "failed") else None
        job.heartbeat_at = utcnow() if status == "running" else None
        job.created_at = utcnow() - timedelta(days=days)
        db.flush()
        return job

    def test_the_worker_runs_the_clean_up_every_ten_minutes(self, app: Flask, db,
                                                            make_user) -> None:
        from datetime import datetime

        from exchange_app.importing import uploads
        from exchange_app.models import StoredFile

        user = make_user("staff")
        expired = uploads.save_upload(db, "delegations", "old.csv", b"x", user.id)
        fresh = uploads.save_upload(db, "delegations", "new.csv", b"y", user.id)
        kept = db.scalar(select(StoredFile).where(StoredFile.token == expired))
        kept.created_at -= timedelta(seconds=uploads.MAX_AGE_SECONDS + 60)
        removable = {self._aged_job(db, user.id, "done", 31).id,
                     self._aged_job(db, user.id, "failed", 40).id}
        kept_jobs = {self._aged_job(db, user.id, "done", 29).id,
                     self._aged_job(db, user.id, "running", 31).id}
        db.commit()

        huey = jobs.queue_of(app).huey
        due = {task.name: task for task in huey.read_periodic(datetime(2026, 12, 3, 9, 10))}
        assert "exchange_app.clean_up" in due
        assert "exchange_app.clean_up" not in {
            task.name for task in huey.read_periodic(datetime(2026, 12, 3, 9, 11))
        }
        huey.execute(due["exchange_app.clean_up"])

        db.expire_all()
        assert uploads.load_upload(db, fresh, user.id) is not None
        assert db.scalar(select(StoredFile).where(StoredFile.token == expired)) is None
        left = set(db.scalars(select(Job.id)))
        assert kept_jobs <= left and not removable & left

    def test_the_command_runs_it_now_and_says_what_it_removed(self, app: Flask, db,
                                                             make_user) -> None:
        user = make_user("staff")
        self._aged_job(db, user.id, "failed", 31)
        db.commit()
        result = app.test_cli_runner().invoke(args=["jobs", "clean-up"])
        assert result.exit_code == 0, result.output
        assert "finished_jobs=1" in result.output and "expired_uploads=0" in result.output
