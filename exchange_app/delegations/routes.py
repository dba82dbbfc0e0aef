"""Delegation pages: list, new, detail, edit, delete, export."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app.auth.permissions import WRITE_RECORDS, requires
from exchange_app.db import get_session
from exchange_app.delegations import bp, operations, queries
from exchange_app.delegations.forms import DelegationForm, DeleteForm
from exchange_app.delegations.kind import DELEGATIONS
from exchange_app.models import Delegation
from exchange_app.records import filters as list_filters
from exchange_app.records.forms import KindForm
from exchange_app.records.history import change_history
from exchange_app.records.views import (
    confirm_delete,
    create_once,
    export_list,
    found,
    legacy_redirect,
    record_form,
    save_changes,
)
from exchange_app.services import partners
from exchange_app.services.counterparts import active_counterparts
from exchange_app.services.pagination import paginate


def _render_form(form: KindForm, delegation: Delegation | None, conflict: bool = False) -> str:
    """The delegation form, with an empty row of each list for the script to copy."""
    row_templates = {key: form.row_template(key) for key in form.row_lists()}
    return render_template(
        "delegations/edit.html",
        form=form,
        delegation=delegation,
        conflict=conflict,
        row_templates=row_templates,
        kind=DELEGATIONS,
        counterparts=active_counterparts(get_session()),
    )


@bp.route("/")
def index() -> str | Response:
    """Delegations, searchable and filterable, with totals of what is shown."""
    legacy = legacy_redirect("delegations.index")
    if legacy is not None:
        return legacy
    session = get_session()
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
    form = record_form(DelegationForm)
    if not form.is_submitted():
        form.direction.data = request.args.get("direction", "outbound")
        form.add_row("members")
    elif not form.apply_row_action(request.form.get("row_action", "")) and form.validate():
        session = get_session()
        saved = create_once(
            DELEGATIONS,
            form,
            lambda: operations.create_delegation(session, form.values(), current_user.id).id,
            _("The delegation has been recorded."),
            "delegations.detail",
            "delegation_id",
        )
        if saved is not None:
            return saved
    return _render_form(form, None)


@bp.route("/<int:delegation_id>")
def detail(delegation_id: int) -> str:
    """One delegation with its rows and its change history."""
    delegation = found(queries.get_delegation(get_session(), delegation_id))
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
    delegation = found(queries.get_delegation(session, delegation_id))
    form = record_form(DelegationForm, delegation)
    if form.is_submitted() and not form.apply_row_action(request.form.get("row_action", "")):
        saved = save_changes(
            delegation,
            form,
            lambda: operations.update_delegation(
                session, delegation, form.values(), current_user.id
            ),
            lambda conflict: _render_form(form, delegation, conflict),
            url_for("delegations.detail", delegation_id=delegation.id),
        )
        if saved is not None:
            return saved
    return _render_form(form, delegation)


@bp.route("/<int:delegation_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def delete(delegation_id: int) -> str | Response | tuple[str, int]:
    """Ask, then delete a delegation; refused (409) if it changed since the user saw it."""
    session = get_session()
    delegation = found(queries.get_delegation(session, delegation_id))
    form = DeleteForm()
    return confirm_delete(
        delegation,
        form,
        lambda: operations.delete_delegation(session, delegation),
        lambda conflict: render_template(
            "delegations/delete.html", form=form, delegation=delegation, conflict=conflict
        ),
        _("The delegation has been deleted."),
        url_for("delegations.index"),
    )


@bp.route("/export")
def export() -> Response:
    """The filtered list as .xlsx or CSV (UTF-8 with BOM, or cp932)."""
    session = get_session()
    filters = queries.parse_filters(request.args)
    return export_list(
        DELEGATIONS,
        session.scalars(queries.export_statement(filters)).unique(),
        basename="delegations",
        sheet_title="訪問団",
        audit_entry=lambda file_format, count: {
            "summary": f"{file_format} {count} rows",
            "changes": {"filters": filters.as_args()},
        },
    )
