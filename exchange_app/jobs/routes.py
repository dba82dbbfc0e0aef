"""A job's progress page and its status for the page's script (any app server answers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, jsonify, redirect, render_template
from flask_login import current_user

from exchange_app.db import get_session
from exchange_app.jobs import bp
from exchange_app.jobs.queue import is_stale, recover_stale
from exchange_app.models import Job
from exchange_app.vocab import JobKind, JobStatus


@dataclass
class JobLinks:
    """Where a finished job leads (its result) and where its page links back to."""

    next_url: str | None
    back_url: str
    back_label: str
    # A result that is downloaded: the page links to it (labelled so) instead of
    # sending the browser there, which would download it again at each visit.
    download_label: str | None = None
    # Whether the job's progress counts rows of a file (else steps: sheets, layout passes).
    counts_rows: bool = True


LINKS: dict[str, Callable[[Job], JobLinks]] = {}


def links_for(kind: JobKind) -> Callable[[Callable[[Job], JobLinks]], Callable[[Job], JobLinks]]:
    """Register how a feature's jobs link to their result (feature packages call this)."""

    def register(function: Callable[[Job], JobLinks]) -> Callable[[Job], JobLinks]:
        LINKS[kind.value] = function
        return function

    return register


def own_job(job_id: int) -> Job:
    """The signed-in user's job ``job_id``, its staleness checked; 404 for anyone else's."""
    session = get_session()
    job = session.get(Job, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    if is_stale(job):
        recover_stale(session)
        session.refresh(job)
    return job


def job_state(job: Job) -> dict[str, Any]:
    """What the progress script needs to know about a job."""
    links = LINKS[job.kind](job)
    return {
        "status": job.status,
        "finished": job.finished,
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "next": links.next_url if job.status == JobStatus.DONE else None,
    }


@bp.route("/<int:job_id>")
def show(job_id: int) -> Any:
    """A job's page: its progress while it runs, then its outcome."""
    job = own_job(job_id)
    links = LINKS[job.kind](job)
    if job.status == JobStatus.DONE and links.next_url and links.download_label is None:
        return redirect(links.next_url, 303)
    return render_template("jobs/show.html", job=job, links=links)


@bp.route("/<int:job_id>/status")
def status(job_id: int) -> Any:
    """A job's progress as JSON, polled by static/js/jobs.js."""
    return jsonify(job_state(own_job(job_id)))
