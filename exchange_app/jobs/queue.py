"""The Huey instance made from the app's configuration, and running one job."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from exchange_app.db import begin_write, get_db, utcnow
from exchange_app.models import Job
from exchange_app.vocab import JobKind, JobStatus

log = logging.getLogger("exchange_app.jobs")

EXTENSION = "exchange_app.jobs"
QUEUE_NAME = "exchange_app"
# Progress is written at most this often (a job reports far more often than that).
PROGRESS_WRITE_SECONDS = 0.5


class JobFailure(Exception):
    """A job cannot finish; its message is shown on the job's page, in the user's language."""


class JobTimeLimit(JobFailure):
    """A job ran past ``JOB_TIME_LIMIT_SECONDS``."""


@dataclass
class JobContext:
    """What a job's handler works with: its own session, the job's row, a progress report."""

    app: Flask
    session: Session
    job: Job
    deadline: float
    live: bool  # False when the job runs inside the request (immediate mode): nobody watches
    _last_write: float = field(default=0.0)
    _writing: bool = field(default=False)

    def begin_write(self) -> None:
        """Call before the job's first write: its reads end, and a writing transaction begins.

        (On SQLite a read transaction that later writes fails when progress was written
        meanwhile; one begun to write waits its turn.)
        """
        begin_write(self.session)
        self._writing = True

    @property
    def params(self) -> dict[str, Any]:
        """What the job was asked to do."""
        return self.job.params

    def progress(self, done: int, total: int | None = None) -> None:
        """Say how far the job is; raises ``JobTimeLimit`` once the time budget is spent."""
        if time.monotonic() > self.deadline:
            raise JobTimeLimit(
                _(
                    "The work took longer than %(seconds)s seconds and was stopped. "
                    "Split the file into smaller files, or ask an administrator.",
                    seconds=self.app.config["JOB_TIME_LIMIT_SECONDS"],
                )
            )
        if not self.live or time.monotonic() - self._last_write < PROGRESS_WRITE_SECONDS:
            return
        if self._writing and self.session.get_bind().dialect.name == "sqlite":
            return  # SQLite has one writer: this job, until it commits
        self._last_write = time.monotonic()
        _write(
            self.app,
            self.job.id,
            progress_done=done,
            progress_total=total,
            heartbeat_at=utcnow(),
        )


Handler = Callable[[JobContext], tuple[str | None, dict[str, Any] | None]]
HANDLERS: dict[str, Handler] = {}


def handler(kind: JobKind) -> Callable[[Handler], Handler]:
    """Register the function that does jobs of ``kind``.

    It returns ``(result_ref, result)``: a stored file's token and a small summary; it
    adds and flushes in ``context.session`` and never commits (the runner commits once,
    with the job marked done).
    """

    def register(function: Handler) -> Handler:
        HANDLERS[kind.value] = function
        return function

    return register


@dataclass
class JobQueue:
    """An app's Huey instance and the task that runs a job."""

    huey: Huey
    run_task: Any

    def held_job_ids(self) -> set[int]:
        """The jobs waiting in the queue (handed over and not yet taken by a worker)."""
        return {
            int(task.args[0])
            for task in self.huey.pending()
            if task.name == self.run_task.name and task.args
        }


def make_huey(app: Flask) -> Huey:
    """Huey on Redis when ``REDIS_URL`` is set, else on a SQLite file in the instance folder."""
    config = app.config
    if config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True)
    name = config.get("JOBS_QUEUE_NAME") or QUEUE_NAME
    if config.get("REDIS_URL"):
        return RedisHuey(name, url=config["REDIS_URL"])
    filename = config.get("JOBS_SQLITE_FILE") or os.path.join(
        app.instance_path, "job-queue.sqlite3"
    )
    return SqliteHuey(name, filename=filename)


def init_app(app: Flask) -> None:
    """Make the app's queue and register its tasks (the job runner, the stale-job check)."""
    huey = make_huey(app)

    @huey.task(name="exchange_app.run_job")
    def run_job_task(job_id: int) -> None:
        run_job(app, job_id)

    @huey.periodic_task(crontab(minute="*"), name="exchange_app.recover_stale")
    def recover_task() -> None:
        with app.app_context():
            session = get_db(app).session_factory()
            try:
                recover_stale(session)
            finally:
                session.close()

    @huey.periodic_task(crontab(minute="*/10"), name="exchange_app.clean_up")
    def clean_up_task() -> None:
        from exchange_app.services import housekeeping

        with app.app_context():
            session = get_db(app).session_factory()
            try:
                housekeeping.clean_up(session, app)
            finally:
                session.close()

    app.extensions[EXTENSION] = JobQueue(huey, run_job_task)


def queue_of(app: Flask | None = None) -> JobQueue:
    """The current app's queue."""
    return (app or current_app).extensions[EXTENSION]


def submit(
    session: Session, kind: JobKind, user_id: int | None, ui_language: str, **params: Any
) -> Job:
    """Record a queued job (adds and flushes). Commit, then ``start`` it.

    ``ui_language`` is the asker's interface language: the job writes its messages in it.
    """
    job = Job(
        kind=kind.value,
        user_id=user_id,
        status=JobStatus.QUEUED.value,
        language=ui_language,
        params=params,
        progress_done=0,
        attempts=0,
    )
    session.add(job)
    session.flush()
    return job


def recent_jobs(
    session: Session, user_id: int, kinds: tuple[JobKind, ...], limit: int = 5
) -> list[Job]:
    """The user's latest jobs of ``kinds``, newest first (their pages can be opened again)."""
    return list(
        session.scalars(
            select(Job)
            .where(Job.user_id == user_id, Job.kind.in_([kind.value for kind in kinds]))
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )


def start(job: Job) -> None:
    """Hand a committed job to the queue (in immediate mode it runs now).

    If the queue cannot be reached (Redis down), the job is marked failed and says so,
    rather than waiting for ever.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        queue_of(app).run_task(job.id)
    except Exception:
        log.exception("job %s could not be queued", job.id)
        session = get_db(app).session_factory()
        try:
            session.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == JobStatus.QUEUED)
                .values(
                    status=JobStatus.FAILED.value,
                    finished_at=utcnow(),
                    error=_(
                        "The job could not be handed to the job queue (it is not reachable). "
                        "Please try again later, or ask an administrator."
                    ),
                )
            )
            session.commit()
        finally:
            session.close()


def _write(app: Flask, job_id: int, **values: Any) -> None:
    """Update a running job's row in a short transaction of its own."""
    session = get_db(app).session_factory()
    try:
        session.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(**values)
        )
        session.commit()
    except Exception:  # progress and heartbeats are best effort
        session.rollback()
        log.warning("could not write the progress of job %s", job_id, exc_info=True)
    finally:
        session.close()


def _claim(session: Session, job_id: int) -> bool:
    """Mark a queued job running; False if another worker took it or it is finished."""
    now = utcnow()
    claimed = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.RUNNING.value,
            started_at=now,
            heartbeat_at=now,
            attempts=Job.attempts + 1,
            progress_done=0,
            progress_total=None,
        )
    )
    session.commit()
    return bool(getattr(claimed, "rowcount", 0))


def _heartbeat(app: Flask, job_id: int, stop: threading.Event) -> None:
    # Well within the stale bound, so a live worker is never taken for a dead one.
    every = max(0.5, min(app.config["JOB_HEARTBEAT_SECONDS"], app.config["JOB_STALE_SECONDS"] / 3))
    while not stop.wait(every):
        with app.app_context():
            _write(app, job_id, heartbeat_at=utcnow())


def run_job(app: Flask, job_id: int) -> None:
    """Run one job inside an app context; its row says how it ended."""
    with app.app_context(), app.test_request_context():
        session = get_db(app).session_factory()
        try:
            if not _claim(session, job_id):
                return
            job = session.get(Job, job_id)
            assert job is not None
            with force_locale(job.language or "ja"):
                _run_claimed(app, session, job)
        finally:
            session.close()


def _run_claimed(app: Flask, session: Session, job: Job) -> None:
    live = not app.config.get("JOBS_IMMEDIATE")
    stop = threading.Event()
    beat = None
    if live:
        beat = threading.Thread(
            target=_heartbeat, args=(app, job.id, stop), name=f"job-{job.id}-heartbeat", daemon=True
        )
        beat.start()
    context = JobContext(
        app=app,
        session=session,
        job=job,
        deadline=time.monotonic() + app.config["JOB_TIME_LIMIT_SECONDS"],
        live=live,
    )
    try:
        result_ref, result = HANDLERS[job.kind](context)
    except JobFailure as failure:
        session.rollback()
        stop.set()
        _finish(session, job.id, JobStatus.FAILED, error=str(failure))
        return
    except Exception:
        session.rollback()
        stop.set()
        incident = uuid.uuid4().hex[:12]
        log.exception("job %s (%s) failed: incident %s", job.id, job.kind, incident)
        _finish(
            session,
            job.id,
            JobStatus.FAILED,
            error=_(
                "The work failed unexpectedly. Please try again; if it fails again, give "
                "the administrator this incident number: %(incident)s",
                incident=incident,
            ),
        )
        return
    finally:
        stop.set()
        if beat is not None:
            beat.join(timeout=10)
    # The work and "done" are committed together; if the job was taken from this worker
    # meanwhile (marked stale), the work is rolled back.
    if not _finish(session, job.id, JobStatus.DONE, result_ref=result_ref, result=result):
        log.warning("job %s was no longer running here; its work was rolled back", job.id)


def _finish(session: Session, job_id: int, status: JobStatus, **values: Any) -> bool:
    done = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(status=status.value, finished_at=utcnow(), heartbeat_at=utcnow(), **values)
    )
    if not getattr(done, "rowcount", 0):
        session.rollback()
        return False
    session.commit()
    return True


def purge_finished(session: Session, older_than: timedelta) -> int:
    """Remove jobs that finished more than ``older_than`` ago; how many there were."""
    removed = session.execute(
        delete(Job).where(
            Job.status.in_((JobStatus.DONE, JobStatus.FAILED)),
            Job.finished_at < utcnow() - older_than,
        )
    )
    return int(getattr(removed, "rowcount", 0) or 0)


def stale_bound(app: Flask) -> datetime:
    """A running job whose last heartbeat is older than this has lost its worker."""
    return utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"])


def is_stale(job: Job, app: Flask | None = None) -> bool:
    """Whether ``job`` is running with no heartbeat since ``stale_bound``."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return (
        job.status == JobStatus.RUNNING
        and job.heartbeat_at is not None
        and job.heartbeat_at < stale_bound(app)
    )


def recover_stale(session: Session, app: Flask | None = None) -> list[int]:
    """Jobs that would otherwise never end, handed to the queue again (or failed).

    * A running job whose worker stopped reporting: queued again, or failed after the
      last attempt.
    * A queued job that the queue does not hold, waiting longer than the stale bound: the
      web worker died between recording it and handing it over, or a job worker between
      taking it and starting it. (A job handed over twice runs once: ``_claim``.)

    Returns the ids of the jobs queued again (already handed to the queue). Commits what
    the session held, then takes the write lock before it reads (``begin_write``).
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    begin_write(session)
    bound = stale_bound(app)
    stale = [
        (job.id, job.attempts)
        for job in session.query(Job).filter(
            Job.status == JobStatus.RUNNING, Job.heartbeat_at < bound
        )
    ]
    again: list[int] = []
    for job_id, attempts in stale:
        condition = (Job.id == job_id, Job.status == JobStatus.RUNNING, Job.heartbeat_at < bound)
        if attempts < config["JOB_MAX_ATTEMPTS"]:
            changed = session.execute(
                update(Job)
                .where(*condition)
                .values(status=JobStatus.QUEUED.value, heartbeat_at=utcnow())
            )
            if getattr(changed, "rowcount", 0):
                again.append(job_id)
        else:
            job = session.get(Job, job_id)
            with force_locale(job.language if job else "ja"):
                message = _(
                    "The worker running this job stopped before it finished (attempt "
                    "%(attempt)s of %(attempts)s). Nothing was changed; please start it again.",
                    attempt=attempts,
                    attempts=config["JOB_MAX_ATTEMPTS"],
                )
            session.execute(
                update(Job)
                .where(*condition)
                .values(status=JobStatus.FAILED.value, finished_at=utcnow(), error=message)
            )
    queue = queue_of(app)
    waiting = list(
        session.scalars(
            select(Job.id).where(
                Job.status == JobStatus.QUEUED,
                func.coalesce(Job.heartbeat_at, Job.created_at) < bound,
            )
        )
    )
    if waiting:
        held = queue.held_job_ids()
        lost = [job_id for job_id in waiting if job_id not in held]
        if lost:
            session.execute(
                update(Job)
                .where(Job.id.in_(lost), Job.status == JobStatus.QUEUED)
                .values(heartbeat_at=utcnow())
            )
            again += lost
    session.commit()
    for job_id in again:
        queue.run_task(job_id)
    return again
