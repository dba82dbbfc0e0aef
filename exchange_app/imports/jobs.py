"""The import wizard's heavy steps as jobs: checking an uploaded file, then importing it."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from exchange_app.importing import apply_plan, plan_import, uploads
from exchange_app.importing.limits import UploadLimits
from exchange_app.imports import workbook
from exchange_app.imports.kinds import get_kind
from exchange_app.jobs import JobContext, JobFailure, handler
from exchange_app.jobs.routes import JobLinks, links_for
from exchange_app.models import Job, StoredFile
from exchange_app.services import stored_files
from exchange_app.vocab import JobKind, StoredFilePurpose


def _upload(context: JobContext) -> uploads.StoredUpload:
    stored = uploads.load_upload(context.session, context.params["token"], context.job.user_id)
    if stored is None:
        raise JobFailure(
            _("The uploaded file is no longer kept (it was imported, discarded or is too old).")
        )
    return stored


def _plan(context: JobContext, stored: uploads.StoredUpload) -> Any:
    return plan_import(
        context.session,
        get_kind(stored.kind),
        stored.filename,
        stored.content,
        limits=UploadLimits.from_config(context.app.config),
        progress=context.progress,
        # The preview lists the records the file names that do not exist yet, and
        # confirming the import creates them with it.
        create_missing=True,
        # The rows the user linked, in the preview, to a record the check offered.
        links=stored.links,
    )


@handler(JobKind.IMPORT_CHECK)
def check_upload(context: JobContext) -> tuple[str | None, dict[str, Any] | None]:
    """Read and check every row of an uploaded file; keep the plan for the preview."""
    stored = _upload(context)
    plan = _plan(context, stored)
    if not plan.rows and len(plan.problems) == 1 and plan.problems[0].column is None:
        # The file as a whole was refused (too large, not a spreadsheet, …): say why.
        raise JobFailure(plan.problems[0].message)
    context.begin_write()
    key = uploads.save_plan(context.session, stored.token, plan, context.job.user_id)
    counts = plan.counts
    return key, {"rows": len(plan.rows), "problems": len(plan.problems), **counts}


@handler(JobKind.IMPORT_APPLY)
def apply_upload(context: JobContext) -> tuple[str | None, dict[str, Any] | None]:
    """Check the file again against today's data, then write all rows or none."""
    stored = _upload(context)
    plan = _plan(context, stored)
    if not plan.ok:
        raise JobFailure(
            _("The file has problems; nothing was imported.")
            + " "
            + "; ".join(problem.text() for problem in plan.problems[:5])
        )
    total = len([row for row in plan.rows if row.action in ("create", "update")])
    context.progress(0, total)
    context.begin_write()
    result = apply_plan(
        context.session,
        get_kind(stored.kind),
        plan,
        user_id=context.job.user_id,
        progress=lambda done, _total: context.progress(done, total),
    )
    uploads.discard_upload(context.session, stored.token)
    return None, {
        "file": stored.filename,
        "created": len(result["created"]),
        "updated": len(result["updated"]),
        "unchanged": plan.counts["unchanged"],
    }


@links_for(JobKind.IMPORT_CHECK)
def _check_links(job: Job) -> JobLinks:
    return JobLinks(
        next_url=url_for("imports.preview", token=job.params["token"]),
        back_url=url_for("imports.index"),
        back_label=_("Back to import / export"),
    )


@links_for(JobKind.IMPORT_APPLY)
def _apply_links(job: Job) -> JobLinks:
    return JobLinks(
        next_url=None,
        back_url=url_for("imports.index"),
        back_label=_("Back to import / export"),
    )


@handler(JobKind.WORKBOOK_EXPORT)
def write_workbook(context: JobContext) -> tuple[str | None, dict[str, Any] | None]:
    """Write the whole office's workbook and keep it, for its user only, until downloaded."""
    personal = bool(context.params.get("personal"))
    content = workbook.export_workbook(
        context.session, include_personal=personal, progress=context.progress
    )
    context.begin_write()
    stored = stored_files.put(
        context.session,
        StoredFilePurpose.WORKBOOK_EXPORT,
        content,
        filename=context.params.get("filename", ""),
        user_id=context.job.user_id,
        meta={"personal": personal},
    )
    return stored.token, {"sheets": len(workbook.workbook_kinds(personal)), "bytes": len(content)}


def kept_workbook(session: Any, job: Job) -> StoredFile | None:
    """The workbook a finished job wrote, while it is kept."""
    return stored_files.get(session, job.result_ref, StoredFilePurpose.WORKBOOK_EXPORT)


@links_for(JobKind.WORKBOOK_EXPORT)
def _workbook_links(job: Job) -> JobLinks:
    return JobLinks(
        next_url=url_for("imports.workbook_download", job_id=job.id),
        back_url=url_for("imports.index"),
        back_label=_("Back to import / export"),
        download_label=_("Download the workbook"),
        counts_rows=False,
    )
