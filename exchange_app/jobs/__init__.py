"""The job queue: heavy work (checking and importing uploads, laying out PDFs) off the request.

A web request records a ``Job`` row (kind, owner, status, progress) in the app database,
commits, and hands the job's id to Huey; a worker (``flask jobs worker``) runs it inside
an app context and writes its progress and outcome back to the row. Any app server then
shows the progress page (``/jobs/<id>``). Huey keeps the queue in a SQLite file in the
instance folder, or in Redis when ``REDIS_URL`` is set (several servers and workers).

A worker that dies mid-job stops renewing the job's heartbeat; a stale running job is
started again (``JOB_MAX_ATTEMPTS`` in all) or marked failed, by a periodic task and
whenever its page is read, so no job stays "running" for ever.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

from exchange_app.jobs import routes  # noqa: E402,F401
from exchange_app.jobs.queue import (  # noqa: E402
    JobContext,
    JobFailure,
    JobTimeLimit,
    handler,
    init_app,
    queue_of,
    recent_jobs,
    recover_stale,
    start,
    submit,
)
from exchange_app.vocab import JobKind, JobStatus  # noqa: E402


@bp.app_template_filter("job_kind_label")
def job_kind_label(kind: str) -> str:
    """A job's kind as the interface names it."""
    return str(JobKind.label_of(kind))


@bp.app_template_filter("job_status_label")
def job_status_label(status: str) -> str:
    """A job's status as the interface names it."""
    return str(JobStatus.label_of(status))


__all__ = [
    "JobContext",
    "JobFailure",
    "JobTimeLimit",
    "bp",
    "handler",
    "init_app",
    "queue_of",
    "recent_jobs",
    "recover_stale",
    "start",
    "submit",
]
