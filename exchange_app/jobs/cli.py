"""``flask jobs worker``: run the queue's jobs (as many workers as needed, on any machine)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from exchange_app.db import get_session
from exchange_app.jobs.queue import queue_of, recover_stale


@click.group("jobs", cls=AppGroup)
def jobs_group() -> None:
    """The job queue (uploads checked and imported, history PDFs laid out)."""


@jobs_group.command("worker")
@click.option("--workers", type=int, default=None, help="Jobs run at once (JOB_WORKERS, 2).")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run jobs until stopped (Ctrl+C or SIGTERM finish the jobs under way first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_IMMEDIATE"):
        raise click.UsageError("JOBS_IMMEDIATE is set: jobs run inside the web request.")
    huey = queue_of(app).huey
    # Jobs a dead worker left running are taken care of before new ones start.
    recover_stale(get_session(), app)
    storage = "Redis" if app.config.get("REDIS_URL") else "SQLite"
    workers = workers or app.config["JOB_WORKERS"]
    click.echo(f"job worker on {storage} (queue {huey.name}), {workers} at once", err=True)
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
    )
    consumer.run()


@jobs_group.command("recover")
@with_appcontext
def recover_command() -> None:
    """Queue again (or mark failed) the jobs whose worker stopped; prints their ids."""
    again = recover_stale(get_session())
    click.echo(" ".join(str(job_id) for job_id in again) or "none")


@jobs_group.command("clean-up")
@with_appcontext
def clean_up_command() -> None:
    """Run the periodic clean-ups now (expired uploads, long-finished jobs); prints counts."""
    from exchange_app.services import housekeeping

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    removed = housekeeping.clean_up(get_session(), app)
    click.echo(" ".join(f"{name}={count}" for name, count in removed.items()))
