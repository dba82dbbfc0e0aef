"""The periodic clean-ups: run every ten minutes by the job worker, or by ``flask jobs clean-up``.

Each clean-up is a plain function of its feature; this module only runs them together,
in one writing transaction, and says how much each removed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from sqlalchemy.orm import Session

from exchange_app.db import begin_write
from exchange_app.importing import uploads
from exchange_app.jobs.queue import purge_finished

log = logging.getLogger("exchange_app.housekeeping")


def clean_up(session: Session, app: Flask) -> dict[str, int]:
    """Forget expired uploads (they may hold personal data) and long-finished jobs. Commits."""
    begin_write(session)
    removed = {
        "expired_uploads": uploads.purge_expired(session),
        "finished_jobs": purge_finished(session, timedelta(days=app.config["JOB_KEEP_DAYS"])),
    }
    session.commit()
    if any(removed.values()):
        log.info("clean-up removed %s", removed)
    return removed
