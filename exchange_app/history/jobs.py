"""Laying out a history's PDF as a job; the PDF is kept in the database for every server."""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from exchange_app.history.document import pdf_key, render_document_html, render_pdf
from exchange_app.jobs import JobContext, JobFailure, handler
from exchange_app.jobs.routes import JobLinks, links_for
from exchange_app.models import Job, StoredFile
from exchange_app.services import history as history_service
from exchange_app.services import partners, stored_files
from exchange_app.vocab import JobKind, JobStatus, StoredFilePurpose

# WeasyPrint reports "Step 3 - …" of six steps; the job's progress counts those steps.
LAYOUT_STEPS = 6
_STEP = re.compile(r"Step (\d+)")


def kept_pdf(session: Session, key: str) -> StoredFile | None:
    """The PDF kept under ``key``, if it was laid out."""
    return stored_files.get(session, key, StoredFilePurpose.HISTORY_PDF)


def pending_job(session: Session, key: str, user_id: int) -> Job | None:
    """A job of this user already laying out the document ``key``."""
    return session.scalar(
        select(Job).where(
            Job.kind == JobKind.HISTORY_PDF,
            Job.result_ref == key,
            Job.user_id == user_id,
            Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
        )
    )


@handler(JobKind.HISTORY_PDF)
def lay_out_pdf(context: JobContext) -> tuple[str | None, dict[str, Any] | None]:
    """Lay out the PDF and keep it (only the latest version of each document is kept)."""
    session = context.session
    params = context.params
    city = partners.get_partner_city_by_slug(session, params["slug"])
    if city is None:
        raise JobFailure(_("The partner city no longer exists."))
    history = history_service.build_history(session, city, params["ordinal"])
    language = params["language"]
    html = render_document_html(history, language)
    key = pdf_key(history, language, html)
    if kept_pdf(session, key) is None:

        def step(message: str) -> None:
            found = _STEP.search(message)
            context.progress(int(found.group(1)) if found else 0, LAYOUT_STEPS)

        content = render_pdf(history, language, progress=step, html=html)
        document = {"slug": city.slug, "ordinal": history.milestone.ordinal, "language": language}
        context.begin_write()
        prefix = f"pdf-{city.slug}-{history.milestone.ordinal}-{language}-"
        session.execute(
            delete(StoredFile).where(
                StoredFile.purpose == StoredFilePurpose.HISTORY_PDF,
                StoredFile.token.startswith(prefix, autoescape=True),
            )
        )
        stored_files.put(
            session,
            StoredFilePurpose.HISTORY_PDF,
            content,
            filename=params.get("filename", ""),
            meta=document,
            token=key,
        )
    return key, {"records": len(history.entries)}


@links_for(JobKind.HISTORY_PDF)
def _pdf_links(job: Job) -> JobLinks:
    params = job.params
    return JobLinks(
        next_url=url_for(
            "history.pdf",
            slug=params["slug"],
            ordinal=params["ordinal"],
            language=params["language"],
        ),
        back_url=url_for(
            "history.report",
            slug=params["slug"],
            ordinal=params["ordinal"],
            language=params["language"],
        ),
        back_label=_("Back to the history"),
        download_label=_("Download PDF"),
        counts_rows=False,
    )
