"""The import wizard (upload → preview → confirm), templates and exports."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from exchange_app import current_language, jobs
from exchange_app.auth.permissions import (
    ADMINISTER,
    PERSONAL_DATA,
    WRITE_RECORDS,
    can,
    log_personal_data_access,
    requires,
)
from exchange_app.db import begin_write, get_session
from exchange_app.forms import choices_from
from exchange_app.importing import uploads
from exchange_app.importing.limits import current_limits
from exchange_app.importing.plan import choose_links
from exchange_app.importing.spreadsheets import export_bytes, template_bytes
from exchange_app.imports import bp, workbook
from exchange_app.imports import jobs as import_jobs  # also registers the job handlers
from exchange_app.imports import preview as row_preview
from exchange_app.imports.forms import ConfirmForm, UploadForm, WorkbookExportForm
from exchange_app.imports.kinds import KINDS, get_kind
from exchange_app.jobs.routes import LINKS
from exchange_app.models import Job
from exchange_app.services import audit, exports
from exchange_app.vocab import AuditAction, JobKind, JobStatus

ROWS_PER_PAGE = 200


def max_upload_bytes() -> int:
    """The largest file the wizard accepts (``IMPORT_MAX_MB``, default 10 MB)."""
    return current_limits().max_bytes


def allowed_kinds() -> list[Any]:
    """The kinds the signed-in user may import and export (participants: coordinators)."""
    return [kind for kind in KINDS.values() if not kind.personal or can(PERSONAL_DATA)]


def _require_kind(kind_key: str) -> Any:
    if kind_key not in KINDS:
        abort(404)
    kind = get_kind(kind_key)
    if kind.personal and not can(PERSONAL_DATA):
        abort(403)
    return kind


def _upload_form(**kwargs: Any) -> UploadForm:
    form = UploadForm(**kwargs)
    form.kind.choices = choices_from({kind.key: kind.label for kind in allowed_kinds()})
    return form


def _index_page(form: UploadForm, error: str | None = None, status: int = 200) -> Any:
    return (
        render_template(
            "imports/index.html",
            form=form,
            kinds=allowed_kinds(),
            error=error,
            max_mb=round(max_upload_bytes() / 1024 / 1024, 1),
            workbook_form=WorkbookExportForm() if can(ADMINISTER) else None,
            recent=jobs.recent_jobs(
                get_session(),
                current_user.id,
                (JobKind.IMPORT_CHECK, JobKind.IMPORT_APPLY, JobKind.WORKBOOK_EXPORT),
            ),
        ),
        status,
    )


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Any:
    """A file over the server's request limit: say so on the upload page."""
    message = _(
        "The file is too large: files up to %(limit)s MB can be imported. "
        "Split it into smaller files.",
        limit=round(max_upload_bytes() / 1024 / 1024, 1),
    )
    if _wants_json():
        return jsonify(error=message), 413
    # The request body is not read again: the form starts empty.
    return _index_page(_upload_form(formdata=None), message, 413)


@bp.route("/", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def index() -> Any:
    """Step 1: upload a file; also templates and exports."""
    form = _upload_form()
    if form.validate_on_submit():
        _require_kind(form.kind.data)
        limit = max_upload_bytes()
        content = form.file.data.stream.read(limit + 1)
        if len(content) > limit:
            raise RequestEntityTooLarge()
        # The file is kept in the database and checked by a job: the request only stores it.
        session = get_session()
        token = uploads.save_upload(
            session, form.kind.data, form.file.data.filename or "", content, current_user.id
        )
        job = jobs.submit(
            session, JobKind.IMPORT_CHECK, current_user.id, current_language(), token=token
        )
        uploads.set_check_job(session, token, job.id)
        session.commit()
        jobs.start(job)
        target = url_for("imports.preview", token=token)
        if _wants_json():
            return jsonify(next=target)
        return redirect(target, 303)
    if form.is_submitted() and _wants_json():
        return jsonify(
            error=" ".join(str(e) for errors in form.errors.values() for e in errors)
        ), 400
    return _index_page(form, status=400 if form.is_submitted() else 200)


def _load(token: str) -> tuple[Any, Any]:
    stored = uploads.load_upload(get_session(), token, current_user.id)
    if stored is None:
        abort(404)
    return stored, _require_kind(stored.kind)


def _job_page(job: Job, status: int = 200) -> Any:
    """A job's progress (or why it failed) where the import wizard shows it."""
    return render_template("jobs/show.html", job=job, links=LINKS[job.kind](job)), status


def _preview_page(stored: Any, kind: Any, plan: Any, status: int = 200) -> Any:
    pages = max(1, -(-len(plan.rows) // ROWS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = plan.rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE]
    language = current_language()
    return (
        render_template(
            "imports/preview.html",
            stored=stored,
            kind=kind,
            plan=plan,
            rows=rows,
            page=page,
            pages=pages,
            stored_values=row_preview.preview_values(get_session(), kind, rows, language),
            changed={r.line: row_preview.changed_labels(kind, r.changed, language) for r in rows},
            form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/<token>")
@requires(WRITE_RECORDS)
def preview(token: str) -> Any:
    """Step 2: every row as create / update / unchanged, and every problem."""
    stored, kind = _load(token)
    if stored.check_job_id is not None:
        job = jobs.routes.own_job(stored.check_job_id)
        if job.status != JobStatus.DONE:
            return _job_page(job, 422 if job.status == JobStatus.FAILED else 200)
    plan = uploads.load_plan(get_session(), stored.token)
    if plan is None:
        abort(404)
    return _preview_page(stored, kind, plan)


@bp.route("/<token>/confirm", methods=["POST"])
@requires(WRITE_RECORDS)
def confirm(token: str) -> Any:
    """Step 3: check the file again against today's data, then write all rows or none."""
    stored, kind = _load(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    plan = uploads.load_plan(session, stored.token)
    if plan is None:
        return redirect(url_for("imports.preview", token=token), 303)
    if not plan.ok:
        flash(_("The file has problems; nothing was imported."), "danger")
        return _preview_page(stored, kind, plan, 422)
    # Checked again against today's data and written by a job (all rows or none).
    job = jobs.submit(
        session, JobKind.IMPORT_APPLY, current_user.id, current_language(), token=token
    )
    session.commit()
    jobs.start(job)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.route("/<token>/links", methods=["POST"])
@requires(WRITE_RECORDS)
def links(token: str) -> Response:
    """Keep which offered record each row is linked to, then check the file again."""
    stored, _kind = _load(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    plan = uploads.load_plan(session, stored.token)
    if plan is None:
        return redirect(url_for("imports.preview", token=token), 303)
    choices = {
        int(line): request.form.get(f"link-{line}", "")
        for line in request.form.getlist("link-lines")
        if line.isdigit()
    }
    chosen = choose_links(plan, choices, link_all="link-all" in request.form)
    uploads.set_links(session, stored.token, chosen)
    # The choices change what the rows do (a person twice on a programme is a problem):
    # the file is checked again, by a job, with them.
    job = jobs.submit(
        session, JobKind.IMPORT_CHECK, current_user.id, current_language(), token=token
    )
    uploads.set_check_job(session, token, job.id)
    session.commit()
    jobs.start(job)
    return redirect(url_for("imports.preview", token=token), 303)


@bp.route("/<token>/cancel", methods=["POST"])
@requires(WRITE_RECORDS)
def cancel(token: str) -> Response:
    """Forget an uploaded file without importing it."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    _load(token)
    session = get_session()
    uploads.discard_upload(session, token)
    session.commit()
    flash(_("The upload was discarded; nothing was imported."), "info")
    return redirect(url_for("imports.index"))


@bp.route("/templates/<kind_key>.xlsx")
@requires(WRITE_RECORDS)
def template(kind_key: str) -> Response:
    """A blank template with an example row and a notes sheet."""
    kind = _require_kind(kind_key)
    return exports.download(
        template_bytes(kind), f"template-{kind_key}.xlsx", exports.XLSX_MIMETYPE
    )


@bp.route("/export/<kind_key>")
@requires(WRITE_RECORDS)
def export(kind_key: str) -> Response:
    """Every record of a kind, in the very form the import reads."""
    kind = _require_kind(kind_key)
    file_format = request.args.get("format", "xlsx")
    encoding = request.args.get("encoding", "utf-8-sig")
    if file_format not in ("xlsx", "csv") or encoding not in exports.CSV_ENCODINGS:
        abort(400)
    session = get_session()
    substituted: list[exports.Unencodable] = []
    content = export_bytes(
        session,
        kind,
        file_format,
        encoding,
        substitute=exports.substitution_requested(request.args),
        substitutions=substituted,
    )
    if kind.personal:
        begin_write(session)
        audit.record(
            session,
            AuditAction.EXPORT,
            kind.entity_type,
            None,
            summary=f"{kind_key} exported as {file_format}",
            changes={
                "format": file_format,
                "encoding": encoding,
                **exports.substitution_audit(substituted),
            },
        )
        session.commit()
    if file_format == "csv":
        return exports.csv_download(content, kind_key, encoding)
    return exports.xlsx_download(content, kind_key)


@bp.route("/workbook/new", methods=["POST"])
@requires(ADMINISTER)
def workbook_export() -> Response:
    """Ask for the whole office as one workbook: a job writes it, its page downloads it."""
    form = WorkbookExportForm()
    if not form.validate_on_submit():
        abort(400)
    personal = bool(form.include_personal.data)
    session = get_session()
    basename = "exchange-app-all-personal" if personal else "exchange-app-all"
    job = jobs.submit(
        session,
        JobKind.WORKBOOK_EXPORT,
        current_user.id,
        current_language(),
        personal=personal,
        filename=exports.dated_filename(basename, "xlsx"),
    )
    if personal:
        log_personal_data_access(export="workbook")
        workbook.record_personal_export(
            session, "whole-office workbook with personal data", job=job.id
        )
    session.commit()
    jobs.start(job)
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.route("/workbook/<int:job_id>")
@requires(ADMINISTER)
def workbook_download(job_id: int) -> Response:
    """The workbook a finished job wrote, for the administrator who asked for it."""
    job = jobs.routes.own_job(job_id)
    if job.kind != JobKind.WORKBOOK_EXPORT:
        abort(404)
    if job.status != JobStatus.DONE:
        return redirect(url_for("jobs.show", job_id=job.id), 303)
    stored = import_jobs.kept_workbook(get_session(), job)
    if stored is None:
        flash(
            _("The workbook is no longer kept (it is removed after a few hours). Write it again."),
            "warning",
        )
        return redirect(url_for("imports.index"), 303)
    return exports.download(stored.content, stored.filename, exports.XLSX_MIMETYPE)
