"""Delegation pages: list, new, detail, edit, delete, export."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app import current_language, vocab
from exchange_app.auth.permissions import WRITE_RECORDS, requires
from exchange_app.db import get_session
from exchange_app.delegations import bp
from exchange_app.delegations.forms import ROW_LISTS, DelegationForm, DeleteForm
from exchange_app.models import Delegation
from exchange_app.services import audit, delegations, exports, partners
from exchange_app.services.pagination import paginate
from exchange_app.services.records import version_conflict

# How the audit trail's keys are named on the detail page.
HISTORY_LABELS = {
    "direction": _l("Direction"),
    "partner_city": _l("Partner city"),
    "counterpart": _l("Counterpart"),
    "title": _l("Title"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "head_name": _l("Head of delegation"),
    "head_title": _l("Head's title"),
    "member_count": _l("Number of people"),
    "purpose": _l("Purpose"),
    "outcome": _l("Outcome"),
    "fields": _l("Fields of exchange"),
    "leading_projects": _l("Leading projects"),
    "members": _l("Members"),
    "courtesy_calls": _l("Courtesy calls"),
    "gifts": _l("Gifts"),
}


def describe_value(key: str, value: Any) -> str:
    """An audit value as a short text for the change history."""
    if value in (None, "", []):
        return "—"
    if key == "direction":
        return str(vocab.DIRECTION_LABELS.get(value, value))
    if key == "fields":
        return "、".join(str(vocab.EXCHANGE_FIELD_LABELS.get(v, v)) for v in value)
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                if "direction" in item:
                    item = {**item, "direction": vocab.GIFT_DIRECTION_LABELS.get(item["direction"])}
                parts.append(" / ".join(str(v) for v in item.values() if v not in (None, "")))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(value)


def _delegation_or_404(delegation_id: int) -> Delegation:
    delegation = delegations.get_delegation(get_session(), delegation_id)
    if delegation is None:
        abort(404)
    return delegation


def _form_choices(form: DelegationForm) -> None:
    session = get_session()
    form.set_choices(
        partners.list_partner_cities(session),
        delegations.leading_projects(session),
        current_language(),
    )


def _render_form(
    form: DelegationForm, delegation: Delegation | None, conflict: bool = False
) -> str:
    """The delegation form, with an empty row of each list for the script to copy."""
    row_templates = {name: row(prefix=f"{name}-__index__-") for name, row in ROW_LISTS.items()}
    return render_template(
        "delegations/edit.html",
        form=form,
        delegation=delegation,
        conflict=conflict,
        row_templates=row_templates,
    )


def _row_action(form: DelegationForm) -> bool:
    """Apply an add-row or remove-row button; True when one was pressed."""
    action = request.form.get("row_action", "")
    kind, _sep, rest = action.partition(":")
    list_name, _sep, index = rest.partition(":")
    if list_name not in ROW_LISTS:
        return False
    if kind == "add":
        form.add_row(list_name)
    elif kind == "remove" and index.isdigit():
        form.remove_row(list_name, int(index))
    else:
        return False
    return True


@bp.route("/")
def index() -> str:
    """Delegations, searchable and filterable, with totals of what is shown."""
    session = get_session()
    filters = delegations.parse_filters(request.args)
    page = paginate(session, delegations.list_statement(filters), request.args.get("page"))
    return render_template(
        "delegations/index.html",
        page=page,
        filters=filters,
        totals=delegations.totals(session, filters),
        cities=partners.list_partner_cities(session),
        projects=delegations.leading_projects(session),
        fiscal_years=delegations.fiscal_years_recorded(session),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def new() -> str | Response:
    """Record a delegation."""
    form = DelegationForm()
    _form_choices(form)
    if not form.is_submitted():
        form.direction.data = request.args.get("direction", "outbound")
        form.members.append_entry()
    elif not _row_action(form) and form.validate():
        session = get_session()
        delegation = delegations.create_delegation(session, form.values(), current_user.id)
        session.commit()
        flash(_("The delegation has been recorded."), "success")
        return redirect(url_for("delegations.detail", delegation_id=delegation.id))
    return _render_form(form, None)


@bp.route("/<int:delegation_id>")
def detail(delegation_id: int) -> str:
    """One delegation with its rows and its change history."""
    delegation = _delegation_or_404(delegation_id)
    history = audit.history_of(get_session(), delegations.ENTITY_TYPE, delegation.id)
    return render_template(
        "delegations/detail.html",
        delegation=delegation,
        history=list(reversed(history)),
        history_labels=HISTORY_LABELS,
        describe_value=describe_value,
    )


@bp.route("/<int:delegation_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def edit(delegation_id: int) -> str | Response | tuple[str, int]:
    """Change a delegation; a save over someone else's newer change is refused (409)."""
    session = get_session()
    delegation = _delegation_or_404(delegation_id)
    form = DelegationForm(obj=None if request.method == "POST" else delegation)
    _form_choices(form)
    if not form.is_submitted():
        form.version.data = str(delegation.version)
        form.partner_city_id.data = str(delegation.partner_city_id or "")
        form.leading_projects.data = [str(p.id) for p in delegation.leading_projects]
        form.fields.data = delegation.fields
    elif not _row_action(form):
        valid = form.validate()
        if version_conflict(delegation, form.version.data):
            return _render_form(form, delegation, conflict=True), 409
        if valid:
            changes = delegations.update_delegation(
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
    delegations.delete_delegation(session, delegation)
    session.commit()
    flash(_("The delegation has been deleted."), "success")
    return redirect(url_for("delegations.index"))


@bp.route("/export")
def export() -> Response:
    """The filtered list as .xlsx or CSV (UTF-8 with BOM, or cp932)."""
    session = get_session()
    filters = delegations.parse_filters(request.args)
    file_format = "csv" if request.args.get("format") == "csv" else "xlsx"
    encoding = "cp932" if request.args.get("encoding") == "cp932" else "utf-8-sig"
    rows = delegations.export_rows(session, filters)
    audit.record(
        session,
        "export",
        delegations.ENTITY_TYPE,
        None,
        summary=f"{file_format} {len(rows)} rows",
        changes={"filters": filters.as_args()},
    )
    session.commit()
    return exports.table_download(
        delegations.EXPORT_HEADERS,
        rows,
        basename=f"delegations-{date.today().isoformat()}",
        file_format=file_format,
        encoding=encoding,
        sheet_title="訪問団",
    )
