"""Delegation pages: list, new, detail, edit, delete, export."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app import current_language
from exchange_app.auth.permissions import WRITE_RECORDS, requires
from exchange_app.db import begin_write, get_session
from exchange_app.delegations import bp, operations, queries
from exchange_app.delegations.forms import DelegationForm, DeleteForm
from exchange_app.delegations.kind import DELEGATIONS
from exchange_app.models import Delegation
from exchange_app.records import filters as list_filters
from exchange_app.records.exports import export_headers, export_rows
from exchange_app.records.filters import legacy_query
from exchange_app.records.forms import KindForm, row_form_class
from exchange_app.records.history import change_history
from exchange_app.services import audit, exports, form_tokens, partners
from exchange_app.services.form_tokens import ALREADY_SAVED
from exchange_app.services.pagination import paginate
from exchange_app.services.records import version_conflict
from exchange_app.vocab import AuditAction


def _delegation_or_404(delegation_id: int) -> Delegation:
    delegation = queries.get_delegation(get_session(), delegation_id)
    if delegation is None:
        abort(404)
    return delegation


def _form(delegation: Delegation | None = None) -> KindForm:
    form = DelegationForm(obj=None if request.method == "POST" else delegation)
    form.set_reference_choices(get_session(), current_language())
    if delegation is not None and not form.is_submitted():
        form.load_record(delegation)
    return form


def _render_form(
    form: KindForm, delegation: Delegation | None, conflict: bool = False
) -> str:
    """The delegation form, with an empty row of each list for the script to copy."""
    row_templates = {
        key: row_form_class(rows)(prefix=f"{key}-__index__-")
        for key in form.row_lists()
        if (rows := DELEGATIONS.field(key).rows) is not None
    }
    return render_template(
        "delegations/edit.html",
        form=form,
        delegation=delegation,
        conflict=conflict,
        row_templates=row_templates,
        kind=DELEGATIONS,
    )


@bp.route("/")
def index() -> str | Response:
    """Delegations, searchable and filterable, with totals of what is shown."""
    session = get_session()
    legacy = legacy_query(session, request.args)
    if legacy is not None:
        return redirect(f"{url_for('delegations.index')}?{legacy}", 301)
    filters = queries.parse_filters(request.args)
    page = paginate(session, queries.list_statement(filters), request.args.get("page"))
    return render_template(
        "delegations/index.html",
        page=page,
        filters=filters,
        totals=queries.totals(session, filters),
        cities=partners.list_partner_cities(session),
        projects=list_filters.leading_projects(session),
        fiscal_years=list_filters.fiscal_years_recorded(session, Delegation.start_date),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def new() -> str | Response:
    """Record a delegation."""
    form = _form()
    if not form.is_submitted():
        form.direction.data = request.args.get("direction", "outbound")
        form.members.append_entry()
    elif not form.apply_row_action(request.form.get("row_action", "")) and form.validate():
        session = get_session()
        delegation_id, created = form_tokens.create_once(
            session,
            form.form_token.data,
            DELEGATIONS.entity_type,
            lambda: operations.create_delegation(session, form.values(), current_user.id).id,
            current_user.id,
        )
        session.commit()
        if created:
            flash(_("The delegation has been recorded."), "success")
        else:
            flash(str(ALREADY_SAVED), "info")
        return redirect(url_for("delegations.detail", delegation_id=delegation_id))
    return _render_form(form, None)


@bp.route("/<int:delegation_id>")
def detail(delegation_id: int) -> str:
    """One delegation with its rows and its change history."""
    delegation = _delegation_or_404(delegation_id)
    return render_template(
        "delegations/detail.html",
        delegation=delegation,
        history=change_history(get_session(), DELEGATIONS, delegation.id),
    )


@bp.route("/<int:delegation_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def edit(delegation_id: int) -> str | Response | tuple[str, int]:
    """Change a delegation; a save over someone else's newer change is refused (409)."""
    session = get_session()
    delegation = _delegation_or_404(delegation_id)
    form = _form(delegation)
    if form.is_submitted() and not form.apply_row_action(request.form.get("row_action", "")):
        valid = form.validate()
        if version_conflict(delegation, form.version.data):
            return _render_form(form, delegation, conflict=True), 409
        if valid:
            changes = operations.update_delegation(
                session, delegation, form.values(), current_user.id
            )
            session.commit()
            flash(_("Saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("delegations.detail", delegation_id=delegation.id))
    return _render_form(form, delegation)


@bp.route("/<int:delegation_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def delete(delegation_id: int) -> str | Response | tuple[str, int]:
    """Ask, then delete a delegation; refused (409) if it changed since the user saw it."""
    session = get_session()
    delegation = _delegation_or_404(delegation_id)
    form = DeleteForm()
    if not form.is_submitted():
        form.version.data = str(delegation.version)
        return render_template("delegations/delete.html", form=form, delegation=delegation)
    if not form.validate():
        return render_template("delegations/delete.html", form=form, delegation=delegation), 400
    if version_conflict(delegation, form.version.data):
        return render_template(
            "delegations/delete.html", form=form, delegation=delegation, conflict=True
        ), 409
    operations.delete_delegation(session, delegation)
    session.commit()
    flash(_("The delegation has been deleted."), "success")
    return redirect(url_for("delegations.index"))


@bp.route("/export")
def export() -> Response:
    """The filtered list as .xlsx or CSV (UTF-8 with BOM, or cp932)."""
    session = get_session()
    filters = queries.parse_filters(request.args)
    file_format = "csv" if request.args.get("format") == "csv" else "xlsx"
    encoding = "cp932" if request.args.get("encoding") == "cp932" else "utf-8-sig"
    rows = export_rows(DELEGATIONS, session.scalars(queries.export_statement(filters)).unique())
    substituted: list[exports.Unencodable] = []
    # Built before the audit entry: an export refused (Shift_JIS) is not recorded as made.
    response = exports.table_download(
        export_headers(DELEGATIONS),
        rows,
        basename="delegations",
        file_format=file_format,
        encoding=encoding,
        sheet_title="訪問団",
        substitute=exports.substitution_requested(request.args),
        substitutions=substituted,
    )
    begin_write(session)
    audit.record(
        session,
        AuditAction.EXPORT,
        DELEGATIONS.entity_type,
        None,
        summary=f"{file_format} {len(rows)} rows",
        changes={"filters": filters.as_args(), **exports.substitution_audit(substituted)},
    )
    session.commit()
    return response
